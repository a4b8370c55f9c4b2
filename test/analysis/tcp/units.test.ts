/**
 * Corner cases of the TCP analysis on hand-built segment sequences. Each case asserts the values
 * tshark 4.0.17 gives (TCP-ANALYSIS.md) and, when tshark is installed, is also written to a pcap
 * and compared with it cell by cell.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Frame } from '../../../src/capture/types.js';
import type { DecodeResult } from '../../../src/decoders/core/context.js';
import { TCP_A, type TcpLayer, type TcpPacketAnalysis } from '../../../src/decoders/tcp.js';
import { Conn, frame, pcapBytes } from './build.js';
import { compareCapture, haveTshark, newStats } from './oracle.js';
import { runFrames, tcpTestRegistry, type Run } from './stack.js';
import { Session } from '../../../src/decoders/core/registry.js';
import { dissect } from '../../../src/decoders/core/dissect.js';
import type { TcpAnalyzer } from '../../../src/analysis/tcp/index.js';
import type { Packet } from '../../../src/decoders/core/packet.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tcp-units-'));

const tcpOf = (run: Run, i: number): TcpLayer => run.packets[i]!.layers.find((l) => l.proto === 'tcp') as TcpLayer;
const an = (run: Run, i: number): TcpPacketAnalysis => tcpOf(run, i).analysis!;
const info = (run: Run, i: number): string => run.packets[i]!.cols!.info;
const SHOWN = ~TCP_A.DUPLICATE_ACK;

/** Also compares the frames with live tshark (when installed). */
async function withOracle(name: string, frames: Frame[]): Promise<Run> {
  const run = await runFrames(frames);
  if (haveTshark) {
    const file = path.join(tmp, `${name}.pcap`);
    writeFileSync(file, pcapBytes(frames));
    const st = newStats();
    await compareCapture(file, st);
    expect(st.diffs.map((d) => `${name} #${d.frame} ${d.field}: ours=${d.ours} tshark=${d.theirs}`)).toEqual([]);
  }
  return run;
}

describe('sequence number wrap-around', () => {
  test('data crossing 2^32: relative numbers, no false flags, spurious retransmission after the ack', async () => {
    const c = new Conn(0xffffff00, 0xfffffff0).hs(0);
    c.c2s(0.02, 1, 1, 'A', { payload: 200 }).c2s(0.021, 201, 1, 'A', { payload: 200 }).s2c(0.03, 1, 401, 'A');
    c.c2s(0.4, 201, 1, 'A', { payload: 200 });
    const run = await withOracle('wrap', c.frames);
    expect(an(run, 3)).toMatchObject({ seq: 1, nxtseq: 201, flags: 0, bytesInFlight: 200 });
    expect(an(run, 4)).toMatchObject({ seq: 201, nxtseq: 401, flags: 0, bytesInFlight: 400 });
    expect(an(run, 5).acksFrame).toBe(5);
    expect(an(run, 6).flags & SHOWN).toBe(TCP_A.SPURIOUS_RETRANSMISSION);
    expect(tcpOf(run, 4).seq).toBe((0xffffff00 + 201) % 2 ** 32);
    expect(info(run, 6)).toBe('[TCP Spurious Retransmission] 40000 → 80 [ACK] Seq=201 Ack=1 Win=65535 Len=200');
  });

  test('seq + len wrapping to exactly 0 reads as "unset": the next retransmission is not flagged (§7.2)', async () => {
    const c = new Conn(2 ** 32 - 101, 5000).hs(0);
    c.c2s(0.02, 1, 1, 'A', { payload: 100 }); // nextseq becomes 0
    c.c2s(0.4, 1, 1, 'A', { payload: 100 }); // not flagged
    c.c2s(0.401, 101, 1, 'A', { payload: 100 });
    c.c2s(0.8, 101, 1, 'A', { payload: 100 }); // flagged
    const run = await withOracle('wrap0', c.frames);
    expect(an(run, 4).flags).toBe(0);
    expect(an(run, 6).flags & SHOWN).toBe(TCP_A.RETRANSMISSION);
    expect(an(run, 6).rtoFrame).toBe(4);
    expect(an(run, 6).rto).toBeCloseTo(0.78, 9);
  });
});

describe('SYN handling', () => {
  test('a retransmitted SYN (same ISN) is a Retransmission in the same stream, with a SEQ/ACK record', async () => {
    const c = new Conn();
    c.c2s(0, 0, 0, 'S').c2s(1, 0, 0, 'S').s2c(1.005, 0, 1, 'SA').c2s(1.01, 1, 1, 'A');
    const run = await withOracle('synretrans', c.frames);
    expect(an(run, 1)).toMatchObject({ stream: 0, hasTa: true });
    expect(an(run, 1).flags & SHOWN).toBe(TCP_A.RETRANSMISSION);
    expect(an(run, 1).rtoFrame).toBe(1);
    expect(info(run, 1)).toBe('[TCP Retransmission] 40000 → 80 [SYN] Seq=0 Win=65535 Len=0');
    // iRTT runs from the most recent SYN
    expect(an(run, 3).initialRtt).toBeCloseTo(0.01, 9);
  });

  test('a SYN with a new ISN starts a new stream (reused ports); a SYN/ACK with a new ISN only rebases', async () => {
    const c = new Conn(1000, 5000).hs(0);
    c.c2s(0.02, 1, 1, 'FA').s2c(0.03, 1, 2, 'FA').c2s(0.04, 2, 2, 'A');
    const d = new Conn(900000, 7000);
    d.hs(1);
    const frames = [...c.frames, ...d.frames].map((f, i) => ({ ...f, number: i + 1 }));
    const run = await withOracle('reuse', frames);
    expect(an(run, 6)).toMatchObject({ stream: 1, completeness: 1 });
    expect(an(run, 6).flags & SHOWN).toBe(TCP_A.REUSED_PORTS);
    expect(info(run, 6)).toBe('[TCP Port numbers reused] 40000 → 80 [SYN] Seq=0 Win=65535 Len=0');
    expect(an(run, 7).stream).toBe(1);
    expect(an(run, 8).seq).toBe(1);
  });

  test('the SYN at epoch 0 counts as no SYN: no iRTT', async () => {
    const c = new Conn();
    c.c2s(0, 0, 0, 'S').s2c(0.005, 0, 1, 'SA').c2s(0.01, 1, 1, 'A');
    const frames = c.frames.map((f, i) => (i === 0 ? { ...f, tsSec: 0, tsNsec: 0 } : f));
    const run = await runFrames(frames);
    expect(an(run, 2).initialRtt).toBe(0);
  });

  test('a zero iRTT (SYN and ACK at the same instant) stays unknown and is measured again', async () => {
    const c = new Conn();
    c.c2s(1, 0, 0, 'S').s2c(1, 0, 1, 'SA').c2s(1, 1, 1, 'A').c2s(1.002, 1, 1, 'A', { payload: 3 });
    const run = await withOracle('irtt0', c.frames);
    expect(an(run, 2).initialRtt).toBe(0);
    expect(an(run, 3).initialRtt).toBeCloseTo(0.002, 9);
  });

  test('Info and window scaling of a handshake', async () => {
    const mssSackTsWs = [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 10];
    const frames = [
      frame(1, { t: 0, sport: 49436, dport: 8080, seq: 77, flags: 'S', win: 64240, opts: mssSackTsWs }),
      frame(2, { t: 0.001, src: '10.0.0.2', dst: '10.0.0.1', sport: 8080, dport: 49436, seq: 500, ack: 78, flags: 'SA', win: 65160, opts: [2, 4, 5, 0xb4, 1, 3, 3, 7] }),
      frame(3, { t: 0.002, sport: 49436, dport: 8080, seq: 78, ack: 501, flags: 'A', win: 63 }),
    ];
    const run = await withOracle('handshake', frames);
    expect(info(run, 0)).toBe('49436 → 8080 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=1 TSecr=0 WS=1024');
    expect(an(run, 0).scaleFactor).toBeNull();
    expect(an(run, 2)).toMatchObject({ window: 63 * 1024, scaleFactor: 1024 });
    expect(tcpOf(run, 0)).toMatchObject({ mss: 1460, wscale: 10, sackPerm: true, tsval: 1, tsecr: 0 });
  });
});

describe('zero window probes', () => {
  test('Windows/BSD 1-byte probe at nextseq, its ACK, and the follow-up data', async () => {
    const c = new Conn().hs(0);
    c.c2s(0.02, 1, 1, 'A', { payload: 1000 }).s2c(0.03, 1, 1001, 'A', { win: 0 });
    c.c2s(0.3, 1001, 1, 'A', { payload: 1 }); // ZWP
    c.s2c(0.31, 1, 1001, 'A', { win: 0 }); // ZW + ZWP ACK
    c.s2c(0.5, 1, 1001, 'A', { win: 8000 }); // window update
    c.c2s(0.51, 1001, 1, 'A', { payload: 500 }); // not a retransmission: adds data
    const run = await withOracle('zwp', c.frames);
    expect(an(run, 5).flags & SHOWN).toBe(TCP_A.ZERO_WINDOW_PROBE);
    expect(an(run, 6).flags & SHOWN).toBe(TCP_A.ZERO_WINDOW | TCP_A.ZERO_WINDOW_PROBE_ACK);
    expect(info(run, 6)).toBe('[TCP ZeroWindowProbeAck] [TCP ZeroWindow] 80 → 40000 [ACK] Seq=1 Ack=1001 Win=0 Len=0');
    expect(an(run, 7).flags & SHOWN).toBe(TCP_A.WINDOW_UPDATE);
    expect(an(run, 8).flags & SHOWN).toBe(0);
  });

  test('Linux probe (no data, seq = SND.UNA-1) is a Keep-Alive, its answer only ZeroWindow (§7.3)', async () => {
    const c = new Conn().hs(0);
    c.c2s(0.02, 1, 1, 'A', { payload: 1000 }).s2c(0.03, 1, 1001, 'A', { win: 0 });
    c.c2s(0.23, 1000, 1, 'A').s2c(0.231, 1, 1001, 'A', { win: 0 });
    const run = await withOracle('linuxzwp', c.frames);
    expect(an(run, 5).flags & SHOWN).toBe(TCP_A.KEEP_ALIVE);
    expect(an(run, 6).flags & SHOWN).toBe(TCP_A.ZERO_WINDOW);
  });

  test('a 1-byte segment while the window is open is plain data; resending it reads as a Keep-Alive', async () => {
    const c = new Conn().hs(0);
    c.c2s(0.02, 1, 1, 'A', { payload: 1000 }).c2s(0.3, 1001, 1, 'A', { payload: 1 }).c2s(0.9, 1001, 1, 'A', { payload: 1 });
    const run = await withOracle('onebyte', c.frames);
    expect(an(run, 4).flags).toBe(0);
    // seq = nextseq - 1 with one byte: the keep-alive test comes first and skips the retransmission tests
    expect(an(run, 5).flags & SHOWN).toBe(TCP_A.KEEP_ALIVE);
    expect(run.packets[5]!.protocols.at(-1)).toBe('data');
  });
});

describe('unacked-segment cap', () => {
  test('past 10000 unacked segments a FIN does not advance nextseq (Wireshark #12579)', async () => {
    const c = new Conn().hs(0);
    const n = 10002;
    for (let i = 0; i < n; i++) c.c2s(0.02 + i * 1e-6, 1 + 10 * i, 1, 'A', { payload: 10 });
    c.c2s(0.05, 1 + 10 * n, 1, 'FA');
    c.c2s(0.06, 1 + 10 * n, 1, 'FA'); // not seen as a retransmission: nextseq was not moved by the FIN
    const run = await runFrames(c.frames, { columns: false });
    const fin2 = an(run, c.frames.length - 1);
    expect(fin2.flags & SHOWN).toBe(0);
    expect(run.analyzer!.conversations().next().value!.flow1.segments.count + run.analyzer!.conversations().next().value!.flow2.segments.count).toBe(10000);
  });
});

describe('conversation table', () => {
  test('IPv6 conversations, both directions in one stream', async () => {
    const frames = [
      frame(1, { t: 0, v6: true, sport: 5000, dport: 443, seq: 100, flags: 'S' }),
      frame(2, { t: 0.01, v6: true, src: '2001:db8::2', dst: '2001:db8::1', sport: 443, dport: 5000, seq: 900, ack: 101, flags: 'SA' }),
      frame(3, { t: 0.02, v6: true, sport: 5000, dport: 443, seq: 101, ack: 901, flags: 'A' }),
      frame(4, { t: 0.03, v6: true, sport: 5001, dport: 443, seq: 1, ack: 1, flags: 'A' }),
    ];
    const run = await withOracle('ipv6', frames);
    expect([0, 1, 2, 3].map((i) => an(run, i).stream)).toEqual([0, 0, 0, 1]);
    expect(an(run, 2).initialRtt).toBeCloseTo(0.02, 9);
  });

  test('a dropped conversation keeps its stream number; a new ISN still opens a new stream', async () => {
    const c = new Conn().hs(0);
    c.c2s(0.02, 1, 1, 'FA').s2c(0.03, 1, 2, 'FA').c2s(0.04, 2, 2, 'A');
    const other = frame(7, { t: 0.5, sport: 1234, dport: 80, seq: 1, ack: 1, flags: 'A' });
    const late = new Conn().c2s(5, 2, 2, 'A').frames[0]!;
    const reuse = new Conn(777777).c2s(6, 0, 0, 'S').frames[0]!;
    const frames = [...c.frames, other, { ...late, number: 8 }, { ...reuse, number: 9 }];
    // drop the conversation after frame 6, then continue
    const s = new Session(await tcpTestRegistry());
    const analyzer = s.analyzers.get('tcp') as TcpAnalyzer;
    const retired: number[] = [];
    analyzer.addListener({ onRetire: (conv, why) => retired.push(conv.stream * 10 + (why === 'dropped' ? 1 : why === 'reused' ? 2 : 3)) });
    const out: Packet[] = [];
    for (const f of frames) {
      out.push(dissect(f, s, { columns: true }));
      if (f.number === 6) analyzer.drop([...analyzer.conversations()][0]!);
    }
    const stream = (i: number) => (out[i]!.layers.find((l) => l.proto === 'tcp') as TcpLayer).analysis!.stream;
    expect(stream(6)).toBe(1); // other tuple
    expect(stream(7)).toBe(0); // same tuple after the drop: same stream
    expect(stream(8)).toBe(2); // SYN with a new ISN: new stream, reused ports
    expect((out[8]!.layers.find((l) => l.proto === 'tcp') as TcpLayer).analysis!.flags & TCP_A.REUSED_PORTS).toBeTruthy();
    expect(retired).toEqual([1, 2]); // stream 0 dropped, then its revived state replaced (reused)
  });

  test('segment listeners see every segment and may replace the hand-off', async () => {
    const c = new Conn().hs(0).c2s(0.02, 1, 1, 'PA', { payload: 5 });
    const seen: number[] = [];
    const run = await runFrames(c.frames, {
      listener: {
        onSegment(ev): DecodeResult | void {
          seen.push(ev.layer.seglen);
          if (ev.layer.seglen > 0) return { ...ev.result, next: { proto: 'data' } };
        },
      },
    });
    expect(seen).toEqual([0, 0, 0, 5]);
    expect(run.packets[3]!.protocols.at(-1)).toBe('data');
  });
});
