import { describe, it } from 'vitest';
import { sampleCaptures } from '../helpers/paths.js';
import { compareFile, expectThresholds, FIELD_LISTS, newTotals, report } from './oracle-run.js';

// Issue 3's oracle on our own real captures, against recorded tshark answers (runs everywhere);
// the fixtures and the corpus are compared live in test/analysis/tcp.
describe('TCP analysis fields equal tshark', () => {
  it('on samples/ (recorded tshark answers)', async () => {
    const totals = newTotals(FIELD_LISTS.tcp!);
    for (const f of sampleCaptures()) await compareFile(f, 'tcp', totals);
    console.log(report('samples', totals));
    expectThresholds(totals, 1, 1);
  });
});
