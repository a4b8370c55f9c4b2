import type { Columns, Packet } from '../decoders/core/packet.js';
import { field, type FieldDef } from '../decoders/core/fields.js';

/** tshark's column pseudo-fields (`-e _ws.col.Info`). */
export const COLUMN_FIELDS: ReadonlyMap<string, (p: Packet, cols: Columns) => string> = new Map([
  ['_ws.col.No.', (p) => String(p.frame.number)],
  ['_ws.col.Source', (_p, c) => c.src],
  ['_ws.col.Destination', (_p, c) => c.dst],
  ['_ws.col.Protocol', (_p, c) => c.protocol],
  ['_ws.col.Length', (p) => String(p.frame.origLen)],
  ['_ws.col.Info', (_p, c) => c.info],
]);

export const columnFieldDefs: readonly FieldDef[] = [...COLUMN_FIELDS.keys()].map((n) =>
  field(n, n.slice('_ws.col.'.length), 'string'),
);

export function isColumnField(name: string): boolean {
  return COLUMN_FIELDS.has(name);
}
