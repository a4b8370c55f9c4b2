import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleCaptures } from '../helpers/paths.js';

// Baselines of what a user sees: the packet list and the -V tree of every sample.
// the .gz twin of demo.pcap is checked equal to it in test/cli; not baselined twice
describe.each(sampleCaptures().filter((f) => !f.endsWith('.gz')).map((f) => [path.basename(f), f]))('golden %s', (name, file) => {
  it('packet list', () => {
    const r = runCli(['packets', file]);
    expect(r.stderr).toBe('');
    expectGolden(`${name}/packets.txt`, r.stdout);
  });
  // the 1 MB bulk transfer's tree would be 6 MB of baseline: its packet list and flows suffice
  it.skipIf(statSync(file).size > 200_000)('detail tree (-V)', () => {
    const r = runCli(['packets', '-V', file]);
    expect(r.stderr).toBe('');
    expectGolden(`${name}/verbose.txt`, r.stdout);
  });
});
