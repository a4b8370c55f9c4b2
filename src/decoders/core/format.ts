import type { FieldDef } from './fields.js';
import type { FieldNode, FieldValue } from './tree.js';

/** An absolute time with nanosecond precision (doubles cannot hold epoch nanoseconds exactly). */
export interface NsTime {
  sec: number;
  nsec: number;
}

export function isNsTime(v: unknown): v is NsTime {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && 'nsec' in v;
}

const HEX = '0123456789abcdef';

export function hex(bytes: Uint8Array, sep = ''): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (sep && i) s += sep;
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

export function hexPad(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}

export function ipv4ToString(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function macToString(b: Uint8Array): string {
  if (b.length === 6) {
    const h = (x: number) => HEX[x >> 4]! + HEX[x & 15]!;
    return h(b[0]!) + ':' + h(b[1]!) + ':' + h(b[2]!) + ':' + h(b[3]!) + ':' + h(b[4]!) + ':' + h(b[5]!);
  }
  return hex(b, ':');
}

/** The run of zero groups an IPv6 address's text compresses to `::`: the longest of two or more
 * (the first on ties), as `start * 8 + length` (length 8 as 0), or -1 when there is none. */
export function ipv6ZeroRun(g: ArrayLike<number>): number {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  return bestLen < 2 ? -1 : bestStart * 8 + (bestLen & 7);
}

/** RFC 5952 text form (what Wireshark prints): longest run of two or more zero groups becomes
 * `::`, first run on ties, lower-case hex without leading zeros, IPv4-mapped and -compatible
 * addresses keep Wireshark's dotted tail. */
export function ipv6ToString(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  const run = ipv6ZeroRun(g);
  const bestStart = run < 0 ? -1 : run >> 3;
  const bestLen = run < 0 ? 0 : run & 7 || 8;
  // ::ffff:a.b.c.d and ::a.b.c.d (deprecated compatible) print with a dotted quad
  if (bestStart === 0 && (bestLen === 5 && g[5] === 0xffff || bestLen === 6 && (g[6] !== 0 || g[7]! > 1))) {
    const v4 = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
    return bestLen === 5 ? `::ffff:${v4}` : `::${v4}`;
  }
  const part = (from: number, to: number) => g.slice(from, to).map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return part(0, 8);
  return `${part(0, bestStart)}::${part(bestStart + bestLen, 8)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** tshark's absolute time text in UTC: `Feb  9, 2010 02:32:53.045663000 UTC`. */
export function absTimeToString(t: NsTime): string {
  const d = new Date(t.sec * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')}, ${d.getUTCFullYear()} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(t.nsec).padStart(9, '0')} UTC`
  );
}

/** Epoch seconds with 9 decimals, as tshark prints `frame.time_epoch`. */
export function epochToString(t: NsTime): string {
  return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}

/** Relative time in seconds with 9 decimals. */
export function relTimeToString(s: number): string {
  const r = s.toFixed(9);
  return r === '-0.000000000' ? '0.000000000' : r;
}

function intDisplay(def: FieldDef, n: number | bigint, forFields: boolean): string {
  const base = def.base;
  // fast path: plain decimal numbers (most fields)
  if (typeof n === 'number' && (base === undefined || base === 'dec' || (forFields && base === 'dec_hex'))) return String(n);
  const digits = Math.max(1, Math.ceil(def.bits / 4));
  const h = () => '0x' + (typeof n === 'bigint' ? n.toString(16).padStart(digits, '0') : hexPad(n >>> 0, digits));
  switch (def.base) {
    case 'hex':
      return h();
    case 'oct':
      return '0' + n.toString(8);
    case 'dec_hex':
      return forFields ? String(n) : `${n} (${h()})`;
    case 'hex_dec':
      return forFields ? h() : `${h()} (${n})`;
    default:
      return String(n);
  }
}

/** The value as `tshark -T fields` prints it. */
export function valueForFields(def: FieldDef, v: FieldValue, node?: FieldNode): string {
  switch (def.type) {
    case 'none':
      return '1';
    case 'protocol':
      return node?.text ?? def.label;
    case 'bool':
      return v ? '1' : '0';
    case 'uint':
    case 'int':
    case 'uint64':
      return typeof v === 'number' || typeof v === 'bigint' ? intDisplay(def, v, true) : '';
    case 'framenum':
      return String(v);
    case 'ipv4':
      return typeof v === 'number' ? ipv4ToString(v) : String(v);
    case 'ipv6':
      return v instanceof Uint8Array ? ipv6ToString(v) : String(v);
    case 'ether':
      return v instanceof Uint8Array ? macToString(v) : String(v);
    case 'bytes':
      // an empty byte field is shown as missing, by tshark -T fields too
      return v instanceof Uint8Array ? (v.length === 0 ? '<MISSING>' : hex(v)) : '';
    case 'reltime':
      return typeof v === 'number' ? relTimeToString(v) : '';
    case 'abstime':
      return isNsTime(v) ? (def.epoch ? epochToString(v) : absTimeToString(v)) : '';
    case 'double':
      return typeof v === 'number' ? formatDouble(v) : '';
    case 'string':
      return typeof v === 'string' ? escapeControls(v) : '';
  }
}

/** Wireshark's `format_text`: C escapes for \a \b \t \n \v \f \r, octal `\ooo` for other
 * control bytes, so wire text can neither break a line nor drive a terminal. */
export function escapeControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f-\x9f]/.test(s)) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => {
    const code = c.charCodeAt(0);
    return C_ESCAPES[code] ?? '\\' + code.toString(8).padStart(3, '0');
  });
}

const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

/** %g-like output as Wireshark prints doubles. */
export function formatDouble(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(15)));
}

const MAX_LABEL_BYTES = 36;

/** The value as shown in a tree line: value names, booleans as Set/Not set, units. */
export function valueForDisplay(def: FieldDef, v: FieldValue): string {
  switch (def.type) {
    case 'bool':
      return def.tf ? (v ? def.tf[0] : def.tf[1]) : v ? 'True' : 'False';
    case 'uint':
    case 'int':
    case 'uint64': {
      if (typeof v !== 'number' && typeof v !== 'bigint') return '';
      const name = typeof v === 'number' ? def.values?.get(v) : undefined;
      // BASE_NONE with value names (checksum statuses): the name alone
      if (name !== undefined && def.base === 'none') return name;
      const num = intDisplay(def, v, false);
      const withUnit = def.unit ? `${num} ${def.unit}` : num;
      // a value with no name in the field's table shows as Wireshark's value_string does
      if (name === undefined && def.values !== undefined && typeof v === 'number') return `Unknown (${withUnit})`;
      return name !== undefined ? `${name} (${withUnit})` : withUnit;
    }
    case 'reltime':
      return typeof v === 'number' ? `${relTimeToString(v)} seconds` : '';
    case 'bytes':
      // a tree line shows the first 36 bytes, as Wireshark's labels do
      if (v instanceof Uint8Array && v.length === 0) return '<MISSING>';
      return v instanceof Uint8Array ? (v.length > MAX_LABEL_BYTES ? `${hex(v.subarray(0, MAX_LABEL_BYTES))}\u2026` : hex(v)) : '';
    case 'string':
      return typeof v === 'string' ? escapeForTerminal(v) : '';
    default:
      return valueForFields(def, v);
  }
}

/** The tree line of a node: its own text, or `Label: value`. */
export function nodeLine(n: FieldNode): string {
  if (n.text !== undefined) return n.text;
  if (n.def.type === 'protocol' || n.def.type === 'none') return n.def.label;
  const line = `${n.def.label}: ${valueForDisplay(n.def, n.value as FieldValue)}`;
  return n.generated ? `[${line}]` : line;
}

/** Makes wire text safe for a terminal: the same escaping tshark applies (`format_text`). */
export function escapeForTerminal(s: string): string {
  return escapeControls(s);
}

/** Bytes to a string, one char per byte (latin1), for protocol text such as HTTP headers. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}
