/** Shared helpers for the capture tests: corpus access, frame collection, file builders. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { readCapture, readCaptureSync, CaptureStream, type ReadOptions } from '../../src/capture/index.js';
import type { Frame, ReadResult } from '../../src/capture/types.js';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const SHARED = path.resolve(REPO_ROOT, '../shared');
export const CORPUS = path.join(SHARED, 'corpus', 'public');
export const HAS_CORPUS = fs.existsSync(path.join(CORPUS, 'MANIFEST.tsv'));
export const SAMPLES = path.join(REPO_ROOT, 'samples');

/** A frame copied out of the reader (data copied so it can be kept and compared). */
export interface FrameRec {
  number: number;
  tsSec: number;
  tsNsec: number;
  hasTime: boolean;
  capLen: number;
  origLen: number;
  linkType: number;
  interfaceId: number;
  fileOffset: number;
  data: Buffer;
}

export function rec(f: Frame): FrameRec {
  return {
    number: f.number,
    tsSec: f.tsSec,
    tsNsec: f.tsNsec,
    hasTime: f.hasTime,
    capLen: f.capLen,
    origLen: f.origLen,
    linkType: f.linkType,
    interfaceId: f.interfaceId,
    fileOffset: f.fileOffset,
    data: Buffer.from(f.data),
  };
}

export interface Collected {
  frames: FrameRec[];
  result: ReadResult;
}

export async function collect(file: string, opts?: ReadOptions): Promise<Collected> {
  const frames: FrameRec[] = [];
  const result = await readCapture(file, (f) => {
    frames.push(rec(f));
  }, opts);
  return { frames, result };
}

export function collectSync(file: string, opts?: ReadOptions): Collected {
  const frames: FrameRec[] = [];
  const result = readCaptureSync(file, (f) => {
    frames.push(rec(f));
  }, opts);
  return { frames, result };
}

/** Parse bytes held in memory, pushed in pieces of `piece` bytes. */
export function collectBytes(bytes: Uint8Array, piece = bytes.length || 1, name = 'mem'): Collected {
  const frames: FrameRec[] = [];
  const cs = new CaptureStream(name, (f) => {
    frames.push(rec(f));
  });
  for (let i = 0; i < bytes.length; i += piece) {
    if (!cs.push(bytes.subarray(i, Math.min(bytes.length, i + piece)))) break;
  }
  cs.end();
  return { frames, result: cs.result() };
}

let tmpRoot: string | null = null;
export function tmpDir(): string {
  if (!tmpRoot) tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapscope-capture-'));
  return tmpRoot;
}
afterAll(() => {
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = null;
});
export function tmpFile(name: string, bytes: Uint8Array): string {
  const p = path.join(tmpDir(), name);
  fs.writeFileSync(p, bytes);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Corpus

export interface ManifestRow {
  file: string;
  format: string;
  byteOrder: string;
  /** capinfos' packet count (custom blocks not counted); 0 for the non-capture. */
  packets: number;
  tsharkFrames: number;
  fields: Record<string, string>;
}

export function loadManifest(): ManifestRow[] {
  const lines = fs
    .readFileSync(path.join(CORPUS, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const head = lines[0]!.split('\t');
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    const fields: Record<string, string> = {};
    head.forEach((h, i) => (fields[h] = c[i] ?? ''));
    return {
      file: fields.file!,
      format: fields.format!,
      byteOrder: fields.byte_order!,
      packets: parseInt(fields.packets!, 10) || 0,
      tsharkFrames: parseInt(fields.tshark_frames!, 10) || 0,
      fields,
    };
  });
}

/** tshark's frame.time_epoch for each packet (custom-block rows, protocol PCAPNG, left out). */
export function tsharkEpochs(file: string): string[] {
  const p = path.join(CORPUS, 'tshark', `${file}.tsv`);
  const lines = fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const head = lines[0]!.split('\t');
  const ei = head.indexOf('frame.time_epoch');
  const pi = head.indexOf('_ws.col.Protocol');
  return lines
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => c[pi] !== 'PCAPNG')
    .map((c) => c[ei] ?? '');
}

/** The reader error tshark reported for a corpus file, mapped to our kinds; undefined if none. */
export function tsharkErrorKind(file: string): 'truncated' | 'corrupt' | 'not_capture' | undefined {
  const p = path.join(CORPUS, 'tshark', `${file}.stderr.txt`);
  if (!fs.existsSync(p)) return undefined;
  const t = fs.readFileSync(p, 'utf8');
  if (/cut short/.test(t)) return 'truncated';
  if (/isn't a capture file/.test(t)) return 'not_capture';
  if (/damaged or corrupt|doesn't support/.test(t)) return 'corrupt';
  return 'corrupt';
}

export function corpusPath(file: string): string {
  return path.join(CORPUS, file);
}

export function sampleFiles(ext: RegExp): string[] {
  if (!fs.existsSync(SAMPLES)) return [];
  return fs
    .readdirSync(SAMPLES)
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => path.join(SAMPLES, f));
}

// ---------------------------------------------------------------------------------------------
// Builders

export interface PcapRecord {
  sec: number;
  frac: number;
  data: Uint8Array;
  origLen?: number;
  /** Override the caplen field (data is written as given). */
  capLenField?: number;
}

export function pcapHeader(o: { magic?: number; be?: boolean; major?: number; minor?: number; snaplen?: number; linkType?: number } = {}): Buffer {
  const b = Buffer.alloc(24);
  const be = o.be ?? false;
  const w32 = (v: number, at: number) => (be ? b.writeUInt32BE(v >>> 0, at) : b.writeUInt32LE(v >>> 0, at));
  const w16 = (v: number, at: number) => (be ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  w32(o.magic ?? 0xa1b2c3d4, 0);
  w16(o.major ?? 2, 4);
  w16(o.minor ?? 4, 6);
  w32(0, 8);
  w32(0, 12);
  w32(o.snaplen ?? 65535, 16);
  w32(o.linkType ?? 1, 20);
  return b;
}

export function pcapRecord(r: PcapRecord, be = false): Buffer {
  const h = Buffer.alloc(16);
  const w32 = (v: number, at: number) => (be ? h.writeUInt32BE(v >>> 0, at) : h.writeUInt32LE(v >>> 0, at));
  w32(r.sec, 0);
  w32(r.frac, 4);
  w32(r.capLenField ?? r.data.length, 8);
  w32(r.origLen ?? r.data.length, 12);
  return Buffer.concat([h, Buffer.from(r.data)]);
}

export function pcapFile(
  records: PcapRecord[],
  o: { magic?: number; be?: boolean; snaplen?: number; linkType?: number; major?: number } = {},
): Buffer {
  return Buffer.concat([pcapHeader(o), ...records.map((r) => pcapRecord(r, o.be ?? false))]);
}

function pad4(b: Uint8Array): Buffer {
  const p = (4 - (b.length % 4)) % 4;
  return Buffer.concat([Buffer.from(b), Buffer.alloc(p)]);
}

export class NgWriter {
  constructor(readonly be = false) {}
  u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    this.be ? b.writeUInt16BE(v) : b.writeUInt16LE(v);
    return b;
  }
  u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    this.be ? b.writeUInt32BE(v >>> 0) : b.writeUInt32LE(v >>> 0);
    return b;
  }
  i64(v: bigint): Buffer {
    const b = Buffer.alloc(8);
    this.be ? b.writeBigInt64BE(v) : b.writeBigInt64LE(v);
    return b;
  }
  /** A block: type, total length, body, trailing length (overridable for damage). */
  block(type: number, body: Uint8Array, o: { lenField?: number; trailer?: number } = {}): Buffer {
    const len = 12 + body.length;
    return Buffer.concat([this.u32(type), this.u32(o.lenField ?? len), Buffer.from(body), this.u32(o.trailer ?? len)]);
  }
  opt(code: number, value: Uint8Array): Buffer {
    return Buffer.concat([this.u16(code), this.u16(value.length), pad4(value)]);
  }
  endOpt(): Buffer {
    return Buffer.concat([this.u16(0), this.u16(0)]);
  }
  shb(o: { major?: number; minor?: number } = {}): Buffer {
    const body = Buffer.concat([this.u32(0x1a2b3c4d), this.u16(o.major ?? 1), this.u16(o.minor ?? 0), this.i64(-1n)]);
    return this.block(0x0a0d0d0a, body);
  }
  idb(o: { linkType?: number; snaplen?: number; tsresol?: number; tsoffset?: bigint; name?: string } = {}): Buffer {
    const opts: Buffer[] = [];
    if (o.name !== undefined) opts.push(this.opt(2, Buffer.from(o.name, 'utf8')));
    if (o.tsresol !== undefined) opts.push(this.opt(9, Buffer.from([o.tsresol])));
    if (o.tsoffset !== undefined) opts.push(this.opt(14, this.i64(o.tsoffset)));
    if (opts.length) opts.push(this.endOpt());
    const body = Buffer.concat([this.u16(o.linkType ?? 1), this.u16(0), this.u32(o.snaplen ?? 0), ...opts]);
    return this.block(1, body);
  }
  epb(ifId: number, ts: bigint, data: Uint8Array, o: { origLen?: number; options?: Buffer } = {}): Buffer {
    const body = Buffer.concat([
      this.u32(ifId),
      this.u32(Number(ts >> 32n)),
      this.u32(Number(ts & 0xffffffffn)),
      this.u32(data.length),
      this.u32(o.origLen ?? data.length),
      pad4(data),
      o.options ?? Buffer.alloc(0),
    ]);
    return this.block(6, body);
  }
  spb(data: Uint8Array, origLen = data.length): Buffer {
    return this.block(3, Buffer.concat([this.u32(origLen), pad4(data)]));
  }
  pb(ifId: number, ts: bigint, data: Uint8Array): Buffer {
    const body = Buffer.concat([
      this.u16(ifId),
      this.u16(0),
      this.u32(Number(ts >> 32n)),
      this.u32(Number(ts & 0xffffffffn)),
      this.u32(data.length),
      this.u32(data.length),
      pad4(data),
    ]);
    return this.block(2, body);
  }
}

/** Deterministic packet bytes. */
export function packet(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** Compare two frame lists field by field; returns a description of the first difference or null. */
export function diffFrames(a: FrameRec[], b: FrameRec[], withOffsets = true): string | null {
  if (a.length !== b.length) return `frame count ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (const k of ['number', 'tsSec', 'tsNsec', 'hasTime', 'capLen', 'origLen', 'linkType', 'interfaceId'] as const) {
      if (x[k] !== y[k]) return `frame ${i + 1}: ${k} ${String(x[k])} != ${String(y[k])}`;
    }
    if (withOffsets && x.fileOffset !== y.fileOffset) return `frame ${i + 1}: fileOffset ${x.fileOffset} != ${y.fileOffset}`;
    if (!x.data.equals(y.data)) return `frame ${i + 1}: data differs`;
  }
  return null;
}
