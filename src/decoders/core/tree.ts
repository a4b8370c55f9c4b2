import { fieldById, type FieldDef } from './fields.js';
import type { NsTime } from './format.js';

/** A field's value: integers as numbers (uint64 as bigint), IPv4 as a uint32 number, IPv6 and
 * MAC addresses and byte fields as Uint8Array views, times in seconds as numbers. */
export type FieldValue = number | bigint | boolean | string | Uint8Array | NsTime | null;

export interface FieldNode {
  def: FieldDef;
  /** Offset and length in the frame's bytes (or in `source` when set). */
  offset: number;
  length: number;
  value: FieldValue;
  /** Full display line when the default `Label: value` is not what Wireshark shows. */
  text?: string;
  /** Generated fields (analysis, `[...]` in Wireshark) carry no bytes of their own. */
  generated?: boolean;
  /** Filterable but not shown in the tree (Wireshark's hidden items: `ip.addr`, `tcp.port`). */
  hidden?: boolean;
  /** Set when offsets point into a reassembled buffer instead of the frame. */
  source?: string;
  children?: FieldNode[];
}

export interface AddOptions {
  text?: string;
  generated?: boolean;
  hidden?: boolean;
}

/** Options of a generated item without text of its own (trees copy what they keep). */
export const GENERATED: AddOptions = { generated: true };

/** What decoders write fields into. `add` returns the node's subtree; a collector that keeps only
 * some fields returns itself so children still reach it. Decoders call it as `tree?.add(...)`, so
 * on the fast path (no tree) not even the arguments are evaluated. */
export interface Tree {
  add(def: FieldDef, offset: number, length: number, value: FieldValue, opts?: AddOptions): Tree;
  /** Appends a text line to the node (Wireshark's `proto_item_append_text`). */
  appendText(text: string): void;
  /** Sets the node's byte length once it is known (Wireshark's `proto_item_set_len`). */
  setLength(length: number): void;
  /** True when this tree keeps `def` (lets a decoder skip expensive values). */
  wants(def: FieldDef): boolean;
  /** True when every node is kept with its display text (FullTree). False for a FieldCollector,
   * which keeps only values (and the text of kept protocol nodes, see `wants`): decoders may then
   * skip building `text` options for non-protocol fields. */
  readonly full: boolean;
}

/** Builds the whole field tree, for `-V`, JSON and the TUI detail pane. */
export class FullTree implements Tree {
  readonly roots: FieldNode[];
  private readonly node: FieldNode | null;

  constructor(node: FieldNode | null = null, roots: FieldNode[] = []) {
    this.node = node;
    this.roots = roots;
  }

  add(def: FieldDef, offset: number, length: number, value: FieldValue, opts?: AddOptions): Tree {
    const n: FieldNode = { def, offset, length, value };
    if (opts?.text !== undefined) n.text = opts.text;
    if (opts?.generated) n.generated = true;
    if (opts?.hidden) n.hidden = true;
    if (this.node) (this.node.children ??= []).push(n);
    else this.roots.push(n);
    return new FullTree(n, this.roots);
  }

  appendText(text: string): void {
    if (this.node) this.node.text = (this.node.text ?? '') + text;
  }

  setLength(length: number): void {
    if (this.node) this.node.length = length;
  }

  wants(): boolean {
    return true;
  }

  get full(): boolean {
    return true;
  }
}

/** Field occurrences of one frame by field id (what a FieldCollector gathers). The lists and the
 * nodes are reused from frame to frame: read them before the next frame is decoded. */
export class FoundFields {
  /** Per field id: its occurrences list, never emptied (V8 drops the backing store of an array
   * set to length 0, which cost an allocation per field per frame); `counts` says how much of it
   * belongs to this frame, and `get` trims the stale tail in place. */
  private readonly slots: (FieldNode[] | undefined)[];
  private readonly counts: Int32Array;
  private readonly touched: Int32Array;
  private touchedN = 0;
  /** Nodes handed out since the last `clear`, and the pool they come from. */
  private readonly pool: FieldNode[] = [];
  private used = 0;

  constructor(size: number) {
    this.slots = new Array<FieldNode[] | undefined>(size).fill(undefined);
    this.counts = new Int32Array(size);
    this.touched = new Int32Array(size);
  }

  get(id: number): FieldNode[] | undefined {
    const c = this.counts[id]!;
    if (c === 0) return undefined;
    const list = this.slots[id]!;
    // shrinking a small array to a length >= 1 keeps its capacity (no allocation)
    if (list.length !== c) list.length = c;
    return list;
  }

  /** A node for this frame (from the pool: all of its fields are set here). */
  node(def: FieldDef, offset: number, length: number, value: FieldValue, text: string | undefined): FieldNode {
    if (this.used < this.pool.length) {
      const n = this.pool[this.used++]!;
      n.def = def;
      n.offset = offset;
      n.length = length;
      n.value = value;
      n.text = text;
      return n;
    }
    const n: FieldNode = { def, offset, length, value, text };
    if (this.pool.length < 65536) {
      this.pool.push(n);
      this.used++;
    }
    return n;
  }

  push(id: number, n: FieldNode): void {
    const c = this.counts[id]!;
    const list = this.slots[id];
    if (list === undefined) this.slots[id] = [n];
    else if (c < list.length) list[c] = n;
    else list.push(n);
    if (c === 0) this.touched[this.touchedN++] = id;
    this.counts[id] = c + 1;
  }

  clear(): void {
    const t = this.touched;
    for (let i = 0; i < this.touchedN; i++) this.counts[t[i]!] = 0;
    this.touchedN = 0;
    this.used = 0;
  }
}

/** Keeps only the fields asked for (by id), in order of appearance: `-T fields -e ...` and display
 * filters use it so they never pay for a whole tree. */
export class FieldCollector implements Tree {
  private readonly wanted: Uint8Array;
  /** Occurrences per wanted field id, in order of appearance. */
  readonly found: FoundFields;
  /** Protocols (first name component) with a wanted field; null = every protocol. */
  private readonly protocols: Set<string> | null;

  constructor(wantedIds: Iterable<number>, fieldCount: number, names?: Iterable<string>) {
    this.wanted = new Uint8Array(fieldCount);
    for (const id of wantedIds) this.wanted[id] = 1;
    this.found = new FoundFields(Math.max(fieldCount, this.wanted.length));
    if (!names) this.protocols = null;
    else {
      const set = new Set<string>();
      for (const n of names) set.add(n.split('.', 1)[0]!);
      // expert and malformed items can come from any protocol
      this.protocols = set.has('_ws') ? null : set;
    }
  }

  /** Whether a decoder of `proto` could add a wanted field; if not, it gets no tree at all and
   * pays for no field text. */
  wantsProtocol(proto: string): boolean {
    return this.protocols === null || this.protocols.has(proto);
  }

  add(def: FieldDef, offset: number, length: number, value: FieldValue, opts?: AddOptions): Tree {
    if (def.id < this.wanted.length && this.wanted[def.id]) {
      const n = this.found.node(def, offset, length, value, opts === undefined ? undefined : opts.text);
      this.found.push(def.id, n);
      // a kept protocol node may get text appended later (`Transmission Control Protocol, ..., Seq: 1`)
      if (def.type === 'protocol') return new CollectedNode(this, n);
    }
    return this;
  }

  appendText(): void {}

  setLength(): void {}

  wants(def: FieldDef): boolean {
    return def.id < this.wanted.length && this.wanted[def.id] === 1;
  }

  /** Whether a wanted field satisfies `pred`: a decoder may leave out a part of its tree none of
   * whose fields is wanted (the caller keeps the answer for this collector). */
  wantsAny(pred: (def: FieldDef) => boolean): boolean {
    for (let id = 0; id < this.wanted.length; id++) if (this.wanted[id] === 1 && pred(fieldById(id))) return true;
    return false;
  }

  get full(): boolean {
    return false;
  }

  reset(): void {
    this.found.clear();
  }
}

/** A protocol node kept by a FieldCollector: children go to the collector, appended text to the node. */
class CollectedNode implements Tree {
  constructor(
    private readonly collector: FieldCollector,
    private readonly node: FieldNode,
  ) {}

  add(def: FieldDef, offset: number, length: number, value: FieldValue, opts?: AddOptions): Tree {
    return this.collector.add(def, offset, length, value, opts);
  }

  appendText(text: string): void {
    this.node.text = (this.node.text ?? this.node.def.label) + text;
  }

  setLength(length: number): void {
    this.node.length = length;
  }

  wants(def: FieldDef): boolean {
    return this.collector.wants(def);
  }

  get full(): boolean {
    return false;
  }
}

/** Depth-first walk over a built tree. */
export function* walk(nodes: readonly FieldNode[]): Generator<FieldNode> {
  for (const n of nodes) {
    yield n;
    if (n.children) yield* walk(n.children);
  }
}
