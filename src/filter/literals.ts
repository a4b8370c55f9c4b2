/** Conversion of filter literals to typed constants, with tshark 4.0's error texts. */
import { FilterError } from './errors.js';
import type { Loc } from './parser.js';
import { literalToString } from './runtime.js';
import { kindOf, prettyName, type SType } from './types.js';

export interface Ipv4Lit {
  addr: number;
  prefix: number;
}
export interface Ipv6Lit {
  bytes: Uint8Array;
  prefix: number;
}
export interface TimeLit {
  sec: number;
  nsec: number;
}
/** A converted constant in the run-time representation of its kind. */
export type Const = number | bigint | string | Uint8Array | Ipv4Lit | Ipv6Lit | TimeLit;

const err = (msg: string, loc: Loc) => new FilterError(msg, loc.pos, loc.len);

// ---------------------------------------------------------------- integers

/** strtoul-style parse with C prefixes (0x hex, 0 octal, 0b binary); null when not a number. */
export function parseInteger(s: string): bigint | null {
  if (/^0[xX][0-9A-Fa-f]+$/.test(s)) return BigInt(s);
  if (/^0[bB][01]*$/.test(s)) return s.length > 2 ? BigInt(s) : 0n;
  if (/^0[0-7]*$/.test(s)) return s.length > 1 ? BigInt('0o' + s.slice(1)) : 0n;
  if (/^[1-9][0-9]*$/.test(s)) return BigInt(s);
  return null;
}

function maxOf(t: SType): bigint {
  switch (t.type) {
    case 'uint':
      return (1n << BigInt(Math.min(32, Math.max(8, t.bits)))) - 1n;
    case 'int':
      return (1n << BigInt(Math.min(32, Math.max(8, t.bits)) - 1)) - 1n;
    case 'uint64':
      return (1n << 64n) - 1n;
    default:
      return 0xffffffffn;
  }
}

function toNum(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

function valueNameLookup(t: SType, s: string): number | undefined {
  const values = t.def?.values;
  if (!values) return undefined;
  const want = s.toLowerCase();
  for (const [k, v] of values) if (v.toLowerCase() === want) return k;
  return undefined;
}

function notFound(s: string, t: SType, loc: Loc): FilterError {
  return err(`"${s}" cannot be found among the possible values for ${t.def?.name ?? '?'}.`, loc);
}

function boolTexts(t: SType): readonly [string, string] {
  return t.def?.tf ?? ['True', 'False'];
}

/** An unquoted literal for an integer or boolean type. */
function intFromWord(s: string, t: SType, loc: Loc): number | bigint {
  if (t.type === 'bool') {
    if (s === 'True' || s === 'TRUE') return 1;
    if (s === 'False' || s === 'FALSE') return 0;
    const n = parseInteger(s);
    if (n !== null) return n !== 0n ? 1 : 0;
    const [yes, no] = boolTexts(t);
    if (s.toLowerCase() === yes.toLowerCase()) return 1;
    if (s.toLowerCase() === no.toLowerCase()) return 0;
    throw notFound(s, t, loc);
  }
  const n = parseInteger(s);
  if (n !== null && n <= maxOf(t)) return toNum(n);
  const named = valueNameLookup(t, s);
  if (named !== undefined) return named;
  if (t.def?.values) throw notFound(s, t, loc);
  if (n !== null) throw err(`"${s}" too big for this field, maximum ${maxOf(t)}.`, loc);
  throw err(`"${s}" is not a valid number.`, loc);
}

/** A quoted string for an integer or boolean type: only value names are accepted. */
function intFromString(s: string, t: SType, loc: Loc): number {
  if (t.type === 'bool') {
    const [yes, no] = boolTexts(t);
    if (s.toLowerCase() === yes.toLowerCase()) return 1;
    if (s.toLowerCase() === no.toLowerCase()) return 0;
    throw notFound(s, t, loc);
  }
  const named = valueNameLookup(t, s);
  if (named !== undefined) return named;
  if (t.def?.values) throw notFound(s, t, loc);
  throw cannotConvertString(s, t, loc);
}

function cannotConvertString(s: string, t: SType, loc: Loc): FilterError {
  return err(`${prettyName(t)} cannot be converted from a string ("${s}").`, loc);
}

// ---------------------------------------------------------------- addresses

const DEC_OCTET = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;

export function parseIpv4(s: string): number | null {
  const p = s.split('.');
  if (p.length !== 4 || !p.every((o) => DEC_OCTET.test(o))) return null;
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

function ipv4FromWord(s: string, loc: Loc): Ipv4Lit {
  const slash = s.indexOf('/');
  const addr = parseIpv4(slash < 0 ? s : s.slice(0, slash));
  if (addr === null) throw err(`"${s}" is not a valid hostname or IPv4 address.`, loc);
  if (slash < 0) return { addr, prefix: 32 };
  const bits = s.slice(slash + 1);
  if (!/^[0-9]+$/.test(bits)) throw err(`"${s}" is not a valid hostname or IPv4 address.`, loc);
  const n = Number(bits);
  if (n > 32) throw err(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${n}`, loc);
  return { addr, prefix: n };
}

export function parseIpv6(s: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return null;
  let head = s;
  let tail: number[] = [];
  if (s.includes('.')) {
    const lc = s.lastIndexOf(':');
    if (lc < 0) return null;
    const v4 = parseIpv4(s.slice(lc + 1));
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    head = s.slice(0, lc + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const a = parseGroups(head.slice(0, dbl));
    const b = parseGroups(head.slice(dbl + 2));
    if (!a || !b) return null;
    const fill = 8 - a.length - b.length - tail.length;
    if (fill < 1) return null;
    groups = [...a, ...new Array<number>(fill).fill(0), ...b, ...tail];
  } else {
    const all = parseGroups(head);
    if (!all) return null;
    groups = [...all, ...tail];
    if (groups.length !== 8) return null;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 255;
  });
  return out;
}

function ipv6FromWord(s: string, loc: Loc): Ipv6Lit {
  const slash = s.indexOf('/');
  const bytes = parseIpv6(slash < 0 ? s : s.slice(0, slash));
  if (!bytes) throw err(`"${s}" is not a valid hostname or IPv6 address.`, loc);
  if (slash < 0) return { bytes, prefix: 128 };
  const bits = s.slice(slash + 1);
  if (!/^[0-9]+$/.test(bits)) throw err(`"${s}" is not a valid hostname or IPv6 address.`, loc);
  const n = Number(bits);
  if (n > 128) throw err(`Prefix in a IPv6 address should be <= 128, not ${n}`, loc);
  return { bytes, prefix: n };
}

/** Hex byte string with optional ':', '-' or '.' separators: groups of 4, 2 or 1 hex digits, as
 * Wireshark's hex_str_to_bytes reads them ("00:1b", "001b", "0.1b", "0021.70c0.56f0"). */
export function parseByteString(s: string): Uint8Array | null {
  const out: number[] = [];
  const isHex = (c: string | undefined) => c !== undefined && /[0-9A-Fa-f]/.test(c);
  const isSep = (c: string | undefined) => c === ':' || c === '-' || c === '.';
  let p = 0;
  if (s.length === 0) return null;
  while (p < s.length) {
    if (isHex(s[p]) && isHex(s[p + 1]) && isHex(s[p + 2]) && isHex(s[p + 3])) {
      out.push(parseInt(s.slice(p, p + 2), 16), parseInt(s.slice(p + 2, p + 4), 16));
      p += 4;
    } else if (isHex(s[p]) && isHex(s[p + 1])) {
      out.push(parseInt(s.slice(p, p + 2), 16));
      p += 2;
    } else if (isHex(s[p]) && (isSep(s[p + 1]) || p + 1 === s.length)) {
      out.push(parseInt(s[p]!, 16));
      p += 1;
    } else return null;
    if (isSep(s[p])) p++;
  }
  return Uint8Array.from(out);
}

function bytesFromWord(s: string, loc: Loc): Uint8Array {
  const b = parseByteString(s);
  if (b) return b;
  if (/^0[xX][0-9A-Fa-f]{2}$/.test(s)) return Uint8Array.of(parseInt(s.slice(2), 16));
  throw err(`"${s}" is not a valid byte string.`, loc);
}

function etherFromWord(s: string, loc: Loc): Uint8Array {
  const b = parseByteString(s);
  if (!b) throw err(`"${s}" is not a valid Ethernet address.`, loc);
  if (b.length < 6) throw err(`"${s}" contains too few bytes to be a valid Ethernet address.`, loc);
  if (b.length > 6) throw err(`"${s}" contains too many bytes to be a valid Ethernet address.`, loc);
  return b;
}

export function latin1ToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

// ---------------------------------------------------------------- times

/** Seconds with an optional fraction ("1", "0.5", "1279251572.730147") to exact sec/nsec. */
export function parseRelTime(s: string): TimeLit | null {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(s);
  if (!m) return null;
  const frac = (m[2] ?? '').slice(0, 9).padEnd(9, '0');
  return { sec: Number(m[1]), nsec: Number(frac) };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function mkTime(y: number, mo: number, d: number, h: number, mi: number, s: number, utc: boolean, offsetMin = 0): number {
  const ms = utc ? Date.UTC(y, mo, d, h, mi, s) - offsetMin * 60000 : new Date(y, mo, d, h, mi, s).getTime();
  return Math.floor(ms / 1000);
}

function fracNs(f: string | undefined): number {
  return f ? Number(f.slice(0, 9).padEnd(9, '0')) : 0;
}

/** Absolute times in the two forms tshark 4.0 accepts: ISO 8601 ("2010-07-16 03:39:33.5",
 * "2010-07-16T03:39:33Z", "...+01:00", "2010-07-16") and the legacy "Jul 16, 2010 03:39:33[.frac]
 * [UTC]". Without a zone the time is local, as in tshark. */
export function parseAbsTime(text: string): TimeLit | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    let utc = false;
    let off = 0;
    if (zone) {
      utc = true;
      if (zone !== 'Z') {
        const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
        off = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
      }
    }
    if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59) return null;
    return {
      sec: mkTime(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), utc, off),
      nsec: fracNs(frac),
    };
  }
  m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(\s+UTC)?$/.exec(s);
  if (m) {
    const mo = MONTHS.indexOf(m[1]!.toLowerCase());
    if (mo < 0) return null;
    return {
      sec: mkTime(Number(m[3]), mo, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), !!m[8]),
      nsec: fracNs(m[7]),
    };
  }
  return null;
}

function absTimeError(s: string, loc: Loc): FilterError {
  return err(`"${s}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`, loc);
}

// ---------------------------------------------------------------- entry points

/** Converts an unquoted literal (a word the registry does not know as a field). */
export function fromWord(word: string, t: SType, loc: Loc): Const {
  // `:00:1b` and `:b` (a leading colon marks bytes in tshark's scanner); never for IPv6 (`::1`)
  const s = /^:[0-9A-Fa-f]/.test(word) && kindOf(t) !== 'ipv6' ? word.slice(1) : word;
  switch (kindOf(t)) {
    case 'num':
      return intFromWord(s, t, loc);
    case 'ipv4':
      return ipv4FromWord(s, loc);
    case 'ipv6':
      return ipv6FromWord(s, loc);
    case 'bytes':
      return t.type === 'ether' ? etherFromWord(s, loc) : bytesFromWord(s, loc);
    case 'str':
      return word;
    case 'double': {
      if (!/^(?:[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|0[xX][0-9A-Fa-f]+|inf(?:inity)?|nan)$/i.test(s))
        throw err(`"${s}" is not a valid number.`, loc);
      return Number(s.toLowerCase().startsWith('inf') ? Infinity : s);
    }
    case 'time': {
      const v = parseRelTime(s);
      if (!v) throw err(`"${s}" is not a valid time.`, loc);
      return v;
    }
    case 'abstime': {
      const v = parseAbsTime(s);
      if (!v) throw absTimeError(s, loc);
      return v;
    }
    case 'none':
      throw err(`"${s}" cannot be compared with a label.`, loc);
  }
}

/** Converts a quoted string (`value` is one char per byte). */
export function fromString(value: string, t: SType, loc: Loc): Const {
  switch (kindOf(t)) {
    case 'num':
      return intFromString(value, t, loc);
    case 'bytes':
      if (t.type === 'ether') throw cannotConvertString(value, t, loc);
      return latin1ToBytes(value);
    case 'str':
      return literalToString(value);
    case 'abstime': {
      const v = parseAbsTime(value);
      if (!v) throw absTimeError(value, loc);
      return v;
    }
    default:
      throw cannotConvertString(value, t, loc);
  }
}

/** Converts a character constant ('a', '\x41'). */
export function fromCharConst(value: number, text: string, t: SType, loc: Loc): Const {
  switch (kindOf(t)) {
    case 'num':
      if (t.type === 'bool') return value !== 0 ? 1 : 0;
      if (BigInt(value) > maxOf(t)) throw err(`"${text}" too big for this field, maximum ${maxOf(t)}.`, loc);
      return value;
    case 'bytes':
      if (t.type === 'ether') throw err(`"${text}" is not a valid Ethernet address.`, loc);
      return Uint8Array.of(value);
    case 'str':
      return String.fromCharCode(value);
    case 'double':
      return value;
    default:
      throw err(`${prettyName(t)} cannot be converted from a character constant (${text}).`, loc);
  }
}
