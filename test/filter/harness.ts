/** Shared by the filter tests: runs compiled filters over a capture through the real pipeline
 * (capture reader, built-in decoders, TCP analysis) and asks tshark for its answer. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureSync } from '../../src/capture/index.js';
import { fieldCount } from '../../src/decoders/core/fields.js';
import { FieldCollector } from '../../src/decoders/core/tree.js';
import { dissect } from '../../src/decoders/core/dissect.js';
import { Session } from '../../src/decoders/core/registry.js';
import { registerBuiltins } from '../../src/decoders/index.js';
import { createTcpAnalyzer } from '../../src/analysis/tcp/index.js';
import type { CompiledFilter } from '../../src/filter/index.js';

export function makeRegistry() {
  const r = registerBuiltins();
  r.addAnalyzer('tcp', createTcpAnalyzer);
  return r;
}

/** Matching frame numbers per filter, from one pass over the capture. */
export function runOurs(file: string, filters: CompiledFilter[]): number[][] {
  const ids = new Set<number>();
  for (const f of filters) for (const d of f.fields) ids.add(d.id);
  const registry = makeRegistry();
  const session = new Session(registry);
  const out: number[][] = filters.map(() => []);
  const col = new FieldCollector(ids, fieldCount());
  const res = readCaptureSync(file, (frame) => {
    col.reset();
    dissect(frame, session, { tree: col });
    for (let i = 0; i < filters.length; i++) if (filters[i]!.test(col.found, frame.data)) out[i]!.push(frame.number);
  });
  for (const a of session.analyzers.values()) a.finish?.();
  void res;
  return out;
}

let configDir: string | null = null;

export function mergecapAvailable(): boolean {
  try {
    execFileSync('mergecap', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export type TsharkAnswer = { frames: number[] } | { error: string };

/** tshark -n -r FILE -Y FILTER -T fields -e frame.number */
export function runTshark(file: string, filter: string): TsharkAnswer {
  configDir ??= mkdtempSync(join(tmpdir(), 'pcapscope-ws-'));
  try {
    const out = execFileSync('tshark', ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
      env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 28,
    }).toString();
    return { frames: out.split('\n').filter(Boolean).map(Number) };
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer };
    const text = (err.stderr?.toString() ?? '')
      .split('\n')
      .filter((l) => !l.startsWith('Running as user'))
      .join('\n')
      .replace(/^tshark: /, '')
      .trimEnd();
    return { error: text };
  }
}

/** tshark's error text for a filter (first line without the "tshark: " prefix, plus the filter
 * and caret lines), or null when tshark accepts the filter. */
export function tsharkFilterError(filter: string, file: string): string | null {
  const r = runTshark(file, filter);
  if ('frames' in r) return null;
  return r.error
    .split('\n')
    .filter((l) => !/^\s+Note: |^\s+maybe you mixed/.test(l))
    .join('\n');
}

export const SHARED = '/work/shared/corpus/public';
export const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url));
export const haveShared = () => existsSync(SHARED);

// ------------------------------------------------------------------ oracle helpers

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

/** Captures merged for the oracle run: a varied pick from the shared corpus. */
export const CORPUS_PICK = [
  'packets__arppoison.pcapng',
  'packets__http_espn_fail.pcapng',
  'packets__tcp_dupack.pcapng',
  'packets__icmp_traceroute.pcapng',
  'packets__ipv6_fragments.pcapng',
  'packets__dns_tcp.pcapng',
  'zeek__dhcp.pcap',
  'zeek__icmp6.pcap',
  'tcpdump__802.1ad_QinQ.pcap',
  'zeek__ipv6-fragmented-dns.pcap',
  'zeek__icmp-destunreach-udp.pcap',
  'packets__tcp_zerowindowdead.pcapng',
  'zeek__linux_dlt_sll2.pcap',
  'zeek__retransmit-fast009.pcap',
  'packets__ip_frag_source.pcapng',
  'zeek__http-vlan-0.pcap',
  'zeek__chrome-34-google.pcap',
];

function tool(name: string, args: string[]): { ok: boolean; out: string; err: string } {
  try {
    const out = execFileSync(name, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 }).toString();
    return { ok: true, out, err: '' };
  } catch (e) {
    const x = e as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, out: x.stdout?.toString() ?? '', err: x.stderr?.toString() ?? '' };
  }
}

/** Concatenates captures into one pcapng (mergecap -a), leaving out any file mergecap cannot
 * read completely. Returns null when nothing could be merged. */
export function mergeCaptures(files: string[], out: string): { file: string; used: string[] } | null {
  let use = files.filter((f) => existsSync(f));
  for (let tries = 0; tries < files.length && use.length; tries++) {
    const r = tool('mergecap', ['-a', '-w', out, ...use]);
    if (r.ok) return { file: out, used: use };
    const m = /The file "([^"]+)"/.exec(r.err);
    if (!m) return null;
    use = use.filter((f) => f !== m[1]);
  }
  return null;
}

export function sampleFiles(): string[] {
  if (!existsSync(SAMPLES)) return [];
  return readdirSync(SAMPLES)
    .filter((f) => /\.(pcap|pcapng)$/.test(f) && !/lossy|bench/.test(f))
    .sort()
    .map((f) => join(SAMPLES, f));
}

type Cache = Record<string, TsharkAnswer>;

/** tshark's answers are kept in the repository (reviewed like any recorded oracle output), so the
 * oracle runs without tshark and CI does not start a tshark per filter again. Entries are keyed
 * by file content and filter, and the whole file by tshark's version. */
export const ANSWERS_FILE = fileURLToPath(new URL('./tshark-answers.json', import.meta.url));
/** The samples concatenated by mergecap, kept next to the answers (npm run oracle:record). */
export const SAMPLES_MERGED = fileURLToPath(new URL('./samples-merged.pcapng', import.meta.url));

function tsharkVersion(): string | null {
  const r = tool('tshark', ['--version']);
  return r.ok ? (r.out.split('\n')[0] ?? null) : null;
}

interface AnswersFile {
  version: string;
  answers: Cache;
}

function loadAnswers(): AnswersFile | null {
  try {
    return JSON.parse(readFileSync(ANSWERS_FILE, 'utf8')) as AnswersFile;
  } catch {
    return null;
  }
}

function runTsharkAsync(file: string, filter: string): Promise<TsharkAnswer> {
  configDir ??= mkdtempSync(join(tmpdir(), 'pcapscope-ws-'));
  return new Promise((resolve) => {
    execFile(
      'tshark',
      ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'],
      { env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir! }, maxBuffer: 1 << 28 },
      (error, stdout, stderr) => {
        if (error) {
          const text = stderr
            .split('\n')
            .filter((l) => !l.startsWith('Running as user'))
            .join('\n')
            .replace(/^tshark: /, '')
            .trimEnd();
          resolve({ error: text });
        } else resolve({ frames: stdout.split('\n').filter(Boolean).map(Number) });
      },
    );
  });
}

/** Capture files whose answers this process looked up (see the pruning in `tsharkAnswers`). */
const seenKeys = new Set<string>();

/** Key of a capture's content. A pcapng file written by mergecap starts with a section header
 * naming the OS and hardware it was written on: the key leaves that block out, so the same
 * captures merged on another machine find their answers. */
export function contentKey(file: string): string {
  const b = readFileSync(file);
  let from = 0;
  if (b.length >= 12 && b.readUInt32LE(0) === 0x0a0d0d0a) {
    const le = b.readUInt32LE(8) === 0x1a2b3c4d;
    const len = le ? b.readUInt32LE(4) : b.readUInt32BE(4);
    if (len >= 28 && len <= b.length) from = len;
  }
  return createHash('sha1').update(b.subarray(from)).digest('hex');
}

/** tshark's answers for many filters on one file: recorded ones from ANSWERS_FILE when tshark is
 * absent or of the recorded version, the rest from tshark runs in parallel (then recorded, unless
 * `record` is false: a live check of a file that is not part of the recordings).
 * An answer that neither gives is `undefined`. */
export async function tsharkAnswers(file: string, filters: string[], record = true): Promise<(TsharkAnswer | undefined)[]> {
  const live = tsharkVersion();
  const stored = loadAnswers();
  const usable = stored && (live === null || stored.version === live || process.env.PCAPSCOPE_ORACLE_LIVE !== '1');
  const cache: Cache = usable && stored && (live === null || stored.version === live) ? stored.answers : {};
  const fileKey = contentKey(file);
  seenKeys.add(fileKey);
  const out: (TsharkAnswer | undefined)[] = new Array(filters.length);
  const todo: number[] = [];
  filters.forEach((f, i) => {
    const hit = cache[`${fileKey}\u0000${f}`];
    if (hit) out[i] = hit;
    else todo.push(i);
  });
  if (live === null || todo.length === 0) return out;
  const width = Math.max(2, cpus().length * 2);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < todo.length) {
        const i = todo[next++]!;
        out[i] = await runTsharkAsync(file, filters[i]!);
      }
    }),
  );
  for (const i of todo) cache[`${fileKey}\u0000${filters[i]}`] = out[i]!;
  // `npm run oracle:record` drops the answers of captures its run did not use (a file merged
  // differently must not leave its answers behind for ever); a test run only adds, since each
  // test file runs in its own process and sees only its own captures
  if (process.env.PCAPSCOPE_ORACLE_PRUNE === '1') {
    for (const k of Object.keys(cache)) if (!seenKeys.has(k.slice(0, k.indexOf('\u0000')))) delete cache[k];
  }
  if (record && !process.env.CI) writeFileSync(ANSWERS_FILE, JSON.stringify({ version: live, answers: sortKeys(cache) }, null, 0) + '\n');
  return out;
}

function sortKeys(c: Cache): Cache {
  return Object.fromEntries(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Filters from a list file: one per line, '#' comment lines and blank lines skipped. */
export function readFilterList(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
}
