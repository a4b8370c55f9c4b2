import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowReader, newFlowInput, tcpFlowInput, type FlowInput } from '../../src/analysis/conversations.js';
import { transportTcpAnalyzer } from '../../src/analysis/index.js';
import type { TcpIpRef } from '../../src/analysis/tcp/index.js';
import { Registry, Session } from '../../src/decoders/core/registry.js';
import { newTcpLayer, type TcpLayer, type TcpPacketAnalysis } from '../../src/decoders/tcp.js';
import { decodeCapture } from '../../src/engine/decode.js';
import { FlowPipeError, FlowPipeReader, FlowPipeWriter, newFlowPipe, type PipedTcpHeader } from '../../src/engine/flow-pipe.js';
import { PipeFeed, PipeUndecided } from '../../src/engine/flow-pipe-feed.js';
import { corpusCaptures, fixtureCaptures, haveShared, repoRoot, sampleCaptures, samplesDir, skipNote } from '../helpers/paths.js';

const captures = (): string[] => [...sampleCaptures(), ...(haveShared ? [...fixtureCaptures(), ...corpusCaptures()] : [])];
if (!haveShared) skipNote('../shared is absent: the flow pipe checked on samples only');

/** A FlowInput as plain data (the reader and the pipe refill one object). */
function inputData(x: FlowInput): unknown {
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
    segment: x.kind === 1 && x.hasSegment ? { ...x.segment, options: x.segment.options ? { ...x.segment.options } : undefined } : null,
  };
}

/** What the pipe promises to carry of a TCP header (PipedTcpHeader), as plain data. */
function headerData(frame: PipedTcpHeader['frame'], ip: TcpIpRef | undefined, t: TcpLayer, end: { complete: boolean; counted: boolean; last: boolean; captured: number }): unknown {
  const v6 = ip?.proto === 'ipv6' && ip.src instanceof Uint8Array;
  return {
    frame: { number: frame.number, origLen: frame.origLen, hasTime: frame.hasTime, tsSec: frame.tsSec, tsNsec: frame.tsNsec },
    ip: v6 ? { v6: Array.from(ip.src as Uint8Array), dst: Array.from(ip.dst as Uint8Array) } : typeof ip?.src === 'number' ? { v4: ip.src >>> 0, dst: typeof ip.dst === 'number' ? ip.dst >>> 0 : 0 } : null,
    quoted: t.errorDepth !== 0,
    fail: t.fail,
    ports: [t.srcPort, t.dstPort],
    seq: t.seq >>> 0,
    ack: t.ack >>> 0,
    hdrLen: t.hdrLen,
    flags: t.flags,
    window: t.window,
    seglen: t.seglen,
    mss: t.mss,
    wscale: t.wscale,
    sackPerm: t.sackPerm,
    tfoCookie: t.tfoCookie,
    accEcnOption: !!t.accEcnOption,
    ts: t.tsval !== undefined,
    sack: t.flags & 0x02 && t.sack ? [...t.sack] : undefined,
    sackBif: t.sackBif ? [...t.sackBif] : undefined,
    complete: end.complete,
    counted: end.counted,
    last: end.last,
    captured: end.captured,
  };
}

interface Piped {
  /** What the feed wrote, and what the reader read, record by record. */
  written: unknown[];
  read: unknown[];
}

/** Decodes `file` into a pipe in one thread (the reader takes each frame's records before the
 * next frame: the ring never fills), recording both ends. */
async function pipeThrough(file: string, onTcp?: (h: PipedTcpHeader) => void, onInput?: (x: FlowInput) => void): Promise<Piped> {
  const sab = newFlowPipe();
  const writer = new FlowPipeWriter(sab);
  const written: unknown[] = [];
  const spy = {
    write: (x: FlowInput) => (written.push(inputData(x)), writer.write(x)),
    writeTcp: (...a: Parameters<FlowPipeWriter['writeTcp']>) => {
      const [f, ip, t, complete, counted, last, captured, sack] = a;
      written.push(headerData(f, ip, { ...t, sack }, { complete, counted, last, captured }));
      writer.writeTcp(...a);
    },
  };
  const feed = new PipeFeed(spy as unknown as FlowPipeWriter);
  const reader = new FlowPipeReader(sab, newFlowInput(), newTcpLayer(0, 0, 0, 0));
  const read: unknown[] = [];
  const input = (x: FlowInput) => {
    read.push(inputData(x));
    onInput?.(x);
  };
  const tcp = (h: PipedTcpHeader) => {
    read.push(headerData(h.frame, h.ip, h.layer, h));
    onTcp?.(h);
  };
  await decodeCapture(file, { columns: false, tree: 'none', transportOnly: true, recycle: true }, (d) => {
    feed.read(d.packet);
    reader.poll(input, tcp);
  }, feed.session);
  writer.close();
  expect(reader.poll(input, tcp)).toBe(true);
  return { written, read };
}

describe('flow pipe records', () => {
  it('carry every TCP header and UDP layer of every capture as the analysis and the table read them', async () => {
    let headers = 0;
    let v6 = 0;
    let sack = 0;
    for (const file of captures()) {
      const piped = await pipeThrough(file).catch(undecided);
      if (!piped) continue;
      const { written, read } = piped;
      expect(read, path.basename(file)).toEqual(written);
      const tcp = written.filter((r) => (r as { seq?: number }).seq !== undefined) as { ip: { v6?: unknown } | null; sackBif?: unknown }[];
      headers += tcp.length;
      v6 += tcp.filter((r) => r.ip?.v6).length;
      sack += tcp.filter((r) => r.sackBif).length;
    }
    expect(headers).toBeGreaterThan(1000);
    expect(v6).toBeGreaterThan(0);
    expect(sack).toBeGreaterThan(0);
  });

  it('carry 32-bit extremes, wide capture times, IPv6 addresses and SACK edges', () => {
    const sab = newFlowPipe();
    const w = new FlowPipeWriter(sab);
    const t = newTcpLayer(0, 0, 65535, 0);
    Object.assign(t, { seq: 2 ** 32 - 1, ack: 2 ** 31, hdrLen: 60, flags: 0xfff, window: 65535, seglen: 65495, mss: 65535, wscale: 14, sackPerm: true, tfoCookie: true, accEcnOption: true, tsval: 1 });
    t.sackBif = [2 ** 32 - 1, 0, 1, 2 ** 31, 5, 6];
    const frame = { number: 2 ** 32 - 1, origLen: 2 ** 32 - 1, hasTime: true, tsSec: 2 ** 40 + 0.5, tsNsec: 999_999_999.25 };
    const ip6 = { proto: 'ipv6', src: Uint8Array.from({ length: 16 }, (_, i) => 255 - i), dst: Uint8Array.from({ length: 16 }, (_, i) => i * 16) };
    const sackEdges = [2 ** 32 - 1, 0, 1, 2 ** 31, 5, 6, 7, 8];
    w.writeTcp(frame, ip6, t, true, true, true, 1460, sackEdges);
    const u = newFlowInput();
    Object.assign(u, { kind: 2, last: false, frame: 1, origLen: 60, hasTime: false, tsSec: 0, tsNsec: 0, stream: 2 ** 31 - 1, srcPort: 53, dstPort: 40000, family: 4, src4: 2 ** 32 - 1, dst4: 0 });
    w.write(u);
    const quoted = newTcpLayer(0, 0, 1, 2);
    Object.assign(quoted, { errorDepth: 2, fail: 2, seq: 7, seglen: -1 });
    w.writeTcp({ number: 3, origLen: 70, hasTime: true, tsSec: 1, tsNsec: 2 }, undefined, quoted, false, false, false, 0, undefined);
    w.close();
    const got: unknown[] = [];
    new FlowPipeReader(sab, newFlowInput(), newTcpLayer(0, 0, 0, 0)).drain(
      (x) => got.push(inputData(x)),
      (h) => got.push(headerData(h.frame, h.ip, h.layer, h)),
    );
    expect(got).toEqual([
      headerData(frame, ip6, { ...t, sack: sackEdges }, { complete: true, counted: true, last: true, captured: 1460 }),
      inputData(u),
      headerData({ number: 3, origLen: 70, hasTime: true, tsSec: 1, tsNsec: 2 }, undefined, quoted, { complete: false, counted: false, last: false, captured: 0 }),
    ]);
  });

  it('stop the writer with an error when the table failed, instead of waiting for room', () => {
    const sab = newFlowPipe();
    const w = new FlowPipeWriter(sab);
    new FlowPipeReader(sab, newFlowInput(), newTcpLayer(0, 0, 0, 0)).fail();
    const x = newFlowInput();
    expect(() => {
      for (let i = 0; i < 1 << 20; i++) w.write(x);
    }).toThrow(FlowPipeError);
  });
});

/** A packet's analysis as plain data. */
const analysisData = (frame: number, quoted: boolean, a: TcpPacketAnalysis): unknown => ({ frame, quoted, ...a });

describe('the TCP analysis at the end of a flow pipe', () => {
  it('equals the analysis in the decoding, header for header, and gives the table the same inputs', async () => {
    let n = 0;
    const skipped: string[] = [];
    for (const file of captures()) {
      // one thread: the analyser in the decoding, the table's inputs read off the packets
      const expected: unknown[] = [];
      const inputs: unknown[] = [];
      const reader = new FlowReader();
      await decodeCapture(file, { columns: false, tree: 'none', transportOnly: true }, (d) => {
        for (const l of d.packet.layers) {
          const a = (l as TcpLayer).analysis;
          if (l.proto === 'tcp' && a) expected.push(analysisData(d.packet.frame.number, l.errorDepth !== 0, a));
        }
        reader.read(d.packet, true, (x) => inputs.push(inputData(x)));
      });
      // the pipe: the same analyser at the far end, fed the piped headers
      const tcp = transportTcpAnalyzer(new Session(new Registry()));
      const x = newFlowInput();
      const got: unknown[] = [];
      const gotInputs: unknown[] = [];
      const piped = await pipeThrough(
        file,
        (h) => {
          got.push(analysisData(h.frame.number, h.layer.errorDepth !== 0, tcp.analyzeHeader(h.frame, h.ip, h.layer, h.complete)));
          if (h.counted) gotInputs.push(inputData(tcpFlowInput(x, h.frame, h.ip, h.layer, h.captured, h.last)));
        },
        (u) => gotInputs.push(inputData(u)),
      ).catch(undecided);
      if (!piped) {
        skipped.push(path.basename(file));
        continue;
      }
      expect(got, path.basename(file)).toEqual(expected);
      expect(gotInputs, path.basename(file)).toEqual(inputs);
      n += expected.length;
    }
    expect(n).toBeGreaterThan(1000);
    // the one public capture with an empty SACK option (a one-thread run: see below)
    expect(skipped).toEqual(haveShared ? ['suricata-verify__tcp-opt.pcap'] : []);
  });

  it('stops at a header the decoding thread cannot walk as the analyser would, and flows decodes again in one thread', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pcapscope-')), 'empty-sack.pcap');
    writeFileSync(file, emptySackCapture());
    await expect(pipeThrough(file)).rejects.toThrow(PipeUndecided);
    await expect(pipeThrough(file)).rejects.toMatchObject({ frame: 3 });
    for (const args of [['flows', '-T', 'json'], ['flows']]) {
      const [one, piped] = await Promise.all([cli([...args, file], false), cli([...args, file], true, { PCAPSCOPE_DEBUG: '1' })]);
      expect(piped.stdout, args.join(' ')).toBe(one.stdout);
      expect(piped.stderr).toContain('pcapscope: flow pipe: frame 3: walking its TCP options needs the analysis (a SACK option without a block); decoding again in one thread');
    }
    // (the ACK's walk failed at the D-SACK test: tshark's conversation tap does not count it)
    const json = JSON.parse((await cli(['flows', '-T', 'json', file], false)).stdout) as { tcp: { aToB: { frames: number }; bToA: { frames: number } }[] };
    expect(json.tcp.map((r) => [r.aToB.frames, r.bToA.frames])).toEqual([[1, 1]]);
  });
});

/** PipeUndecided as null (the capture runs in one thread). */
function undecided(e: unknown): null {
  if (e instanceof PipeUndecided) return null;
  throw e;
}

/** A handshake whose ACK carries a SACK option without a block (kind 5, length 2). */
function emptySackCapture(): Uint8Array {
  const frame = (seq: number, ack: number, flags: number, fromA: boolean, options: number[]): number[] => {
    const tcpLen = 20 + options.length;
    const a = [10, 0, 0, 1];
    const b = [10, 0, 0, 2];
    const be16 = (v: number) => [v >> 8, v & 0xff];
    const be32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    return [
      ...[2, 0, 0, 0, 0, fromA ? 2 : 1, 2, 0, 0, 0, 0, fromA ? 1 : 2, 0x08, 0x00],
      ...[0x45, 0, ...be16(20 + tcpLen), 0, 1, 0x40, 0, 64, 6, 0, 0, ...(fromA ? a : b), ...(fromA ? b : a)],
      ...be16(fromA ? 40000 : 80), ...be16(fromA ? 80 : 40000), ...be32(seq), ...be32(ack),
      (tcpLen / 4) << 4, flags, ...be16(64240), 0, 0, 0, 0, ...options,
    ];
  };
  const frames = [frame(1000, 0, 0x02, true, []), frame(5000, 1001, 0x12, false, []), frame(1001, 5001, 0x10, true, [5, 2, 1, 1])];
  const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  const bytes = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, ...le32(0), ...le32(0), ...le32(65535), ...le32(1)];
  frames.forEach((f, i) => bytes.push(...le32(1_700_000_000), ...le32(i * 1000), ...le32(f.length), ...le32(f.length), ...f));
  return Uint8Array.from(bytes);
}

/** Runs the compiled CLI; `pipe` forces the worker on or off (whatever the file size). */
function cli(args: string[], pipe: boolean, env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const e: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', PCAPSCOPE_FLOW_PIPE: pipe ? '1' : '0', ...env };
    delete e.PCAPSCOPE_THREADS;
    execFile(process.execPath, [path.join(repoRoot, 'bin/pcapscope.js'), ...args], { env: e, maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
      if (err && code === -1) reject(err);
      else resolve({ status: code, stdout, stderr });
    });
  });
}

describe('flows with the TCP analysis and the table in a worker', () => {
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

  it('says where the time went when asked (PCAPSCOPE_DEBUG)', async () => {
    const file = path.join(samplesDir, 'lossy-bulk.pcap');
    const r = await cli(['flows', file], true, { PCAPSCOPE_DEBUG: '1' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^pcapscope: flow pipe: decoding waited for room \d+ times, \d+ ms, and ended at \d+ ms; the worker slept \d+ times/m);
  });

  if (!haveShared) it('public corpus', () => skipNote('../shared/corpus/public is absent: the worker checked on samples only'));
  for (const file of haveShared ? corpusCaptures() : []) {
    it(`corpus ${path.basename(file)}`, async () => {
      const args = ['flows', '-T', 'json', file];
      const [one, piped] = await Promise.all([cli(args, false), cli(args, true)]);
      expect(piped).toEqual(one);
    });
  }
});
