import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleCaptures } from '../helpers/paths.js';

// Baselines of what a user sees: the packet list and the -V tree of every sample.
describe.each(sampleCaptures().map((f) => [path.basename(f), f]))('golden %s', (name, file) => {
  it('packet list', () => {
    const r = runCli(['packets', file]);
    expect(r.stderr).toBe('');
    expectGolden(`${name}/packets.txt`, r.stdout);
  });
  it('detail tree (-V)', () => {
    const r = runCli(['packets', '-V', file]);
    expect(r.stderr).toBe('');
    expectGolden(`${name}/verbose.txt`, r.stdout);
  });
});
