#!/usr/bin/env node
// npm run bench: pcapscope against tshark on the same ~1 GB capture, in the same run, reporting
// packets/s, MB/s, peak RSS and the speed ratio. Figures are ratios because the machine is shared.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const capture = args.find((a) => !a.startsWith('--')) ?? process.env.PCAPSCOPE_BENCH_CAPTURE ?? '/tmp/pcapscope-bench/bench-1g.pcap';
const only = (args.find((a) => a.startsWith('--only=')) ?? '').slice(7).split(',').filter(Boolean);
// --runs=N: each command N times, rounds interleaved (ours, one thread, tshark), the best kept for
// each: the machine's noise only ever adds time
const runs = Math.max(1, Number((args.find((a) => a.startsWith('--runs=')) ?? '--runs=1').slice(7)) || 1);
const lists = JSON.parse(readFileSync(path.join(root, 'test/oracle/fields.json'), 'utf8'));

if (!existsSync(capture)) {
  console.log(`making the benchmark capture at ${capture} (once; samples/make-bench-capture.sh)`);
  execFileSync('bash', [path.join(root, 'samples/make-bench-capture.sh'), capture], { stdio: 'inherit' });
}
const bytes = statSync(capture).size;
const env = { ...process.env, WIRESHARK_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'ws-')), TZ: 'UTC' };
const bin = path.join(root, 'bin/pcapscope.js');

/** Runs a command with stdout to /dev/null; returns wall seconds and peak RSS (VmHWM, polled). */
function measure(cmd, argv, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {}
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      resolve({ secs, peak, code, stderr });
    });
  });
}

const frames = Number(
  execFileSync('capinfos', ['-M', '-c', '-r', capture], { encoding: 'utf8' }).match(/(\d+)\s*$/m)?.[1] ?? 0,
);
const fieldArgs = (list) => list.flatMap((f) => ['-e', f]);
const FILTER = 'tcp.analysis.retransmission || tcp.analysis.duplicate_ack';
const cases = [
  { name: 'decoder fields', ours: ['packets', '-T', 'fields', ...fieldArgs(lists.decoders), capture], theirs: ['-n', '-r', capture, '-T', 'fields', ...fieldArgs(lists.decoders)], target: 5 },
  { name: 'tcp analysis fields', ours: ['packets', '-T', 'fields', ...fieldArgs(lists.tcp), capture], theirs: ['-n', '-r', capture, '-T', 'fields', ...fieldArgs(lists.tcp)], target: 5 },
  { name: 'flows vs conv,tcp', ours: ['flows', capture], theirs: ['-n', '-r', capture, '-q', '-z', 'conv,tcp'], target: 5 },
  { name: 'display filter', ours: ['packets', '-Y', FILTER, capture], theirs: ['-n', '-r', capture, '-Y', FILTER], target: 3 },
].filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)));

const mb = bytes / 1e6;
console.log(`capture: ${capture}  ${mb.toFixed(0)} MB, ${frames} frames`);
console.log(`tshark: ${execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
console.log('');

// The capture reader alone: ours (chunked readSync) against pcap-parser, the package the user
// named, which stays in the tests as the reference (README: why it is not on the hot path).
if (only.length === 0 || only.includes('reader')) {
  console.log('reader: split the records, nothing decoded');
  for (const which of ['ours', 'pcap-parser']) {
    const r = JSON.parse(execFileSync(process.execPath, [path.join(root, 'bench/reader.mjs'), which, capture], { encoding: 'utf8', maxBuffer: 1 << 20 }));
    console.log(`  ${which.padEnd(11)} ${r.secs.toFixed(2).padStart(6)} s  ${(r.frames / r.secs / 1000).toFixed(0).padStart(6)} k frames/s  (${r.frames} frames)`);
  }
  console.log('');
}
const row = (label, r) =>
  `  ${label.padEnd(10)} ${r.secs.toFixed(2).padStart(7)} s  ${(frames / r.secs / 1000).toFixed(0).padStart(6)} k pkt/s  ${(mb / r.secs).toFixed(0).padStart(5)} MB/s  peak RSS ${(r.peak / 2 ** 20).toFixed(0).padStart(5)} MiB${r.code ? `  exit ${r.code}` : ''}`;
// pcapscope as a user runs it (one worker per core on a large file, see engine/parallel.ts), and
// in one thread (PCAPSCOPE_THREADS=1) for comparison.
const cores = os.availableParallelism();
const best = (a, b) => (!a || b.secs < a.secs ? { ...b, peak: Math.max(b.peak, a?.peak ?? 0) } : { ...a, peak: Math.max(a.peak, b.peak) });
for (const c of cases) {
  let ours, single, theirs;
  for (let r = 0; r < runs; r++) {
    ours = best(ours, await measure(process.execPath, [bin, ...c.ours]));
    single = best(single, await measure(process.execPath, [bin, ...c.ours], { PCAPSCOPE_THREADS: '1' }));
    theirs = best(theirs, await measure('tshark', c.theirs));
  }
  console.log(`${c.name}${runs > 1 ? ` (best of ${runs})` : ''}`);
  console.log(row(`pcapscope`, ours));
  console.log(row(`1 thread`, single));
  console.log(row('tshark', theirs));
  const ratio = theirs.secs / ours.secs;
  console.log(`  ratio: ${ratio.toFixed(2)}x tshark (target ${c.target}x) ${ratio >= c.target ? 'OK' : 'BELOW TARGET'}; in one thread ${(theirs.secs / single.secs).toFixed(2)}x; ${cores} cores`);
  for (const r of [ours, single]) if (r.code) console.log(`  pcapscope stderr: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
  console.log('');
}
