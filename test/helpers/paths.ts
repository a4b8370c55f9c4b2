import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const samplesDir = path.join(repoRoot, 'samples');
export const sharedDir = path.resolve(repoRoot, '../shared');
export const corpusDir = path.join(sharedDir, 'corpus/public');
export const fixturesDir = path.join(sharedDir, 'tcp-fixtures');
export const haveShared = existsSync(corpusDir);

function probeTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const haveTshark = probeTshark();

const said = new Set<string>();
/** Prints once per reason why a group of tests is skipped (the guide: say so in one line). */
export function skipNote(reason: string): void {
  if (said.has(reason)) return;
  said.add(reason);
  console.log(`[skipped] ${reason}`);
}

const CAPTURE_RE = /\.(pcap|pcapng|cap)(\.gz)?$/;

export function sampleCaptures(): string[] {
  if (!existsSync(samplesDir)) return [];
  return readdirSync(samplesDir)
    .filter((f) => CAPTURE_RE.test(f))
    .sort()
    .map((f) => path.join(samplesDir, f));
}

export function corpusCaptures(): string[] {
  if (!haveShared) return [];
  return readdirSync(corpusDir)
    .filter((f) => CAPTURE_RE.test(f))
    .sort()
    .map((f) => path.join(corpusDir, f));
}

export function fixtureCaptures(): string[] {
  if (!existsSync(fixturesDir)) return [];
  return readdirSync(fixturesDir)
    .filter((f) => CAPTURE_RE.test(f))
    .sort()
    .map((f) => path.join(fixturesDir, f));
}

let wsConfig: string | null = null;
/** Runs tshark hermetically (empty config dir, -n), returns stdout. */
export function tshark(args: string[]): string {
  wsConfig ??= mkdtempSync(path.join(tmpdir(), 'pcapscope-ws-'));
  try {
    return execFileSync('tshark', ['-n', ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env: { ...process.env, WIRESHARK_CONFIG_DIR: wsConfig, LC_ALL: 'C.UTF-8', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (e) {
    // tshark exits 2 on damaged files after printing what it read
    const out = (e as { stdout?: string }).stdout;
    if (typeof out === 'string') return out;
    throw e;
  }
}
