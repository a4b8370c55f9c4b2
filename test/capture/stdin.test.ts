/**
 * readCapture('-') in a child process: piped input, redirected file, gzip on stdin, and
 * streaming (frames reported while the writer is still writing).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, collect, packet, pcapFile, pcapHeader, pcapRecord, tmpDir, tmpFile } from './helpers.js';

let bundle = '';

beforeAll(async () => {
  // The child runs plain Node: bundle src/capture once (esbuild comes with vitest's vite).
  const esbuild = await import('esbuild');
  bundle = path.join(tmpDir(), 'capture-bundle.mjs');
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'src/capture/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
});

/** Child script: prints "F <number> <capLen> <epoch>" per frame as it arrives, then a JSON result line. */
function childScript(): string {
  return `
import { readCapture, frameEpoch } from ${JSON.stringify(bundle)};
const r = await readCapture('-', (f) => { process.stdout.write('F ' + f.number + ' ' + f.capLen + ' ' + frameEpoch(f) + '\\n'); });
process.stdout.write('R ' + JSON.stringify({ n: r.framesRead, kind: r.error?.kind ?? null, msg: r.error?.message ?? null, gzip: r.info?.gzip ?? null }) + '\\n');
`;
}

interface ChildRun {
  lines: string[];
  code: number | null;
  stderr: string;
}

function runChild(stdin: 'pipe' | number, feed?: (child: ReturnType<typeof spawn>, lines: string[]) => Promise<void>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', childScript()], { stdio: [stdin, 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ lines, code, stderr }));
    if (feed) feed(child, lines).catch(reject);
  });
}

function result(run: ChildRun): { n: number; kind: string | null; msg: string | null; gzip: boolean | null } {
  const last = run.lines.find((l) => l.startsWith('R '));
  if (!last) throw new Error(`child gave no result; stderr: ${run.stderr}`);
  return JSON.parse(last.slice(2));
}

const records = Array.from({ length: 40 }, (_, i) => ({ sec: 1700000000 + i, frac: i * 1000, data: packet(300 + i, i) }));
const capture = pcapFile(records);

async function expectedLines(bytes: Buffer): Promise<string[]> {
  const file = tmpFile('stdin-ref.pcap', bytes);
  const { frames } = await collect(file);
  return frames.map((f) => `F ${f.number} ${f.capLen} ${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`);
}

describe('stdin', () => {
  it('piped capture', async () => {
    const run = await runChild('pipe', async (child) => {
      child.stdin!.end(capture);
    });
    expect(run.code).toBe(0);
    expect(run.lines.filter((l) => l.startsWith('F '))).toEqual(await expectedLines(capture));
    expect(result(run)).toMatchObject({ n: 40, kind: null });
  });

  it('redirected regular file (fd 0 is a file)', async () => {
    const file = tmpFile('stdin-file.pcap', capture);
    const fd = fs.openSync(file, 'r');
    try {
      const run = await runChild(fd);
      expect(run.code).toBe(0);
      expect(result(run)).toMatchObject({ n: 40, kind: null });
    } finally {
      fs.closeSync(fd);
    }
  });

  it('gzip on stdin', async () => {
    const run = await runChild('pipe', async (child) => {
      child.stdin!.end(zlib.gzipSync(capture));
    });
    expect(result(run)).toMatchObject({ n: 40, kind: null, gzip: true });
  });

  it('not a capture, empty input, and a cut-short stream report errors, not exceptions', async () => {
    const a = result(await runChild('pipe', async (c) => void c.stdin!.end(Buffer.from('hello world'))));
    expect(a).toMatchObject({ n: 0, kind: 'not_capture' });
    expect(a.msg).toMatch(/^standard input is not a pcap or pcapng file \(it starts with 68 65 6c 6c\)/);
    const b = result(await runChild('pipe', async (c) => void c.stdin!.end()));
    expect(b).toMatchObject({ n: 0, kind: 'not_capture', msg: 'standard input is empty' });
    const c = result(await runChild('pipe', async (ch) => void ch.stdin!.end(capture.subarray(0, capture.length - 7))));
    expect(c).toMatchObject({ n: 39, kind: 'truncated' });
  });

  it('streams: frames are reported while the writer is still writing', async () => {
    const waitFor = async (lines: string[], pred: (l: string) => boolean, ms = 10000): Promise<void> => {
      const t0 = Date.now();
      while (!lines.some(pred)) {
        if (Date.now() - t0 > ms) throw new Error('timed out waiting for the child to report a frame');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    let sawFrame1BeforeEnd = false;
    let sawFrame3BeforeEnd = false;
    const run = await runChild('pipe', async (child, lines) => {
      const stdin = child.stdin!;
      // header and one record, in small pieces, the record split in the middle
      const r0 = pcapRecord(records[0]!);
      const first = Buffer.concat([pcapHeader(), r0]);
      for (let i = 0; i < first.length; i += 50) {
        stdin.write(first.subarray(i, i + 50));
        await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor(lines, (l) => l.startsWith('F 1 '));
      sawFrame1BeforeEnd = !stdin.writableEnded;
      stdin.write(Buffer.concat([pcapRecord(records[1]!), pcapRecord(records[2]!)]));
      await waitFor(lines, (l) => l.startsWith('F 3 '));
      sawFrame3BeforeEnd = !stdin.writableEnded;
      stdin.end(Buffer.concat(records.slice(3).map((r) => pcapRecord(r))));
    });
    expect(sawFrame1BeforeEnd).toBe(true);
    expect(sawFrame3BeforeEnd).toBe(true);
    expect(result(run)).toMatchObject({ n: 40, kind: null });
  }, 30000);
});
