import { readCapture, type ReadOptions } from '../capture/index.js';
import type { Frame, ReadResult } from '../capture/types.js';
import { registerAnalyzers } from '../analysis/index.js';
import { TcpAnalyzer } from '../analysis/tcp/index.js';
import { TcpDesegmenter } from '../analysis/tcp/desegment.js';
import { dissect, PacketSlot, type DissectOptions } from '../decoders/core/dissect.js';
import { storeAsDoubles } from '../decoders/core/doubles.js';
import { fieldCount, type FieldDef } from '../decoders/core/fields.js';
import type { Layer, Packet } from '../decoders/core/packet.js';
import { displayed, tick } from '../decoders/frame.js';
import { ShardKeyReader, layerShardKey, shardOfKey } from './shard.js';
import { Registry, Session, type Decoder } from '../decoders/core/registry.js';
import { FieldCollector, FullTree, walk, type FieldNode } from '../decoders/core/tree.js';
import { registerBuiltins } from '../decoders/index.js';
import type { FrameLayer } from '../decoders/frame.js';
import type { CompiledFilter } from '../filter/index.js';

/** Every decoder and analyser, registered once per process (tables are read-only afterwards). */
let shared: Registry | null = null;
export function defaultRegistry(): Registry {
  shared ??= registerAnalyzers(registerBuiltins(new Registry()));
  return shared;
}

export interface DecodeOptions {
  /** Build column texts (packet list, `_ws.col.*`). */
  columns?: boolean;
  /** 'full' builds the whole field tree (-V, JSON); a field list collects only those fields. */
  tree?: 'none' | 'full' | readonly FieldDef[];
  /** Display filter: only matching frames reach the handler. */
  filter?: CompiledFilter;
  /** Stop after this many frames have been handed over (tshark `-c`). */
  limit?: number;
  /** Decode no further than TCP/UDP, and (with the default session) without TCP desegmentation:
   * for flow tables, which need neither application layers nor reassembled data. `tcp.stream`,
   * the TCP analysis and UDP streams are unchanged. Don't combine with a filter or fields above
   * the transport layer. */
  transportOnly?: boolean;
  /** `transportOnly` as a bet, for a filter and output that need nothing above TCP/UDP: it holds
   * while no frame handed over is one a full decode would take further (Packet.cut). The first
   * that is stops the run (`cutAt` in the result; in a shard, `onMismatch`), and the caller
   * decodes again in full after what it printed. */
  speculative?: boolean;
  /** The handler keeps nothing of what it is handed (the DecodedFrame, its packet, layers and
   * lists) once it returns: one packet object is refilled for every frame (PacketSlot). Layers
   * and the analyses they carry are still new per frame, and frames too. */
  recycle?: boolean;
  /** false: no decoder's lean path (DissectOptions.lean); the tests compare. */
  lean?: boolean;
  /** How the capture is read. `reuseBuffer` is for handlers that keep no frame bytes (the
   * decoders and analysers copy what they keep: test/engine/reuse.test.ts). */
  read?: ReadOptions;
  /** Frames up to this number are decoded (their state counts) but not handed over: what a
   * parallel run printed before it had to stop. */
  after?: number;
  /** Decode only this shard's frames of a parallel run (engine/parallel.ts); the others only
   * tick the clock. `onRead` sees every frame first. `onMismatch` hears of a frame whose decoded
   * conversation belongs to another shard (the split was wrong: the run must be redone in one
   * thread); reading then stops. */
  shard?: { index: number; count: number; onMismatch(frame: number): void; onRead?(frame: Frame, mine: boolean): boolean | void };
}

export interface DecodeRun extends ReadResult {
  /** A speculative run stopped at this frame (see DecodeOptions.speculative). */
  cutAt?: number;
}

export interface DecodedFrame {
  packet: Packet;
  /** Seconds since the first frame. */
  relative: number;
  /** Field occurrences by field id (from the full tree or the collector). */
  fields: { get(id: number): readonly FieldNode[] | undefined };
  /** The whole tree when `tree: 'full'`. */
  roots?: readonly FieldNode[];
}

/** Field occurrences of a built tree, by field id. */
export function indexTree(roots: readonly FieldNode[]): Map<number, FieldNode[]> {
  const m = new Map<number, FieldNode[]>();
  for (const n of walk(roots)) {
    const list = m.get(n.def.id);
    if (list) list.push(n);
    else m.set(n.def.id, [n]);
  }
  return m;
}

/** Protocols decoded before (or as) the transport layer: their fields do not depend on
 * application decoders or TCP desegmentation. */
const LOWER_PROTOCOLS = new Set(['frame', 'eth', 'vlan', 'llc', 'arp', 'sll', 'sll2', 'null', 'loop', 'ip', 'ipv6', 'icmp', 'icmpv6', 'udp', 'tcp']);
/** Fields of those protocols that are still filled from above: frame.protocols lists every layer,
 * TCP reassembly fields come from desegmentation. */
const UPPER_DEPENDENT = /^(frame\.protocols$|tcp\.(segment|reassembled|fin_retransmission|pdu))/;

/** Whether `transportOnly` decoding fills `def` exactly as a full decode does. Protocol nodes
 * themselves (`tcp`, `ip`) and `_ws.*` (expert items of any layer) are not. */
export function transportSafe(def: FieldDef): boolean {
  const dot = def.name.indexOf('.');
  if (dot < 0) return false;
  return LOWER_PROTOCOLS.has(def.name.slice(0, dot)) && !UPPER_DEPENDENT.test(def.name);
}

/** Whether every TCP/UDP layer of the packet belongs to shard `index` (see engine/shard.ts). */
function inShard(packet: Packet, index: number, count: number): boolean {
  let ip: Layer | undefined;
  for (const l of packet.layers) {
    if (l.proto === 'ip' || l.proto === 'ipv6') ip = l;
    else if ((l.proto === 'tcp' || l.proto === 'udp') && ip) {
      const key = layerShardKey(ip, l);
      if (key !== null && shardOfKey(key, count) !== index) return false;
    }
  }
  return true;
}

/** Fields any layer can add (expert items, `data`): with one of these wanted, nothing is skipped
 * (nor with an UPPER_DEPENDENT field, which the desegmentation a leaf drives fills). */
const NEEDS_EVERY_DECODER = /^(_ws\.|data(\.|$))/;

/** The leaf decoders (Decoder.leaf) a field-collecting run can skip: those with no wanted field.
 * Empty when columns are built (their Info texts show) or a wanted field depends on every layer. */
export function skippableLeaves(registry: Registry, names: ReadonlySet<string>, columns: boolean): Set<Decoder> {
  const skip = new Set<Decoder>();
  if (columns || names.size === 0) return skip;
  const prefixes = new Set<string>();
  for (const n of names) {
    if (NEEDS_EVERY_DECODER.test(n) || UPPER_DEPENDENT.test(n)) return skip;
    prefixes.add(n.split('.', 1)[0]!);
  }
  for (const d of registry.tableDecoders()) {
    if (!d.leaf || prefixes.has(d.proto) || d.fieldPrefixes?.some((p) => prefixes.has(p))) continue;
    skip.add(d);
  }
  return skip;
}

const EMPTY: DecodedFrame['fields'] = { get: () => undefined };

/** Reads a capture and decodes every frame in order; the one loop behind `packets`, `flows`,
 * reports and the TUI index. Returns the reader's result (damage after some frames included). */
export async function decodeCapture(
  path: string,
  opts: DecodeOptions,
  onFrame: (d: DecodedFrame) => void,
  given?: Session,
): Promise<DecodeRun> {
  const session = given ?? new Session(defaultRegistry());
  const transportOnly = !!opts.transportOnly || !!opts.speculative;
  if (transportOnly && !given) {
    // reassembled data would only be handed to application decoders, which do not run
    const tcp = session.analyzers.get('tcp');
    if (tcp instanceof TcpAnalyzer) {
      for (let i = tcp.listeners.length - 1; i >= 0; i--) if (tcp.listeners[i] instanceof TcpDesegmenter) tcp.listeners.splice(i, 1);
    }
  }
  const want = new Set<number>();
  const names = new Set<string>();
  if (Array.isArray(opts.tree)) for (const d of opts.tree as readonly FieldDef[]) (want.add(d.id), names.add(d.name));
  if (opts.filter) for (const d of opts.filter.fields) (want.add(d.id), names.add(d.name));
  const full = opts.tree === 'full';
  const collect = !full && want.size > 0;
  const collector = collect ? new FieldCollector(want, fieldCount(), names) : null;
  const skip = collect && !transportOnly ? skippableLeaves(session.registry, names, !!opts.columns) : undefined;
  let handed = 0;
  let cutAt: number | undefined;
  const shard = opts.shard;
  const keys = shard ? new ShardKeyReader() : null;
  const dissectOpts: DissectOptions = { tree: undefined, columns: !!opts.columns, transportOnly, speculative: !!opts.speculative, skip, lean: opts.lean };
  const slot = opts.recycle ? new PacketSlot() : undefined;
  const handedFrame: DecodedFrame | null = opts.recycle ? storeAsDoubles({ packet: null!, relative: 0, fields: EMPTY, roots: undefined }, ['relative']) : null;
  const result = await readCapture(path, (frame) => {
    if (shard) {
      const mine = shardOfKey(keys!.frameKey(frame), shard.count) === shard.index;
      // false: this frame cannot be handled in a shard (onRead reported the mismatch)
      if (shard.onRead?.(frame, mine) === false) return false;
      if (!mine) {
        tick(session, frame);
        return true;
      }
    }
    collector?.reset();
    const tree = full ? new FullTree() : (collector ?? undefined);
    dissectOpts.tree = tree;
    const packet = dissect(frame, session, dissectOpts, slot);
    if (shard && !inShard(packet, shard.index, shard.count)) {
      shard.onMismatch(frame.number);
      return false;
    }
    const fields = full ? indexTree((tree as FullTree).roots) : (collector?.found ?? EMPTY);
    if (opts.filter && !opts.filter.test(fields, frame.data)) return true;
    displayed(session, frame);
    if (opts.after !== undefined && frame.number <= opts.after) return true;
    if (packet.cut && opts.speculative) {
      cutAt = frame.number;
      shard?.onMismatch(cutAt);
      return false;
    }
    const relative = (packet.layers[0] as FrameLayer | undefined)?.relative ?? 0;
    const roots = full ? (tree as FullTree).roots : undefined;
    if (handedFrame) {
      handedFrame.packet = packet;
      handedFrame.relative = relative;
      handedFrame.fields = fields;
      handedFrame.roots = roots;
      onFrame(handedFrame);
    } else onFrame({ packet, relative, fields, roots });
    handed++;
    return opts.limit === undefined || handed < opts.limit;
  }, opts.read);
  for (const a of session.analyzers.values()) a.finish?.();
  return cutAt === undefined ? result : { ...result, cutAt };
}
