/**
 * TCP byte-stream reassembly, one direction at a time, fed by plain segment events (no decoder
 * or analyser internals), plus a desegmenter for application PDUs that span segments.
 *
 * Positions are `seqOffset`s: byte offsets from the stream origin (the byte after the SYN, or the
 * first byte seen for a stream picked up mid-way). They are plain numbers, so a stream longer
 * than 4 GiB keeps counting; raw sequence numbers are mapped to offsets with a signed 32-bit
 * distance from the next expected byte (sequence wrap-around at 2^32 is therefore invisible).
 *
 * Rules:
 * - in-order bytes are delivered at once (as views of the caller's payload, no copy);
 * - bytes already delivered (retransmissions) are taken once: the first copy wins, and a later
 *   copy that differs is reported as a conflict (offset, length, first and later frame) when the
 *   earlier bytes are still in the comparison window;
 * - segments beyond the next expected byte are held (copied) until the gap fills;
 * - a gap (bytes never captured) is declared when the peer acknowledges past the hole and
 *   something later is already known (held data or the FIN), when the held data exceeds the
 *   bound (`maxBuffered` bytes or `maxSegments` segments; reason `overflow`), or at `finish()`;
 * - SYN and FIN each take one sequence number; payload cut by the snaplen becomes a `snaplen` gap;
 * - RST segments carry no stream data (their payload is a diagnostic, not part of the stream).
 */
import { objectList, storeAsDoubles } from '../../decoders/core/doubles.js';

/** TCP flag bits as in the header. */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
export const ECE = 0x40;
export const CWR = 0x80;

/** The part of a segment the reassembler needs (a subset of `SegmentEvent`). */
export interface SegmentInput {
  frame: number;
  seq: number;
  flags: number;
  /** Sequence space taken by the payload (the IP-reported length, not the captured one). */
  len: number;
  /** Captured payload bytes (may be shorter than `len` when the snaplen cut the frame); null for
   * a reassembler that keeps no bytes (`keepBytes: false`), which then reads `captured`. */
  payload: Uint8Array | null;
  /** How many payload bytes were captured when `payload` is null. */
  captured?: number;
  /** A keep-alive (its one garbage byte repeats an old sequence number): ignored. */
  keepAlive?: boolean;
}

export type GapReason = 'lost' | 'snaplen' | 'overflow';

export interface DataChunk {
  frame: number;
  seqOffset: number;
  length: number;
  /** The bytes (null when the reassembler only tracks coverage, `keepBytes: false`). */
  bytes: Uint8Array | null;
}

export interface GapChunk {
  /** The frame whose arrival (or ACK) revealed the gap; for `finish()` the last frame seen. */
  frame: number;
  seqOffset: number;
  gapLen: number;
  reason: GapReason;
}

export type Chunk = DataChunk | GapChunk;

export function isGap(c: Chunk): c is GapChunk {
  return (c as GapChunk).gapLen !== undefined;
}

export interface Conflict {
  seqOffset: number;
  length: number;
  /** Frame of the copy that was kept (-1 when no longer known). */
  firstFrame: number;
  /** Frame of the differing copy. */
  frame: number;
}

export interface ReassemblyOptions {
  /** Bytes held out of order before a gap is declared (default 4 MiB). */
  maxBuffered?: number;
  /** Segments held out of order before a gap is declared (default 4096). */
  maxSegments?: number;
  /** Keep payload bytes (default true). False tracks coverage only: gaps, retransmitted bytes. */
  keepBytes?: boolean;
  /** Bytes of delivered history kept to compare retransmitted copies (default 65536; 0 = off). */
  conflictWindow?: number;
  /** Conflicts listed in `stats().conflicts` (default 32; the count goes on). */
  maxConflicts?: number;
  /** Declare a gap as soon as the peer acknowledges bytes not seen (Zeek's rule), instead of
   * waiting for later data or the FIN to bound the hole (default false: an ACK captured before
   * the data it acknowledges then costs nothing). */
  eagerGaps?: boolean;
  /** Report gaps only: no chunk is built for delivered data (coverage tracking, which needs
   * `stats()` and the gaps; default false). */
  gapsOnly?: boolean;
}

export interface ReassemblyStats {
  /** Bytes delivered as data. */
  delivered: number;
  /** Bytes delivered as gaps, and how many gaps. */
  gapBytes: number;
  gaps: number;
  /** Gaps forced by the buffering bound, and their bytes. */
  overflowGaps: number;
  overflowBytes: number;
  /** Payload bytes received again after a first copy (retransmissions, overlaps). */
  duplicateBytes: number;
  /** Payload bytes that lay before the stream origin (retransmissions of bytes before capture start). */
  beforeOrigin: number;
  /** Segments ignored because they lay absurdly far ahead (> 1 GiB). */
  outOfWindow: number;
  /** Largest number of bytes held out of order at once. */
  maxHeld: number;
  conflictCount: number;
  conflicts: Conflict[];
  /** Offset of the FIN (end of stream), when seen. */
  finOffset: number | null;
  /** True once every byte up to the FIN was delivered (data or gaps). */
  complete: boolean;
}

interface Held {
  start: number;
  end: number;
  frame: number;
  /** Copied bytes (data), or null for a snaplen hole or coverage-only mode. */
  bytes: Uint8Array | null;
  /** A `snaplen` hole: bytes the sender sent but the capture cut; a later real copy replaces it. */
  cut: boolean;
}

const FAR_AHEAD = 1 << 30;

/** Signed distance a - b in 32-bit sequence space. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Reassembles one direction of a TCP connection. */
export class DirectionReassembler {
  private readonly maxBuffered: number;
  private readonly maxSegments: number;
  private readonly keepBytes: boolean;
  private readonly window: number;
  private readonly maxConflicts: number;
  private readonly eager: boolean;
  private readonly gapsOnly: boolean;

  private hasOrigin = false;
  /** Raw sequence number of offset 0. */
  private origin = 0;
  /** Next expected offset; everything before it was delivered (as data or gap). */
  private next = 0;
  private held: Held[] = objectList();
  private heldBytes = 0;
  /** Highest offset the peer acknowledged (exclusive end), -1 when none. */
  private acked = -1;
  private finAt: number | null = null;
  private lastFrame = 0;

  // history of delivered bytes for conflict checks: a ring indexed by offset % window
  private ring: Uint8Array | null = null;
  /** Delivered bytes in [ringFrom, next) are in the ring (after the last gap). */
  private ringFrom = 0;
  /** Recent delivered runs (start, end, frame), oldest first, for conflict attribution. */
  private runs: { start: number; end: number; frame: number }[] = objectList();

  private readonly st: ReassemblyStats = {
    delivered: 0,
    gapBytes: 0,
    gaps: 0,
    overflowGaps: 0,
    overflowBytes: 0,
    duplicateBytes: 0,
    beforeOrigin: 0,
    outOfWindow: 0,
    maxHeld: 0,
    conflictCount: 0,
    conflicts: [],
    finOffset: null,
    complete: false,
  };

  constructor(opts: ReassemblyOptions = {}) {
    this.maxBuffered = opts.maxBuffered ?? 4 * 1024 * 1024;
    this.maxSegments = opts.maxSegments ?? 4096;
    this.keepBytes = opts.keepBytes ?? true;
    this.window = this.keepBytes ? (opts.conflictWindow ?? 65536) : 0;
    this.maxConflicts = opts.maxConflicts ?? 32;
    this.eager = opts.eagerGaps ?? false;
    this.gapsOnly = opts.gapsOnly ?? false;
  }

  /** True once an origin is known (a segment from this side, or the peer's ACK, was seen). */
  get started(): boolean {
    return this.hasOrigin;
  }

  /** Next expected offset (all earlier bytes delivered). */
  get nextOffset(): number {
    return this.next;
  }

  /** Raw sequence number of offset 0 (meaningful once `started`). */
  get originSeq(): number {
    return this.origin;
  }

  /** Bytes currently held out of order. */
  get heldBytesNow(): number {
    return this.heldBytes;
  }

  /** Offset of a raw sequence number (relative to the next expected byte, so wrap-safe). */
  offsetOf(seq: number): number {
    return this.next + seqDiff(seq, (this.origin + this.next) >>> 0);
  }

  stats(): ReassemblyStats {
    return { ...this.st, conflicts: this.st.conflicts.slice() };
  }

  /** Sets the origin from the peer's acknowledgement when this side has sent nothing yet, so a
   * capture that starts mid-stream still sees the bytes missing before this side's first segment. */
  private originFromAck(ack: number): void {
    this.hasOrigin = true;
    this.origin = ack >>> 0;
    this.next = 0;
  }

  /** Feeds one segment sent by this side; returns what became deliverable, in stream order
   * (appended to `out` when given). */
  push(seg: SegmentInput, out: Chunk[] = []): Chunk[] {
    this.lastFrame = seg.frame;
    const syn = (seg.flags & SYN) !== 0;
    if (!this.hasOrigin) {
      this.hasOrigin = true;
      this.origin = syn ? (seg.seq + 1) >>> 0 : seg.seq >>> 0;
      this.next = 0;
    }
    if (seg.flags & RST || seg.keepAlive) return out;
    const start = this.offsetOf(syn ? (seg.seq + 1) >>> 0 : seg.seq);
    if (start - this.next > FAR_AHEAD) {
      this.st.outOfWindow++;
      return out;
    }
    const len = seg.len > 0 ? seg.len : 0;
    const end = start + len;
    if (seg.flags & FIN && this.finAt === null) {
      this.finAt = end;
      this.st.finOffset = end;
    }
    if (len > 0) {
      const cap = Math.min(seg.payload ? seg.payload.length : (seg.captured ?? 0), len);
      this.accept(start, start + cap, seg.frame, seg.payload, false, out);
      if (cap < len) this.accept(start + cap, end, seg.frame, null, true, out);
    }
    this.resolve(seg.frame, out);
    return out;
  }

  /** The peer acknowledged up to `ack` (raw): declares holes the peer has evidently received
   * (appended to `out` when given). */
  ack(ack: number, frame: number, out: Chunk[] = []): Chunk[] {
    if (!this.hasOrigin) {
      this.originFromAck(ack);
      return out;
    }
    const off = this.offsetOf(ack);
    if (off - this.next > FAR_AHEAD) return out;
    if (off > this.acked) this.acked = off;
    this.lastFrame = Math.max(this.lastFrame, frame);
    this.resolve(frame, out);
    return out;
  }

  /** End of capture (or of the flow): every hole becomes a gap, held data is delivered, and bytes
   * the peer acknowledged but that were never seen become a trailing gap. */
  finish(): Chunk[] {
    const out: Chunk[] = [];
    while (this.held.length) {
      const h = this.held[0]!;
      if (h.start > this.next) this.gap(h.start - this.next, 'lost', this.lastFrame, out);
      this.drain(out);
    }
    // data ends at the FIN when one was seen (an ACK of the FIN is one past it), else at the
    // highest acknowledged byte
    const tail = this.finAt !== null ? this.finAt : this.acked;
    if (tail > this.next) this.gap(tail - this.next, 'lost', this.lastFrame, out);
    this.checkComplete();
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  /** Takes bytes [start, end) (or a snaplen hole when `cut`), keeping first copies. */
  private accept(start: number, end: number, frame: number, payload: Uint8Array | null, cut: boolean, out: Chunk[]): void {
    if (end <= start) return;
    if (end <= 0) {
      this.st.beforeOrigin += end - start;
      return;
    }
    if (start < 0) {
      this.st.beforeOrigin += -start;
      if (payload) payload = payload.subarray(-start);
      start = 0;
    }
    // part already delivered: a retransmission
    if (start < this.next) {
      const upto = Math.min(end, this.next);
      if (!cut) {
        this.st.duplicateBytes += upto - start;
        if (payload && this.ring) this.compareDelivered(start, upto, frame, payload);
      }
      if (payload) payload = payload.subarray(upto - start);
      start = upto;
      if (start >= end) return;
    }
    if (start === this.next && !this.held.length) {
      // the common case: in order, nothing held
      this.deliver(start, end, frame, payload, cut, out);
      return;
    }
    this.hold(start, end, frame, payload, cut);
    if (start === this.next) this.drain(out);
  }

  private deliver(start: number, end: number, frame: number, payload: Uint8Array | null, cut: boolean, out: Chunk[]): void {
    if (cut) {
      this.gap(end - start, 'snaplen', frame, out);
      return;
    }
    const bytes = this.keepBytes && payload ? payload.subarray(0, end - start) : null;
    if (!this.gapsOnly) out.push({ frame, seqOffset: start, length: end - start, bytes });
    this.st.delivered += end - start;
    if (this.ring && bytes) this.remember(start, bytes, frame);
    else if (this.window && bytes) {
      this.ring = new Uint8Array(this.window);
      this.ringFrom = start;
      this.remember(start, bytes, frame);
    }
    this.next = end;
  }

  private gap(length: number, reason: GapReason, frame: number, out: Chunk[]): void {
    if (length <= 0) return;
    out.push({ frame, seqOffset: this.next, gapLen: length, reason });
    this.st.gapBytes += length;
    this.st.gaps++;
    if (reason === 'overflow') {
      this.st.overflowGaps++;
      this.st.overflowBytes += length;
    }
    this.next += length;
    this.ringFrom = this.next;
    this.runs.length = 0;
  }

  /** Inserts a held piece, keeping earlier copies where it overlaps held data. */
  private hold(start: number, end: number, frame: number, payload: Uint8Array | null, cut: boolean): void {
    const list = this.held;
    // first held piece that ends after start
    let i = 0;
    while (i < list.length && list[i]!.end <= start) i++;
    let pos = start;
    const pieces: Held[] = [];
    for (let j = i; j < list.length && pos < end; j++) {
      const h = list[j]!;
      if (h.start >= end) break;
      if (h.start > pos) pieces.push(this.piece(pos, h.start, start, frame, payload, cut));
      const ovStart = Math.max(pos, h.start);
      const ovEnd = Math.min(end, h.end);
      if (ovEnd > ovStart) {
        if (h.cut && !cut) {
          // a real copy of bytes the snaplen cut earlier: replace that part of the hole
          pieces.push(this.piece(ovStart, ovEnd, start, frame, payload, false));
        } else if (!cut) {
          this.st.duplicateBytes += ovEnd - ovStart;
          if (payload && h.bytes) this.compare(ovStart, h.bytes.subarray(ovStart - h.start, ovEnd - h.start), payload.subarray(ovStart - start, ovEnd - start), h.frame, frame);
        }
      }
      pos = Math.max(pos, ovEnd);
    }
    if (pos < end) pieces.push(this.piece(pos, end, start, frame, payload, cut));
    if (!pieces.length) return;
    // a hole replaced by real bytes: cut the hole pieces around the new ones
    for (const p of pieces) {
      if (!p.cut) this.carveCut(p.start, p.end);
      this.insertSorted(p);
      this.heldBytes += p.end - p.start;
    }
    if (this.heldBytes > this.st.maxHeld) this.st.maxHeld = this.heldBytes;
  }

  private piece(from: number, to: number, segStart: number, frame: number, payload: Uint8Array | null, cut: boolean): Held {
    const bytes = this.keepBytes && payload && !cut ? payload.slice(from - segStart, to - segStart) : null;
    return { start: from, end: to, frame, bytes, cut };
  }

  /** Removes the parts of snaplen holes that [start, end) covers. */
  private carveCut(start: number, end: number): void {
    const list = this.held;
    for (let k = 0; k < list.length; k++) {
      const h = list[k]!;
      if (!h.cut || h.end <= start || h.start >= end) continue;
      list.splice(k, 1);
      this.heldBytes -= h.end - h.start;
      k--;
      if (h.start < start) {
        const left: Held = { start: h.start, end: start, frame: h.frame, bytes: null, cut: true };
        this.insertSorted(left);
        this.heldBytes += left.end - left.start;
        k++;
      }
      if (h.end > end) {
        const right: Held = { start: end, end: h.end, frame: h.frame, bytes: null, cut: true };
        this.insertSorted(right);
        this.heldBytes += right.end - right.start;
        k++;
      }
    }
  }

  private insertSorted(p: Held): void {
    const list = this.held;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start < p.start) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, p);
  }

  /** Delivers held pieces that start at the next expected offset. */
  private drain(out: Chunk[]): void {
    const list = this.held;
    let n = 0;
    while (n < list.length && list[n]!.start <= this.next) {
      const h = list[n]!;
      this.heldBytes -= h.end - h.start;
      if (h.end > this.next) {
        const skip = this.next - h.start;
        this.deliver(this.next, h.end, h.frame, h.bytes ? h.bytes.subarray(skip) : null, h.cut, out);
      }
      n++;
    }
    if (n) list.splice(0, n);
  }

  /** Declares gaps the evidence allows, and enforces the buffering bound. */
  private resolve(frame: number, out: Chunk[]): void {
    // over the bound: skip to the first held piece
    while (this.held.length && (this.heldBytes > this.maxBuffered || this.held.length > this.maxSegments)) {
      this.gap(this.held[0]!.start - this.next, 'overflow', frame, out);
      this.drain(out);
    }
    // the peer acknowledged past a hole that has something known after it
    for (;;) {
      let boundary = this.held.length ? this.held[0]!.start : this.finAt;
      if (this.eager && (boundary === null || boundary > this.acked)) boundary = this.finAt !== null ? Math.min(this.finAt, this.acked) : this.acked;
      if (boundary === null || boundary <= this.next || this.acked <= this.next) break;
      this.gap(Math.min(boundary, this.acked) - this.next, 'lost', frame, out);
      this.drain(out);
    }
    this.checkComplete();
  }

  private checkComplete(): void {
    if (this.finAt !== null && this.next >= this.finAt && !this.held.length) this.st.complete = true;
  }

  // --- conflict detection -------------------------------------------------------------------------

  private remember(start: number, bytes: Uint8Array, frame: number): void {
    const ring = this.ring!;
    const w = ring.length;
    let src = bytes;
    let at = start;
    if (src.length > w) {
      at += src.length - w;
      src = src.subarray(src.length - w);
    }
    const pos = at % w;
    const first = Math.min(src.length, w - pos);
    ring.set(src.subarray(0, first), pos);
    if (first < src.length) ring.set(src.subarray(first), 0);
    const end = start + bytes.length;
    if (end - this.ringFrom > w) this.ringFrom = end - w;
    const last = this.runs[this.runs.length - 1];
    if (last && last.frame === frame && last.end === start) last.end = end;
    else this.runs.push({ start, end, frame });
    while (this.runs.length > 256 || (this.runs.length && this.runs[0]!.end <= this.ringFrom)) this.runs.shift();
  }

  /** Compares a retransmitted copy of [start, upto) with the delivered bytes still in the ring. */
  private compareDelivered(start: number, upto: number, frame: number, payload: Uint8Array): void {
    const ring = this.ring!;
    const w = ring.length;
    const from = Math.max(start, this.ringFrom);
    if (from >= upto) return;
    let firstDiff = -1;
    let lastDiff = -1;
    for (let o = from; o < upto; o++) {
      if (ring[o % w] !== payload[o - start]) {
        if (firstDiff < 0) firstDiff = o;
        lastDiff = o;
      }
    }
    if (firstDiff < 0) return;
    let firstFrame = -1;
    for (const r of this.runs) {
      if (r.start <= firstDiff && firstDiff < r.end) {
        firstFrame = r.frame;
        break;
      }
    }
    this.addConflict({ seqOffset: firstDiff, length: lastDiff - firstDiff + 1, firstFrame, frame });
  }

  private compare(at: number, kept: Uint8Array, later: Uint8Array, firstFrame: number, frame: number): void {
    let firstDiff = -1;
    let lastDiff = -1;
    const n = Math.min(kept.length, later.length);
    for (let k = 0; k < n; k++) {
      if (kept[k] !== later[k]) {
        if (firstDiff < 0) firstDiff = k;
        lastDiff = k;
      }
    }
    if (firstDiff >= 0) this.addConflict({ seqOffset: at + firstDiff, length: lastDiff - firstDiff + 1, firstFrame, frame });
  }

  private addConflict(c: Conflict): void {
    this.st.conflictCount++;
    if (this.st.conflicts.length < this.maxConflicts) this.st.conflicts.push(c);
  }
}
storeAsDoubles(new DirectionReassembler(), ['origin']);

/** Both directions of one connection: segments go to their sender's side, ACKs to the other. */
export class StreamReassembler {
  readonly dirs: [DirectionReassembler, DirectionReassembler];

  constructor(opts: ReassemblyOptions = {}) {
    this.dirs = [new DirectionReassembler(opts), new DirectionReassembler(opts)];
  }

  /** Feeds one segment of direction `dir`; returns chunks per direction (the ACK may release the
   * other direction's held data as a gap). */
  push(seg: SegmentInput & { dir: 0 | 1; ack: number }): { dir: 0 | 1; chunk: Chunk }[] {
    const out: { dir: 0 | 1; chunk: Chunk }[] = [];
    const peer = (1 - seg.dir) as 0 | 1;
    if (seg.flags & ACK && !(seg.flags & RST)) {
      for (const c of this.dirs[peer].ack(seg.ack, seg.frame)) out.push({ dir: peer, chunk: c });
    }
    for (const c of this.dirs[seg.dir].push(seg)) out.push({ dir: seg.dir, chunk: c });
    return out;
  }

  finish(): { dir: 0 | 1; chunk: Chunk }[] {
    const out: { dir: 0 | 1; chunk: Chunk }[] = [];
    for (const d of [0, 1] as const) for (const c of this.dirs[d].finish()) out.push({ dir: d, chunk: c });
    return out;
  }
}

// -------------------------------------------------------------------------------------------------
// Desegmentation for application decoders

/** "How many more bytes does the PDU starting at `off` need?" `n > 0`: at least n more; `-1`:
 * unknown, ask again when more bytes arrive; `0`: the PDU is complete within [off, end); `null`:
 * these bytes do not start a PDU of this protocol (they are handed over at once, flagged
 * `unrecognised`, as Wireshark hands undecodable bytes to `data`). This is the contract of
 * `httpMessageNeed` (decoders/http.ts) and `tlsRecordNeed` (decoders/tls.ts). */
export type NeedFn = (data: Uint8Array, off: number, end: number) => number | null;

export interface Pdu {
  /** The PDU's bytes and whatever followed in the same chunks (the decoder says how much it used). */
  bytes: Uint8Array;
  seqOffset: number;
  /** Frame of the first byte, and the frame that completed the PDU (where Wireshark puts the fields). */
  firstFrame: number;
  frame: number;
  /** Number of chunks the PDU was assembled from (1 = it came in one segment). */
  chunks: number;
  /** True when a gap came before this PDU since the previous one (it may start mid-message). */
  afterGap: boolean;
  /** The need function did not recognise the bytes (returned null). */
  unrecognised: boolean;
}

export interface DesegmenterStats {
  pdus: number;
  /** PDUs assembled from more than one chunk. */
  reassembled: number;
  /** Partial PDUs abandoned at a gap, at the size bound, or at `finish()`, and their bytes. */
  discarded: number;
  discardedBytes: number;
}

/** Accumulates one direction's delivered chunks until the need function says a PDU is complete.
 * `onPdu` decodes it and returns how many bytes it consumed (undefined = all of `pdu.bytes`;
 * 0 = not complete after all, wait for more). */
export class Desegmenter {
  private buf = new Uint8Array(0);
  private len = 0;
  private startOffset = 0;
  private firstFrame = 0;
  private chunks = 0;
  private wanted = 0;
  private afterGap = false;
  private readonly maxPdu: number;
  private readonly st: DesegmenterStats = { pdus: 0, reassembled: 0, discarded: 0, discardedBytes: 0 };

  constructor(
    private readonly need: NeedFn,
    opts: { maxPdu?: number } = {},
  ) {
    this.maxPdu = opts.maxPdu ?? 16 * 1024 * 1024;
  }

  stats(): DesegmenterStats {
    return { ...this.st };
  }

  /** Bytes waiting for the rest of their PDU. */
  get pending(): number {
    return this.len;
  }

  push(chunk: Chunk, onPdu: (pdu: Pdu) => number | void): void {
    if (isGap(chunk)) {
      this.discard();
      this.afterGap = true;
      return;
    }
    const bytes = chunk.bytes;
    if (!bytes || !bytes.length) return;
    if (this.len === 0) {
      // nothing buffered: try the chunk in place (no copy)
      this.startOffset = chunk.seqOffset;
      this.firstFrame = chunk.frame;
      this.chunks = 1;
      const rest = this.run(bytes, 0, chunk.seqOffset, chunk.frame, onPdu);
      if (rest < bytes.length) this.append(bytes.subarray(rest));
      return;
    }
    this.append(bytes);
    this.chunks++;
    if (this.wanted > 0 && this.len < this.wanted) return;
    if (this.len > this.maxPdu) {
      this.discard();
      this.afterGap = true;
      return;
    }
    const data = this.buf.subarray(0, this.len);
    const used = this.run(data, 0, this.startOffset, chunk.frame, onPdu);
    if (used > 0) {
      this.buf.copyWithin(0, used, this.len);
      this.len -= used;
      this.startOffset += used;
      this.firstFrame = chunk.frame;
      this.chunks = this.len ? 1 : 0;
    }
  }

  /** Abandons a partial PDU (end of stream). */
  finish(): void {
    this.discard();
  }

  /** Runs complete PDUs from `data[from..]`; returns how far it got. */
  private run(data: Uint8Array, from: number, offset: number, frame: number, onPdu: (pdu: Pdu) => number | void): number {
    let off = from;
    this.wanted = 0;
    while (off < data.length) {
      const n = this.need(data, off, data.length);
      if (n !== null && n !== 0) {
        this.wanted = n > 0 ? data.length - off + n : 0;
        break;
      }
      const pdu: Pdu = {
        bytes: data.subarray(off),
        seqOffset: offset + (off - from),
        firstFrame: off === from ? this.firstFrame : frame,
        frame,
        chunks: off === from ? this.chunks : 1,
        afterGap: this.afterGap,
        unrecognised: n === null,
      };
      const r = onPdu(pdu);
      const used = r === undefined ? data.length - off : Math.min(r, data.length - off);
      if (used <= 0) break;
      this.st.pdus++;
      if (pdu.chunks > 1) this.st.reassembled++;
      this.afterGap = false;
      off += used;
    }
    return off;
  }

  private append(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) {
      const nb = new Uint8Array(Math.max(this.len + b.length, this.buf.length * 2, 1024));
      nb.set(this.buf.subarray(0, this.len));
      this.buf = nb;
    }
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private discard(): void {
    if (this.len) {
      this.st.discarded++;
      this.st.discardedBytes += this.len;
    }
    this.len = 0;
    this.wanted = 0;
    this.chunks = 0;
    if (this.buf.length > 65536) this.buf = new Uint8Array(0);
  }
}
