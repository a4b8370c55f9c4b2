import type { FieldDef } from '../decoders/core/fields.js';
import {
  absTimeToString,
  escapeControls,
  formatDouble,
  ipv6ToString,
  ipv6ZeroRun,
  isNsTime,
  relTimeToString,
  valueForFields,
} from '../decoders/core/format.js';
import type { FieldNode, FieldValue } from '../decoders/core/tree.js';
import type { ByteWriter } from './writer.js';

const COLON = 0x3a;
const DOT = 0x2e;

/** Writes what `valueForFields` returns, byte for byte, without building the string for the
 * common types (integers, hex, booleans, addresses, byte strings, epoch times). */
export function writeFieldValue(w: ByteWriter, def: FieldDef, v: FieldValue, node?: FieldNode): void {
  switch (def.type) {
    case 'none':
      return w.byte(0x31);
    case 'protocol':
      return w.str(node?.text ?? def.label);
    case 'bool':
      return w.byte(v ? 0x31 : 0x30);
    case 'uint':
    case 'int':
    case 'uint64':
      if (typeof v === 'number') return writeInt(w, def, v);
      if (typeof v === 'bigint') return writeBigInt(w, def, v);
      return;
    case 'framenum':
      return typeof v === 'number' ? w.num(v) : w.str(String(v));
    case 'ipv4':
      return typeof v === 'number' ? w.ipv4(v) : w.str(String(v));
    case 'ipv6':
      return v instanceof Uint8Array ? writeIpv6(w, v) : w.str(String(v));
    case 'ether':
      return v instanceof Uint8Array ? w.hexBytes(v, COLON) : w.str(String(v));
    case 'bytes':
      if (!(v instanceof Uint8Array)) return;
      return v.length === 0 ? w.str('<MISSING>') : w.hexBytes(v, -1);
    case 'reltime':
      return typeof v === 'number' ? w.str(relTimeToString(v)) : undefined;
    case 'abstime':
      if (!isNsTime(v)) return;
      if (!def.epoch) return w.str(absTimeToString(v));
      w.num(v.sec);
      w.byte(DOT);
      return w.padded(v.nsec, 9);
    case 'double':
      return typeof v === 'number' ? w.str(formatDouble(v)) : undefined;
    case 'string':
      // escapeControls returns its argument when there is nothing to escape: no copy
      return typeof v === 'string' ? w.str(escapeControls(v)) : undefined;
    default:
      // a type valueForFields knows and this writer does not: its text, unchanged
      return w.str(valueForFields(def, v, node));
  }
}

/** Digits of a hex display: the field's width in nibbles (`0x0800` for 16 bits). */
function hexWidth(def: FieldDef): number {
  return Math.max(1, Math.ceil(def.bits / 4));
}

/** `-T fields` shows dec_hex as decimal and hex_dec as hex (tshark prints only the first part). */
function writeInt(w: ByteWriter, def: FieldDef, n: number): void {
  switch (def.base) {
    case 'hex':
    case 'hex_dec':
      return w.hex32(n, hexWidth(def));
    case 'oct':
      return w.str('0' + n.toString(8));
    default:
      return w.num(n);
  }
}

function writeBigInt(w: ByteWriter, def: FieldDef, n: bigint): void {
  switch (def.base) {
    case 'hex':
    case 'hex_dec':
      return w.str('0x' + n.toString(16).padStart(hexWidth(def), '0'));
    case 'oct':
      return w.str('0' + n.toString(8));
    default:
      return w.bigint(n);
  }
}

/** Groups of the IPv6 address being written (reused: one address at a time). */
const groups = new Uint16Array(8);

/** `ipv6ToString` (RFC 5952 as Wireshark prints it) written group by group. */
function writeIpv6(w: ByteWriter, b: Uint8Array): void {
  if (b.length !== 16) return w.str(ipv6ToString(b));
  const g = groups;
  for (let i = 0; i < 8; i++) g[i] = (b[2 * i]! << 8) | b[2 * i + 1]!;
  const run = ipv6ZeroRun(g);
  const bestStart = run < 0 ? -1 : run >> 3;
  const bestLen = run < 0 ? 0 : run & 7 || 8;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible) keep a dotted quad
  if (bestStart === 0 && ((bestLen === 5 && g[5] === 0xffff) || (bestLen === 6 && (g[6] !== 0 || g[7]! > 1)))) {
    w.byte(COLON);
    w.byte(COLON);
    if (bestLen === 5) {
      w.hexDigits(0xffff, 1);
      w.byte(COLON);
    }
    return w.ipv4(((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0);
  }
  const end = bestStart < 0 ? 8 : bestStart;
  for (let i = 0; i < end; i++) {
    if (i) w.byte(COLON);
    w.hexDigits(g[i]!, 1);
  }
  if (bestStart < 0) return;
  w.byte(COLON);
  w.byte(COLON);
  for (let i = bestStart + bestLen; i < 8; i++) {
    if (i > bestStart + bestLen) w.byte(COLON);
    w.hexDigits(g[i]!, 1);
  }
}
