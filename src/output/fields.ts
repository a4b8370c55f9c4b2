import type { FieldDef } from '../decoders/core/fields.js';
import { fieldByName } from '../decoders/core/fields.js';
import { valueForFields } from '../decoders/core/format.js';
import type { Packet } from '../decoders/core/packet.js';
import type { FieldNode } from '../decoders/core/tree.js';
import { COLUMN_FIELDS } from './column-fields.js';
import { writeFieldValue } from './value-writer.js';
import type { ByteWriter } from './writer.js';

/** `-E` options of `-T fields`, with tshark's defaults. */
export interface FieldsFormat {
  header: boolean;
  separator: string;
  occurrence: 'f' | 'l' | 'a' | number;
  aggregator: string;
  quote: 'n' | 'd' | 's';
}

export const DEFAULT_FIELDS_FORMAT: FieldsFormat = {
  header: false,
  separator: '\t',
  occurrence: 'a',
  aggregator: ',',
  quote: 'n',
};

/** Parses one `-E key=value` option onto `fmt`; returns an error text or null. */
export function applyFieldsOption(fmt: FieldsFormat, opt: string): string | null {
  const eq = opt.indexOf('=');
  const key = eq < 0 ? opt : opt.slice(0, eq);
  const val = eq < 0 ? '' : opt.slice(eq + 1);
  const sepValue = (v: string) => (v === '/t' ? '\t' : v === '/s' ? ' ' : v);
  switch (key) {
    case 'header':
      if (val !== 'y' && val !== 'n') return `Invalid -E header value "${val}"`;
      fmt.header = val === 'y';
      return null;
    case 'separator':
      fmt.separator = sepValue(val);
      return null;
    case 'aggregator':
      fmt.aggregator = sepValue(val);
      return null;
    case 'occurrence':
      if (val === 'f' || val === 'l' || val === 'a') fmt.occurrence = val;
      else if (/^\d+$/.test(val)) fmt.occurrence = Number(val);
      else return `Invalid -E occurrence value "${val}"`;
      return null;
    case 'quote':
      if (val !== 'n' && val !== 'd' && val !== 's') return `Invalid -E quote value "${val}"`;
      fmt.quote = val;
      return null;
    default:
      return `Invalid -E option "${opt}"`;
  }
}

export interface FieldColumn {
  name: string;
  def: FieldDef | null;
  column: ((p: Packet, c: NonNullable<Packet['cols']>) => string) | null;
}

/** Resolves `-e` names; unknown names are returned in `invalid` (tshark: "Some fields aren't valid"). */
export function resolveFieldColumns(names: readonly string[]): { columns: FieldColumn[]; invalid: string[] } {
  const columns: FieldColumn[] = [];
  const invalid: string[] = [];
  for (const name of names) {
    const col = COLUMN_FIELDS.get(name) ?? null;
    const def = col ? null : (fieldByName(name) ?? null);
    if (!col && !def) invalid.push(name);
    columns.push({ name, def, column: col });
  }
  return { columns, invalid };
}

function quoted(s: string, fmt: FieldsFormat): string {
  if (fmt.quote === 'n') return s;
  const q = fmt.quote === 'd' ? '"' : "'";
  return q + s + q;
}

/** One output row of `-T fields` for a packet whose fields were collected by id. Built as one
 * string, without per-cell arrays (this runs for every packet and every column). */
export function fieldsRow(
  p: Packet,
  found: { get(id: number): readonly FieldNode[] | undefined },
  columns: readonly FieldColumn[],
  fmt: FieldsFormat,
): string {
  let row = '';
  const occ = fmt.occurrence;
  const q = fmt.quote === 'n' ? '' : fmt.quote === 'd' ? '"' : "'";
  for (let i = 0; i < columns.length; i++) {
    if (i) row += fmt.separator;
    const c = columns[i]!;
    if (c.column) {
      row += q + (p.cols ? c.column(p, p.cols) : '') + q;
      continue;
    }
    const nodes = found.get(c.def!.id);
    if (!nodes || nodes.length === 0) continue;
    if (occ === 'a') {
      row += q;
      for (let k = 0; k < nodes.length; k++) {
        if (k) row += fmt.aggregator;
        const n = nodes[k]!;
        row += valueForFields(n.def, n.value, n);
      }
      row += q;
    } else {
      const n = occ === 'f' ? nodes[0] : occ === 'l' ? nodes[nodes.length - 1] : nodes[occ - 1];
      if (n) row += q + valueForFields(n.def, n.value, n) + q;
    }
  }
  return row;
}

/** `fieldsRow` written straight into `w` (same bytes, without the row string); no newline. */
export function writeFieldsRow(
  w: ByteWriter,
  p: Packet,
  found: { get(id: number): readonly FieldNode[] | undefined },
  columns: readonly FieldColumn[],
  fmt: FieldsFormat,
): void {
  const occ = fmt.occurrence;
  const q = fmt.quote === 'n' ? '' : fmt.quote === 'd' ? '"' : "'";
  // the defaults (one ASCII separator and aggregator byte, no quotes) are written as bytes
  const sep = oneByte(fmt.separator);
  const agg = oneByte(fmt.aggregator);
  for (let i = 0; i < columns.length; i++) {
    if (i) {
      if (sep >= 0) w.byte(sep);
      else w.str(fmt.separator);
    }
    const c = columns[i]!;
    if (c.column) {
      w.str(q);
      if (p.cols) w.str(c.column(p, p.cols));
      w.str(q);
      continue;
    }
    const nodes = found.get(c.def!.id);
    if (nodes === undefined) continue;
    // the one occurrence shown, or -1 for all of them
    const one = occ === 'a' ? -1 : occ === 'f' ? 0 : occ === 'l' ? nodes.length - 1 : occ - 1;
    if (one >= nodes.length || (one < 0 && occ !== 'a')) continue;
    if (q) w.str(q);
    if (one >= 0) {
      const n = nodes[one]!;
      writeFieldValue(w, n.def, n.value, n);
    } else {
      for (let k = 0; k < nodes.length; k++) {
        if (k) {
          if (agg >= 0) w.byte(agg);
          else w.str(fmt.aggregator);
        }
        const n = nodes[k]!;
        writeFieldValue(w, n.def, n.value, n);
      }
    }
    if (q) w.str(q);
  }
}

/** The byte of a one-character ASCII text, else -1. */
function oneByte(s: string): number {
  return s.length === 1 && s.charCodeAt(0) < 0x80 ? s.charCodeAt(0) : -1;
}

export function fieldsHeader(columns: readonly FieldColumn[], fmt: FieldsFormat): string {
  return columns.map((c) => quoted(c.name, fmt)).join(fmt.separator);
}
