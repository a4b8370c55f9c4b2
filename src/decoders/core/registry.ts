import type { DecodeContext, DecodeResult } from './context.js';
import type { Layer } from './packet.js';
import type { Tree } from './tree.js';

/** A protocol decoder. It reads its header from `ctx.data` between `offset` and `end` (captured
 * bytes; `ctx.reportedEnd` tells how far the wire frame went), records a typed layer with
 * `ctx.addLayer`, writes fields under `tree` when one is given, and says what comes next. */
export interface Decoder {
  /** Filter name of the protocol: `ip`, `tcp`, `dns`. */
  readonly proto: string;
  /** First name components of the fields it writes, when not just `proto` (IPv6 also writes
   * `ip.version`): a FieldCollector hands its tree only to decoders that can fill a wanted field. */
  readonly fieldPrefixes?: readonly string[];
  /** Hands nothing on to another decoder (an application protocol at the end of the chain). When
   * none of its fields is wanted, a frame whose port selects it may skip it altogether: what it
   * would have decoded (and asked TCP to reassemble) reaches no other decoder. */
  readonly leaf?: boolean;
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void;
  /** The common case, for a run without columns and a layer no tree wants (gopacket's
   * DecodingLayerParser in spirit): when the bytes are ones `decode` would take without an
   * issue or a branch off the plain path, add the very layer it would, and its protocol names,
   * and fill `step` with what it would hand on; otherwise return false having changed nothing,
   * and `decode` runs. Never throws. test/engine/lean.test.ts holds it to `decode`. */
  lean?(ctx: DecodeContext, offset: number, end: number, step: LeanStep): boolean;
}

type LeanFn = NonNullable<Decoder['lean']>;

/** A table entry in one shape whatever the decoder object's: the driver reads it for every
 * layer, and reads of the decoder objects themselves (each literal its own shape) are megamorphic. */
export class TableEntry {
  readonly proto: string;
  readonly lean: LeanFn | null;
  constructor(readonly decoder: Decoder) {
    this.proto = decoder.proto;
    this.lean = decoder.lean ?? null;
  }
}

/** What a lean decode hands on: a dissector-table entry and its bytes (one per capture, refilled
 * layer after layer, so the common stack allocates no hand-off objects). */
export interface LeanStep {
  readonly next: { table: string; key: number };
  offset: number;
  end: number;
}

/** A heuristic sub-dissector: `test` must check lengths before reading and must not throw. */
export interface Heuristic {
  readonly proto: string;
  test(ctx: DecodeContext, offset: number, end: number): boolean;
}

/** Stateful consumer called right after its protocol's layer is decoded (e.g. TCP analysis). It
 * may redirect what is decoded next: drop the payload (a retransmission), or hand over
 * reassembled bytes. Instances live in a Session, one per capture read. */
export interface Analyzer {
  onLayer(ctx: DecodeContext, layer: Layer, result: DecodeResult): DecodeResult | void;
  /** Called once when the capture ends. */
  finish?(): void;
}

export type AnalyzerFactory = (session: Session) => Analyzer;

/** A kind of per-capture state a decoder keeps (its echo requests, its defragmenter): made once
 * per process with `stateKey`, it is an index into each Session's slots, so the lookup on every
 * frame is an array read, not a string hash. */
export interface StateKey<T> {
  readonly id: number;
  readonly name: string;
  make(): T;
}

let stateKeys = 0;

export function stateKey<T>(name: string, make: () => T): StateKey<T> {
  return { id: stateKeys++, name, make };
}

/** Values by name for a handful of names given as literals: comparing the names finds one faster
 * than hashing them, and the driver asks several times per frame. */
class ByName<T> {
  private readonly names: string[] = [];
  private readonly values: T[] = [];

  get(name: string): T | undefined {
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return this.values[i];
    return undefined;
  }

  add(name: string, value: T): T {
    this.names.push(name);
    this.values.push(value);
    return value;
  }

  all(): readonly T[] {
    return this.values;
  }
}

/** Per-capture state: analysers and anything decoders must remember between frames. Never
 * module-level, so two captures can be read at once. */
export class Session {
  private readonly state: unknown[] = [];
  readonly analyzers: ReadonlyMap<string, Analyzer>;
  /** The same, for the driver, which asks for every layer it decodes. */
  private readonly byProto = new ByName<Analyzer>();

  constructor(readonly registry: Registry) {
    const m = new Map<string, Analyzer>();
    for (const [proto, make] of registry.analyzerFactories) m.set(proto, this.byProto.add(proto, make(this)));
    this.analyzers = m;
  }

  /** The analyser of a protocol, if any. */
  analyzer(proto: string): Analyzer | undefined {
    return this.byProto.get(proto);
  }

  get<T>(key: StateKey<T>): T {
    let v = this.state[key.id] as T | undefined;
    if (v === undefined) {
      v = key.make();
      this.state[key.id] = v;
    }
    return v;
  }
}

/** One dissector table. Every table of ours has 8- or 16-bit keys (link types, EtherTypes, IP
 * protocols, ports), and the driver looks up several per frame: they index an array, not a Map. */
class DissectorTable {
  /** key → 1 + position in `entries` (0: none). */
  private readonly index = new Uint16Array(65536);
  private readonly entries: TableEntry[] = [];
  /** Keys outside 0..65535. */
  private readonly wide = new Map<number, Decoder>();

  set(key: number, d: Decoder): void {
    if ((key & 0xffff) !== key) {
      this.wide.set(key, d);
      return;
    }
    let i = this.entries.findIndex((e) => e.decoder === d);
    if (i < 0) i = this.entries.push(new TableEntry(d)) - 1;
    this.index[key] = i + 1;
  }

  /** `get` as a TableEntry, for 16-bit keys only (null for wide ones). */
  entry(key: number): TableEntry | null {
    if ((key & 0xffff) !== key) return null;
    const i = this.index[key]!;
    return i === 0 ? null : this.entries[i - 1]!;
  }

  get(key: number): Decoder | undefined {
    if ((key & 0xffff) !== key) return this.wide.get(key);
    const i = this.index[key]!;
    return i === 0 ? undefined : this.entries[i - 1]!.decoder;
  }

  all(): Iterable<Decoder> {
    return [...this.entries.map((e) => e.decoder), ...this.wide.values()];
  }
}

/** Wireshark-style dissector tables: `linktype` (LINKTYPE_*), `ethertype`, `ip.proto`,
 * `tcp.port`, `udp.port`, `sll.ltype` ...; heuristic lists per carrier (`tcp`, `udp`). */
export class Registry {
  private readonly tables = new ByName<DissectorTable>();
  private readonly heuristics = new Map<string, Heuristic[]>();
  private readonly byProto = new Map<string, Decoder>();
  /** byProto's `frame`, null until looked up again after a change. */
  private frame: Decoder | undefined | null = null;
  /** `media_type`: body decoders by media type (decoders/media.ts). */
  private readonly media = new Map<string, Decoder>();
  readonly analyzerFactories = new Map<string, AnalyzerFactory>();

  /** Registers a decoder under its protocol name without a table entry. */
  register(decoder: Decoder): this {
    this.setProto(decoder);
    return this;
  }

  private setProto(decoder: Decoder): void {
    this.byProto.set(decoder.proto, decoder);
    this.frame = null;
  }

  /** `dissector_add_uint(table, key, decoder)`. */
  add(table: string, key: number, decoder: Decoder): this {
    const t = this.tables.get(table) ?? this.tables.add(table, new DissectorTable());
    t.set(key, decoder);
    this.setProto(decoder);
    return this;
  }

  /** `dissector_add_string("media_type", type, decoder)`. */
  addMedia(type: string, decoder: Decoder): this {
    this.media.set(type, decoder);
    this.setProto(decoder);
    return this;
  }

  /** The decoder of a media type (lower case, without parameters). */
  mediaDecoder(type: string): Decoder | undefined {
    return this.media.get(type);
  }

  addHeuristic(carrier: string, h: Heuristic): this {
    let list = this.heuristics.get(carrier);
    if (!list) this.heuristics.set(carrier, (list = []));
    list.push(h);
    return this;
  }

  addAnalyzer(proto: string, make: AnalyzerFactory): this {
    this.analyzerFactories.set(proto, make);
    return this;
  }

  lookup(table: string, key: number): Decoder | undefined {
    return this.tables.get(table)?.get(key);
  }

  /** `lookup` for the driver's lean path (null also for a key outside 16 bits). */
  entry(table: string, key: number): TableEntry | null {
    return this.tables.get(table)?.entry(key) ?? null;
  }

  decoder(proto: string): Decoder | undefined {
    return this.byProto.get(proto);
  }

  /** The `frame` decoder every packet starts with (looked up once). */
  get frameDecoder(): Decoder | undefined {
    if (this.frame === null) this.frame = this.byProto.get('frame');
    return this.frame;
  }

  /** Every decoder in a table. */
  tableDecoders(): Set<Decoder> {
    const all = new Set<Decoder>();
    for (const t of this.tables.all()) for (const d of t.all()) all.add(d);
    return all;
  }

  heuristicsFor(carrier: string): readonly Heuristic[] {
    return this.heuristics.get(carrier) ?? [];
  }

  /** Protocol names known to the registry (for "is neither a field nor a protocol"). */
  protocols(): string[] {
    return [...this.byProto.keys()];
  }
}
