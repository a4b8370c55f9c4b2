import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { compareRows, ourFields, tsharkFields, type Comparison } from '../helpers/fields.js';
import { haveTshark, repoRoot } from '../helpers/paths.js';
import { isAllowed } from './allow.js';

export const FIELD_LISTS = JSON.parse(readFileSync(path.join(repoRoot, 'test/oracle/fields.json'), 'utf8')) as Record<
  string,
  string[]
>;

/** tshark's table for a capture: recorded for samples (so a machine without tshark still
 * compares), live for everything else. Returns null when neither is possible. */
export function theirRows(file: string, list: string): string[][] | null {
  const recorded = path.join(repoRoot, 'test/oracle/recorded', `${path.basename(file)}.${list}.tsv`);
  if (file.startsWith(path.join(repoRoot, 'samples')) && existsSync(recorded)) {
    const lines = readFileSync(recorded, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(1).map((l) => l.split('\t'));
  }
  if (!haveTshark) return null;
  return tsharkFields(file, FIELD_LISTS[list]!);
}

export interface Totals {
  cells: number;
  equal: number;
  allowed: number;
  perField: Map<string, { cells: number; equal: number }>;
  unexplained: { file: string; frame: number; field: string; ours: string; theirs: string }[];
}

export function newTotals(fields: readonly string[]): Totals {
  return { cells: 0, equal: 0, allowed: 0, perField: new Map(fields.map((f) => [f, { cells: 0, equal: 0 }])), unexplained: [] };
}

export async function compareFile(file: string, list: string, totals: Totals): Promise<Comparison | null> {
  const fields = FIELD_LISTS[list]!;
  const theirs = theirRows(file, list);
  if (!theirs) return null;
  const ours = await ourFields(file, fields);
  const cmp = compareRows(fields, ours, theirs);
  totals.cells += cmp.cells;
  totals.equal += cmp.equal;
  for (const [f, v] of cmp.perField) {
    const t = totals.perField.get(f)!;
    t.cells += v.cells;
    t.equal += v.equal;
  }
  for (const d of cmp.diffs) {
    if (isAllowed(file, d.field, d.frame)) {
      totals.allowed++;
      totals.equal++;
      totals.perField.get(d.field)!.equal++;
    } else totals.unexplained.push({ file: path.basename(file), ...d });
  }
  return cmp;
}

export function report(name: string, t: Totals): string {
  const pct = (e: number, c: number) => (c === 0 ? '100.000' : ((100 * e) / c).toFixed(3));
  const lines = [`${name}: ${t.equal}/${t.cells} cells equal (${pct(t.equal, t.cells)} %), ${t.allowed} allow-listed`];
  for (const [f, v] of t.perField) if (v.equal !== v.cells) lines.push(`  ${f}: ${v.equal}/${v.cells} (${pct(v.equal, v.cells)} %)`);
  for (const d of t.unexplained.slice(0, 30)) lines.push(`  ${d.file} #${d.frame} ${d.field}: ours=${JSON.stringify(d.ours)} tshark=${JSON.stringify(d.theirs)}`);
  if (t.unexplained.length > 30) lines.push(`  ... ${t.unexplained.length - 30} more`);
  return lines.join('\n');
}

export function expectThresholds(t: Totals, overall: number, perField: number): void {
  expect(t.equal / Math.max(1, t.cells)).toBeGreaterThanOrEqual(overall);
  for (const [f, v] of t.perField) {
    expect.soft(v.equal / Math.max(1, v.cells), `field ${f}`).toBeGreaterThanOrEqual(perField);
  }
}
