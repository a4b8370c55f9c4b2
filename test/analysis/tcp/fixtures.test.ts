/**
 * The 24 crafted TCP captures of ../shared/tcp-fixtures:
 * - against tshark 4.0.17's recorded results (TCP-ANALYSIS.md §8, "golden notation"), which runs
 *   on a fresh clone with only ../shared;
 * - cell by cell against live tshark when it is installed.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TcpConversation } from '../../../src/analysis/tcp/index.js';
import { TCP_A, type TcpLayer, type TcpPacketAnalysis } from '../../../src/decoders/tcp.js';
import { compareCapture, fixturesDir, haveShared, haveTshark, newStats } from './oracle.js';
import { readFrames, runFrames } from './stack.js';

/** TCP-ANALYSIS.md §8, as recorded from tshark 4.0.17 (single pass, default preferences). */
const GOLDEN: Record<string, string> = {
  basic: '1:s0 2:s0[acks=1] 3:s0[acks=2] 4:s0[bif=100/push=100] 5:s0[acks=4] 6:s0[bif=200/push=200] 7:s0[acks=6] 8:s0 9:s0[acks=8] 10:s0[acks=9]',
  retrans: '4:s0[bif=100/push=100] 5:s0[bif=200/push=200] 6:s0[RT rto=0.28@4 bif=200/push=100] 7:s0[acks=5] 8:s0[RT SPUR bif=100/push=200] 9:s0[bif=150/push=50] 10:s0[RT rto=0.5@8 bif=150/push=101]',
  fastrt: '8:s0[acks=4] 9:s0[DUP8#1] 10:s0[DUP8#2] 11:s0[DUP8#3] 12:s0[RT FRT bif=300/push=500] 13:s0[acks=7] 16:s0[DUP13#1] 17:s0[DUP13#2] 18:s0[RT rto=0.04@14 bif=200/push=800]',
  ooo: '5:s0[LOST] 6:s0[OOO] 7:s0[acks=5] 8:s0[bif=100/push=200] 9:s0[LOST] 10:s0[RT rto=0.02@8] 11:s1[bif=100/push=100] 12:s1[LOST] 13:s1[OOO] 14:s1 15:s1 16:s1[RT rto=0.015@11]',
  ooo_close: '5:s0[LOST] 6:s0[RT rto=0.0015@4]',
  ackunseen: '5:s0[ACKUNSEEN] 6:s0[DUP5#1] 7:s0[LOST] 8:s0[ACKUNSEEN acks=7] 9:s1 10:s1[bif=100/push=100] 11:s1[acks=10]',
  keepalive: '6:s0[KA] 7:s0[KAACK] 8:s0[KA bif=1/push=1] 9:s0[KAACK acks=8] 10:s0[KA] 11:s0[WUPD] 12:s0 13:s0[RT rto=0.98@12]',
  linuxzwp: '5:s0[ZW acks=4] 6:s0[KA] 7:s0[ZW] 8:s0[KA] 9:s0[WUPD] 10:s0[bif=100/push=1100]',
  zerowin: '6:s0[WFULL bif=1000/push=2000] 7:s0[ZW acks=6] 8:s0[ZWP bif=1/push=2001] 9:s0[ZW ZWPACK] 10:s0[ZWP bif=1/push=2002] 11:s0[ZW ZWPACK] 12:s0[WUPD] 13:s0[bif=500/push=2502] 14:s0[acks=13] 15:s0[DUP14#1] 16:s0[WUPD] 17:s0[DUP14#2]',
  ws: '4:s0[WUPD] 5:s0[WFULL bif=1024/push=1024] 6:s0[ZW acks=5] 7:s0[DUP3#1] 8:s0[DUP3#2]',
  reuse: '7:s0[acks=6] 8:s1[REUSED] 9:s1[acks=8] 10:s1[acks=9] 11:s1 12:s1[RT rto=1@8] 13:s1[LOST REUSED acks=12] 14:s1[ACKUNSEEN acks=13] 15:s1[RT rto=2@8] 16:s2 17:s2[RT rto=1@16] 18:s3[REUSED]',
  wrap: '4:s0[bif=200/push=200] 5:s0[bif=400/push=400] 6:s0[acks=5] 7:s0[RT SPUR bif=200/push=600]',
  wrap0: '4:s0[bif=100/push=100] 5:s0[bif=100/push=200] 6:s0[bif=200/push=300] 7:s0[RT rto=0.78@4 bif=200/push=400]',
  bif: '7:s0[bif=400/push=100] 8:s0[acks=5] 9:s0[bif=300/push=200] 10:s0[bif=400/push=100] 11:s0 12:s0[acks=10]',
  sack: '10:s0[acks=4] 11:s0[bif=500/push=700] 12:s0[DUP10#1] 13:s0[bif=500/push=800]',
  tso: '4:s0[bif=8000/push=8000] 5:s0[bif=9000/push=9000] 6:s0 7:s0 8:s0[RT SPUR bif=7552/push=10448]',
  midstream: '1:s0[bif=100/push=100] 2:s0[acks=1] 3:s0[bif=100/push=100] 4:s0[RT SPUR bif=200/push=100]',
  icmperr: '1:s0 2:s0[acks=1] 3:s0[acks=2] 4:s1 5:s2 6:s2[acks=5] 7:s2[acks=6]',
  zwpx: '5:s0[bif=1001/push=1001] 6:s0[bif=1500/push=1501] 7:s0[RT rto=0.88@4 bif=1500/push=1502]',
  ackrtt: '5:s0[RT rto=0.3@4 bif=100/push=200] 6:s0[acks=4] 10:s0[DUP6#1] 11:s0[DUP6#2] 12:s0[RT FRT bif=300/push=600] 13:s0[bif=310/push=610] 14:s0[acks=13] 15:s0',
  ws15: '4:s0[WUPD] 5:s1[bif=1/push=1]',
  finsame: '4:s0 5:s0[acks=4] 6:s0[acks=5] 7:s0[RT rto=0.98@4] 8:s0[LOST REUSED acks=7] 9:s0[ACKUNSEEN KA acks=8]',
};

/** Fixtures that start with the standard handshake (frames 1-3). */
const HANDSHAKE = new Set(['basic', 'retrans', 'fastrt', 'ooo', 'ooo_close', 'ackunseen', 'keepalive', 'linuxzwp', 'zerowin', 'reuse', 'wrap', 'wrap0', 'bif', 'sack', 'tso', 'icmperr', 'zwpx', 'follow', 'ackrtt', 'finsame']);

const FLAG_TOKENS: Record<string, number> = {
  RT: TCP_A.RETRANSMISSION,
  FRT: TCP_A.FAST_RETRANSMISSION,
  SPUR: TCP_A.SPURIOUS_RETRANSMISSION,
  OOO: TCP_A.OUT_OF_ORDER,
  LOST: TCP_A.LOST_PACKET,
  ACKUNSEEN: TCP_A.ACK_LOST_PACKET,
  KA: TCP_A.KEEP_ALIVE,
  KAACK: TCP_A.KEEP_ALIVE_ACK,
  ZW: TCP_A.ZERO_WINDOW,
  ZWP: TCP_A.ZERO_WINDOW_PROBE,
  ZWPACK: TCP_A.ZERO_WINDOW_PROBE_ACK,
  WFULL: TCP_A.WINDOW_FULL,
  WUPD: TCP_A.WINDOW_UPDATE,
  REUSED: TCP_A.REUSED_PORTS,
};

interface Expect {
  stream: number;
  /** Notation flags; `RT` is the retransmission field, present also with FRT and SPUR. */
  flags: number;
  rt: boolean;
  acks: number;
  bif: number;
  push: number;
  rto?: [number, number];
  dup?: [number, number];
}

function parseGolden(s: string): Map<number, Expect> {
  const m = new Map<number, Expect>();
  for (const tok of s.match(/\d+:s\d+(\[[^\]]*\])?/g) ?? []) {
    const [, fr, st, body] = /^(\d+):s(\d+)(?:\[([^\]]*)\])?$/.exec(tok)!;
    const e: Expect = { stream: Number(st), flags: 0, rt: false, acks: 0, bif: 0, push: 0 };
    for (const p of (body ?? '').split(' ').filter(Boolean)) {
      let r: RegExpExecArray | null;
      if (p === 'RT') e.rt = true;
      else if (FLAG_TOKENS[p] !== undefined) e.flags |= FLAG_TOKENS[p]!;
      else if ((r = /^DUP(\d+)#(\d+)$/.exec(p))) e.dup = [Number(r[1]), Number(r[2])];
      else if ((r = /^acks=(\d+)$/.exec(p))) e.acks = Number(r[1]);
      else if ((r = /^rto=([\d.]+)@(\d+)$/.exec(p))) e.rto = [Number(r[1]), Number(r[2])];
      else if ((r = /^bif=(\d+)\/push=(\d+)$/.exec(p))) {
        e.bif = Number(r[1]);
        e.push = Number(r[2]);
      } else throw new Error(`bad golden token ${p}`);
    }
    // plain RT: the RETRANSMISSION flag itself (FRT/SPUR only add the field)
    if (e.rt && !(e.flags & (TCP_A.FAST_RETRANSMISSION | TCP_A.SPURIOUS_RETRANSMISSION))) e.flags |= TCP_A.RETRANSMISSION;
    m.set(Number(fr), e);
  }
  return m;
}

const SHOWN_FLAGS = ~0 & ~TCP_A.DUPLICATE_ACK;

async function analyse(name: string, prefs?: { fastRtSupersedesOoo: boolean; trackBytesInFlight: boolean; bifSeqBased: boolean }) {
  const frames = await readFrames(path.join(fixturesDir, `${name}.pcap`));
  const run = await runFrames(frames, { prefs });
  const tcp = run.packets.map((p) => p.layers.find((l) => l.proto === 'tcp' && l.errorDepth === 0) as TcpLayer | undefined);
  const quoted = run.packets.map((p) => p.layers.find((l) => l.proto === 'tcp' && l.errorDepth > 0) as TcpLayer | undefined);
  return { run, tcp, quoted };
}

function check(name: string, frame: number, a: TcpPacketAnalysis | undefined, e: Expect | undefined, handshake: boolean): void {
  const where = `${name} frame ${frame}`;
  if (!e && handshake && frame <= 3) {
    e = { stream: 0, flags: 0, rt: false, acks: frame - 1, bif: 0, push: 0 };
  }
  if (!e) {
    // Omitted frames carry no flags.
    expect(a ? a.flags & SHOWN_FLAGS : 0, where).toBe(0);
    return;
  }
  expect(a, where).toBeDefined();
  if (!a) return;
  expect(a.stream, `${where} stream`).toBe(e.stream);
  expect(a.flags & SHOWN_FLAGS, `${where} flags`).toBe(e.flags);
  expect(a.acksFrame, `${where} acks_frame`).toBe(e.acks);
  expect(a.bytesInFlight, `${where} bytes_in_flight`).toBe(e.bif);
  if (e.bif) expect(a.pushBytesSent, `${where} push_bytes_sent`).toBe(e.push);
  if (e.rto) {
    expect(a.rto, `${where} rto`).toBeCloseTo(e.rto[0], 9);
    expect(a.rtoFrame, `${where} rto_frame`).toBe(e.rto[1]);
  }
  if (e.dup) {
    expect(a.flags & TCP_A.DUPLICATE_ACK, `${where} dup`).toBeTruthy();
    expect([a.dupAckFrame, a.dupAckNum], `${where} dup frame#num`).toEqual(e.dup);
  } else {
    expect(a.flags & TCP_A.DUPLICATE_ACK, `${where} dup`).toBe(0);
  }
}

describe.skipIf(!haveShared)('TCP fixtures: tshark 4.0.17 golden results (TCP-ANALYSIS.md §8)', () => {
  for (const [name, golden] of Object.entries(GOLDEN)) {
    test(name, async () => {
      const { tcp, quoted } = await analyse(name);
      const exp = parseGolden(golden);
      tcp.forEach((l, i) => {
        const a = l?.analysis ?? (name === 'icmperr' ? quoted[i]?.analysis : undefined);
        check(name, i + 1, a, exp.get(i + 1), HANDSHAKE.has(name));
      });
      if (HANDSHAKE.has(name)) {
        // ack_rtt 0.005 on frames 2 and 3, iRTT 0.010 from frame 3 on
        expect(tcp[1]!.analysis!.ackRtt).toBeCloseTo(0.005, 9);
        expect(tcp[2]!.analysis!.ackRtt).toBeCloseTo(0.005, 9);
        expect(tcp[2]!.analysis!.initialRtt).toBeCloseTo(0.01, 9);
      }
    });
  }

  test('ackrtt with fastrt_supersedes_ooo FALSE: frame 12 is out-of-order only', async () => {
    const { tcp } = await analyse('ackrtt', { fastRtSupersedesOoo: false, trackBytesInFlight: true, bifSeqBased: false });
    expect(tcp[11]!.analysis!.flags & SHOWN_FLAGS).toBe(TCP_A.OUT_OF_ORDER);
    expect(tcp[5]!.analysis!.ackRtt).toBeCloseTo(0.31, 9);
  });

  test('ws15: scale factors 16384 (shift 15 clamped), 4, -1', async () => {
    const { tcp } = await analyse('ws15');
    expect(tcp.slice(2, 5).map((l) => l!.analysis!.scaleFactor)).toEqual([16384, 4, -1]);
  });

  test('final completeness per stream', async () => {
    const final = async (name: string) => {
      const all: TcpConversation[] = [];
      await runFrames(await readFrames(path.join(fixturesDir, `${name}.pcap`)), { listener: { onRetire: (c) => all.push(c) } });
      return all.sort((a, b) => a.stream - b.stream).map((c) => c.completeness);
    };
    expect(await final('basic')).toEqual([31]);
    expect(await final('reuse')).toEqual([31, 39, 1, 1]);
    expect(await final('midstream')).toEqual([12]);
    expect((await final('ooo'))[1]).toBe(8);
  });
});

describe.skipIf(!haveShared || !haveTshark)('TCP fixtures: cell by cell against live tshark', () => {
  const files = existsSync(fixturesDir) ? readdirSync(fixturesDir).filter((f) => f.endsWith('.pcap')).sort() : [];
  test.each(files)('%s', async (f) => {
    const stats = newStats();
    await compareCapture(path.join(fixturesDir, f), stats);
    expect(stats.frameCountMismatch).toBe(0);
    expect(stats.diffs.map((d) => `#${d.frame} ${d.field}: ours=${d.ours} tshark=${d.theirs}`)).toEqual([]);
  }, 60000);
});

if (!haveShared) console.log('[skipped] TCP fixtures: ../shared/tcp-fixtures is not there');
else if (!haveTshark) console.log('[skipped] TCP fixtures vs live tshark: tshark is not installed (golden results still checked)');
