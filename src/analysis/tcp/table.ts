/**
 * The 4-tuple → conversation table, built for the per-packet hot path: keys are canonicalised by
 * direction into a few int32 words (IPv4: 3 words, IPv6: 9 words) held in an open-addressing
 * table of typed arrays, so a lookup hashes and compares integers and allocates nothing.
 *
 * Each distinct 4-tuple gets an *entry* (a dense integer id). The entry points to the current
 * conversation of the tuple; a SYN that reuses the ports with a new ISN replaces it (new
 * `tcp.stream`), as Wireshark's conversation table does. An entry also keeps a compact
 * tombstone (stream index, base sequence numbers, completeness, times), so that the
 * conversation object of a closed, idle conversation can be dropped (`TcpEntries.drop`) and a
 * later packet of the same tuple still gets the same `tcp.stream` (and the reused-port test still
 * sees the old ISNs). Only the analysis details of such a late packet can differ from tshark
 * (fresh sequence state); the engine itself never drops anything — the caller decides.
 */
import type { TcpConversation } from './state.js';

export class KeyTable {
  private keys: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(
    readonly width: number,
    capacity = 1024,
  ) {
    let cap = 16;
    while (cap < capacity) cap <<= 1;
    this.keys = new Int32Array(cap * width);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  static hash(key: Int32Array, width: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < width; i++) {
      h = Math.imul(h ^ key[i]!, 0x9e3779b1);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 13), 0x85ebca6b);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** Entry id of `key`, or -1. */
  lookup(key: Int32Array, hash: number): number {
    const w = this.width;
    const keys = this.keys;
    const ids = this.ids;
    let i = hash & this.mask;
    for (;;) {
      const id = ids[i]!;
      if (id < 0) return -1;
      const o = i * w;
      let eq = true;
      for (let j = 0; j < w; j++) {
        if (keys[o + j] !== key[j]) {
          eq = false;
          break;
        }
      }
      if (eq) return id;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds `key` (not present) with entry `id`. */
  insert(key: Int32Array, hash: number, id: number): void {
    if ((this.size + 1) * 2 > this.ids.length) this.grow();
    this.place(key, 0, hash, id);
    this.size++;
  }

  private place(src: Int32Array, srcOff: number, hash: number, id: number): void {
    const w = this.width;
    let i = hash & this.mask;
    while (this.ids[i]! >= 0) i = (i + 1) & this.mask;
    this.ids[i] = id;
    this.keys.set(src.subarray(srcOff, srcOff + w), i * w);
  }

  private grow(): void {
    const w = this.width;
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const cap = oldIds.length * 2;
    this.keys = new Int32Array(cap * w);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    const k = new Int32Array(w);
    for (let i = 0; i < oldIds.length; i++) {
      const id = oldIds[i]!;
      if (id < 0) continue;
      k.set(oldKeys.subarray(i * w, i * w + w));
      this.place(k, 0, KeyTable.hash(k, w), id);
    }
  }
}

/** `a` copied into a new typed array of its kind with `cap` elements (per-entry arrays grow). */
export function grown<A extends Int32Array | Uint8Array | Float64Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
}

/** Per-entry data: the live conversation (or undefined once dropped) and its tombstone. */
export class TcpEntries {
  conv: (TcpConversation | undefined)[] = [];
  stream = new Int32Array(64);
  base1 = new Float64Array(64);
  base2 = new Float64Array(64);
  /** bit 0: flow1 base set, bit 1: flow2 base set. */
  baseSet = new Uint8Array(64);
  completeness = new Uint8Array(64);
  /** 1: a segment of this 4-tuple went to a decoder above TCP (kept by speculative runs only). */
  above = new Uint8Array(64);
  tsFirst = new Float64Array(64);
  tsPrev = new Float64Array(64);
  baseSec = new Float64Array(64);
  count = 0;

  add(): number {
    const id = this.count++;
    if (id >= this.stream.length) {
      const cap = this.stream.length * 2;
      this.stream = grown(this.stream, cap);
      this.base1 = grown(this.base1, cap);
      this.base2 = grown(this.base2, cap);
      this.baseSet = grown(this.baseSet, cap);
      this.completeness = grown(this.completeness, cap);
      this.above = grown(this.above, cap);
      this.tsFirst = grown(this.tsFirst, cap);
      this.tsPrev = grown(this.tsPrev, cap);
      this.baseSec = grown(this.baseSec, cap);
    }
    this.conv.push(undefined);
    return id;
  }

  /** Drops the conversation object of entry `id`, keeping its tombstone. */
  drop(id: number): TcpConversation | undefined {
    const c = this.conv[id];
    if (!c) return undefined;
    this.stream[id] = c.stream;
    this.base1[id] = c.flow1.baseSeq;
    this.base2[id] = c.flow2.baseSeq;
    this.baseSet[id] = (c.flow1.baseSeqSet ? 1 : 0) | (c.flow2.baseSeqSet ? 2 : 0);
    this.completeness[id] = c.completeness;
    this.tsFirst[id] = c.tsFirst;
    this.tsPrev[id] = c.tsPrev;
    this.baseSec[id] = c.baseSec;
    this.conv[id] = undefined;
    return c;
  }
}
