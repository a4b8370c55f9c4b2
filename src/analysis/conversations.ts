/**
 * The conversation table behind `pcapscope flows`: one row per `tcp.stream` and per `udp.stream`,
 * counted exactly as tshark's `-z conv,tcp` / `-z conv,udp` taps count (frames and frame.len
 * each way, A = source of the conversation's first counted packet, relative start and stop as
 * nanosecond times relative to the capture's first frame), plus, for TCP, the connection-level
 * analyses of `tcp/connection.ts` fed through `segmentEvent()`, the glue from a decoded TcpLayer.
 *
 * Memory. Rows are kept column-wise in typed arrays (about 150 bytes per conversation, plus its
 * address strings, interned), because `-z conv` needs every row until the end to sort them. The
 * per-connection trackers are the expensive part (a few kB each) and are dropped as soon as they
 * are no longer needed: a connection that closed (RST, or both FINs and the last ACK) is
 * summarised `closeLinger` seconds of capture time after its last packet (default 5 s, Zeek's
 * tcp_close_delay); open connections are summarised when idle longer than `idleTimeout` (default:
 * never, so a long-idle connection is not cut in two) or, least recently active first, when more
 * than `maxLive` are open (default 20 000). A tracker takes about 2.6 kB (a SYN-only one; one
 * with traffic adds its RTT sampler and coverage ranges, at most 1024 held ranges), so a
 * million-flow SYN scan runs with at most 20 000 trackers (~55 MB) plus ~150 bytes per finished
 * flow in the row columns (~150 MB for a million). Packets of a stream whose tracker
 * was already summarised still count in the row; the summary reports them as `lateFrames`.
 */
import type { Frame } from '../capture/types.js';
import { storeAsDoubles } from '../decoders/core/doubles.js';
import { ipv4ToString, ipv6ToString } from '../decoders/core/format.js';
import type { Layer, Packet } from '../decoders/core/packet.js';
import { TH_SYN, type TcpLayer } from '../decoders/tcp.js';
import type { UdpLayer } from '../decoders/udp.js';
import { ConnectionTracker, type ConnState, type ConnectionBrief, type ConnectionSummary, type SegmentEvent, type SegmentOptions } from './tcp/connection.js';

export type Proto = 'tcp' | 'udp';

/** A relative time as tshark keeps it (seconds and nanoseconds, normalised like nstime_delta). */
export interface NsRel {
  sec: number;
  nsec: number;
}

/** The short per-connection facts the text report shows (kept for every finished flow). */
export interface FlowBrief extends ConnectionBrief {
  /** Packets that came after the connection was summarised (counted in the row only). */
  lateFrames: number;
}

export interface FlowRow {
  proto: Proto;
  stream: number;
  addrA: string;
  portA: number;
  addrB: string;
  portB: number;
  ipv6: boolean;
  framesAtoB: number;
  bytesAtoB: number;
  framesBtoA: number;
  bytesBtoA: number;
  firstFrame: number;
  lastFrame: number;
  start: NsRel;
  stop: NsRel;
  /** tshark's `nstime_to_sec(start)` and `nstime_to_sec(stop) - nstime_to_sec(start)`. */
  relStart: number;
  duration: number;
  /** TCP with connection tracking: the short facts; UDP: null. */
  brief: FlowBrief | null;
  /** UDP: Zeek's conn_state (SF: both sides sent, S0: only A); TCP: the brief's. */
  state: string | null;
}

export interface ConversationOptions {
  /** Run the per-connection analyses for TCP (default true; `-z conv` alone does not need them). */
  connections?: boolean;
  /** Count UDP and TCP (default both). */
  protos?: readonly Proto[];
  closeLinger?: number;
  idleTimeout?: number;
  maxLive?: number;
  /** Called once per TCP connection when it is summarised (eviction or `finish()`). Without it
   * the trackers sample no RTT: the rows show none. */
  onSummary?: (row: FlowRow, summary: ConnectionSummary) => void;
}

const CONN_STATES: readonly ConnState[] = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'];
const HANDSHAKES: readonly FlowBrief['handshake'][] = ['complete', 'partial', 'missing', 'simultaneous'];
const ENDINGS: readonly FlowBrief['ended'][] = ['fin', 'rst', 'fin+rst', 'half-closed', 'open'];
const STYLES: readonly FlowBrief['style'][] = [null, 'four-way', 'combined', 'simultaneous'];

type Num = Float64Array;
type I32 = Int32Array;

/** Column-wise rows. */
class Rows {
  n = 0;
  private cap = 0;
  proto = new Uint8Array(0);
  stream: I32 = new Int32Array(0);
  addrA: I32 = new Int32Array(0);
  addrB: I32 = new Int32Array(0);
  portA = new Uint16Array(0);
  portB = new Uint16Array(0);
  framesAB: Num = new Float64Array(0);
  framesBA: Num = new Float64Array(0);
  bytesAB: Num = new Float64Array(0);
  bytesBA: Num = new Float64Array(0);
  firstFrame: Num = new Float64Array(0);
  lastFrame: Num = new Float64Array(0);
  startSec: Num = new Float64Array(0);
  startNsec: I32 = new Int32Array(0);
  stopSec: Num = new Float64Array(0);
  stopNsec: I32 = new Int32Array(0);
  // brief (TCP)
  hasBrief = new Uint8Array(0);
  connState = new Uint8Array(0);
  history: I32 = new Int32Array(0);
  handshake = new Uint8Array(0);
  ended = new Uint8Array(0);
  style = new Uint8Array(0);
  endedBy = new Int8Array(0);
  halfClose: Num = new Float64Array(0);
  irtt: Num = new Float64Array(0);
  retrans: Num = new Float64Array(0);
  fast: Num = new Float64Array(0);
  spurious: Num = new Float64Array(0);
  dupAcks: Num = new Float64Array(0);
  zeroWin: Num = new Float64Array(0);
  payloadAB: Num = new Float64Array(0);
  payloadBA: Num = new Float64Array(0);
  missed: Num = new Float64Array(0);
  late: Num = new Float64Array(0);

  add(): number {
    if (this.n === this.cap) this.grow();
    return this.n++;
  }

  private grow(): void {
    const cap = Math.max(64, this.cap * 2);
    for (const k of Object.keys(this) as (keyof this)[]) {
      const v = this[k];
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const C = (v as unknown as { constructor: new (n: number) => Float64Array }).constructor;
        const nv = new C(cap);
        nv.set(v as unknown as Float64Array);
        (this as Record<keyof this, unknown>)[k] = nv;
      }
    }
    this.cap = cap;
  }
}

interface Live {
  stream: number;
  tracker: ConnectionTracker;
  row: number;
  last: number;
  closed: boolean;
  prev: Live | null;
  next: Live | null;
}

function newLive(stream: number, tracker: ConnectionTracker, row: number, last: number): Live {
  return { stream, tracker, row, last, closed: false, prev: null, next: null };
}
storeAsDoubles(newLive(0, new ConnectionTracker(), 0, 0), ['last']);

/** Live trackers in order of last activity (a doubly linked list: O(1) to move one to the end or
 * take the oldest, where a Map used as an LRU slows down with the holes deletions leave). */
class LruList {
  head: Live | null = null;
  tail: Live | null = null;
  size = 0;
  push(l: Live): void {
    l.prev = this.tail;
    l.next = null;
    if (this.tail) this.tail.next = l;
    else this.head = l;
    this.tail = l;
    this.size++;
  }
  remove(l: Live): void {
    if (l.prev) l.prev.next = l.next;
    else this.head = l.next;
    if (l.next) l.next.prev = l.prev;
    else this.tail = l.prev;
    l.prev = l.next = null;
    this.size--;
  }
}

/** Where the TCP/UDP layers' network addresses are: the IP layer just before them. */
export function ipBefore(layers: readonly Layer[], i: number): Layer | undefined {
  for (let j = i - 1; j >= 0; j--) {
    const l = layers[j]!;
    if (l.proto === 'ip' || l.proto === 'ipv6') return l;
  }
  return undefined;
}

interface IpAddrs {
  src?: number | Uint8Array;
  dst?: number | Uint8Array;
  reassembled?: boolean;
}

function addrText(a: number | Uint8Array | undefined): string {
  if (a === undefined) return '';
  return typeof a === 'number' ? ipv4ToString(a >>> 0) : ipv6ToString(a);
}

/** A frame's capture time, as `relTime` reads it. */
export type FrameTime = Pick<Frame, 'hasTime' | 'tsSec' | 'tsNsec'>;

/** Relative time of a frame as tshark's `nstime_delta(abs, first)` (written into `out`). */
export function relTime(f: FrameTime, first: FrameTime, out: NsRel = { sec: 0, nsec: 0 }): NsRel {
  const bs = f.hasTime ? f.tsSec : 0;
  const bn = f.hasTime ? f.tsNsec : 0;
  const cs = first.hasTime ? first.tsSec : 0;
  const cn = first.hasTime ? first.tsNsec : 0;
  let sec = bs - cs;
  let nsec = bn - cn;
  if (bs === cs) {
    sec = 0;
  } else if (bs < cs) {
    if (nsec > 0) {
      nsec -= 1e9;
      sec++;
    }
  } else if (nsec < 0) {
    nsec += 1e9;
    sec--;
  }
  out.sec = sec;
  out.nsec = nsec;
  return out;
}

/** `nstime_to_sec`. */
export function nsToSec(t: NsRel): number {
  return t.sec + t.nsec / 1e9;
}

function nsCmp(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aSec !== bSec ? aSec - bSec : aNsec - bNsec;
}

/** An event to fill with `segmentEvent` (the connection trackers keep nothing of it, so one
 * per table is reused). */
export function newSegmentEvent(): SegmentEvent {
  const e: SegmentEvent = {
    frame: 0,
    time: 0,
    dir: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    rawWindow: 0,
    len: 0,
    captured: 0,
    frameLen: 0,
    options: undefined,
    analysis: 0,
  };
  return storeAsDoubles(e, ['time', 'seq', 'ack', 'window']);
}

function synOptions(tcp: TcpLayer): SegmentOptions {
  const o: SegmentOptions = {};
  if (tcp.mss !== undefined) o.mss = tcp.mss;
  if (tcp.wscale !== undefined) o.wscale = tcp.wscale;
  if (tcp.sackPerm) o.sackPerm = true;
  if (tcp.tsval !== undefined) o.ts = true;
  if (tcp.sack) o.sack = tcp.sack;
  return o;
}

/** Payload bytes of a TCP segment that its frame holds. A segment inside a reassembled IP
 * datagram has them in the reassembly buffer, which the layer does not reference, so they count
 * as not captured there. */
export function capturedPayload(packet: Packet, tcp: TcpLayer, ip: Layer | undefined): number {
  if ((ip as IpAddrs | undefined)?.reassembled) return 0;
  const n = packet.frame.data.length;
  return Math.min(Math.max(0, Math.min(tcp.payloadCaptured, tcp.seglen)), n - Math.min(tcp.payloadOffset, n));
}

/** The SegmentEvent of an analysed TCP layer, written into `ev` (null when the segment length is
 * unknown or the layer carries no analysis). `time` and `dir` are left 0 for the table to fill.
 * Options are given only on SYNs (the trackers read them nowhere else). */
export function segmentEvent(frame: Pick<Frame, 'number' | 'origLen'>, tcp: TcpLayer, captured: number, ev: SegmentEvent = newSegmentEvent()): SegmentEvent | null {
  const a = tcp.analysis;
  if (!a || tcp.seglen < 0) return null;
  ev.captured = captured;
  ev.options =
    tcp.flags & TH_SYN && (tcp.mss !== undefined || tcp.wscale !== undefined || tcp.sackPerm || tcp.tsval !== undefined || tcp.sack)
      ? synOptions(tcp)
      : undefined;
  ev.frame = frame.number;
  ev.time = 0;
  ev.dir = 0;
  ev.seq = tcp.seq >>> 0;
  ev.ack = tcp.ack >>> 0;
  ev.flags = tcp.flags & 0xff;
  ev.window = a.scaleFactor === -1 ? -1 : a.window;
  ev.rawWindow = tcp.window;
  ev.len = tcp.seglen;
  ev.frameLen = frame.origLen;
  ev.analysis = a.flags;
  return ev;
}

/**
 * What the table takes of one counted TCP or UDP layer (`kind` 1 or 2), or of the capture's first
 * frame, which only sets the time reference (`kind` 0). A FlowReader reads them off decoded
 * packets; `ConversationTable.add` hands them to `apply` at once, a flow pipe (engine/flow-pipe.ts)
 * carries them to a table in another thread. One object is refilled for every layer.
 */
export interface FlowInput {
  kind: 0 | 1 | 2;
  /** The last counted layer of its frame: the trackers are swept after it. */
  last: boolean;
  frame: number;
  origLen: number;
  hasTime: boolean;
  tsSec: number;
  tsNsec: number;
  stream: number;
  srcPort: number;
  dstPort: number;
  /** Network addresses of the IP layer before: 4 (`src4`, `dst4`), 6 (`src6`, `dst6`), or 0. */
  family: 0 | 4 | 6;
  src4: number;
  dst4: number;
  src6: Uint8Array;
  dst6: Uint8Array;
  /** TCP: the tracker's segment (`time` and `dir` are the table's to fill); none when the
   * segment length is unknown. */
  hasSegment: boolean;
  segment: SegmentEvent;
}

export function newFlowInput(): FlowInput {
  const x: FlowInput = {
    kind: 0,
    last: true,
    frame: 0,
    origLen: 0,
    hasTime: false,
    tsSec: 0,
    tsNsec: 0,
    stream: 0,
    srcPort: 0,
    dstPort: 0,
    family: 0,
    src4: 0,
    dst4: 0,
    src6: NO_ADDR,
    dst6: NO_ADDR,
    hasSegment: false,
    segment: newSegmentEvent(),
  };
  return storeAsDoubles(x, ['tsSec', 'src4', 'dst4']);
}

const NO_ADDR = new Uint8Array(16);

/** An input's source (or destination) address as the row keeps it: a number, bytes or none. */
function inputAddr(x: FlowInput, src: boolean): number | Uint8Array | undefined {
  if (x.family === 4) return src ? x.src4 : x.dst4;
  if (x.family === 6) return src ? x.src6 : x.dst6;
  return undefined;
}

/** What an input takes of its frame. */
export type FlowFrame = Pick<Frame, 'number' | 'origLen' | 'hasTime' | 'tsSec' | 'tsNsec'>;

/** The network layer before a TCP/UDP layer, as an input takes its addresses. */
export interface FlowIp {
  src?: unknown;
  dst?: unknown;
}

function frameInput(x: FlowInput, f: FlowFrame): void {
  x.frame = f.number;
  x.origLen = f.origLen;
  x.hasTime = f.hasTime;
  x.tsSec = f.tsSec;
  x.tsNsec = f.tsNsec;
}

/** Frame and addresses of a TCP/UDP layer's input. */
function layerInput(x: FlowInput, f: FlowFrame, ip: FlowIp | undefined, last: boolean): void {
  frameInput(x, f);
  x.last = last;
  const src = ip?.src;
  const dst = ip?.dst;
  if (typeof src === 'number') {
    x.family = 4;
    x.src4 = src >>> 0;
    x.dst4 = typeof dst === 'number' ? dst >>> 0 : 0;
  } else if (src instanceof Uint8Array && dst instanceof Uint8Array) {
    x.family = 6;
    x.src6 = src;
    x.dst6 = dst;
  } else x.family = 0;
}

/** Whether tshark's conversation tap counts a TCP layer it analysed: it is queued after the
 * header and options, so a header it could not read (cut by the snaplen, malformed) is not
 * counted, although it has a stream number; nor is one quoted in an ICMP error. */
export function countedTcp(t: TcpLayer): boolean {
  return t.errorDepth === 0 && t.fail === 0 && t.hdrLen >= 20;
}

/** Whether the table counts a UDP layer: one with a stream, not quoted in an ICMP error. */
export function countedUdp(l: Layer): boolean {
  return l.proto === 'udp' && l.errorDepth === 0 && (l as UdpLayer).stream >= 0;
}

/** The input of an analysed, counted TCP layer (`captured`: `capturedPayload`), written into `x`. */
export function tcpFlowInput(x: FlowInput, f: FlowFrame, ip: FlowIp | undefined, t: TcpLayer, captured: number, last: boolean): FlowInput {
  layerInput(x, f, ip, last);
  x.kind = 1;
  x.stream = t.analysis!.stream;
  x.srcPort = t.srcPort;
  x.dstPort = t.dstPort;
  x.hasSegment = segmentEvent(f, t, captured, x.segment) !== null;
  return x;
}

/** The input of a counted UDP layer, written into `x`. */
export function udpFlowInput(x: FlowInput, f: FlowFrame, ip: FlowIp | undefined, u: UdpLayer, last: boolean): FlowInput {
  layerInput(x, f, ip, last);
  x.kind = 2;
  x.stream = u.stream;
  x.srcPort = u.srcPort;
  x.dstPort = u.dstPort;
  x.hasSegment = false;
  return x;
}

/** The time reference input of the capture's first frame, written into `x`. */
export function firstFrameInput(x: FlowInput, f: FlowFrame): FlowInput {
  frameInput(x, f);
  x.kind = 0;
  x.last = true;
  return x;
}

/** Reads the FlowInputs of decoded packets, in capture order. */
export class FlowReader {
  readonly input = newFlowInput();
  private started = false;

  constructor(
    private readonly wantTcp = true,
    private readonly wantUdp = true,
  ) {}

  /** Hands `take` the packet's inputs (the capture's first frame goes first as the time
   * reference, counted or not). `counted` false: a frame a filter rejected. */
  read(packet: Packet, counted: boolean, take: (x: FlowInput) => void): void {
    const x = this.input;
    if (!this.started) {
      this.started = true;
      take(firstFrameInput(x, packet.frame));
    }
    if (!counted) return;
    const layers = packet.layers;
    let pending = -1;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (l.proto === 'tcp' && this.wantTcp) {
        if (!(l as TcpLayer).analysis || !countedTcp(l as TcpLayer)) continue;
      } else if (l.proto === 'udp' && this.wantUdp) {
        if (!countedUdp(l)) continue;
      } else continue;
      if (pending >= 0) this.layer(packet, pending, false, take);
      pending = i;
    }
    if (pending >= 0) this.layer(packet, pending, true, take);
  }

  private layer(packet: Packet, i: number, last: boolean, take: (x: FlowInput) => void): void {
    const l = packet.layers[i]!;
    const ip = ipBefore(packet.layers, i);
    if (l.proto === 'tcp') take(tcpFlowInput(this.input, packet.frame, ip as FlowIp | undefined, l as TcpLayer, capturedPayload(packet, l as TcpLayer, ip), last));
    else take(udpFlowInput(this.input, packet.frame, ip as FlowIp | undefined, l as UdpLayer, last));
  }
}

/** The conversation table. Feed every frame in order with `add()`, then call `finish()`. */
export class ConversationTable {
  private readonly rows = new Rows();
  /** Row addresses by id: IPv4 as the number until a row is read (a scan has a million of them:
   * interning their texts took 7 % of its analysis), IPv6 and none ('') as text. */
  private readonly addrs: (number | string)[] = [];
  private readonly v4Ids = new Map<number, number>();
  private readonly textIds = new Map<string, number>();
  private readonly histories: string[] = [];
  private readonly historyIds = new Map<string, number>();
  /** stream → row + 1 (0: none), per protocol. */
  private tcpIndex = new Int32Array(1024);
  private udpIndex = new Int32Array(1024);
  /** The capture's first frame time (relative times count from it). */
  private readonly first: FrameTime = storeAsDoubles({ hasTime: false, tsSec: 0, tsNsec: 0 }, ['tsSec']);
  private haveFirst = false;
  private readonly reader: FlowReader;
  private readonly applyInput = (x: FlowInput): void => this.apply(x);
  /** Live trackers by stream, and the same in two activity-ordered lists. */
  private readonly liveByStream: (Live | undefined)[] = [];
  private liveCount = 0;
  private readonly open = new LruList();
  private readonly closed = new LruList();
  private readonly track: boolean;
  private readonly wantTcp: boolean;
  private readonly wantUdp: boolean;
  private readonly linger: number;
  private readonly idle: number;
  private readonly maxLive: number;
  private readonly onSummary: ConversationOptions['onSummary'];
  /** RTT is sampled only for summaries someone reads (the rows carry none). */
  private readonly rtt: false | undefined;
  private finished = false;
  /** Trackers summarised before the end, by reason. */
  readonly evictions = { closed: 0, idle: 0, pressure: 0 };

  constructor(opts: ConversationOptions = {}) {
    this.track = opts.connections ?? true;
    const protos = opts.protos ?? ['tcp', 'udp'];
    this.wantTcp = protos.includes('tcp');
    this.wantUdp = protos.includes('udp');
    this.linger = opts.closeLinger ?? 5;
    this.idle = opts.idleTimeout ?? Infinity;
    this.maxLive = opts.maxLive ?? 20000;
    this.onSummary = opts.onSummary;
    this.rtt = opts.onSummary ? undefined : false;
    this.reader = new FlowReader(this.wantTcp, this.wantUdp);
  }

  /** Number of rows so far. */
  get size(): number {
    return this.rows.n;
  }

  /** Open trackers right now. */
  get live(): number {
    return this.liveCount;
  }

  /** The current frame's relative time (`add` computes it once per frame). */
  private readonly rel: NsRel = { sec: 0, nsec: 0 };
  /** Direction of the packet `count` took last. */
  private dir: 0 | 1 = 0;

  /** Takes one decoded frame. `counted` false: the frame only sets the time reference (a frame a
   * filter rejected still is the capture's first frame for relative times, as in tshark). */
  add(packet: Packet, counted = true): void {
    this.reader.read(packet, counted, this.applyInput);
  }

  /** Takes one input (FlowReader): the time reference, or a TCP/UDP layer to count. */
  apply(x: FlowInput): void {
    if (!this.haveFirst) {
      this.haveFirst = true;
      this.first.hasTime = x.hasTime;
      this.first.tsSec = x.tsSec;
      this.first.tsNsec = x.tsNsec;
    }
    if (x.kind === 0) return;
    const rel = relTime(x, this.first, this.rel);
    if (x.kind === 1) {
      const row = this.count('tcp', x, rel);
      if (this.track) this.trackTcp(x, row, this.dir, rel);
    } else this.count('udp', x, rel);
    if (x.last && this.track) this.sweep(nsToSec(rel));
  }

  /** Counts a packet in its row (creating the row); returns the row, and sets `dir` to the
   * packet's direction. */
  private count(proto: Proto, x: FlowInput, rel: NsRel): number {
    const R = this.rows;
    const stream = x.stream;
    const sport = x.srcPort;
    const dport = x.dstPort;
    let index = proto === 'tcp' ? this.tcpIndex : this.udpIndex;
    if (stream >= index.length) {
      const n = new Int32Array(Math.max(stream + 1, index.length * 2));
      n.set(index);
      index = n;
      if (proto === 'tcp') this.tcpIndex = n;
      else this.udpIndex = n;
    }
    let r = index[stream]! - 1;
    let dir: 0 | 1 = 0;
    if (r < 0) {
      r = R.add();
      index[stream] = r + 1;
      R.proto[r] = proto === 'tcp' ? 0 : 1;
      R.stream[r] = stream;
      R.addrA[r] = this.addrId(inputAddr(x, true));
      R.addrB[r] = this.addrId(inputAddr(x, false));
      R.portA[r] = sport;
      R.portB[r] = dport;
      R.firstFrame[r] = x.frame;
      R.startSec[r] = rel.sec;
      R.startNsec[r] = rel.nsec;
      R.stopSec[r] = rel.sec;
      R.stopNsec[r] = rel.nsec;
      R.history[r] = -1;
    } else if (sport !== dport) {
      dir = sport === R.portA[r] ? 0 : 1;
    } else {
      // same port on both sides: the addresses decide
      const known = x.family === 4 ? this.v4Ids.get(x.src4) : this.textIds.get(addrText(inputAddr(x, true)));
      dir = known === R.addrA[r] ? 0 : 1;
    }
    if (dir === 0) {
      R.framesAB[r]!++;
      R.bytesAB[r] += x.origLen;
    } else {
      R.framesBA[r]!++;
      R.bytesBA[r] += x.origLen;
    }
    R.lastFrame[r] = x.frame;
    if (nsCmp(rel.sec, rel.nsec, R.startSec[r]!, R.startNsec[r]!) < 0) {
      R.startSec[r] = rel.sec;
      R.startNsec[r] = rel.nsec;
    }
    if (nsCmp(rel.sec, rel.nsec, R.stopSec[r]!, R.stopNsec[r]!) > 0) {
      R.stopSec[r] = rel.sec;
      R.stopNsec[r] = rel.nsec;
    }
    this.dir = dir;
    return r;
  }

  private addrId(a: number | Uint8Array | undefined): number {
    if (typeof a === 'number') {
      const v = a >>> 0;
      let id = this.v4Ids.get(v);
      if (id === undefined) {
        id = this.addrs.push(v) - 1;
        this.v4Ids.set(v, id);
      }
      return id;
    }
    const s = addrText(a);
    let id = this.textIds.get(s);
    if (id === undefined) {
      id = this.addrs.push(s) - 1;
      this.textIds.set(s, id);
    }
    return id;
  }

  /** An address's text, made once (reports read each row twice). */
  private addrAt(id: number): string {
    const a = this.addrs[id]!;
    if (typeof a === 'string') return a;
    const s = ipv4ToString(a);
    this.addrs[id] = s;
    return s;
  }

  private trackTcp(x: FlowInput, row: number, dir: 0 | 1, rel: NsRel): void {
    const stream = x.stream;
    const now = nsToSec(rel);
    let live = this.liveByStream[stream];
    let from: LruList | null = null;
    if (!live) {
      if (this.rows.hasBrief[row]) {
        // summarised already: the row counts it, the summary notes it
        this.rows.late[row]!++;
        return;
      }
      live = newLive(stream, new ConnectionTracker({ ports: [x.srcPort, x.dstPort], rtt: this.rtt }), row, now);
      // streams are numbered densely: keep the array packed
      while (this.liveByStream.length < stream) this.liveByStream.push(undefined);
      this.liveByStream[stream] = live;
      this.liveCount++;
    } else from = live.closed ? this.closed : this.open;
    if (x.hasSegment) {
      const ev = x.segment;
      ev.time = now;
      ev.dir = dir;
      live.tracker.push(ev);
    }
    live.last = now;
    live.closed = live.tracker.closed;
    // to the end of its list (a bulk transfer's packets come in runs: it mostly is there already)
    const to = live.closed ? this.closed : this.open;
    if (from !== to || to.tail !== live) {
      from?.remove(live);
      to.push(live);
    }
  }

  /** Summarises trackers that are done, oldest activity first. */
  private sweep(now: number): void {
    for (let l = this.closed.head; l && now - l.last >= this.linger; l = this.closed.head) {
      this.closed.remove(l);
      this.forget(l);
      this.evictions.closed++;
      this.summarise(l.stream, l);
    }
    for (let l = this.open.head; l; l = this.open.head) {
      const idle = now - l.last >= this.idle;
      if (!idle && this.liveCount <= this.maxLive) break;
      this.open.remove(l);
      this.forget(l);
      if (idle) this.evictions.idle++;
      else this.evictions.pressure++;
      this.summarise(l.stream, l);
    }
  }

  private forget(l: Live): void {
    this.liveByStream[l.stream] = undefined;
    this.liveCount--;
  }

  /** Writes a tracker's brief into its row; the whole summary only for someone who reads it. */
  private summarise(stream: number, live: Live): void {
    const b = live.tracker.brief();
    const R = this.rows;
    const r = live.row;
    R.hasBrief[r] = 1;
    R.connState[r] = CONN_STATES.indexOf(b.connState);
    let h = this.historyIds.get(b.history);
    if (h === undefined) {
      h = this.histories.length;
      this.histories.push(b.history);
      this.historyIds.set(b.history, h);
    }
    R.history[r] = h;
    R.handshake[r] = HANDSHAKES.indexOf(b.handshake);
    R.ended[r] = ENDINGS.indexOf(b.ended);
    R.style[r] = STYLES.indexOf(b.style);
    R.endedBy[r] = b.endedBy === null ? -1 : b.endedBy;
    R.halfClose[r] = b.halfCloseBytes;
    R.irtt[r] = b.irtt ?? Number.NaN;
    R.retrans[r] = b.retransmissions;
    R.fast[r] = b.fastRetransmissions;
    R.spurious[r] = b.spuriousRetransmissions;
    R.dupAcks[r] = b.dupAcks;
    R.zeroWin[r] = b.zeroWindows;
    R.payloadAB[r] = b.payloadAtoB;
    R.payloadBA[r] = b.payloadBtoA;
    R.missed[r] = b.missedBytes;
    if (this.onSummary) this.onSummary(this.row(r), live.tracker.summary());
  }

  /** End of capture: summarises every tracker still open, in stream order. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const all = this.liveByStream.filter((l): l is Live => l !== undefined);
    this.liveByStream.length = 0;
    this.liveCount = 0;
    this.open.head = this.open.tail = this.closed.head = this.closed.tail = null;
    this.open.size = this.closed.size = 0;
    for (const live of all) this.summarise(live.stream, live);
  }

  /** One row as an object. */
  row(r: number): FlowRow {
    const R = this.rows;
    const start = { sec: R.startSec[r]!, nsec: R.startNsec[r]! };
    const stop = { sec: R.stopSec[r]!, nsec: R.stopNsec[r]! };
    const proto: Proto = R.proto[r] === 0 ? 'tcp' : 'udp';
    let brief: FlowBrief | null = null;
    if (proto === 'tcp' && R.hasBrief[r]) {
      const by = R.endedBy[r]!;
      const irtt = R.irtt[r]!;
      brief = {
        connState: CONN_STATES[R.connState[r]!]!,
        history: this.histories[R.history[r]!] ?? '',
        handshake: HANDSHAKES[R.handshake[r]!]!,
        ended: ENDINGS[R.ended[r]!]!,
        style: STYLES[R.style[r]!] ?? null,
        endedBy: by < 0 ? null : (by as 0 | 1),
        halfCloseBytes: R.halfClose[r]!,
        irtt: Number.isNaN(irtt) ? null : irtt,
        retransmissions: R.retrans[r]!,
        fastRetransmissions: R.fast[r]!,
        spuriousRetransmissions: R.spurious[r]!,
        dupAcks: R.dupAcks[r]!,
        zeroWindows: R.zeroWin[r]!,
        payloadAtoB: R.payloadAB[r]!,
        payloadBtoA: R.payloadBA[r]!,
        missedBytes: R.missed[r]!,
        lateFrames: R.late[r]!,
      };
    }
    const addrA = this.addrAt(R.addrA[r]!);
    return {
      proto,
      stream: R.stream[r]!,
      addrA,
      portA: R.portA[r]!,
      addrB: this.addrAt(R.addrB[r]!),
      portB: R.portB[r]!,
      ipv6: addrA.includes(':'),
      framesAtoB: R.framesAB[r]!,
      bytesAtoB: R.bytesAB[r]!,
      framesBtoA: R.framesBA[r]!,
      bytesBtoA: R.bytesBA[r]!,
      firstFrame: R.firstFrame[r]!,
      lastFrame: R.lastFrame[r]!,
      start,
      stop,
      relStart: nsToSec(start),
      duration: nsToSec(stop) - nsToSec(start),
      brief,
      state: proto === 'udp' ? (R.framesBA[r]! > 0 ? 'SF' : 'S0') : brief ? brief.connState : null,
    };
  }

  /** Row indexes of one protocol: in first-seen order (tshark's conversation array order), by
   * stream index, or as `-z conv` prints them (total frames descending, ties first-seen). */
  indexes(proto: Proto, order: 'seen' | 'stream' | 'frames'): Int32Array {
    const R = this.rows;
    const code = proto === 'tcp' ? 0 : 1;
    let n = 0;
    for (let r = 0; r < R.n; r++) if (R.proto[r] === code) n++;
    const idx = new Int32Array(n);
    n = 0;
    for (let r = 0; r < R.n; r++) if (R.proto[r] === code) idx[n++] = r;
    if (order === 'stream') idx.sort((a, b) => R.stream[a]! - R.stream[b]!);
    else if (order === 'frames') {
      const tot = (r: number) => R.framesAB[r]! + R.framesBA[r]!;
      idx.sort((a, b) => tot(b) - tot(a) || a - b);
    }
    return idx;
  }

  /** Rows of one protocol in first-seen order (tshark's conversation array order). */
  rowsOf(proto: Proto): FlowRow[] {
    const out: FlowRow[] = [];
    const code = proto === 'tcp' ? 0 : 1;
    for (let r = 0; r < this.rows.n; r++) if (this.rows.proto[r] === code) out.push(this.row(r));
    return out;
  }

  /** Rows of one protocol sorted by stream index. */
  rowsByStream(proto: Proto): FlowRow[] {
    return this.rowsOf(proto).sort((a, b) => a.stream - b.stream);
  }
}
