/**
 * pcap-parser (an independent npm implementation) as the reference for classic microsecond pcap:
 * identical timestamps, lengths and bytes for every frame.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { HAS_CORPUS, CORPUS, collect, loadManifest, sampleFiles, tsharkErrorKind } from './helpers.js';

const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser') as {
  parse(input: string | NodeJS.ReadableStream): NodeJS.EventEmitter;
};

interface RefPacket {
  sec: number;
  usec: number;
  capLen: number;
  origLen: number;
  data: Buffer;
}

function readWithPcapParser(file: string): Promise<RefPacket[]> {
  return new Promise((resolve, reject) => {
    const out: RefPacket[] = [];
    const p = pcapParser.parse(file);
    p.on('packet', (pk: { header: Record<string, number>; data: Buffer }) => {
      out.push({
        sec: pk.header.timestampSeconds!,
        usec: pk.header.timestampMicroseconds!,
        capLen: pk.header.capturedLength!,
        origLen: pk.header.originalLength!,
        data: Buffer.from(pk.data),
      });
    });
    p.on('error', (e: Error) => reject(e));
    p.on('end', () => resolve(out));
  });
}

/** Why pcap-parser cannot be the reference for this file, or null when it can. */
function skipReason(file: string, damaged: boolean): string | null {
  if (file.endsWith('.gz')) return 'gzip-compressed';
  if (file.endsWith('.pcapng')) return 'pcapng';
  if (damaged) return 'damaged';
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  const n = fs.readSync(fd, head, 0, 4, 0);
  fs.closeSync(fd);
  if (n < 4) return 'too short';
  const le = head.readUInt32LE(0);
  if (le === 0xa1b23c4d || le === 0x4d3cb2a1) return 'nanosecond pcap';
  if (le !== 0xa1b2c3d4 && le !== 0xd4c3b2a1) return 'not a classic pcap';
  return null;
}

const corpusFiles = HAS_CORPUS
  ? loadManifest().map((r) => ({ file: path.join(CORPUS, r.file), damaged: tsharkErrorKind(r.file) !== undefined }))
  : [];
const samples = sampleFiles(/\.pcap$/).map((file) => ({ file, damaged: false }));

async function compare(file: string): Promise<void> {
  const ref = await readWithPcapParser(file);
  const { frames, result } = await collect(file);
  expect(result.error).toBeUndefined();
  expect(frames.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const f = frames[i]!;
    expect(f.tsSec, `frame ${i + 1}`).toBe(r.sec);
    expect(f.tsNsec, `frame ${i + 1}`).toBe(r.usec * 1000);
    expect(f.capLen, `frame ${i + 1}`).toBe(r.capLen);
    expect(f.origLen, `frame ${i + 1}`).toBe(r.origLen);
    expect(f.data.equals(r.data), `frame ${i + 1} bytes`).toBe(true);
  }
}

describe.skipIf(!HAS_CORPUS)('pcap-parser reference: corpus', () => {
  for (const { file, damaged } of corpusFiles) {
    const reason = skipReason(file, damaged);
    const name = path.basename(file) + (reason ? ` (skipped: ${reason})` : '');
    it.skipIf(reason !== null)(name, () => compare(file));
  }
});

describe('pcap-parser reference: samples/', () => {
  if (samples.length === 0) it.skip('samples/ has no *.pcap files', () => {});
  for (const { file, damaged } of samples) {
    const reason = skipReason(file, damaged);
    const name = `samples/${path.basename(file)}` + (reason ? ` (skipped: ${reason})` : '');
    it.skipIf(reason !== null)(name, () => compare(file));
  }
});
