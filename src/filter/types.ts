/** Static types of filter expressions, mapped onto Wireshark's FT_* names for error messages. */
import type { FieldDef, FieldType } from '../decoders/core/fields.js';

/** How values of a type are represented and compared at run time. */
export type Kind = 'num' | 'ipv4' | 'ipv6' | 'bytes' | 'str' | 'double' | 'time' | 'abstime' | 'none';

export interface SType {
  /** Our field type; slices are 'bytes', function results get the type they return. */
  type: FieldType;
  bits: number;
  /** The field this type comes from (value names, boolean texts, error wording). */
  def?: FieldDef;
}

export function stypeOf(def: FieldDef): SType {
  return { type: def.type, bits: def.bits, def };
}

export const BYTES: SType = { type: 'bytes', bits: 0 };
export const STRING: SType = { type: 'string', bits: 0 };
export const UINT32: SType = { type: 'uint', bits: 32 };

/** `frame.time_epoch` is a time offset (seconds since 1970) in Wireshark 4.0, not a date. */
function isEpoch(t: SType): boolean {
  return t.type === 'abstime' && !!t.def?.epoch;
}

export function kindOf(t: SType): Kind {
  switch (t.type) {
    case 'uint':
    case 'int':
    case 'uint64':
    case 'bool':
    case 'framenum':
      return 'num';
    case 'ipv4':
      return 'ipv4';
    case 'ipv6':
      return 'ipv6';
    case 'ether':
    case 'bytes':
    case 'protocol':
      return 'bytes';
    case 'string':
      return 'str';
    case 'double':
      return 'double';
    case 'reltime':
      return 'time';
    case 'abstime':
      return isEpoch(t) ? 'time' : 'abstime';
    case 'none':
      return 'none';
  }
}

function bytesOf(bits: number): number {
  return Math.max(1, Math.ceil(bits / 8));
}

/** Wireshark's description of a type (`ftype_pretty_name`), as in "(type=IPv4 address)". */
export function prettyName(t: SType): string {
  switch (t.type) {
    case 'uint': {
      const n = bytesOf(t.bits);
      return `Unsigned integer (${n} byte${n > 1 ? 's' : ''})`;
    }
    case 'int': {
      const n = bytesOf(t.bits);
      return `Signed integer (${n} byte${n > 1 ? 's' : ''})`;
    }
    case 'uint64':
      return 'Unsigned integer (8 bytes)';
    case 'framenum':
      return 'Frame number';
    case 'bool':
      return 'Boolean';
    case 'ipv4':
      return 'IPv4 address';
    case 'ipv6':
      return 'IPv6 address';
    case 'ether':
      return 'Ethernet or other MAC address';
    case 'bytes':
      return 'Byte sequence';
    case 'protocol':
      return 'Protocol';
    case 'string':
      return 'Character string';
    case 'double':
      return 'Floating point (double-precision)';
    case 'reltime':
      return 'Time offset';
    case 'abstime':
      return isEpoch(t) ? 'Time offset' : 'Date and time';
    case 'none':
      return 'Label';
  }
}

/** Wireshark's enum name (`ftype_name`), as in "FT_BOOLEAN cannot +." */
export function ftName(t: SType): string {
  switch (t.type) {
    case 'uint':
      return `FT_UINT${[8, 16, 24, 32].find((b) => b >= t.bits) ?? 32}`;
    case 'int':
      return `FT_INT${[8, 16, 24, 32].find((b) => b >= t.bits) ?? 32}`;
    case 'uint64':
      return 'FT_UINT64';
    case 'framenum':
      return 'FT_FRAMENUM';
    case 'bool':
      return 'FT_BOOLEAN';
    case 'ipv4':
      return 'FT_IPv4';
    case 'ipv6':
      return 'FT_IPv6';
    case 'ether':
      return 'FT_ETHER';
    case 'bytes':
      return 'FT_BYTES';
    case 'protocol':
      return 'FT_PROTOCOL';
    case 'string':
      return 'FT_STRING';
    case 'double':
      return 'FT_DOUBLE';
    case 'reltime':
      return 'FT_RELATIVE_TIME';
    case 'abstime':
      return isEpoch(t) ? 'FT_RELATIVE_TIME' : 'FT_ABSOLUTE_TIME';
    case 'none':
      return 'FT_NONE';
  }
}

/** Whether two fields can be compared with each other (Wireshark's `compatible_ftypes`). */
export function compatible(a: SType, b: SType): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'none' || kb === 'none') return false;
  if (ka === 'time' || ka === 'abstime') return ka === kb && isEpoch(a) === isEpoch(b);
  // a boolean on the left only takes a boolean (an integer on the left takes either)
  if (a.type === 'bool') return b.type === 'bool';
  // byte sequences and MAC addresses compare with each other, a protocol only with a protocol
  if (ka === 'bytes' && kb === 'bytes') return (a.type === 'protocol') === (b.type === 'protocol');
  return ka === kb;
}

/** Unsigned integer types (ordering compares as unsigned 32-bit, as Wireshark does). */
export function isSigned(t: SType): boolean {
  return t.type === 'int';
}

export function canContain(t: SType): boolean {
  return kindOf(t) === 'str' || kindOf(t) === 'bytes';
}

/** Types that can be sliced into bytes. */
export function canSlice(t: SType): boolean {
  const k = kindOf(t);
  return k === 'bytes' || k === 'str' || k === 'ipv4' || k === 'ipv6';
}

/** Arithmetic operators a type supports. */
export function canArith(t: SType, op: string): boolean {
  const k = kindOf(t);
  if (t.type === 'bool') return false;
  if (k === 'num') return true;
  if (k === 'double') return op !== '&' && op !== '%';
  if (k === 'time') return op === '+' || op === '-';
  if (k === 'bytes' && t.type !== 'protocol') return op === '&' && t.type === 'bytes';
  return false;
}
