import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { followCommand, followPackets } from '../../src/cli/follow.js';
import { decodeCapture } from '../../src/engine/decode.js';
import { reassembledText, TsharkFollow, tsharkFollowText, type FollowMode, type FollowPacket } from '../../src/report/follow-text.js';
import { corpusCaptures, fixtureCaptures, haveShared, haveTshark, sampleCaptures, samplesDir, skipNote, tshark } from '../helpers/paths.js';

const enc = new TextEncoder();

function p(frame: number, from: 0 | 1, seq: number, ack: number, flags: number, data = ''): FollowPacket {
  const bytes = enc.encode(data);
  const a = { ip: '10.0.0.1', port: 1111 };
  const b = { ip: '10.0.0.2', port: 80 };
  const [s, d] = from === 0 ? [a, b] : [b, a];
  return {
    frame,
    tsSec: 1700000000,
    tsNsec: frame * 1000,
    src: s.ip,
    srcPort: s.port,
    dst: d.ip,
    dstPort: d.port,
    ipv6: false,
    seq,
    ack,
    rawSeq: seq,
    rawAck: ack,
    flags,
    seglen: bytes.length,
    data: bytes,
  };
}

const SYN = 2;
const ACK = 16;
const FIN = 1;

describe("tshark's follow algorithm", () => {
  it('orders chunks by sequence, drops repeats and keeps the new part of overlaps', () => {
    const f = new TsharkFollow();
    f.add(p(1, 0, 0, 0, SYN));
    f.add(p(2, 1, 0, 1, SYN | ACK));
    f.add(p(3, 0, 1, 1, ACK, 'hello '));
    f.add(p(4, 0, 12, 1, ACK, '!!')); // out of order: held
    f.add(p(5, 0, 7, 1, ACK, 'world')); // fills the hole: the held one follows
    f.add(p(6, 0, 7, 1, ACK, 'world')); // repeat: dropped
    f.add(p(7, 0, 11, 1, ACK, 'd!!?')); // overlap: only '?' is new
    f.add(p(8, 1, 1, 15, ACK | FIN, 'bye'));
    expect(f.payload.map((r) => [r.frame, new TextDecoder().decode(r.data)])).toEqual([
      [3, 'hello '],
      [5, 'world'],
      [4, '!!'],
      [7, '?'],
      [8, 'bye'],
    ]);
    expect(tsharkFollowText(f, 'ascii', 3)).toBe(
      '\n' +
        '='.repeat(67) +
        '\nFollow: tcp,ascii\nFilter: tcp.stream eq 3\nNode 0: 10.0.0.1:1111\nNode 1: 10.0.0.2:80\n' +
        '6\nhello \n5\nworld\n2\n!!\n1\n?\n\t3\nbye\n' +
        '='.repeat(67) +
        '\n',
    );
  });

  it('inserts a missing-bytes chunk (with its NUL) when the peer ACKs past a hole', () => {
    const f = new TsharkFollow();
    f.add(p(1, 0, 0, 0, SYN));
    f.add(p(2, 0, 1, 1, ACK, 'abc'));
    f.add(p(3, 0, 104, 1, ACK, 'xyz')); // 100 bytes never captured
    f.add(p(4, 1, 1, 107, ACK));
    const text = tsharkFollowText(f, 'ascii', 0);
    // 35 characters and the NUL, which prints as '.'
    expect(text).toContain('\n36\n[100 bytes missing in capture file].\n3\nxyz\n');
    const raw = tsharkFollowText(f, 'raw', 0);
    expect(raw).toContain('5b313030206279746573206d697373696e6720696e20636170747572652066696c655d00\n');
  });

  it('never prints held segments that nothing released', () => {
    const f = new TsharkFollow();
    f.add(p(1, 0, 10, 0, ACK, 'aa'));
    f.add(p(2, 0, 20, 0, ACK, 'bb'));
    expect(f.payload).toHaveLength(1);
  });

  it('prints the hex dump with per-node offsets and the ascii column quirks', () => {
    const f = new TsharkFollow();
    f.add(p(1, 0, 1, 1, ACK, '0123456789abcdefXY'));
    f.add(p(2, 1, 1, 19, ACK, 'ABCDEFG '));
    f.add(p(3, 0, 19, 9, ACK, '\x01\x7f'));
    const lines = tsharkFollowText(f, 'hex', 0).split('\n');
    expect(lines.slice(6, 10)).toEqual([
      '00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  01234567 89abcdef',
      '00000010  58 59                                             XY',
      // one trailing space is dropped: the gap after byte 8 here (a real final space stays)
      '\t00000000  41 42 43 44 45 46 47 20                           ABCDEFG ',
      '00000012  01 7f                                             ..',
    ]);
  });

  it('prints yaml like tshark 4.0', () => {
    const f = new TsharkFollow();
    f.add(p(1, 0, 1, 1, ACK, 'GET /'));
    expect(tsharkFollowText(f, 'yaml', 0)).toBe(
      'peers:\n  - peer: 0\n    host: 10.0.0.1\n    port: 1111\n  - peer: 1\n    host: 10.0.0.2\n    port: 80\npackets:\n' +
        // %.9f of a double, as tshark: 1700000000 s + 1000 ns is not representable exactly
        '  - packet: 1\n    peer: 0\n    timestamp: 1700000000.000000954\n    data: !!binary |\n      R0VUIC8=\n',
    );
  });

  it('shows an empty stream as tshark does', () => {
    expect(tsharkFollowText(new TsharkFollow(), 'ascii', 9)).toBe(`\n${'='.repeat(67)}\nFollow: tcp,ascii\nFilter: tcp.stream eq 9\nNode 0: :0\nNode 1: :0\n${'='.repeat(67)}\n`);
  });
});

describe('follow --format text', () => {
  it('escapes terminal controls and marks gaps', () => {
    const text = reassembledText(
      ['10.0.0.1:1111', '10.0.0.2:80'],
      [
        { dir: 0, frame: 3, seqOffset: 0, bytes: enc.encode('GET /\x1b[2J HTTP/1.1\r\nHost: x\r\n') },
        { dir: 1, frame: 4, seqOffset: 0, gapLen: 100, reason: 'lost' },
        { dir: 1, frame: 5, seqOffset: 100, bytes: enc.encode('ok\x07') },
      ],
    );
    expect(text).toBe(
      '--- 10.0.0.1:1111 -> 10.0.0.2:80 (from frame 3, offset 0) ---\nGET /\\033[2J HTTP/1.1\nHost: x\n\n' +
        '\t--- 10.0.0.2:80 -> 10.0.0.1:1111 (from frame 4, offset 0) ---\n\t[100 bytes missing: lost]ok\\a\n',
    );
  });

  it('reassembles a sample stream', async () => {
    const file = path.join(samplesDir, 'http-keepalive.pcap');
    if (!existsSync(file)) return skipNote('samples not generated yet: follow text test skipped');
    const lines: string[] = [];
    const code = await followCommand(file, '0', { format: 'text' }, { line: (s) => lines.push(s), flush() {} });
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('--- 10.99.0.1:41080 -> 10.99.0.2:8080 (from frame 4, offset 0) ---\nGET /hello.txt HTTP/1.1\nHost: 10.99.0.2:8080');
  });

  it('rejects a bad stream index or format', async () => {
    const sink = { line() {}, flush() {} };
    expect(await followCommand('/nonexistent', 'x', {}, sink)).toBe(1);
    expect(await followCommand('/nonexistent', '0', { format: 'ebcdic' }, sink)).toBe(1);
  });
});

describe('follow matches tshark -z follow,tcp byte for byte (live tshark)', () => {
  const MODES: FollowMode[] = ['ascii', 'hex', 'raw', 'yaml'];

  /** All modes of up to `max` streams with payload, in one tshark run (several -z print in
   * reverse order). Returns [capture, streams compared]. */
  async function compare(file: string, max: number): Promise<number> {
    const bytes = new Map<number, number>();
    const packets: { stream: number; p: FollowPacket }[] = [];
    await decodeCapture(file, { columns: false, tree: 'none' }, (d) => {
      for (const l of d.packet.layers) {
        const a = (l as { analysis?: { stream: number } }).analysis;
        if (l.proto !== 'tcp' || !a || l.errorDepth) continue;
        bytes.set(a.stream, (bytes.get(a.stream) ?? 0) + Math.max(0, (l as unknown as { seglen: number }).seglen));
      }
      for (const s of bytes.keys()) for (const fp of followPackets(d.packet, s)) packets.push({ stream: s, p: fp });
    });
    const streams = [...bytes].filter(([, n]) => n > 0).map(([s]) => s).slice(0, max);
    if (!streams.length) return 0;
    const args = ['-r', file, '-q'];
    let ours = '';
    const parts: string[] = [];
    for (const s of streams) {
      const f = new TsharkFollow();
      for (const x of packets) if (x.stream === s) f.add(x.p);
      for (const m of MODES) {
        args.push('-z', `follow,tcp,${m},${s}`);
        parts.push(tsharkFollowText(f, m, s));
      }
    }
    ours = parts.reverse().join('');
    expect(ours, path.basename(file)).toBe(tshark(args));
    return streams.length;
  }

  it('on the samples and the TCP fixtures', async () => {
    if (!haveTshark) return skipNote('tshark not installed: live follow comparison skipped');
    let n = 0;
    for (const file of [...sampleCaptures(), ...fixtureCaptures()]) n += await compare(file, 3);
    if (!n) skipNote('no samples or fixtures with TCP payload yet');
  });

  it('on the public corpus captures with TCP payload', async () => {
    if (!haveShared) return skipNote('../shared is absent: corpus follow comparison skipped');
    if (!haveTshark) return skipNote('tshark not installed: live follow comparison skipped');
    let streams = 0;
    for (const file of corpusCaptures()) streams += await compare(file, 2);
    expect(streams).toBeGreaterThan(50);
  });
});
