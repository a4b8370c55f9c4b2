/**
 * Every public corpus capture: frame counts and every frame's epoch equal tshark's, damaged
 * files give tshark's frames plus the right error kind, chunk sizes do not matter, the sync API
 * and random access agree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameEpoch } from '../../src/capture/time.js';
import { FrameReader, readFrameAt } from '../../src/capture/source.js';
import {
  CORPUS,
  HAS_CORPUS,
  collect,
  collectBytes,
  collectSync,
  corpusPath,
  diffFrames,
  loadManifest,
  sampleFiles,
  tsharkEpochs,
  tsharkErrorKind,
} from './helpers.js';

if (!HAS_CORPUS) {
  // The only notice for all corpus-based capture tests (the other files skip silently).
  console.log(`capture corpus tests skipped: ${CORPUS} is absent (../shared not checked out next to the repo)`);
}

const rows = HAS_CORPUS ? loadManifest() : [];

describe.skipIf(!HAS_CORPUS)('corpus: frames and timestamps match tshark', () => {
  it('manifest lists 80 captures', () => {
    expect(rows.length).toBe(80);
  });

  for (const row of rows) {
    it(row.file, async () => {
      const { frames, result } = await collect(corpusPath(row.file));
      // capinfos' count = tshark frames minus pcapng custom blocks (which we do not deliver)
      expect(frames.length).toBe(row.packets);
      expect(result.framesRead).toBe(row.packets);
      const epochs = tsharkEpochs(row.file);
      expect(epochs.length).toBe(frames.length);
      const ours = frames.map((f) => frameEpoch(f));
      if (frames.length > 0) {
        expect(ours[0]).toBe(epochs[0]);
        expect(ours[ours.length - 1]).toBe(epochs[epochs.length - 1]);
      }
      // in fact every frame, not only the first and last
      expect(ours).toEqual(epochs);
      // numbering and offsets are sane
      frames.forEach((f, i) => {
        expect(f.number).toBe(i + 1);
        expect(f.data.length).toBe(f.capLen);
      });

      const kind = tsharkErrorKind(row.file);
      if (kind === undefined) {
        expect(result.error, result.error?.message).toBeUndefined();
        if (row.packets > 0) expect(result.info).not.toBeNull();
      } else {
        expect(result.error?.kind).toBe(kind);
        expect(result.error?.message).toContain(row.file);
        expect(result.error?.message).not.toMatch(/\n\s+at /); // no stack trace
      }
    });
  }
});

describe.skipIf(!HAS_CORPUS)('corpus: damaged files', () => {
  const expectations: [string, string, number, RegExp][] = [
    ['dpkt__truncated_dns_2.pcap', 'truncated', 1, /frame 2 at byte offset 240 is cut short/],
    ['suricata-verify__http-mime-truncated_input.pcap', 'truncated', 2696, /frame 2697 at byte offset \d+ is cut short/],
    ['suricata-verify__tls_DER-incomplete-header.pcap', 'corrupt', 6, /frame 7 at byte offset \d+ .*4325376/],
    ['gopacket__le-test901.pcapng', 'corrupt', 1, /version 2\.0/],
    ['node-pcap-parser__malformed.pcap', 'not_capture', 0, /is not a pcap or pcapng file \(it starts with 74 68 69 73\)/],
  ];
  for (const [file, kind, n, re] of expectations) {
    it(`${file}: ${n} frames then ${kind}`, async () => {
      const { frames, result } = await collect(corpusPath(file));
      expect(frames.length).toBe(n);
      expect(result.error?.kind).toBe(kind);
      expect(result.error?.message).toMatch(re);
      if (kind !== 'not_capture') {
        expect(result.error?.frameNumber).toBe(n + 1);
        expect(typeof result.error?.offset).toBe('number');
      }
    });
  }

  it('empty captures (header only) have 0 frames and no error', async () => {
    for (const f of ['tcpdump__empty.pcap', 'tcpdump__empty.pcapng']) {
      const { frames, result } = await collect(corpusPath(f));
      expect(frames.length).toBe(0);
      expect(result.error).toBeUndefined();
      expect(result.info).not.toBeNull();
    }
  });
});

describe.skipIf(!HAS_CORPUS)('corpus: capture info', () => {
  it('formats, byte order, link types, precision', async () => {
    const info = async (f: string) => (await collect(corpusPath(f))).result.info!;
    expect(await info('node-pcap-parser__be.pcap')).toMatchObject({ format: 'pcap', bigEndian: true, nanosecond: false, linkType: 1 });
    expect(await info('zeek__get-to-ssh-server.pcap')).toMatchObject({ format: 'pcap', nanosecond: true });
    expect(await info('zeek__linux_dlt_sll2.pcap')).toMatchObject({ linkType: 276 });
    expect(await info('suricata-verify__tcp-opt.pcap')).toMatchObject({ linkType: 101 });
    expect(await info('tcpdump__LINKTYPE_IPV4.pcap')).toMatchObject({ linkType: 228 });
    expect(await info('scapy__http_head.pcapng.gz')).toMatchObject({ format: 'pcapng', gzip: true });
    const be = await info('gopacket__be-test202.pcapng');
    expect(be.format).toBe('pcapng');
    expect(be.bigEndian).toBe(true);
    // interfaces of all sections, in order
    expect(be.interfaces.length).toBeGreaterThanOrEqual(5);
    expect(be.interfaces[0]).toMatchObject({ linkType: 1, name: 'eth0', snaplen: 96, tsUnitsPerSec: 1e6 });
    expect(be.interfaces[1]).toMatchObject({ linkType: 0, name: 'null1' });
  });

  it('multi-section pcapng: frames carry the global interface index and its link type', async () => {
    const { frames, result } = await collect(corpusPath('gopacket__be-test202.pcapng'));
    const ifs = result.info!.interfaces;
    for (const f of frames) {
      expect(ifs[f.interfaceId]).toBeDefined();
      expect(f.linkType).toBe(ifs[f.interfaceId]!.linkType);
      if (ifs[f.interfaceId]!.snaplen) expect(f.capLen).toBeLessThanOrEqual(ifs[f.interfaceId]!.snaplen);
    }
    // section 2 uses its own interface list: its 128-byte snaplen interface
    expect(frames.some((f) => f.capLen === 128)).toBe(true);
  });

  it('simple packet blocks have no timestamp', async () => {
    const { frames } = await collect(corpusPath('gopacket__le-test010.pcapng'));
    expect(frames.length).toBe(4);
    expect(frames.every((f) => !f.hasTime && frameEpoch(f) === '')).toBe(true);
    expect(frames.map((f) => f.origLen)).toEqual([314, 342, 314, 342]);
  });
});

const plainCorpus = rows.filter((r) => !r.file.endsWith('.gz'));

describe.skipIf(!HAS_CORPUS)('corpus: chunk boundaries, sync API, random access', () => {
  for (const row of plainCorpus) {
    it(row.file, async () => {
      const file = corpusPath(row.file);
      const size = fs.statSync(file).size;
      const ref = await collect(file);
      // 1-byte reads cost a syscall each: through the file for small captures, in memory for all
      const sizes = size <= 256 * 1024 ? [1, 7, 64, 4 * 1024 * 1024] : [7, 64, 4 * 1024 * 1024];
      for (const chunkSize of sizes) {
        const got = await collect(file, { chunkSize });
        expect(diffFrames(got.frames, ref.frames), `chunkSize ${chunkSize}`).toBeNull();
        expect(got.result.error?.message).toBe(ref.result.error?.message);
      }
      const bytes = fs.readFileSync(file);
      const byteByByte = collectBytes(bytes, 1, file);
      expect(diffFrames(byteByByte.frames, ref.frames), 'pushed 1 byte at a time').toBeNull();
      expect(byteByByte.result.error?.message).toBe(ref.result.error?.message);
      const sync = collectSync(file, { chunkSize: 13 });
      expect(diffFrames(sync.frames, ref.frames)).toBeNull();
      expect(sync.result.error?.kind).toBe(ref.result.error?.kind);

      if (ref.frames.length > 0) {
        const r = new FrameReader(file);
        try {
          for (const f of ref.frames) expect(Buffer.from(r.read(f.fileOffset, f.capLen)).equals(f.data)).toBe(true);
        } finally {
          r.close();
        }
        const last = ref.frames[ref.frames.length - 1]!;
        expect(Buffer.from(readFrameAt(file, last.fileOffset, last.capLen)).equals(last.data)).toBe(true);
      }
    });
  }
});

describe('samples directory (if present)', () => {
  const files = sampleFiles(/\.(pcap|pcapng)(\.gz)?$/);
  it.skipIf(files.length === 0)('every sample reads without error, independent of chunk size', async () => {
    for (const file of files) {
      const ref = await collect(file);
      expect(ref.result.error, `${path.basename(file)}: ${ref.result.error?.message}`).toBeUndefined();
      if (!file.endsWith('.gz')) {
        const small = await collect(file, { chunkSize: 61 });
        expect(diffFrames(small.frames, ref.frames), path.basename(file)).toBeNull();
      }
    }
  });
});
