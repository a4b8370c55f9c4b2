import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationTable, type FlowRow } from '../../src/analysis/conversations.js';
import { flowsCommand, type FlowsOptions } from '../../src/cli/flows.js';
import type { Layer, Packet } from '../../src/decoders/core/packet.js';
import { cFixed, cFixedExact, flowsText, formatSize } from '../../src/report/flows-text.js';
import { corpusCaptures, corpusDir, haveShared, haveTshark, repoRoot, sampleCaptures, samplesDir, skipNote, tshark } from '../helpers/paths.js';

async function run(file: string, opts: FlowsOptions): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await flowsCommand(file, opts, { line: (s) => lines.push(s), flush() {} });
  return { code, text: lines.length ? lines.join('\n') + '\n' : '' };
}

/** Captures where tshark counts pcapng custom blocks as frames (pcapscope does not, by design of
 * the capture reader): the first "frame" is the custom block, stamped at time 0, so tshark's
 * relative start times differ. Only their UDP tables are affected (no TCP in them). */
const CUSTOM_BLOCK_FILES = new Set(['gopacket__be-test202.pcapng', 'gopacket__le-test102.pcapng']);

describe('printf-compatible number formatting', () => {
  it('rounds exact ties to even like glibc, unlike toFixed', () => {
    expect(cFixed(0.03125, 4)).toBe('0.0312');
    expect((0.03125).toFixed(4)).toBe('0.0313');
    expect(cFixed(0.09375, 4)).toBe('0.0938');
    expect(cFixed(183109031.969092, 9)).toBe('183109031.969092011');
    expect(cFixed(0, 9)).toBe('0.000000000');
    expect(cFixed(-0.5, 0)).toBe('-0');
    expect(cFixed(-1.25, 1)).toBe('-1.2');
    expect(cFixed(1340954905.2988579, 4)).toBe('1340954905.2989');
  });

  it('takes the toFixed shortcut only where it gives the exact answer', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const values = [0.5, 2.5, 1e-9, 0.0005, 0.00049999999999999, 123.4565, 999999.9999995];
    for (let i = 0; i < 20000; i++) {
      const mag = 10 ** Math.floor(rnd() * 16 - 8);
      const v = rnd() * mag;
      // ties and near-ties: k/2^n values and their neighbours
      values.push(v, Math.round(v * 1024) / 1024, Math.round(v * 2 ** 20) / 2 ** 20, -v);
    }
    for (const v of values) for (const p of [0, 1, 3, 4, 6, 9]) expect(cFixed(v, p), `${v} %.${p}f`).toBe(cFixedExact(v, p));
  });

  it("formats sizes as Wireshark's format_size", () => {
    expect(formatSize(0)).toBe('0 bytes');
    expect(formatSize(9999)).toBe('9999 bytes');
    expect(formatSize(10000)).toBe('10 kB');
    expect(formatSize(2181108)).toBe('2181 kB');
    expect(formatSize(9999999)).toBe('9999 kB');
    expect(formatSize(10000000)).toBe('10 MB');
    expect(formatSize(12345678901)).toBe('12 GB');
    expect(formatSize(99999999999999)).toBe('99 TB');
  });
});

describe('flows -z conv,tcp matches tshark byte for byte', () => {
  it('on every public corpus capture (recorded tshark output)', async () => {
    if (!haveShared) return skipNote('../shared is absent: corpus conv comparison skipped');
    let n = 0;
    const bad: string[] = [];
    for (const file of corpusCaptures()) {
      const ref = readFileSync(path.join(corpusDir, 'tshark', path.basename(file) + '.conv.txt'), 'utf8');
      const { text } = await run(file, { stat: ['conv,tcp'] });
      if (text !== ref) bad.push(path.basename(file));
      n++;
    }
    expect(bad).toEqual([]);
    expect(n).toBe(80);
  });

  it('on the samples, TCP and UDP (live tshark)', async () => {
    if (!haveTshark) return skipNote('tshark not installed: live conv comparison skipped');
    const files = sampleCaptures();
    if (!files.length) return skipNote('no samples yet');
    for (const file of files) {
      const ref = tshark(['-r', file, '-q', '-z', 'conv,tcp', '-z', 'conv,udp']);
      // tshark 4.0 prints several -z in reverse order
      const { text } = await run(file, { stat: ['conv,tcp', 'conv,udp'] });
      expect(text, path.basename(file)).toBe(ref);
      const { text: t2 } = await run(file, { tsharkConv: true });
      expect(t2).toBe(tshark(['-r', file, '-q', '-z', 'conv,tcp']));
    }
  });

  it('on every public corpus capture, UDP (live tshark)', async () => {
    if (!haveShared) return skipNote('../shared is absent: corpus conv comparison skipped');
    if (!haveTshark) return skipNote('tshark not installed: live conv comparison skipped');
    for (const file of corpusCaptures()) {
      if (CUSTOM_BLOCK_FILES.has(path.basename(file))) continue;
      const { text } = await run(file, { stat: ['conv,udp'] });
      expect(text, path.basename(file)).toBe(tshark(['-r', file, '-q', '-z', 'conv,udp']));
    }
  });

  it('applies a conversation filter like -z conv,tcp,FILTER', async () => {
    if (!haveTshark) return skipNote('tshark not installed: live conv comparison skipped');
    if (!existsSync(path.join(repoRoot, 'src/filter/index.ts'))) return skipNote('display filters not available yet: -z conv filter test skipped');
    const file = path.join(samplesDir, 'http-keepalive.pcap');
    if (!existsSync(file)) return skipNote('samples/http-keepalive.pcap absent');
    const { text } = await run(file, { stat: ['conv,tcp,frame.number > 5'] });
    expect(text).toBe(tshark(['-r', file, '-q', '-z', 'conv,tcp,frame.number > 5']));
    const { text: t2 } = await run(file, { tsharkConv: true, filter: 'tcp.len > 0' });
    expect(t2).toBe(tshark(['-r', file, '-q', '-z', 'conv,tcp,tcp.len > 0']));
  });

  it('prints nothing for a file that is not a capture, and exits 2', async () => {
    if (!haveShared) return skipNote('../shared is absent: corpus conv comparison skipped');
    const { code, text } = await run(path.join(corpusDir, 'node-pcap-parser__malformed.pcap'), { stat: ['conv,tcp'] });
    expect(code).toBe(2);
    expect(text).toBe('');
  });

  it('rejects unknown statistics and formats', async () => {
    expect((await run('/nonexistent', { stat: ['conv,sctp'] })).code).toBe(1);
    expect((await run('/nonexistent', { format: 'xml' })).code).toBe(1);
  });
});

describe('flows report', () => {
  const sample = (name: string) => path.join(samplesDir, name);
  const have = (name: string) => existsSync(sample(name));

  async function json(name: string): Promise<{ tcp: { connection: Record<string, any>; state: string }[]; udp: unknown[] }> {
    const { code, text } = await run(sample(name), { format: 'json' });
    expect(code).toBe(0);
    return JSON.parse(text);
  }

  it('describes refused, aborted, backed-off, half-closed and simultaneous-close connections', async () => {
    if (!have('tcp-refused.pcap')) return skipNote('samples not generated yet: flows report tests skipped');
    const refused = await json('tcp-refused.pcap');
    expect(refused.tcp[0]!.state).toBe('REJ');
    expect(refused.tcp[0]!.connection.history).toBe('Sr');
    expect(refused.tcp[0]!.connection.teardown.rst).toMatchObject({ dir: 1, state: 'CLOSED' });

    const backoff = await json('tcp-syn-backoff.pcap');
    const syns = backoff.tcp[0]!.connection.handshake.syns as { interval: number | null }[];
    expect(syns.map((s) => (s.interval === null ? null : Math.round(s.interval)))).toEqual([null, 1, 2, 4]);

    const abort = await json('tcp-rst-abort.pcap');
    expect(abort.tcp[0]!.state).toBe('RSTO');

    const half = await json('tcp-half-close.pcap');
    const hc = half.tcp[0]!.connection.teardown.halfClose;
    expect(hc.dir).toBe(1);
    expect(hc.bytes).toBeGreaterThan(0);

    const simul = await json('tcp-simultaneous-close.pcap');
    expect(simul.tcp[0]!.connection.teardown.style).toBe('simultaneous');

    const zw = await json('tcp-zero-window.pcap');
    const eps = zw.tcp[0]!.connection.zeroWindowEpisodes as { duration: number | null }[];
    expect(eps.length).toBeGreaterThan(0);
    expect(eps[0]!.duration).toBeGreaterThan(0);
  });

  it('prints one text row per conversation, deterministically', async () => {
    if (!have('http-keepalive.pcap')) return skipNote('samples not generated yet: flows report tests skipped');
    const a = await run(sample('http-keepalive.pcap'), {});
    const b = await run(sample('http-keepalive.pcap'), {});
    expect(a.code).toBe(0);
    expect(a.text).toBe(b.text);
    const lines = a.text.split('\n');
    expect(lines[0]).toBe('TCP conversations: 1');
    expect(lines[1]).toMatch(/^Stream\s+A\s+B\s+State\s+Pkts A>B/);
    expect(lines[2]).toMatch(/^\s+0\s+10\.99\.0\.1:41080\s+10\.99\.0\.2:8080\s+SF\s+16\s+1528\s+11\s+1498\s.*ShADadFf\s+FIN by A/);
  });

  it('aligns a table of more rows than the printer keeps between its passes', () => {
    // the widest address comes last, after the 20 000 rows whose cells are kept
    const rows: FlowRow[] = Array.from({ length: 20_010 }, (_, i) => ({
      proto: 'udp',
      stream: i,
      addrA: i === 20_009 ? '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' : '10.0.0.1',
      portA: 1000 + (i % 50_000),
      addrB: '10.0.0.2',
      portB: 53,
      ipv6: i === 20_009,
      framesAtoB: 1,
      bytesAtoB: 60,
      framesBtoA: i % 2,
      bytesBtoA: (i % 2) * 90,
      firstFrame: i + 1,
      lastFrame: i + 1,
      start: { sec: i, nsec: 0 },
      stop: { sec: i, nsec: 500 },
      relStart: i,
      duration: 5e-7,
      brief: null,
      state: i % 2 ? 'SF' : 'S0',
    }));
    const lines = flowsText([], rows).trimEnd().split('\n');
    const table = lines.slice(3);
    expect(table).toHaveLength(rows.length + 1);
    // the last column is right-aligned: every line of an aligned table has the same length
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(table[20_001]).toMatch(/^\s*20000\s+10\.0\.0\.1:21000\s/);
    expect(table[20_010]).toMatch(/^\s*20009\s+\[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff\]:21009\s/);
  });

  it('streams JSON lines, one per flow', async () => {
    if (!have('dns.pcap')) return skipNote('samples not generated yet: flows report tests skipped');
    const { text } = await run(sample('dns.pcap'), { format: 'jsonl' });
    const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { proto: string; stream: number; connection: unknown });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.proto === 'tcp' ? r.connection !== null : r.connection === null).toBe(true);
  });
});

describe('conversation table memory bound', () => {
  // hand-built decoded packets: an IPv4 layer and a TCP layer with its analysis
  function pkt(n: number, t: number, src: number, dst: number, sport: number, dport: number, flags: number, stream: number, seq: number, ack: number): Packet {
    const ip = { proto: 'ip', offset: 14, length: 40, errorDepth: 0, src, dst, reassembled: false } as Layer;
    const tcp = {
      proto: 'tcp',
      offset: 34,
      length: 20,
      errorDepth: 0,
      srcPort: sport,
      dstPort: dport,
      seq,
      ack,
      hdrLen: 20,
      flags,
      window: 1024,
      seglen: 0,
      payloadOffset: 54,
      payloadCaptured: 0,
      sackPerm: false,
      fail: 0,
      analysis: { stream, flags: 0, window: 1024, scaleFactor: -2, seq: 0, ack: 0 },
    } as unknown as Layer;
    return {
      frame: { number: n, tsSec: 1000 + Math.floor(t), tsNsec: Math.round((t % 1) * 1e9), hasTime: true, capLen: 54, origLen: 54, linkType: 1, interfaceId: 0, fileOffset: 0, data: new Uint8Array(54) },
      layers: [ip, tcp],
      protocols: [],
      issues: [],
      malformed: false,
      short: false,
      cols: null,
    };
  }

  it('keeps at most maxLive trackers during a SYN scan and every row', () => {
    let maxLive = 0;
    let summaries = 0;
    const table = new ConversationTable({ maxLive: 100, onSummary: () => summaries++ });
    const N = 20000;
    for (let i = 0; i < N; i++) {
      table.add(pkt(i + 1, i * 0.001, 0x0a000001, 0x0a010000 + i, 40000, 1 + (i % 60000), 0x02, i, 1000, 0));
      maxLive = Math.max(maxLive, table.live);
    }
    table.finish();
    expect(maxLive).toBeLessThanOrEqual(101);
    expect(table.evictions.pressure).toBeGreaterThan(0);
    expect(summaries).toBe(N);
    expect(table.size).toBe(N);
    const rows = table.rowsByStream('tcp');
    expect(rows[N - 1]).toMatchObject({ stream: N - 1, framesAtoB: 1, framesBtoA: 0, state: 'S0' });
  });

  it('summarises closed connections after the linger time and counts late packets', () => {
    const table = new ConversationTable({ closeLinger: 5 });
    const A = 0x0a000001;
    const B = 0x0a000002;
    table.add(pkt(1, 0, A, B, 1234, 80, 0x02, 0, 100, 0));
    table.add(pkt(2, 0.1, B, A, 80, 1234, 0x14, 0, 0, 101)); // RST-ACK: refused
    expect(table.live).toBe(1);
    table.add(pkt(3, 10, A, B, 5555, 80, 0x02, 1, 7, 0)); // 10 s later: stream 0 is summarised
    expect(table.evictions.closed).toBe(1);
    table.add(pkt(4, 11, B, A, 80, 1234, 0x14, 0, 0, 101)); // a late packet of stream 0
    table.finish();
    const [r0, r1] = table.rowsByStream('tcp');
    expect(r0).toMatchObject({ framesAtoB: 1, framesBtoA: 2, state: 'REJ' });
    expect(r0!.brief!.lateFrames).toBe(1);
    expect(r1!.state).toBe('S0');
  });
});
