/** Run-time value lists and comparisons. Every expression node owns a `Vals` buffer that is
 * overwritten on each frame (no per-frame allocation): the values of all its occurrences in the
 * frame, in a representation that depends on the static kind:
 *
 *   num     v: number | bigint (booleans as 0/1; a negative value is a signed result)
 *   ipv4    v: uint32 number, s: prefix length (32 for fields, the CIDR length for literals)
 *   ipv6    v: Uint8Array(16), s: prefix length
 *   bytes   v: Uint8Array buffer, s/e: start/end offsets into it
 *   str     v: string, one char per byte
 *   double  v: number
 *   time    v: seconds (number) | {sec, nsec}
 *   abstime v: {sec, nsec}
 */
import type { FieldNode } from '../decoders/core/tree.js';
import type { Kind } from './types.js';

/** Occurrences of one field in one frame, in order (FieldCollector.found gives Map<id, FieldNode[]>). */
export interface FieldValues {
  get(id: number): readonly FieldNode[] | undefined;
}

export abstract class Vals {
  n = 0;
  v: unknown[] = [];
  s: number[] = [];
  e: number[] = [];
  abstract run(fv: FieldValues, frame: Uint8Array): void;
}

/** A compile-time constant (literals, folded expressions). */
export class ConstVals extends Vals {
  constructor(values: unknown[], s: number[] = [], e: number[] = []) {
    super();
    this.v = values;
    this.s = s;
    this.e = e;
    this.n = values.length;
  }
  run(): void {}
}

/** Field references (`${field}`) read the frame selected in the GUI; tshark has none. */
export class EmptyVals extends Vals {
  run(): void {
    this.n = 0;
  }
}

export type Cmp = (a: Vals, i: number, b: Vals, j: number) => number;
export type Eq = (a: Vals, i: number, b: Vals, j: number) => boolean;

const I32_MIN = -2147483648;
const U32_MAX = 4294967295;

/** Integers compare as Wireshark's fvalues do: in the left value's signedness, the right value's
 * 32 bits reinterpreted (so `tcp.srcport > -80` is false, as in tshark). */
export function numCmp(a: number | bigint, b: number | bigint, signed: boolean): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b >= I32_MIN && b <= U32_MAX && a >= I32_MIN && a <= U32_MAX) b = signed || a < 0 ? b | 0 : b >>> 0;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(a));
  const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

function ipv4Mask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

function cmpIpv4(a: Vals, i: number, b: Vals, j: number): number {
  const m = ipv4Mask(Math.min(a.s[i]!, b.s[j]!));
  const x = ((a.v[i] as number) & m) >>> 0;
  const y = ((b.v[j] as number) & m) >>> 0;
  return x < y ? -1 : x > y ? 1 : 0;
}

function cmpIpv6(a: Vals, i: number, b: Vals, j: number): number {
  const bits = Math.min(a.s[i]!, b.s[j]!);
  const x = a.v[i] as Uint8Array;
  const y = b.v[j] as Uint8Array;
  for (let k = 0; k < 16 && k * 8 < bits; k++) {
    const rem = bits - k * 8;
    const m = rem >= 8 ? 0xff : (0xff << (8 - rem)) & 0xff;
    const p = x[k]! & m;
    const q = y[k]! & m;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/** Byte sequences order by length first, then bytewise (Wireshark's FT_BYTES cmp_order). */
function cmpBytes(a: Vals, i: number, b: Vals, j: number): number {
  const x = a.v[i] as Uint8Array;
  const y = b.v[j] as Uint8Array;
  const xs = a.s[i]!;
  const ys = b.s[j]!;
  const xl = a.e[i]! - xs;
  const yl = b.e[j]! - ys;
  if (xl !== yl) return xl < yl ? -1 : 1;
  for (let k = 0; k < xl; k++) {
    const p = x[xs + k]!;
    const q = y[ys + k]!;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

function cmpStr(a: Vals, i: number, b: Vals, j: number): number {
  const x = a.v[i] as string;
  const y = b.v[j] as string;
  return x < y ? -1 : x > y ? 1 : 0;
}

function cmpDouble(a: Vals, i: number, b: Vals, j: number): number {
  const x = a.v[i] as number;
  const y = b.v[j] as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

interface SecNsec {
  sec: number;
  nsec: number;
}

/** Times compare exactly as seconds + nanoseconds; relative times in seconds (doubles) are
 * rounded to the nanosecond first. */
export function cmpTimeValues(a: unknown, b: unknown): number {
  let as: number, an: number, bs: number, bn: number;
  if (typeof a === 'number') {
    as = Math.floor(a);
    an = Math.round((a - as) * 1e9);
    if (an >= 1e9) {
      as++;
      an -= 1e9;
    }
  } else {
    as = (a as SecNsec).sec;
    an = (a as SecNsec).nsec;
  }
  if (typeof b === 'number') {
    bs = Math.floor(b);
    bn = Math.round((b - bs) * 1e9);
    if (bn >= 1e9) {
      bs++;
      bn -= 1e9;
    }
  } else {
    bs = (b as SecNsec).sec;
    bn = (b as SecNsec).nsec;
  }
  if (as !== bs) {
    // Wireshark's nstime_cmp returns (int)(a.secs - b.secs): differences beyond 2^31 seconds
    // wrap around, and tshark's comparisons follow that (kept for identical results)
    const d = (as - bs) | 0;
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }
  return an < bn ? -1 : an > bn ? 1 : 0;
}

function cmpTime(a: Vals, i: number, b: Vals, j: number): number {
  return cmpTimeValues(a.v[i], b.v[j]);
}

export function comparator(kind: Kind, signed: boolean): Cmp {
  switch (kind) {
    case 'num':
      return signed
        ? (a, i, b, j) => numCmp(a.v[i] as number, b.v[j] as number, true)
        : (a, i, b, j) => numCmp(a.v[i] as number, b.v[j] as number, false);
    case 'ipv4':
      return cmpIpv4;
    case 'ipv6':
      return cmpIpv6;
    case 'bytes':
      return cmpBytes;
    case 'str':
      return cmpStr;
    case 'double':
      return cmpDouble;
    case 'time':
    case 'abstime':
      return cmpTime;
    case 'none':
      return () => 0;
  }
}

export function bytesContain(hay: Uint8Array, hs: number, he: number, needle: Uint8Array, ns: number, ne: number): boolean {
  const n = ne - ns;
  if (n <= 0 || n > he - hs) return false;
  const first = needle[ns]!;
  const last = he - n;
  outer: for (let p = hs; p <= last; p++) {
    if (hay[p] !== first) continue;
    for (let k = 1; k < n; k++) if (hay[p + k] !== needle[ns + k]) continue outer;
    return true;
  }
  return false;
}

/** Seconds of a time value (for arithmetic). */
export function timeToSeconds(v: unknown): number {
  return typeof v === 'number' ? v : (v as SecNsec).sec + (v as SecNsec).nsec / 1e9;
}

// ------------------------------------------------------------------ strings
// String field values are JS strings (decoders decode the wire text); Wireshark's string fvalues
// are UTF-8 byte strings. Byte-level operations (len, slices, regex subjects) therefore work on
// the UTF-8 encoding, which is the string itself when it is ASCII.

const NON_ASCII = /[^\x00-\x7f]/;

export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Writes the UTF-8 encoding of `s` at `at`; the buffer must have utf8Length(s) bytes free. */
export function writeUtf8(s: string, out: Uint8Array, at: number): void {
  let p = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out[p++] = c;
    else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[p++] = 0xf0 | (c >> 18);
        out[p++] = 0x80 | ((c >> 12) & 63);
      } else out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 63);
      out[p++] = 0x80 | (c & 63);
    }
  }
}

/** The UTF-8 bytes of a string, one char per byte (a regex subject for a byte-level pattern). */
export function utf8Latin1(s: string): string {
  return isAscii(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/** A filter string literal (bytes, one char per byte) as a JS string: UTF-8 decoded when it is
 * valid UTF-8, else byte for byte. */
export function literalToString(bytes: string): string {
  if (isAscii(bytes)) return bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return bytes;
  }
}
