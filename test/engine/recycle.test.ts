/**
 * `DecodeOptions.recycle`: one Packet, its DecodeContext and the TCP analysis object are refilled
 * for every frame (what `flows` does). Each frame must decode exactly as into fresh objects: the
 * same layers, analyses, issues and columns, and the same flow table.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newAnalysis, resetAnalysis } from '../../src/analysis/tcp/index.js';
import { readCapture } from '../../src/capture/index.js';
import type { Frame } from '../../src/capture/types.js';
import { DecodeContext } from '../../src/decoders/core/context.js';
import { dissect, PacketSlot } from '../../src/decoders/core/dissect.js';
import type { Packet } from '../../src/decoders/core/packet.js';
import { Session } from '../../src/decoders/core/registry.js';
import { decodeCapture, defaultRegistry, type DecodeOptions } from '../../src/engine/decode.js';
import { flowTableText } from '../helpers/flows.js';
import { corpusCaptures, haveShared, sampleCaptures, samplesDir, skipNote } from '../helpers/paths.js';

/** Everything a decoded packet holds, as text (its layers without their trees). */
function digest(p: Packet): string {
  const layers = p.layers.map((l) => ({ ...l, tree: undefined }));
  const cols = p.cols && { src: p.cols.src, dst: p.cols.dst, protocol: p.cols.protocol, info: p.cols.info };
  return JSON.stringify({ n: p.frame.number, layers, protocols: p.protocols, issues: p.issues, malformed: p.malformed, short: p.short, cut: p.cut, cols });
}

async function frames(file: string, o: DecodeOptions): Promise<string[]> {
  const out: string[] = [];
  await decodeCapture(file, o, (d) => void out.push(digest(d.packet)));
  return out;
}


async function compare(files: string[]): Promise<number> {
  let n = 0;
  for (const file of files) {
    const name = path.basename(file);
    for (const o of [{ columns: true }, { columns: false, transportOnly: true }] as DecodeOptions[]) {
      const fresh = await frames(file, o);
      expect(await frames(file, { ...o, recycle: true }), `${name} ${JSON.stringify(o)}`).toEqual(fresh);
      n += fresh.length;
    }
    expect(await flowTableText(file, { recycle: true }), `${name} flows`).toBe(await flowTableText(file, { recycle: false }));
  }
  return n;
}

describe('recycled packets', () => {
  it('decode every sample frame as fresh objects do, and give the same flow table', async () => {
    expect(await compare(sampleCaptures())).toBeGreaterThan(2000);
  });
  if (haveShared) it('decode every public corpus frame as fresh objects do', async () => expect(await compare(corpusCaptures())).toBeGreaterThan(2000));
  else it('public corpus', () => skipNote('../shared/corpus/public is absent: recycling checked on samples only'));

  it('rebind leaves a context as a new one', async () => {
    const session = new Session(defaultRegistry());
    const got: Frame[] = [];
    await readCapture(path.join(samplesDir, 'http-keepalive.pcap'), (f) => void got.push({ ...f, data: f.data.slice() }));
    const slot = new PacketSlot();
    for (const f of got.slice(0, 8)) dissect(f, session, { columns: true, transportOnly: false }, slot);
    const used = slot.ctx!;
    const last = got[7]!;
    used.rebind(last.data, last.origLen);
    const fresh = new DecodeContext(used.packet, last.data, last.origLen, true, session, session.registry);
    expect({ ...used }).toEqual({ ...fresh });
  });

  it('resetAnalysis leaves an analysis as a new one', () => {
    const a = newAnalysis(1, 2, 3, 1);
    for (const k of Object.keys(a) as (keyof typeof a)[]) (a as unknown as Record<string, unknown>)[k] = typeof a[k] === 'boolean' ? true : 7;
    expect(resetAnalysis(a, 10, 20, 30, 2)).toEqual(newAnalysis(10, 20, 30, 2));
  });
});
