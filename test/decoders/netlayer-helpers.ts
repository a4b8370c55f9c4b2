/**
 * Test support for the link/network-layer decoders (null/loop/raw, SLL, VLAN, LLC, ARP, IPv4,
 * IPv6, ICMP, ICMPv6): a registry with exactly these decoders plus stand-ins for the transport
 * layers (so the tests do not depend on the TCP/UDP/... decoders), frame building from hex, and a
 * cell-by-cell comparison with live tshark (`-n`, empty config dir, `-E occurrence=a`).
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveTshark, tshark } from '../helpers/paths.js';
import { readCapture } from '../../src/capture/index.js';
import type { Frame } from '../../src/capture/types.js';
import type { DecodeContext, DecodeResult } from '../../src/decoders/core/context.js';
import { dissect } from '../../src/decoders/core/dissect.js';
import { fieldByName, fieldCount, type FieldDef } from '../../src/decoders/core/fields.js';
import { valueForFields } from '../../src/decoders/core/format.js';
import type { Layer, Packet } from '../../src/decoders/core/packet.js';
import { Registry, Session, type Decoder } from '../../src/decoders/core/registry.js';
import { FieldCollector, FullTree, type Tree } from '../../src/decoders/core/tree.js';
import { dataDecoder } from '../../src/decoders/data.js';
import { ethernetDecoder } from '../../src/decoders/ethernet.js';
import { frameDecoder } from '../../src/decoders/frame.js';
import { arpDecoder } from '../../src/decoders/arp.js';
import { icmpDecoder } from '../../src/decoders/icmp.js';
import { icmpv6Decoder } from '../../src/decoders/icmpv6.js';
import { ipv4Decoder } from '../../src/decoders/ipv4.js';
import { ipv6Decoder } from '../../src/decoders/ipv6.js';
import { LINKTYPE } from '../../src/decoders/linktypes.js';
import { llcDecoder } from '../../src/decoders/llc.js';
import { loopDecoder, nullDecoder, rawIpDecoder, rawIpv4Decoder, rawIpv6Decoder } from '../../src/decoders/loopback.js';
import { sllDecoder } from '../../src/decoders/sll.js';
import { sll2Decoder } from '../../src/decoders/sll2.js';
import { ieee8021adDecoder, vlanDecoder } from '../../src/decoders/vlan.js';

export const CORPUS = '/work/shared/corpus/public';
export const haveCorpus = existsSync(CORPUS);

export { haveTshark };

/** A transport stand-in: records the layer and sets the Protocol column like the real one. */
function stub(proto: string, column: string): Decoder {
  return {
    proto,
    decode(ctx: DecodeContext, offset: number, end: number): DecodeResult | void {
      ctx.setProtocol(column);
      ctx.addLayer<Layer>({ proto, offset, length: end - offset, errorDepth: 0 });
    },
  };
}

/** The decoders under test, registered as `registerBuiltins` does, plus stand-ins. */
export function netRegistry(): Registry {
  const r = new Registry();
  r.register(frameDecoder).register(dataDecoder);
  r.add('linktype', LINKTYPE.ETHERNET, ethernetDecoder);
  r.add('linktype', LINKTYPE.NULL, nullDecoder);
  r.add('linktype', LINKTYPE.LOOP, loopDecoder);
  r.add('linktype', LINKTYPE.RAW, rawIpDecoder);
  r.add('linktype', LINKTYPE.IPV4, rawIpv4Decoder);
  r.add('linktype', LINKTYPE.IPV6, rawIpv6Decoder);
  r.add('linktype', LINKTYPE.LINUX_SLL, sllDecoder);
  r.add('linktype', LINKTYPE.LINUX_SLL2, sll2Decoder);
  r.add('ethertype', 0x8100, vlanDecoder);
  r.add('ethertype', 0x88a8, ieee8021adDecoder);
  r.add('ethertype', 0x9100, vlanDecoder);
  r.add('ethertype', 0x0806, arpDecoder);
  r.add('ethertype', 0x8035, arpDecoder);
  r.add('ethertype', 0x0800, ipv4Decoder);
  r.add('ethertype', 0x86dd, ipv6Decoder);
  r.register(llcDecoder);
  r.add('ip.proto', 1, icmpDecoder);
  r.add('ip.proto', 58, icmpv6Decoder);
  r.add('ip.proto', 4, ipv4Decoder);
  r.add('ip.proto', 41, ipv6Decoder);
  r.add('ip.proto', 6, stub('tcp', 'TCP'));
  r.add('ip.proto', 17, stub('udp', 'UDP'));
  r.register(ipv4Decoder);
  return r;
}

/** A frame from hex (spaces and newlines ignored), as `tcpdump -XX` would show it. */
export function frameFromHex(hex: string, opts: Partial<Frame> = {}): Frame {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const data = new Uint8Array(clean.length / 2);
  for (let i = 0; i < data.length; i++) data[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return {
    number: 1,
    tsSec: 1700000000,
    tsNsec: 0,
    hasTime: true,
    capLen: data.length,
    origLen: data.length,
    linkType: LINKTYPE.ETHERNET,
    interfaceId: 0,
    fileOffset: 0,
    data,
    ...opts,
  };
}

export interface Decoded {
  packet: Packet;
  tree: FullTree;
  /** All occurrences of a field, formatted like `tshark -T fields`. */
  values(name: string): string[];
  /** First occurrence, or undefined. */
  value(name: string): string | undefined;
}

/** Decodes frames in order through one session (so per-capture state carries over). */
export function decodeFrames(frames: Frame[], session = new Session(netRegistry())): Decoded[] {
  return frames.map((f) => {
    const tree = new FullTree();
    const packet = dissect(f, session, { tree, columns: true });
    const all = (name: string): string[] => {
      const out: string[] = [];
      const walk = (nodes: readonly { def: FieldDef; value: unknown; text?: string; children?: unknown[] }[]) => {
        for (const n of nodes) {
          if (n.def.name === name) out.push(valueForFields(n.def, n.value as never, n as never));
          if (n.children) walk(n.children as never);
        }
      };
      walk(tree.roots as never);
      return out;
    };
    return { packet, tree, values: all, value: (name) => all(name)[0] };
  });
}

export function decodeHex(hex: string, opts: Partial<Frame> = {}): Decoded {
  return decodeFrames([frameFromHex(hex, opts)])[0]!;
}

/** Internet checksum helper for building test packets. */
export function fixChecksum(bytes: Uint8Array, off: number, len: number, at: number, initial = 0): void {
  bytes[at] = 0;
  bytes[at + 1] = 0;
  let s = initial;
  for (let i = off; i < off + len; i += 2) s += (bytes[i]! << 8) | (i + 1 < off + len ? bytes[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const c = ~s & 0xffff;
  bytes[at] = c >> 8;
  bytes[at + 1] = c & 0xff;
}

// ------------------------------------------------------------------------------------------
// Oracle comparison

const COLUMN_FIELDS: Record<string, keyof NonNullable<Packet['cols']>> = {
  '_ws.col.Protocol': 'protocol',
  '_ws.col.Info': 'info',
  '_ws.col.Source': 'src',
  '_ws.col.Destination': 'dst',
};

export { tshark };

export function tsharkRows(file: string, fields: readonly string[]): string[][] {
  const out = tshark(['-r', file, '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])]);
  const lines = out.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.split('\t'));
}

export async function ourRows(file: string, fields: readonly string[]): Promise<string[][]> {
  const defs = fields.map((f) => (f in COLUMN_FIELDS ? null : (fieldByName(f) ?? null)));
  const session = new Session(netRegistry());
  const collector = new FieldCollector(
    defs.filter((d): d is FieldDef => d !== null).map((d) => d.id),
    fieldCount(),
  );
  const rows: string[][] = [];
  await readCapture(file, (frame) => {
    collector.reset();
    const packet = dissect(frame, session, { tree: collector, columns: true });
    rows.push(
      fields.map((f, i) => {
        const col = COLUMN_FIELDS[f];
        if (col) return packet.cols?.[col] ?? '';
        // frame.ts lists the frame pseudo-protocol too; tshark does not (reported to the lead).
        if (f === 'frame.protocols') return packet.protocols.filter((p) => p !== 'frame').join(':');
        const def = defs[i];
        if (!def) return '';
        const nodes = collector.found.get(def.id) ?? [];
        return nodes.map((n) => valueForFields(def, n.value, n)).join(',');
      }),
    );
  });
  return rows;
}

export interface FieldStats {
  cells: number;
  equal: number;
}
export interface Diff {
  file: string;
  frame: number;
  field: string;
  ours: string;
  theirs: string;
}

/** Compares our cells to tshark's. `only(frameIndex, theirRow)` limits which frames a field is
 * compared on (e.g. the Info column only where one of our protocols owns it). */
export async function compareFile(
  file: string,
  fields: readonly string[],
  only?: (field: string, theirs: string[], fieldIndex: (f: string) => number) => boolean,
): Promise<{ stats: Map<string, FieldStats>; diffs: Diff[]; frames: number; skipped: number }> {
  // frame.protocols first: frames through encapsulations without a decoder here are skipped.
  const has = fields.includes('frame.protocols');
  const all = has ? [...fields] : [...fields, 'frame.protocols'];
  const pIdx = all.indexOf('frame.protocols');
  const theirs = tsharkRows(file, all);
  const ours = await ourRows(file, fields);
  const stats = new Map(fields.map((f) => [f, { cells: 0, equal: 0 }]));
  const diffs: Diff[] = [];
  const idx = (f: string) => fields.indexOf(f);
  const n = theirs.length === ours.length ? theirs.length : 0;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const t = theirs[i]!;
    const o = ours[i]!;
    const protos = (t[pIdx] ?? '').split(':');
    if (protos.some((p) => FOREIGN.has(p))) {
      skipped++;
      continue;
    }
    fields.forEach((f, j) => {
      if (only && !only(f, t, idx)) return;
      const s = stats.get(f)!;
      s.cells++;
      const a = o[j] ?? '';
      const b = t[j] ?? '';
      if (a === b) s.equal++;
      else diffs.push({ file: path.basename(file), frame: i + 1, field: f, ours: a, theirs: b });
    });
  }
  if (theirs.length !== ours.length) {
    diffs.push({ file: path.basename(file), frame: 0, field: 'frame count', ours: String(ours.length), theirs: String(theirs.length) });
  }
  return { stats, diffs, frames: n, skipped };
}

/** Encapsulations without a decoder in this project: frames through them are not compared. */
const FOREIGN = new Set(['mpls', 'ppp', 'gre', 'pweth', 'pwethcw', 'ipx', 'osi', 'stp', 'isis']);

export function corpusFiles(): string[] {
  if (!haveCorpus) return [];
  return readdirSync(CORPUS)
    .filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f))
    .sort()
    .map((f) => path.join(CORPUS, f));
}

/** Protocol-column values that our decoders own (Info compared only there). */
export const OUR_PROTOCOL_COLUMNS = new Set(['ARP', 'RARP', 'ICMP', 'ICMPv6', 'IPv4', 'IPv6', 'N/A', 'SLL', 'VLAN', 'LLC']);

export function ownsColumns(theirs: string[], idx: (f: string) => number): boolean {
  const p = theirs[idx('_ws.col.Protocol')] ?? '';
  return OUR_PROTOCOL_COLUMNS.has(p) || /^0x[0-9a-f]{4}$/.test(p);
}

export type { Tree };

// ------------------------------------------------------------------------------------------
// Hand-built fixture sets (netlayer-fixtures.ts) as frames and as temporary pcap files.

export interface FixtureSet {
  linkType: number;
  frames: readonly string[];
}

function parseEntry(entry: string): { hex: string; origLen?: number } {
  const i = entry.indexOf(':');
  return i < 0 ? { hex: entry } : { hex: entry.slice(i + 1), origLen: Number(entry.slice(0, i)) };
}

export function fixtureFrames(set: FixtureSet): Frame[] {
  return set.frames.map((e, i) => {
    const { hex, origLen } = parseEntry(e);
    const f = frameFromHex(hex, { number: i + 1, linkType: set.linkType, tsSec: 1000 + i });
    if (origLen !== undefined) f.origLen = origLen;
    return f;
  });
}

let fixtureDir: string | null = null;
/** Writes the set as a little-endian microsecond pcap (timestamps 1000+i s, like the frames). */
export function fixturePcap(name: string, set: FixtureSet): string {
  fixtureDir ??= mkdtempSync(path.join(tmpdir(), 'pcapscope-net-'));
  const frames = fixtureFrames(set);
  const size = 24 + frames.reduce((n, f) => n + 16 + f.data.length, 0);
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(262144, 16);
  buf.writeUInt32LE(set.linkType, 20);
  let p = 24;
  for (const f of frames) {
    buf.writeUInt32LE(f.tsSec, p);
    buf.writeUInt32LE(0, p + 4);
    buf.writeUInt32LE(f.data.length, p + 8);
    buf.writeUInt32LE(f.origLen, p + 12);
    buf.set(f.data, p + 16);
    p += 16 + f.data.length;
  }
  const file = path.join(fixtureDir, `${name}.pcap`);
  writeFileSync(file, buf);
  return file;
}

// ------------------------------------------------------------------------------------------
// Oracle runs with the documented exceptions.

/** Why a cell may differ from tshark without being a decoder bug here; undefined = a real diff. */
export function knownDifference(d: Diff): string | undefined {
  if (d.field === '_ws.col.Destination' && d.ours === 'Broadcast' && d.theirs === 'ff:ff:ff:ff:ff:ff') {
    return 'ethernet.ts names ff:ff:ff:ff:ff:ff "Broadcast"; tshark -n does not (not this module)';
  }
  if (d.file === 'tcpreplay__test.pcap' && [12, 132, 134, 136, 138, 140].includes(d.frame)) {
    return 'echo request arrived over MPLS, which has no decoder here, so the reply has no match';
  }
  if ((d.file === 'null_edge.pcap' && d.frame === 8) || (d.file === 'raw_edge.pcap' && d.frame === 3)) {
    return 'PPP in HDLC framing: no PPP decoder here (decoded as data)';
  }
  if (d.file === 'icmp6_types.pcap' && (d.frame === 19 || d.frame === 31)) {
    return 'ICMPv6 Router Renumbering / RPL bodies are not decoded';
  }
  if (d.file === 'sll_edge.pcap' && d.frame === 7) return 'no Netlink decoder';
  return undefined;
}

/** Normalises cells that depend on the transport stand-ins (nothing above TCP/UDP here). */
function normalise(field: string, v: string): string {
  if (field === 'frame.protocols') {
    const parts = v.split(':');
    const i = parts.findIndex((p) => p === 'tcp' || p === 'udp');
    return i < 0 ? v : parts.slice(0, i + 1).join(':');
  }
  return v;
}

export interface OracleResult {
  stats: Map<string, FieldStats>;
  unknown: Diff[];
  known: Map<string, number>;
  frames: number;
}

export async function oracle(files: readonly string[], fields: readonly string[]): Promise<OracleResult> {
  const stats = new Map<string, FieldStats>();
  const unknown: Diff[] = [];
  const known = new Map<string, number>();
  let frames = 0;
  for (const file of files) {
    const r = await compareFile(file, fields, (field, theirs, idx) => {
      if (OWNED_ONLY.has(field)) {
        if (!ownsColumns(theirs, idx)) return false;
        // data.len after a transport stand-in is another module's.
        if (field === 'data.len' && /:(tcp|udp)(:|$)/.test(theirs[idx('frame.protocols')] ?? '')) return false;
      }
      // Ethernet padding of plain Ethernet frames is ethernet.ts's; ours only after SLL/VLAN.
      if (field === 'eth.padding') return /(^|:)(sll|vlan|ieee8021ad)(:|$)/.test(theirs[idx('frame.protocols')] ?? '');
      return true;
    });
    frames += r.frames;
    for (const [k, v] of r.stats) {
      const t = stats.get(k) ?? { cells: 0, equal: 0 };
      t.cells += v.cells;
      t.equal += v.equal;
      stats.set(k, t);
    }
    for (const d of r.diffs) {
      if (normalise(d.field, d.ours) === normalise(d.field, d.theirs)) {
        const s = stats.get(d.field)!;
        s.equal++;
        continue;
      }
      const why = knownDifference(d);
      if (why) known.set(why, (known.get(why) ?? 0) + 1);
      else unknown.push(d);
    }
  }
  return { stats, unknown, known, frames };
}

const OWNED_ONLY = new Set(['_ws.col.Info', '_ws.col.Protocol', 'data.len', 'frame.protocols']);

export function report(title: string, r: OracleResult): string {
  let cells = 0;
  let equal = 0;
  for (const v of r.stats.values()) {
    cells += v.cells;
    equal += v.equal;
  }
  const lines = [`${title}: ${r.frames} frames, ${equal}/${cells} cells equal`];
  for (const [k, v] of r.stats) if (v.cells !== v.equal) lines.push(`  ${k}: ${v.equal}/${v.cells}`);
  for (const [why, n] of r.known) lines.push(`  known (${n}): ${why}`);
  for (const d of r.unknown.slice(0, 20)) lines.push(`  DIFF ${d.file}#${d.frame} ${d.field}: ours=${JSON.stringify(d.ours)} tshark=${JSON.stringify(d.theirs)}`);
  return lines.join('\n');
}

export function corpus(...names: string[]): string[] {
  return names.map((n) => path.join(CORPUS, n)).filter((f) => existsSync(f));
}

// ------------------------------------------------------------------------------------------
// Field groups compared with tshark.

export const COLUMNS = ['frame.protocols', 'data.len', '_ws.col.Protocol', '_ws.col.Info', '_ws.col.Source', '_ws.col.Destination'];
export const LINK_FIELDS = [
  'null.family', 'null.type',
  'sll.pkttype', 'sll.hatype', 'sll.halen', 'sll.src.eth', 'sll.src.ipv4', 'sll.src.other', 'sll.unused', 'sll.ltype', 'sll.gretype',
  'sll.etype', 'sll.ifindex', 'sll.trailer', 'eth.padding',
  'vlan.priority', 'vlan.dei', 'vlan.id', 'vlan.etype', 'vlan.len', 'vlan.trailer',
  'ieee8021ad.priority', 'ieee8021ad.dei', 'ieee8021ad.id', 'ieee8021ah.etype',
  'llc.dsap', 'llc.ssap', 'llc.control', 'llc.oui', 'llc.type', 'llc.pid',
];
export const ARP_FIELDS = [
  'arp.hw.type', 'arp.proto.type', 'arp.hw.size', 'arp.proto.size', 'arp.opcode', 'arp.isgratuitous', 'arp.isprobe', 'arp.isannouncement',
  'arp.src.hw_mac', 'arp.src.hw', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.hw', 'arp.dst.proto_ipv4', 'arp.duplicate-address-frame',
  'arp.seconds-since-duplicate-address-frame',
];
export const IP4_FIELDS = [
  'ip.version', 'ip.hdr_len', 'ip.dsfield', 'ip.dsfield.dscp', 'ip.dsfield.ecn', 'ip.len', 'ip.id', 'ip.flags', 'ip.flags.rb', 'ip.flags.df',
  'ip.flags.mf', 'ip.frag_offset', 'ip.ttl', 'ip.proto', 'ip.checksum', 'ip.checksum.status', 'ip.src', 'ip.addr', 'ip.src_host', 'ip.dst',
  'ip.dst_host', 'ip.host', 'ip.opt.type', 'ip.opt.len', 'ip.opt.ra', 'ip.opt.ptr', 'ip.rec_rt', 'ip.fragment', 'ip.fragment.count',
  'ip.fragments', 'ip.reassembled.length', 'ip.reassembled.data',
];
export const IP6_FIELDS = [
  'ipv6.version', 'ipv6.tclass', 'ipv6.tclass.dscp', 'ipv6.tclass.ecn', 'ipv6.flow', 'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.src',
  'ipv6.addr', 'ipv6.dst', 'ipv6.src_host', 'ipv6.dst_host', 'ipv6.host', 'ipv6.hopopts.nxt', 'ipv6.hopopts.len', 'ipv6.hopopts.len_oct',
  'ipv6.dstopts.nxt', 'ipv6.dstopts.len', 'ipv6.opt', 'ipv6.opt.type', 'ipv6.opt.type.action', 'ipv6.opt.type.change', 'ipv6.opt.type.rest',
  'ipv6.opt.length', 'ipv6.opt.router_alert', 'ipv6.opt.tel', 'ipv6.routing.nxt', 'ipv6.routing.len', 'ipv6.routing.type',
  'ipv6.routing.segleft', 'ipv6.routing.src.addr', 'ipv6.fraghdr.nxt', 'ipv6.fraghdr.reserved_octet', 'ipv6.fraghdr.offset',
  'ipv6.fraghdr.reserved_bits', 'ipv6.fraghdr.more', 'ipv6.fraghdr.ident', 'ipv6.fragment', 'ipv6.fragment.count',
  'ipv6.fragments', 'ipv6.reassembled.length', 'ipv6.reassembled.data',
];
export const ICMP_FIELDS = [
  'icmp.type', 'icmp.code', 'icmp.checksum', 'icmp.checksum.status', 'icmp.ident', 'icmp.ident_le', 'icmp.seq', 'icmp.seq_le', 'icmp.unused',
  'icmp.mtu', 'icmp.length', 'icmp.length.original_datagram', 'icmp.pointer', 'icmp.redir_gw', 'icmp.data_time', 'icmp.data_time_relative',
  'icmp.resp_to', 'icmp.resptime', 'icmp.originate_timestamp', 'icmp.receive_timestamp', 'icmp.transmit_timestamp', 'icmp.address_mask',
  'icmp.num_addrs', 'icmp.addr_entry_size', 'icmp.lifetime', 'icmp.router_address', 'icmp.pref_level', 'icmp.ext', 'icmp.ext.version',
  'icmp.ext.checksum', 'icmp.ext.checksum.status', 'icmp.ext.class', 'icmp.ext.ctype',
];
export const ICMP6_FIELDS = [
  'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.checksum.status', 'icmpv6.reserved', 'icmpv6.mtu', 'icmpv6.pointer',
  'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number', 'icmpv6.resp_to', 'icmpv6.resptime', 'icmpv6.nd.ns.target_address',
  'icmpv6.nd.na.target_address', 'icmpv6.nd.na.flag', 'icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.s', 'icmpv6.nd.na.flag.o',
  'icmpv6.nd.na.flag.rsv', 'icmpv6.nd.ra.cur_hop_limit', 'icmpv6.nd.ra.flag', 'icmpv6.nd.ra.flag.m', 'icmpv6.nd.ra.flag.o',
  'icmpv6.nd.ra.flag.prf', 'icmpv6.nd.ra.router_lifetime', 'icmpv6.nd.ra.reachable_time', 'icmpv6.nd.ra.retrans_timer',
  'icmpv6.nd.rd.target_address', 'icmpv6.rd.na.destination_address', 'icmpv6.opt', 'icmpv6.opt.type', 'icmpv6.opt.length',
  'icmpv6.opt.linkaddr', 'icmpv6.opt.src_linkaddr', 'icmpv6.opt.target_linkaddr', 'icmpv6.opt.prefix', 'icmpv6.opt.prefix.length',
  'icmpv6.opt.prefix.flag', 'icmpv6.opt.prefix.valid_lifetime', 'icmpv6.opt.prefix.preferred_lifetime', 'icmpv6.opt.mtu',
  'icmpv6.mld.maximum_response_delay', 'icmpv6.mld.multicast_address', 'icmpv6.mldr.nb_mcast_records', 'icmpv6.mldr.mar.record_type',
  'icmpv6.mldr.mar.aux_data_len', 'icmpv6.mldr.mar.nb_sources', 'icmpv6.mldr.mar.multicast_address', 'icmpv6.mldr.mar.source_address',
  'icmpv6.mip6.identifier',
];
