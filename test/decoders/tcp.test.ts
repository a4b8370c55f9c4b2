/**
 * The TCP decoder on hand-built bytes: header fields with tshark's names and -T fields texts, the
 * tree texts, option parsing (and its malformed cases), the Info column and the payload hand-off.
 * The oracle comparisons against tshark are in test/analysis/tcp/ (fixtures, corpus, samples).
 */
import { describe, expect, test } from 'vitest';
import type { Frame } from '../../src/capture/types.js';
import { fieldByName } from '../../src/decoders/core/fields.js';
import { valueForFields } from '../../src/decoders/core/format.js';
import type { DecodeContext, DecodeResult } from '../../src/decoders/core/context.js';
import { FullTree, type FieldNode } from '../../src/decoders/core/tree.js';
import { Session, type Decoder } from '../../src/decoders/core/registry.js';
import { dissect } from '../../src/decoders/core/dissect.js';
import { FAIL_MALFORMED, TCP_A, bitsText, tcpFlagsLetters, tcpFlagsToString, type TcpLayer } from '../../src/decoders/tcp.js';
import { Conn, frame } from '../analysis/tcp/build.js';
import { nodes, runFrames, tcpTestRegistry } from '../analysis/tcp/stack.js';

/** tcpdump -XX of chrissanders/packets tcp_handshake.pcapng, frames 1-2:
 * 19:38:34.341715 IP 172.16.16.128.2826 > 212.58.226.142.80: Flags [S], seq 3691127924, win 8192,
 *   options [mss 1460,nop,wscale 2,nop,nop,sackOK], length 0
 * 19:38:34.474342 IP 212.58.226.142.80 > 172.16.16.128.2826: Flags [S.], seq 233779340, ack 3691127925,
 *   win 5840, options [mss 1406,nop,nop,sackOK,nop,wscale 7], length 0 */
const SYN_HEX = `
0x0000:  0005 5d21 994c 0021 6a5b 7d4a 0800 4500
0x0010:  0034 317f 4000 8006 55eb ac10 1080 d43a
0x0020:  e28e 0b0a 0050 dc02 2474 0000 0000 8002
0x0030:  2000 cfeb 0000 0204 05b4 0103 0302 0101
0x0040:  0402`;
const SYNACK_HEX = `
0x0000:  0021 6a5b 7d4a 0005 5d21 994c 0800 4500
0x0010:  0034 0000 0000 3106 166b d43a e28e ac10
0x0020:  1080 0050 0b0a 0def 308c dc02 2475 8012
0x0030:  16d0 9ac0 0000 0204 057e 0101 0402 0103
0x0040:  0307`;

function fromHex(n: number, dump: string, t: number): Frame {
  const bytes = dump
    .trim()
    .split('\n')
    .flatMap((l) => l.replace(/^\s*0x[0-9a-f]+:\s*/, '').split(/\s+/))
    .join('')
    .match(/../g)!
    .map((h) => parseInt(h, 16));
  const data = Uint8Array.from(bytes);
  return { number: n, tsSec: 1272656314 + Math.floor(t), tsNsec: Math.round((t % 1) * 1e9), hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, fileOffset: 0, data };
}

const fieldText = (n: FieldNode | undefined): string => (n ? valueForFields(n.def, n.value as never, n) : '');
const first = (t: FullTree, name: string): string => fieldText(nodes(t, name)[0]);
const tcp = (p: { layers: unknown[] }) => (p.layers as TcpLayer[]).find((l) => l.proto === 'tcp')!;

describe('header and options (tcpdump bytes)', () => {
  test('SYN and SYN/ACK: fields as tshark -T fields prints them', async () => {
    const run = await runFrames([fromHex(1, SYN_HEX, 0.341715), fromHex(2, SYNACK_HEX, 0.474342)], { tree: true });
    const [t1, t2] = run.trees as [FullTree, FullTree];
    expect(first(t1, 'tcp.srcport')).toBe('2826');
    expect(nodes(t1, 'tcp.port').map(fieldText)).toEqual(['2826', '80']);
    expect(first(t1, 'tcp.seq')).toBe('0');
    expect(first(t1, 'tcp.seq_raw')).toBe('3691127924');
    expect(first(t1, 'tcp.nxtseq')).toBe('1');
    expect(first(t1, 'tcp.hdr_len')).toBe('32');
    expect(first(t1, 'tcp.flags')).toBe('0x0002');
    expect(first(t1, 'tcp.flags.syn')).toBe('1');
    expect(first(t1, 'tcp.flags.str')).toBe('··········S·');
    expect(first(t1, 'tcp.window_size_value')).toBe('8192');
    expect(first(t1, 'tcp.checksum')).toBe('0xcfeb');
    expect(first(t1, 'tcp.checksum.status')).toBe('2');
    expect(first(t1, 'tcp.options')).toBe('020405b4010303020101040 2'.replace(' ', ''));
    expect(nodes(t1, 'tcp.option_kind').map(fieldText)).toEqual(['2', '1', '3', '1', '1', '4']);
    expect(first(t1, 'tcp.options.mss_val')).toBe('1460');
    expect(first(t1, 'tcp.options.wscale.shift')).toBe('2');
    expect(first(t1, 'tcp.options.wscale.multiplier')).toBe('4');
    expect(first(t1, 'tcp.stream')).toBe('0');
    expect(first(t1, 'tcp.completeness')).toBe('0');
    expect(first(t1, 'tcp.len')).toBe('0');
    expect(nodes(t1, 'tcp.window_size_scalefactor')).toHaveLength(0); // not on SYNs
    expect(run.packets[0]!.cols!.info).toBe('2826 → 80 [SYN] Seq=0 Win=8192 Len=0 MSS=1460 WS=4 SACK_PERM');
    expect(run.packets[0]!.cols!.protocol).toBe('TCP');
    expect(run.packets[1]!.cols!.info).toBe('80 → 2826 [SYN, ACK] Seq=0 Ack=1 Win=5840 Len=0 MSS=1406 SACK_PERM WS=128');
    expect(first(t2, 'tcp.ack')).toBe('1');
    expect(first(t2, 'tcp.analysis.acks_frame')).toBe('1');
    expect(first(t2, 'tcp.analysis.ack_rtt')).toBe('0.132627000');
    expect(first(t2, 'tcp.completeness')).toBe('1');
    // tree texts
    const proto = nodes(t1, 'tcp')[0]!;
    expect(proto.text).toBe('Transmission Control Protocol, Src Port: 2826, Dst Port: 80, Seq: 0, Len: 0');
    expect(nodes(t1, 'tcp.hdr_len')[0]!.text).toBe('1000 .... = Header Length: 32 bytes (8)');
    expect(nodes(t1, 'tcp.options')[0]!.text).toBe(
      'Options: (12 bytes), Maximum segment size, No-Operation (NOP), Window scale, No-Operation (NOP), No-Operation (NOP), SACK permitted',
    );
    expect(nodes(t1, 'tcp.options.wscale')[0]!.text).toBe('TCP Option - Window scale: 2 (multiply by 4)');
    expect(nodes(t1, 'tcp.flags.syn')[0]!.text).toBe('.... .... ..1. = Syn: Set');
    expect(nodes(t1, 'tcp.connection.syn')).toHaveLength(1);
    expect(run.packets[0]!.issues.map((i) => i.message)).toContain('Connection establish request (SYN): server port 80');
    // typed layer
    expect(tcp(run.packets[0]!)).toMatchObject({ srcPort: 2826, dstPort: 80, seq: 3691127924, hdrLen: 32, flags: 2, window: 8192, seglen: 0, mss: 1460, wscale: 2, sackPerm: true });
  });

  test('flag helpers', () => {
    expect(tcpFlagsToString(0x012)).toBe('SYN, ACK');
    expect(tcpFlagsToString(0x000)).toBe('<None>');
    expect(tcpFlagsToString(0xf10)).toBe('ACK, AE, Reserved');
    expect(tcpFlagsToString(0x0f8, true)).toBe('PSH, ACK, URG, ACE=3');
    expect(tcpFlagsLetters(0x0f6)).toBe('····CEUA·RS·');
    expect(tcpFlagsLetters(0x0d0, true)).toBe('···-3-·A····');
    expect(bitsText(0x10, 0x10, 12)).toBe('.... ...1 ....');
  });
});

describe('malformed and truncated headers', () => {
  test('bad option lengths are expert items, not malformed', async () => {
    const c = new Conn().hs(0);
    c.c2s(0.02, 1, 1, 'A', { opts: [2, 3, 5, 1] }); // MSS with length 3
    c.c2s(0.03, 1, 1, 'A', { opts: [8, 10, 0, 0] }); // past end of options
    c.c2s(0.04, 1, 1, 'A', { opts: [5, 1, 0, 0] }); // too short
    const run = await runFrames(c.frames, { tree: true });
    expect(run.packets.slice(3).map((p) => p.malformed)).toEqual([false, false, false]);
    expect(nodes(run.trees[3]!, 'tcp.option.len.invalid')[0]!.text).toBe('[option length should be 4]');
    expect(run.packets[4]!.issues.map((i) => i.message)).toContain('Timestamps (option length = 10 bytes says option goes past end of options)');
    expect(run.packets[5]!.issues.map((i) => i.message)).toContain('SACK (with too-short option length = 1 byte)');
    expect(run.packets[3]!.issues.map((i) => i.message)).toContain('The non-SYN packet does contain a MSS option');
  });

  test('an empty SACK option throws in the D-SACK check: malformed, analysis kept but not shown', async () => {
    const c = new Conn().hs(0);
    c.s2c(0.02, 1, 1, 'A', { opts: [5, 2, 0, 0] });
    c.s2c(0.03, 1, 1, 'A');
    const run = await runFrames(c.frames, { tree: true });
    expect(run.packets[3]!.malformed).toBe(true);
    expect(tcp(run.packets[3]!).fail).toBe(FAIL_MALFORMED);
    expect(run.packets[3]!.cols!.info).toBe('80 → 40000 [ACK] Seq=1 Ack=1 Win=65535 Len=0[Malformed Packet]');
    expect(nodes(run.trees[3]!, 'tcp.analysis')).toHaveLength(0);
    // its dup-ACK state still counted: the next one is #2
    expect(tcp(run.packets[4]!).analysis!.dupAckNum).toBe(2);
  });

  test('bogus header length (< 20): expert, Info suffix, analysed with the header bytes as data', async () => {
    const run = await runFrames([frame(1, { t: 0, sport: 1000, dport: 2000, seq: 5, ack: 6, flags: 'A', hdrLen: 12, win: 1000 })], { tree: true });
    const p = run.packets[0]!;
    expect(p.cols!.info).toBe('1000 → 2000 [ACK] Seq=1 Ack=1 Win=1000, bogus TCP header length (12, must be at least 20)');
    expect(p.issues.map((i) => i.message)).toContain('Bogus TCP header length (12, must be at least 20)');
    expect(first(run.trees[0]!, 'tcp.len')).toBe('8');
    expect(nodes(run.trees[0]!, 'tcp.ack')).toHaveLength(0);
    expect(p.protocols.at(-1)).toBe('tcp');
  });

  test('a header cut inside the fixed part: malformed when the frame is complete, short when the snaplen cut it', async () => {
    const whole = frame(1, { t: 0, sport: 1009, dport: 2000, seq: 5, ack: 6, flags: 'A' });
    // IP says 40 bytes of IP, the frame stops after 10 TCP bytes: malformed
    const cut = { ...whole, data: whole.data.subarray(0, 44), capLen: 44, origLen: 44 };
    // the snaplen cut the frame after 18 TCP bytes: short, but the header up to the window is analysed
    const snap = frame(2, { t: 1, sport: 1010, dport: 2000, seq: 5, ack: 6, flags: 'A', caplen: 14 + 20 + 18 });
    const run = await runFrames([cut, snap], { tree: true });
    expect(run.packets[0]!.malformed).toBe(true);
    expect(run.packets[0]!.cols!.info).toBe('1009 → 2000[Malformed Packet]');
    expect(run.packets[1]!.short).toBe(true);
    expect(run.packets[1]!.cols!.info).toBe('1010 → 2000 [ACK] Seq=1 Ack=1 Win=65535[Packet size limited during capture]');
    // the first header stopped before the conversation lookup: no stream was allocated for it
    expect(tcp(run.packets[0]!).analysis).toBeUndefined();
    expect(tcp(run.packets[1]!).analysis!.stream).toBe(0);
  });

  test('IP length shorter than the TCP header: short segment, no length, raw numbers', async () => {
    const f = frame(1, { t: 0, sport: 1001, dport: 2000, seq: 5, ack: 6, flags: 'A', opts: new Array(20).fill(1), ipLen: 50 });
    const run = await runFrames([f], { tree: true });
    expect(tcp(run.packets[0]!).seglen).toBe(-1);
    expect(run.packets[0]!.cols!.info).toBe('1001 → 2000 [ACK] Seq=5 Ack=6 Win=65535[Malformed Packet]');
    expect(run.packets[0]!.issues.map((i) => i.name)).toContain('tcp.short_segment');
  });
});

describe('payload hand-off', () => {
  const seenBy = async (frames: Frame[]) => {
    const calls: number[] = [];
    const probe: Decoder = {
      proto: 'probe',
      decode(ctx: DecodeContext, offset: number, end: number): DecodeResult | void {
        calls.push(ctx.packet.frame.number);
        ctx.addLayer({ proto: 'probe', offset, length: end - offset, errorDepth: 0 });
      },
    };
    const r = await tcpTestRegistry();
    r.add('tcp.port', 80, probe);
    const s = new Session(r);
    const packets = frames.map((f) => dissect(f, s, { columns: true }));
    return { calls, packets };
  };

  test('data goes to the lower port; retransmissions do not; RST data is the reset cause', async () => {
    const c = new Conn().hs(0);
    c.c2s(0.02, 1, 1, 'PA', { payload: 10 }).c2s(0.5, 1, 1, 'PA', { payload: 10 }).c2s(0.6, 11, 1, 'RA', { payload: 4 });
    const { calls, packets } = await seenBy(c.frames);
    expect(calls).toEqual([4]);
    expect(tcp(packets[4]!).analysis!.flags & TCP_A.RETRANSMISSION).toBeTruthy();
    expect(packets[4]!.protocols.at(-1)).toBe('tcp');
    expect(packets[5]!.protocols.at(-1)).toBe('tcp');
    const run = await runFrames(c.frames, { tree: true });
    expect(first(run.trees[5]!, 'tcp.reset_cause')).toBe('aaaa');
    expect(nodes(run.trees[3]!, 'tcp.payload')[0]!.text).toBe('TCP payload (10 bytes)');
  });

  test('without the analyzer: absolute numbers, no stream, still decoded', async () => {
    const c = new Conn().hs(0).c2s(0.02, 1, 1, 'PA', { payload: 3 });
    const run = await runFrames(c.frames, { tree: true, analyzer: false });
    expect(run.packets[3]!.cols!.info).toBe('40000 → 80 [PSH, ACK] Seq=1001 Ack=5001 Win=65535 Len=3');
    expect(nodes(run.trees[3]!, 'tcp.stream')).toHaveLength(0);
    expect(first(run.trees[3]!, 'tcp.nxtseq')).toBe('1004');
    expect(run.packets[3]!.protocols.at(-1)).toBe('data');
  });
});

test('field registrations match tshark types', () => {
  expect(fieldByName('tcp.flags')).toMatchObject({ type: 'uint', base: 'hex', bits: 16 });
  expect(fieldByName('tcp.window_size_scalefactor')).toMatchObject({ type: 'int' });
  expect(fieldByName('tcp.analysis.ack_rtt')).toMatchObject({ type: 'reltime' });
  expect(fieldByName('tcp.analysis.duplicate_ack')).toMatchObject({ type: 'none' });
  expect(fieldByName('tcp.options.sack_perm')).toMatchObject({ type: 'protocol' });
});
