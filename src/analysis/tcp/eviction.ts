import { TH_FIN, TH_RST } from '../../decoders/tcp.js';
import type { TcpAnalyzer, TcpSegmentEvent, TcpSegmentListener } from './index.js';
import type { TcpConversation } from './state.js';
import { grown } from './table.js';

export interface EvictionOptions {
  /** Most conversations kept with full analysis state at once. */
  maxLive: number;
  /** Capture seconds a closed conversation (RST, or FIN both ways) is kept after its last packet,
   * so that late retransmissions of the close are still analysed like tshark. */
  closedIdleSec: number;
}

export const DEFAULT_EVICTION: EvictionOptions = { maxLive: 20_000, closedIdleSec: 10 };

/** A list of table entries linked through the `prev`/`next` arrays, least recently active first. */
interface EntryList {
  head: number;
  tail: number;
  size: number;
}

/** FIN seen from flow1 (1) and from flow2 (2); RST (4). */
const FIN1 = 1;
const FIN2 = 2;
const RST = 4;

function closed(bits: number): boolean {
  return (bits & RST) !== 0 || (bits & (FIN1 | FIN2)) === (FIN1 | FIN2);
}

/**
 * Bounded memory for the TCP engine: conversations that closed and went quiet, and beyond
 * `maxLive` the least recently active ones, are dropped from the analyser; their 4-tuple keeps a
 * compact tombstone in the analyser's table (same `tcp.stream` for late packets). A SYN scan
 * therefore holds at most `maxLive` conversation objects, plus ~100 bytes per distinct 4-tuple.
 *
 * What it keeps per conversation sits in arrays indexed by the analyser's table entry (a dense id
 * per 4-tuple), and the conversations are in two intrusive lists, open and closed, each in order
 * of last activity: a packet costs a few array writes, and making room drops list heads, where a
 * map of records sorted at every overflow cost a SYN scan a fifth of its analysis time.
 */
export class TcpEviction implements TcpSegmentListener {
  /** By entry: the stream tracked there (-1: none), its FIN/RST bits, the capture time of its
   * latest packet (s), and its links in the open or closed list. */
  private stream = new Int32Array(0);
  private bits = new Uint8Array(0);
  private last = new Float64Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private readonly openList: EntryList = { head: -1, tail: -1, size: 0 };
  private readonly closedList: EntryList = { head: -1, tail: -1, size: 0 };
  private sweeps = 0;

  constructor(
    private readonly analyzer: TcpAnalyzer,
    private readonly opts: EvictionOptions = DEFAULT_EVICTION,
  ) {}

  /** Conversations tracked (with full state in the analyser). */
  get live(): number {
    return this.openList.size + this.closedList.size;
  }

  onSegment(e: TcpSegmentEvent): void {
    const conv = e.conversation;
    const id = conv.entry;
    // (a conversation outside the table cannot be dropped: nothing to track)
    if (id < 0) return;
    if (id >= this.stream.length) this.grow(id);
    const frame = e.frame;
    const now = frame.tsSec + frame.tsNsec / 1e9;
    let from: EntryList | null = null;
    if (this.stream[id] === conv.stream) from = closed(this.bits[id]!) ? this.closedList : this.openList;
    else {
      // a conversation new to us (one it replaced on the same tuple was retired)
      if (this.stream[id]! >= 0) this.untrack(id);
      this.stream[id] = conv.stream;
      this.bits[id] = 0;
    }
    this.last[id] = now;
    const flags = e.layer.flags;
    if (flags & (TH_FIN | TH_RST) && e.layer.errorDepth === 0) {
      if (flags & TH_RST) this.bits[id] |= RST;
      if (flags & TH_FIN) this.bits[id] |= e.fwd === conv.flow1 ? FIN1 : FIN2;
    }
    // to the end of its list (a bulk transfer's packets come in runs: it mostly is there already)
    const to = closed(this.bits[id]!) ? this.closedList : this.openList;
    if (from !== to || to.tail !== id) {
      if (from) this.unlink(from, id);
      this.append(to, id);
    }
    if ((++this.sweeps & 1023) === 0) this.sweepClosed(now);
    if (this.live > this.opts.maxLive) this.shrink(id);
  }

  onRetire(conv: TcpConversation): void {
    const id = conv.entry;
    if (id >= 0 && id < this.stream.length && this.stream[id] === conv.stream) this.untrack(id);
  }

  /** Drops closed conversations whose last packet is `closedIdleSec` or more before `now`, least
   * recently active first. */
  private sweepClosed(now: number): void {
    const list = this.closedList;
    while (list.head >= 0 && now - this.last[list.head]! >= this.opts.closedIdleSec) this.drop(list, list.head);
  }

  /** Over the cap: drops the least recently active quarter, closed ones first (never `current`,
   * the conversation of the packet at hand, last in its list). */
  private shrink(current: number): void {
    let n = Math.ceil(this.opts.maxLive / 4);
    for (const list of [this.closedList, this.openList]) {
      while (n > 0 && list.head >= 0 && list.head !== current) {
        this.drop(list, list.head);
        n--;
      }
    }
  }

  private drop(list: EntryList, id: number): void {
    const conv = this.analyzer.entries.conv[id];
    // the analyser retires it, which untracks it here (`onRetire`)
    if (conv && conv.stream === this.stream[id]) this.analyzer.drop(conv);
    if (this.stream[id]! >= 0) {
      this.unlink(list, id);
      this.stream[id] = -1;
    }
  }

  private untrack(id: number): void {
    this.unlink(closed(this.bits[id]!) ? this.closedList : this.openList, id);
    this.stream[id] = -1;
  }

  private append(list: EntryList, id: number): void {
    this.prev[id] = list.tail;
    this.next[id] = -1;
    if (list.tail >= 0) this.next[list.tail] = id;
    else list.head = id;
    list.tail = id;
    list.size++;
  }

  private unlink(list: EntryList, id: number): void {
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p >= 0) this.next[p] = n;
    else list.head = n;
    if (n >= 0) this.prev[n] = p;
    else list.tail = p;
    list.size--;
  }

  private grow(id: number): void {
    let cap = Math.max(1024, this.stream.length);
    while (cap <= id) cap *= 2;
    const old = this.stream.length;
    this.stream = grown(this.stream, cap).fill(-1, old);
    this.prev = grown(this.prev, cap);
    this.next = grown(this.next, cap);
    this.bits = grown(this.bits, cap);
    this.last = grown(this.last, cap);
  }
}
