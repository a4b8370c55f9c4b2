import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationTable } from '../../src/analysis/conversations.js';
import { ConnectionTracker, LIST_CAP, TA, type ConnectionBrief, type ConnectionSummary, type SegmentEvent, type SegmentOptions } from '../../src/analysis/tcp/connection.js';
import { decodeCapture } from '../../src/engine/decode.js';
import { corpusCaptures, haveShared, sampleCaptures, skipNote } from '../helpers/paths.js';

const F = 1;
const S = 2;
const R = 4;
const P = 8;
const A = 16;

interface Ev {
  f: number;
  t: number;
  d: 0 | 1;
  seq: number;
  ack?: number;
  fl: number;
  len?: number;
  win?: number;
  opt?: SegmentOptions;
  an?: number;
}

function ev(x: Ev): SegmentEvent {
  const len = x.len ?? 0;
  return {
    frame: x.f,
    time: x.t,
    dir: x.d,
    seq: x.seq >>> 0,
    ack: (x.ack ?? 0) >>> 0,
    flags: x.fl,
    window: x.win ?? 65535,
    rawWindow: x.win ?? 65535,
    len,
    captured: len,
    frameLen: 54 + len,
    options: x.opt,
    analysis: x.an ?? 0,
  };
}

function run(evs: Ev[], ports?: [number, number], rtt?: false): ConnectionTracker {
  const c = new ConnectionTracker({ ports, rtt });
  for (const x of evs) c.push(ev(x));
  return c;
}

const OPT_C: SegmentOptions = { mss: 1460, wscale: 7, sackPerm: true, ts: true };
const OPT_S: SegmentOptions = { mss: 1400, wscale: 8, sackPerm: true, ts: true };

/** Handshake 1000 / 5000, 100 bytes each way. */
const OPEN: Ev[] = [
  { f: 1, t: 0, d: 0, seq: 1000, fl: S, opt: OPT_C },
  { f: 2, t: 0.01, d: 1, seq: 5000, ack: 1001, fl: S | A, opt: OPT_S },
  { f: 3, t: 0.02, d: 0, seq: 1001, ack: 5001, fl: A },
  { f: 4, t: 0.03, d: 0, seq: 1001, ack: 5001, fl: P | A, len: 100 },
  { f: 5, t: 0.05, d: 1, seq: 5001, ack: 1101, fl: A },
  { f: 6, t: 0.06, d: 1, seq: 5001, ack: 1101, fl: P | A, len: 200 },
  { f: 7, t: 0.07, d: 0, seq: 1101, ack: 5201, fl: A },
];

describe('ConnectionTracker', () => {
  it('summarises a clean connection with a four-way close', () => {
    const c = run([
      ...OPEN,
      { f: 8, t: 0.08, d: 0, seq: 1101, ack: 5201, fl: F | A },
      { f: 9, t: 0.09, d: 1, seq: 5201, ack: 1102, fl: A },
      { f: 10, t: 0.1, d: 1, seq: 5201, ack: 1102, fl: F | A },
      { f: 11, t: 0.11, d: 0, seq: 1102, ack: 5202, fl: A },
    ]);
    const s = c.summary();
    expect(s.connState).toBe('SF');
    expect(s.history).toBe('ShADadFf');
    expect(s.originator).toBe(0);
    expect(c.closed).toBe(true);
    expect(s.handshake).toMatchObject({ status: 'complete', client: 0, synFrame: 1, synAckFrame: 2, ackFrame: 3 });
    expect(s.handshake.irtt).toBeCloseTo(0.02, 12);
    expect(s.handshake.synToSynAck).toBeCloseTo(0.01, 12);
    expect(s.handshake.synAckToAck).toBeCloseTo(0.01, 12);
    expect(s.handshake.offered[0]).toEqual({ mss: 1460, wscale: 7, sackPerm: true, timestamps: true });
    expect(s.handshake.negotiated).toEqual({ windowScaling: true, wscale: [7, 8], sack: true, timestamps: true, mss: [1460, 1400] });
    expect(s.teardown).toMatchObject({ kind: 'fin', style: 'four-way', activeCloser: 0, finalAckFrame: 11, halfClose: null, rst: null, openAtEnd: false });
    expect(s.teardown.firstFin).toEqual({ dir: 0, frame: 8, time: 0.08 });
    expect(s.dirs[0]).toMatchObject({ packets: 6, payloadBytes: 100, uniqueBytes: 100, gapBytes: 0, finalState: 'TIME_WAIT' });
    expect(s.dirs[1]).toMatchObject({ packets: 5, payloadBytes: 200, uniqueBytes: 200, finalState: 'CLOSED' });
    expect(s.dirs[0].bytes).toBe(6 * 54 + 100);
    expect(s.dirs[0].throughput).toBe(909.091); // bytes/s, rounded to 3 decimals
    // client: SYN→SYN-ACK 10 ms, data→ACK 20 ms, FIN→ACK 10 ms
    expect(s.dirs[0].rtt.samples).toBe(3);
    expect(s.dirs[0].rtt.srtt).toBeCloseTo(0.01109375, 12);
    expect(s.dirs[0].rtt.rttvar).toBeCloseTo(0.005, 12);
    expect(s.dirs[0].rtt.rto).toBe(1);
    expect(s.stateLog.map((x) => `${x.frame}:${x.dir}:${x.from}>${x.to}${x.inferred ? '?' : ''}`)).toEqual([
      '1:0:CLOSED>SYN_SENT',
      '1:1:CLOSED>LISTEN?',
      '2:1:LISTEN>SYN_RCVD',
      '2:0:SYN_SENT>ESTABLISHED',
      '3:1:SYN_RCVD>ESTABLISHED',
      '8:0:ESTABLISHED>FIN_WAIT_1',
      '8:1:ESTABLISHED>CLOSE_WAIT',
      '9:0:FIN_WAIT_1>FIN_WAIT_2',
      '10:1:CLOSE_WAIT>LAST_ACK',
      '10:0:FIN_WAIT_2>TIME_WAIT',
      '11:1:LAST_ACK>CLOSED',
    ]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('samples no RTT when told not to, and changes nothing else', () => {
    const evs: Ev[] = [...OPEN, { f: 8, t: 0.08, d: 0, seq: 1101, ack: 5201, fl: F | A }, { f: 9, t: 0.09, d: 1, seq: 5201, ack: 1102, fl: F | A }, { f: 10, t: 0.1, d: 0, seq: 1102, ack: 5202, fl: A }];
    const timed = run(evs).summary();
    const untimed = run(evs, undefined, false).summary();
    expect(timed.dirs[0].rtt.samples).toBe(3);
    expect(untimed.dirs.map((d) => d.rtt.samples)).toEqual([0, 0]);
    for (const s of [timed, untimed]) for (const d of s.dirs) d.rtt = untimed.dirs[0].rtt;
    expect(untimed).toEqual(timed);
  });

  it('recognises a combined FIN-ACK close (three segments)', () => {
    const s = run([
      ...OPEN,
      { f: 8, t: 0.08, d: 1, seq: 5201, ack: 1101, fl: F | A },
      { f: 9, t: 0.09, d: 0, seq: 1101, ack: 5202, fl: F | A },
      { f: 10, t: 0.1, d: 1, seq: 5202, ack: 1102, fl: A },
    ]).summary();
    expect(s.teardown).toMatchObject({ kind: 'fin', style: 'combined', activeCloser: 1, finalAckFrame: 10 });
    expect(s.connState).toBe('SF');
    expect(s.history).toBe('ShADadfF');
    expect(s.dirs[1].finalState).toBe('TIME_WAIT');
    expect(s.dirs[0].finalState).toBe('CLOSED');
  });

  it('recognises a simultaneous close', () => {
    const s = run([
      ...OPEN,
      { f: 8, t: 0.08, d: 0, seq: 1101, ack: 5201, fl: F | A },
      { f: 9, t: 0.081, d: 1, seq: 5201, ack: 1101, fl: F | A },
      { f: 10, t: 0.09, d: 0, seq: 1102, ack: 5202, fl: A },
      { f: 11, t: 0.091, d: 1, seq: 5202, ack: 1102, fl: A },
    ]).summary();
    expect(s.teardown.style).toBe('simultaneous');
    expect(s.stateLog.filter((x) => x.frame >= 8).map((x) => `${x.dir}:${x.to}`)).toEqual([
      '0:FIN_WAIT_1',
      '1:CLOSE_WAIT',
      '1:CLOSING',
      '0:CLOSING',
      '1:TIME_WAIT',
      '0:TIME_WAIT',
    ]);
  });

  it('measures a half-close: data after the first FIN', () => {
    const s = run([
      ...OPEN,
      { f: 8, t: 1, d: 0, seq: 1101, ack: 5201, fl: F | A },
      { f: 9, t: 1.01, d: 1, seq: 5201, ack: 1102, fl: A },
      { f: 10, t: 1.5, d: 1, seq: 5201, ack: 1102, fl: P | A, len: 1000 },
      { f: 11, t: 1.51, d: 0, seq: 1102, ack: 6201, fl: A },
      { f: 12, t: 3, d: 1, seq: 6201, ack: 1102, fl: F | A },
      { f: 13, t: 3.01, d: 0, seq: 1102, ack: 6202, fl: A },
    ]).summary();
    expect(s.teardown).toMatchObject({ kind: 'fin', style: 'four-way', activeCloser: 0 });
    expect(s.teardown.halfClose).toEqual({ dir: 1, bytes: 1000, duration: 2 });
  });

  it('reports a refused connection (SYN, RST-ACK) as REJ', () => {
    const c = run([
      { f: 1, t: 0, d: 0, seq: 1000, fl: S },
      { f: 2, t: 0.001, d: 1, seq: 0, ack: 1001, fl: R | A },
    ]);
    const s = c.summary();
    expect(s.connState).toBe('REJ');
    expect(s.history).toBe('Sr');
    expect(c.closed).toBe(true);
    expect(s.handshake.status).toBe('partial');
    expect(s.teardown).toMatchObject({ kind: 'rst', activeCloser: null, openAtEnd: false });
    expect(s.teardown.rst).toMatchObject({ dir: 1, frame: 2, state: 'CLOSED', bytesBefore: [0, 0], count: 1 });
    expect(s.stateLog.map((x) => `${x.dir}:${x.to}`)).toEqual(['0:SYN_SENT', '0:CLOSED']);
  });

  it('shows SYN retransmissions with their backoff, and S0 when nothing answers', () => {
    const s = run([
      { f: 1, t: 0, d: 0, seq: 7, fl: S },
      { f: 2, t: 1, d: 0, seq: 7, fl: S, an: TA.RETRANSMISSION },
      { f: 3, t: 3, d: 0, seq: 7, fl: S, an: TA.RETRANSMISSION },
      { f: 4, t: 7, d: 0, seq: 7, fl: S, an: TA.RETRANSMISSION },
    ]).summary();
    expect(s.connState).toBe('S0');
    expect(s.history).toBe('S');
    expect(s.handshake.syns.map((x) => x.interval)).toEqual([null, 1, 2, 4]);
    expect(s.dirs[0].retransmissions).toBe(3);
    expect(s.dirs[0].rtt.karnSkipped).toBe(1);
    expect(s.teardown.kind).toBe('open');
    expect(s.teardown.openAtEnd).toBe(true);
  });

  it('records SYN-ACK retransmissions on the server side', () => {
    const s = run([
      { f: 1, t: 0, d: 0, seq: 7, fl: S },
      { f: 2, t: 0.01, d: 1, seq: 90, ack: 8, fl: S | A },
      { f: 3, t: 1.01, d: 1, seq: 90, ack: 8, fl: S | A, an: TA.RETRANSMISSION },
      { f: 4, t: 1.02, d: 0, seq: 8, ack: 91, fl: A },
    ]).summary();
    expect(s.handshake.synAcks.map((x) => [x.frame, x.interval])).toEqual([
      [2, null],
      [3, 1],
    ]);
    expect(s.history).toBe('ShA');
    expect(s.handshake.status).toBe('complete');
  });

  it('reports an abort by the originator as RSTO, with the bytes before it', () => {
    const s = run([...OPEN, { f: 8, t: 0.1, d: 0, seq: 1101, ack: 5201, fl: R | A }]).summary();
    expect(s.connState).toBe('RSTO');
    expect(s.history).toBe('ShADadR');
    expect(s.teardown.rst).toMatchObject({ dir: 0, frame: 8, state: 'ESTABLISHED', bytesBefore: [100, 200] });
    expect(s.dirs[0].finalState).toBe('CLOSED');
    expect(s.dirs[1].finalState).toBe('CLOSED');
  });

  it('treats a stream picked up mid-way as OTH with a missing handshake', () => {
    const s = run(
      [
        { f: 1, t: 0, d: 0, seq: 1000, ack: 9000, fl: P | A, len: 10 },
        { f: 2, t: 0.01, d: 1, seq: 9000, ack: 1010, fl: A },
      ],
      [40000, 80],
    ).summary();
    expect(s.connState).toBe('OTH');
    expect(s.history).toBe('Da');
    expect(s.handshake.status).toBe('missing');
    expect(s.handshake.irtt).toBeNull();
    expect(s.stateLog.map((x) => `${x.dir}:${x.to}:${x.inferred}`)).toEqual(['0:ESTABLISHED:true', '1:ESTABLISHED:true']);
  });

  it("flips the originator like Zeek when the first packet comes from a server port", () => {
    const s = run(
      [
        { f: 1, t: 0, d: 0, seq: 9000, ack: 1000, fl: P | A, len: 10 },
        { f: 2, t: 0.01, d: 1, seq: 1000, ack: 9010, fl: A },
      ],
      [80, 40000],
    ).summary();
    expect(s.originator).toBe(1);
    expect(s.history).toBe('^dA');
  });

  it('counts retransmissions by kind, gaps and duplicates', () => {
    const s = run([
      ...OPEN,
      { f: 8, t: 0.2, d: 0, seq: 1101, ack: 5201, fl: A, len: 100 },
      { f: 9, t: 0.21, d: 0, seq: 1301, ack: 5201, fl: A, len: 100, an: TA.LOST_PACKET },
      { f: 10, t: 0.22, d: 1, seq: 5201, ack: 1201, fl: A },
      { f: 11, t: 0.23, d: 1, seq: 5201, ack: 1201, fl: A, an: TA.DUPLICATE_ACK },
      { f: 12, t: 0.24, d: 1, seq: 5201, ack: 1201, fl: A, an: TA.DUPLICATE_ACK },
      { f: 13, t: 0.25, d: 0, seq: 1201, ack: 5201, fl: A, len: 100, an: TA.FAST_RETRANSMISSION | TA.RETRANSMISSION },
      { f: 14, t: 1.3, d: 0, seq: 1201, ack: 5201, fl: A, len: 100, an: TA.RETRANSMISSION },
      { f: 15, t: 1.31, d: 1, seq: 5201, ack: 1401, fl: A },
    ]).summary();
    expect(s.dirs[0]).toMatchObject({ fastRetransmissions: 1, retransmissions: 2, lostSegments: 1, retransmittedBytes: 100, gapBytes: 0 });
    expect(s.dirs[1].dupAcks).toBe(2);
    // Zeek: the fill-in copy does not advance the highest sequence: 't'... for the originator 'T', once
    expect(s.history).toBe('ShADadT');
    expect(s.dirs[0].maxBytesInFlight).toBe(300);
  });

  it('reports bytes acknowledged but never captured as missed bytes (Zeek g/G)', () => {
    const s = run([
      ...OPEN,
      { f: 8, t: 0.2, d: 0, seq: 1201, ack: 5201, fl: A, len: 100, an: TA.LOST_PACKET },
      { f: 9, t: 0.21, d: 1, seq: 5201, ack: 1301, fl: A, an: TA.ACK_LOST_PACKET },
    ]).summary();
    expect(s.missedBytes).toBe(100);
    expect(s.dirs[0].gapBytes).toBe(100);
    expect(s.history).toBe('ShADadG');
  });

  it('tracks zero-window episodes with their probes', () => {
    const s = run([
      ...OPEN,
      { f: 8, t: 1, d: 1, seq: 5201, ack: 1101, fl: A, win: 0, an: TA.ZERO_WINDOW },
      { f: 9, t: 1.5, d: 0, seq: 1101, ack: 5201, fl: A, len: 1, an: TA.ZERO_WINDOW_PROBE },
      { f: 10, t: 1.51, d: 1, seq: 5201, ack: 1101, fl: A, win: 0, an: TA.ZERO_WINDOW | TA.ZERO_WINDOW_PROBE_ACK },
      { f: 11, t: 3, d: 1, seq: 5201, ack: 1101, fl: A, win: 8192, an: TA.WINDOW_UPDATE },
    ]).summary();
    expect(s.zeroWindowEpisodes).toEqual([{ dir: 1, startFrame: 8, startTime: 1, endFrame: 11, endTime: 3, duration: 2, probes: 1 }]);
    expect(s.dirs[1]).toMatchObject({ zeroWindows: 2, windowUpdates: 1 });
    expect(s.dirs[0].zeroWindowProbes).toBe(1);
    expect(s.history).toBe('ShADadw');
  });

  it('handles a simultaneous open', () => {
    const s = run([
      { f: 1, t: 0, d: 0, seq: 100, fl: S },
      { f: 2, t: 0.001, d: 1, seq: 300, fl: S },
      { f: 3, t: 0.01, d: 0, seq: 100, ack: 301, fl: S | A },
      { f: 4, t: 0.011, d: 1, seq: 300, ack: 101, fl: S | A },
    ]).summary();
    expect(s.handshake.status).toBe('simultaneous');
    expect(s.dirs[0].finalState).toBe('ESTABLISHED');
    expect(s.dirs[1].finalState).toBe('ESTABLISHED');
  });

  it('keeps every list bounded', () => {
    const evs: Ev[] = [];
    for (let i = 0; i < 100; i++) evs.push({ f: i + 1, t: i, d: 0, seq: 5, fl: S, an: i ? TA.RETRANSMISSION : 0 });
    for (let i = 0; i < 100; i++) {
      evs.push({ f: 200 + 2 * i, t: 200 + i, d: 1, seq: 9, ack: 6, fl: A, win: 0 });
      evs.push({ f: 201 + 2 * i, t: 200.5 + i, d: 1, seq: 9, ack: 6, fl: A, win: 100 });
    }
    const s = run(evs).summary();
    expect(s.handshake.syns).toHaveLength(LIST_CAP);
    expect(s.handshake.synsDropped).toBe(100 - LIST_CAP);
    expect(s.zeroWindowEpisodes).toHaveLength(LIST_CAP);
    expect(s.zeroWindowEpisodesDropped).toBe(100 - LIST_CAP);
  });
});

/** The brief as the flow table used to derive it from a whole summary. */
function briefOf(s: ConnectionSummary): ConnectionBrief {
  const [d0, d1] = s.dirs;
  return {
    connState: s.connState,
    history: s.history,
    handshake: s.handshake.status,
    ended: s.teardown.kind,
    style: s.teardown.style,
    endedBy: s.teardown.kind === 'rst' ? s.teardown.rst!.dir : s.teardown.activeCloser,
    halfCloseBytes: s.teardown.halfClose?.bytes ?? 0,
    irtt: s.handshake.irtt,
    retransmissions: d0.retransmissions + d1.retransmissions,
    fastRetransmissions: d0.fastRetransmissions + d1.fastRetransmissions,
    spuriousRetransmissions: d0.spuriousRetransmissions + d1.spuriousRetransmissions,
    dupAcks: d0.dupAcks + d1.dupAcks,
    zeroWindows: d0.zeroWindows + d1.zeroWindows,
    payloadAtoB: d0.payloadBytes,
    payloadBtoA: d1.payloadBytes,
    missedBytes: s.missedBytes,
  };
}

describe('ConnectionTracker.brief', () => {
  /** Every connection's brief against its summary; returns how many were compared. */
  async function compare(files: string[]): Promise<number> {
    let n = 0;
    for (const file of files) {
      const table = new ConversationTable({
        onSummary: (row, s) => {
          const { lateFrames, ...brief } = row.brief!;
          expect(brief, `${path.basename(file)} stream ${row.stream}`).toEqual(briefOf(s));
          expect(lateFrames).toBe(s.lateFrames);
          n++;
        },
      });
      await decodeCapture(file, { columns: false, tree: 'none', transportOnly: true }, (d) => table.add(d.packet));
      table.finish();
    }
    return n;
  }
  it('gives what the summary gives, for every sample connection', async () => expect(await compare(sampleCaptures())).toBeGreaterThan(20));
  if (haveShared) it('and every public corpus connection', async () => expect(await compare(corpusCaptures())).toBeGreaterThan(100));
  else it('public corpus', () => skipNote('../shared/corpus/public is absent: briefs checked on samples only'));
});
