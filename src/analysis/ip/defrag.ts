/**
 * IP fragment reassembly (IPv4 and IPv6), in the spirit of Wireshark's `ip.defragment` /
 * `ipv6.defragment` (both on by default): fragments are collected per datagram key, and the
 * frame whose fragment completes the datagram gets the reassembled payload.
 *
 * Memory is bounded: a datagram may not grow past `maxDatagram` bytes, at most `maxPending`
 * datagrams are kept (the oldest is dropped first), and a datagram that has not seen a new
 * fragment for `timeoutSec` seconds of capture time is dropped. Fragment bytes are copied, so
 * frame buffers are never kept alive by a pending datagram.
 */

export interface DefragOptions {
  /** Largest reassembled payload accepted, in bytes (IPv4 cannot exceed 65515). */
  maxDatagram?: number;
  /** Most datagrams waiting for fragments at once. */
  maxPending?: number;
  /** Capture-time seconds after the last fragment before a pending datagram is dropped. */
  timeoutSec?: number;
}

/** One fragment of a reassembled datagram, for the `ip.fragment` lines. */
export interface FragmentRef {
  frame: number;
  /** Offset of the fragment's payload in the datagram, in bytes. */
  offset: number;
  length: number;
}

export interface Reassembled {
  data: Uint8Array;
  /** Fragments in datagram order (Wireshark lists them by offset). */
  fragments: FragmentRef[];
}

/** What `add` says about a fragment. */
export type DefragResult =
  | { status: 'pending' }
  | { status: 'complete'; datagram: Reassembled }
  /** Dropped: beyond the size limit or otherwise unusable; decode it as a plain fragment. */
  | { status: 'rejected' };

interface Piece {
  frame: number;
  offset: number;
  bytes: Uint8Array;
}

interface Pending {
  pieces: Piece[];
  /** Datagram length once the last fragment (more = false) is known, else -1. */
  total: number;
  /** Bytes held, to bound memory per datagram (overlaps counted twice on purpose). */
  held: number;
  lastSeen: number;
}

const DEFAULTS: Required<DefragOptions> = {
  maxDatagram: 65535,
  maxPending: 4096,
  timeoutSec: 60,
};

export class Defragmenter {
  private readonly opts: Required<DefragOptions>;
  /** Insertion order doubles as age order for eviction. */
  private readonly pending = new Map<string, Pending>();

  constructor(opts: DefragOptions = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Datagrams currently waiting for fragments. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Adds one fragment. `key` identifies the datagram (e.g. `4|src|dst|id|proto`), `time` is the
   * capture time in seconds, `offset` the fragment offset in bytes, `payload` the fragment's
   * bytes (copied), `more` the More Fragments flag.
   */
  add(key: string, frame: number, time: number, offset: number, payload: Uint8Array, more: boolean): DefragResult {
    this.expire(time);
    const endOff = offset + payload.length;
    if (offset < 0 || endOff > this.opts.maxDatagram) return { status: 'rejected' };
    let p = this.pending.get(key);
    if (p && p.held + payload.length > this.opts.maxDatagram * 2) {
      // Hostile overlap storm: give the datagram up.
      this.pending.delete(key);
      return { status: 'rejected' };
    }
    if (!p) {
      if (this.pending.size >= this.opts.maxPending) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
      p = { pieces: [], total: -1, held: 0, lastSeen: time };
      this.pending.set(key, p);
    } else {
      // Refresh its age for eviction.
      this.pending.delete(key);
      this.pending.set(key, p);
    }
    p.lastSeen = time;
    p.pieces.push({ frame, offset, bytes: payload.slice() });
    p.held += payload.length;
    if (!more && p.total < 0) p.total = endOff;
    if (p.total < 0) return { status: 'pending' };
    if (!covers(p.pieces, p.total)) return { status: 'pending' };
    this.pending.delete(key);
    return { status: 'complete', datagram: assemble(p.pieces, p.total) };
  }

  /** Drops datagrams idle for longer than the timeout (capture time). */
  private expire(now: number): void {
    if (this.pending.size === 0) return;
    const limit = now - this.opts.timeoutSec;
    for (const [k, p] of this.pending) {
      if (p.lastSeen >= limit) continue;
      this.pending.delete(k);
    }
  }
}

/** True when the pieces cover [0, total) without a gap. */
function covers(pieces: readonly Piece[], total: number): boolean {
  const sorted = [...pieces].sort((a, b) => a.offset - b.offset);
  let reached = 0;
  for (const s of sorted) {
    if (s.offset > reached) return false;
    reached = Math.max(reached, s.offset + s.bytes.length);
    if (reached >= total) return true;
  }
  return reached >= total;
}

/** Copies the pieces into one buffer, in offset order (later frames win on equal offsets);
 * bytes past `total` (a fragment too long) are cut off. */
function assemble(pieces: readonly Piece[], total: number): Reassembled {
  const sorted = [...pieces].sort((a, b) => a.offset - b.offset || a.frame - b.frame);
  const data = new Uint8Array(total);
  const fragments: FragmentRef[] = [];
  for (const s of sorted) {
    const len = Math.max(0, Math.min(s.bytes.length, total - s.offset));
    data.set(s.bytes.subarray(0, len), s.offset);
    fragments.push({ frame: s.frame, offset: s.offset, length: s.bytes.length });
  }
  return { data, fragments };
}
