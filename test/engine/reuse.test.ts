/**
 * `ReadOptions.reuseBuffer`: `packets` and `flows` read every chunk of a file into one buffer, so
 * no decoder or analyser may keep a frame's bytes past the frame (they copy what they keep:
 * fragments, desegmented PDUs, held out-of-order segments). Here small chunks are reused many
 * times over, and everything the full trees and the flow summaries show must stay the same.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReadOptions } from '../../src/capture/index.js';
import type { PacketsOptions } from '../../src/cli/packets.js';
import { flowTableText } from '../helpers/flows.js';
import { corpusCaptures, haveShared, sampleCaptures, skipNote } from '../helpers/paths.js';
import { printedPackets } from '../helpers/print.js';

/** A few frames a chunk: bytes kept past their frame are soon overwritten. */
const CHUNK = 6 * 1024;

async function packets(file: string, o: PacketsOptions, read: ReadOptions): Promise<string> {
  return (await printedPackets(file, o, (d) => ({ ...d, read }))).text;
}


const FIELDS = ['frame.number', 'ip.src', 'ipv6.dst', 'tcp.stream', 'tcp.analysis.flags', 'tcp.reassembled.length', 'tcp.reassembled.data', 'http.request.uri', 'http.file_data', 'dns.qry.name', 'data.data'];

async function compare(files: string[]): Promise<number> {
  let frames = 0;
  for (const file of files) {
    const name = path.basename(file);
    const fresh: ReadOptions = { chunkSize: CHUNK };
    const reused: ReadOptions = { chunkSize: CHUNK, reuseBuffer: true };
    const tree = await packets(file, { verbose: true, hex: true }, fresh);
    expect(await packets(file, { verbose: true, hex: true }, reused), `${name} -V -x`).toBe(tree);
    const o: PacketsOptions = { format: 'fields', field: FIELDS };
    expect(await packets(file, o, reused), `${name} -T fields`).toBe(await packets(file, o, fresh));
    expect(await flowTableText(file, { read: reused }), `${name} flows`).toBe(await flowTableText(file, { read: fresh }));
    frames += tree.split('\nFrame ').length;
  }
  return frames;
}

describe('reading every chunk into one buffer', () => {
  it('changes nothing the trees, fields or flow summaries show, on every sample', async () => {
    expect(await compare(sampleCaptures())).toBeGreaterThan(1000);
  });
  if (haveShared) it('changes nothing on every public corpus capture', async () => expect(await compare(corpusCaptures())).toBeGreaterThan(1000));
  else it('public corpus', () => skipNote('../shared/corpus/public is absent: buffer reuse checked on samples only'));
});
