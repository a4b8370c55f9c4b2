/**
 * A one-way pipe of FlowInputs (analysis/conversations.ts) from the decoding thread to a
 * conversation table in a worker: `pcapscope flows` on two cores decodes and runs the TCP
 * analysis in the main thread while the worker keeps the rows and the connection trackers (a
 * quarter of the work; engine/flows-pipe-worker.ts).
 *
 * A ring of fixed-size records of 32-bit words in a SharedArrayBuffer (every number of an input
 * but the capture time fits in 32 bits; an IPv4 segment fills the first 80 bytes, IPv6 addresses and SYN options come
 * after: the cache lines the two cores hand each other are the cost). The writer publishes records
 * in batches; the reader sleeps (Atomics.wait) only when it has caught up, the writer only when
 * the ring is full. Both index counters are 32-bit and wrap: only differences are compared.
 */
import type { FlowInput } from '../analysis/conversations.js';
import { newFlowInput } from '../analysis/conversations.js';
import type { SegmentOptions } from '../analysis/tcp/connection.js';

/** Records in the ring (a power of two; 2.5 MiB in all) and words per record. */
const RECORDS = 16384;
const MASK = RECORDS - 1;
/** SACK edges a record carries: four blocks, what 40 bytes of TCP options can hold. */
const MAX_SACK = 8;
const SLOTS = 40;
/** Records the writer publishes at once, and the reader acknowledges at once. */
const BATCH = 256;
/** A sleeping reader is woken once this many records wait: a wake-up crosses cores, which in a VM
 * costs tens of microseconds (one per batch was a tenth of the main thread's time). */
const WAKE = RECORDS / 4;
// word offsets in a record; the capture times are doubles (a pcapng or a damaged pcap can give
// seconds or nanoseconds past 32 bits), at even words of a record
const W_FRAME = 1;
const D_SEC = 1;
const D_NSEC = 2;
const W_ORIG_LEN = 6;
const W_STREAM = 7;
const W_PORTS = 8;
const W_SRC4 = 9;
const W_DST4 = 10;
const W_SEQ = 11;
const W_ACK = 12;
const W_FLAGS = 13;
const W_WINDOW = 14;
const W_RAW_WINDOW = 15;
const W_LEN = 16;
const W_CAPTURED = 17;
const W_FRAME_LEN = 18;
const W_ANALYSIS = 19;
const W_SRC6 = 20;
const W_DST6 = 24;
const W_OPTIONS = 28;
const W_MSS = 29;
const W_WSCALE = 30;
const W_SACK_COUNT = 31;
const W_SACK = 32;

/** Control words: records published, records consumed, publish generation, end, failure, and
 * who sleeps (each side wakes the other only then). */
const WRITE = 0;
const READ = 1;
const SEQ = 2;
const DONE = 3;
const FAILED = 4;
const READER_SLEEPS = 5;
const WRITER_WAITS = 6;
const CONTROL_BYTES = 64;

/** The writer gives up when the reader consumed nothing for this long (it died). */
const STALL_MS = 60_000;

// record layout: word 0 packs the small fields
const K_LAST = 4;
const K_TIME = 8;
const K_V4 = 16;
const K_V6 = 32;
const K_SEGMENT = 64;
const K_OPTIONS = 128;
const O_MSS = 1;
const O_WSCALE = 2;
const O_SACK_PERM = 4;
const O_TS = 8;
const O_SACK = 16;

export class FlowPipeError extends Error {}

export function newFlowPipe(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + RECORDS * SLOTS * 4);
}

function views(sab: SharedArrayBuffer): { ctrl: Int32Array; data: Int32Array; times: Float64Array } {
  return {
    ctrl: new Int32Array(sab, 0, CONTROL_BYTES / 4),
    data: new Int32Array(sab, CONTROL_BYTES, RECORDS * SLOTS),
    times: new Float64Array(sab, CONTROL_BYTES, (RECORDS * SLOTS) / 2),
  };
}

function putAddr6(d: Int32Array, o: number, a: Uint8Array): void {
  for (let i = 0; i < 4; i++) d[o + i] = (a[4 * i]! << 24) | (a[4 * i + 1]! << 16) | (a[4 * i + 2]! << 8) | a[4 * i + 3]!;
}

function getAddr6(d: Int32Array, o: number, a: Uint8Array): void {
  for (let i = 0; i < 4; i++) {
    const v = d[o + i]!;
    a[4 * i] = v >>> 24;
    a[4 * i + 1] = (v >>> 16) & 0xff;
    a[4 * i + 2] = (v >>> 8) & 0xff;
    a[4 * i + 3] = v & 0xff;
  }
}

export class FlowPipeWriter {
  private readonly ctrl: Int32Array;
  private readonly data: Int32Array;
  private readonly times: Float64Array;
  private pos = 0;
  private published = 0;
  /** The reader's position when last read (the ring has room up to it). */
  private consumed = 0;

  constructor(sab: SharedArrayBuffer) {
    ({ ctrl: this.ctrl, data: this.data, times: this.times } = views(sab));
  }

  write(x: FlowInput): void {
    if (((this.pos - this.consumed) | 0) >= RECORDS) this.waitForRoom();
    const d = this.data;
    const o = (this.pos & MASK) * SLOTS;
    let k = x.kind | (x.last ? K_LAST : 0) | (x.hasTime ? K_TIME : 0);
    d[o + W_FRAME] = x.frame;
    d[o + W_ORIG_LEN] = x.origLen;
    this.times[(o >> 1) + D_SEC] = x.tsSec;
    this.times[(o >> 1) + D_NSEC] = x.tsNsec;
    if (x.kind !== 0) {
      d[o + W_STREAM] = x.stream;
      d[o + W_PORTS] = (x.srcPort << 16) | x.dstPort;
      if (x.family === 4) {
        k |= K_V4;
        d[o + W_SRC4] = x.src4;
        d[o + W_DST4] = x.dst4;
      } else if (x.family === 6) {
        k |= K_V6;
        putAddr6(d, o + W_SRC6, x.src6);
        putAddr6(d, o + W_DST6, x.dst6);
      }
      if (x.hasSegment) {
        k |= K_SEGMENT;
        const e = x.segment;
        d[o + W_SEQ] = e.seq;
        d[o + W_ACK] = e.ack;
        d[o + W_FLAGS] = e.flags;
        d[o + W_WINDOW] = e.window;
        d[o + W_RAW_WINDOW] = e.rawWindow ?? e.window;
        d[o + W_LEN] = e.len;
        d[o + W_CAPTURED] = e.captured;
        d[o + W_FRAME_LEN] = e.frameLen;
        d[o + W_ANALYSIS] = e.analysis;
        const opt = e.options;
        if (opt) {
          k |= K_OPTIONS;
          const sack = opt.sack;
          const n = sack ? Math.min(sack.length, MAX_SACK) : 0;
          d[o + W_OPTIONS] =
            (opt.mss !== undefined ? O_MSS : 0) | (opt.wscale !== undefined ? O_WSCALE : 0) | (opt.sackPerm ? O_SACK_PERM : 0) | (opt.ts ? O_TS : 0) | (sack ? O_SACK : 0);
          d[o + W_MSS] = opt.mss ?? 0;
          d[o + W_WSCALE] = opt.wscale ?? 0;
          d[o + W_SACK_COUNT] = n;
          for (let i = 0; i < n; i++) d[o + W_SACK + i] = sack![i]!;
        }
      }
    }
    d[o] = k;
    this.pos = (this.pos + 1) | 0;
    if (((this.pos - this.published) | 0) >= BATCH) this.publish(false);
  }

  /** Publishes the last records and tells the reader nothing follows. */
  close(): void {
    this.publish(false);
    Atomics.store(this.ctrl, DONE, 1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
  }

  /** Makes the records written so far readable; wakes a sleeping reader when enough wait (or
   * `wake`). The generation changes every time: a reader about to sleep then does not. */
  private publish(wake: boolean): void {
    const ctrl = this.ctrl;
    this.published = this.pos;
    Atomics.store(ctrl, WRITE, this.pos);
    Atomics.add(ctrl, SEQ, 1);
    if (Atomics.load(ctrl, READER_SLEEPS) !== 0 && (wake || ((this.pos - Atomics.load(ctrl, READ)) | 0) >= WAKE)) {
      Atomics.store(ctrl, READER_SLEEPS, 0);
      Atomics.notify(ctrl, SEQ);
    }
  }

  private waitForRoom(): void {
    const ctrl = this.ctrl;
    this.publish(true);
    let since = Date.now();
    for (;;) {
      Atomics.store(ctrl, WRITER_WAITS, 1);
      const read = Atomics.load(ctrl, READ);
      if (read !== this.consumed) since = Date.now();
      this.consumed = read;
      if (((this.pos - read) | 0) < RECORDS) break;
      if (Atomics.load(ctrl, FAILED) !== 0) throw new FlowPipeError('the conversation table stopped');
      if (Date.now() - since > STALL_MS) throw new FlowPipeError('the conversation table stopped responding');
      Atomics.wait(ctrl, READ, read, 1000);
    }
    Atomics.store(ctrl, WRITER_WAITS, 0);
  }
}

export class FlowPipeReader {
  private readonly ctrl: Int32Array;
  private readonly data: Int32Array;
  private readonly times: Float64Array;
  private readonly x = newFlowInput();

  constructor(sab: SharedArrayBuffer) {
    ({ ctrl: this.ctrl, data: this.data, times: this.times } = views(sab));
    this.x.src6 = new Uint8Array(16);
    this.x.dst6 = new Uint8Array(16);
  }

  /** Hands every record to `take`, in order, until the writer closes the pipe. */
  drain(take: (x: FlowInput) => void): void {
    const ctrl = this.ctrl;
    let r = Atomics.load(ctrl, READ);
    for (;;) {
      const w = Atomics.load(ctrl, WRITE);
      while (r !== w) {
        take(this.read(r));
        r = (r + 1) | 0;
        if ((r & (BATCH - 1)) === 0) this.acknowledge(r);
      }
      this.acknowledge(r);
      if (Atomics.load(ctrl, DONE) !== 0 && r === Atomics.load(ctrl, WRITE)) return;
      // caught up: sleep until the writer wakes us (it sees the flag) or published meanwhile
      Atomics.store(ctrl, READER_SLEEPS, 1);
      const seq = Atomics.load(ctrl, SEQ);
      if (Atomics.load(ctrl, WRITE) === r && Atomics.load(ctrl, DONE) === 0) Atomics.wait(ctrl, SEQ, seq);
      Atomics.store(ctrl, READER_SLEEPS, 0);
    }
  }

  /** Tells the writer how far the reader got (waking it when it waits for room). */
  private acknowledge(r: number): void {
    Atomics.store(this.ctrl, READ, r);
    if (Atomics.load(this.ctrl, WRITER_WAITS) !== 0) Atomics.notify(this.ctrl, READ);
  }

  /** Tells the writer that no record will be read any more (it stops instead of waiting). */
  fail(): void {
    Atomics.store(this.ctrl, FAILED, 1);
    Atomics.notify(this.ctrl, READ);
  }

  private read(r: number): FlowInput {
    const d = this.data;
    const x = this.x;
    const o = (r & MASK) * SLOTS;
    const k = d[o]!;
    x.kind = (k & 3) as 0 | 1 | 2;
    x.last = (k & K_LAST) !== 0;
    x.hasTime = (k & K_TIME) !== 0;
    x.frame = d[o + W_FRAME]! >>> 0;
    x.origLen = d[o + W_ORIG_LEN]! >>> 0;
    x.tsSec = this.times[(o >> 1) + D_SEC]!;
    x.tsNsec = this.times[(o >> 1) + D_NSEC]!;
    if (x.kind === 0) return x;
    x.stream = d[o + W_STREAM]!;
    const ports = d[o + W_PORTS]!;
    x.srcPort = ports >>> 16;
    x.dstPort = ports & 0xffff;
    if (k & K_V4) {
      x.family = 4;
      x.src4 = d[o + W_SRC4]! >>> 0;
      x.dst4 = d[o + W_DST4]! >>> 0;
    } else if (k & K_V6) {
      x.family = 6;
      getAddr6(d, o + W_SRC6, x.src6);
      getAddr6(d, o + W_DST6, x.dst6);
    } else x.family = 0;
    x.hasSegment = (k & K_SEGMENT) !== 0;
    if (x.hasSegment) {
      const e = x.segment;
      e.frame = x.frame;
      e.seq = d[o + W_SEQ]! >>> 0;
      e.ack = d[o + W_ACK]! >>> 0;
      e.flags = d[o + W_FLAGS]!;
      e.window = d[o + W_WINDOW]!;
      e.rawWindow = d[o + W_RAW_WINDOW]!;
      e.len = d[o + W_LEN]!;
      e.captured = d[o + W_CAPTURED]!;
      e.frameLen = d[o + W_FRAME_LEN]! >>> 0;
      e.analysis = d[o + W_ANALYSIS]!;
      e.options = k & K_OPTIONS ? readOptions(d, o) : undefined;
    }
    return x;
  }
}

/** A SYN's options, as a new object (a tracker keeps what it is given). */
function readOptions(d: Int32Array, o: number): SegmentOptions {
  const m = d[o + W_OPTIONS]!;
  const opt: SegmentOptions = {};
  if (m & O_MSS) opt.mss = d[o + W_MSS]!;
  if (m & O_WSCALE) opt.wscale = d[o + W_WSCALE]!;
  if (m & O_SACK_PERM) opt.sackPerm = true;
  if (m & O_TS) opt.ts = true;
  if (m & O_SACK) opt.sack = Array.from(d.subarray(o + W_SACK, o + W_SACK + d[o + W_SACK_COUNT]!), (v) => v >>> 0);
  return opt;
}
