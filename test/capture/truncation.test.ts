/**
 * Every real capture cut at 10 points (and near its start): the reader gives exactly the frames
 * whose records end before the cut, a 'truncated' error when the cut falls inside a record, none
 * at a record boundary — and never throws. Record boundaries come from a separate minimal walker.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAS_CORPUS, collect, collectBytes, corpusPath, loadManifest, tmpFile, tsharkErrorKind, type FrameRec } from './helpers.js';

interface Walk {
  /** Offsets at which the file may end cleanly. */
  boundaries: Set<number>;
  /** End offset of each packet record/block, in order. */
  packetEnds: number[];
}

/** Independent walk over record/block lengths (no validation beyond what is needed to step). */
function walk(b: Buffer, limit: number): Walk {
  const boundaries = new Set<number>();
  const packetEnds: number[] = [];
  const m = b.readUInt32LE(0);
  if (m === 0x0a0d0d0a) {
    let off = 0;
    let le = true;
    while (off + 12 <= limit) {
      let type = le ? b.readUInt32LE(off) : b.readUInt32BE(off);
      if (type === 0x0a0d0d0a) {
        le = b.readUInt32LE(off + 8) === 0x1a2b3c4d;
        type = 0x0a0d0d0a;
      }
      let len = le ? b.readUInt32LE(off + 4) : b.readUInt32BE(off + 4);
      len = Math.ceil(len / 4) * 4;
      if (off + len > limit) break;
      off += len;
      boundaries.add(off);
      if (type === 2 || type === 3 || type === 6) packetEnds.push(off);
    }
  } else {
    const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
    let off = 24;
    boundaries.add(24);
    while (off + 16 <= limit) {
      const cap = le ? b.readUInt32LE(off + 8) : b.readUInt32BE(off + 8);
      if (off + 16 + cap > limit) break;
      off += 16 + cap;
      boundaries.add(off);
      packetEnds.push(off);
    }
  }
  return { boundaries, packetEnds };
}

const rows = HAS_CORPUS ? loadManifest().filter((r) => !r.file.endsWith('.gz') && tsharkErrorKind(r.file) !== 'not_capture') : [];

describe.skipIf(!HAS_CORPUS)('every corpus capture cut short', () => {
  for (const row of rows) {
    it(row.file, async () => {
      const file = corpusPath(row.file);
      const bytes = fs.readFileSync(file);
      const full = await collect(file);
      // For damaged files only cut before the damage.
      const limit = full.result.error?.offset ?? bytes.length;
      const w = walk(bytes, limit);
      const size = bytes.length;
      const cuts = new Set<number>();
      for (let i = 0; i < 10; i++) cuts.add(Math.floor((limit * i) / 10));
      for (const c of [4, 5, 23, 24, 25, 39, 40, 41]) if (c < limit) cuts.add(c);
      const firstEnd = w.packetEnds[0];
      if (firstEnd !== undefined) for (const d of [-1, 0, 1]) if (firstEnd + d < limit) cuts.add(firstEnd + d);
      const small = size <= 128 * 1024;
      for (const cut of [...cuts].sort((a, b) => a - b)) {
        if (cut < 4) continue;
        const expectFrames = w.packetEnds.filter((e) => e <= cut).length;
        const clean = w.boundaries.has(cut);
        let got: { frames: FrameRec[]; kind: string | undefined; message: string | undefined };
        // in memory (fast) for every cut, through a file for small captures
        const m = collectBytes(bytes.subarray(0, cut), 4096, row.file);
        got = { frames: m.frames, kind: m.result.error?.kind, message: m.result.error?.message };
        if (small) {
          const f = await collect(tmpFile(`cut-${cut}-${row.file}`, bytes.subarray(0, cut)), { chunkSize: 512 });
          expect(f.frames.length).toBe(got.frames.length);
          expect(f.result.error?.kind).toBe(got.kind);
        }
        expect(got.frames.length, `cut at ${cut}`).toBe(expectFrames);
        got.frames.forEach((fr, i) => {
          const ref = full.frames[i]!;
          expect(fr.fileOffset).toBe(ref.fileOffset);
          expect(fr.data.equals(ref.data)).toBe(true);
        });
        if (clean) expect(got.kind, `cut at ${cut}: ${got.message}`).toBeUndefined();
        else {
          expect(got.kind, `cut at ${cut}`).toBe('truncated');
          expect(got.message).toMatch(/cut short/);
        }
      }
    });
  }
});
