/**
 * readCapture reads the next chunk on the thread pool while the current one is parsed (two
 * buffers take turns with `reuseBuffer`). Frames, early stops and a throwing handler behave as
 * with the synchronous reader.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCapture, readCaptureSync, type Frame, type ReadOptions } from '../../src/capture/index.js';
import { sampleCaptures, samplesDir } from '../helpers/paths.js';

function digest(f: Frame): string {
  return `${f.number} ${f.tsSec}.${f.tsNsec} ${f.capLen}/${f.origLen} ${createHash('sha1').update(f.data).digest('hex')}`;
}

/** Chunks of a few frames: a read is in flight for almost every frame. */
const SMALL: ReadOptions = { chunkSize: 3000, reuseBuffer: true };

describe('reading ahead', () => {
  it('hands over the same frames as the synchronous reader, on every sample', async () => {
    let n = 0;
    for (const file of sampleCaptures().filter((f) => !f.endsWith('.gz'))) {
      const sync: string[] = [];
      const ahead: string[] = [];
      const a = readCaptureSync(file, (f) => void sync.push(digest(f)), SMALL);
      const b = await readCapture(file, (f) => void ahead.push(digest(f)), SMALL);
      expect(ahead, path.basename(file)).toEqual(sync);
      expect(b).toEqual(a);
      n += sync.length;
    }
    expect(n).toBeGreaterThan(1500);
  });

  it('stops where the handler asks, and passes on what it throws', async () => {
    const file = path.join(samplesDir, 'lossy-bulk.pcap');
    const stopped = await readCapture(file, (f) => f.number < 50, SMALL);
    expect(stopped.framesRead).toBe(50);
    const boom = new Error('handler failed');
    await expect(
      readCapture(
        file,
        (f) => {
          if (f.number === 70) throw boom;
        },
        SMALL,
      ),
    ).rejects.toBe(boom);
    // the file is still readable afterwards (nothing left in flight on a closed descriptor)
    expect((await readCapture(file, () => true, SMALL)).framesRead).toBeGreaterThan(70);
  });
});
