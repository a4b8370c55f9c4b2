import type { ExpertDef } from './expert.js';
import { expertField, expertGroupField, expertMessageField, expertSeverityField, GROUP_VALUE, malformedField, SEVERITY_VALUE, shortField } from './expert.js';
import { fieldByName } from './fields.js';
import { ipv4ToString, ipv6ToString, macToString } from './format.js';
import type { Columns, Layer, Packet } from './packet.js';
import type { Decoder, Registry, Session } from './registry.js';
import type { Tree } from './tree.js';

/** What comes after a layer: a table entry, a named protocol, or a TCP/UDP-style port pair
 * (lower port first, then the higher, then heuristics, then `data`, as Wireshark does). */
export type Next =
  | { table: string; key: number }
  | { proto: string }
  | { table: string; ports: readonly [number, number]; heuristics?: string };

export interface DecodeResult {
  next?: Next;
  /** Where the payload starts and ends (captured bytes) for the next layer. */
  offset: number;
  end: number;
  /** Bytes to decode the next layers from instead of the frame (reassembled data). */
  data?: Uint8Array;
  /** Name of that buffer (`Reassembled TCP (1234 bytes)`), for the field tree's byte sources. */
  dataName?: string;
}

/** Thrown by `need()` when a read would pass the end of the layer. The driver turns it into a
 * malformed (value says more bytes than the wire had) or short (cut by the snaplen) mark. */
export class BoundsError extends Error {
  constructor(
    readonly proto: string,
    readonly offset: number,
    readonly short: boolean,
  ) {
    super(short ? 'packet size limited during capture' : 'malformed');
  }
}

export class DecodeContext {
  /** Made on first use: the decoders every frame passes through read bytes (core/bytes.ts). */
  private dv: DataView | null = null;
  /** Depth inside ICMP errors: quoted headers must not touch the columns. */
  errorDepth = 0;
  /** The tree given to `dissect` (the field sink of the whole packet). */
  rootTree: Tree | undefined;
  /** Decoding stops after TCP/UDP (see DissectOptions.transportOnly). */
  transportOnly = false;
  /** DissectOptions.speculative. */
  speculative = false;
  /** The packet object is refilled for the next frame (PacketSlot): what its layers carry need
   * not outlive this frame, so analysers may refill their own per-frame objects too. */
  recycled = false;
  /** Leaf decoders a port-table hit skips (DissectOptions.skip). */
  skip: ReadonlySet<Decoder> | undefined = undefined;
  /** The Info column in pieces, some not built yet (see ColumnText); made on first use, as a
   * run without columns never writes it. */
  private infoParts: ColumnText[] | null = null;
  /** Wireshark's column fence: `setInfo` keeps the pieces before it (analysis prefixes). */
  private infoFence = 0;
  private protoText = '';
  private netSrc: AddressText = '';
  private netDst: AddressText = '';
  private dlSrc: AddressText = '';
  private dlDst: AddressText = '';
  /** Ethernet addresses as offsets of two 6-byte MACs in `macData` (no text, no closure: an IP
   * layer above nearly always replaces them). */
  private macData: Uint8Array | null = null;
  private macSrc = 0;
  private macDst = 0;

  constructor(
    readonly packet: Packet,
    /** The bytes being decoded (decoders never replace them; `rebind` does, between frames). */
    public data: Uint8Array,
    /** Length of the frame on the wire (>= data.length when the snaplen cut it). */
    public reportedLength: number,
    readonly columns: boolean,
    readonly session: Session,
    readonly registry: Registry,
  ) {}

  /** Makes this (root) context a fresh one for the next frame of the same packet object
   * (PacketSlot): every per-frame field back to its initial value. */
  rebind(data: Uint8Array, reportedLength: number): void {
    this.data = data;
    this.reportedLength = reportedLength;
    this.dv = null;
    this.errorDepth = 0;
    this.rootTree = undefined;
    this.transportOnly = false;
    this.speculative = false;
    this.skip = undefined;
    this.recycled = false;
    this.infoParts = null;
    this.infoFence = 0;
    this.protoText = '';
    this.netSrc = '';
    this.netDst = '';
    this.dlSrc = '';
    this.dlDst = '';
    this.macData = null;
    this.macSrc = 0;
    this.macDst = 0;
    this.parent = null;
    this.protoLocked = false;
  }

  get view(): DataView {
    return (this.dv ??= new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength));
  }

  /** A context over other bytes (reassembled data) sharing this packet, columns and session. */
  derive(data: Uint8Array): DecodeContext {
    const c = new DecodeContext(this.packet, data, data.length, this.columns, this.session, this.registry);
    c.errorDepth = this.errorDepth;
    c.rootTree = this.rootTree;
    c.transportOnly = this.transportOnly;
    c.speculative = this.speculative;
    c.skip = this.skip;
    c.recycled = this.recycled;
    c.parent = this;
    return c;
  }

  private parent: DecodeContext | null = null;

  /** Throws BoundsError unless `n` bytes from `offset` lie before `end`. */
  need(proto: string, offset: number, n: number, end: number): void {
    if (offset + n <= end) return;
    const short = this.data.length < this.reportedLength && end >= this.data.length;
    throw new BoundsError(proto, offset, short);
  }

  /** Records a decoded layer; `listed` false keeps it out of `frame.protocols` (the frame itself). */
  addLayer<L extends Layer>(layer: L, listed = true): L {
    layer.errorDepth = this.errorDepth;
    this.packet.layers.push(layer);
    if (listed) this.packet.protocols.push(layer.proto);
    return layer;
  }

  /** Adds a `frame.protocols` member that is not a layer of its own (`ethertype`). */
  addProtocolName(name: string): void {
    this.packet.protocols.push(name);
  }

  setProtocol(name: string): void {
    if (this.errorDepth !== 0) return;
    const r = this.root();
    if (!r.protoLocked) r.protoText = name;
  }

  /** `col_set_writable(COL_PROTOCOL, !locked)`: while locked, `setProtocol` does nothing (TCP
   * desegmentation locks it before a second PDU in the same segment). */
  lockProtocol(locked: boolean): void {
    if (this.errorDepth === 0) this.root().protoLocked = locked;
  }

  private protoLocked = false;

  /** `col_set_fence(COL_INFO)`: later `setInfo` calls keep everything written so far. */
  fenceInfo(): void {
    if (this.errorDepth !== 0) return;
    const r = this.root();
    r.infoFence = r.infoParts?.length ?? 0;
  }

  /** Replaces the Info column (`col_add_str`). Call only when `columns` is set. */
  setInfo(text: ColumnText): void {
    if (this.errorDepth !== 0) return;
    const r = this.root();
    const parts = r.infoParts;
    // an empty text adds nothing to an empty column (IPv4 clears it for every frame); a fresh
    // list costs less than emptying one (V8 then drops its storage and the push allocates again)
    if (parts === null || r.infoFence === 0) {
      if (text !== '' || parts !== null) r.infoParts = text === '' ? null : [text];
      return;
    }
    if (parts.length > r.infoFence) parts.length = r.infoFence;
    parts.push(text);
  }

  appendInfo(text: ColumnText): void {
    if (this.errorDepth === 0) (this.root().infoParts ??= []).push(text);
  }

  /** Prepends; with `fence` the prefix is kept by later `setInfo` calls (`col_prepend_fence_fstr`). */
  prependInfo(text: ColumnText, fence = false): void {
    if (this.errorDepth !== 0) return;
    const r = this.root();
    (r.infoParts ??= []).unshift(text);
    if (fence || r.infoFence) r.infoFence++;
  }

  /** The Info text so far (builds what was deferred). */
  get info(): string {
    const parts = this.root().infoParts;
    let s = '';
    if (parts === null) return s;
    for (let i = 0; i < parts.length; i++) {
      let p = parts[i]!;
      if (typeof p !== 'string') parts[i] = p = p();
      s += p;
    }
    return s;
  }

  /** Source/destination columns: network addresses win over link-layer ones. */
  setAddresses(src: AddressText, dst: AddressText, network: boolean): void {
    if (this.errorDepth !== 0) return;
    const r = this.root();
    if (network) {
      r.netSrc = src;
      r.netDst = dst;
    } else {
      r.dlSrc = src;
      r.dlDst = dst;
      r.macData = null;
    }
  }

  /** Link-layer source and destination: the MACs at `src` and `dst` in `data`. */
  setMacAddresses(data: Uint8Array, src: number, dst: number): void {
    if (this.errorDepth !== 0) return;
    const r = this.root();
    r.macData = data;
    r.macSrc = src;
    r.macDst = dst;
  }

  /** Records an expert item, and its field in the tree. */
  issue(proto: string, def: ExpertDef, tree: Tree | undefined, offset?: number, length?: number, message?: string): void {
    this.packet.issues.push({
      name: def.name,
      severity: def.severity,
      group: def.group,
      message: message ?? def.message,
      protocol: proto,
      offset,
      length,
    });
    if (tree) addExpertNode(tree, def, message ?? def.message, offset ?? 0, length ?? 0);
  }

  /** Marks the packet malformed (Wireshark's `[Malformed Packet]`) with a reason. */
  malformed(proto: string, reason: string, tree: Tree | undefined, offset: number): void {
    this.packet.malformed = true;
    this.packet.issues.push({
      name: '_ws.malformed',
      severity: 'error',
      group: 'malformed',
      message: `Malformed Packet (Exception occurred): ${reason}`,
      protocol: proto,
      offset,
    });
    tree?.add(malformedField, offset, 0, null, { text: `[Malformed Packet: ${proto.toUpperCase()}]` });
    if (this.columns) this.appendInfo('[Malformed Packet]');
  }

  /** Marks the packet as cut by the snaplen. */
  short(proto: string, tree: Tree | undefined, offset: number): void {
    this.packet.short = true;
    tree?.add(shortField, offset, 0, null, { text: '[Packet size limited during capture: ' + proto.toUpperCase() + ' truncated]' });
    if (this.columns) this.appendInfo('[Packet size limited during capture]');
  }

  /** The columns of the packet, built when first read. */
  columnsText(): Columns {
    return new DeferredColumns(this.root());
  }

  /** Source and destination columns: network addresses win over link-layer ones. */
  addressColumn(dst: boolean): string {
    const net = dst ? this.netDst : this.netSrc;
    if (net !== '') return addressText(net);
    if (this.macData !== null) {
      const at = dst ? this.macDst : this.macSrc;
      return macToString(this.macData.subarray(at, at + 6));
    }
    return addressText(dst ? this.dlDst : this.dlSrc);
  }

  get protocolColumn(): string {
    return this.protoText;
  }

  private root(): DecodeContext {
    let c: DecodeContext = this;
    while (c.parent) c = c.parent;
    return c;
  }
}

/** Column text, or a function that builds it when the column is read: a display filter drops
 * most frames, and their column texts are then never built. It must depend on values fixed at
 * the time it was given (numbers, bytes of the frame), never on state that later frames change. */
export type ColumnText = string | (() => string);

/** An address column: text (or a function making it), an IPv4 address as a uint32, or an IPv6
 * address's 16 bytes; formatted when the column is read, without a closure per frame. */
export type AddressText = ColumnText | number | Uint8Array;

function addressText(a: AddressText): string {
  if (typeof a === 'string') return a;
  if (typeof a === 'number') return ipv4ToString(a);
  if (a instanceof Uint8Array) return ipv6ToString(a);
  return a();
}

/** A packet's columns, each built on first read. */
class DeferredColumns implements Columns {
  private s: string | null = null;
  private d: string | null = null;
  private i: string | null = null;

  constructor(private readonly ctx: DecodeContext) {}

  get src(): string {
    return (this.s ??= this.ctx.addressColumn(false));
  }

  get dst(): string {
    return (this.d ??= this.ctx.addressColumn(true));
  }

  get protocol(): string {
    return this.ctx.protocolColumn;
  }

  get info(): string {
    return (this.i ??= this.ctx.info);
  }
}

const SEVERITY_LABEL = { chat: 'Chat', note: 'Note', warn: 'Warning', error: 'Error' } as const;

/** Wireshark's `[Expert Info (Sev/Group): message]` subtree; the expert's own name is a field too. */
export function addExpertNode(tree: Tree, def: ExpertDef, message: string, offset: number, length: number): void {
  const group = def.group.charAt(0).toUpperCase() + def.group.slice(1).replace('_c', ' C');
  const e = tree.add(expertField, offset, length, null, {
    text: `[Expert Info (${SEVERITY_LABEL[def.severity]}/${group}): ${message}]`,
  });
  const own = fieldByName(def.name);
  if (own) e.add(own, offset, length, null, { text: `[${message}]` });
  // as tshark prints it: the message is a hidden field, severity and group show their names only
  e.add(expertMessageField, offset, 0, message, { generated: true, hidden: true });
  e.add(expertSeverityField, offset, 0, SEVERITY_VALUE[def.severity], { generated: true, text: `[Severity level: ${SEVERITY_LABEL[def.severity]}]` });
  e.add(expertGroupField, offset, 0, GROUP_VALUE[def.group], { generated: true, text: `[Group: ${group}]` });
}
