import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureSync } from '../../src/capture/index.js';
import type { Frame } from '../../src/capture/types.js';
import type { Layer } from '../../src/decoders/core/packet.js';
import { decodeCapture } from '../../src/engine/decode.js';
import { renumber } from '../../src/engine/flows.js';
import { ShardKeyReader, layerShardKey } from '../../src/engine/shard.js';
import { execFile } from 'node:child_process';
import { corpusCaptures, haveShared, repoRoot, sampleCaptures, samplesDir, skipNote } from '../helpers/paths.js';


/** Runs the CLI with a given number of workers (PCAPSCOPE_THREADS forces them on small files).
 * Asynchronous: a long synchronous test file would starve vitest's worker RPC. */
function cli(args: string[], threads: number, debug = false): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', PCAPSCOPE_THREADS: String(threads) };
    if (debug) env.PCAPSCOPE_DEBUG = '1';
    else delete env.PCAPSCOPE_DEBUG;
    execFile(process.execPath, [path.join(repoRoot, 'bin/pcapscope.js'), ...args], { env, maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
      if (err && code === -1) reject(err);
      else resolve({ status: code, stdout, stderr });
    });
  });
}

describe('shard keys', () => {
  it('read from the bytes equal the key of the decoded TCP/UDP layers, on every sample frame', async () => {
    let checked = 0;
    for (const file of sampleCaptures()) {
      const keys = new ShardKeyReader();
      await decodeCapture(file, { columns: false, tree: 'none' }, (d) => {
        const k = keys.frameKey(d.packet.frame);
        let ip: Layer | undefined;
        for (const l of d.packet.layers) {
          if (l.proto === 'ip' || l.proto === 'ipv6') ip = l;
          else if ((l.proto === 'tcp' || l.proto === 'udp') && ip) {
            expect(layerShardKey(ip, l), `${path.basename(file)} frame ${d.packet.frame.number}`).toBe(k);
            checked++;
          }
        }
      });
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('keep all fragments of a datagram together, whichever comes first', () => {
    const frames: Frame[] = [];
    readCaptureSync(path.join(samplesDir, 'ip-fragments.pcap'), (f) => void frames.push({ ...f, data: Uint8Array.from(f.data) }));
    const inOrder = new ShardKeyReader();
    const reversed = new ShardKeyReader();
    const a = frames.map((f) => inOrder.frameKey(f));
    const b = [...frames].reverse().map((f) => reversed.frameKey(f)).reverse();
    // every datagram's fragments share a key in either order
    for (const keys of [a, b]) {
      const byDatagram = new Map<string, Set<number>>();
      frames.forEach((f, i) => {
        const d = f.data;
        if (d[12] !== 0x08 || d[13] !== 0x00 || (((d[20]! << 8) | d[21]!) & 0x3fff) === 0) return; // not an IPv4 fragment
        const id = `${(d[18]! << 8) | d[19]!}`;
        (byDatagram.get(id) ?? byDatagram.set(id, new Set()).get(id)!).add(keys[i]!);
      });
      expect(byDatagram.size).toBeGreaterThan(0);
      for (const set of byDatagram.values()) expect(set.size).toBe(1);
    }
  });

  it('renumber streams by the frame that opened them', () => {
    const ids = renumber([
      [3, 9, 10],
      [1, 5, 20],
    ]);
    expect([...ids[0]!]).toEqual([1, 3, 4]);
    expect([...ids[1]!]).toEqual([0, 2, 5]);
  });
});

const D = JSON.parse(readFileSync(path.resolve(samplesDir, '../test/oracle/fields.json'), 'utf8')).decoders as string[];
const FIELDS = ['-T', 'fields', ...D.flatMap((f) => ['-e', f])];
const PACKET_ARGS: string[][] = [
  [],
  ['-Y', 'tcp.analysis.retransmission || tcp.analysis.duplicate_ack || dns || icmp || arp'],
  FIELDS,
  ['-c', '7', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', '_ws.col.info'],
];
const FLOW_ARGS: string[][] = [['-T', 'json'], ['--detail']];

describe('parallel runs print what one thread prints', () => {
  for (const file of sampleCaptures()) {
    it(path.basename(file), async () => {
      for (const args of PACKET_ARGS) {
        const [one, two] = await Promise.all([cli(['packets', ...args, file], 1), cli(['packets', ...args, file], 2)]);
        expect(two, args.join(' ')).toEqual(one);
      }
      for (const args of FLOW_ARGS) {
        const [one, three] = await Promise.all([cli(['flows', ...args, file], 1), cli(['flows', ...args, file], 3)]);
        expect(three, args.join(' ')).toEqual(one);
      }
    });
  }

  it('a damaged capture: the same frames, the same warning, exit 2', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pcapscope-')), 'cut.pcap');
    writeFileSync(file, readFileSync(path.join(samplesDir, 'lossy-bulk.pcap')).subarray(0, 5000));
    for (const args of [['packets'], ['packets', ...FIELDS], ['flows', '-T', 'json']]) {
      const [one, two] = await Promise.all([cli([...args, file], 1), cli([...args, file], 2)]);
      expect(one.status).toBe(2);
      expect(two, args.join(' ')).toEqual(one);
    }
  });

  it('fragments captured before their first fragment: the run falls back to one thread', async () => {
    // the sample's frames in reverse order: every datagram's first fragment comes last
    const src = readFileSync(path.join(samplesDir, 'ip-fragments.pcap'));
    const records: Buffer[] = [];
    for (let o = 24; o + 16 <= src.length; ) {
      const len = src.readUInt32LE(o + 8);
      records.push(src.subarray(o, o + 16 + len));
      o += 16 + len;
    }
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pcapscope-')), 'reversed.pcap');
    writeFileSync(file, Buffer.concat([src.subarray(0, 24), ...records.reverse()]));
    let fellBack = 0;
    for (const threads of [2, 3, 4]) {
      for (const args of [['flows', '-T', 'json'], ['packets']]) {
        const [one, many] = await Promise.all([cli([...args, file], 1), cli([...args, file], threads, true)]);
        expect(many.stdout).toBe(one.stdout);
        expect(many.status).toBe(one.status);
        if (many.stderr.includes('belongs to another shard')) fellBack++;
      }
    }
    expect(fellBack).toBeGreaterThan(0);
  });

  // one test per file: a long synchronous test would starve vitest's worker RPC
  if (!haveShared) it('public corpus', () => skipNote('../shared/corpus/public is absent: parallel runs checked on samples only'));
  for (const file of haveShared ? corpusCaptures() : []) {
    it(`corpus ${path.basename(file)}: flows`, async () => {
      const args = ['flows', '-T', 'json', file];
      const [one, two] = await Promise.all([cli(args, 1), cli(args, 2)]);
      expect(two).toEqual(one);
    });
  }
});
