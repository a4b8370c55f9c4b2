import { TH_FIN, TH_RST } from '../../decoders/tcp.js';
import type { TcpAnalyzer, TcpSegmentEvent, TcpSegmentListener } from './index.js';
import type { TcpConversation } from './state.js';

export interface EvictionOptions {
  /** Most conversations kept with full analysis state at once. */
  maxLive: number;
  /** Capture seconds a closed conversation (RST, or FIN both ways) is kept after its last packet,
   * so that late retransmissions of the close are still analysed like tshark. */
  closedIdleSec: number;
}

export const DEFAULT_EVICTION: EvictionOptions = { maxLive: 20_000, closedIdleSec: 10 };

interface Tracked {
  /** FIN seen from flow1 (1) and flow2 (2); RST (4). */
  closeBits: number;
  /** Capture time of the latest packet, seconds. */
  last: number;
}

/**
 * Bounded memory for the TCP engine: conversations that closed and went quiet, and beyond
 * `maxLive` the least recently active ones, are dropped from the analyser; their 4-tuple keeps a
 * compact tombstone in the analyser's table (same `tcp.stream` for late packets). A SYN scan
 * therefore holds at most `maxLive` conversation objects, plus ~100 bytes per distinct 4-tuple.
 */
export class TcpEviction implements TcpSegmentListener {
  private readonly live = new Map<TcpConversation, Tracked>();
  /** Conversations in the order they closed; `closedHead` is the first not yet looked at. */
  private closedQueue: TcpConversation[] = [];
  private closedHead = 0;
  private sweeps = 0;

  constructor(
    private readonly analyzer: TcpAnalyzer,
    private readonly opts: EvictionOptions = DEFAULT_EVICTION,
  ) {}

  onSegment(e: TcpSegmentEvent): void {
    const conv = e.conversation;
    const frame = e.ctx.packet.frame;
    const now = frame.tsSec + frame.tsNsec / 1e9;
    let t = this.live.get(conv);
    if (!t) {
      t = { closeBits: 0, last: now };
      this.live.set(conv, t);
    }
    t.last = now;
    const flags = e.layer.flags;
    if (flags & (TH_FIN | TH_RST) && e.layer.errorDepth === 0) {
      const wasClosed = closed(t.closeBits);
      if (flags & TH_RST) t.closeBits |= 4;
      if (flags & TH_FIN) t.closeBits |= e.fwd === conv.flow1 ? 1 : 2;
      if (!wasClosed && closed(t.closeBits)) this.closedQueue.push(conv);
    }
    if ((++this.sweeps & 1023) === 0) this.sweepClosed(now);
    if (this.live.size > this.opts.maxLive) this.shrink(conv);
  }

  onRetire(conv: TcpConversation): void {
    this.live.delete(conv);
  }

  /** Drops closed conversations whose last packet is older than `closedIdleSec`, oldest closes
   * first (a conversation that spoke after closing waits for the next sweep that reaches it). */
  private sweepClosed(now: number): void {
    const q = this.closedQueue;
    while (this.closedHead < q.length) {
      const c = q[this.closedHead]!;
      const t = this.live.get(c);
      if (t && now - t.last < this.opts.closedIdleSec) break;
      if (t) this.analyzer.drop(c);
      this.closedHead++;
    }
    if (this.closedHead > 4096 && this.closedHead * 2 > q.length) {
      this.closedQueue = q.slice(this.closedHead);
      this.closedHead = 0;
    }
  }

  /** Over the cap: drops the least recently active quarter, closed ones first. */
  private shrink(current: TcpConversation): void {
    const all = [...this.live].filter(([c]) => c !== current).sort(
      (a, b) => Number(closed(b[1].closeBits)) - Number(closed(a[1].closeBits)) || a[1].last - b[1].last,
    );
    const n = Math.ceil(this.opts.maxLive / 4);
    for (let i = 0; i < n && i < all.length; i++) this.analyzer.drop(all[i]![0]);
  }
}

function closed(bits: number): boolean {
  return (bits & 4) !== 0 || (bits & 3) === 3;
}
