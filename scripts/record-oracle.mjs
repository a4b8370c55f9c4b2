#!/usr/bin/env node
// Records tshark's answers for every capture in samples/ into test/oracle/recorded/, so the oracle
// tests run on a machine without tshark. Review the diff of what this writes before committing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lists = JSON.parse(readFileSync(path.join(root, 'test/oracle/fields.json'), 'utf8'));
const outDir = path.join(root, 'test/oracle/recorded');
mkdirSync(outDir, { recursive: true });
const env = { ...process.env, WIRESHARK_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'ws-')), TZ: 'UTC', LC_ALL: 'C.UTF-8' };

function run(args) {
  try {
    return execFileSync('tshark', ['-n', ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    if (typeof e.stdout === 'string') return e.stdout;
    throw e;
  }
}

const version = run(['--version']).split('\n')[0];
const only = process.argv.slice(2);
const files = readdirSync(path.join(root, 'samples'))
  .filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f))
  .filter((f) => only.length === 0 || only.includes(f))
  .sort();
for (const f of files) {
  const input = path.join(root, 'samples', f);
  for (const [name, fields] of Object.entries(lists)) {
    const out = run(['-r', input, '-T', 'fields', '-E', 'header=y', '-E', 'occurrence=f', ...fields.flatMap((x) => ['-e', x])]);
    writeFileSync(path.join(outDir, `${f}.${name}.tsv`), out);
  }
  writeFileSync(path.join(outDir, `${f}.packets.txt`), run(['-r', input]));
  writeFileSync(path.join(outDir, `${f}.conv-tcp.txt`), run(['-r', input, '-q', '-z', 'conv,tcp']));
  console.log(`recorded ${f}`);
}
writeFileSync(path.join(outDir, 'TSHARK_VERSION'), version + '\n');

// Display-filter oracle: the samples concatenated into one capture (mergecap -a), and tshark's
// answer for every filter of test/filter/filters.txt on it and on the corpus pick, recorded in
// test/filter/tshark-answers.json by the oracle test itself.
if (only.length === 0) {
  const merged = path.join(root, 'test/filter/samples-merged.pcapng');
  const inputs = readdirSync(path.join(root, 'samples'))
    .filter((f) => /\.(pcap|pcapng)$/.test(f) && !/lossy|bench/.test(f))
    .sort()
    .map((f) => path.join(root, 'samples', f));
  execFileSync('mergecap', ['-a', '-w', merged, ...inputs], { env, stdio: 'inherit' });
  execFileSync('npx', ['vitest', 'run', 'test/filter/oracle.test.ts'], { cwd: root, stdio: 'inherit', env: { ...process.env, CI: '', PCAPSCOPE_ORACLE_PRUNE: '1' } });
}
console.log(version);
