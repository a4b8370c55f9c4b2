/**
 * Per-conversation TCP analysis state (Wireshark's `tcp_analysis` / `tcp_flow_t`), shared by the
 * per-packet analysis (analyze.ts), the analyzer (index.ts) and the modules built on top of it
 * (reassembly, connection state, flow summaries).
 *
 * Numbers:
 * - sequence and acknowledgment numbers are raw unsigned 32-bit values (0..2^32-1) compared
 *   with the modular `*_SEQ` helpers below; 0 in `nextSeq`, `maxSeqToBeAcked` and `lastAck`
 *   means "unset", exactly as in Wireshark (see TCP-ANALYSIS.md §7.2);
 * - times are nanoseconds since the conversation's `baseSec` (the second of its first packet),
 *   in doubles: exact for conversations spanning up to ~104 days, whatever the absolute dates in
 *   the capture. `conv.zero` is the absolute epoch 0 in that base, used where Wireshark keeps an
 *   unset `nstime` (differences against it are huge, as in Wireshark).
 */
import { storeAsDoubles } from '../../decoders/core/doubles.js';

/** Wireshark's TCP_MAX_UNACKED_SEGMENTS. */
export const MAX_UNACKED_SEGMENTS = 10000;

export const gtSeq = (x: number, y: number): boolean => ((y - x) | 0) < 0;
export const ltSeq = (x: number, y: number): boolean => ((x - y) | 0) < 0;
export const geSeq = (x: number, y: number): boolean => ((y - x) | 0) <= 0;
export const leSeq = (x: number, y: number): boolean => ((x - y) | 0) <= 0;

/**
 * The unacknowledged segments of one direction (Wireshark's `tcp_unacked_t` list), oldest first,
 * packed in one Float64Array (frame, seq, nextseq, time per entry: one cache line holds two
 * entries). Bounded by MAX_UNACKED_SEGMENTS; ACK processing walks newest to oldest like
 * Wireshark's list and compacts in place.
 *
 * The usual list is in stream order (see `ordered`): then an ACK only removes a prefix and the
 * bytes in flight are known without a scan, so a window of hundreds of segments costs nothing per
 * packet. Any other list takes Wireshark's full walks, with the same results.
 */
const EMPTY = new Float64Array(0);

/** Linear extents below this stay exact in modular 32-bit arithmetic (see `ordered`). */
const ORDER_LIMIT = 2 ** 30;
const TWO_32 = 2 ** 32;
const TWO_31 = 2 ** 31;

export class SegmentList {
  /** Entry i is buf[4i .. 4i+3]: frame, seq, nextseq, time (ns). */
  buf: Float64Array;
  /** Live entries are [head, tail). */
  head = 0;
  tail = 0;
  /** The entries follow each other in sequence space (each non-empty, each starting at or after
   * the previous one's nextseq) and span `extent` bytes from the oldest seq to the newest
   * nextseq, less than ORDER_LIMIT: modular comparisons among them are then linear. Cleared by a
   * retransmission or reordering; recomputed after every full ACK walk. */
  private ordered = true;
  private extent = 0;
  /** `inFlight` of an unordered list: the lowest relative seq and highest relative nextseq
   * against `spanBase`, kept up by `push` until an ACK changes the list. */
  private spanValid = false;
  private spanBase = 0;
  private spanFirst = 0;
  private spanLast = 0;

  /** The buffer is allocated with the first segment (pure-ACK flows never need one). */
  constructor(capacity = 0) {
    this.buf = capacity > 0 ? new Float64Array(capacity * 4) : EMPTY;
  }

  get count(): number {
    return this.tail - this.head;
  }

  frame(i: number): number {
    return this.buf[4 * i]!;
  }
  seq(i: number): number {
    return this.buf[4 * i + 1]!;
  }
  next(i: number): number {
    return this.buf[4 * i + 2]!;
  }
  time(i: number): number {
    return this.buf[4 * i + 3]!;
  }

  push(frame: number, seq: number, next: number, ts: number): void {
    this.extend(seq, next);
    if (this.spanValid) {
      const s = (seq - this.spanBase) >>> 0;
      const n = (next - this.spanBase) >>> 0;
      if (s < this.spanFirst) this.spanFirst = s;
      if (n > this.spanLast) this.spanLast = n;
    }
    if (this.tail * 4 === this.buf.length) this.makeRoom();
    const o = 4 * this.tail++;
    const b = this.buf;
    b[o] = frame;
    b[o + 1] = seq;
    b[o + 2] = next;
    b[o + 3] = ts;
  }

  /** Keeps `ordered` and `extent` for a new newest entry [seq, next). */
  private extend(seq: number, next: number): void {
    const len = (next - seq) >>> 0;
    if (this.tail === this.head) {
      this.ordered = len > 0 && len < ORDER_LIMIT;
      this.extent = len;
      return;
    }
    if (!this.ordered) return;
    const gap = (seq - this.buf[4 * this.tail - 2]!) >>> 0;
    const extent = this.extent + gap + len;
    if (len > 0 && extent < ORDER_LIMIT) this.extent = extent;
    else this.ordered = false;
  }

  private makeRoom(): void {
    const n = this.count;
    if (this.head > 0 && n * 8 <= this.buf.length) {
      this.buf.copyWithin(0, 4 * this.head, 4 * this.tail);
    } else {
      // The first holds two entries: 64 bytes, which V8 keeps in its own heap, so a SYN scan's
      // segments cost no buffer outside it. Then from 16 entries (a typed array outside the heap
      // costs a microsecond to make, and data flows need dozens).
      const b = new Float64Array(this.buf.length === 0 ? 8 : Math.max(64, this.buf.length * 2));
      b.set(this.buf.subarray(4 * this.head, 4 * this.tail));
      this.buf = b;
    }
    this.head = 0;
    this.tail = n;
  }

  /**
   * Applies an acknowledgment number, newest to oldest: an exact match on a segment's end
   * records it (the oldest match wins: `matchOut` = [frame, time]) and removes it; an ack inside
   * a segment trims its start; segments ending after the ack stay; older ones are removed.
   * Returns whether a segment matched exactly. (The number comes in an object with a double field,
   * such as the analysis' SegmentFacts: as an argument it would be boxed, a heap number a segment.)
   */
  ack(by: { readonly ack: number }, matchOut: Float64Array): boolean {
    const ack = by.ack;
    this.spanValid = false;
    // ordered, and the ack within 2^31 of every entry: the walk's result is a prefix removal
    if (this.ordered && ((this.buf[4 * this.head + 1]! - ack) | 0) + this.extent < TWO_31) return this.ackPrefix(ack, matchOut);
    let matched = false;
    const b = this.buf;
    let w = this.tail;
    for (let i = this.tail - 1; i >= this.head; i--) {
      const o = 4 * i;
      const nx = b[o + 2]!;
      let keep: boolean;
      if (ack === nx) {
        matched = true;
        matchOut[0] = b[o]!;
        matchOut[1] = b[o + 3]!;
        keep = false;
      } else if (gtSeq(ack, b[o + 1]!) && leSeq(ack, nx)) {
        b[o + 1] = ack;
        keep = true;
      } else {
        keep = gtSeq(nx, ack);
      }
      if (keep) {
        w--;
        if (w !== i) b.copyWithin(4 * w, o, o + 4);
      }
    }
    this.head = w;
    if (this.head === this.tail) this.head = this.tail = 0;
    this.reorder();
    return matched;
  }

  /** `ack` on an ordered list whose entries lie within 2^31 of the ack: the segments ending at or
   * before it are the oldest ones (at most one ends exactly there), the next one may be trimmed. */
  private ackPrefix(ack: number, matchOut: Float64Array): boolean {
    const b = this.buf;
    const tail = this.tail;
    let matched = false;
    let i = this.head;
    for (; i < tail; i++) {
      const o = 4 * i;
      const d = (b[o + 2]! - ack) | 0;
      if (d > 0) break;
      if (d === 0) {
        matched = true;
        matchOut[0] = b[o]!;
        matchOut[1] = b[o + 3]!;
      }
    }
    if (i === tail) {
      this.head = this.tail = 0;
      this.extent = 0;
      return matched;
    }
    if (((b[4 * i + 1]! - ack) | 0) < 0) b[4 * i + 1] = ack;
    this.head = i;
    this.extent = (b[4 * tail - 2]! - b[4 * i + 1]!) >>> 0;
    return matched;
  }

  /** Recomputes `ordered` and `extent` from the entries. */
  private reorder(): void {
    this.ordered = true;
    this.extent = 0;
    if (this.head === this.tail) return;
    const b = this.buf;
    let extent = 0;
    let prevNext = b[4 * this.head + 1]!;
    for (let o = 4 * this.head, e = 4 * this.tail; o < e; o += 4) {
      const len = (b[o + 2]! - b[o + 1]!) >>> 0;
      extent += ((b[o + 1]! - prevNext) >>> 0) + len;
      if (len === 0 || extent >= ORDER_LIMIT) {
        this.ordered = false;
        return;
      }
      prevNext = b[o + 2]!;
    }
    this.extent = extent;
  }

  /**
   * Wireshark's sequence-based bytes in flight (4.0's scan of the unacked list): the highest
   * nextseq minus the lowest seq, both taken relative to `base` as unsigned 32-bit numbers; -1
   * when the list is empty.
   */
  inFlight(base: number): number {
    if (this.tail === this.head) return -1;
    const b = this.buf;
    if (this.ordered) {
      // relative numbers do not wrap inside the list: the oldest seq is the lowest, the newest
      // nextseq the highest
      const first = (b[4 * this.head + 1]! - base) >>> 0;
      if (first + this.extent < TWO_32) return this.extent;
    }
    if (this.spanValid && this.spanBase === base) return (this.spanLast - this.spanFirst) >>> 0;
    // Wireshark starts from the newest segment, then scans all (relative, unsigned).
    const newest = 4 * (this.tail - 1);
    let first = (b[newest + 1]! - base) >>> 0;
    let last = (b[newest + 2]! - base) >>> 0;
    for (let o = 4 * this.head, e = 4 * this.tail; o < e; o += 4) {
      const n = (b[o + 2]! - base) >>> 0;
      const s = (b[o + 1]! - base) >>> 0;
      if (n > last) last = n;
      if (s < first) first = s;
    }
    this.spanValid = true;
    this.spanBase = base;
    this.spanFirst = first;
    this.spanLast = last;
    return (last - first) >>> 0;
  }

  clear(): void {
    this.spanValid = false;
    this.head = this.tail = 0;
    this.ordered = true;
    this.extent = 0;
  }
}
storeAsDoubles(new SegmentList(), ['spanBase']);

/** One direction of a conversation (Wireshark's `tcp_flow_t` + `tcp_analyze_seq_flow_info_t`). */
export class TcpFlow {
  /** ISN (SYN seen) or first seq - 1; only used for relative numbers. */
  baseSeq = 0;
  baseSeqSet = false;
  /** -1 unknown, -2 no scaling, 0..14 shift. */
  winScale = -1;
  /** Last raw 16-bit window (0xFFFFFFFF before the first packet). */
  window = 0xffffffff;
  isFirstAck = false;
  validBif = true;
  pushBytesSent = 0;
  pushSetLast = false;
  /** TCP_A_* flags of this flow's previous packet. */
  lastSegmentFlags = 0;
  /** Highest seq+len(+SYN/FIN) seen; 0 = unset. */
  nextSeq = 0;
  nextSeqFrame = 0;
  nextSeqTime = 0;
  /** Highest contiguous next sequence number; 0 = unset. */
  maxSeqToBeAcked = 0;
  /** Ack field and time of this flow's last packet; 0 = unset. */
  lastAck = 0;
  lastAckTime = 0;
  /** Last frame of this flow whose ack field changed. */
  lastNonDupAck = 0;
  /** Duplicate-ACK counter; -1 marks "ACKed unseen already reported". */
  dupAckNum = 0;
  readonly segments = new SegmentList();
  /** SACK blocks of this flow's latest packet, raw (left,right), at most 3 (`sack` is allocated
   * with the first SACK option). */
  sackCount = 0;
  sack: Float64Array | null = null;
  /** This side sent the first FIN. */
  closingInitiator = false;

  constructor(zeroTime: number) {
    this.nextSeqTime = zeroTime;
    this.lastAckTime = zeroTime;
  }
}
storeAsDoubles(new TcpFlow(0), ['baseSeq', 'nextSeq', 'nextSeqTime', 'maxSeqToBeAcked', 'lastAck', 'lastAckTime']);

/** Conversation completeness bits (`tcp.completeness`). */
export const COMPLETENESS = { SYN: 1, SYNACK: 2, ACK: 4, DATA: 8, FIN: 16, RST: 32 } as const;

/**
 * One TCP conversation (Wireshark's `tcp_analysis`): both directions of one 4-tuple, from its
 * first packet (or from a SYN that reuses the ports with a new ISN) onwards.
 *
 * `flow1` carries the packets sent by endpoint A (`addrA:portA`), the endpoint Wireshark's
 * `cmp_address` orders first (the greater address; on equal addresses the greater port).
 */
export class TcpConversation {
  readonly flow1: TcpFlow;
  readonly flow2: TcpFlow;
  /** Time base: the second of the first packet; `zero` is the epoch in this base. */
  readonly baseSec: number;
  readonly zero: number;
  /** Time of the first packet and of the latest one (ns since `baseSec`). */
  tsFirst: number;
  tsPrev: number;
  /** Most recent SYN without ACK (ns), `mruSynSet` false when none (or stamped exactly at epoch 0). */
  tsMruSyn = 0;
  mruSynSet = false;
  /** iRTT in ns; 0 = unknown. */
  firstRtt = 0;
  completeness = 0;
  serverPort = 0;
  tfoSynData = false;
  /** Accurate ECN seen: handshake halves, or an AccECN option. */
  accEcnSyn = false;
  accEcnSynAck = false;
  accEcnOption = false;
  /** Frames seen (all packets of the conversation, quoted ICMP ones included). */
  packets = 0;
  firstFrame: number;
  lastFrame: number;
  /**
   * Free slot for modules built on the analysis (reassembly, connection state machine, flow
   * summaries): they keep their per-conversation state here, under their own key.
   */
  ext: Record<string, unknown> | undefined = undefined;

  /** A frame time in this conversation's base (ns). */
  time(sec: number, nsec: number): number {
    return (sec - this.baseSec) * 1e9 + nsec;
  }

  constructor(
    /** `tcp.stream`. */
    readonly stream: number,
    /** Table entry of the 4-tuple (see table.ts); -1 when not in a table. */
    readonly entry: number,
    /** Frame time of the first packet. */
    sec: number,
    nsec: number,
    frame: number,
  ) {
    this.baseSec = sec;
    this.zero = -sec * 1e9;
    this.flow1 = new TcpFlow(this.zero);
    this.flow2 = new TcpFlow(this.zero);
    this.tsFirst = nsec;
    this.tsPrev = nsec;
    this.firstFrame = frame;
    this.lastFrame = frame;
  }
}
storeAsDoubles(new TcpConversation(0, -1, 0, 0, 0), ['tsFirst', 'tsPrev', 'tsMruSyn', 'firstRtt']);
