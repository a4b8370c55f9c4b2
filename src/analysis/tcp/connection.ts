/**
 * Per-connection TCP state, fed one `SegmentEvent` per packet in capture order, summarised as a
 * plain JSON-serialisable `ConnectionSummary`:
 *
 * - each endpoint's RFC 9293 state (CLOSED, LISTEN (inferred), SYN_SENT, SYN_RCVD, ESTABLISHED,
 *   FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT) as seen from the wire, with a
 *   log of transitions and the frame that caused each (a packet changes the sender's state when it
 *   is sent and the receiver's when it arrives; the capture point is assumed to see both);
 * - Zeek's `conn_state` and `history` (Zeek's endpoint model, ported from its documentation and
 *   `TCPSessionAdapter`: the letters s h a d f r t w g i q ^, upper case for the originator;
 *   a d i q once per side; s h f r again only when their sequence number changes; t w g at the
 *   1st, 10th, 100th … occurrence). Not produced: `c` (checksums are not verified) and `x`.
 *   The originator is the sender of the first packet, unless Zeek's heuristic flips it (the first
 *   packet is not a SYN and comes from a likely server port: we take ports below 1024, where Zeek
 *   uses the ports its protocol analysers register);
 * - handshake (complete / partial / missing / simultaneous), iRTT as Wireshark computes it, SYN and
 *   SYN-ACK (re)transmissions with their intervals, options offered and negotiated;
 * - teardown: who closed first, four-way / combined FIN-ACK / simultaneous, half-close, RST (by
 *   whom, in which state, after how many bytes), or still open;
 * - timing: RTT per direction (rtt.ts), zero-window episodes, bytes in flight, throughput;
 * - counters from the per-packet analysis bits (`TA`), which come from the Wireshark-exact
 *   analyser: a RETRANSMISSION bit is a timeout-style retransmission, FAST_RETRANSMISSION a fast one.
 *
 * Memory is O(1) per connection: every list (SYN retries, zero-window episodes, state log) keeps
 * at most `LIST_CAP` = 32 entries and counts the rest; the coverage tracker holds at most 1024
 * out-of-order ranges (no payload bytes); the RTT sampler at most 64 timed segments. About 10 kB
 * at the worst, a few hundred bytes for a typical connection.
 */
import { storeAsDoubles } from '../../decoders/core/doubles.js';
import { TCP_A } from '../../decoders/tcp.js';
import { ACK, DirectionReassembler, FIN, isGap, RST, SYN, type Chunk, type SegmentInput } from './reassembly.js';
import { RttSampler, type RttOptions, type RttSummary } from './rtt.js';

/** One TCP packet, as the connection-level analyses need it. Built by `conversations.ts` from the
 * decoder's TcpLayer and the per-packet analysis; tests build it by hand. */
export interface SegmentEvent {
  frame: number;
  /** Seconds since the capture start. */
  time: number;
  /** 0 = the sender of the stream's first packet (tshark's node 0 / conversation side "A"). */
  dir: 0 | 1;
  /** Raw (absolute) 32-bit sequence and acknowledgement numbers. */
  seq: number;
  ack: number;
  /** TCP flag bits: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128. */
  flags: number;
  /** Window in bytes after scaling, -1 when the scale is unknown. */
  window: number;
  /** The 16-bit window field as sent (defaults to `window` when absent). */
  rawWindow?: number;
  /** Payload length from the IP header (sequence space, without SYN/FIN). */
  len: number;
  /** Payload bytes captured (fewer than `len` when the snaplen cut the frame). The trackers
   * count bytes and never read them, so no view of the frame is made. */
  captured: number;
  /** frame.len, for the byte counters (tshark conversations count frame bytes). */
  frameLen: number;
  options?: SegmentOptions;
  /** `TA` bits from the per-packet analysis. */
  analysis: number;
}

export interface SegmentOptions {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  ts?: boolean;
  /** SACK blocks as raw [left, right, left, right, …]. */
  sack?: number[];
}

/** tcp.analysis flags as bits, with the values of Wireshark's `TCP_A_*` (the same as `TCP_A` in
 * decoders/tcp.ts, so the analyser's `flags` pass through unchanged). Used here: RETRANSMISSION,
 * FAST_RETRANSMISSION, SPURIOUS_RETRANSMISSION (retransmission counters, Karn's rule),
 * OUT_OF_ORDER, LOST_PACKET, ACK_LOST_PACKET, DUPLICATE_ACK, ZERO_WINDOW, ZERO_WINDOW_PROBE,
 * KEEP_ALIVE (ignored by the coverage tracker), WINDOW_FULL, WINDOW_UPDATE. */
export const TA = TCP_A;

/** 1 when `mask` is set in `flags`, else 0. */
const bit = (flags: number, mask: number): number => ((flags & mask) !== 0 ? 1 : 0);

const ANY_RETRANS = TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION;

export const LIST_CAP = 32;

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RCVD'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT';

export type ConnState = 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

export const CONN_STATE_TEXT: Record<ConnState, string> = {
  S0: 'attempt, no reply',
  S1: 'established, not terminated',
  SF: 'normal establishment and termination',
  REJ: 'attempt rejected',
  S2: 'established, originator closed, no reply',
  S3: 'established, responder closed, no reply',
  RSTO: 'established, originator aborted (RST)',
  RSTR: 'responder sent RST',
  RSTOS0: 'originator SYN then RST, no SYN-ACK',
  RSTRH: 'responder SYN-ACK then RST, no SYN seen',
  SH: 'originator SYN then FIN, no SYN-ACK',
  SHR: 'responder SYN-ACK then FIN, no SYN seen',
  OTH: 'no SYN, midstream traffic',
};

export interface StateChange {
  frame: number;
  dir: 0 | 1;
  from: TcpState;
  to: TcpState;
  /** The change was deduced (LISTEN before a SYN-ACK, a SYN_SENT for an unseen SYN, ESTABLISHED for a stream picked up mid-way). */
  inferred: boolean;
}

export interface Transmission {
  frame: number;
  time: number;
  /** Seconds since the previous transmission of the same kind (null for the first). */
  interval: number | null;
}

export interface OfferedOptions {
  mss: number | null;
  wscale: number | null;
  sackPerm: boolean;
  timestamps: boolean;
}

export interface HandshakeSummary {
  status: 'complete' | 'partial' | 'missing' | 'simultaneous';
  /** Direction that sent the first SYN (the client), null when no SYN was seen. */
  client: 0 | 1 | null;
  synFrame: number | null;
  synAckFrame: number | null;
  ackFrame: number | null;
  /** Wireshark's tcp.analysis.initial_rtt: most recent SYN to the first non-SYN ACK. */
  irtt: number | null;
  /** Most recent SYN to the first SYN-ACK, and that SYN-ACK to the handshake ACK. */
  synToSynAck: number | null;
  synAckToAck: number | null;
  syns: Transmission[];
  synsDropped: number;
  synAcks: Transmission[];
  synAcksDropped: number;
  /** Options in each direction's first SYN / SYN-ACK (null: no SYN from that side). */
  offered: [OfferedOptions | null, OfferedOptions | null];
  negotiated: {
    /** Both sides offered window scaling (null when a SYN is missing, so unknown). */
    windowScaling: boolean | null;
    wscale: [number, number] | null;
    sack: boolean | null;
    timestamps: boolean | null;
    /** MSS announced by each side (what the other side may send). */
    mss: [number | null, number | null];
  };
}

export interface TeardownSummary {
  kind: 'fin' | 'rst' | 'fin+rst' | 'half-closed' | 'open';
  /** How the FINs were exchanged when both were seen. */
  style: 'four-way' | 'combined' | 'simultaneous' | null;
  activeCloser: 0 | 1 | null;
  firstFin: { dir: 0 | 1; frame: number; time: number } | null;
  secondFin: { dir: 0 | 1; frame: number; time: number } | null;
  /** The ACK of the second FIN. */
  finalAckFrame: number | null;
  /** Data the other side sent after the first FIN (a half-close), and for how long. */
  halfClose: { dir: 0 | 1; bytes: number; duration: number } | null;
  rst: { dir: 0 | 1; frame: number; time: number; state: TcpState; bytesBefore: [number, number]; count: number } | null;
  openAtEnd: boolean;
}

/** A connection's facts in a flow table row (`ConnectionTracker.brief`): its Zeek state and
 * history, the handshake's status, how it ended (kind, style, by whom: the first closer, or the RST
 * sender), payload sent after the first FIN, the iRTT, and counts over both directions. */
export interface ConnectionBrief {
  connState: ConnState;
  history: string;
  handshake: HandshakeSummary['status'];
  ended: TeardownSummary['kind'];
  style: TeardownSummary['style'];
  endedBy: 0 | 1 | null;
  halfCloseBytes: number;
  irtt: number | null;
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  dupAcks: number;
  zeroWindows: number;
  payloadAtoB: number;
  payloadBtoA: number;
  missedBytes: number;
}

export interface ZeroWindowEpisode {
  /** The side that advertised the zero window (its receive buffer was full). */
  dir: 0 | 1;
  startFrame: number;
  startTime: number;
  endFrame: number | null;
  endTime: number | null;
  duration: number | null;
  /** Zero-window probes the other side sent during the episode. */
  probes: number;
}

export interface DirectionSummary {
  packets: number;
  /** frame.len sum, as tshark's conversation table counts. */
  bytes: number;
  /** Payload bytes sent (all copies), and distinct stream bytes delivered once. */
  payloadBytes: number;
  uniqueBytes: number;
  /** Bytes never captured (gaps), and the part the peer acknowledged (Zeek's missed_bytes). */
  gapBytes: number;
  retransmittedBytes: number;
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  outOfOrder: number;
  lostSegments: number;
  ackedUnseen: number;
  dupAcks: number;
  zeroWindows: number;
  zeroWindowProbes: number;
  keepAlives: number;
  windowFull: number;
  windowUpdates: number;
  syn: number;
  fin: number;
  rst: number;
  /** Highest sequence-based bytes in flight (sent beyond the peer's last ACK). */
  maxBytesInFlight: number;
  /** uniqueBytes / connection duration, bytes per second (null for a zero duration). */
  throughput: number | null;
  rtt: RttSummary;
  finalState: TcpState;
}

export interface ConnectionSummary {
  /** Zeek's originator: 0 (the first sender) unless Zeek's heuristic flipped it. */
  originator: 0 | 1;
  connState: ConnState;
  history: string;
  /** Zeek's missed_bytes: bytes acknowledged but never captured. */
  missedBytes: number;
  firstFrame: number;
  lastFrame: number;
  start: number;
  end: number;
  duration: number;
  handshake: HandshakeSummary;
  teardown: TeardownSummary;
  dirs: [DirectionSummary, DirectionSummary];
  zeroWindowEpisodes: ZeroWindowEpisode[];
  zeroWindowEpisodesDropped: number;
  stateLog: StateChange[];
  stateLogDropped: number;
  /** Packets seen after the summary was taken (the flow had been evicted). */
  lateFrames: number;
}

// --- Zeek's endpoint model --------------------------------------------------------------------

const enum Z {
  INACTIVE,
  SYN_SENT,
  SYN_ACK_SENT,
  PARTIAL,
  ESTABLISHED,
  CLOSED,
  RESET,
}

const H_SYN = 1;
const H_FIN = 2;
const H_RST = 4;
const H_FIN_RST = 8;
const H_DATA = 16;
const H_ACK = 32;
const H_MULTI = 64;

class ZeekEndpoint {
  state = Z.INACTIVE;
  prev = Z.INACTIVE;
  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  finCnt = 0;
  lastSyn = -1;
  lastFin = -1;
  lastRst = -1;
  rxmt = 0;
  rxmtThresh = 1;
  win0 = 0;
  win0Thresh = 1;
  gap = 0;
  gapThresh = 1;
  set(s: Z): void {
    if (s !== this.state) {
      this.prev = this.state;
      this.state = s;
    }
  }
}
storeAsDoubles(new ZeekEndpoint(), ['startSeq', 'lastSeq', 'ackSeq']);

function likelyServerPort(p: number): boolean {
  return p > 0 && p < 1024;
}

// --- one direction ------------------------------------------------------------------------------

class Side {
  packets = 0;
  bytes = 0;
  payload = 0;
  retrans = 0;
  fast = 0;
  spurious = 0;
  ooo = 0;
  lost = 0;
  ackLost = 0;
  dup = 0;
  zw = 0;
  zwp = 0;
  ka = 0;
  wfull = 0;
  wupd = 0;
  syn = 0;
  fin = 0;
  rst = 0;
  state: TcpState = 'CLOSED';
  seen = false;
  /** Raw seq of the SYN (ISN), when one was seen. */
  isn: number | null = null;
  /** Raw sequence number just past this side's FIN (what an ACK of it carries). */
  finEnd: number | null = null;
  finFrame = 0;
  finTime = 0;
  /** Highest sequence end sent (raw), and the highest ACK this side sent (raw). */
  high = 0;
  hasHigh = false;
  lastAck = 0;
  hasAck = false;
  maxInflight = 0;
  syns: Transmission[] = [];
  synsDropped = 0;
  synAcks: Transmission[] = [];
  synAcksDropped = 0;
  offered: OfferedOptions | null = null;
  /** Bytes sent after the peer's FIN (a half-close). */
  afterPeerFin = 0;
  lastDataTime = 0;
  /** Coverage of this side's stream, created at its first data or FIN (a SYN-only side, the
   * common case in scans, never pays for it); until then the peer's ACKs are remembered. */
  cov: DirectionReassembler | null = null;
  firstPeerAck: number | null = null;
  lastPeerAck = 0;
  /** RTT of this side's segments, created at its first segment that takes sequence space. */
  rtt: RttSampler | null = null;
  readonly z = new ZeekEndpoint();
  zwOpen: ZeroWindowEpisode | null = null;
  /** null: RTT is not sampled (ConnectionOptions.rtt false). */
  constructor(private readonly rttOpts: RttOptions | null) {}

  sampler(): RttSampler | null {
    return this.rtt ?? (this.rttOpts ? (this.rtt = new RttSampler(this.rttOpts)) : null);
  }

  /** The peer acknowledged `ack`; adds the gaps it revealed to `out`. */
  peerAck(ack: number, frame: number, out: Chunk[]): void {
    if (this.cov) {
      this.cov.ack(ack, frame, out);
      return;
    }
    this.firstPeerAck ??= ack >>> 0;
    this.lastPeerAck = ack >>> 0;
  }

  coverage(frame: number): DirectionReassembler {
    if (this.cov) return this.cov;
    const c = new DirectionReassembler({ keepBytes: false, maxSegments: 1024, eagerGaps: true, gapsOnly: true });
    if (this.isn !== null) c.push({ frame, seq: this.isn, flags: SYN, len: 0, payload: null, captured: 0 });
    else if (this.firstPeerAck !== null) c.ack(this.firstPeerAck, frame);
    this.cov = c;
    return c;
  }
}
storeAsDoubles(new Side(null), ['finTime', 'high', 'lastAck', 'lastDataTime', 'lastPeerAck']);


/** What the coverage trackers are fed, refilled per segment (they keep nothing of it). */
const COVERAGE_INPUT: SegmentInput = storeAsDoubles({ frame: 0, seq: 0, flags: 0, len: 0, payload: null, captured: 0, keepAlive: false }, ['seq']);

const NO_RTT: RttSummary = { samples: 0, min: null, max: null, mean: null, last: null, srtt: null, rttvar: null, rto: null, karnSkipped: 0 };

function sd(a: number, b: number): number {
  return (a - b) | 0;
}

/** Times in a summary are rounded to the nanosecond (capture times are sums of seconds and
 * nanoseconds, so differences carry binary noise below that). */
function ns(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function nsOrNull(x: number | null): number | null {
  return x === null ? null : ns(x);
}

function roundRtt(r: RttSummary): RttSummary {
  return { ...r, min: nsOrNull(r.min), max: nsOrNull(r.max), mean: nsOrNull(r.mean), last: nsOrNull(r.last), srtt: nsOrNull(r.srtt), rttvar: nsOrNull(r.rttvar), rto: nsOrNull(r.rto) };
}

function roundTx(t: Transmission): Transmission {
  return { frame: t.frame, time: ns(t.time), interval: nsOrNull(t.interval) };
}

export interface ConnectionOptions {
  /** false: no RTT sampling (the summary then reports none); for callers that never read it. */
  rtt?: RttOptions | false;
  /** Ports of the first packet, for Zeek's originator heuristic (optional). */
  ports?: [number, number];
}

/** Tracks one TCP connection (one tcp.stream). */
export class ConnectionTracker {
  private readonly sides: [Side, Side];
  private first = true;
  private originator: 0 | 1 = 0;
  private flipped = false;
  private history = '';
  private histSeen = 0;
  private missed = 0;
  private firstFrame = 0;
  private lastFrame = 0;
  private startTime = 0;
  private endTime = 0;
  private log: StateChange[] = [];
  private logDropped = 0;
  private episodes: ZeroWindowEpisode[] = [];
  private episodesDropped = 0;
  // handshake
  private mruSyn = 0;
  private mruSynSet = false;
  private irtt: number | null = null;
  private client: 0 | 1 | null = null;
  private synFrame: number | null = null;
  private synAckFrame: number | null = null;
  private synAckTime = 0;
  private ackFrame: number | null = null;
  private ackTime = 0;
  private lastSynTime = 0;
  private lastSynAckTime = 0;
  private synToSynAck: number | null = null;
  private synAckToAck: number | null = null;
  // teardown
  private firstFinDir: 0 | 1 | null = null;
  private secondFinDir: 0 | 1 | null = null;
  private finAckedSeparately = false;
  private secondFinAcksFirst = false;
  private finalAckFrame: number | null = null;
  private rstInfo: TeardownSummary['rst'] = null;
  private readonly ports: [number, number] | undefined;
  /** Gaps the coverage trackers report for the current segment. */
  private readonly chunks: Chunk[] = [];
  lateFrames = 0;

  constructor(opts: ConnectionOptions = {}) {
    const r = opts.rtt === false ? null : (opts.rtt ?? {});
    this.sides = [new Side(r), new Side(r)];
    this.ports = opts.ports;
  }

  /** Capture time of the last packet. */
  get lastTime(): number {
    return this.endTime;
  }

  /** True once the connection is over: a RST, or both FINs and the ACK of the second. */
  get closed(): boolean {
    return this.rstInfo !== null || this.finalAckFrame !== null;
  }

  push(e: SegmentEvent): void {
    const d = e.dir;
    const p = (1 - d) as 0 | 1;
    const s = this.sides[d];
    const peer = this.sides[p];
    const f = e.flags;
    const syn = (f & SYN) !== 0;
    const ackf = (f & ACK) !== 0;
    const fin = (f & FIN) !== 0;
    const rst = (f & RST) !== 0;
    const a = e.analysis;
    if (this.first) {
      this.first = false;
      this.firstFrame = e.frame;
      this.startTime = e.time;
      this.decideOriginator(e);
    }
    this.lastFrame = e.frame;
    if (e.frame === this.firstFrame || e.time > this.endTime) this.endTime = e.time;

    // counters
    s.packets++;
    s.bytes += e.frameLen;
    s.payload += e.len;
    // (every counter is read and written for every segment: V8 deoptimizes this large function
    // at a property access it has no feedback for, a counter first counted late in the capture)
    s.retrans += bit(a, TA.RETRANSMISSION);
    s.fast += bit(a, TA.FAST_RETRANSMISSION);
    s.spurious += bit(a, TA.SPURIOUS_RETRANSMISSION);
    s.ooo += bit(a, TA.OUT_OF_ORDER);
    s.lost += bit(a, TA.LOST_PACKET);
    s.ackLost += bit(a, TA.ACK_LOST_PACKET);
    s.dup += bit(a, TA.DUPLICATE_ACK);
    s.zw += bit(a, TA.ZERO_WINDOW);
    s.zwp += bit(a, TA.ZERO_WINDOW_PROBE);
    s.ka += bit(a, TA.KEEP_ALIVE);
    s.wfull += bit(a, TA.WINDOW_FULL);
    s.wupd += bit(a, TA.WINDOW_UPDATE);
    s.syn += syn ? 1 : 0;
    s.fin += fin ? 1 : 0;
    s.rst += rst ? 1 : 0;
    if (e.len > 0 && !rst) s.lastDataTime = e.time;

    // Zeek's view (before our own state updates: it keeps its own)
    this.zeek(e, d);

    // handshake
    if (syn) this.onSyn(e, s, d);
    if ((f & (SYN | ACK)) === ACK) {
      if (this.mruSynSet && this.irtt === null) this.irtt = e.time - this.mruSyn;
      if (this.ackFrame === null && this.synAckFrame !== null && this.client === d && !rst) {
        const server = this.sides[p];
        if (server.isn === null || sd(e.ack, (server.isn + 1) >>> 0) >= 0) {
          this.ackFrame = e.frame;
          this.ackTime = e.time;
          this.synAckToAck = e.time - this.lastSynAckTime;
        }
      }
    }

    // RFC state machine
    this.rfc(e, d, p, s, peer);

    // sequence bookkeeping, RTT, bytes in flight
    const span = e.len + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (!rst && span > 0) {
      const end = (e.seq + span) >>> 0;
      s.sampler()?.onSend(e.seq, span, e.time, e.frame, (a & ANY_RETRANS) !== 0);
      if (!s.hasHigh || sd(end, s.high) > 0) {
        s.high = end;
        s.hasHigh = true;
      }
      if (e.len > 0 && peer.hasAck) {
        const inflight = sd(s.high, peer.lastAck);
        if (inflight > s.maxInflight) s.maxInflight = inflight;
      }
    }
    if (ackf && !rst) {
      peer.rtt?.onAck(e.ack, e.time);
      if (!s.hasAck || sd(e.ack, s.lastAck) > 0) {
        s.lastAck = e.ack >>> 0;
        s.hasAck = true;
      }
    }

    // coverage: gaps and duplicate bytes (the ACK first: it reveals the peer's holes)
    const out = this.chunks;
    // (emptied only when not: V8 drops an array's storage at length 0, and gaps are rare)
    if (ackf && !rst) {
      if (out.length !== 0) out.length = 0;
      peer.peerAck(e.ack, e.frame, out);
      this.gaps(out, p);
    }
    if (s.cov || ((e.len > 0 || fin) && !rst)) {
      const cov = s.coverage(e.frame);
      const seg = COVERAGE_INPUT;
      seg.frame = e.frame;
      seg.seq = e.seq;
      seg.flags = f;
      seg.len = e.len;
      seg.captured = e.captured;
      seg.keepAlive = (a & TA.KEEP_ALIVE) !== 0;
      if (out.length !== 0) out.length = 0;
      cov.push(seg, out);
      // the ACKs the peer sent before this side's first data
      if (s.firstPeerAck !== null) {
        cov.ack(s.lastPeerAck, e.frame, out);
        s.firstPeerAck = null;
      }
      this.gaps(out, d);
    }

    // half-close: new data after the peer's FIN
    if (peer.finEnd !== null && e.len > 0 && !rst && !(a & ANY_RETRANS)) s.afterPeerFin += e.len;

    // zero-window episodes
    this.zeroWindow(e, d, s, peer);
  }

  /** Records the ACKed-unseen bytes Zeek would report, and the `g` history letter. */
  private gaps(chunks: Chunk[], owner: 0 | 1): void {
    for (const c of chunks) {
      if (!isGap(c) || c.reason !== 'lost') continue;
      const o = this.zeekSide(owner);
      const q = this.zeekSide((1 - owner) as 0 | 1);
      const ok = (x: Z) => x === Z.ESTABLISHED || x === Z.PARTIAL;
      if (ok(o.state) && ok(q.state)) {
        this.missed += c.gapLen;
        this.scaled(owner, 'G', o, 'gap');
      }
    }
  }

  private onSyn(e: SegmentEvent, s: Side, d: 0 | 1): void {
    const withAck = (e.flags & ACK) !== 0;
    if (s.isn === null) s.isn = e.seq >>> 0;
    if (!s.offered) {
      const o = e.options ?? {};
      s.offered = { mss: o.mss ?? null, wscale: o.wscale ?? null, sackPerm: !!o.sackPerm, timestamps: !!o.ts };
    }
    const list = withAck ? s.synAcks : s.syns;
    const prev = list.length ? list[list.length - 1]!.time : null;
    const last = withAck ? this.lastSynAckTime : this.lastSynTime;
    const count = withAck ? s.synAcks.length + s.synAcksDropped : s.syns.length + s.synsDropped;
    const entry: Transmission = { frame: e.frame, time: e.time, interval: count ? e.time - (prev ?? last) : null };
    if (list.length < LIST_CAP) list.push(entry);
    else if (withAck) s.synAcksDropped++;
    else s.synsDropped++;
    if (!withAck) {
      this.mruSyn = e.time;
      this.mruSynSet = true;
      this.lastSynTime = e.time;
      if (this.client === null) this.client = d;
      if (this.synFrame === null) this.synFrame = e.frame;
    } else {
      this.lastSynAckTime = e.time;
      if (this.synAckFrame === null) {
        this.synAckFrame = e.frame;
        this.synAckTime = e.time;
        if (this.synFrame !== null) this.synToSynAck = e.time - this.lastSynTime;
        if (this.client === null) this.client = (1 - d) as 0 | 1;
      }
    }
  }

  // --- RFC 9293 endpoint states ---------------------------------------------------------------

  private move(d: 0 | 1, to: TcpState, frame: number, inferred = false): void {
    const s = this.sides[d];
    if (s.state === to) return;
    if (this.log.length < LIST_CAP) this.log.push({ frame, dir: d, from: s.state, to, inferred });
    else this.logDropped++;
    s.state = to;
  }

  private rfc(e: SegmentEvent, d: 0 | 1, p: 0 | 1, s: Side, peer: Side): void {
    const f = e.flags;
    const syn = (f & SYN) !== 0;
    const ackf = (f & ACK) !== 0;
    const fin = (f & FIN) !== 0;
    const rst = (f & RST) !== 0;
    const frame = e.frame;
    const firstFromD = !s.seen;
    s.seen = true;

    if (rst) {
      if (!this.rstInfo) {
        this.rstInfo = {
          dir: d,
          frame,
          time: e.time,
          state: s.state,
          bytesBefore: [this.sides[0].payload, this.sides[1].payload],
          count: 1,
        };
        // the RST's own payload is not stream data
        this.rstInfo.bytesBefore[d] -= e.len;
      } else this.rstInfo.count++;
      this.move(d, 'CLOSED', frame);
      if (peer.state !== 'CLOSED' && peer.state !== 'TIME_WAIT') this.move(p, 'CLOSED', frame);
      return;
    }

    // the sender's side
    if (syn && !ackf) {
      if (s.state === 'CLOSED' || s.state === 'LISTEN') this.move(d, 'SYN_SENT', frame);
      // simultaneous open: the peer had sent its own SYN
      if (peer.state === 'SYN_SENT') this.move(p, 'SYN_RCVD', frame);
    } else if (syn && ackf) {
      if (s.state === 'CLOSED') {
        // it must have been listening when the SYN came
        this.move(d, 'LISTEN', this.synFrame ?? frame, true);
        this.move(d, 'SYN_RCVD', frame);
      } else if (s.state === 'SYN_SENT' || s.state === 'LISTEN') this.move(d, 'SYN_RCVD', frame);
      if (peer.state === 'SYN_SENT' || peer.state === 'SYN_RCVD') this.move(p, 'ESTABLISHED', frame);
      else if (peer.state === 'CLOSED') {
        this.move(p, 'SYN_SENT', frame, true);
        this.move(p, 'ESTABLISHED', frame);
      }
    } else if (s.state === 'CLOSED' && firstFromD) {
      // picked up mid-stream
      this.move(d, 'ESTABLISHED', frame, true);
      if (peer.state === 'CLOSED' && !peer.seen) this.move(p, 'ESTABLISHED', frame, true);
    }

    // what the ACK tells the receiver
    if (ackf && !syn) {
      if (peer.state === 'SYN_RCVD' && (peer.isn === null || sd(e.ack, (peer.isn + 1) >>> 0) >= 0)) this.move(p, 'ESTABLISHED', frame);
      if (s.state === 'SYN_RCVD' && peer.state === 'ESTABLISHED') this.move(d, 'ESTABLISHED', frame);
      if (s.state === 'SYN_SENT' && (peer.state === 'ESTABLISHED' || peer.state === 'SYN_RCVD')) this.move(d, 'ESTABLISHED', frame);
    }
    const acksPeerFin = ackf && peer.finEnd !== null && sd(e.ack, peer.finEnd) >= 0;

    // FIN: the sender's side, then the receiver's
    let newFin = false;
    if (fin) {
      const end = (e.seq + e.len + (syn ? 1 : 0) + 1) >>> 0;
      if (s.finEnd === null) {
        newFin = true;
        s.finEnd = end;
        s.finFrame = frame;
        s.finTime = e.time;
        if (this.firstFinDir === null) this.firstFinDir = d;
        else if (this.secondFinDir === null) {
          this.secondFinDir = d;
          this.secondFinAcksFirst = acksPeerFin;
        }
      }
    }
    if (acksPeerFin) {
      if (!fin && this.firstFinDir === p && this.secondFinDir === null) this.finAckedSeparately = true;
      if (this.secondFinDir === p && this.finalAckFrame === null) this.finalAckFrame = frame;
    }
    if (newFin) {
      // a FIN that does not acknowledge the peer's FIN was sent before that FIN arrived: both
      // sides closed at once (simultaneous close), each ends up in CLOSING
      if (s.state === 'CLOSE_WAIT' && !acksPeerFin) this.move(d, 'CLOSING', frame, true);
      else if (s.state === 'CLOSE_WAIT') this.move(d, 'LAST_ACK', frame);
      else if (s.state !== 'LAST_ACK' && s.state !== 'CLOSING' && s.state !== 'TIME_WAIT' && s.state !== 'FIN_WAIT_2') {
        this.move(d, 'FIN_WAIT_1', frame);
      }
    }
    // the receiver: first its own FIN being acknowledged, then the FIN arriving
    if (acksPeerFin) {
      if (peer.state === 'FIN_WAIT_1' && !fin) this.move(p, 'FIN_WAIT_2', frame);
      else if (peer.state === 'CLOSING') this.move(p, 'TIME_WAIT', frame);
      else if (peer.state === 'LAST_ACK') this.move(p, 'CLOSED', frame);
    }
    if (newFin) {
      if (peer.state === 'ESTABLISHED' || peer.state === 'SYN_RCVD') this.move(p, 'CLOSE_WAIT', frame);
      else if (peer.state === 'FIN_WAIT_1') this.move(p, acksPeerFin ? 'TIME_WAIT' : 'CLOSING', frame);
      else if (peer.state === 'FIN_WAIT_2') this.move(p, 'TIME_WAIT', frame);
    }
    // a side in LAST_ACK whose FIN was acked by the peer's FIN segment (simultaneous variants)
    if (fin && acksPeerFin && peer.state === 'LAST_ACK') this.move(p, 'CLOSED', frame);
  }

  // --- Zeek ---------------------------------------------------------------------------------------

  private decideOriginator(e: SegmentEvent): void {
    const f = e.flags;
    const pureSyn = (f & SYN) !== 0 && (f & ACK) === 0;
    if (pureSyn || !this.ports) return;
    const [src, dst] = this.ports;
    if (likelyServerPort(src)) {
      this.flipped = likelyServerPort(dst) ? !(f & SYN) && src < dst : true;
    }
    if (this.flipped) {
      this.originator = (1 - e.dir) as 0 | 1;
      this.history += '^';
    }
  }

  private zeekSide(d: 0 | 1): ZeekEndpoint {
    return this.sides[d].z;
  }

  private letter(d: 0 | 1, code: string): string {
    return d === this.originator ? code : code.toLowerCase();
  }

  /** Adds the letter the first time (per side); returns true when it had been seen already. */
  private checkHistory(d: 0 | 1, mask: number, code: string): boolean {
    const m = d === this.originator ? mask : mask << 16;
    if (this.histSeen & m) return true;
    this.histSeen |= m;
    this.history += this.letter(d, code);
    return false;
  }

  private scaled(d: 0 | 1, code: string, z: ZeekEndpoint, kind: 'rxmt' | 'win0' | 'gap'): void {
    const cnt = kind === 'rxmt' ? ++z.rxmt : kind === 'win0' ? ++z.win0 : ++z.gap;
    const thr = kind === 'rxmt' ? z.rxmtThresh : kind === 'win0' ? z.win0Thresh : z.gapThresh;
    if (cnt !== thr) return;
    this.history += this.letter(d, code);
    const next = thr * 10;
    if (kind === 'rxmt') z.rxmtThresh = next;
    else if (kind === 'win0') z.win0Thresh = next;
    else z.gapThresh = next;
  }

  private zeek(e: SegmentEvent, d: 0 | 1): void {
    const f = e.flags;
    const syn = (f & SYN) !== 0;
    const ackf = (f & ACK) !== 0;
    const fin = (f & FIN) !== 0;
    const rst = (f & RST) !== 0;
    const isOrig = d === this.originator;
    const ep = this.zeekSide(d);
    const peer = this.zeekSide((1 - d) as 0 | 1);
    const len = e.len;
    let segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (rst) segLen -= len;
    const seq = e.seq >>> 0;
    const lastSeq = (seq + segLen) >>> 0;

    // init_endpoint (a partial connection numbers as though a SYN had been seen)
    switch (ep.state) {
      case Z.INACTIVE:
        if (syn) {
          ep.ackSeq = ep.startSeq = seq;
          ep.lastSeq = lastSeq;
        } else {
          ep.ackSeq = ep.startSeq = (seq - 1) >>> 0;
          ep.lastSeq = seq;
        }
        break;
      case Z.SYN_SENT:
      case Z.SYN_ACK_SENT:
      case Z.ESTABLISHED:
      case Z.PARTIAL:
        if (syn && (ep.state === Z.ESTABLISHED || ep.state === Z.PARTIAL || seq !== ep.startSeq)) {
          ep.startSeq = ep.ackSeq = seq;
          ep.lastSeq = (seq + segLen) >>> 0;
        }
        break;
      case Z.RESET:
        if (syn && ep.prev === Z.INACTIVE) {
          ep.startSeq = ep.ackSeq = seq;
          ep.lastSeq = (seq + segLen) >>> 0;
        }
        break;
      default:
        break;
    }
    const relSeq = (seq - ep.startSeq) >>> 0;

    // update_history
    const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) this.checkHistory(d, H_FIN_RST, 'I');
      else this.checkHistory(d, H_MULTI, 'Q');
    } else if (bits === 1) {
      if (syn) {
        const code = ackf ? 'H' : 'S';
        if (this.checkHistory(d, H_SYN, code) && relSeq !== ep.lastSyn) this.history += this.letter(d, code);
        ep.lastSyn = relSeq;
      }
      if (fin) {
        const at = relSeq + len;
        if (this.checkHistory(d, H_FIN, 'F') && at !== ep.lastFin) this.history += this.letter(d, 'F');
        ep.lastFin = at;
      }
      if (rst) {
        if (this.checkHistory(d, H_RST, 'R') && relSeq !== ep.lastRst) this.history += this.letter(d, 'R');
        ep.lastRst = relSeq;
      }
    } else if (len) this.checkHistory(d, H_DATA, 'D');
    else if (ackf) this.checkHistory(d, H_ACK, 'A');

    // update_window: zero windows
    const raw = e.rawWindow ?? e.window;
    if (raw === 0 && !rst && peer.state !== Z.CLOSED && ep.state !== Z.RESET) this.scaled(d, 'W', ep, 'win0');

    if (fin) ep.finCnt++;

    // the peer's ack state
    if (ackf) {
      if (peer.state === Z.INACTIVE) {
        peer.startSeq = peer.ackSeq = peer.lastSeq = (e.ack - 1) >>> 0;
      } else if (!rst && sd(e.ack, peer.ackSeq) > 0) peer.ackSeq = e.ack >>> 0;
    }

    // update_last_seq: retransmissions
    const delta = sd(lastSeq, ep.lastSeq);
    const BIG = 1048576;
    if ((syn || rst) && (delta > BIG || delta < -BIG)) {
      // untrusted jump
    } else if (fin && ep.lastSeq === ((ep.startSeq + 1) >>> 0)) ep.lastSeq = lastSeq;
    else if (ep.state === Z.RESET) {
      // no trust after a reset
    } else if (delta > 0) ep.lastSeq = lastSeq;
    else if (len > 0) this.scaled(d, 'T', ep, 'rxmt');

    // UpdateStateMachine
    switch (ep.state) {
      case Z.INACTIVE: {
        if (syn) {
          if (isOrig) ep.set(ackf ? Z.SYN_ACK_SENT : Z.SYN_SENT);
          else {
            if (!ackf && peer.state === Z.SYN_ACK_SENT && seq === ep.startSeq) peer.set(Z.ESTABLISHED);
            if (peer.state === Z.SYN_SENT) peer.set(Z.ESTABLISHED);
            ep.set(Z.ESTABLISHED);
          }
        }
        if (fin) ep.set(Z.CLOSED);
        if (rst) ep.set(Z.RESET);
        if (ep.state === Z.INACTIVE) {
          const orig = this.zeekSide(this.originator);
          if (!isOrig && len === 0 && orig.state === Z.SYN_SENT) {
            // an ACK of the SYN before the SYN-ACK: not a partial connection yet
          } else if (ackf && peer.state === Z.ESTABLISHED) ep.set(Z.ESTABLISHED);
          else ep.set(Z.PARTIAL);
        }
        break;
      }
      case Z.SYN_SENT:
      case Z.SYN_ACK_SENT:
        if (fin) ep.set(Z.CLOSED);
        if (rst) ep.set(Z.RESET);
        break;
      case Z.ESTABLISHED:
      case Z.PARTIAL:
        if (syn && ep.state === Z.PARTIAL && peer.state === Z.INACTIVE && !ackf) ep.set(Z.SYN_SENT);
        if (fin && !rst) {
          ep.set(Z.CLOSED);
          if (peer.state === Z.RESET && peer.prev === Z.CLOSED) peer.set(Z.CLOSED);
        }
        if (rst) ep.set(Z.RESET);
        break;
      case Z.CLOSED:
        if (rst && peer.state !== Z.CLOSED) ep.set(Z.RESET);
        break;
      default:
        break;
    }
  }

  /** Zeek's endpoint size: sequence space used, without the SYN and FIN octets. */
  private zeekSize(d: 0 | 1): number {
    const z = this.zeekSide(d);
    if (z.state === Z.INACTIVE) return 0;
    const last = sd(z.lastSeq, z.startSeq);
    const ack = sd(z.ackSeq, z.startSeq);
    let size = Math.max(last, ack, 0);
    if (size !== 0) size--;
    if (z.finCnt > 0 && size !== 0) size--;
    return size;
  }

  private connState(): ConnState {
    const o = this.zeekSide(this.originator);
    const r = this.zeekSide((1 - this.originator) as 0 | 1);
    const os = o.state;
    const rs = r.state;
    const oInactive = os === Z.INACTIVE || os === Z.PARTIAL;
    const rInactive = rs === Z.INACTIVE || rs === Z.PARTIAL;
    if (rs === Z.RESET) {
      if (os === Z.SYN_SENT || os === Z.SYN_ACK_SENT || (os === Z.RESET && this.zeekSize(this.originator) === 0 && this.zeekSize((1 - this.originator) as 0 | 1) === 0)) return 'REJ';
      return oInactive ? 'RSTRH' : 'RSTR';
    }
    if (os === Z.RESET) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(this.history) ? 'RSTOS0' : 'OTH';
      return 'RSTO';
    }
    if (rs === Z.CLOSED && os === Z.CLOSED) return 'SF';
    if (os === Z.CLOSED) return rInactive ? 'SH' : 'S2';
    if (rs === Z.CLOSED) return oInactive ? 'SHR' : 'S3';
    if (os === Z.SYN_SENT && rs === Z.INACTIVE) return 'S0';
    if (os === Z.ESTABLISHED && rs === Z.ESTABLISHED) return 'S1';
    return 'OTH';
  }

  // --- zero window ---------------------------------------------------------------------------------

  private zeroWindow(e: SegmentEvent, d: 0 | 1, s: Side, peer: Side): void {
    const f = e.flags;
    if (f & RST) return;
    if (peer.zwOpen && e.analysis & TA.ZERO_WINDOW_PROBE) peer.zwOpen.probes++;
    const raw = e.rawWindow ?? e.window;
    if (raw < 0) return;
    if (raw === 0 && !(f & (SYN | FIN))) {
      if (!s.zwOpen) {
        const ep: ZeroWindowEpisode = { dir: d, startFrame: e.frame, startTime: e.time, endFrame: null, endTime: null, duration: null, probes: 0 };
        s.zwOpen = ep;
        if (this.episodes.length < LIST_CAP) this.episodes.push(ep);
        else this.episodesDropped++;
      }
    } else if (raw > 0 && s.zwOpen) {
      s.zwOpen.endFrame = e.frame;
      s.zwOpen.endTime = e.time;
      s.zwOpen.duration = e.time - s.zwOpen.startTime;
      s.zwOpen = null;
    }
  }

  // --- summary -----------------------------------------------------------------------------------

  /** The facts a flow table row shows, as `summary()` gives them, without building the summary (a
   * SYN scan summarises a connection every few microseconds). */
  brief(): ConnectionBrief {
    const [s0, s1] = this.sides;
    const kind = this.teardownKind();
    const f1 = this.firstFinDir;
    return {
      connState: this.connState(),
      history: this.history,
      handshake: this.handshakeStatus(),
      ended: kind,
      style: this.teardownStyle(),
      endedBy: kind === 'rst' ? this.rstInfo!.dir : f1,
      halfCloseBytes: f1 === null ? 0 : this.sides[1 - f1]!.afterPeerFin,
      irtt: nsOrNull(this.irtt),
      retransmissions: s0.retrans + s1.retrans,
      fastRetransmissions: s0.fast + s1.fast,
      spuriousRetransmissions: s0.spurious + s1.spurious,
      dupAcks: s0.dup + s1.dup,
      zeroWindows: s0.zw + s1.zw,
      payloadAtoB: s0.payload,
      payloadBtoA: s1.payload,
      missedBytes: this.missed,
    };
  }

  summary(): ConnectionSummary {
    const duration = this.endTime - this.startTime;
    const [s0, s1] = this.sides;
    const dir = (s: Side): DirectionSummary => {
      const st = s.cov ? s.cov.stats() : { delivered: 0, gapBytes: 0, duplicateBytes: 0 };
      return {
        packets: s.packets,
        bytes: s.bytes,
        payloadBytes: s.payload,
        uniqueBytes: st.delivered,
        gapBytes: st.gapBytes,
        retransmittedBytes: st.duplicateBytes,
        retransmissions: s.retrans,
        fastRetransmissions: s.fast,
        spuriousRetransmissions: s.spurious,
        outOfOrder: s.ooo,
        lostSegments: s.lost,
        ackedUnseen: s.ackLost,
        dupAcks: s.dup,
        zeroWindows: s.zw,
        zeroWindowProbes: s.zwp,
        keepAlives: s.ka,
        windowFull: s.wfull,
        windowUpdates: s.wupd,
        syn: s.syn,
        fin: s.fin,
        rst: s.rst,
        maxBytesInFlight: s.maxInflight,
        throughput: duration > 0 ? Math.round((st.delivered / duration) * 1000) / 1000 : null,
        rtt: s.rtt ? roundRtt(s.rtt.summary()) : { ...NO_RTT },
        finalState: s.state,
      };
    };
    return {
      originator: this.originator,
      connState: this.connState(),
      history: this.history,
      missedBytes: this.missed,
      firstFrame: this.firstFrame,
      lastFrame: this.lastFrame,
      start: ns(this.startTime),
      end: ns(this.endTime),
      duration: ns(duration),
      handshake: this.handshake(),
      teardown: this.teardown(),
      dirs: [dir(s0), dir(s1)],
      zeroWindowEpisodes: this.episodes.map((x) => ({ ...x, startTime: ns(x.startTime), endTime: nsOrNull(x.endTime), duration: nsOrNull(x.duration) })),
      zeroWindowEpisodesDropped: this.episodesDropped,
      stateLog: this.log.map((x) => ({ ...x })),
      stateLogDropped: this.logDropped,
      lateFrames: this.lateFrames,
    };
  }

  private handshakeStatus(): HandshakeSummary['status'] {
    const [s0, s1] = this.sides;
    if (s0.syns.length + s0.synsDropped > 0 && s1.syns.length + s1.synsDropped > 0) return 'simultaneous';
    if (this.synFrame !== null && this.synAckFrame !== null && this.ackFrame !== null) return 'complete';
    if (this.synFrame !== null || this.synAckFrame !== null) return 'partial';
    return 'missing';
  }

  private handshake(): HandshakeSummary {
    const [s0, s1] = this.sides;
    const status = this.handshakeStatus();
    const c = this.client;
    const syns = c === null ? [] : this.sides[c].syns.map(roundTx);
    const synsDropped = c === null ? 0 : this.sides[c].synsDropped;
    const server = c === null ? null : this.sides[1 - c]!;
    const o0 = s0.offered;
    const o1 = s1.offered;
    const both = o0 !== null && o1 !== null;
    return {
      status,
      client: c,
      synFrame: this.synFrame,
      synAckFrame: this.synAckFrame,
      ackFrame: this.ackFrame,
      irtt: nsOrNull(this.irtt),
      synToSynAck: nsOrNull(this.synToSynAck),
      synAckToAck: nsOrNull(this.synAckToAck),
      syns,
      synsDropped,
      synAcks: server ? server.synAcks.map(roundTx) : [],
      synAcksDropped: server ? server.synAcksDropped : 0,
      offered: [o0 ? { ...o0 } : null, o1 ? { ...o1 } : null],
      negotiated: {
        windowScaling: both ? o0.wscale !== null && o1.wscale !== null : null,
        wscale: both && o0.wscale !== null && o1.wscale !== null ? [Math.min(o0.wscale, 14), Math.min(o1.wscale, 14)] : null,
        sack: both ? o0.sackPerm && o1.sackPerm : null,
        timestamps: both ? o0.timestamps && o1.timestamps : null,
        mss: [o0?.mss ?? null, o1?.mss ?? null],
      },
    };
  }

  private teardownStyle(): TeardownSummary['style'] {
    if (this.firstFinDir === null || this.secondFinDir === null) return null;
    if (!this.secondFinAcksFirst) return 'simultaneous';
    return this.finAckedSeparately ? 'four-way' : 'combined';
  }

  private teardownKind(): TeardownSummary['kind'] {
    const f1 = this.firstFinDir;
    const f2 = this.secondFinDir;
    const rst = this.rstInfo;
    if (rst && f1 !== null && f2 !== null && rst.frame > this.sides[f2].finFrame) return 'fin+rst';
    if (rst) return 'rst';
    if (f1 !== null && f2 !== null) return 'fin';
    if (f1 !== null) return 'half-closed';
    return 'open';
  }

  private teardown(): TeardownSummary {
    const f1 = this.firstFinDir;
    const f2 = this.secondFinDir;
    const fin = (d: 0 | 1 | null) => (d === null ? null : { dir: d, frame: this.sides[d].finFrame, time: ns(this.sides[d].finTime) });
    const style = this.teardownStyle();
    let halfClose: TeardownSummary['halfClose'] = null;
    if (f1 !== null) {
      const other = (1 - f1) as 0 | 1;
      const o = this.sides[other];
      if (o.afterPeerFin > 0) {
        const until = f2 !== null ? this.sides[f2].finTime : this.rstInfo ? this.rstInfo.time : this.endTime;
        halfClose = { dir: other, bytes: o.afterPeerFin, duration: ns(until - this.sides[f1].finTime) };
      }
    }
    const rst = this.rstInfo ? { ...this.rstInfo, time: ns(this.rstInfo.time), bytesBefore: [this.rstInfo.bytesBefore[0], this.rstInfo.bytesBefore[1]] as [number, number] } : null;
    return {
      kind: this.teardownKind(),
      style,
      activeCloser: f1,
      firstFin: fin(f1),
      secondFin: fin(f2),
      finalAckFrame: this.finalAckFrame,
      halfClose,
      rst,
      openAtEnd: !this.closed,
    };
  }
}
storeAsDoubles(new ConnectionTracker(), ['startTime', 'endTime', 'mruSyn', 'synAckTime', 'ackTime', 'lastSynTime', 'lastSynAckTime']);
