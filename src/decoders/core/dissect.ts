import type { Frame } from '../../capture/types.js';
import { BoundsError, DecodeContext, type DecodeResult, type Next } from './context.js';
import type { Packet } from './packet.js';
import { addProtocolsField } from '../frame.js';
import { stateKey, type Decoder, type LeanStep, type Registry, type Session, type TableEntry } from './registry.js';
import { FieldCollector, type Tree } from './tree.js';

export interface DissectOptions {
  /** Field sink: a FullTree for -V/JSON/TUI, a FieldCollector for -T fields and filters. */
  tree?: Tree;
  /** Build the Source/Destination/Protocol/Info column texts. */
  columns?: boolean;
  /** Stop after the TCP/UDP layer (flow tables): nothing above the transport is decoded. Valid
   * while no decoder above TCP/UDP carries IP again (no tunnels over UDP/TCP are registered). */
  transportOnly?: boolean;
  /** transportOnly for a run that bets the frames it keeps need nothing more: TCP marks the frames
   * that a full decode could show differently (Packet.cut, see TcpAnalyzer). */
  speculative?: boolean;
  /** Leaf decoders a port-table hit skips (none of their fields is wanted; see Decoder.leaf). */
  skip?: ReadonlySet<Decoder>;
  /** false: every layer through `decode`, none through `lean` (the tests compare the two). */
  lean?: boolean;
}

/** Hard cap on layers per frame: hostile nesting (tunnels in tunnels) must not loop for ever. */
const MAX_LAYERS = 64;

/** Decodes one frame through the dissector tables. Never throws: decoder failures become
 * malformed/short marks on the packet and decoding stops at that layer. */
export function dissect(frame: Frame, session: Session, opts: DissectOptions = {}, slot?: PacketSlot): Packet {
  const registry = session.registry;
  let packet: Packet;
  let ctx: DecodeContext;
  if (slot?.ctx && slot.ctx.columns === !!opts.columns && slot.ctx.session === session) {
    ctx = slot.ctx;
    packet = ctx.packet;
    refill(packet, frame);
    ctx.rebind(frame.data, frame.origLen);
  } else {
    packet = { frame, layers: [], protocols: [], issues: [], malformed: false, short: false, cols: null, cut: false };
    ctx = new DecodeContext(packet, frame.data, frame.origLen, !!opts.columns, session, registry);
    if (slot) slot.ctx = ctx;
  }
  const tree = opts.tree;
  ctx.rootTree = tree;
  if (opts.transportOnly) ctx.transportOnly = true;
  if (opts.speculative) ctx.speculative = true;
  if (opts.skip) ctx.skip = opts.skip;
  if (slot) ctx.recycled = true;
  const frameDecoder = registry.frameDecoder;
  const start: DecodeResult = (frameDecoder && runOne(ctx, frameDecoder, 0, frame.data.length, tree)) || {
    offset: 0,
    end: frame.data.length,
    next: { table: 'linktype', key: frame.linkType },
  };
  if (opts.lean !== false && !ctx.columns && start.next && 'table' in start.next) leanThenDispatch(ctx, start, tree);
  else dispatch(ctx, start, tree);
  addProtocolsField(tree, packet.layers[0], packet.protocols);
  if (opts.columns) packet.cols = ctx.columnsText();
  return packet;
}

/** One packet and its decode context, refilled frame after frame by `dissect` for a caller that
 * keeps nothing of a packet once it asks for the next: a flow table needs no new objects per frame. */
export class PacketSlot {
  ctx: DecodeContext | null = null;
}

const MEMO_DEPTH = 4;

/** The lean driver's per-capture state: the hand-off it refills, and the table entries it met,
 * by depth. The common stack asks for the same few entries frame after frame (link type 1,
 * EtherType 0x0800, IP protocol 6), and finding a table by its name was a tenth of the decoding. */
class LeanState {
  readonly step: LeanStep = { next: { table: '', key: 0 }, offset: 0, end: 0 };
  private readonly tables: string[] = new Array<string>(MEMO_DEPTH).fill('');
  private readonly keys: number[] = new Array<number>(MEMO_DEPTH).fill(-1);
  private readonly entries: (TableEntry | null)[] = new Array<TableEntry | null>(MEMO_DEPTH).fill(null);
  private readonly usable: boolean[] = new Array<boolean>(MEMO_DEPTH).fill(false);
  /** Set by `entry`: the entry's lean path may run (it has one, and no analyser watches it). */
  leanUsable = false;

  entry(ctx: DecodeContext, depth: number, table: string, key: number): TableEntry | null {
    if (depth < MEMO_DEPTH && this.keys[depth] === key && this.tables[depth] === table) {
      this.leanUsable = this.usable[depth]!;
      return this.entries[depth]!;
    }
    const e = ctx.registry.entry(table, key);
    this.leanUsable = e !== null && e.lean !== null && ctx.session.analyzer(e.proto) === undefined;
    if (depth < MEMO_DEPTH) {
      this.tables[depth] = table;
      this.keys[depth] = key;
      this.entries[depth] = e;
      this.usable[depth] = this.leanUsable;
    }
    return e;
  }
}

const LEAN = stateKey('dissect.lean', () => new LeanState());

/** Runs the table hand-offs from `start` through the decoders' `lean` paths while one takes the
 * bytes (and no tree wants the layer, and no analyser watches it), then the rest as `dispatch`
 * does. The common Ethernet/IP stack of a flow table or a transport-field run skips the generic
 * hand-off objects and the decoders' field-tree branches. */
function leanThenDispatch(ctx: DecodeContext, start: DecodeResult, tree: Tree | undefined): void {
  const lean = ctx.session.get(LEAN);
  const step = lean.step;
  const next = step.next as { table: string; key: number };
  const first = start.next as { table: string; key: number };
  next.table = first.table;
  next.key = first.key;
  step.offset = start.offset;
  step.end = start.end;
  let taken = false;
  for (let depth = 0; depth < MAX_LAYERS; depth++) {
    const e = lean.entry(ctx, depth, next.table, next.key);
    if (e === null) break;
    if (lean.leanUsable && (tree === undefined || treeFor(ctx, e.decoder, tree) === undefined) && e.lean!(ctx, step.offset, step.end, step)) {
      taken = true;
      if (step.offset >= step.end) return;
      continue;
    }
    if (!taken) return dispatch(ctx, start, tree);
    return dispatch(ctx, runOne(ctx, e.decoder, step.offset, step.end, tree), tree);
  }
  if (!taken) return dispatch(ctx, start, tree);
  dispatch(ctx, decodeNext(ctx, next, step.offset, step.end, tree), tree);
}

/** Empties a packet for the next frame. Arrays shrink by `pop`: V8 keeps their storage then,
 * while `length = 0` drops it (and the next push allocates it again). */
function refill(packet: Packet, frame: Frame): void {
  packet.frame = frame;
  const layers = packet.layers;
  while (layers.length !== 0) layers.pop();
  const protocols = packet.protocols;
  while (protocols.length !== 0) protocols.pop();
  if (packet.issues.length !== 0) packet.issues = [];
  packet.malformed = false;
  packet.short = false;
  packet.cols = null;
  packet.cut = false;
}

/** Decodes what `result.next` names, and on until a layer says nothing follows. Used by the
 * driver and by decoders that carry whole packets (ICMP errors quote an IP header). */
export function dispatch(ctx: DecodeContext, result: DecodeResult | void, tree: Tree | undefined): void {
  let cur = ctx;
  let r = result;
  for (let depth = 0; r && r.next && depth < MAX_LAYERS; depth++) {
    const next = r.next;
    if (r.data) cur = cur.derive(r.data);
    if (r.offset >= r.end && !('proto' in next)) return;
    r = decodeNext(cur, next, r.offset, r.end, tree);
  }
}

function decodeNext(ctx: DecodeContext, next: Next, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
  const reg = ctx.registry;
  if ('proto' in next) {
    const d = reg.decoder(next.proto);
    return d ? runOne(ctx, d, offset, end, tree) : undefined;
  }
  if ('ports' in next) {
    const dp = portDecoder(reg, next);
    if (dp) return ctx.skip?.has(dp) ? undefined : runOne(ctx, dp, offset, end, tree);
    const dh = heuristicDecoder(ctx, next, offset, end);
    if (dh) return runOne(ctx, dh, offset, end, tree);
    const data = reg.decoder('data');
    return data ? runOne(ctx, data, offset, end, tree) : undefined;
  }
  const d = reg.lookup(next.table, next.key) ?? reg.decoder('data');
  return d ? runOne(ctx, d, offset, end, tree) : undefined;
}

type PortsNext = Extract<Next, { ports: readonly [number, number] }>;

/** A port-pair hand-off's decoder from the table: the lower port's, else the higher's. */
export function portDecoder(reg: Registry, next: PortsNext): Decoder | undefined {
  const a = next.ports[0];
  const b = next.ports[1];
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  return reg.lookup(next.table, lo) ?? (hi !== lo ? reg.lookup(next.table, hi) : undefined);
}

/** The first heuristic decoder of a port-pair hand-off that takes `[offset, end)`. */
export function heuristicDecoder(ctx: DecodeContext, next: PortsNext, offset: number, end: number): Decoder | undefined {
  if (!next.heuristics) return undefined;
  for (const h of ctx.registry.heuristicsFor(next.heuristics)) {
    let ok = false;
    try {
      ok = h.test(ctx, offset, end);
    } catch {
      ok = false;
    }
    const d = ok ? ctx.registry.decoder(h.proto) : undefined;
    if (d) return d;
  }
  return undefined;
}

function runOne(ctx: DecodeContext, d: Decoder, offset: number, end: number, parent: Tree | undefined): DecodeResult | void {
  const layersBefore = ctx.packet.layers.length;
  const tree = treeFor(ctx, d, parent);
  try {
    let r = d.decode(ctx, offset, end, tree);
    const analyzer = ctx.session.analyzer(d.proto);
    if (analyzer && ctx.packet.layers.length > layersBefore) {
      const layer = ctx.packet.layers[ctx.packet.layers.length - 1]!;
      if (layer.proto === d.proto && r) r = analyzer.onLayer(ctx, layer, r) ?? r;
      else if (layer.proto === d.proto) analyzer.onLayer(ctx, layer, { offset: end, end });
    }
    if (ctx.transportOnly && (d.proto === 'tcp' || d.proto === 'udp')) {
      // (with the TCP analyser, TCP hands on nothing here and the analyser marks the cut itself)
      if (r?.next && (r.offset < r.end || 'proto' in r.next)) ctx.packet.cut = true;
      return undefined;
    }
    return r;
  } catch (e) {
    const layer = ctx.packet.layers.length > layersBefore ? ctx.packet.layers[layersBefore] : undefined;
    const t = layer?.tree ?? tree;
    if (e instanceof BoundsError && e.short) ctx.short(d.proto, t, e.offset);
    else ctx.malformed(d.proto, e instanceof BoundsError ? 'bounds' : String((e as Error)?.message ?? e), t, offset);
    return undefined;
  }
}

/** The tree a decoder writes into. A FieldCollector is handed only to protocols it has fields of
 * (and to those again when quoted inside another protocol's subtree that it skipped). */
export function treeFor(ctx: DecodeContext, d: Decoder, parent: Tree | undefined): Tree | undefined {
  const root = ctx.rootTree;
  if (!(root instanceof FieldCollector)) return parent;
  if (root.wantsProtocol(d.proto)) return root;
  if (d.fieldPrefixes) for (const p of d.fieldPrefixes) if (root.wantsProtocol(p)) return root;
  return undefined;
}
