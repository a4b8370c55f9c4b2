/**
 * A decoding stack for the TCP tests: our own Registry with the decoders TCP needs (link layers,
 * IPv4/IPv6, ICMP, UDP, TCP) and the TCP analyzer, independent of `registerBuiltins` (which lists
 * decoders other engineers are still writing). Link-layer decoders that do not exist yet are
 * replaced by small local ones (VLAN, Linux SLL/SLL2, BSD null/loop, raw IP).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../../src/capture/index.js';
import type { Frame } from '../../../src/capture/types.js';
import type { DecodeContext, DecodeResult } from '../../../src/decoders/core/context.js';
import { dissect } from '../../../src/decoders/core/dissect.js';
import { fieldByName, fieldCount, type FieldDef } from '../../../src/decoders/core/fields.js';
import { valueForFields } from '../../../src/decoders/core/format.js';
import type { Packet } from '../../../src/decoders/core/packet.js';
import { Registry, Session, type Decoder } from '../../../src/decoders/core/registry.js';
import { FieldCollector, FullTree, walk, type FieldNode } from '../../../src/decoders/core/tree.js';
import { dataDecoder } from '../../../src/decoders/data.js';
import { ethernetDecoder } from '../../../src/decoders/ethernet.js';
import { frameDecoder } from '../../../src/decoders/frame.js';
import { icmpDecoder } from '../../../src/decoders/icmp.js';
import { ipv4Decoder } from '../../../src/decoders/ipv4.js';
import { ipv6Decoder } from '../../../src/decoders/ipv6.js';
import { tcpDecoder } from '../../../src/decoders/tcp.js';
import { udpDecoder } from '../../../src/decoders/udp.js';
import { TcpAnalyzer, createTcpAnalyzer, type TcpAnalysisPrefs, type TcpSegmentListener } from '../../../src/analysis/tcp/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');

// ---- local link-layer decoders (used only when the real ones are not there yet) ----

const vlanLocal: Decoder = {
  proto: 'vlan',
  decode(ctx: DecodeContext, offset: number, end: number): DecodeResult {
    ctx.need('vlan', offset, 4, end);
    ctx.addLayer({ proto: 'vlan', offset, length: end - offset, errorDepth: 0 });
    ctx.addProtocolName('ethertype');
    return { offset: offset + 4, end, next: { table: 'ethertype', key: ctx.view.getUint16(offset + 2) } };
  },
};

const sllLocal: Decoder = {
  proto: 'sll',
  decode(ctx: DecodeContext, offset: number, end: number): DecodeResult {
    ctx.need('sll', offset, 16, end);
    ctx.addLayer({ proto: 'sll', offset, length: end - offset, errorDepth: 0 });
    ctx.addProtocolName('ethertype');
    return { offset: offset + 16, end, next: { table: 'ethertype', key: ctx.view.getUint16(offset + 14) } };
  },
};

const sll2Local: Decoder = {
  proto: 'sll2',
  decode(ctx: DecodeContext, offset: number, end: number): DecodeResult {
    ctx.need('sll2', offset, 20, end);
    ctx.addLayer({ proto: 'sll2', offset, length: end - offset, errorDepth: 0 });
    ctx.addProtocolName('ethertype');
    return { offset: offset + 20, end, next: { table: 'ethertype', key: ctx.view.getUint16(offset) } };
  },
};

function afToEthertype(af: number): number {
  if (af === 2) return 0x0800;
  if (af === 10 || af === 24 || af === 28 || af === 30) return 0x86dd;
  return -1;
}

const nullLocal: Decoder = {
  proto: 'null',
  decode(ctx: DecodeContext, offset: number, end: number): DecodeResult | void {
    ctx.need('null', offset, 4, end);
    ctx.addLayer({ proto: 'null', offset, length: end - offset, errorDepth: 0 });
    let af = ctx.view.getUint32(offset, true);
    if (af > 0xffff) af = ctx.view.getUint32(offset, false);
    const et = afToEthertype(af);
    if (et < 0) return;
    return { offset: offset + 4, end, next: { table: 'ethertype', key: et } };
  },
};

const loopLocal: Decoder = {
  proto: 'loop',
  decode(ctx: DecodeContext, offset: number, end: number): DecodeResult | void {
    ctx.need('loop', offset, 4, end);
    ctx.addLayer({ proto: 'loop', offset, length: end - offset, errorDepth: 0 });
    const et = afToEthertype(ctx.view.getUint32(offset, false));
    if (et < 0) return;
    return { offset: offset + 4, end, next: { table: 'ethertype', key: et } };
  },
};

const rawLocal: Decoder = {
  proto: 'raw',
  decode(ctx: DecodeContext, offset: number, end: number): DecodeResult | void {
    ctx.need('raw', offset, 1, end);
    const v = ctx.data[offset]! >> 4;
    return { offset, end, next: { table: 'ethertype', key: v === 6 ? 0x86dd : 0x0800 } };
  },
};

async function optional(file: string, name: string): Promise<Decoder | undefined> {
  const p = path.join(repoRoot, 'src/decoders', file + '.ts');
  if (!existsSync(p)) return undefined;
  try {
    const m = (await import(p)) as Record<string, unknown>;
    const d = m[name];
    return d && typeof d === 'object' && 'decode' in d ? (d as Decoder) : undefined;
  } catch {
    return undefined;
  }
}

/** The test registry: real decoders where they exist, local link layers otherwise. */
export async function tcpTestRegistry(opts: { analyzer?: boolean; prefs?: TcpAnalysisPrefs } = {}): Promise<Registry> {
  const r = new Registry();
  r.register(frameDecoder).register(dataDecoder);
  r.add('linktype', 1, ethernetDecoder);
  const vlan = (await optional('vlan', 'vlanDecoder')) ?? vlanLocal;
  r.add('ethertype', 0x8100, vlan).add('ethertype', 0x88a8, vlan).add('ethertype', 0x9100, vlan);
  r.add('linktype', 113, (await optional('sll', 'sllDecoder')) ?? sllLocal);
  r.add('linktype', 276, (await optional('sll2', 'sll2Decoder')) ?? sll2Local);
  r.add('linktype', 0, (await optional('loopback', 'nullDecoder')) ?? nullLocal);
  r.add('linktype', 108, (await optional('loopback', 'loopDecoder')) ?? loopLocal);
  const raw = (await optional('loopback', 'rawIpDecoder')) ?? rawLocal;
  r.add('linktype', 101, raw).add('linktype', 12, raw).add('linktype', 14, raw);
  r.add('linktype', 228, (await optional('loopback', 'rawIpv4Decoder')) ?? rawLocal);
  r.add('linktype', 229, (await optional('loopback', 'rawIpv6Decoder')) ?? rawLocal);
  r.add('ethertype', 0x0800, ipv4Decoder).add('ethertype', 0x86dd, ipv6Decoder);
  r.add('ip.proto', 4, ipv4Decoder).add('ip.proto', 41, ipv6Decoder);
  r.add('ip.proto', 1, icmpDecoder);
  const icmpv6 = await optional('icmpv6', 'icmpv6Decoder');
  if (icmpv6) r.add('ip.proto', 58, icmpv6);
  r.add('ip.proto', 6, tcpDecoder).add('ip.proto', 17, udpDecoder);
  if (opts.analyzer !== false) r.addAnalyzer('tcp', opts.prefs ? (ss) => new TcpAnalyzer(ss, opts.prefs) : createTcpAnalyzer);
  return r;
}

/** Reads every frame of a capture (gz included) into memory. */
export async function readFrames(file: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  await readCapture(file, (f) => {
    frames.push({ ...f, data: f.data.slice() });
  });
  return frames;
}

/** `-T fields -E occurrence=f` values of our stack, one row per frame; `_ws.col.*` supported. */
export async function ourRows(file: string, fields: readonly string[]): Promise<{ rows: string[][]; packets: Packet[] }> {
  const registry = await tcpTestRegistry();
  const session = new Session(registry);
  const defs: (FieldDef | null)[] = fields.map((f) => (f.startsWith('_ws.col.') ? null : fieldByName(f) ?? null));
  const missing = fields.filter((f, i) => !f.startsWith('_ws.col.') && !defs[i]);
  if (missing.length) throw new Error(`unknown fields: ${missing.join(', ')}`);
  const rows: string[][] = [];
  const packets: Packet[] = [];
  const frames = await readFrames(file);
  for (const fr of frames) {
    const col = new FieldCollector(
      defs.filter((d): d is FieldDef => d !== null).map((d) => d.id),
      fieldCount(),
    );
    const p = dissect(fr, session, { tree: col, columns: true });
    packets.push(p);
    rows.push(
      fields.map((f, i) => {
        const d = defs[i];
        if (!d) {
          if (f === '_ws.col.Info') return p.cols?.info ?? '';
          if (f === '_ws.col.Protocol') return p.cols?.protocol ?? '';
          return '';
        }
        const n: FieldNode | undefined = col.found.get(d.id)?.[0];
        return n ? valueForFields(d, n.value, n) : '';
      }),
    );
  }
  for (const a of session.analyzers.values()) a.finish?.();
  return { rows, packets };
}

export interface Run {
  packets: Packet[];
  /** Full trees (when asked for), one per frame. */
  trees: FullTree[];
  session: Session;
  analyzer: TcpAnalyzer | undefined;
}

/** Dissects in-memory frames in order with the test registry. */
export async function runFrames(
  frames: Frame[],
  opts: { tree?: boolean; columns?: boolean; prefs?: TcpAnalysisPrefs; analyzer?: boolean; listener?: TcpSegmentListener } = {},
): Promise<Run> {
  const session = new Session(await tcpTestRegistry({ analyzer: opts.analyzer, prefs: opts.prefs }));
  if (opts.listener) (session.analyzers.get('tcp') as TcpAnalyzer).addListener(opts.listener);
  const packets: Packet[] = [];
  const trees: FullTree[] = [];
  for (const f of frames) {
    const tree = opts.tree ? new FullTree() : undefined;
    packets.push(dissect(f, session, { tree, columns: opts.columns ?? true }));
    if (tree) trees.push(tree);
  }
  for (const a of session.analyzers.values()) a.finish?.();
  return { packets, trees, session, analyzer: session.analyzers.get('tcp') as TcpAnalyzer | undefined };
}

/** First node named `name` in a built tree, and all of them. */
export function nodes(tree: FullTree, name: string): FieldNode[] {
  return [...walk(tree.roots)].filter((n) => n.def.name === name);
}
