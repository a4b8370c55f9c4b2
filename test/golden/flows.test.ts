import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleCaptures } from '../helpers/paths.js';

// Baselines of the per-connection views: the flows table with each connection's story, the
// machine form, and the followed stream 0, for every sample.
// the .gz twin of demo.pcap is checked equal to it in test/cli; not baselined twice
describe.each(sampleCaptures().filter((f) => !f.endsWith('.gz')).map((f) => [path.basename(f), f]))('golden %s', (name, file) => {
  it('flows --detail', () => {
    const r = runCli(['flows', '--detail', file]);
    expect(r.stderr).toBe('');
    expectGolden(`${name}/flows.txt`, r.stdout);
  });
  it('flows -T json', () => {
    const r = runCli(['flows', '-T', 'json', file]);
    expect(r.stderr).toBe('');
    expectGolden(`${name}/flows.json`, r.stdout.replace(JSON.stringify(file), JSON.stringify(`samples/${name}`)));
  });
  it('follow stream 0', () => {
    const r = runCli(['follow', file, '0']);
    expect(r.stderr).toBe('');
    expectGolden(`${name}/follow-0.txt`, r.stdout);
  });
});
