/**
 * Cell-by-cell comparison of our TCP fields with live tshark 4.0.17 (`-T fields -E occurrence=f`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ourRows, repoRoot } from './stack.js';

export const sharedDir = path.resolve(repoRoot, '../shared');
export const fixturesDir = path.join(sharedDir, 'tcp-fixtures');
export const corpusDir = path.join(sharedDir, 'corpus/public');
export const samplesDir = path.join(repoRoot, 'samples');
export const haveShared = existsSync(fixturesDir);

function probe(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const haveTshark = probe();

/** The compared fields (the brief's list). `_ws.col.Info` is compared on frames whose tshark
 * Protocol column is TCP. */
export const TCP_FIELDS = [
  'tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.nxtseq', 'tcp.len', 'tcp.window_size',
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order', 'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment',
  'tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe', 'tcp.analysis.zero_window_probe_ack',
  'tcp.analysis.window_full', 'tcp.analysis.window_update', 'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack',
  'tcp.analysis.reused_ports', 'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt',
  'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent', 'tcp.analysis.rto', 'tcp.analysis.rto_frame',
  'tcp.completeness', 'tcp.window_size_scalefactor', 'tcp.flags', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw',
  'tcp.ack_raw', 'tcp.hdr_len', 'tcp.window_size_value', 'tcp.options.mss_val', 'tcp.options.wscale.shift',
  'tcp.options.timestamp.tsval', 'tcp.analysis', 'tcp.analysis.flags', 'tcp.time_relative', 'tcp.time_delta',
  'tcp.flags.str', 'tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.options.timestamp.tsecr', 'tcp.checksum',
  'tcp.urgent_pointer', 'tcp.option_kind', 'tcp.options',
] as const;

export const INFO = '_ws.col.Info';

/** Texts tshark appends when TCP reassembly runs (a sub-dissector asked for more data, or a
 * retransmission overlapped buffered data): reassembly is not part of this engine, so the Info
 * column is compared up to them. */
const REASSEMBLY_MARKS = [' [TCP segment of a reassembled PDU]', '[Reassembly error, protocol TCP: '];

/** tshark's Info for a TCP frame, cut before the reassembly texts; null when the TCP summary
 * (`sport → dport`) is not in it: a sub-dissector (HTTP, TLS ...) wrote the column. */
export function tcpOwnedInfo(info: string, sport: string, dport: string): string | null {
  if (!info.includes(`${sport} \u2192 ${dport}`)) return null;
  let cut = info.length;
  for (const m of REASSEMBLY_MARKS) {
    const i = info.indexOf(m);
    if (i >= 0 && i < cut) cut = i;
  }
  return info.slice(0, cut);
}

let cfg: string | null = null;
export function tsharkRows(file: string, fields: readonly string[]): string[][] {
  cfg ??= mkdtempSync(path.join(tmpdir(), 'tcp-ws-'));
  let out: string;
  try {
    out = execFileSync(
      'tshark',
      ['-n', '-r', file, '-T', 'fields', '-E', 'occurrence=f', '-E', 'header=n', ...fields.flatMap((f) => ['-e', f])],
      { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, WIRESHARK_CONFIG_DIR: cfg, LC_ALL: 'C.UTF-8', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch (e) {
    const o = (e as { stdout?: string }).stdout;
    if (typeof o !== 'string') throw e;
    out = o;
  }
  const lines = out.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.split('\t'));
}

export interface Diff {
  file: string;
  frame: number;
  field: string;
  ours: string;
  theirs: string;
}

export interface Stats {
  perField: Map<string, { cells: number; equal: number }>;
  diffs: Diff[];
  frames: number;
  frameCountMismatch: number;
  /** TCP frames whose Info a sub-dissector wrote (not compared). */
  infoNotTcp: number;
}

export function newStats(): Stats {
  return { perField: new Map(), diffs: [], frames: 0, frameCountMismatch: 0, infoNotTcp: 0 };
}

/** Compares one capture into `stats`. Frames tshark has beyond ours (pcapng custom blocks) and
 * the reverse are counted in `frameCountMismatch`. */
export async function compareCapture(file: string, stats: Stats): Promise<void> {
  const fields = [...TCP_FIELDS];
  const theirs = tsharkRows(file, [...fields, '_ws.col.Protocol', INFO]);
  const { rows: ours } = await ourRows(file, [...fields, INFO]);
  const name = path.basename(file);
  const n = Math.min(theirs.length, ours.length);
  stats.frameCountMismatch += Math.abs(theirs.length - ours.length);
  stats.frames += n;
  const bump = (f: string, eq: boolean) => {
    let s = stats.perField.get(f);
    if (!s) stats.perField.set(f, (s = { cells: 0, equal: 0 }));
    s.cells++;
    if (eq) s.equal++;
  };
  for (let i = 0; i < n; i++) {
    const t = theirs[i]!;
    const o = ours[i]!;
    fields.forEach((f, j) => {
      const x = o[j] ?? '';
      const y = t[j] ?? '';
      bump(f, x === y);
      if (x !== y) stats.diffs.push({ file: name, frame: i + 1, field: f, ours: x, theirs: y });
    });
    const sp = t[fields.indexOf('tcp.srcport')] ?? '';
    const dp = t[fields.indexOf('tcp.dstport')] ?? '';
    const y = t[fields.length] === 'TCP' && sp !== '' ? tcpOwnedInfo(t[fields.length + 1] ?? '', sp, dp) : null;
    if (y === null) {
      if (t[fields.length] === 'TCP') stats.infoNotTcp++;
    } else {
      const x = o[fields.length] ?? '';
      bump(INFO, x === y);
      if (x !== y) stats.diffs.push({ file: name, frame: i + 1, field: INFO, ours: x, theirs: y });
    }
  }
}

export function summary(stats: Stats): string {
  const lines: string[] = [];
  let cells = 0;
  let equal = 0;
  for (const [f, s] of stats.perField) {
    cells += s.cells;
    equal += s.equal;
    lines.push(`  ${f}: ${s.equal}/${s.cells}`);
  }
  return `${equal}/${cells} cells equal over ${stats.frames} frames (${stats.infoNotTcp} Info cells written by sub-dissectors, not compared)\n` + lines.join('\n');
}
