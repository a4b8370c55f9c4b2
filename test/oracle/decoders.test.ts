import { describe, it } from 'vitest';
import { corpusCaptures, haveShared, haveTshark, sampleCaptures, skipNote } from '../helpers/paths.js';
import { compareFile, expectThresholds, FIELD_LISTS, newTotals, report } from './oracle-run.js';

// Issue 2's oracle: decoder fields cell for cell against tshark -n -E occurrence=f.
describe('decoder fields equal tshark', () => {
  it('on samples/ (recorded tshark answers)', async () => {
    const totals = newTotals(FIELD_LISTS.decoders!);
    for (const f of sampleCaptures()) await compareFile(f, 'decoders', totals);
    console.log(report('samples', totals));
    expectThresholds(totals, 0.999, 0.99);
  });

  it.skipIf(!haveShared || !haveTshark)('on ../shared/corpus/public (live tshark)', async () => {
    const totals = newTotals(FIELD_LISTS.decoders!);
    for (const f of corpusCaptures()) await compareFile(f, 'decoders', totals);
    console.log(report('corpus', totals));
    expectThresholds(totals, 0.999, 0.99);
  });
  if (!haveShared) skipNote('corpus oracle: ../shared is absent');
  else if (!haveTshark) skipNote('corpus oracle: tshark is not installed');
});
