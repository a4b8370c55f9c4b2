import { decodeCapture } from '../../src/engine/decode.js';
import { resolveFieldColumns, fieldsRow, DEFAULT_FIELDS_FORMAT, type FieldsFormat } from '../../src/output/fields.js';
import { tshark } from './paths.js';

const FIRST: FieldsFormat = { ...DEFAULT_FIELDS_FORMAT, occurrence: 'f' };

/** Our `packets -T fields -E occurrence=f` rows, in-process. */
export async function ourFields(file: string, fields: readonly string[]): Promise<string[][]> {
  const { columns, invalid } = resolveFieldColumns(fields);
  if (invalid.length) throw new Error(`unknown fields: ${invalid.join(', ')}`);
  const rows: string[][] = [];
  await decodeCapture(
    file,
    { columns: columns.some((c) => c.column), tree: columns.flatMap((c) => (c.def ? [c.def] : [])) },
    (d) => rows.push(fieldsRow(d.packet, d.fields, columns, FIRST).split('\t')),
  );
  return rows;
}

/** tshark's rows for the same fields, without the frames tshark 4.0 makes of pcapng custom
 * blocks (protocol PCAPNG, no encapsulation): we do not count those as frames (README). */
export function tsharkFields(file: string, fields: readonly string[], extra: string[] = []): string[][] {
  // tshark prints a field named twice only once (at its last position): never repeat one.
  const protoAt = fields.indexOf('_ws.col.Protocol');
  const all = [...fields, ...(protoAt < 0 ? ['_ws.col.Protocol'] : []), 'frame.encap_type'];
  const pi = protoAt < 0 ? fields.length : protoAt;
  const ei = all.length - 1;
  const out = tshark(['-r', file, ...extra, '-T', 'fields', '-E', 'occurrence=f', ...all.flatMap((f) => ['-e', f])]);
  return out
    .split('\n')
    .filter((l, i, a) => i < a.length - 1 || l !== '')
    .map((l) => l.split('\t'))
    .filter((cells) => !(cells[pi] === 'PCAPNG' && cells[ei] === ''))
    .map((cells) => cells.slice(0, fields.length));
}

export interface CellDiff {
  frame: number;
  field: string;
  ours: string;
  theirs: string;
}

export interface Comparison {
  cells: number;
  equal: number;
  perField: Map<string, { cells: number; equal: number }>;
  diffs: CellDiff[];
  /** Frames one side has and the other does not. */
  frameCountDiff: number;
}

/** Cell-by-cell comparison of two -T fields tables (rows are frames in order). */
export function compareRows(fields: readonly string[], ours: string[][], theirs: string[][]): Comparison {
  const perField = new Map(fields.map((f) => [f, { cells: 0, equal: 0 }]));
  const diffs: CellDiff[] = [];
  let cells = 0;
  let equal = 0;
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i] ?? [];
    const b = theirs[i] ?? [];
    fields.forEach((f, j) => {
      const x = a[j] ?? '';
      const y = b[j] ?? '';
      const pf = perField.get(f)!;
      pf.cells++;
      cells++;
      if (x === y) {
        pf.equal++;
        equal++;
      } else diffs.push({ frame: i + 1, field: f, ours: x, theirs: y });
    });
  }
  return { cells, equal, perField, diffs, frameCountDiff: ours.length - theirs.length };
}
