import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { samplesDir, sampleCaptures } from '../helpers/paths.js';

const demo = path.join(samplesDir, 'demo.pcap');
const tmp = mkdtempSync(path.join(tmpdir(), 'pcapscope-cli-'));

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

describe('pcapscope packets', () => {
  it('opens a bundled sample with the bare command', () => {
    const r = runCli([demo]);
    expect(r.status).toBe(0);
    expect(lines(r.stdout).length).toBe(lines(runCli(['packets', demo]).stdout).length);
  });

  it('frame.time_delta_displayed counts from the previous frame the filter let through', () => {
    // tshark 4.0.17 prints the same (-n -r F -Y … -T fields …), recorded here
    const f = path.join(samplesDir, 'http-keepalive.pcap');
    const shown = runCli(['packets', '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_delta_displayed', f]);
    expect(lines(shown.stdout).slice(0, 5)).toEqual(['4\t0.000000000', '6\t0.000928000', '8\t0.000073000', '10\t0.000124000', '11\t0.000124000']);
    // a filter on it: each frame it drops moves the next one further from the last shown
    const near = runCli(['packets', '-Y', 'frame.time_delta_displayed < 0.0001', '-T', 'fields', '-e', 'frame.number', f]);
    expect(lines(near.stdout)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('-c limits the frames', () => {
    const r = runCli(['packets', '-c', '5', demo]);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toHaveLength(5);
  });

  it('reads standard input', () => {
    const r = runCli(['packets', '-'], readFileSync(demo));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(runCli(['packets', demo]).stdout);
  });

  it('reads gzip the same as the plain file', () => {
    expect(runCli(['packets', demo + '.gz']).stdout).toBe(runCli(['packets', demo]).stdout);
  });

  it('-T fields with -E header, separator, occurrence and aggregator', () => {
    const r = runCli(['packets', '-c', '3', '-T', 'fields', '-e', 'frame.number', '-e', 'eth.addr', '-E', 'header=y', '-E', 'separator=,', '-E', 'aggregator=|', demo]);
    expect(r.status).toBe(0);
    const rows = lines(r.stdout);
    expect(rows[0]).toBe('frame.number,eth.addr');
    expect(rows[1]).toMatch(/^1,[0-9a-f:]{17}\|[0-9a-f:]{17}$/);
    const first = runCli(['packets', '-c', '1', '-T', 'fields', '-e', 'eth.addr', '-E', 'occurrence=f', demo]);
    expect(lines(first.stdout)[0]).toMatch(/^[0-9a-f:]{17}$/);
  });

  it('rejects unknown fields like tshark (exit 1)', () => {
    const r = runCli(['packets', '-T', 'fields', '-e', 'ip.nonsense', demo]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ip.nonsense');
  });

  it('a filter on a column is an error, as in tshark 4.0 (never an empty match)', () => {
    const r = runCli(['packets', '-Y', '_ws.col.Protocol == "TCP"', demo]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('must be a field or function, not _ws.col.Protocol');
  });

  it('-T json and -T jsonl carry every layer', () => {
    const j = JSON.parse(runCli(['packets', '-c', '2', '-T', 'json', demo]).stdout) as unknown[];
    expect(j).toHaveLength(2);
    const l = lines(runCli(['packets', '-c', '2', '-T', 'jsonl', demo]).stdout).map((x) => JSON.parse(x));
    expect(l).toEqual(j);
    const layers = (j[0] as { _source: { layers: Record<string, unknown> } })._source.layers;
    expect(Object.keys(layers)).toEqual(expect.arrayContaining(['frame', 'eth']));
    expect((layers.frame as Record<string, string>)['frame.number']).toBe('1');
  });

  it('-x prints a hex dump after each line', () => {
    const r = runCli(['packets', '-c', '1', '-x', demo]);
    const ls = r.stdout.split('\n');
    expect(ls[1]).toBe('');
    expect(ls[2]).toMatch(/^0000 {2}([0-9a-f]{2} ){15}[0-9a-f]{2} {3}.{16}$/);
  });
});

describe('damaged input', () => {
  it('a file that is not a capture: one line, exit 2', () => {
    const f = path.join(tmp, 'x.pcap');
    writeFileSync(f, '<html><body>not a capture</body></html>');
    const r = runCli(['packets', f]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`pcapscope: ${f} is not a pcap or pcapng file (it starts with 3c 68 74 6d)\n`);
  });

  it('a missing file: one line, exit 2', () => {
    const r = runCli(['packets', path.join(tmp, 'nope.pcap')]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  // Every sample cut at several points: the frames before the cut are printed, then one warning
  // naming the frame and byte offset, exit 2; never a stack trace.
  for (const file of sampleCaptures().filter((f) => !f.endsWith('.gz'))) {
    it(`${path.basename(file)} cut short`, () => {
      const bytes = readFileSync(file);
      const full = lines(runCli(['packets', file]).stdout);
      for (const frac of [0.13, 0.5, 0.77, 0.999]) {
        const cut = Math.max(25, Math.floor(bytes.length * frac));
        const f = path.join(tmp, `cut-${frac}-${path.basename(file)}`);
        writeFileSync(f, bytes.subarray(0, cut));
        const r = runCli(['packets', f]);
        const got = lines(r.stdout);
        expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
        if (r.status === 2) {
          expect(lines(r.stderr)).toHaveLength(1);
          expect(r.stderr).toMatch(/byte offset \d+/);
        } else expect(r.status).toBe(0);
        // the frames that were printed are the same lines as for the whole file, numbers included
        // (Info of the last frames may differ where TCP reassembly needed later bytes)
        expect(got.length).toBeLessThanOrEqual(full.length);
        got.forEach((l, i) => expect(l.slice(0, 40)).toBe(full[i]!.slice(0, 40)));
      }
    });
  }
});

describe('pcapscope packets - (live input)', () => {
  it('prints a frame while the writer is still writing', async () => {
    const { spawn } = await import('node:child_process');
    const { repoRoot } = await import('../helpers/paths.js');
    const bytes = readFileSync(demo);
    // the file header and the first record (classic pcap, little-endian: caplen at +8)
    const first = 24 + 16 + bytes.readUInt32LE(24 + 8);
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/pcapscope.js'), 'packets', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.write(bytes.subarray(0, first));
    const t0 = Date.now();
    while (!out.includes('\n') && Date.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 20));
    const seenBeforeEnd = out.trimStart().startsWith('1 ');
    child.stdin.end(bytes.subarray(first));
    const code = await new Promise((r) => child.on('close', r));
    expect(seenBeforeEnd).toBe(true);
    expect(code).toBe(0);
    expect(lines(out)).toEqual(lines(runCli(['packets', demo]).stdout));
  }, 20000);
});
