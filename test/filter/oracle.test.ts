/** The oracle: every filter of filters.txt, over real captures, must select exactly the frames
 * `tshark -n -r F -Y FILTER` selects, and must be rejected when tshark rejects it. The captures
 * are a varied pick from the shared corpus and the project's samples, each group concatenated
 * with mergecap into one file (one tshark run per filter and group; answers are cached in the
 * temp directory by tshark version, file content and filter).
 *
 * Mismatches caused by something other than the filter engine (a decoder that does not yet
 * produce a field the way tshark does) are listed with their cause in oracle-known.txt; they are
 * reported but do not fail the test, and entries that start passing are reported for removal. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, FilterError, type CompiledFilter } from '../../src/filter/index.js';
import {
  CORPUS_PICK,
  SAMPLES_MERGED,
  SHARED,
  makeRegistry,
  mergeCaptures,
  mergecapAvailable,
  readFilterList,
  runOurs,
  tsharkAnswers,
  tsharkAvailable,
} from './harness.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const FILTERS = readFilterList(here('./filters.txt'));
const UNSUPPORTED = readFilterList(here('./unsupported.txt')).map((l) => {
  const [filter, reason] = l.split('\t');
  return { filter: filter!, reason: reason ?? '' };
});
const KNOWN = new Map<string, string>();
for (const l of readFilterList(here('./oracle-known.txt'))) {
  const [group, filter, reason] = l.split('\t');
  KNOWN.set(`${group}\t${filter}`, reason ?? '');
}

const haveTshark = tsharkAvailable();
const haveMergecap = mergecapAvailable();

interface Group {
  name: string;
  file: string;
  frames: number;
}

const groups: Group[] = [];

beforeAll(() => {
  makeRegistry();
  if (existsSync(SAMPLES_MERGED)) groups.push({ name: 'samples', file: SAMPLES_MERGED, frames: 0 });
  if (!haveTshark || !haveMergecap) return;
  const dir = mkdtempSync(join(tmpdir(), 'pcapscope-oracle-'));
  if (existsSync(SHARED)) {
    const m = mergeCaptures(
      CORPUS_PICK.map((f) => join(SHARED, f)),
      join(dir, 'corpus.pcapng'),
    );
    if (m) groups.push({ name: 'corpus', file: m.file, frames: 0 });
  }
});

function compileAll(filters: string[]): (CompiledFilter | FilterError)[] {
  return filters.map((f) => {
    try {
      return compileFilter(f);
    } catch (e) {
      if (e instanceof FilterError) return e;
      throw e;
    }
  });
}

function describeDiff(ours: number[], theirs: number[]): string {
  const a = new Set(ours);
  const b = new Set(theirs);
  const onlyOurs = ours.filter((x) => !b.has(x));
  const onlyTshark = theirs.filter((x) => !a.has(x));
  return `ours ${ours.length} frames, tshark ${theirs.length}; only ours: ${onlyOurs.slice(0, 8).join(',')}${onlyOurs.length > 8 ? '…' : ''}; only tshark: ${onlyTshark.slice(0, 8).join(',')}${onlyTshark.length > 8 ? '…' : ''}`;
}

describe('display filters against tshark 4.0', () => {
  it('has a large filter list', () => {
    expect(FILTERS.length).toBeGreaterThanOrEqual(150);
  });

  it('matches tshark frame for frame on the corpus and sample captures', async () => {
    if (!haveTshark || !haveMergecap) console.log('oracle.test: tshark/mergecap not installed: samples only, from recorded tshark answers');
    if (!groups.length) {
      console.log('oracle.test: no captures available (../shared and samples/ absent), skipped');
      return;
    }
    const compiled = compileAll(FILTERS);
    const report: string[] = [];
    const unexpected: string[] = [];
    const fixed: string[] = [];
    let same = 0;
    let total = 0;
    let unanswered = 0;
    for (const g of groups) {
      const ok = compiled.filter((c): c is CompiledFilter => !(c instanceof FilterError));
      const oursAll = runOurs(g.file, ok);
      const ts = await tsharkAnswers(g.file, FILTERS);
      let k = 0;
      FILTERS.forEach((f, i) => {
        const c = compiled[i]!;
        const t = ts[i];
        const mine = c instanceof FilterError ? null : oursAll[k++]!;
        if (!t) {
          unanswered++;
          return;
        }
        total++;
        let problem: string | null = null;
        if ('error' in t) {
          if (mine) problem = `tshark rejects it (${t.error.split('\n')[0]}) but we accept it`;
        } else if (!mine) {
          problem = `we reject it (${(c as FilterError).message}) but tshark accepts it`;
        } else if (mine.join(',') !== t.frames.join(',')) {
          problem = describeDiff(mine, t.frames);
        }
        const key = `${g.name}\t${f}`;
        if (!problem) {
          same++;
          if (KNOWN.has(key)) fixed.push(`${g.name}: ${f}`);
          return;
        }
        const known = KNOWN.get(key);
        report.push(`${known !== undefined ? 'known' : 'FAIL '} [${g.name}] ${f}\n        ${problem}${known ? `\n        cause: ${known}` : ''}`);
        if (known === undefined) unexpected.push(`[${g.name}] ${f}: ${problem}`);
      });
    }
    if (unanswered) console.log(`oracle.test: ${unanswered} filter×capture pairs have no recorded tshark answer (npm run oracle:record)`);
    console.log(
      `oracle.test: ${same}/${total} filter×capture results equal to tshark (${FILTERS.length} filters, groups: ${groups.map((g) => g.name).join(', ')})` +
        (report.length ? `\n${report.join('\n')}` : '') +
        (fixed.length ? `\nnow passing, remove from oracle-known.txt:\n  ${fixed.join('\n  ')}` : ''),
    );
    expect(unexpected).toEqual([]);
    // an allow-list entry that passes hides nothing any more, and would hide the next regression
    expect(fixed, 'oracle-known.txt entries that pass now: remove them').toEqual([]);
  }, 1_800_000);

  it('rejects the deliberately unsupported filters, which tshark accepts', async () => {
    for (const { filter, reason } of UNSUPPORTED) {
      let err: unknown = null;
      try {
        compileFilter(filter);
      } catch (e) {
        err = e;
      }
      expect(err, `${filter} (${reason})`).toBeInstanceOf(FilterError);
      expect((err as FilterError).unsupported, `${filter}: ${(err as FilterError).message}`).toBe(true);
    }
    if (!haveTshark || !groups.length) return;
    const answers = await tsharkAnswers(groups[0]!.file, UNSUPPORTED.map((u) => u.filter));
    const rejected = UNSUPPORTED.filter((_, i) => answers[i] && 'error' in answers[i]!).map((u) => u.filter);
    expect(rejected, 'tshark rejects these: they do not belong in unsupported.txt').toEqual([]);
  }, 600_000);
});
