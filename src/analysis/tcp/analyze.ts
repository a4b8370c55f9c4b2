/**
 * Wireshark 4.0.17's `tcp_analyze_sequence_number`, condition by condition
 * (/work/shared/TCP-ANALYSIS.md §2). Single pass, in file order.
 */
import { TCP_A, TH_ACK, TH_FIN, TH_PUSH, TH_RST, TH_SYN, type TcpPacketAnalysis } from '../../decoders/tcp.js';
import { storeAsDoubles } from '../../decoders/core/doubles.js';
import { MAX_UNACKED_SEGMENTS, gtSeq, leSeq, ltSeq, type TcpConversation, type TcpFlow } from './state.js';

/** Analysis preferences (tshark defaults). */
export interface TcpAnalysisPrefs {
  /** `tcp.fastrt_supersedes_ooo` (TRUE). */
  fastRtSupersedesOoo: boolean;
  /** `tcp.track_bytes_in_flight` (TRUE). */
  trackBytesInFlight: boolean;
  /** `tcp.bif_seq_based` (FALSE). */
  bifSeqBased: boolean;
}

export const DEFAULT_PREFS: TcpAnalysisPrefs = { fastRtSupersedesOoo: true, trackBytesInFlight: true, bifSeqBased: false };

const SFR = TH_SYN | TH_FIN | TH_RST;
const FAST_RT_WINDOW_NS = 20e6;
const OOO_DEFAULT_NS = 3e6;

/** Wireshark compares these times as unsigned 64-bit nanoseconds: a negative delta is huge. */
const below = (delta: number, limit: number): boolean => delta >= 0 && delta < limit;

const match = new Float64Array(2);

/** One segment as `analyzeSequence` reads it: `now` is the frame time in ns since `conv.baseSec`,
 * `seq` and `ack` the raw numbers, `window` the raw field. One object is refilled for every
 * segment: numbers handed as arguments to a function that is not inlined are boxed (three heap
 * numbers a segment, a fifth of what the analysis allocated). */
export interface SegmentFacts {
  frame: number;
  now: number;
  seq: number;
  ack: number;
  seglen: number;
  flags: number;
  window: number;
}

export function newSegmentFacts(): SegmentFacts {
  return storeAsDoubles({ frame: 0, now: 0, seq: 0, ack: 0, seglen: 0, flags: 0, window: 0 }, ['now', 'seq', 'ack']);
}

/**
 * Analyses one segment `s` of `conv` sent on `fwd` (the peer's flow is `rev`) and writes the
 * results into `a` (`hasTa` set as soon as Wireshark would create its `tcp_acked` record).
 */
export function analyzeSequence(conv: TcpConversation, fwd: TcpFlow, rev: TcpFlow, a: TcpPacketAnalysis, s: SegmentFacts, prefs: TcpAnalysisPrefs): void {
  const frame = s.frame;
  const now = s.now;
  const seq = s.seq;
  const ack = s.ack;
  const seglen = s.seglen;
  const flags = s.flags;
  const window = s.window;
  // Base sequence numbers for the relative display.
  if (!fwd.baseSeqSet) {
    fwd.baseSeq = flags & TH_SYN ? seq : (seq - 1) >>> 0;
    fwd.baseSeqSet = true;
  }
  if (!rev.baseSeqSet && flags & TH_ACK) {
    rev.baseSeq = (ack - 1) >>> 0;
    rev.baseSeqSet = true;
  }
  if (flags & TH_ACK) rev.validBif = true;

  const sfr = flags & SFR;
  let f = 0;
  finishedFwd: {
    // 1 ZERO WINDOW PROBE
    if (seglen === 1 && seq === fwd.nextSeq && rev.window === 0) {
      f |= TCP_A.ZERO_WINDOW_PROBE;
      a.hasTa = true;
      break finishedFwd;
    }
    // 2 ZERO WINDOW
    if (window === 0 && sfr === 0) {
      f |= TCP_A.ZERO_WINDOW;
      a.hasTa = true;
    }
    // 3 LOST SEGMENT
    if (fwd.nextSeq !== 0 && gtSeq(seq, fwd.nextSeq) && !(flags & TH_RST)) {
      f |= TCP_A.LOST_PACKET;
      a.hasTa = true;
      fwd.validBif = false;
    }
    // 4 KEEP-ALIVE (an unset nextseq wraps to 0xFFFFFFFF)
    if ((seglen === 0 || seglen === 1) && seq === (fwd.nextSeq - 1) >>> 0 && sfr === 0) {
      f |= TCP_A.KEEP_ALIVE;
      a.hasTa = true;
    }
    // 5 WINDOW UPDATE
    if (seglen === 0 && window !== 0 && window !== fwd.window && seq === fwd.nextSeq && ack === fwd.lastAck && sfr === 0) {
      f |= TCP_A.WINDOW_UPDATE;
      a.hasTa = true;
    }
    // 6 WINDOW FULL (32-bit arithmetic, exact equality)
    if (seglen > 0 && rev.winScale !== -1 && sfr === 0) {
      const shift = rev.isFirstAck ? 0 : rev.winScale === -2 ? 0 : rev.winScale;
      if ((seq + seglen) >>> 0 === (rev.lastAck + ((rev.window << shift) >>> 0)) >>> 0) {
        f |= TCP_A.WINDOW_FULL;
        a.hasTa = true;
      }
    }
    const sameAck = seglen === 0 && seq === fwd.nextSeq && ack === fwd.lastAck && sfr === 0;
    // 7 KEEP-ALIVE ACK
    if (sameAck && window !== 0 && window === fwd.window && rev.lastSegmentFlags & TCP_A.KEEP_ALIVE) {
      f |= TCP_A.KEEP_ALIVE_ACK;
      a.hasTa = true;
      break finishedFwd;
    }
    // 8 ZERO WINDOW PROBE ACK
    if (sameAck && window === 0 && fwd.window === 0 && rev.lastSegmentFlags & TCP_A.ZERO_WINDOW_PROBE) {
      f |= TCP_A.ZERO_WINDOW_PROBE_ACK;
      a.hasTa = true;
      break finishedFwd;
    }
    // 9 DUPLICATE ACK
    if (sameAck && window !== 0 && window === fwd.window) {
      fwd.dupAckNum = fwd.dupAckNum === -1 ? 1 : fwd.dupAckNum + 1;
      f |= TCP_A.DUPLICATE_ACK;
      a.hasTa = true;
      a.dupAckNum = fwd.dupAckNum;
      a.dupAckFrame = fwd.lastNonDupAck;
    }
  }
  // FINISHED_FWD
  if (ack !== fwd.lastAck) {
    fwd.lastNonDupAck = frame;
    fwd.dupAckNum = 0;
  }
  // 10 ACKED UNSEEN SEGMENT
  if (rev.maxSeqToBeAcked !== 0 && gtSeq(ack, rev.maxSeqToBeAcked) && flags & TH_ACK) {
    a.hasTa = true;
    if (ltSeq(rev.maxSeqToBeAcked, rev.nextSeq)) {
      rev.maxSeqToBeAcked = rev.nextSeq;
      f |= TCP_A.ACK_LOST_PACKET;
    } else {
      if (rev.dupAckNum === 0) f |= TCP_A.ACK_LOST_PACKET;
      rev.dupAckNum = -1;
    }
  }
  // 11 RETRANSMISSION FAMILY
  if (seglen > 0 || flags & (TH_SYN | TH_FIN)) {
    retrans: {
      let notAdv = fwd.nextSeq !== 0 && ltSeq(seq, fwd.nextSeq);
      if (f & TCP_A.KEEP_ALIVE) break retrans;
      // A follow-up to a zero-window probe adds data: not a retransmission.
      if (seglen > 1 && (fwd.nextSeq - 1) >>> 0 === seq) notAdv = false;
      if (seglen > 0 && rev.lastAck !== 0 && leSeq((seq + seglen) >>> 0, rev.lastAck)) {
        f |= TCP_A.SPURIOUS_RETRANSMISSION;
        a.hasTa = true;
        break retrans;
      }
      // dupacknum is compared unsigned: the -1 "ACKed unseen reported" marker counts as many dup
      // ACKs (tshark 4.0.17, verified on zeek__reassembly frames 8-12).
      const fastFirst = prefs.fastRtSupersedesOoo;
      for (let k = 0; k < 2; k++) {
        const fast = (k === 0) === fastFirst;
        if (fast) {
          if (notAdv && (rev.dupAckNum >>> 0) >= 2 && rev.lastAck === seq && below(now - rev.lastAckTime, FAST_RT_WINDOW_NS)) {
            f |= TCP_A.FAST_RETRANSMISSION;
            a.hasTa = true;
            break retrans;
          }
        } else {
          let thr = conv.firstRtt === 0 ? OOO_DEFAULT_NS : conv.firstRtt;
          if (thr < 0) thr = Infinity; // a negative iRTT is a huge unsigned threshold
          const nxt = (seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0)) >>> 0;
          if (notAdv && below(now - fwd.nextSeqTime, thr) && fwd.nextSeq !== nxt) {
            f |= TCP_A.OUT_OF_ORDER;
            a.hasTa = true;
            break retrans;
          }
        }
      }
      if (notAdv) {
        f |= TCP_A.RETRANSMISSION;
        a.hasTa = true;
        const segs = fwd.segments;
        if (segs.count > 0) {
          // 4.0.x: the oldest unacked segment, whatever its sequence number.
          a.rto = (now - segs.time(segs.head)) / 1e9;
          a.rtoFrame = segs.frame(segs.head);
        } else {
          a.rto = (now - fwd.nextSeqTime) / 1e9;
          a.rtoFrame = fwd.nextSeqFrame;
        }
      }
    }
  }
  // 12 STATE UPDATES
  // The SYN/FIN byte is only counted when the segment enters the unacked list (Wireshark bug
  // #12579: a FIN beyond the 10000-segment cap does not advance nextseq).
  let nextseq = (seq + seglen) >>> 0;
  if ((seglen > 0 || flags & (TH_SYN | TH_FIN)) && fwd.segments.count < MAX_UNACKED_SEGMENTS) {
    if (flags & (TH_SYN | TH_FIN)) nextseq = (nextseq + 1) >>> 0;
    fwd.segments.push(frame, seq, nextseq, now);
  }
  const zwp = (f & TCP_A.ZERO_WINDOW_PROBE) !== 0;
  if ((gtSeq(nextseq, fwd.nextSeq) || fwd.nextSeq === 0) && !zwp) {
    fwd.nextSeq = nextseq;
    fwd.nextSeqFrame = frame;
    fwd.nextSeqTime = now;
  }
  if ((seq === fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked === 0) && !zwp) fwd.maxSeqToBeAcked = fwd.nextSeq;
  fwd.window = window;
  fwd.lastAck = ack;
  fwd.lastAckTime = now;
  fwd.lastSegmentFlags = a.hasTa ? a.flags | f : 0;

  // 13 ACK MATCHING against the peer's unacked segments (the raw ack field, whatever the flags)
  if (rev.segments.count > 0 && rev.segments.ack(s, match)) {
    a.hasTa = true;
    a.acksFrame = match[0]!;
    a.ackRtt = (now - match[1]!) / 1e9;
  }

  // 14 BYTES IN FLIGHT and PUSH BYTES
  if (prefs.trackBytesInFlight && seglen !== 0 && fwd.validBif) {
    let inFlight = prefs.bifSeqBased ? (fwd.nextSeq - rev.lastAck) >>> 0 : fwd.segments.inFlight(fwd.baseSeq);
    if (inFlight >= 0) {
      let delivered = 0;
      const sack = rev.sack;
      if (sack) for (let i = 0; i < rev.sackCount; i++) delivered = (delivered + (sack[2 * i + 1]! - sack[2 * i]!)) >>> 0;
      inFlight = (inFlight - delivered) >>> 0;
      if (inFlight > 0 && inFlight < 2000000000) {
        a.hasTa = true;
        a.bytesInFlight = flags & (TH_SYN | TH_FIN) ? (inFlight - 1) >>> 0 : inFlight;
      }
      const psh = (flags & TH_PUSH) !== 0;
      if (fwd.pushSetLast) fwd.pushBytesSent = seglen;
      else fwd.pushBytesSent = (fwd.pushBytesSent + seglen) >>> 0;
      fwd.pushSetLast = psh;
      a.hasTa = true;
      a.pushBytesSent = fwd.pushBytesSent;
    }
  }
  a.flags |= f;
}
