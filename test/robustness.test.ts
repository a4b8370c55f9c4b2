import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureSync } from '../src/capture/index.js';
import type { Frame } from '../src/capture/types.js';
import { dissect } from '../src/decoders/core/dissect.js';
import { Session } from '../src/decoders/core/registry.js';
import { FullTree, walk } from '../src/decoders/core/tree.js';
import { defaultRegistry } from '../src/engine/decode.js';
import { sampleCaptures } from './helpers/paths.js';

/** Small deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function variant(f: Frame, data: Uint8Array): Frame {
  return { ...f, data, capLen: data.length };
}

// gopacket's FuzzLayer idea: every sampled packet of every sample, cut at many lengths and with
// random byte flips, must decode without an exception escaping, and what the tree says must lie
// inside the bytes that were there.
describe.each(sampleCaptures().filter((f) => !f.endsWith('.gz')).map((f) => [path.basename(f), f]))('robustness %s', (_name, file) => {
  it('truncations and byte flips never throw', () => {
    const frames: Frame[] = [];
    readCaptureSync(file, (fr) => {
      frames.push({ ...fr, data: fr.data.slice() });
    });
    const pick = frames.filter((_, i) => i % Math.max(1, Math.floor(frames.length / 25)) === 0);
    const rand = rng(frames.length);
    const session = new Session(defaultRegistry());
    let decoded = 0;
    for (const f of pick) {
      const step = f.data.length > 200 ? 5 : 1;
      for (let cut = 0; cut <= f.data.length; cut += step) {
        const tree = new FullTree();
        dissect(variant(f, f.data.subarray(0, cut)), session, { tree, columns: true });
        for (const n of walk(tree.roots)) {
          // labels of sections (protocol/none nodes) may announce more than was captured
          if (n.source || n.generated || n.length === 0 || n.def.type === 'none' || n.def.type === 'protocol') continue;
          expect(n.offset + n.length, `${n.def.name} in frame ${f.number} cut at ${cut}`).toBeLessThanOrEqual(cut);
        }
        decoded++;
      }
      for (let k = 0; k < 30; k++) {
        const data = f.data.slice();
        const flips = 1 + Math.floor(rand() * 4);
        for (let j = 0; j < flips; j++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256);
        dissect(variant(f, data), session, { tree: new FullTree(), columns: true });
        decoded++;
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
