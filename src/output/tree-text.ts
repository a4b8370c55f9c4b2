import type { FieldDef } from '../decoders/core/fields.js';
import { nodeLine } from '../decoders/core/format.js';
import type { FieldNode } from '../decoders/core/tree.js';
import { hexdumpLines } from './hexdump.js';

/** `0100 .... = ` prefix of a bit field, as Wireshark draws masks inside their container. */
export function bitPattern(def: FieldDef, value: unknown): string {
  const mask = def.mask;
  if (mask === undefined || def.bits <= 0) return '';
  let shift = 0;
  while (shift < 32 && ((mask >>> shift) & 1) === 0) shift++;
  const raw = typeof value === 'boolean' ? (value ? mask : 0) : typeof value === 'number' ? (value << shift) & mask : 0;
  let out = '';
  for (let bit = def.bits - 1; bit >= 0; bit--) {
    const m = 2 ** bit;
    out += (mask & m) !== 0 ? ((raw & m) !== 0 ? '1' : '0') : '.';
    if (bit % 4 === 0 && bit > 0) out += ' ';
  }
  return out + ' = ';
}

/** One node's line, with its bit pattern when the field is a masked part of an integer. */
export function treeLine(n: FieldNode): string {
  if (n.text !== undefined) return n.text;
  const line = nodeLine(n);
  if (n.def.mask !== undefined && (n.def.type === 'bool' || n.def.type === 'uint')) {
    const pattern = bitPattern(n.def, n.value);
    return n.generated ? line : pattern + line;
  }
  return line;
}

/** tshark `-V` text: four spaces per level. Unless the whole frame is dumped too (`-x`,
 * `dataHex` false), tshark follows each `data` protocol line with a hex dump of its bytes. */
export function treeLines(nodes: readonly FieldNode[], dataHex = true, depth = 0, out: string[] = []): string[] {
  const pad = '    '.repeat(depth);
  for (const n of nodes) {
    if (n.hidden) continue;
    out.push(pad + treeLine(n));
    if (dataHex && n.def.name === 'data') {
      const bytes = n.children?.find((c) => c.def.name === 'data.data')?.value;
      if (bytes instanceof Uint8Array) out.push('', ...hexdumpLines(bytes));
    }
    if (n.children) treeLines(n.children, dataHex, depth + 1, out);
  }
  return out;
}
