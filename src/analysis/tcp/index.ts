/**
 * TCP conversation tracking and Wireshark-exact per-packet analysis (tshark 4.0.17, single pass,
 * default preferences; see /work/shared/TCP-ANALYSIS.md).
 *
 * Per packet (`onLayer`, right after the TCP header was decoded; also for TCP headers quoted in
 * ICMP errors, which only allocate/touch a conversation like Wireshark's):
 *   1. conversation lookup by the 4-tuple in either direction (table.ts; no VLAN, no interface),
 *      a new conversation (new `tcp.stream`) for a new tuple or a SYN with a new ISN;
 *   2. reused-port checks, stream timestamps;
 *   3. the sequence analysis (analyze.ts) when the segment length is known;
 *   4. relative numbers, scaled window, completeness, SYN/FIN/iRTT state;
 *   5. rendering of the TCP tree and Info column (decoders/tcp.ts `renderTcp`), which also walks
 *      the options; then their effects (window scale, SACK blocks, TFO) and the SYN window-scale
 *      check;
 *   6. the payload hand-off (none for retransmissions/out-of-order, `data` for keep-alives) and
 *      the segment listeners (reassembly and the like, see `TcpSegmentListener`).
 *
 * Results: `layer.analysis` (TcpPacketAnalysis) on every analysed TCP layer, and the tree/Info.
 *
 * Memory: state is per conversation only (state.ts): two flows with their unacked segment lists
 * (each bounded by 10000 entries, emptied by ACKs) and a few numbers. Conversations stay in the
 * table until a SYN with a new ISN replaces them (the old object is then released after the
 * listeners' `onRetire`) or until the owner calls `drop(conv)`, which keeps a tombstone so later
 * packets of the same 4-tuple keep their `tcp.stream` (table.ts explains the trade-off).
 */
import type { DecodeContext, DecodeResult, Next } from '../../decoders/core/context.js';
import { storeAsDoubles } from '../../decoders/core/doubles.js';
import { heuristicDecoder, portDecoder } from '../../decoders/core/dissect.js';
import type { Layer } from '../../decoders/core/packet.js';
import type { Analyzer, Session } from '../../decoders/core/registry.js';
import type { Frame } from '../../capture/types.js';
import {
  TCP_A,
  TH_ACK,
  TH_FIN,
  TH_SYN,
  enclosingIp,
  renderTcp,
  tcpPayloadNext,
  type TcpLayer,
  type TcpPacketAnalysis,
  type TcpRenderingAnalyzer,
} from '../../decoders/tcp.js';
import { DEFAULT_PREFS, analyzeSequence, newSegmentFacts, type TcpAnalysisPrefs } from './analyze.js';
import { COMPLETENESS, TcpConversation, type TcpFlow } from './state.js';
import { KeyTable, TcpEntries } from './table.js';
import { TcpDesegmenter, reachesAboveTcp } from './desegment.js';

export { analyzeSequence, DEFAULT_PREFS, type TcpAnalysisPrefs } from './analyze.js';
export { COMPLETENESS, MAX_UNACKED_SEGMENTS, SegmentList, TcpConversation, TcpFlow, gtSeq, geSeq, ltSeq, leSeq } from './state.js';
export { KeyTable, TcpEntries } from './table.js';

/** The frame a TCP header came in, as the analysis reads it (a Frame is one). */
export type TcpFrameRef = Pick<Frame, 'number' | 'tsSec' | 'tsNsec'>;

/** The network layer around a TCP header: its addresses key the conversation (an IPv4 or IPv6
 * layer is one; none, or no addresses, keys it by the ports alone). */
export interface TcpIpRef {
  proto: string;
  src?: unknown;
  dst?: unknown;
}

/** What a segment listener sees for each TCP layer, after the analysis and the rendering. */
export interface TcpSegmentEvent {
  /** The decoding at hand; undefined when the header was decoded elsewhere (`analyzeHeader`). */
  ctx: DecodeContext | undefined;
  frame: TcpFrameRef;
  layer: TcpLayer;
  analysis: TcpPacketAnalysis;
  conversation: TcpConversation;
  /** The sender's flow and the peer's. */
  fwd: TcpFlow;
  rev: TcpFlow;
  /** Frame time in ns since `conversation.baseSec`. */
  now: number;
  /** The hand-off decided so far (may be replaced by returning another result). */
  result: DecodeResult;
  /** The header decoded completely (no bogus length, no read past the TCP bytes). */
  complete: boolean;
}

/** Hook for modules built on the engine (reassembly, connection state, flow summaries). */
export interface TcpSegmentListener {
  /** Every TCP layer, quoted ICMP-error headers included (`layer.errorDepth > 0`). May return a
   * new hand-off (e.g. reassembled bytes in `data`), or nothing to keep `event.result`. The
   * event object is refilled for the next segment: keep what it holds, never the event. */
  onSegment?(event: TcpSegmentEvent): DecodeResult | void;
  /** A conversation leaves the engine: replaced by a new stream on the same ports, dropped, or at
   * the end of the capture. */
  onRetire?(conv: TcpConversation, reason: 'reused' | 'dropped' | 'finish'): void;
}

/** How `analyze` gets a header's options walked: by `renderTcp` in the decoding at hand, or
 * already elsewhere, to the end (complete) or not. */
const RENDER = 0;
const WALKED_COMPLETE = 1;
const WALKED_INCOMPLETE = 2;
type Walked = typeof RENDER | typeof WALKED_COMPLETE | typeof WALKED_INCOMPLETE;
/** The hand-off of a header decoded elsewhere: none here. */
const NO_DECODING: DecodeResult = { offset: 0, end: 0 };

export class TcpAnalyzer implements Analyzer, TcpRenderingAnalyzer {
  readonly rendersTcp = true as const;
  readonly entries = new TcpEntries();
  readonly listeners: TcpSegmentListener[] = [];
  /** Next `tcp.stream` index. */
  streamCount = 0;
  /** The listeners' event (they keep nothing of it), and whether it is being handed round. */
  private readonly event: TcpSegmentEvent = storeAsDoubles({ ctx: undefined, frame: null!, layer: null!, analysis: null!, conversation: null!, fwd: null!, rev: null!, now: 0, result: null!, complete: false }, ['now']);
  private eventBusy = false;
  /** The analysis handed to recycled packets, and the frame it was last filled for. */
  private readonly spare = newAnalysis(0, 0, 0, 1);
  private spareFrame = -1;
  /** The segment `analyzeSequence` reads. */
  private readonly segment = newSegmentFacts();
  private readonly v4 = new KeyTable(3, 4096);
  private readonly v6 = new KeyTable(9, 64);
  private readonly key4 = new Int32Array(3);
  private readonly key6 = new Int32Array(9);
  /** The last key looked up in each table, and its entry (-1: none; an entry is never removed). */
  private readonly last4 = { key: new Int32Array(3), id: -1 };
  private readonly last6 = { key: new Int32Array(9), id: -1 };

  constructor(
    readonly session: Session,
    readonly prefs: TcpAnalysisPrefs = DEFAULT_PREFS,
  ) {}

  addListener(l: TcpSegmentListener): this {
    this.listeners.push(l);
    return this;
  }

  /** The live conversations, in table order. */
  *conversations(): Generator<TcpConversation> {
    for (const c of this.entries.conv) if (c) yield c;
  }

  /** Releases a conversation's state (keeps its stream number for later packets of its tuple). */
  drop(conv: TcpConversation): void {
    if (conv.entry < 0 || this.entries.conv[conv.entry] !== conv) return;
    this.entries.drop(conv.entry);
    for (const l of this.listeners) l.onRetire?.(conv, 'dropped');
  }

  onLayer(ctx: DecodeContext, layer: Layer, result: DecodeResult): DecodeResult | void {
    if (layer.proto !== 'tcp') return;
    return this.analyze(ctx, ctx.packet.frame, enclosingIp(ctx), layer as TcpLayer, result, ctx.recycled, RENDER);
  }

  /**
   * The analysis of a TCP header decoded elsewhere: in a flow pipe (engine/flow-pipe.ts) the
   * decoding thread walks the header and its options, and this thread analyses it. `complete` is
   * what `renderTcp` answered there. The analysis object is this analyser's own, refilled for the
   * next header (the caller keeps nothing of it); the listeners get no decoding context.
   */
  analyzeHeader(frame: TcpFrameRef, ip: TcpIpRef | undefined, l: TcpLayer, complete: boolean): TcpPacketAnalysis {
    this.analyze(undefined, frame, ip, l, NO_DECODING, true, complete ? WALKED_COMPLETE : WALKED_INCOMPLETE);
    return l.analysis!;
  }

  /** `onLayer` for a header decoded in `ctx`, or decoded elsewhere (`analyzeHeader`): `walked`
   * says which, and how the walk of its options ended. */
  private analyze(
    ctx: DecodeContext | undefined,
    frame: TcpFrameRef,
    ip: TcpIpRef | undefined,
    l: TcpLayer,
    result: DecodeResult,
    recycled: boolean,
    walked: Walked,
  ): DecodeResult {
    const frameNo = frame.number;
    const flags = l.flags;
    const seq = l.seq;
    const ack = l.ack;

    // 1. conversation of the 4-tuple, and the direction
    const entry = this.lookup(ip, l);
    const dirFwd1 = this.dirIsFlow1;
    let isNew = false;
    let conv = this.entries.conv[entry];
    if (!conv) {
      if (this.freshEntry) {
        conv = this.newConversation(entry, frame.tsSec, frame.tsNsec, frameNo);
        isNew = true;
      } else conv = this.revive(entry, frameNo);
    }
    let fwd = dirFwd1 ? conv.flow1 : conv.flow2;
    let rev = dirFwd1 ? conv.flow2 : conv.flow1;

    // a recycled packet's analysis can be this analyser's own object, refilled (one per frame:
    // a second TCP layer in the same frame gets a new one)
    let a: TcpPacketAnalysis;
    if (recycled && this.spareFrame !== frameNo) {
      a = resetAnalysis(this.spare, seq, ack, l.window, dirFwd1 ? 1 : 2);
      this.spareFrame = frameNo;
    } else a = newAnalysis(seq, ack, l.window, dirFwd1 ? 1 : 2);

    // 2. reused ports: a SYN with a new ISN starts a new conversation (new stream); one with
    // the same ISN restores nextseq (RFC 793 RSTs may carry any seq, Wireshark issue 17616) and
    // gets a SEQ/ACK record, without the reused-ports flag in 4.0.17 ...
    const synAck = flags & (TH_SYN | TH_ACK);
    if (synAck === TH_SYN && fwd.baseSeqSet) {
      if (seq !== fwd.baseSeq) {
        const old = conv;
        conv = this.newConversation(entry, frame.tsSec, frame.tsNsec, frameNo);
        for (const x of this.listeners) x.onRetire?.(old, 'reused');
        fwd = dirFwd1 ? conv.flow1 : conv.flow2;
        rev = dirFwd1 ? conv.flow2 : conv.flow1;
        a.hasTa = true;
        a.flags |= TCP_A.REUSED_PORTS;
        conv.completeness = COMPLETENESS.SYN;
      } else {
        fwd.nextSeq = fwd.maxSeqToBeAcked;
        a.hasTa = true;
      }
    }
    const now = conv.time(frame.tsSec, frame.tsNsec);
    // ... a SYN/ACK with a new ISN only rebases its flow.
    if (synAck === (TH_SYN | TH_ACK) && fwd.baseSeqSet && seq !== fwd.baseSeq) {
      fwd.baseSeq = seq;
      a.hasTa = true;
      a.flags |= TCP_A.REUSED_PORTS;
    }
    conv.packets++;
    conv.lastFrame = frameNo;
    a.stream = conv.stream;
    a.completeness = conv.completeness;
    fwd.sackCount = 0;
    a.timeDelta = (now - conv.tsPrev) / 1e9;
    conv.tsPrev = now;
    a.timeRelative = (now - conv.tsFirst) / 1e9;

    // 3. sequence analysis and displayed numbers (needs the segment length)
    const seglen = l.seglen;
    let win = l.window;
    if (seglen >= 0) {
      const s = this.segment;
      s.frame = frameNo;
      s.now = now;
      s.seq = seq;
      s.ack = ack;
      s.seglen = seglen;
      s.flags = flags;
      s.window = l.window;
      analyzeSequence(conv, fwd, rev, a, s, this.prefs);
      a.seq = (seq - fwd.baseSeq) >>> 0;
      if (flags & TH_ACK) a.ack = (ack - rev.baseSeq) >>> 0;
      if (!(flags & TH_SYN) && fwd.winScale >= 0) win = (l.window << fwd.winScale) >>> 0;
      a.nxtseq = (a.seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0)) >>> 0;
    }
    a.window = win;
    if (!(flags & TH_SYN)) a.scaleFactor = fwd.winScale >= 0 ? 1 << fwd.winScale : fwd.winScale;
    a.peerBase = rev.baseSeq;

    // 4. completeness, SYN/FIN state, iRTT (skipped after a bogus header length)
    if (l.hdrLen >= 20) {
      const th = seglen > 0 ? seglen : 0;
      let c = 0;
      if (isNew) {
        if (synAck === TH_SYN) {
          c |= COMPLETENESS.SYN;
          if (th > 0) c |= COMPLETENESS.DATA; // TCP Fast Open
        }
      } else {
        c = conv.completeness;
        if (synAck === (TH_SYN | TH_ACK)) c |= COMPLETENESS.SYNACK;
        if (synAck === TH_ACK) c |= th > 0 ? COMPLETENESS.DATA : COMPLETENESS.ACK;
        if ((flags & (TH_FIN | TH_ACK)) === (TH_FIN | TH_ACK)) c |= COMPLETENESS.FIN;
        if (flags & 0x04) c |= COMPLETENESS.RST;
      }
      conv.completeness = c;
      if (flags & TH_SYN) {
        if (flags & TH_ACK) conv.serverPort = l.srcPort;
        else {
          conv.serverPort = l.dstPort;
          conv.tsMruSyn = now;
          // A SYN stamped exactly at the epoch counts as no SYN (Wireshark's nstime_is_zero).
          conv.mruSynSet = !(frame.tsSec === 0 && frame.tsNsec === 0);
        }
        fwd.isFirstAck = true;
      }
      if (flags & TH_FIN && !rev.closingInitiator) {
        fwd.closingInitiator = true;
        a.finActive = true;
      }
      if (synAck === TH_ACK) {
        if (conv.mruSynSet && conv.firstRtt === 0) conv.firstRtt = now - conv.tsMruSyn;
        fwd.isFirstAck = false;
      }
    }
    // Accurate ECN: negotiated by the handshake (SYN with AE+CWR+ECE, SYN/ACK with ACE 2, 3, 4
    // or 6) or seen as an option before this packet; SYNs keep the classic flag names.
    if (synAck === TH_SYN && (flags & 0x1c0) === 0x1c0) conv.accEcnSyn = true;
    if (synAck === (TH_SYN | TH_ACK)) {
      const v = (flags >> 6) & 7;
      if (v === 2 || v === 3 || v === 4 || v === 6) conv.accEcnSynAck = true;
    }
    a.accEcn = !(flags & TH_SYN) && ((conv.accEcnSyn && conv.accEcnSynAck) || conv.accEcnOption);
    a.initialRtt = conv.firstRtt / 1e9;
    a.tfoSynData = conv.tfoSynData;
    l.analysis = a;

    // 5. tree and Info, option walk (unless done elsewhere); then the options' effects
    const complete = walked === RENDER ? renderTcp(ctx!, l, a) : walked === WALKED_COMPLETE;
    if (l.wscale !== undefined) fwd.winScale = l.wscale;
    const sb = l.sackBif;
    if (sb) {
      const dst = (fwd.sack ??= new Float64Array(6));
      fwd.sackCount = sb.length >> 1;
      for (let i = 0; i < sb.length; i++) dst[i] = sb[i]!;
    }
    if (l.tfoCookie && seglen > 0) conv.tfoSynData = true;
    if (l.accEcnOption) conv.accEcnOption = true;
    if (complete && flags & TH_SYN) {
      // verify_tcp_window_scaling
      if (fwd.winScale === -1) {
        fwd.winScale = -2;
        rev.winScale = -2;
      } else if (flags & TH_ACK && rev.winScale === -2) {
        fwd.winScale = -2;
      }
    }

    // 6. hand-off (none when nothing above TCP is decoded); like Wireshark, a dissector
    // registered on the server port (learnt from the SYN or SYN/ACK) is tried before the lower
    // and the higher port
    if (ctx) {
      let next = complete && (!ctx.transportOnly || ctx.speculative) ? tcpPayloadNext(l) : undefined;
      if (next && 'ports' in next && conv.serverPort !== 0) {
        const d = ctx.registry.lookup('tcp.port', conv.serverPort);
        if (d) next = { proto: d.proto };
      }
      if (ctx.transportOnly) {
        if (ctx.speculative && this.decodedAbove(ctx, l, entry, next)) ctx.packet.cut = true;
        next = undefined;
      }
      result.next = next;
    }
    let out = result;
    if (this.listeners.length) {
      // one event object for every segment, unless a listener's decoding brought us back here
      const own = !this.eventBusy;
      const ev: TcpSegmentEvent = own ? this.event : { ctx, frame, layer: l, analysis: a, conversation: conv, fwd, rev, now, result, complete };
      if (own) {
        ev.ctx = ctx;
        ev.frame = frame;
        ev.layer = l;
        ev.analysis = a;
        ev.conversation = conv;
        ev.fwd = fwd;
        ev.rev = rev;
        ev.now = now;
        ev.result = result;
        ev.complete = complete;
        this.eventBusy = true;
      }
      try {
        for (const x of this.listeners) {
          const r = x.onSegment?.(ev);
          if (r) out = ev.result = r;
        }
      } finally {
        if (own) this.eventBusy = false;
      }
    }
    return out;
  }

  /** For a speculative transport-only run: whether a full decode could show this segment
   * differently. It could once the 4-tuple's bytes went to any decoder above TCP (its state, and
   * desegmentation's, are then unknown here) for a segment that reaches above TCP; before that,
   * a full decode handed every payload to `data`, which keeps nothing and shows nothing. */
  private decodedAbove(ctx: DecodeContext, l: TcpLayer, entry: number, next: Next | undefined): boolean {
    if (l.errorDepth !== 0) return next !== undefined;
    // (`next` is the hand-off, left out for an incomplete header: its bogus length or failure
    // makes `tcpPayloadNext` give none either)
    if (!reachesAboveTcp(l, next !== undefined)) return false;
    const E = this.entries;
    if (E.above[entry]) return true;
    if (!next) return false;
    const end = l.payloadOffset + l.payloadCaptured;
    const decoder =
      'proto' in next ? next.proto !== 'data' : 'ports' in next && !!(portDecoder(ctx.registry, next) ?? heuristicDecoder(ctx, next, l.payloadOffset, end));
    if (decoder) E.above[entry] = 1;
    return decoder;
  }

  finish(): void {
    if (!this.listeners.length) return;
    for (const c of this.conversations()) for (const x of this.listeners) x.onRetire?.(c, 'finish');
  }

  // -------------------------------------------------------------------------------------------

  /** Set by `lookup`: the packet's sender is endpoint A (flow1). */
  private dirIsFlow1 = true;
  /** Set by `lookup`: the entry was created for this packet. */
  private freshEntry = false;

  /** Entry of the packet's 4-tuple (created when new), and the direction in `dirIsFlow1`. */
  private lookup(ip: TcpIpRef | undefined, l: TcpLayer): number {
    const sp = l.srcPort;
    const dp = l.dstPort;
    let table: KeyTable;
    let key: Int32Array;
    if (ip && ip.proto === 'ipv6' && ip.src instanceof Uint8Array && ip.dst instanceof Uint8Array && ip.src.length >= 16 && ip.dst.length >= 16) {
      const s = ip.src;
      const d = ip.dst;
      let cmp = 0;
      for (let i = 0; i < 16 && cmp === 0; i++) cmp = s[i]! - d[i]!;
      const dir = cmp > 0 ? 1 : cmp < 0 ? -1 : sp > dp ? 1 : -1;
      const a = dir >= 0 ? s : d;
      const b = dir >= 0 ? d : s;
      key = this.key6;
      for (let i = 0; i < 4; i++) {
        key[i] = (a[4 * i]! << 24) | (a[4 * i + 1]! << 16) | (a[4 * i + 2]! << 8) | a[4 * i + 3]!;
        key[4 + i] = (b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!;
      }
      key[8] = dir >= 0 ? (sp << 16) | dp : (dp << 16) | sp;
      this.dirIsFlow1 = dir >= 0;
      table = this.v6;
    } else {
      const s = ip && typeof ip.src === 'number' ? ip.src >>> 0 : 0;
      const d = ip && typeof ip.dst === 'number' ? ip.dst >>> 0 : 0;
      const dir = s > d ? 1 : s < d ? -1 : sp > dp ? 1 : -1;
      key = this.key4;
      if (dir >= 0) {
        key[0] = s | 0;
        key[1] = d | 0;
        key[2] = (sp << 16) | dp;
      } else {
        key[0] = d | 0;
        key[1] = s | 0;
        key[2] = (dp << 16) | sp;
      }
      this.dirIsFlow1 = dir >= 0;
      table = this.v4;
    }
    // segments come in runs of one conversation (either way): the last key's entry first
    const last = table === this.v4 ? this.last4 : this.last6;
    if (last.id >= 0 && sameKey(last.key, key)) {
      this.freshEntry = false;
      return last.id;
    }
    const h = KeyTable.hash(key, table.width);
    let id = table.lookup(key, h);
    this.freshEntry = id < 0;
    if (id < 0) {
      id = this.entries.add();
      table.insert(key, h, id);
    }
    last.key.set(key);
    last.id = id;
    return id;
  }

  private newConversation(entry: number, sec: number, nsec: number, frame: number): TcpConversation {
    const c = new TcpConversation(this.streamCount++, entry, sec, nsec, frame);
    this.entries.conv[entry] = c;
    return c;
  }

  /** A packet for a dropped conversation: same stream, base sequence numbers and completeness,
   * fresh sequence state. */
  private revive(entry: number, frame: number): TcpConversation {
    const e = this.entries;
    const base = e.baseSec[entry]!;
    const c = new TcpConversation(e.stream[entry]!, entry, base, 0, frame);
    c.tsFirst = e.tsFirst[entry]!;
    c.tsPrev = e.tsPrev[entry]!;
    c.completeness = e.completeness[entry]!;
    const bs = e.baseSet[entry]!;
    c.flow1.baseSeqSet = (bs & 1) !== 0;
    c.flow1.baseSeq = e.base1[entry]!;
    c.flow2.baseSeqSet = (bs & 2) !== 0;
    c.flow2.baseSeq = e.base2[entry]!;
    e.conv[entry] = c;
    return c;
  }
}

function sameKey(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A packet's analysis before any of it is known. */
export function newAnalysis(seq: number, ack: number, window: number, dir: 1 | 2): TcpPacketAnalysis {
  return {
    stream: 0,
    completeness: 0,
    seq,
    ack,
    nxtseq: -1,
    window,
    scaleFactor: null,
    timeRelative: 0,
    timeDelta: 0,
    hasTa: false,
    flags: 0,
    acksFrame: 0,
    ackRtt: 0,
    initialRtt: 0,
    bytesInFlight: 0,
    pushBytesSent: 0,
    rto: 0,
    rtoFrame: 0,
    dupAckNum: 0,
    dupAckFrame: 0,
    finActive: false,
    tfoSynData: false,
    peerBase: 0,
    dir,
    accEcn: false,
  };
}
storeAsDoubles(newAnalysis(0, 0, 0, 1), ['seq', 'ack', 'nxtseq', 'window', 'timeRelative', 'timeDelta', 'acksFrame', 'ackRtt', 'initialRtt', 'rto', 'rtoFrame', 'peerBase']);

/** `a` made equal to `newAnalysis(...)` again. */
export function resetAnalysis(a: TcpPacketAnalysis, seq: number, ack: number, window: number, dir: 1 | 2): TcpPacketAnalysis {
  a.stream = 0;
  a.completeness = 0;
  a.seq = seq;
  a.ack = ack;
  a.nxtseq = -1;
  a.window = window;
  a.scaleFactor = null;
  a.timeRelative = 0;
  a.timeDelta = 0;
  a.hasTa = false;
  a.flags = 0;
  a.acksFrame = 0;
  a.ackRtt = 0;
  a.initialRtt = 0;
  a.bytesInFlight = 0;
  a.pushBytesSent = 0;
  a.rto = 0;
  a.rtoFrame = 0;
  a.dupAckNum = 0;
  a.dupAckFrame = 0;
  a.finActive = false;
  a.tfoSynData = false;
  a.peerBase = 0;
  a.dir = dir;
  a.accEcn = false;
  return a;
}

/** The analyzer factory the registry uses: `r.addAnalyzer('tcp', createTcpAnalyzer)`. */
export function createTcpAnalyzer(session: Session): TcpAnalyzer {
  // Wireshark-style desegmentation for the application decoders (desegment.ts)
  return new TcpAnalyzer(session).addListener(new TcpDesegmenter(session));
}
