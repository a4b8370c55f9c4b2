/** Semantic check and code generation: the AST becomes a tree of closures over field ids. Checks
 * and error texts follow tshark 4.0's semcheck; evaluation follows its dfvm (any/all over every
 * pair of occurrences, arithmetic over every combination, slices that fail yield no value). */
import { fieldByName, type FieldDef } from '../decoders/core/fields.js';
import { ipv6ToString, ipv4ToString, macToString } from '../decoders/core/format.js';
import type { FieldNode } from '../decoders/core/tree.js';
import { FilterError } from './errors.js';
import { fromCharConst, fromString, fromWord, latin1ToBytes, type Const, type Ipv4Lit, type Ipv6Lit, type TimeLit } from './literals.js';
import type { ArithOp, Ent, Expr, Loc, Range, SetElem } from './parser.js';
import { bytesToLatin1, compilePcre } from './regex.js';
import { WIRESHARK_PROTOCOLS } from './wsprotocols.js';
import {
  bytesContain,
  comparator,
  ConstVals,
  EmptyVals,
  timeToSeconds,
  utf8Latin1,
  utf8Length,
  Vals,
  writeUtf8,
  type Cmp,
  type FieldValues,
} from './runtime.js';
import {
  BYTES,
  STRING,
  UINT32,
  canArith,
  canContain,
  canSlice,
  compatible,
  ftName,
  isSigned,
  kindOf,
  prettyName,
  stypeOf,
  type Kind,
  type SType,
} from './types.js';

export type Test = (fv: FieldValues, frame: Uint8Array) => boolean;

export interface Compiled {
  test: Test;
  fields: FieldDef[];
  needsFrameBytes: boolean;
}

const err = (msg: string, loc: Loc) => new FilterError(msg, loc.pos, loc.len);

/** Fields that mark bytes after the end of the network-layer data in an Ethernet frame: a
 * protocol's data (for `contains`/`matches`/`==` on a protocol) stops there, as Wireshark's
 * protocol tvbs do. */
const TRAILER_FIELDS = ['eth.padding', 'eth.trailer', 'eth.fcs'];
/** Protocols whose data covers the whole frame, padding included. */
const WHOLE_FRAME_PROTOCOLS = new Set(['frame', 'eth', 'sll', 'null', 'loop']);
/** Fields present when a frame completes a reassembly: the layers decoded from the reassembled
 * buffer have offsets into that buffer, which the field collector does not keep, so their bytes
 * cannot be read from the frame. */
const REASSEMBLY_MARKERS = ['ip.reassembled.length', 'ipv6.reassembled.length', 'tcp.reassembled.length', 'tcp.segments'];
/** Protocols that are always decoded from the frame itself, even in a reassembling frame. */
const IN_FRAME_PROTOCOLS = new Set(['frame', 'eth', 'sll', 'vlan', 'ieee8021ad', 'llc', 'null', 'loop', 'raw', 'arp', 'ip', 'ipv6', 'tcp']);

// ------------------------------------------------------------------ value producers

/** Where a protocol's data ends, as Wireshark's protocol tvbs do: an IPv4/IPv6 layer ends with
 * its total/payload length (so Ethernet padding and data after a quoted datagram are outside),
 * a protocol carried by IP ends with the innermost enclosing IP layer, others at the end of the
 * frame minus any Ethernet padding/trailer/FCS. */
class DataEnds {
  constructor(
    private readonly trailerIds: number[],
    private readonly ip: number,
    private readonly ipLen: number,
    private readonly ip6: number,
    private readonly ip6Plen: number,
  ) {}

  end(name: string, n: FieldNode, fv: FieldValues, flen: number): number {
    if (WHOLE_FRAME_PROTOCOLS.has(name)) return flen;
    if (name === 'ip') return this.netEnd(false, n, fv, flen);
    if (name === 'ipv6') return this.netEnd(true, n, fv, flen);
    let best: FieldNode | null = null;
    let bestV6 = false;
    for (const v6 of [false, true]) {
      const list = fv.get(v6 ? this.ip6 : this.ip);
      if (!list) continue;
      for (const x of list) {
        if (x.offset < n.offset && (!best || x.offset > best.offset)) {
          best = x;
          bestV6 = v6;
        }
      }
    }
    return best ? this.netEnd(bestV6, best, fv, flen) : this.trailerEnd(n, fv, flen);
  }

  private netEnd(v6: boolean, n: FieldNode, fv: FieldValues, flen: number): number {
    const nodes = fv.get(v6 ? this.ip6 : this.ip);
    const lens = fv.get(v6 ? this.ip6Plen : this.ipLen);
    if (nodes && lens && lens.length === nodes.length) {
      const k = nodes.indexOf(n);
      const len = k >= 0 ? lens[k]!.value : null;
      if (typeof len === 'number' && len > 0) return Math.min(flen, n.offset + (v6 ? 40 : 0) + len);
    }
    return this.trailerEnd(n, fv, flen);
  }

  private trailerEnd(n: FieldNode, fv: FieldValues, flen: number): number {
    let end = flen;
    for (const id of this.trailerIds) {
      const tr = fv.get(id);
      if (tr) for (const x of tr) if (x.offset > n.offset && x.offset < end) end = x.offset;
    }
    return end;
  }
}

class FieldVals extends Vals {
  /** Stores occurrence `node` at index `i`; false when its value does not fit the field type
   * (a decoder quirk must not crash a filter: such an occurrence is skipped). */
  private readonly conv: (node: FieldNode, i: number, frame: Uint8Array, fv: FieldValues) => boolean;

  constructor(
    readonly def: FieldDef,
    span: boolean,
    ends: DataEnds | null,
    markerIds: number[] = [],
  ) {
    super();
    const t = stypeOf(def);
    const kind = kindOf(t);
    const v = this.v;
    const s = this.s;
    const e = this.e;
    switch (kind) {
      case 'num':
        this.conv = (n, i) => {
          const x = n.value;
          if (typeof x === 'number' || typeof x === 'bigint') v[i] = def.type === 'bool' ? (x ? 1 : 0) : x;
          else if (typeof x === 'boolean') v[i] = x ? 1 : 0;
          else return false;
          return true;
        };
        break;
      case 'ipv4':
        this.conv = (n, i) => {
          if (typeof n.value !== 'number') return false;
          v[i] = n.value;
          s[i] = 32;
          return true;
        };
        break;
      case 'ipv6':
        this.conv = (n, i) => {
          if (!(n.value instanceof Uint8Array) || n.value.length !== 16) return false;
          v[i] = n.value;
          s[i] = 128;
          return true;
        };
        break;
      case 'bytes':
        if (def.type === 'protocol') {
          const inFrame = IN_FRAME_PROTOCOLS.has(def.name);
          const name = def.name;
          this.conv = (n, i, frame, fv) => {
            if (n.value instanceof Uint8Array) {
              v[i] = n.value;
              s[i] = 0;
              e[i] = n.value.length;
              return true;
            }
            // bytes we cannot locate: a node beyond the frame, or a layer of a reassembled buffer
            if (n.offset < 0 || n.offset + n.length > frame.length) return false;
            if (!inFrame) for (const id of markerIds) if (fv.get(id)?.length) return false;
            v[i] = frame;
            s[i] = Math.min(Math.max(0, n.offset), frame.length);
            if (span) {
              e[i] = Math.max(s[i]!, Math.min(n.offset + n.length, frame.length));
              return true;
            }
            const end = ends ? ends.end(name, n, fv, frame.length) : frame.length;
            e[i] = Math.max(s[i]!, end);
            return true;
          };
        } else {
          this.conv = (n, i) => {
            if (!(n.value instanceof Uint8Array)) return false;
            v[i] = n.value;
            s[i] = 0;
            e[i] = n.value.length;
            return true;
          };
        }
        break;
      case 'str':
        this.conv = (n, i) => {
          const x = n.value;
          if (typeof x === 'string') v[i] = x;
          else if (x instanceof Uint8Array) v[i] = bytesToLatin1(x, 0, x.length);
          else return false;
          return true;
        };
        break;
      case 'double':
        this.conv = (n, i) => {
          if (typeof n.value !== 'number') return false;
          v[i] = n.value;
          return true;
        };
        break;
      case 'time':
      case 'abstime':
        this.conv = (n, i) => {
          const x = n.value;
          if (typeof x === 'number' || (x !== null && typeof x === 'object' && 'sec' in x && 'nsec' in x)) v[i] = x;
          else return false;
          return true;
        };
        break;
      default:
        this.conv = (n, i) => {
          v[i] = n.value;
          return true;
        };
    }
  }

  run(fv: FieldValues, frame: Uint8Array): void {
    const nodes = fv.get(this.def.id);
    if (!nodes) {
      this.n = 0;
      return;
    }
    const conv = this.conv;
    let k = 0;
    for (let i = 0; i < nodes.length; i++) if (conv(nodes[i]!, k, frame, fv)) k++;
    this.n = k;
  }
}

const EMPTY = new Uint8Array(0);

/** A growable scratch buffer for bytes a node has to build (multi-range slices, string bytes). */
class Scratch {
  buf = new Uint8Array(64);
  used = 0;
  reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      // old views stay valid: they keep the old buffer
      this.buf = new Uint8Array(Math.max(this.buf.length * 2, this.used + n, 64));
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return at;
  }
}

/** Puts value i of `src` (bytes, string, IPv4 or IPv6) as bytes into (buf, start, end). */
function asBytes(src: Vals, kind: Kind, i: number, scratch: Scratch, out: { buf: Uint8Array; s: number; e: number }): void {
  switch (kind) {
    case 'bytes':
      out.buf = src.v[i] as Uint8Array;
      out.s = src.s[i]!;
      out.e = src.e[i]!;
      return;
    case 'ipv6':
      out.buf = src.v[i] as Uint8Array;
      out.s = 0;
      out.e = 16;
      return;
    case 'ipv4': {
      const at = scratch.reserve(4);
      const a = src.v[i] as number;
      const b = scratch.buf;
      b[at] = a >>> 24;
      b[at + 1] = (a >>> 16) & 255;
      b[at + 2] = (a >>> 8) & 255;
      b[at + 3] = a & 255;
      out.buf = b;
      out.s = at;
      out.e = at + 4;
      return;
    }
    case 'str': {
      const str = src.v[i] as string;
      const len = utf8Length(str);
      const at = scratch.reserve(len);
      writeUtf8(str, scratch.buf, at);
      out.buf = scratch.buf;
      out.s = at;
      out.e = at + len;
      return;
    }
    default:
      out.buf = EMPTY;
      out.s = out.e = 0;
  }
}

class SliceVals extends Vals {
  private readonly scratch = new Scratch();
  private readonly tmp = { buf: EMPTY, s: 0, e: 0 };

  constructor(
    private readonly inner: Vals,
    private readonly innerKind: Kind,
    private readonly ranges: Range[],
  ) {
    super();
  }

  run(fv: FieldValues, frame: Uint8Array): void {
    this.inner.run(fv, frame);
    this.scratch.used = 0;
    let n = 0;
    const single = this.ranges.length === 1;
    for (let i = 0; i < this.inner.n; i++) {
      asBytes(this.inner, this.innerKind, i, this.scratch, this.tmp);
      const { buf, s: fs, e: fe } = this.tmp;
      const flen = fe - fs;
      // A range that does not fit gives an empty byte string, not "no value": tshark then finds
      // `x[99] != 00` and `x[99] < 00` true, and `x[99]` alone false (see the existence test).
      if (single) {
        const r = this.resolve(this.ranges[0]!, flen);
        if (r < 0) {
          this.v[n] = EMPTY;
          this.s[n] = this.e[n] = 0;
        } else {
          this.v[n] = buf;
          this.s[n] = fs + this.rs;
          this.e[n] = fs + this.rs + r;
        }
        n++;
        continue;
      }
      // several ranges: concatenate until the first one that fails (tshark keeps what it has)
      let total = 0;
      const parts: number[] = [];
      for (const rg of this.ranges) {
        const len = this.resolve(rg, flen);
        if (len < 0) break;
        parts.push(this.rs, len);
        total += len;
      }
      if (total === 0) {
        this.v[n] = EMPTY;
        this.s[n] = this.e[n] = 0;
        n++;
        continue;
      }
      const at = this.scratch.reserve(total);
      const out = this.scratch.buf;
      let w = at;
      for (let k = 0; k < parts.length; k += 2) {
        out.set(buf.subarray(fs + parts[k]!, fs + parts[k]! + parts[k + 1]!), w);
        w += parts[k + 1]!;
      }
      this.v[n] = out;
      this.s[n] = at;
      this.e[n] = at + total;
      n++;
    }
    this.n = n;
  }

  private rs = 0;

  /** Length of the range within a field of `flen` bytes (start in this.rs), or -1. */
  private resolve(r: Range, flen: number): number {
    let start = r.start;
    if (start < 0) {
      start += flen;
      if (start < 0) return -1;
    }
    let len: number;
    if (r.kind === 'toend') {
      len = flen - start;
      if (len <= 0) return -1;
    } else if (r.kind === 'len') len = r.n;
    else {
      let end = r.n;
      if (end < 0) end += flen;
      if (end < start || end >= flen) return -1;
      len = end - start + 1;
    }
    if (start + len > flen) return -1;
    this.rs = start;
    return len;
  }
}

class MapVals extends Vals {
  constructor(
    private readonly inner: Vals,
    private readonly f: (src: Vals, i: number, out: Vals, o: number) => boolean,
  ) {
    super();
  }
  run(fv: FieldValues, frame: Uint8Array): void {
    this.inner.run(fv, frame);
    let n = 0;
    for (let i = 0; i < this.inner.n; i++) if (this.f(this.inner, i, this, n)) n++;
    this.n = n;
  }
}

class CountVals extends Vals {
  constructor(private readonly id: number) {
    super();
  }
  run(fv: FieldValues): void {
    const nodes = fv.get(this.id);
    if (nodes && nodes.length) {
      this.v[0] = nodes.length;
      this.n = 1;
    } else this.n = 0;
  }
}

class LenVals extends Vals {
  constructor(
    private readonly id: number,
    private readonly t: SType,
  ) {
    super();
  }
  run(fv: FieldValues): void {
    const nodes = fv.get(this.id);
    if (!nodes) {
      this.n = 0;
      return;
    }
    for (let i = 0; i < nodes.length; i++) this.v[i] = valueLength(this.t, nodes[i]!);
    this.n = nodes.length;
  }
}

/** Wireshark's `len()`: the byte length of a byte/string value, the wire size of an integer. */
function valueLength(t: SType, n: FieldNode): number {
  const v = n.value;
  switch (t.type) {
    case 'protocol':
      return n.value instanceof Uint8Array ? n.value.length : n.length;
    case 'bytes':
    case 'ether':
    case 'ipv6':
      return v instanceof Uint8Array ? v.length : 0;
    case 'string':
      return typeof v === 'string' ? utf8Length(v) : 0;
    case 'ipv4':
      return 4;
    case 'uint':
    case 'int':
      return Math.max(1, Math.ceil(t.bits / 8));
    case 'uint64':
      return 8;
    case 'framenum':
      return 4;
    case 'double':
      return 8;
    default:
      return 0;
  }
}

class MinMaxVals extends Vals {
  constructor(
    private readonly args: Vals[],
    private readonly cmp: Cmp,
    private readonly max: boolean,
  ) {
    super();
  }
  run(fv: FieldValues, frame: Uint8Array): void {
    let best: Vals | null = null;
    let bi = 0;
    for (const a of this.args) {
      a.run(fv, frame);
      for (let i = 0; i < a.n; i++) {
        if (!best) {
          best = a;
          bi = i;
          continue;
        }
        const c = this.cmp(a, i, best, bi);
        if (this.max ? c > 0 : c < 0) {
          best = a;
          bi = i;
        }
      }
    }
    if (!best) {
      this.n = 0;
      return;
    }
    this.v[0] = best.v[bi];
    this.s[0] = best.s[bi]!;
    this.e[0] = best.e[bi]!;
    this.n = 1;
  }
}

const I32_MIN = -2147483648;
const U32_MAX = 4294967295;

/** Integer arithmetic in Wireshark's 32/64-bit fvalue semantics: results that overflow, and
 * division by zero, produce no value. */
function intOp(op: ArithOp, a: number | bigint, b: number | bigint, signed: boolean): number | bigint | null {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case '+':
        r = a + b;
        break;
      case '-':
        r = a - b;
        break;
      case '*':
        r = a * b;
        break;
      case '/':
        if (b === 0) return null;
        r = Math.trunc(a / b);
        break;
      case '%':
        if (b === 0) return null;
        r = a % b;
        break;
      case '&':
        r = signed || a < 0 || b < 0 ? a & b : (a & b) >>> 0;
        break;
    }
    if (!Number.isSafeInteger(r)) return null;
    if (a >= I32_MIN && a <= U32_MAX && b >= I32_MIN && b <= U32_MAX && (r < I32_MIN || r > U32_MAX)) return null;
    return r;
  }
  const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(a));
  const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(b));
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0n ? null : x / y;
    case '%':
      return y === 0n ? null : x % y;
    case '&':
      return x & y;
  }
}

class ArithVals extends Vals {
  private readonly scratch = new Scratch();

  constructor(
    private readonly op: ArithOp,
    private readonly a: Vals,
    private readonly b: Vals,
    private readonly kind: Kind,
    private readonly signed: boolean,
  ) {
    super();
  }

  run(fv: FieldValues, frame: Uint8Array): void {
    const { a, b, op } = this;
    a.run(fv, frame);
    b.run(fv, frame);
    this.scratch.used = 0;
    let n = 0;
    for (let i = 0; i < a.n; i++) {
      for (let j = 0; j < b.n; j++) {
        switch (this.kind) {
          case 'num': {
            const r = intOp(op, a.v[i] as number, b.v[j] as number, this.signed);
            if (r === null) continue;
            this.v[n++] = r;
            break;
          }
          case 'double': {
            const x = a.v[i] as number;
            const y = b.v[j] as number;
            this.v[n++] = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
            break;
          }
          case 'time': {
            const x = timeToSeconds(a.v[i]);
            const y = timeToSeconds(b.v[j]);
            this.v[n++] = op === '+' ? x + y : x - y;
            break;
          }
          case 'bytes': {
            // bitwise and of two byte strings of the same length
            const xs = a.s[i]!;
            const ys = b.s[j]!;
            const len = a.e[i]! - xs;
            if (len !== b.e[j]! - ys) continue;
            const xb = a.v[i] as Uint8Array;
            const yb = b.v[j] as Uint8Array;
            const at = this.scratch.reserve(len);
            const out = this.scratch.buf;
            for (let k = 0; k < len; k++) out[at + k] = xb[xs + k]! & yb[ys + k]!;
            this.v[n] = out;
            this.s[n] = at;
            this.e[n] = at + len;
            n++;
            break;
          }
          default:
            continue;
        }
      }
    }
    this.n = n;
  }
}

// ------------------------------------------------------------------ compiler

interface Typed {
  vals: Vals;
  t: SType;
  /** Set for a compile-time constant. */
  isConst: boolean;
}

const STRING_CONVERTIBLE = new Set(['uint', 'int', 'uint64', 'framenum', 'ipv4', 'ipv6', 'ether']);

function asciiCase(s: string, upper: boolean): string {
  return upper ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function isTextual(e: Ent): boolean {
  return e.k === 'string' || e.k === 'charconst' || e.k === 'unparsed';
}

export class Compiler {
  private readonly fields = new Map<number, FieldDef>();
  private needsBytes = false;

  compile(ast: Expr): Compiled {
    const test = this.expr(ast);
    return { test, fields: [...this.fields.values()], needsFrameBytes: this.needsBytes };
  }

  private use(def: FieldDef): void {
    this.fields.set(def.id, def);
  }

  private markerIds: number[] | null = null;

  private markers(): number[] {
    if (!this.markerIds) {
      this.markerIds = [];
      for (const name of REASSEMBLY_MARKERS) {
        const d = fieldByName(name);
        if (d) {
          this.use(d);
          this.markerIds.push(d.id);
        }
      }
    }
    return this.markerIds;
  }

  private dataEnds: DataEnds | null = null;

  private ends(): DataEnds {
    if (!this.dataEnds) {
      const id = (name: string): number => {
        const d = fieldByName(name);
        if (!d) return -1;
        this.use(d);
        return d.id;
      };
      const trailers = TRAILER_FIELDS.map(id).filter((x) => x >= 0);
      this.dataEnds = new DataEnds(trailers, id('ip'), id('ip.len'), id('ipv6'), id('ipv6.plen'));
    }
    return this.dataEnds;
  }

  // ---------------------------------------------------------------- logic

  private expr(e: Expr): Test {
    switch (e.k) {
      case 'true':
        return () => true;
      case 'and': {
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        return (fv, fr) => a(fv, fr) && b(fv, fr);
      }
      case 'or': {
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        return (fv, fr) => a(fv, fr) || b(fv, fr);
      }
      case 'not': {
        const a = this.expr(e.a);
        return (fv, fr) => !a(fv, fr);
      }
      case 'test':
        return this.testExpr(e.e);
      case 'cmp':
        return this.comparison(e);
      case 'contains':
      case 'matches':
        return this.containsMatches(e);
      case 'in':
        return this.membership(e);
    }
  }

  /** Resolves a word to a field, or null when it is a literal. */
  private resolve(e: Ent): FieldDef | null {
    if (e.k === 'field') {
      const def = fieldByName(e.name);
      if (!def) throw err(`"${e.name}" is not a valid protocol or protocol field.`, e);
      this.checkLayer(e);
      return def;
    }
    if (e.k === 'unparsed') {
      const def = fieldByName(e.text);
      if (def) this.checkLayer(e);
      else if (WIRESHARK_PROTOCOLS.has(e.text)) {
        throw new FilterError(
          `"${e.text}" is a Wireshark protocol that pcapscope does not decode (tshark reads this word as that protocol, not as a value).`,
          e.pos,
          e.len,
          true,
        );
      } else if (e.layer) throw err(`${e.text} is not a valid field`, e);
      return def ?? null;
    }
    return null;
  }

  private checkLayer(e: Ent & { layer?: Loc }): void {
    if (e.layer) throw new FilterError('The layer operator (#) is not supported by pcapscope.', e.layer.pos, e.layer.len, true);
  }

  private testExpr(e: Ent): Test {
    switch (e.k) {
      case 'field':
      case 'unparsed': {
        const def = this.resolve(e);
        if (!def) throw err(`${e.text} is neither a field nor a protocol name.`, e);
        this.use(def);
        const id = def.id;
        return (fv) => {
          const n = fv.get(id);
          return n !== undefined && n.length > 0;
        };
      }
      case 'string':
      case 'charconst':
        throw err(`${e.text} is neither a field nor a protocol name.`, e);
      case 'func':
        throw err('You cannot test whether a function is present.', e);
      case 'ref': {
        this.entity(e, undefined, false);
        return () => false;
      }
      case 'slice': {
        const v = this.entity(e, undefined, false).vals;
        return (fv, fr) => {
          v.run(fv, fr);
          for (let i = 0; i < v.n; i++) if (v.e[i]! > v.s[i]!) return true;
          return false;
        };
      }
      case 'arith':
      case 'neg': {
        const x = this.entity(e, undefined, true);
        const v = x.vals;
        const k = kindOf(x.t);
        return (fv, fr) => {
          v.run(fv, fr);
          for (let i = 0; i < v.n; i++) if (nonZero(k, v, i)) return true;
          return false;
        };
      }
    }
  }

  // ---------------------------------------------------------------- relations

  private lhs(a: Ent, opText: string, allowArith = true): Typed {
    if (isTextual(a) && !(a.k === 'unparsed' && this.resolve(a)))
      throw err(`Left side of "${opText}" expression must be a field or function, not ${a.text}.`, a);
    if ((a.k === 'arith' || a.k === 'neg') && !allowArith) throw err(`Left side of "${opText}" expression must be a field or function, not ${a.text}.`, a);
    if (a.k === 'arith' || a.k === 'neg') {
      // tshark wants the first operand of a left-hand arithmetic expression to be a field/function
      let first: Ent = a;
      while (first.k === 'arith') first = first.a;
      const lead = first.k === 'neg' ? first.e : first;
      if (!this.typeOf(lead)) throw err('Constant arithmetic expression on the LHS is invalid.', firstLeaf(a));
    }
    return this.entity(a, undefined, true);
  }

  private comparison(c: Extract<Expr, { k: 'cmp' }>): Test {
    let A = this.lhs(c.a, c.opText);
    if (kindOf(A.t) === 'none') throw err(`${c.a.text} (type=${prettyName(A.t)}) cannot participate in ${c.opText} comparison.`, c.a);
    let B: Typed;
    if (c.a.k === 'slice' || c.b.k === 'slice') {
      // next to a slice, both sides are compared as bytes: a field on the other side is turned
      // into its bytes when its type allows it
      if (c.a.k !== 'slice') A = this.asBytesOperand(c.a, A, false);
      const tb = c.b.k === 'slice' ? BYTES : this.typeOf(c.b);
      if (!tb) B = this.literal(c.b, BYTES);
      else {
        B = this.entity(c.b, BYTES, true);
        if (c.b.k !== 'slice') B = this.asBytesOperand(c.b, B, c.a.k === 'slice');
      }
    } else B = this.rhs(c.b, A, c.a);
    const kind = kindOf(A.t);
    const cmp = comparator(kind, isSigned(A.t));
    const av = A.vals;
    const bv = B.vals;
    const base = c.op === 'any_eq' || c.op === 'all_eq' ? 'eq' : c.op === 'all_ne' || c.op === 'any_ne' ? 'ne' : c.op;
    const defaultAll = c.op === 'all_eq' || c.op === 'all_ne';
    const all = c.mode ? c.mode === 'all' : defaultAll;
    let pred: (r: number) => boolean;
    switch (base) {
      case 'eq':
        pred = (r) => r === 0;
        break;
      case 'ne':
        pred = (r) => r !== 0;
        break;
      case 'gt':
        pred = (r) => r > 0;
        break;
      case 'ge':
        pred = (r) => r >= 0;
        break;
      case 'lt':
        pred = (r) => r < 0;
        break;
      default:
        pred = (r) => r <= 0;
    }
    if (all) {
      return (fv, fr) => {
        av.run(fv, fr);
        if (av.n === 0) return false;
        bv.run(fv, fr);
        if (bv.n === 0) return false;
        for (let i = 0; i < av.n; i++) for (let j = 0; j < bv.n; j++) if (!pred(cmp(av, i, bv, j))) return false;
        return true;
      };
    }
    if (base === 'eq' && B.isConst && bv.n === 1 && av instanceof FieldVals) {
      // the common `field == literal`
      return (fv, fr) => {
        av.run(fv, fr);
        for (let i = 0; i < av.n; i++) if (cmp(av, i, bv, 0) === 0) return true;
        return false;
      };
    }
    return (fv, fr) => {
      av.run(fv, fr);
      if (av.n === 0) return false;
      bv.run(fv, fr);
      for (let i = 0; i < av.n; i++) for (let j = 0; j < bv.n; j++) if (pred(cmp(av, i, bv, j))) return true;
      return false;
    };
  }

  /** A field compared with a slice, as bytes. tshark 4.0 accepts an IPv6 field on the right of a
   * slice but never finds it equal, greater or smaller: that side gets no value. */
  private asBytesOperand(e: Ent, x: Typed, rightOfSlice: boolean): Typed {
    const k = kindOf(x.t);
    if (x.t.type === 'protocol') throw protocolVersusValue(e);
    if (k === 'bytes') return { vals: x.vals, t: BYTES, isConst: x.isConst };
    if (!canSlice(x.t)) {
      const what = e.k === 'func' ? `Return value of function "${e.name}"` : `"${e.text}"`;
      throw err(`${what} is a ${prettyName(x.t)} and cannot be converted into a sequence of bytes.`, e);
    }
    if (k === 'ipv6' && rightOfSlice) return { vals: new EmptyVals(), t: BYTES, isConst: false };
    return { vals: new SliceVals(x.vals, k, [{ start: 0, kind: 'toend', n: 0, pos: -1, len: 0 }]), t: BYTES, isConst: false };
  }

  /** The right-hand side of a comparison, converted to / checked against the left side's type. */
  private rhs(b: Ent, A: Typed, a: Ent, forContains = false): Typed {
    const tb = this.typeOf(b);
    if (!tb) {
      if (b.k === 'arith' || b.k === 'neg') return this.entity(b, A.t, true);
      return this.literal(b, A.t, forContains);
    }
    const B = this.entity(b, A.t, true);
    if (!compatible(A.t, B.t)) throw err(`${a.text} and ${b.text} are not of compatible types.`, b);
    return B;
  }

  private literal(e: Ent, t: SType, forContains = false): Typed {
    let c: Const;
    if (e.k === 'string') c = fromString(e.value, t, e);
    else if (e.k === 'charconst') c = fromCharConst(e.value, e.text, t, e);
    else if (e.k === 'unparsed') c = fromWord(e.text, forContains && t.type === 'ether' ? BYTES : t, e);
    else throw err(`${e.text} was unexpected in this context.`, e);
    return { vals: constVals(c, t), t, isConst: true };
  }

  private containsMatches(c: Extract<Expr, { k: 'contains' | 'matches' }>): Test {
    let A = this.lhs(c.a, c.opText, false);
    if (!canContain(A.t)) throw err(`${c.a.text} (type=${prettyName(A.t)}) cannot participate in ${c.opText} comparison.`, c.a);
    const all = c.mode === 'all';
    if (c.k === 'matches') {
      if (c.b.k !== 'string') throw err('Matches requires a double quoted string on the right side.', c.b);
      const re = compilePcre(c.b.value);
      const av = A.vals;
      const one = kindOf(A.t) === 'str'
        ? (i: number) => re.test(utf8Latin1(av.v[i] as string))
        : (i: number) => re.test(bytesToLatin1(av.v[i] as Uint8Array, av.s[i]!, av.e[i]!));
      return quantify(av, all, one);
    }
    let B: Typed;
    if (A.t.type === 'protocol' && (c.b.k === 'slice' || this.typeOf(c.b)?.type === 'protocol')) throw protocolVersusValue(c.a);
    if (c.a.k === 'slice' || c.b.k === 'slice') {
      const tb = c.b.k === 'slice' ? BYTES : this.typeOf(c.b);
      if (!tb) B = this.literal(c.b, BYTES);
      else {
        B = this.entity(c.b, BYTES, true);
        if (c.b.k !== 'slice') B = this.asBytesOperand(c.b, B, c.a.k === 'slice');
      }
      if (kindOf(A.t) === 'str') A = { ...A, vals: new SliceVals(A.vals, 'str', [{ start: 0, kind: 'toend', n: 0, pos: -1, len: 0 }]), t: BYTES };
    } else B = this.rhs(c.b, A, c.a, true);
    const av = A.vals;
    const bv = B.vals;
    const one = kindOf(A.t) === 'str'
      ? (i: number) => {
          for (let j = 0; j < bv.n; j++) {
            const needle = bv.v[j] as string;
            if (needle.length > 0 && (av.v[i] as string).includes(needle)) return true;
          }
          return false;
        }
      : (i: number) => {
          for (let j = 0; j < bv.n; j++) {
            if (bytesContain(av.v[i] as Uint8Array, av.s[i]!, av.e[i]!, bv.v[j] as Uint8Array, bv.s[j]!, bv.e[j]!)) return true;
          }
          return false;
        };
    return (fv, fr) => {
      av.run(fv, fr);
      if (av.n === 0) return false;
      bv.run(fv, fr);
      if (bv.n === 0) return false;
      if (all) {
        for (let i = 0; i < av.n; i++) if (!one(i)) return false;
        return true;
      }
      for (let i = 0; i < av.n; i++) if (one(i)) return true;
      return false;
    };
  }

  private membership(m: Extract<Expr, { k: 'in' }>): Test {
    const a = m.a;
    const def = a.k === 'field' || a.k === 'unparsed' ? this.resolve(a) : null;
    if (!def) throw err('Only a field may be tested for membership in a set.', a);
    const A = this.entity(a, undefined, false);
    if (kindOf(A.t) === 'none') throw err(`${a.text} (type=${prettyName(A.t)}) cannot participate in in comparison.`, a);
    const av = A.vals;
    const cmp = comparator(kindOf(A.t), isSigned(A.t));
    for (const el of m.set) {
      if (el.lo.k === 'slice' || el.hi?.k === 'slice') throw new FilterError('A slice may not appear inside a set.');
    }
    const elems = m.set.map((el: SetElem) => ({
      lo: this.rhs(el.lo, A, a).vals,
      hi: el.hi ? this.rhs(el.hi, A, a).vals : null,
    }));
    const all = m.mode === 'all';
    // tshark 4.0: the set test is an OR over its elements of "any/all occurrences match it"
    const test: Test = (fv, fr) => {
      av.run(fv, fr);
      if (av.n === 0) return false;
      for (const el of elems) {
        el.lo.run(fv, fr);
        if (el.hi) el.hi.run(fv, fr);
        let anyHit = false;
        let allHit = true;
        for (let i = 0; i < av.n; i++) {
          let hit = false;
          for (let j = 0; j < el.lo.n && !hit; j++) {
            if (!el.hi) hit = cmp(av, i, el.lo, j) === 0;
            else for (let k = 0; k < el.hi.n && !hit; k++) hit = cmp(av, i, el.lo, j) >= 0 && cmp(av, i, el.hi, k) <= 0;
          }
          if (hit) anyHit = true;
          else allHit = false;
        }
        if (all ? allHit : anyHit) return true;
      }
      return false;
    };
    return m.negated ? (fv, fr) => !test(fv, fr) : test;
  }

  // ---------------------------------------------------------------- typing

  /** Static type of an entity, null for a literal (typed by the other side). */
  private typeOf(e: Ent): SType | null {
    switch (e.k) {
      case 'field':
      case 'unparsed': {
        const def = this.resolve(e);
        return def ? stypeOf(def) : null;
      }
      case 'string':
      case 'charconst':
        return null;
      case 'slice':
        return BYTES;
      case 'ref':
        return this.typeOf(e.e);
      case 'neg':
        return this.typeOf(e.e);
      case 'arith':
        return this.typeOf(e.a) ?? this.typeOf(e.b);
      case 'func':
        switch (e.name) {
          case 'len':
          case 'count':
            return UINT32;
          case 'upper':
          case 'lower':
          case 'string':
            return STRING;
          default: {
            for (const a of e.args) {
              const t = this.typeOf(a);
              if (t) return t;
            }
            return null;
          }
        }
    }
  }

  // ---------------------------------------------------------------- entities

  /** Compiles an entity. `want` types literals; `tvb` says protocols are wanted with all their
   * data rather than their header span. */
  private entity(e: Ent, want: SType | undefined, tvb: boolean): Typed {
    switch (e.k) {
      case 'field':
      case 'unparsed': {
        const def = this.resolve(e);
        if (!def) {
          if (!want) throw err(`${e.text} is neither a field nor a protocol name.`, e);
          return this.literal(e, want);
        }
        this.use(def);
        if (def.type !== 'protocol') return { vals: new FieldVals(def, !tvb, null), t: stypeOf(def), isConst: false };
        this.needsBytes = true;
        return { vals: new FieldVals(def, !tvb, tvb ? this.ends() : null, this.markers()), t: stypeOf(def), isConst: false };
      }
      case 'string':
      case 'charconst':
        if (!want) throw err(`${e.text} is neither a field nor a protocol name.`, e);
        return this.literal(e, want);
      case 'ref': {
        const inner = this.entity(e.e, undefined, tvb);
        return { vals: new EmptyVals(), t: inner.t, isConst: false };
      }
      case 'slice':
        return this.slice(e);
      case 'func':
        return this.func(e, want);
      case 'neg':
        return this.neg(e, want);
      case 'arith':
        return this.arith(e, want);
    }
  }

  private slice(e: Extract<Ent, { k: 'slice' }>): Typed {
    const inner = e.e;
    const t = this.typeOf(inner);
    if (!t) throw err(`${inner.text} is neither a field nor a protocol name.`, inner);
    if (!canSlice(t)) {
      if (inner.k === 'func')
        throw err(`Return value of function "${inner.name}" is a ${prettyName(t)} and cannot be converted into a sequence of bytes.`, inner);
      throw err(`"${inner.text}" is a ${prettyName(t)} and cannot be sliced into a sequence of bytes.`, inner);
    }
    const x = this.entity(inner, undefined, false);
    if (t.type === 'protocol') this.needsBytes = true;
    return { vals: new SliceVals(x.vals, kindOf(t), e.ranges), t: BYTES, isConst: false };
  }

  private neg(e: Extract<Ent, { k: 'neg' }>, want: SType | undefined): Typed {
    const t = this.typeOf(e.e) ?? want;
    if (!t) throw err('Constant arithmetic expression on the LHS is invalid.', e.e);
    const k = kindOf(t);
    if (!(k === 'num' && t.type !== 'bool') && k !== 'double' && k !== 'time') throw err(`${ftName(t)} cannot -.`, e.e);
    const x = this.entity(e.e, t, true);
    const negate = (v: unknown): unknown => {
      if (typeof v === 'bigint') return -v;
      if (typeof v === 'number') return -v;
      const tl = v as TimeLit;
      return tl.nsec ? { sec: -tl.sec - 1, nsec: 1e9 - tl.nsec } : { sec: -tl.sec, nsec: 0 };
    };
    if (x.isConst) {
      const v = x.vals;
      const out: unknown[] = [];
      for (let i = 0; i < v.n; i++) out.push(negate(v.v[i]));
      return { vals: new ConstVals(out), t, isConst: true };
    }
    const vals = new MapVals(x.vals, (src, i, out, o) => {
      const v = src.v[i];
      if (typeof v === 'number' && k === 'num' && v > 2147483647) return false; // overflow
      out.v[o] = negate(v);
      return true;
    });
    return { vals, t, isConst: false };
  }

  private arith(e: Extract<Ent, { k: 'arith' }>, want: SType | undefined): Typed {
    const ta = this.typeOf(e.a);
    const tb = this.typeOf(e.b);
    const t = ta ?? tb ?? want;
    if (!t) throw err('Constant arithmetic expression on the LHS is invalid.', firstLeaf(e));
    if (!canArith(t, e.op)) throw err(`${ftName(t)} cannot ${e.opText}.`, firstLeaf(e.a));
    if (ta && tb && !compatible(ta, tb)) throw err(`${e.a.text} and ${e.b.text} are not type compatible.`, locOf(e.b));
    const A = this.entity(e.a, t, true);
    const B = this.entity(e.b, t, true);
    const k = kindOf(t);
    return { vals: new ArithVals(e.op, A.vals, B.vals, k, isSigned(t)), t, isConst: false };
  }

  private func(e: Extract<Ent, { k: 'func' }>, want: SType | undefined): Typed {
    const name = e.name;
    const variadic = name === 'max' || name === 'min';
    if (!variadic && e.args.length > 1) throw err(`Function ${name} can only accept 1 arguments.`, e);
    if (e.args.length < 1) throw err(`Function ${name} needs at least 1 arguments.`, e);
    const arg = e.args[0]!;
    const fieldArg = (): FieldDef => {
      const def = arg.k === 'field' || arg.k === 'unparsed' ? this.resolve(arg) : null;
      if (!def) throw err(`Only fields can be used as parameter for ${name}()`, locOf(arg));
      this.use(def);
      return def;
    };
    switch (name) {
      case 'len': {
        const def = fieldArg();
        return { vals: new LenVals(def.id, stypeOf(def)), t: UINT32, isConst: false };
      }
      case 'count': {
        const def = fieldArg();
        return { vals: new CountVals(def.id), t: UINT32, isConst: false };
      }
      case 'upper':
      case 'lower': {
        const def = arg.k === 'field' || arg.k === 'unparsed' ? this.resolve(arg) : null;
        if (!def || def.type !== 'string') throw err(`Only string type fields can be used as parameter for ${name}()`, locOf(arg));
        this.use(def);
        const up = name === 'upper';
        const x = this.entity(arg, undefined, false);
        return {
          vals: new MapVals(x.vals, (src, i, out, o) => {
            out.v[o] = asciiCase(src.v[i] as string, up);
            return true;
          }),
          t: STRING,
          isConst: false,
        };
      }
      case 'string': {
        const def = fieldArg();
        if (!STRING_CONVERTIBLE.has(def.type)) throw err(`String conversion for field "${def.name}" is not supported`, locOf(arg));
        const x = this.entity(arg, undefined, false);
        const conv =
          def.type === 'ipv4'
            ? (v: unknown) => ipv4ToString(v as number)
            : def.type === 'ipv6'
              ? (v: unknown) => ipv6ToString(v as Uint8Array)
              : def.type === 'ether'
                ? (v: unknown) => macToString(v as Uint8Array)
                : (v: unknown) => String(v);
        const k = kindOf(stypeOf(def));
        return {
          vals: new MapVals(x.vals, (src, i, out, o) => {
            out.v[o] = k === 'bytes' ? conv((src.v[i] as Uint8Array).subarray(src.s[i], src.e[i])) : conv(src.v[i]);
            return true;
          }),
          t: STRING,
          isConst: false,
        };
      }
      case 'abs': {
        const t = this.typeOf(arg);
        const k = t ? kindOf(t) : null;
        if (!t || !((k === 'num' && t.type !== 'bool') || k === 'double' || k === 'time'))
          throw err(`'${arg.text}' is not a valid argument to '${name}'()`, locOf(arg));
        const x = this.entity(arg, undefined, true);
        return {
          vals: new MapVals(x.vals, (src, i, out, o) => {
            const v = src.v[i];
            if (k === 'time') {
              // Wireshark negates a time offset only when its whole seconds are negative: a
              // negative offset above -1 s keeps its sign (tshark 4.0 behaviour).
              const sec = timeToSeconds(v);
              out.v[o] = Math.trunc(sec) < 0 ? -sec : v;
            } else out.v[o] = typeof v === 'bigint' ? (v < 0n ? -v : v) : typeof v === 'number' ? Math.abs(v) : v;
            return true;
          }),
          t,
          isConst: false,
        };
      }
      default: {
        // max / min
        let t: SType | null = null;
        for (const a of e.args) {
          const ta = this.typeOf(a);
          if (!ta) continue;
          if (!t) t = ta;
          else if (ta.type !== t.type || ta.bits !== t.bits || !!ta.def?.epoch !== !!t.def?.epoch)
            throw err(`Arguments to '${name}' must have the same type (expected ${ftName(t)}, got ${ftName(ta)})`, locOf(a));
        }
        t ??= want ?? null;
        if (!t) throw err('Constant arithmetic expression on the LHS is invalid.', e);
        const args = e.args.map((a) => (this.typeOf(a) ? this.entity(a, undefined, true).vals : this.entity(a, t!, true).vals));
        return { vals: new MinMaxVals(args, comparator(kindOf(t), isSigned(t)), name === 'max'), t, isConst: false };
      }
    }
  }
}

/** tshark 4.0 compares a protocol with a field or slice by reading the other value as if it were
 * a protocol too: the result depends on memory contents, so pcapscope refuses the filter. Protocol
 * versus literal and protocol versus protocol are fine. */
function protocolVersusValue(e: Ent): FilterError {
  const loc = locOf(e);
  return new FilterError(
    'Comparing a protocol with a field or a slice is not supported by pcapscope (tshark 4.0 gives unreliable results); compare with a literal, or slice the protocol.',
    loc.pos,
    loc.len,
    true,
  );
}

function nonZero(k: Kind, v: Vals, i: number): boolean {
  const x = v.v[i];
  switch (k) {
    case 'bytes': {
      const b = x as Uint8Array;
      for (let p = v.s[i]!; p < v.e[i]!; p++) if (b[p] !== 0) return true;
      return false;
    }
    case 'time':
      return typeof x === 'number' ? x !== 0 : (x as TimeLit).sec !== 0 || (x as TimeLit).nsec !== 0;
    default:
      return typeof x === 'bigint' ? x !== 0n : x !== 0;
  }
}

function quantify(av: Vals, all: boolean, one: (i: number) => boolean): Test {
  return (fv, fr) => {
    av.run(fv, fr);
    if (av.n === 0) return false;
    if (all) {
      for (let i = 0; i < av.n; i++) if (!one(i)) return false;
      return true;
    }
    for (let i = 0; i < av.n; i++) if (one(i)) return true;
    return false;
  };
}

/** A constant in the Vals representation of type `t`. */
function constVals(c: Const, t: SType): ConstVals {
  switch (kindOf(t)) {
    case 'ipv4': {
      const l = c as Ipv4Lit;
      return new ConstVals([l.addr], [l.prefix]);
    }
    case 'ipv6': {
      const l = c as Ipv6Lit;
      return new ConstVals([l.bytes], [l.prefix]);
    }
    case 'bytes': {
      const b = typeof c === 'string' ? latin1ToBytes(c) : (c as Uint8Array);
      return new ConstVals([b], [0], [b.length]);
    }
    default:
      return new ConstVals([c]);
  }
}

/** Location of an entity for messages; slices have none in tshark 4.0. */
function locOf(e: Ent): Loc {
  return e.k === 'arith' ? firstLeaf(e) : { pos: e.pos, len: e.len };
}

function firstLeaf(e: Ent): Loc {
  let x: Ent = e;
  while (x.k === 'arith') x = x.a;
  return { pos: x.pos, len: x.len };
}

