import type { Columns, Packet } from '../decoders/core/packet.js';

/** tshark's column pseudo-fields (`-e _ws.col.Info`). They are not registered as fields: tshark 4.0
 * cannot filter on columns, and a filter on them must be an error, not an empty match. */
export const COLUMN_FIELDS: ReadonlyMap<string, (p: Packet, cols: Columns) => string> = new Map([
  ['_ws.col.No.', (p) => String(p.frame.number)],
  ['_ws.col.Source', (_p, c) => c.src],
  ['_ws.col.Destination', (_p, c) => c.dst],
  ['_ws.col.Protocol', (_p, c) => c.protocol],
  ['_ws.col.Length', (p) => String(p.frame.origLen)],
  ['_ws.col.Info', (_p, c) => c.info],
]);
