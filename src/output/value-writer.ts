import type { FieldDef } from '../decoders/core/fields.js';
import {
  absTimeToString,
  escapeControls,
  formatDouble,
  ipv6ToString,
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
      return w.str(v instanceof Uint8Array ? ipv6ToString(v) : String(v));
    case 'ether':
      return v instanceof Uint8Array ? w.hexBytes(v, COLON) : w.str(String(v));
    case 'bytes':
      return v instanceof Uint8Array ? w.hexBytes(v, -1) : undefined;
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
