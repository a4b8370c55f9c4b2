/**
 * Hand-built captures: every kind of damage gives the frames before it and a CaptureError of the
 * right kind, delivered the same way whatever the chunking; format variants parse correctly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture, readCaptureSync, CaptureStream, readFrameAt } from '../../src/capture/index.js';
import type { Frame } from '../../src/capture/types.js';
import {
  NgWriter,
  collect,
  collectBytes,
  collectSync,
  diffFrames,
  packet,
  pcapFile,
  pcapHeader,
  pcapRecord,
  tmpDir,
  tmpFile,
  type Collected,
} from './helpers.js';

const P60 = packet(60, 1);
const P61 = packet(61, 2);
const P1500 = packet(1500, 3);

/** Parse in memory with several piece sizes and from a file; all must agree. Returns the file result. */
async function all(name: string, bytes: Buffer): Promise<Collected> {
  const file = tmpFile(name, bytes);
  const ref = await collect(file);
  for (const piece of [1, 3, 7, 13, 64, 1000]) {
    const m = collectBytes(bytes, piece, file);
    expect(diffFrames(m.frames, ref.frames), `piece ${piece}`).toBeNull();
    expect(m.result.error?.message, `piece ${piece}`).toBe(ref.result.error?.message);
  }
  for (const chunkSize of [1, 5, 64]) {
    const c = await collect(file, { chunkSize });
    expect(diffFrames(c.frames, ref.frames), `chunkSize ${chunkSize}`).toBeNull();
    expect(c.result.error?.message).toBe(ref.result.error?.message);
  }
  const s = collectSync(file);
  expect(diffFrames(s.frames, ref.frames)).toBeNull();
  expect(s.result.error?.message).toBe(ref.result.error?.message);
  return ref;
}

describe('not a capture', () => {
  it('wrong magic names the first 4 bytes', async () => {
    const { frames, result } = await all('html.pcap', Buffer.from('<html><body>hi</body></html>'));
    expect(frames).toEqual([]);
    expect(result.error?.kind).toBe('not_capture');
    expect(result.error?.message).toMatch(/html\.pcap is not a pcap or pcapng file \(it starts with 3c 68 74 6d\)$/);
    expect(result.info).toBeNull();
  });

  it('short file: fewer bytes in the message', async () => {
    const { result } = await all('short.bin', Buffer.from([0x01, 0x02, 0x03]));
    expect(result.error?.kind).toBe('not_capture');
    expect(result.error?.message).toMatch(/\(it starts with 01 02 03\)$/);
  });

  it('empty file', async () => {
    const { frames, result } = await all('empty.pcap', Buffer.alloc(0));
    expect(frames).toEqual([]);
    expect(result.error?.kind).toBe('not_capture');
    expect(result.error?.message).toMatch(/empty\.pcap is empty$/);
  });

  it('compressed formats we do not read get a hint', async () => {
    const { result } = await all('x.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    expect(result.error?.message).toMatch(/zstd/);
  });

  it('pcapng section header with a bad byte-order magic', async () => {
    const b = Buffer.concat([Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]), Buffer.from([28, 0, 0, 0, 0x44, 0x33, 0x22, 0x11]), Buffer.alloc(16)]);
    const { result } = await all('badbom.pcapng', b);
    expect(result.error?.kind).toBe('not_capture');
  });

  it('missing file, directory: io errors, no exception', async () => {
    const r1 = await readCapture(path.join(tmpDir(), 'does-not-exist.pcap'), () => {});
    expect(r1.error?.kind).toBe('io');
    expect(r1.error?.message).toMatch(/does-not-exist\.pcap: no such file/);
    const r2 = await readCapture(tmpDir(), () => {});
    expect(r2.error?.kind).toBe('io');
    const r3 = readCaptureSync(path.join(tmpDir(), 'nope.pcapng'), () => {});
    expect(r3.error?.kind).toBe('io');
  });
});

describe('classic pcap damage', () => {
  const recs = [0, 1, 2].map((i) => ({ sec: 1000 + i, frac: i, data: i === 1 ? P1500 : P60 }));
  const good = pcapFile(recs);

  it('header only: 0 frames, no error', async () => {
    const { frames, result } = await all('hdr.pcap', pcapHeader());
    expect(frames).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.info).toMatchObject({ format: 'pcap', linkType: 1, snaplen: 65535 });
  });

  it('file header cut short', async () => {
    const { result } = await all('hdr10.pcap', pcapHeader().subarray(0, 10));
    expect(result.error?.kind).toBe('truncated');
    expect(result.error?.message).toMatch(/header is cut short \(the file ends 10 bytes into the 24-byte header\)/);
  });

  it('stops exactly at a record boundary: fine', async () => {
    const { frames, result } = await all('good.pcap', good);
    expect(frames.length).toBe(3);
    expect(result.error).toBeUndefined();
    expect(frames.map((f) => f.fileOffset)).toEqual([40, 40 + 60 + 16, 40 + 60 + 16 + 1500 + 16]);
  });

  it('cut in the middle of a record header', async () => {
    const cut = 24 + 16 + 60 + 16 + 1500 + 5; // 5 bytes into frame 3's header
    const { frames, result } = await all('cut-hdr.pcap', good.subarray(0, cut));
    expect(frames.length).toBe(2);
    expect(result.error?.kind).toBe('truncated');
    expect(result.error?.frameNumber).toBe(3);
    expect(result.error?.offset).toBe(24 + 16 + 60 + 16 + 1500);
    expect(result.error?.message).toMatch(
      /cut-hdr\.pcap: frame 3 at byte offset 1616 is cut short \(the file ends 5 bytes into the 16-byte record header\)$/,
    );
  });

  it('cut in the middle of packet data', async () => {
    const cut = 24 + 16 + 60 + 16 + 20; // 36 bytes into frame 2's 1516-byte record
    const { frames, result } = await all('cut-data.pcap', good.subarray(0, cut));
    expect(frames.length).toBe(1);
    expect(result.error?.kind).toBe('truncated');
    expect(result.error?.message).toMatch(/frame 2 at byte offset 100 is cut short \(the file ends 36 bytes into a 1516-byte record\)$/);
  });

  it('absurd caplen (0xFFFFFFF0): corrupt, no allocation, frames before it delivered', async () => {
    const bytes = Buffer.concat([good, pcapRecord({ sec: 1, frac: 0, data: P60, capLenField: 0xfffffff0 })]);
    const { frames, result } = await all('absurd.pcap', bytes);
    expect(frames.length).toBe(3);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.frameNumber).toBe(4);
    expect(result.error?.message).toMatch(/frame 4 at byte offset \d+ is corrupt: .*4294967280 captured bytes, more than the maximum of 262144/);
  });

  it('caplen above the file snaplen but plausible is read (as tshark does)', async () => {
    const { frames, result } = await all('snap.pcap', pcapFile([{ sec: 1, frac: 2, data: P1500 }], { snaplen: 100 }));
    expect(result.error).toBeUndefined();
    expect(frames[0]!.capLen).toBe(1500);
  });

  it('caplen 300000 is corrupt (tshark: bigger than maximum of 262144)', async () => {
    const bytes = pcapFile([{ sec: 1, frac: 2, data: Buffer.alloc(300000) }], { snaplen: 0x40000000 });
    const { frames, result } = await all('big.pcap', bytes);
    expect(frames).toEqual([]);
    expect(result.error?.kind).toBe('corrupt');
  });

  it('unsupported version 1.0', async () => {
    const { result } = await all('v1.pcap', pcapFile([{ sec: 1, frac: 2, data: P60 }], { major: 1 }));
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.message).toMatch(/version 1\.4/);
  });
});

describe('classic pcap variants', () => {
  it('big-endian nanosecond pcap', async () => {
    const bytes = pcapFile(
      [
        { sec: 1700000000, frac: 999999999, data: P60, origLen: 1514 },
        { sec: 1700000001, frac: 1, data: P61 },
      ],
      { magic: 0xa1b23c4d, be: true, linkType: 113 },
    );
    const { frames, result } = await all('ns-be.pcap', bytes);
    expect(result.error).toBeUndefined();
    expect(result.info).toMatchObject({ format: 'pcap', bigEndian: true, nanosecond: true, linkType: 113 });
    expect(frames.map((f) => [f.tsSec, f.tsNsec, f.capLen, f.origLen, f.linkType])).toEqual([
      [1700000000, 999999999, 60, 1514, 113],
      [1700000001, 1, 61, 61, 113],
    ]);
    expect(frames[1]!.data.equals(P61)).toBe(true);
  });

  it('link type: FCS bits in the upper 16 bits are masked off; DLT 12/14 read as RAW', async () => {
    const fcs = await all('fcs.pcap', pcapFile([{ sec: 1, frac: 2, data: P60 }], { linkType: 1 | 0x04000000 | (2 << 28) }));
    expect(fcs.frames[0]!.linkType).toBe(1);
    for (const lt of [12, 14]) {
      const raw = await all(`dlt${lt}.pcap`, pcapFile([{ sec: 1, frac: 2, data: P60 }], { linkType: lt }));
      expect(raw.frames[0]!.linkType).toBe(101);
      expect(raw.result.info!.linkType).toBe(101);
    }
  });

  it("Kuznetsov's patched format (a1b2cd34, 24-byte record headers)", async () => {
    const h = pcapHeader({ magic: 0xa1b2cd34 });
    const r = Buffer.alloc(24);
    r.writeUInt32LE(5, 0);
    r.writeUInt32LE(6, 4);
    r.writeUInt32LE(60, 8);
    r.writeUInt32LE(60, 12);
    const { frames, result } = await all('kuz.pcap', Buffer.concat([h, r, P60]));
    expect(result.error).toBeUndefined();
    expect(frames.length).toBe(1);
    expect(frames[0]!.fileOffset).toBe(48);
    expect(frames[0]!.data.equals(P60)).toBe(true);
  });
});

describe('pcapng damage', () => {
  const w = new NgWriter();
  const head = Buffer.concat([w.shb(), w.idb()]);

  it('block length not a multiple of 4 (and the data laid out that way): corrupt', async () => {
    const body = Buffer.concat([w.u32(0), w.u32(0), w.u32(5), w.u32(61), w.u32(61), P61]);
    const len = 12 + body.length; // 93
    const bad = Buffer.concat([w.u32(6), w.u32(len), body, w.u32(len)]);
    const bytes = Buffer.concat([head, w.epb(0, 1n, P60), bad, w.epb(0, 2n, P60)]);
    const { frames, result } = await all('len93.pcapng', bytes);
    expect(frames.length).toBe(1);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.offset).toBe(head.length + 92);
    expect(result.error?.message).toMatch(/not a multiple of 4/);
  });

  it('unpadded length fields on a padded block are accepted, as tshark does', async () => {
    const body = Buffer.concat([w.u32(0), w.u32(0), w.u32(5), w.u32(61), w.u32(61), P61, Buffer.alloc(3)]);
    const len = 12 + body.length - 3;
    const blk = Buffer.concat([w.u32(6), w.u32(len), body, w.u32(len)]);
    const { frames, result } = await all('len93ok.pcapng', Buffer.concat([head, w.epb(0, 1n, P60), blk, w.epb(0, 2n, P60)]));
    expect(result.error).toBeUndefined();
    expect(frames.map((f) => f.capLen)).toEqual([60, 61, 60]);
  });

  it('block length huge: corrupt, nothing allocated for it', async () => {
    const bytes = Buffer.concat([head, w.epb(0, 1n, P60), w.u32(6), w.u32(0xfffffff0), Buffer.alloc(40)]);
    const { frames, result } = await all('huge.pcapng', bytes);
    expect(frames.length).toBe(1);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.message).toMatch(/4294967280 bytes, more than the maximum/);
  });

  it('block length too small', async () => {
    const bytes = Buffer.concat([head, w.u32(6), w.u32(8), Buffer.alloc(40)]);
    const { result } = await all('small.pcapng', bytes);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.message).toMatch(/less than the minimum of 32/);
  });

  it('trailer mismatch: corrupt, that frame not delivered', async () => {
    const epb = w.epb(0, 5n, P60);
    epb.writeUInt32LE(999, epb.length - 4);
    const bytes = Buffer.concat([head, w.epb(0, 1n, P60), epb, w.epb(0, 2n, P60)]);
    const { frames, result } = await all('trailer.pcapng', bytes);
    expect(frames.length).toBe(1);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.message).toMatch(/trailing length 999 does not match its leading length 92/);
  });

  it('trailer mismatch on a skipped block (custom block spanning chunks)', async () => {
    const cb = w.block(0xbad, Buffer.concat([w.u32(32473), Buffer.alloc(5000)]), { trailer: 12 });
    const { frames, result } = await all('cbtrailer.pcapng', Buffer.concat([head, w.epb(0, 1n, P60), cb, w.epb(0, 2n, P60)]));
    expect(frames.length).toBe(1);
    expect(result.error?.kind).toBe('corrupt');
  });

  it('EPB before any IDB', async () => {
    const { frames, result } = await all('noidb.pcapng', Buffer.concat([w.shb(), w.epb(0, 1n, P60)]));
    expect(frames).toEqual([]);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.message).toMatch(/frame 1 at byte offset 28 is corrupt: it refers to interface 0, but its section declares 0 interfaces/);
  });

  it('interface id out of range', async () => {
    const { frames, result } = await all('ifid.pcapng', Buffer.concat([head, w.epb(0, 1n, P60), w.epb(3, 1n, P60)]));
    expect(frames.length).toBe(1);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.message).toMatch(/refers to interface 3/);
  });

  it('EPB caplen larger than the block', async () => {
    const epb = w.epb(0, 1n, P60);
    epb.writeUInt32LE(200, 20);
    const { result } = await all('epbcap.pcapng', Buffer.concat([head, epb]));
    expect(result.error?.kind).toBe('corrupt');
  });

  it('unsupported section version', async () => {
    const bytes = Buffer.concat([head, w.epb(0, 1n, P60), w.shb({ major: 2 }), w.idb(), w.epb(0, 2n, P60)]);
    const { frames, result } = await all('v2.pcapng', bytes);
    expect(frames.length).toBe(1);
    expect(result.error?.kind).toBe('corrupt');
    expect(result.error?.message).toMatch(/version 2\.0/);
  });

  it('IDB option overrunning the block', async () => {
    const idb = w.block(1, Buffer.concat([w.u16(1), w.u16(0), w.u32(0), w.u16(2), w.u16(100), Buffer.from('abcd')]));
    const { result } = await all('idbopt.pcapng', Buffer.concat([w.shb(), idb, w.epb(0, 1n, P60)]));
    expect(result.error?.kind).toBe('corrupt');
  });

  it('cut mid block: truncated with the frame number; cut at a block boundary: fine', async () => {
    const bytes = Buffer.concat([head, w.epb(0, 1n, P60), w.epb(0, 2n, P1500)]);
    const cut = await all('cutng.pcapng', bytes.subarray(0, bytes.length - 10));
    expect(cut.frames.length).toBe(1);
    expect(cut.result.error?.kind).toBe('truncated');
    expect(cut.result.error?.message).toMatch(/frame 2 at byte offset \d+ is cut short \(the file ends \d+ bytes into a 1532-byte enhanced packet block\)/);
    const whole = await all('wholeng.pcapng', bytes);
    expect(whole.result.error).toBeUndefined();
    expect(whole.frames.length).toBe(2);
  });

  it('section header cut short', async () => {
    const { result } = await all('shbcut.pcapng', w.shb().subarray(0, 20));
    expect(result.error?.kind).toBe('truncated');
  });
});

describe('pcapng structure', () => {
  it('big-endian section, then a little-endian one; interfaces reset per section', async () => {
    const be = new NgWriter(true);
    const le = new NgWriter(false);
    const bytes = Buffer.concat([
      be.shb(),
      be.idb({ linkType: 1, name: 'eth0', snaplen: 96 }),
      be.idb({ linkType: 0, name: 'lo' }),
      be.epb(1, 1700000000000001n, P60),
      be.epb(0, 1700000000000002n, P61),
      le.shb(),
      le.idb({ linkType: 113, tsresol: 9 }),
      le.epb(0, 1700000000000000003n, P60),
    ]);
    const { frames, result } = await all('sections.pcapng', bytes);
    expect(result.error).toBeUndefined();
    expect(result.info).toMatchObject({ format: 'pcapng', bigEndian: true, linkType: 1, snaplen: 96, nanosecond: true });
    expect(result.info!.interfaces.map((i) => [i.linkType, i.name, i.tsUnitsPerSec])).toEqual([
      [1, 'eth0', 1e6],
      [0, 'lo', 1e6],
      [113, undefined, 1e9],
    ]);
    expect(frames.map((f) => [f.interfaceId, f.linkType, f.tsSec, f.tsNsec, f.capLen])).toEqual([
      [1, 0, 1700000000, 1000, 60],
      [0, 1, 1700000000, 2000, 61],
      [2, 113, 1700000000, 3, 60],
    ]);
    expect(frames[1]!.data.equals(P61)).toBe(true);
  });

  it('SPB: no timestamp, caplen = min(origlen, snaplen, room in block); obsolete PB read', async () => {
    const w = new NgWriter();
    const bytes = Buffer.concat([
      w.shb(),
      w.idb({ snaplen: 1000 }),
      w.spb(P60),
      w.spb(P60, 1514), // truncated by the writer: origlen 1514, 60 bytes stored
      w.pb(0, 1700000000000005n, P61),
    ]);
    const { frames, result } = await all('spb.pcapng', bytes);
    expect(result.error).toBeUndefined();
    expect(frames.map((f) => [f.hasTime, f.capLen, f.origLen, f.fileOffset])).toEqual([
      [false, 60, 60, 28 + 20 + 12],
      [false, 60, 1514, 28 + 20 + 76 + 12],
      [true, 61, 61, 28 + 20 + 76 + 76 + 28],
    ]);
    expect(frames[2]!.tsNsec).toBe(5000);
  });

  it('NRB, ISB, DSB, custom and unknown blocks are skipped (also across chunk boundaries)', async () => {
    const w = new NgWriter();
    const bytes = Buffer.concat([
      w.shb(),
      w.block(4, Buffer.alloc(16)), // NRB
      w.idb(),
      w.block(0xbad, Buffer.concat([w.u32(32473), packet(3001, 9), Buffer.alloc(3)])), // custom
      w.epb(0, 1n, P60),
      w.block(5, Buffer.alloc(20)), // ISB
      w.block(0x0a, Buffer.alloc(100)), // DSB
      w.block(0x12345678, Buffer.alloc(4)), // unknown
      w.block(0x40000bad, Buffer.alloc(0)), // 12-byte block
      w.epb(0, 2n, P61),
      w.block(0xbad, Buffer.alloc(70000)),
    ]);
    const { frames, result } = await all('skips.pcapng', bytes);
    expect(result.error).toBeUndefined();
    expect(frames.map((f) => f.number)).toEqual([1, 2]);
    expect(frames[1]!.data.equals(P61)).toBe(true);
  });

  it('truncated inside a skipped block', async () => {
    const w = new NgWriter();
    const bytes = Buffer.concat([w.shb(), w.idb(), w.epb(0, 1n, P60), w.block(0xbad, Buffer.alloc(70000))]);
    for (const cut of [bytes.length - 1, bytes.length - 4, bytes.length - 5, bytes.length - 60000]) {
      const { frames, result } = await all(`skipcut${cut}.pcapng`, bytes.subarray(0, cut));
      expect(frames.length).toBe(1);
      expect(result.error?.kind).toBe('truncated');
      expect(result.error?.message).toMatch(/custom block/);
    }
  });
});

describe('API behaviour', () => {
  const bytes = pcapFile(Array.from({ length: 50 }, (_, i) => ({ sec: i, frac: i, data: packet(40 + i, i) })));

  it('handler returning false stops reading without an error', async () => {
    const file = tmpFile('stop.pcap', bytes);
    for (const chunkSize of [7, 100, 1 << 20]) {
      let seen = 0;
      const r = await readCapture(file, () => ++seen < 10, { chunkSize });
      expect(seen).toBe(10);
      expect(r.framesRead).toBe(10);
      expect(r.error).toBeUndefined();
    }
    let seen = 0;
    const r = readCaptureSync(file, () => ++seen < 3);
    expect(r.framesRead).toBe(3);
  });

  it('frame views stay valid after reading goes on (fresh buffers per chunk)', async () => {
    const file = tmpFile('views.pcap', bytes);
    const kept: Frame[] = [];
    await readCapture(file, (f) => {
      kept.push(f);
    }, { chunkSize: 64 });
    const { frames } = await collect(file);
    expect(kept.length).toBe(50);
    kept.forEach((f, i) => expect(Buffer.from(f.data).equals(frames[i]!.data)).toBe(true));
  });

  it('handler exceptions propagate (they are the caller\'s bugs)', async () => {
    const file = tmpFile('throw.pcap', bytes);
    await expect(
      readCapture(file, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('CaptureStream can be fed by hand; 0-length pushes are harmless', () => {
    const frames: number[] = [];
    const cs = new CaptureStream('hand', (f) => {
      frames.push(f.capLen);
    });
    cs.push(new Uint8Array(0));
    cs.push(bytes.subarray(0, 2));
    cs.push(bytes.subarray(2, 3));
    cs.push(bytes.subarray(3));
    cs.end();
    expect(frames.length).toBe(50);
    expect(cs.result().error).toBeUndefined();
  });

  it('readFrameAt re-reads by offset; gzip and stdin are refused clearly', async () => {
    const file = tmpFile('ra.pcap', bytes);
    const { frames } = await collect(file);
    const f = frames[17]!;
    expect(Buffer.from(readFrameAt(file, f.fileOffset, f.capLen)).equals(f.data)).toBe(true);
    const gz = tmpFile('ra.pcap.gz', (await import('node:zlib')).gzipSync(bytes));
    expect(() => readFrameAt(gz, 40, 10)).toThrow(/random access to frames needs an uncompressed file/);
    expect(() => readFrameAt('-', 40, 10)).toThrow(/not standard input/);
    expect(() => readFrameAt(file, bytes.length - 5, 10)).toThrow(/file ends/);
    expect(fs.existsSync(file)).toBe(true);
  });
});
