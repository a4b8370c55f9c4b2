/**
 * A one-way pipe from the decoding thread of `pcapscope flows` to a worker that runs the TCP
 * analysis and keeps the conversation table (engine/flows-pipe-worker.ts). It carries three kinds
 * of records: the capture's first frame (the time reference), a UDP layer to count (both as the
 * FlowInputs of analysis/conversations.ts), and a TCP header, with what its analysis reads (the
 * header fields, the options, the addresses and the frame) and whether the table counts it.
 *
 * A ring of fixed-size records of 32-bit words in a SharedArrayBuffer. What every record needs
 * fits in one 64-byte cache line (an IPv4 segment's record is all there); IPv6 addresses, SACK
 * blocks and capture times past 31 bits go in an extension slot of the same index, read only when
 * the record says so. Every cache line the reader reads was just written on the other core: a
 * record of two lines cost the worker a tenth of its time. The writer publishes records in
 * batches; the reader sleeps (Atomics.wait) only when it has caught up, the writer only when the
 * ring is full. Both index counters are 32-bit and wrap: only differences are compared.
 */
import type { FlowFrame, FlowInput } from '../analysis/conversations.js';
import type { TcpIpRef } from '../analysis/tcp/index.js';
import type { TcpLayer } from '../decoders/tcp.js';

/** Records in the ring (a power of two), words per record and per extension (12 MiB in all): about
 * 60 ms of the worker's work, slack for a stalled side (alternating runs: 4 times as many records
 * were 5 % faster, both ends waiting less). */
const RECORDS = 65536;
const MASK = RECORDS - 1;
const SLOTS = 16;
const EXT_SLOTS = 32;
/** SACK edges a record carries: four blocks, what 40 bytes of TCP options can hold (in one SACK
 * option or two); and the edges the analysis keeps for bytes in flight (three blocks). */
const MAX_SACK = 8;
const MAX_BIF = 6;
/** Records the writer publishes at once, and the reader acknowledges at once. */
const BATCH = 256;
/** A sleeping side is woken only once enough waits for it: a wake-up crosses cores, which in a VM
 * costs tens of microseconds (one per batch was a tenth of the main thread's time). The writer
 * waits for a quarter of the ring to be free. The reader, the slower end on TCP traffic, sleeps
 * when it has caught up (at the start, or when the decoding stalls), and is woken once 1 024
 * records wait: sooner would cost a wake-up per few batches where the decoding is the slower. */
const WAKE_WRITER = RECORDS / 4;
const WAKE_READER = 1024;

// Record words. Word 0 packs the kind (FlowInput's 0 and 2, or TCP_HEADER) and the K_ bits.
const W_FRAME = 1;
const W_SEC = 2;
const W_NSEC = 3;
const W_ORIG_LEN = 4;
const W_STREAM = 5;
const W_PORTS = 6;
const W_SRC4 = 7;
const W_DST4 = 8;
const W_SEQ = 9;
const W_ACK = 10;
/** Flags, and the header length above them. */
const W_FLAGS = 11;
const W_WINDOW = 12;
const W_LEN = 13;
const W_CAPTURED = 14;
/** The MSS, and the window scale shift above it. */
const W_MSS = 15;
// Extension words: the times as doubles (at even words), IPv6 addresses, SACK edge counts (the
// bytes-in-flight edges above), SACK edges, bytes-in-flight edges.
const D_SEC = 0;
const D_NSEC = 1;
const X_SRC6 = 4;
const X_DST6 = 8;
const X_SACK_COUNT = 12;
const X_SACK = 13;
const X_BIF = X_SACK + MAX_SACK;

const TCP_HEADER = 1;
const K_LAST = 1 << 2;
const K_TIME = 1 << 3;
const K_V4 = 1 << 4;
const K_V6 = 1 << 5;
/** The capture time is in the extension (it does not fit two 31-bit words). */
const K_WIDE_TIME = 1 << 6;
/** TCP: the table counts the header (`countedTcp`); its walk was complete; it is quoted in an ICMP
 * error; and which options it carries. */
const K_COUNTED = 1 << 7;
const K_COMPLETE = 1 << 8;
const K_QUOTED = 1 << 9;
const K_MSS = 1 << 10;
const K_WSCALE = 1 << 11;
const K_SACK_PERM = 1 << 12;
const K_TS = 1 << 13;
const K_SACK = 1 << 14;
const K_BIF = 1 << 15;
const K_TFO = 1 << 16;
const K_ACC_ECN = 1 << 17;
/** The header's failure (FAIL_*, two bits). */
const K_FAIL_SHIFT = 18;

/** Control words, the writer's in one cache line and the reader's in the next: records
 * published, publish generation, end, writer waiting for room; records consumed, reader asleep,
 * reader failed. Each side wakes the other only when it sleeps. */
const WRITE = 0;
const SEQ = 1;
const DONE = 2;
const WRITER_WAITS = 3;
const READ = 16;
const READER_SLEEPS = 17;
const FAILED = 18;
const CONTROL_BYTES = 128;
const DATA_BYTES = RECORDS * SLOTS * 4;

/** The writer gives up when the reader consumed nothing for this long (it died). */
const STALL_MS = 60_000;

/** A TCP header as the pipe carries it: what `TcpAnalyzer.analyzeHeader` reads, and for a counted
 * one what `tcpFlowInput` reads too (the reader refills one object). */
export interface PipedTcpHeader {
  frame: FlowFrame;
  /** The network layer's addresses (none: keyed by the ports alone, as in the analysis). */
  ip: TcpIpRef | undefined;
  /** The header's fields as decoded, but for what nothing after the walk of the options reads:
   * the SACK edges only on a SYN (`sackBif` always), the timestamps' presence only (0), nothing of
   * the payload, checksum or urgent pointer. */
  layer: TcpLayer;
  /** How the walk of its options ended (`renderTcp`). */
  complete: boolean;
  /** The table counts it (`countedTcp`), and it is the last counted layer of its frame. */
  counted: boolean;
  last: boolean;
  /** Payload bytes the frame holds (`capturedPayload`). */
  captured: number;
}

export class FlowPipeError extends Error {}

export function newFlowPipe(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + DATA_BYTES + RECORDS * EXT_SLOTS * 4);
}

interface Views {
  ctrl: Int32Array;
  data: Int32Array;
  ext: Int32Array;
  extTimes: Float64Array;
}

function views(sab: SharedArrayBuffer): Views {
  return {
    ctrl: new Int32Array(sab, 0, CONTROL_BYTES / 4),
    data: new Int32Array(sab, CONTROL_BYTES, RECORDS * SLOTS),
    ext: new Int32Array(sab, CONTROL_BYTES + DATA_BYTES, RECORDS * EXT_SLOTS),
    extTimes: new Float64Array(sab, CONTROL_BYTES + DATA_BYTES, (RECORDS * EXT_SLOTS) / 2),
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

/** A value that fits a word as a non-negative 31-bit integer. */
const small = (v: number): boolean => v >= 0 && v <= 0x7fffffff && v === Math.floor(v);

/** How often, and how long in all, one end of a pipe waited for the other (PCAPSCOPE_DEBUG). */
export interface PipeWaits {
  count: number;
  ms: number;
}

export class FlowPipeWriter {
  /** Waits for room. */
  readonly waits: PipeWaits = { count: 0, ms: 0 };
  private readonly v: Views;
  private pos = 0;
  private published = 0;
  /** The reader's position when last read (the ring has room up to it). */
  private consumed = 0;

  constructor(sab: SharedArrayBuffer) {
    this.v = views(sab);
  }

  /** A time reference (kind 0) or a UDP layer (kind 2). */
  write(x: FlowInput): void {
    const i = this.next();
    const d = this.v.data;
    const o = i * SLOTS;
    let k = x.kind | (x.last ? K_LAST : 0) | this.frame(i, x.frame, x.origLen, x.hasTime, x.tsSec, x.tsNsec);
    if (x.kind !== 0) {
      d[o + W_STREAM] = x.stream;
      d[o + W_PORTS] = (x.srcPort << 16) | x.dstPort;
      if (x.family === 4) {
        k |= K_V4;
        d[o + W_SRC4] = x.src4;
        d[o + W_DST4] = x.dst4;
      } else if (x.family === 6) {
        k |= K_V6;
        putAddr6(this.v.ext, i * EXT_SLOTS + X_SRC6, x.src6);
        putAddr6(this.v.ext, i * EXT_SLOTS + X_DST6, x.dst6);
      }
    }
    this.done(o, k);
  }

  /** A TCP header for the analysis; `counted` and `last` as the table takes it, `complete` as its
   * walk ended, `captured` as `capturedPayload` gives it; `sack`: its SACK edges, given on a SYN
   * only (see PipedTcpHeader). */
  writeTcp(f: FlowFrame, ip: TcpIpRef | undefined, t: TcpLayer, complete: boolean, counted: boolean, last: boolean, captured: number, sack: number[] | undefined): void {
    const i = this.next();
    const d = this.v.data;
    const o = i * SLOTS;
    const x = i * EXT_SLOTS;
    let k =
      TCP_HEADER |
      (last ? K_LAST : 0) |
      (counted ? K_COUNTED : 0) |
      (complete ? K_COMPLETE : 0) |
      (t.errorDepth !== 0 ? K_QUOTED : 0) |
      (t.fail << K_FAIL_SHIFT) |
      this.frame(i, f.number, f.origLen, f.hasTime, f.tsSec, f.tsNsec);
    // the addresses as the analysis keys them (its lookup) and as the table reads them
    const src = ip?.src;
    const dst = ip?.dst;
    if (ip?.proto === 'ipv6' && src instanceof Uint8Array && dst instanceof Uint8Array) {
      k |= K_V6;
      putAddr6(this.v.ext, x + X_SRC6, src);
      putAddr6(this.v.ext, x + X_DST6, dst);
    } else if (typeof src === 'number') {
      k |= K_V4;
      d[o + W_SRC4] = src;
      d[o + W_DST4] = typeof dst === 'number' ? dst : 0;
    }
    d[o + W_PORTS] = (t.srcPort << 16) | t.dstPort;
    d[o + W_SEQ] = t.seq;
    d[o + W_ACK] = t.ack;
    d[o + W_FLAGS] = t.flags | (t.hdrLen << 16);
    d[o + W_WINDOW] = t.window;
    d[o + W_LEN] = t.seglen;
    d[o + W_CAPTURED] = captured;
    if (t.mss !== undefined || t.wscale !== undefined) {
      if (t.mss !== undefined) k |= K_MSS;
      if (t.wscale !== undefined) k |= K_WSCALE;
      d[o + W_MSS] = (t.mss ?? 0) | ((t.wscale ?? 0) << 16);
    }
    if (t.sackPerm) k |= K_SACK_PERM;
    if (t.tfoCookie) k |= K_TFO;
    if (t.accEcnOption) k |= K_ACC_ECN;
    if (t.tsval !== undefined) k |= K_TS;
    const bif = t.sackBif;
    if (sack || bif) {
      const e = this.v.ext;
      const n = sack ? Math.min(sack.length, MAX_SACK) : 0;
      const m = bif ? Math.min(bif.length, MAX_BIF) : 0;
      if (sack) k |= K_SACK;
      if (bif) k |= K_BIF;
      e[x + X_SACK_COUNT] = n | (m << 8);
      for (let j = 0; j < n; j++) e[x + X_SACK + j] = sack![j]!;
      for (let j = 0; j < m; j++) e[x + X_BIF + j] = bif![j]!;
    }
    this.done(o, k);
  }

  /** Writes the frame's number, length and time into record `i`; returns the K_ bits. */
  private frame(i: number, number: number, origLen: number, hasTime: boolean, sec: number, nsec: number): number {
    const d = this.v.data;
    const o = i * SLOTS;
    d[o + W_FRAME] = number;
    d[o + W_ORIG_LEN] = origLen;
    let k = hasTime ? K_TIME : 0;
    if (small(sec) && small(nsec)) {
      d[o + W_SEC] = sec;
      d[o + W_NSEC] = nsec;
    } else {
      // a pcapng or a damaged pcap can give seconds or nanoseconds past 31 bits
      k |= K_WIDE_TIME;
      const x = (i * EXT_SLOTS) >> 1;
      this.v.extTimes[x + D_SEC] = sec;
      this.v.extTimes[x + D_NSEC] = nsec;
    }
    return k;
  }

  /** The next record's index (waiting for room). */
  private next(): number {
    if (((this.pos - this.consumed) | 0) >= RECORDS) this.waitForRoom();
    return this.pos & MASK;
  }

  private done(o: number, k: number): void {
    this.v.data[o] = k;
    this.pos = (this.pos + 1) | 0;
    if (((this.pos - this.published) | 0) >= BATCH) this.publish(false);
  }

  /** Publishes the last records and tells the reader nothing follows. */
  close(): void {
    const ctrl = this.v.ctrl;
    this.publish(false);
    Atomics.store(ctrl, DONE, 1);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
  }

  /** Makes the records written so far readable; wakes a sleeping reader when enough wait (or
   * `wake`). The generation changes every time: a reader about to sleep then does not. */
  private publish(wake: boolean): void {
    const ctrl = this.v.ctrl;
    this.published = this.pos;
    Atomics.store(ctrl, WRITE, this.pos);
    Atomics.add(ctrl, SEQ, 1);
    if (Atomics.load(ctrl, READER_SLEEPS) !== 0 && (wake || ((this.pos - Atomics.load(ctrl, READ)) | 0) >= WAKE_READER)) {
      Atomics.store(ctrl, READER_SLEEPS, 0);
      Atomics.notify(ctrl, SEQ);
    }
  }

  /** Waits until a quarter of the ring is free (the reader wakes it then). */
  private waitForRoom(): void {
    const ctrl = this.v.ctrl;
    this.publish(true);
    const start = performance.now();
    let since = Date.now();
    for (;;) {
      Atomics.store(ctrl, WRITER_WAITS, 1);
      const read = Atomics.load(ctrl, READ);
      if (read !== this.consumed) since = Date.now();
      this.consumed = read;
      if (((this.pos - read) | 0) <= RECORDS - WAKE_WRITER) break;
      if (Atomics.load(ctrl, FAILED) !== 0) throw new FlowPipeError('the conversation table stopped');
      if (Date.now() - since > STALL_MS) throw new FlowPipeError('the conversation table stopped responding');
      Atomics.wait(ctrl, READ, read, 1000);
    }
    Atomics.store(ctrl, WRITER_WAITS, 0);
    this.waits.count++;
    this.waits.ms += performance.now() - start;
  }
}

export class FlowPipeReader {
  /** Sleeps for records. */
  readonly waits: PipeWaits = { count: 0, ms: 0 };
  private readonly v: Views;
  private readonly tcp: PipedTcpHeader;
  private readonly ip4 = { proto: 'ip', src: 0, dst: 0 };
  private readonly ip6 = { proto: 'ipv6', src: new Uint8Array(16), dst: new Uint8Array(16) };
  /** Bytes-in-flight edges by their number (0, 2, 4, 6): refilled, never resized. */
  private readonly bif: number[][] = [[], [0, 0], [0, 0, 0, 0], [0, 0, 0, 0, 0, 0]];
  /** A UDP record's frame (a FlowInput names its fields otherwise). */
  private readonly scratch: FlowFrame = { number: 0, origLen: 0, hasTime: false, tsSec: 0, tsNsec: 0 };

  /** `x` and `layer`: a FlowInput and a TcpLayer to refill (newFlowInput, newTcpLayer). */
  constructor(
    sab: SharedArrayBuffer,
    private readonly x: FlowInput,
    layer: TcpLayer,
  ) {
    this.v = views(sab);
    x.src6 = new Uint8Array(16);
    x.dst6 = new Uint8Array(16);
    this.tcp = { frame: { number: 0, origLen: 0, hasTime: false, tsSec: 0, tsNsec: 0 }, ip: undefined, layer, complete: false, counted: false, last: false, captured: 0 };
  }

  /** Hands every record to `input` (a time reference or a UDP layer) or `tcp` (a TCP header), in
   * order, until the writer closes the pipe. Both are handed one object, refilled. */
  drain(input: (x: FlowInput) => void, tcp: (h: PipedTcpHeader) => void): void {
    const ctrl = this.v.ctrl;
    while (!this.poll(input, tcp)) {
      // caught up: sleep until the writer wakes us (it sees the flag) or published meanwhile
      Atomics.store(ctrl, READER_SLEEPS, 1);
      const seq = Atomics.load(ctrl, SEQ);
      if (Atomics.load(ctrl, WRITE) === Atomics.load(ctrl, READ) && Atomics.load(ctrl, DONE) === 0) {
        const start = performance.now();
        Atomics.wait(ctrl, SEQ, seq);
        this.waits.count++;
        this.waits.ms += performance.now() - start;
      }
      Atomics.store(ctrl, READER_SLEEPS, 0);
    }
  }

  /** `drain` without waiting: hands over the records published so far; true once the writer
   * closed the pipe and every record was read. */
  poll(input: (x: FlowInput) => void, tcp: (h: PipedTcpHeader) => void): boolean {
    const ctrl = this.v.ctrl;
    const d = this.v.data;
    let r = Atomics.load(ctrl, READ);
    const w = Atomics.load(ctrl, WRITE);
    while (r !== w) {
      const i = r & MASK;
      if ((d[i * SLOTS]! & 3) === TCP_HEADER) tcp(this.readTcp(i));
      else input(this.read(i));
      r = (r + 1) | 0;
      if ((r & (BATCH - 1)) === 0) this.acknowledge(r);
    }
    this.acknowledge(r);
    return Atomics.load(ctrl, DONE) !== 0 && r === Atomics.load(ctrl, WRITE);
  }

  /** Tells the writer how far the reader got; wakes it when it waits for room and a quarter of
   * the ring is free (it published everything before it waited: WRITE is its position). */
  private acknowledge(r: number): void {
    const ctrl = this.v.ctrl;
    Atomics.store(ctrl, READ, r);
    if (Atomics.load(ctrl, WRITER_WAITS) !== 0 && ((Atomics.load(ctrl, WRITE) - r) | 0) <= RECORDS - WAKE_WRITER) {
      // once: the writer sets the flag again before it sleeps again
      Atomics.store(ctrl, WRITER_WAITS, 0);
      Atomics.notify(ctrl, READ);
    }
  }

  /** Tells the writer that no record will be read any more (it stops instead of waiting). */
  fail(): void {
    const ctrl = this.v.ctrl;
    Atomics.store(ctrl, FAILED, 1);
    Atomics.notify(ctrl, READ);
  }

  /** Frame number, length and time of record `i` into `f`. */
  private frame(i: number, k: number, f: FlowFrame): void {
    const d = this.v.data;
    const o = i * SLOTS;
    f.number = d[o + W_FRAME]! >>> 0;
    f.origLen = d[o + W_ORIG_LEN]! >>> 0;
    f.hasTime = (k & K_TIME) !== 0;
    if (k & K_WIDE_TIME) {
      const x = (i * EXT_SLOTS) >> 1;
      f.tsSec = this.v.extTimes[x + D_SEC]!;
      f.tsNsec = this.v.extTimes[x + D_NSEC]!;
    } else {
      f.tsSec = d[o + W_SEC]!;
      f.tsNsec = d[o + W_NSEC]!;
    }
  }

  private read(i: number): FlowInput {
    const d = this.v.data;
    const x = this.x;
    const o = i * SLOTS;
    const k = d[o]!;
    x.kind = (k & 3) as 0 | 2;
    x.last = (k & K_LAST) !== 0;
    const f = this.scratch;
    this.frame(i, k, f);
    x.frame = f.number;
    x.origLen = f.origLen;
    x.hasTime = f.hasTime;
    x.tsSec = f.tsSec;
    x.tsNsec = f.tsNsec;
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
      getAddr6(this.v.ext, i * EXT_SLOTS + X_SRC6, x.src6);
      getAddr6(this.v.ext, i * EXT_SLOTS + X_DST6, x.dst6);
    } else x.family = 0;
    x.hasSegment = false;
    return x;
  }

  private readTcp(i: number): PipedTcpHeader {
    const d = this.v.data;
    const h = this.tcp;
    const o = i * SLOTS;
    const x = i * EXT_SLOTS;
    const k = d[o]!;
    h.last = (k & K_LAST) !== 0;
    h.counted = (k & K_COUNTED) !== 0;
    h.complete = (k & K_COMPLETE) !== 0;
    this.frame(i, k, h.frame);
    if (k & K_V4) {
      h.ip = this.ip4;
      this.ip4.src = d[o + W_SRC4]! >>> 0;
      this.ip4.dst = d[o + W_DST4]! >>> 0;
    } else if (k & K_V6) {
      h.ip = this.ip6;
      getAddr6(this.v.ext, x + X_SRC6, this.ip6.src);
      getAddr6(this.v.ext, x + X_DST6, this.ip6.dst);
    } else h.ip = undefined;
    h.captured = d[o + W_CAPTURED]!;
    const t = h.layer;
    t.errorDepth = k & K_QUOTED ? 1 : 0;
    t.fail = (k >>> K_FAIL_SHIFT) & 3;
    const ports = d[o + W_PORTS]!;
    t.srcPort = ports >>> 16;
    t.dstPort = ports & 0xffff;
    t.seq = d[o + W_SEQ]! >>> 0;
    t.ack = d[o + W_ACK]! >>> 0;
    const fl = d[o + W_FLAGS]!;
    t.flags = fl & 0xffff;
    t.hdrLen = fl >>> 16;
    t.window = d[o + W_WINDOW]!;
    t.seglen = d[o + W_LEN]!;
    const mss = d[o + W_MSS]!;
    t.mss = k & K_MSS ? mss & 0xffff : undefined;
    t.wscale = k & K_WSCALE ? mss >>> 16 : undefined;
    t.sackPerm = (k & K_SACK_PERM) !== 0;
    t.tfoCookie = (k & K_TFO) !== 0;
    t.accEcnOption = k & K_ACC_ECN ? true : undefined;
    t.tsval = t.tsecr = k & K_TS ? 0 : undefined;
    if (k & (K_SACK | K_BIF)) {
      const e = this.v.ext;
      const counts = e[x + X_SACK_COUNT]!;
      // a new array: a tracker keeps a SYN's SACK edges (the analysis copies the others)
      t.sack = k & K_SACK ? edges(e, x + X_SACK, counts & 0xff, new Array<number>(counts & 0xff)) : undefined;
      t.sackBif = k & K_BIF ? edges(e, x + X_BIF, counts >>> 8, this.bif[(counts >>> 9) & 3]!) : undefined;
    } else t.sack = t.sackBif = undefined;
    t.analysis = undefined;
    return h;
  }
}

/** Unsigned words `o` .. `o + n - 1` into `into`, of length `n`. */
function edges(d: Int32Array, o: number, n: number, into: number[]): number[] {
  for (let i = 0; i < n; i++) into[i] = d[o + i]! >>> 0;
  return into;
}
