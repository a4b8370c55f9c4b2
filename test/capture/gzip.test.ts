/** gzip-compressed captures decode to the same frames as their gunzipped bytes. */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCaptureSync } from '../../src/capture/index.js';
import { HAS_CORPUS, NgWriter, collect, corpusPath, diffFrames, loadManifest, packet, pcapFile, tmpFile } from './helpers.js';

const gzRows = HAS_CORPUS ? loadManifest().filter((r) => r.file.endsWith('.gz')) : [];

describe.skipIf(!HAS_CORPUS)('corpus .gz files', () => {
  it('there are some', () => expect(gzRows.length).toBeGreaterThanOrEqual(3));
  for (const row of gzRows) {
    it(row.file, async () => {
      const gz = corpusPath(row.file);
      const plain = tmpFile(row.file.replace(/\.gz$/, ''), zlib.gunzipSync(fs.readFileSync(gz)));
      const ref = await collect(plain);
      expect(ref.result.error).toBeUndefined();
      expect(ref.frames.length).toBe(row.packets);
      for (const chunkSize of [undefined, 64, 1000]) {
        const got = await collect(gz, chunkSize ? { chunkSize } : undefined);
        expect(got.result.error, got.result.error?.message).toBeUndefined();
        expect(got.result.info?.gzip).toBe(true);
        expect(diffFrames(got.frames, ref.frames), `chunkSize ${chunkSize}`).toBeNull();
      }
    });
  }
});

describe('gzip edge cases', () => {
  const w = new NgWriter();
  const ng = Buffer.concat([w.shb(), w.idb(), ...Array.from({ length: 20 }, (_, i) => w.epb(0, BigInt(i), packet(100 + i, i)))]);
  const pcap = pcapFile(Array.from({ length: 20 }, (_, i) => ({ sec: i, frac: 0, data: packet(200, i) })));

  it('pcapng.gz and pcap.gz', async () => {
    for (const [name, bytes] of [['a.pcapng', ng], ['b.pcap', pcap]] as const) {
      const ref = await collect(tmpFile(name, bytes));
      const got = await collect(tmpFile(`${name}.gz`, zlib.gzipSync(bytes)), { chunkSize: 100 });
      expect(diffFrames(got.frames, ref.frames)).toBeNull();
      expect(got.result.error).toBeUndefined();
    }
  });

  it('concatenated gzip members', async () => {
    const half = 24 + 216 * 7 + 100;
    const gz = Buffer.concat([zlib.gzipSync(pcap.subarray(0, half)), zlib.gzipSync(pcap.subarray(half))]);
    const got = await collect(tmpFile('multi.pcap.gz', gz));
    expect(got.frames.length).toBe(20);
    expect(got.result.error).toBeUndefined();
  });

  it('cut-short gzip: frames so far, then truncated', async () => {
    const gz = zlib.gzipSync(pcap, { level: 1 });
    const got = await collect(tmpFile('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(got.frames.length).toBeGreaterThan(0);
    expect(got.frames.length).toBeLessThan(20);
    expect(got.result.error?.kind).toBe('truncated');
  });

  it('gzip cut inside its own header: truncated', async () => {
    const got = await collect(tmpFile('hdrcut.pcap.gz', zlib.gzipSync(pcap).subarray(0, 6)));
    expect(got.frames).toEqual([]);
    expect(got.result.error?.kind).toBe('truncated');
    expect(got.result.error?.message).toMatch(/gzip-compressed data is cut short/);
  });

  it('damaged gzip: corrupt, no exception', async () => {
    const gz = Buffer.from(zlib.gzipSync(pcap, { level: 1 }));
    for (let i = 400; i < 600; i++) gz[i] = gz[i]! ^ 0x5a;
    const got = await collect(tmpFile('bad.pcap.gz', gz));
    expect(got.frames.length).toBeLessThan(20);
    expect(['corrupt', 'truncated']).toContain(got.result.error?.kind);
  });

  it('gzip of something else, of nothing', async () => {
    const a = await collect(tmpFile('html.gz', zlib.gzipSync(Buffer.from('<html>hello</html>'))));
    expect(a.result.error?.kind).toBe('not_capture');
    expect(a.result.error?.message).toMatch(/its decompressed data starts with 3c 68 74 6d/);
    const b = await collect(tmpFile('empty.gz', zlib.gzipSync(Buffer.alloc(0))));
    expect(b.result.error?.kind).toBe('not_capture');
    expect(b.result.error?.message).toMatch(/is empty \(after gzip decompression\)/);
  });

  it('readCaptureSync refuses gzip clearly', () => {
    const r = readCaptureSync(tmpFile('s.pcap.gz', zlib.gzipSync(pcap)), () => {});
    expect(r.error?.kind).toBe('io');
    expect(r.error?.message).toMatch(/gzip-compressed.*use readCapture/);
  });
});
