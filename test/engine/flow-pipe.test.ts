import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowReader, newFlowInput, type FlowInput } from '../../src/analysis/conversations.js';
import { decodeCapture } from '../../src/engine/decode.js';
import { FlowPipeError, FlowPipeReader, FlowPipeWriter, newFlowPipe } from '../../src/engine/flow-pipe.js';
import { corpusCaptures, haveShared, repoRoot, sampleCaptures, samplesDir, skipNote } from '../helpers/paths.js';

/** A FlowInput as plain data (the reader and the pipe refill one object). */
function copy(x: FlowInput): unknown {
  // (what a time reference, kind 0, leaves over from an earlier input means nothing)
  const family = x.kind === 0 ? 0 : x.family;
  return {
    ...x,
    src6: family === 6 ? Array.from(x.src6) : null,
    dst6: family === 6 ? Array.from(x.dst6) : null,
    src4: family === 4 ? x.src4 : null,
    dst4: family === 4 ? x.dst4 : null,
    stream: x.kind === 0 ? null : x.stream,
    srcPort: x.kind === 0 ? null : x.srcPort,
    dstPort: x.kind === 0 ? null : x.dstPort,
    family: x.kind === 0 ? null : x.family,
    hasSegment: x.kind === 0 ? null : x.hasSegment,
    segment: x.kind === 1 && x.hasSegment ? { ...x.segment, time: 0, dir: 0, options: x.segment.options ? { ...x.segment.options } : undefined } : null,
  };
}

/** Sends `inputs` through pipes in one thread (a pipe at a time holds less than its ring). */
function roundTrip(inputs: readonly FlowInput[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < inputs.length; i += 1000) {
    const sab = newFlowPipe();
    const w = new FlowPipeWriter(sab);
    for (const x of inputs.slice(i, i + 1000)) w.write(x);
    w.close();
    new FlowPipeReader(sab).drain((x) => out.push(copy(x)));
  }
  return out;
}

async function inputsOf(file: string): Promise<FlowInput[]> {
  const reader = new FlowReader();
  const inputs: FlowInput[] = [];
  await decodeCapture(file, { columns: false, tree: 'none', transportOnly: true }, (d) =>
    reader.read(d.packet, true, (x) => {
      const c = { ...x, src6: Uint8Array.from(x.src6), dst6: Uint8Array.from(x.dst6), segment: { ...x.segment } };
      inputs.push(c);
    }),
  );
  return inputs;
}

describe('flow pipe records', () => {
  it('carry every input of every sample (and public corpus capture) unchanged', async () => {
    let n = 0;
    let v6 = 0;
    let syn = 0;
    for (const file of [...sampleCaptures(), ...(haveShared ? corpusCaptures() : [])]) {
      const inputs = await inputsOf(file);
      expect(roundTrip(inputs), path.basename(file)).toEqual(inputs.map(copy));
      n += inputs.length;
      v6 += inputs.filter((x) => x.family === 6).length;
      syn += inputs.filter((x) => x.hasSegment && x.segment.options).length;
    }
    expect(n).toBeGreaterThan(1000);
    expect(v6).toBeGreaterThan(0);
    expect(syn).toBeGreaterThan(0);
  });

  it('carry 32-bit extremes, IPv6 addresses, SACK edges and the time reference', () => {
    const a = newFlowInput();
    Object.assign(a, { kind: 1, last: false, frame: 2 ** 32 - 1, origLen: 65535, hasTime: true, tsSec: 2 ** 32 - 1, tsNsec: 999_999_999 });
    Object.assign(a, { stream: 2 ** 31 - 1, srcPort: 65535, dstPort: 0, family: 6, src6: Uint8Array.from({ length: 16 }, (_, i) => 255 - i), dst6: Uint8Array.from({ length: 16 }, (_, i) => i * 16) });
    a.hasSegment = true;
    Object.assign(a.segment, { frame: 2 ** 32 - 1, seq: 2 ** 32 - 1, ack: 2 ** 31, flags: 0x12, window: -1, rawWindow: 65535, len: 65495, captured: 0, frameLen: 2 ** 32 - 1, analysis: 0x7fff });
    a.segment.options = { mss: 65535, wscale: 14, sackPerm: true, ts: true, sack: [2 ** 32 - 1, 0, 1, 2 ** 31, 5, 6, 7, 8] };
    const b = newFlowInput();
    Object.assign(b, { kind: 2, last: true, frame: 1, origLen: 60, hasTime: false, tsSec: 0, tsNsec: 0, stream: 0, srcPort: 53, dstPort: 40000, family: 4, src4: 2 ** 32 - 1, dst4: 0 });
    const c = newFlowInput();
    Object.assign(c, { kind: 0, frame: 7, origLen: 42, hasTime: true, tsSec: 1, tsNsec: 1 });
    const d = newFlowInput();
    Object.assign(d, { kind: 1, frame: 9, origLen: 54, hasTime: true, stream: 3, srcPort: 1, dstPort: 2, family: 0, hasSegment: false });
    const inputs = [a, b, c, d];
    expect(roundTrip(inputs)).toEqual(inputs.map(copy));
  });

  it('stop the writer with an error when the table failed, instead of waiting for room', () => {
    const sab = newFlowPipe();
    const w = new FlowPipeWriter(sab);
    new FlowPipeReader(sab).fail();
    const x = newFlowInput();
    expect(() => {
      for (let i = 0; i < 1 << 20; i++) w.write(x);
    }).toThrow(FlowPipeError);
  });
});

/** Runs the compiled CLI; `pipe` forces the table worker on or off (whatever the file size). */
function cli(args: string[], pipe: boolean): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', PCAPSCOPE_FLOW_PIPE: pipe ? '1' : '0' };
    delete env.PCAPSCOPE_THREADS;
    execFile(process.execPath, [path.join(repoRoot, 'bin/pcapscope.js'), ...args], { env, maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
      if (err && code === -1) reject(err);
      else resolve({ status: code, stdout, stderr });
    });
  });
}

describe('flows with the conversation table in a worker', () => {
  const FORMS = [['flows'], ['flows', '-T', 'json'], ['flows', '--detail']];

  for (const file of sampleCaptures()) {
    it(`prints what one thread prints: ${path.basename(file)}`, async () => {
      for (const args of FORMS) {
        const [one, piped] = await Promise.all([cli([...args, file], false), cli([...args, file], true)]);
        expect(piped, args.join(' ')).toEqual(one);
      }
    });
  }

  it('a damaged capture: the same rows, the same warning, exit 2', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pcapscope-')), 'cut.pcap');
    writeFileSync(file, readFileSync(path.join(samplesDir, 'lossy-bulk.pcap')).subarray(0, 5000));
    for (const args of FORMS) {
      const [one, piped] = await Promise.all([cli([...args, file], false), cli([...args, file], true)]);
      expect(one.status).toBe(2);
      expect(piped, args.join(' ')).toEqual(one);
    }
  });

  if (!haveShared) it('public corpus', () => skipNote('../shared/corpus/public is absent: the table worker checked on samples only'));
  for (const file of haveShared ? corpusCaptures() : []) {
    it(`corpus ${path.basename(file)}`, async () => {
      const args = ['flows', '-T', 'json', file];
      const [one, piped] = await Promise.all([cli(args, false), cli(args, true)]);
      expect(piped).toEqual(one);
    });
  }
});
