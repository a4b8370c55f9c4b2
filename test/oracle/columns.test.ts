import { describe, it } from 'vitest';
import { corpusCaptures, haveShared, haveTshark, sampleCaptures, skipNote } from '../helpers/paths.js';
import { compareFile, expectThresholds, FIELD_LISTS, newTotals, report } from './oracle-run.js';

// The Protocol and Info columns, text for text, against tshark's packet list.
describe('Protocol and Info columns equal tshark', () => {
  it('on samples/ (recorded tshark answers)', async () => {
    const totals = newTotals(FIELD_LISTS.columns!);
    for (const f of sampleCaptures()) await compareFile(f, 'columns', totals);
    console.log(report('samples', totals));
    expectThresholds(totals, 0.99, 0.98);
  });

  it.skipIf(!haveShared || !haveTshark)('on ../shared/corpus/public (live tshark)', async () => {
    const totals = newTotals(FIELD_LISTS.columns!);
    for (const f of corpusCaptures()) await compareFile(f, 'columns', totals);
    console.log(report('corpus', totals));
    expectThresholds(totals, 0.95, 0.9);
  });
  if (!haveShared) skipNote('corpus column oracle: ../shared is absent');
  else if (!haveTshark) skipNote('corpus column oracle: tshark is not installed');
});
