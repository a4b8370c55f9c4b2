import { Defragmenter, type Reassembled } from '../analysis/ip/defrag.js';
import { u32 } from './core/bytes.js';
import type { DecodeContext, DecodeResult } from './core/context.js';
import { expert } from './core/expert.js';
import { field, protocol, type FieldDef } from './core/fields.js';
import { hex, ipv4ToString } from './core/format.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder, type LeanStep } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { reportedEndOf } from './ethertypes.js';
import { CHECKSUM_STATUS, IPPROTO_VALUES, ipProtoName } from './ipproto.js';

/** DSCP names: long (value lines) and short (the DS field summary). */
const DSCP_LONG: Record<number, string> = {
  0: 'Default',
  1: 'Lower Effort',
  8: 'Class Selector 1',
  10: 'Assured Forwarding 11',
  12: 'Assured Forwarding 12',
  14: 'Assured Forwarding 13',
  16: 'Class Selector 2',
  18: 'Assured Forwarding 21',
  20: 'Assured Forwarding 22',
  22: 'Assured Forwarding 23',
  24: 'Class Selector 3',
  26: 'Assured Forwarding 31',
  28: 'Assured Forwarding 32',
  30: 'Assured Forwarding 33',
  32: 'Class Selector 4',
  34: 'Assured Forwarding 41',
  36: 'Assured Forwarding 42',
  38: 'Assured Forwarding 43',
  40: 'Class Selector 5',
  44: 'Voice Admit',
  46: 'Expedited Forwarding',
  48: 'Class Selector 6',
  56: 'Class Selector 7',
};
const DSCP_SHORT: Record<number, string> = {
  0: 'CS0',
  1: 'LE',
  8: 'CS1',
  10: 'AF11',
  12: 'AF12',
  14: 'AF13',
  16: 'CS2',
  18: 'AF21',
  20: 'AF22',
  22: 'AF23',
  24: 'CS3',
  26: 'AF31',
  28: 'AF32',
  30: 'AF33',
  32: 'CS4',
  34: 'AF41',
  36: 'AF42',
  38: 'AF43',
  40: 'CS5',
  44: 'VA',
  46: 'EF PHB',
  48: 'CS6',
  56: 'CS7',
};
const ECN_LONG: Record<number, string> = {
  0: 'Not ECN-Capable Transport',
  1: "ECN-Capable Transport codepoint '01'",
  2: "ECN-Capable Transport codepoint '10'",
  3: 'Congestion Experienced',
};
const ECN_SHORT: Record<number, string> = { 0: 'Not-ECT', 1: 'ECT(1)', 2: 'ECT(0)', 3: 'CE' };

export const DSCP_NAMES = DSCP_LONG;
export const ECN_NAMES = ECN_LONG;

/** `DSCP: CS0, ECN: Not-ECT` as in the DS field / traffic class summary. */
export function dsSummary(ds: number): string {
  return `DSCP: ${DSCP_SHORT[ds >> 2] ?? 'Unknown'}, ECN: ${ECN_SHORT[ds & 3]}`;
}

/** Wireshark's bit-pattern prefix for a masked field: `0100 .... = `, `...0 0000 0000 0000 = `.
 * Memoized by (bits, mask, masked value) for fields up to 16 bits: the patterns are few and the
 * tree builders ask for them on every packet. */
export function bitPrefix(value: number, mask: number, bits: number): string {
  if (bits > 32 || mask < 0 || mask > 0xffffffff) return buildBitPrefix(value, mask, bits);
  const outer = bits * 0x100000000 + mask;
  let m = BIT_PREFIXES.get(outer);
  if (m === undefined) {
    m = new Map<number, string>();
    if (BIT_PREFIXES.size < 1024) BIT_PREFIXES.set(outer, m);
  }
  const key = (value & mask) >>> 0;
  let s = m.get(key);
  if (s === undefined) {
    s = buildBitPrefix(value, mask, bits);
    if (m.size < 4096) m.set(key, s);
  }
  return s;
}

/** (bits, mask) → masked value → pattern. */
const BIT_PREFIXES = new Map<number, Map<number, string>>();

function buildBitPrefix(value: number, mask: number, bits: number): string {
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const m = 2 ** i;
    s += Math.floor(mask / m) % 2 ? (Math.floor(value / m) % 2 ? '1' : '0') : '.';
    if (i % 4 === 0 && i) s += ' ';
  }
  return s + ' = ';
}

const FLAG_NAMES: Array<[number, string]> = [
  [4, 'Reserved bit'],
  [2, "Don't fragment"],
  [1, 'More fragments'],
];

/** Text-only tree lines (Wireshark's `proto_tree_add_subtree` items without a field). */
export const textItem = field('_ws.text', 'Text item', 'none');

export const hf = {
  ip: protocol('ip', 'Internet Protocol Version 4'),
  version: field('ip.version', 'Version', 'uint', { bits: 8 }),
  hdrLen: field('ip.hdr_len', 'Header Length', 'uint', { bits: 8 }),
  dsfield: field('ip.dsfield', 'Differentiated Services Field', 'uint', { base: 'hex', bits: 8 }),
  dscp: field('ip.dsfield.dscp', 'Differentiated Services Codepoint', 'uint', { bits: 8, mask: 0xfc, values: DSCP_LONG }),
  ecn: field('ip.dsfield.ecn', 'Explicit Congestion Notification', 'uint', { bits: 8, mask: 0x03, values: ECN_LONG }),
  len: field('ip.len', 'Total Length', 'uint', { bits: 16 }),
  id: field('ip.id', 'Identification', 'uint', { base: 'hex_dec', bits: 16 }),
  flags: field('ip.flags', 'Flags', 'uint', { base: 'hex', bits: 8, mask: 0xe0 }),
  rb: field('ip.flags.rb', 'Reserved bit', 'bool', { mask: 0x80, tf: ['Set', 'Not set'] }),
  df: field('ip.flags.df', "Don't fragment", 'bool', { mask: 0x40, tf: ['Set', 'Not set'] }),
  mf: field('ip.flags.mf', 'More fragments', 'bool', { mask: 0x20, tf: ['Set', 'Not set'] }),
  fragOffset: field('ip.frag_offset', 'Fragment Offset', 'uint', { bits: 16, mask: 0x1fff }),
  ttl: field('ip.ttl', 'Time to Live', 'uint', { bits: 8 }),
  proto: field('ip.proto', 'Protocol', 'uint', { bits: 8, values: IPPROTO_VALUES }),
  checksum: field('ip.checksum', 'Header Checksum', 'uint', { base: 'hex', bits: 16 }),
  checksumStatus: field('ip.checksum.status', 'Header checksum status', 'uint', { bits: 8, values: CHECKSUM_STATUS }),
  src: field('ip.src', 'Source Address', 'ipv4'),
  addr: field('ip.addr', 'Source or Destination Address', 'ipv4'),
  srcHost: field('ip.src_host', 'Source Host', 'string'),
  host: field('ip.host', 'Source or Destination Host', 'string'),
  dst: field('ip.dst', 'Destination Address', 'ipv4'),
  dstHost: field('ip.dst_host', 'Destination Host', 'string'),
  curRt: field('ip.cur_rt', 'Current Route', 'ipv4'),
  curRtHost: field('ip.cur_rt_host', 'Current Route Host', 'string'),
  // options
  optType: field('ip.opt.type', 'Type', 'uint', { bits: 8 }),
  optCopy: field('ip.opt.type.copy', 'Copy on fragmentation', 'bool', { mask: 0x80, tf: ['Yes', 'No'] }),
  optClass: field('ip.opt.type.class', 'Class', 'uint', {
    bits: 8,
    mask: 0x60,
    values: { 0: 'Control', 1: 'Reserved for future use', 2: 'Debugging and measurement', 3: 'Reserved for future use' },
  }),
  optNumber: field('ip.opt.type.number', 'Number', 'uint', { bits: 8, mask: 0x1f }),
  optLen: field('ip.opt.len', 'Length', 'uint', { bits: 8 }),
  optPtr: field('ip.opt.ptr', 'Pointer', 'uint', { bits: 8 }),
  optRa: field('ip.opt.ra', 'Router Alert', 'uint', { bits: 16 }),
  optSid: field('ip.opt.sid', 'Stream Identifier', 'uint', { bits: 16 }),
  optAddr: field('ip.opt.addr', 'IP Address', 'ipv4'),
  optOverflow: field('ip.opt.overflow', 'Overflow', 'uint', { bits: 8, mask: 0xf0 }),
  optFlag: field('ip.opt.flag', 'Flag', 'uint', { base: 'hex', bits: 8, mask: 0x0f }),
  optTimeStamp: field('ip.opt.time_stamp', 'Time stamp', 'uint', { bits: 32 }),
  optTimeStampAddr: field('ip.opt.time_stamp_addr', 'Address', 'ipv4'),
  optData: field('ip.opt.data', 'Data', 'bytes'),
  recRt: field('ip.rec_rt', 'Recorded Route', 'ipv4'),
  recRtHost: field('ip.rec_rt_host', 'Recorded Route Host', 'string'),
  srcRt: field('ip.src_rt', 'Source Route', 'ipv4'),
  srcRtHost: field('ip.src_rt_host', 'Source Route Host', 'string'),
  emptyRt: field('ip.empty_rt', 'Empty Route', 'ipv4'),
  emptyRtHost: field('ip.empty_rt_host', 'Empty Route Host', 'string'),
  // reassembly
  fragments: field('ip.fragments', 'IPv4 Fragments', 'bytes'),
  fragment: field('ip.fragment', 'IPv4 Fragment', 'framenum'),
  fragmentCount: field('ip.fragment.count', 'Fragment count', 'uint'),
  reassembledIn: field('ip.reassembled_in', 'Reassembled IPv4 in frame', 'framenum'),
  reassembledLength: field('ip.reassembled.length', 'Reassembled IPv4 length', 'uint'),
  reassembledData: field('ip.reassembled.data', 'Reassembled IPv4 data', 'bytes'),
};

const ei = {
  bogusVersion: expert('ip.bogus_ip_version', 'error', 'protocol', 'Bogus IP version'),
  bogusHeaderLength: expert('ip.bogus_header_length', 'error', 'protocol', 'Bogus IP header length'),
  bogusLength: expert('ip.bogus_ip_length', 'error', 'protocol', 'Bogus IP length'),
  ttlTooSmall: expert('ip.ttl.too_small', 'note', 'sequence', 'Time To Live'),
  ttlLncb: expert('ip.ttl.lncb', 'note', 'sequence', 'Time To Live'),
  optLenInvalid: expert('ip.opt.len.invalid', 'error', 'protocol', 'Invalid length for option'),
  subOptTooLong: expert('ip.subopt_too_long', 'warn', 'protocol', 'Suboption would go past end of option'),
  ptrBeforeAddress: expert('ip.opt.ptr.before_address', 'warn', 'protocol', 'Pointer points before first address'),
  ptrMiddleAddress: expert('ip.opt.ptr.middle_address', 'warn', 'protocol', 'Pointer points to middle of address'),
  nop: expert('ip.nop', 'warn', 'protocol', '4 NOP in a row - a router may have removed some options'),
};

export interface Ipv4Layer extends Layer {
  proto: 'ip';
  version: 4;
  src: number;
  dst: number;
  /** Upper-layer protocol number. */
  protocol: number;
  /** Header length in bytes. */
  hdrLen: number;
  totalLen: number;
  id: number;
  ttl: number;
  /** The three flag bits (RB, DF, MF) as a number 0..7. */
  flags: number;
  /** Fragment offset in bytes. */
  fragOffset: number;
  moreFragments: boolean;
  /** MF set or offset > 0. */
  isFragment: boolean;
  /** This frame completed a fragmented datagram and the payload is the reassembled one. */
  reassembled: boolean;
  /** Start of the payload in the frame. */
  payloadOffset: number;
  /** Reported payload length (total length minus header, bounded by the frame). */
  payloadLength: number;
}

/** Options with a decoder in Wireshark (others show as `Unknown (0xNN) (N bytes)`). */
const OPT_NAMES: Record<number, string> = {
  0: 'End of Options List (EOL)',
  1: 'No-Operation (NOP)',
  7: 'Record Route',
  11: 'MTU Probe',
  12: 'MTU Reply',
  25: 'Quick-Start',
  68: 'Time Stamp',
  82: 'Traceroute',
  130: 'Security',
  131: 'Loose Source Route',
  133: 'Extended Security',
  134: 'Commercial IP Security Option',
  136: 'Stream ID',
  137: 'Strict Source Route',
  148: 'Router Alert',
  149: 'Selective Directed Broadcast',
};
const OPT_NUMBER_NAMES: Record<number, string> = {
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Security',
  3: 'Loose source route',
  4: 'Time stamp',
  5: 'Extended security',
  6: 'Commercial IP security option',
  7: 'Record route',
  8: 'Stream identifier',
  9: 'Strict source route',
  10: 'Experimental Measurement',
  11: 'MTU probe',
  12: 'MTU Reply',
  13: 'Experimental Flow Control',
  14: 'Experimental Access Control',
  15: 'Ask Estrin',
  16: 'IMI Traffic Descriptor',
  17: 'Extended Internet Protocol',
  18: 'Traceroute',
  19: 'Address Extension',
  20: 'Router Alert',
  21: 'Selective Directed Broadcast',
  22: 'Unassigned',
  23: 'Dynamic Packet State',
  24: 'Upstream Multicast Packet',
  25: 'Quick-Start',
  30: 'RFC 3692-style experiment',
};
const RA_VALUES: Record<number, string> = { 0: 'Router shall examine packet' };
const TS_FLAGS: Record<number, string> = {
  0: 'Time stamps only',
  1: 'Time stamp and address',
  3: 'Time stamps for prespecified addresses',
};

const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;

/** 224.0.0.0/4 */
function isMulticast(a: number): boolean {
  return a >>> 28 === 0xe;
}

/** Local Network Control Block, 224.0.0.0/24: the TTL such packets must have (RFC 3171), with
 * Wireshark's exceptions (VRRP, GLBP, mDNS: 255; LLMNR: any). Undefined outside the block or
 * when any TTL is fine. */
function lncbValidTtl(a: number, proto: number): number | undefined {
  if (a >>> 8 !== 0xe00000) return undefined;
  if (proto === 2) return 1;
  const low = a & 0xff;
  if (low === 18 || low === 102 || low === 251) return 255;
  if (low === 252) return -1;
  return 1;
}

/** The destination Wireshark uses when a source-route option is present: the last address of a
 * strict/loose source route whose pointer is not past its end. Returns the byte offset of it, or
 * -1 for the header's own destination. */
function sourceRouteDst(d: Uint8Array, off: number, optEnd: number): number {
  let o = off;
  for (let guard = 0; o < optEnd && guard < 40; guard++) {
    const t = d[o]!;
    if (t === 0) break;
    if (t === 1) {
      o++;
      continue;
    }
    if (o + 1 >= optEnd) break;
    const len = d[o + 1]!;
    if (len < 2 || o + len > optEnd) break;
    if (t === 131 || t === 137) {
      if (len < 3) return -1;
      const ptr = d[o + 2]!;
      if (ptr < 4 || ptr & 3 || ptr > len) return -1;
      return o + len - 4;
    }
    o += len;
  }
  return -1;
}

/** Finds the IP-family layer (ip or ipv6) that carries a layer starting at `offset`. */
export function carrierIp(ctx: DecodeContext): Layer | undefined {
  const layers = ctx.packet.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.errorDepth !== ctx.errorDepth) continue;
    if (l.proto === 'ip' || l.proto === 'ipv6') return l;
  }
  return undefined;
}

/** Where a layer carried directly by IP ends on the wire: the IP payload's reported length,
 * so a snaplen-cut segment is still known to be longer than what was captured. */
export function ipPayloadReportedEnd(ctx: DecodeContext, offset: number, end: number): number {
  const ip = carrierIp(ctx) as (Layer & { payloadOffset?: number; payloadLength?: number; reassembled?: boolean }) | undefined;
  if (
    ip &&
    !ip.reassembled &&
    ctx.data === ctx.packet.frame.data &&
    ip.payloadOffset === offset &&
    ip.payloadLength !== undefined
  ) {
    return Math.max(end, offset + ip.payloadLength);
  }
  return reportedEndOf(ctx, end);
}

/** The layer of the header at `offset`, from what was captured of it (missing bytes read 0). */
function ipv4Layer(d: Uint8Array, offset: number, end: number): Ipv4Layer {
  const avail = end - offset;
  const hlen = (byteAt(d, end, offset) & 15) * 4;
  const fragOffset = (((byteAt(d, end, offset + 6) & 0x1f) << 8) | byteAt(d, end, offset + 7)) * 8;
  const moreFragments = (byteAt(d, end, offset + 6) & 0x20) !== 0;
  return {
    proto: 'ip',
    offset,
    length: Math.min(avail, hlen),
    errorDepth: 0,
    version: 4,
    src: avail >= 16 ? u32(d, offset + 12) : 0,
    dst: avail >= 20 ? u32(d, offset + 16) : 0,
    protocol: byteAt(d, end, offset + 9),
    hdrLen: hlen,
    totalLen: (byteAt(d, end, offset + 2) << 8) | byteAt(d, end, offset + 3),
    id: (byteAt(d, end, offset + 4) << 8) | byteAt(d, end, offset + 5),
    ttl: byteAt(d, end, offset + 8),
    flags: byteAt(d, end, offset + 6) >> 5,
    fragOffset,
    moreFragments,
    isFragment: moreFragments || fragOffset !== 0,
    reassembled: false,
    payloadOffset: offset + hlen,
    payloadLength: 0,
    tree: undefined,
  };
}

/** The byte at `o`, 0 past `end` (a header cut short still shows its first fields). */
function byteAt(d: Uint8Array, end: number, o: number): number {
  return o < end ? d[o]! : 0;
}

/** Adds Wireshark's fragment list (`[3 IPv4 Fragments (3508 bytes): #1(1480), ...]`). */
export function addFragmentTree(
  tree: Tree,
  label: string,
  defs: { fragments: FieldDef; fragment: FieldDef; fragmentCount: FieldDef; reassembledLength: FieldDef; reassembledData: FieldDef },
  datagram: Reassembled,
  fragmentsValue: Uint8Array | null,
): void {
  const n = datagram.fragments.length;
  const total = datagram.data.length;
  const list = datagram.fragments.map((f) => `#${f.frame}(${f.length})`).join(', ');
  const t = tree.add(defs.fragments, 0, 0, fragmentsValue, {
    text: `[${n} ${label} Fragments (${total} bytes): ${list}]`,
    generated: true,
  });
  for (const f of datagram.fragments) {
    t.add(defs.fragment, 0, 0, f.frame, {
      text: `[Frame: ${f.frame}, payload: ${f.offset}-${f.offset + f.length - 1} (${f.length} bytes)]`,
      generated: true,
    });
  }
  t.add(defs.fragmentCount, 0, 0, n, { text: `[Fragment count: ${n}]`, generated: true });
  t.add(defs.reassembledLength, 0, 0, total, { text: `[Reassembled ${label} length: ${total}]`, generated: true });
  if (t.wants(defs.reassembledData)) {
    const shown = total > 36 ? hex(datagram.data.subarray(0, 36)) + '…' : hex(datagram.data);
    t.add(defs.reassembledData, 0, 0, datagram.data, { text: `[Reassembled ${label} data: ${shown}]`, generated: true });
  }
}

const DEFRAG = stateKey('ip.defrag', () => new Defragmenter());

/** The per-capture defragmenter shared by IPv4 and IPv6. */
export function defragmenter(ctx: DecodeContext): Defragmenter {
  return ctx.session.get(DEFRAG);
}

export function frameTime(ctx: DecodeContext): number {
  const f = ctx.packet.frame;
  return f.tsSec + f.tsNsec / 1e9;
}

/** IPv4 (RFC 791): header, options, fragments (reassembled like Wireshark's default). */
export const ipv4Decoder: Decoder = {
  proto: 'ip',
  fieldPrefixes: ['ip', '_ws'],
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    ctx.setProtocol('IPv4');
    if (ctx.columns) ctx.setInfo('');
    const avail = end - offset;
    const b0 = byteAt(d, end, offset);
    const version = b0 >> 4;
    const hlen = (b0 & 15) * 4;
    const layer = ctx.addLayer(ipv4Layer(d, offset, end));
    // The layer counts as dissected (frame.protocols) even when its first byte is missing.
    ctx.need('ip', offset, 1, end);

    let ipTree: Tree | undefined;
    // Text options only for a full tree: a FieldCollector keeps values (and kept protocol nodes' text).
    const full = tree !== undefined && tree.full;
    if (tree) {
      let text: string | undefined;
      if (full || tree.wants(hf.ip)) {
        text = 'Internet Protocol Version 4';
        if (version === 4 && hlen >= 20 && avail >= 16) text += `, Src: ${ipv4ToString(layer.src)}`;
        if (version === 4 && hlen >= 20 && avail >= 20) text += `, Dst: ${ipv4ToString(finalDst(d, offset, hlen, end, layer))}`;
      }
      ipTree = tree.add(hf.ip, offset, Math.min(hlen, avail), null, text === undefined ? undefined : { text });
      layer.tree = ipTree;
      ipTree.add(hf.version, offset, 1, version, full ? { text: `${bitPrefix(b0, 0xf0, 8)}Version: ${version}` } : undefined);
    }
    if (version !== 4) {
      if (ctx.columns) ctx.setInfo(`Bogus IPv4 version (${version}, must be 4)`);
      ctx.issue('ip', ei.bogusVersion, ipTree, offset, 1);
      if (version === 6) return { offset, end, next: { table: 'ethertype', key: 0x86dd } };
      return;
    }
    if (hlen < 20) {
      if (ctx.columns) ctx.setInfo(`Bogus IP header length (${hlen}, must be at least 20)`);
      ipTree?.add(hf.hdrLen, offset, 1, hlen, { text: `${bitPrefix(b0, 0x0f, 8)}Header Length: ${hlen} bytes (${hlen >> 2})` });
      ctx.issue('ip', ei.bogusHeaderLength, ipTree, offset, 1, `Bogus IP header length (${hlen}, must be at least 20)`);
      return;
    }
    ipTree?.add(hf.hdrLen, offset, 1, hlen, full ? { text: `${bitPrefix(b0, 0x0f, 8)}Header Length: ${hlen} bytes (${hlen >> 2})` } : undefined);

    // DS field
    ctx.need('ip', offset + 1, 1, end);
    if (ipTree && !full) {
      const ds = d[offset + 1]!;
      const dt = ipTree.add(hf.dsfield, offset + 1, 1, ds);
      dt.add(hf.dscp, offset + 1, 1, ds >> 2);
      dt.add(hf.ecn, offset + 1, 1, ds & 3);
    } else if (ipTree) {
      const ds = d[offset + 1]!;
      const dt = ipTree.add(hf.dsfield, offset + 1, 1, ds, {
        text: `Differentiated Services Field: 0x${ds.toString(16).padStart(2, '0')} (${dsSummary(ds)})`,
      });
      dt.add(hf.dscp, offset + 1, 1, ds >> 2, {
        text: `${bitPrefix(ds, 0xfc, 8)}Differentiated Services Codepoint: ${DSCP_LONG[ds >> 2] ?? 'Unknown'} (${ds >> 2})`,
      });
      dt.add(hf.ecn, offset + 1, 1, ds & 3, {
        text: `${bitPrefix(ds, 0x03, 8)}Explicit Congestion Notification: ${ECN_LONG[ds & 3]} (${ds & 3})`,
      });
    }

    // Total length
    ctx.need('ip', offset + 2, 2, end);
    const reportedEnd = reportedEndOf(ctx, end);
    const reportedAvail = reportedEnd - offset;
    let totalLen = u16(d, offset + 2);
    let payloadEnd = end;
    if (totalLen < hlen) {
      if (totalLen === 0) {
        // TSO: Wireshark presumes the real length is the reported frame length.
        totalLen = reportedAvail;
        layer.totalLen = totalLen;
        ipTree?.add(hf.len, offset + 2, 2, totalLen, {
          text: `[Total Length: ${totalLen} bytes (reported as 0, presumed to be because of "TCP segmentation offload" (TSO))]`,
          generated: true,
        });
      } else {
        if (ctx.columns) ctx.setInfo(`Bogus IP length (${totalLen}, less than header length ${hlen})`);
        const lt = ipTree?.add(hf.len, offset + 2, 2, totalLen, {
          text: `Total Length: ${totalLen} bytes (bogus, less than header length ${hlen})`,
        });
        ctx.issue('ip', ei.bogusLength, lt, offset + 2, 2);
        return;
      }
    } else {
      const lt = ipTree?.add(hf.len, offset + 2, 2, totalLen);
      if (totalLen > reportedAvail) {
        if (ctx.errorDepth === 0) {
          ctx.issue('ip', ei.bogusLength, lt, offset + 2, 2, `IPv4 total length exceeds packet length (${reportedAvail} bytes)`);
        }
      } else {
        payloadEnd = Math.min(end, offset + totalLen);
        layer.length = payloadEnd - offset;
      }
    }
    const datagramReportedEnd = Math.min(reportedEnd, offset + totalLen);
    layer.payloadLength = Math.max(0, datagramReportedEnd - (offset + hlen));
    if (totalLen <= reportedAvail) layer.length = Math.min(avail, totalLen);

    ctx.need('ip', offset + 4, 2, end);
    if (ipTree) {
      const id = u16(d, offset + 4);
      ipTree.add(hf.id, offset + 4, 2, id, full ? { text: `Identification: 0x${id.toString(16).padStart(4, '0')} (${id})` } : undefined);
    }
    ctx.need('ip', offset + 6, 2, end);
    if (ipTree && !full) {
      const off16 = u16(d, offset + 6);
      const fl = off16 >> 13;
      const ft = ipTree.add(hf.flags, offset + 6, 1, fl);
      ft.add(hf.rb, offset + 6, 1, (fl & 4) !== 0);
      ft.add(hf.df, offset + 6, 1, (fl & 2) !== 0);
      ft.add(hf.mf, offset + 6, 1, (fl & 1) !== 0);
      ipTree.add(hf.fragOffset, offset + 6, 2, off16 & 0x1fff);
    } else if (ipTree) {
      const off16 = u16(d, offset + 6);
      const fl = off16 >> 13;
      const names = FLAG_NAMES.filter(([m]) => fl & m).map(([, n]) => n);
      const ft = ipTree.add(hf.flags, offset + 6, 1, fl, {
        text: `${bitPrefix(d[offset + 6]!, 0xe0, 8)}Flags: 0x${fl.toString(16)}${names.length ? ', ' + names.join(', ') : ''}`,
      });
      const b6 = d[offset + 6]!;
      ft.add(hf.rb, offset + 6, 1, (fl & 4) !== 0, { text: `${bitPrefix(b6, 0x80, 8)}Reserved bit: ${fl & 4 ? 'Set' : 'Not set'}` });
      ft.add(hf.df, offset + 6, 1, (fl & 2) !== 0, { text: `${bitPrefix(b6, 0x40, 8)}Don't fragment: ${fl & 2 ? 'Set' : 'Not set'}` });
      ft.add(hf.mf, offset + 6, 1, (fl & 1) !== 0, { text: `${bitPrefix(b6, 0x20, 8)}More fragments: ${fl & 1 ? 'Set' : 'Not set'}` });
      ipTree.add(hf.fragOffset, offset + 6, 2, off16 & 0x1fff, {
        text: `${bitPrefix(off16, 0x1fff, 16)}Fragment Offset: ${(off16 & 0x1fff) * 8}`,
      });
    }
    ctx.need('ip', offset + 8, 1, end);
    const ttl = d[offset + 8]!;
    const ttlTree = ipTree?.add(hf.ttl, offset + 8, 1, ttl);
    ctx.need('ip', offset + 9, 1, end);
    const proto = d[offset + 9]!;
    ipTree?.add(hf.proto, offset + 9, 1, proto);
    ctx.need('ip', offset + 10, 2, end);
    if (ipTree) {
      const sum = u16(d, offset + 10);
      if (!full) {
        ipTree.add(hf.checksum, offset + 10, 2, sum);
        ipTree.add(hf.checksumStatus, offset + 10, 0, 2);
      } else {
        ipTree.add(hf.checksum, offset + 10, 2, sum, {
          text: `Header Checksum: 0x${sum.toString(16).padStart(4, '0')} [validation disabled]`,
        });
        ipTree.add(hf.checksumStatus, offset + 10, 0, 2, { text: '[Header checksum status: Unverified]', generated: true });
      }
    }
    ctx.need('ip', offset + 12, 4, end);
    const src = u32(d, offset + 12);
    if (ctx.columns) ctx.setAddresses(src, '', true);
    if (ipTree) {
      const s = full || ipTree.wants(hf.srcHost) || ipTree.wants(hf.host) ? ipv4ToString(src) : '';
      ipTree.add(hf.src, offset + 12, 4, src);
      ipTree.add(hf.addr, offset + 12, 4, src, { hidden: true });
      ipTree.add(hf.srcHost, offset + 12, 4, s, { generated: true, hidden: true });
      ipTree.add(hf.host, offset + 12, 4, s, { generated: true, hidden: true });
    }
    const dstOff = hlen > 20 ? sourceRouteDst(d, offset + 20, Math.min(end, offset + hlen)) : -1;
    ctx.need('ip', offset + 16, 4, end);
    const dst = dstOff >= 0 ? u32(d, dstOff) : u32(d, offset + 16);
    layer.dst = dst;
    const lncb = lncbValidTtl(dst, proto);
    if (lncb !== undefined) {
      if (lncb >= 0 && ttl !== lncb) {
        ctx.issue(
          'ip',
          ei.ttlLncb,
          ttlTree,
          offset + 8,
          1,
          `"Time To Live" != ${lncb} for a packet sent to the Local Network Control Block (see RFC 3171)`,
        );
      }
    } else if (ttl < 5 && !isMulticast(dst) && proto !== 103 && proto !== 89) {
      ctx.issue('ip', ei.ttlTooSmall, ttlTree, offset + 8, 1, `"Time To Live" only ${ttl}`);
    }
    if (ipTree) {
      const s = full || ipTree.wants(hf.dstHost) || ipTree.wants(hf.host) ? ipv4ToString(dst) : '';
      if (dstOff >= 0) {
        const cur = u32(d, offset + 16);
        ipTree.add(hf.curRt, offset + 16, 4, cur);
        ipTree.add(hf.curRtHost, offset + 16, 4, ipv4ToString(cur), { generated: true, hidden: true });
        ipTree.add(hf.dst, dstOff, 4, dst, { generated: true });
        ipTree.add(hf.addr, dstOff, 4, dst, { generated: true, hidden: true });
        ipTree.add(hf.dstHost, dstOff, 4, s, { generated: true, hidden: true });
        ipTree.add(hf.host, dstOff, 4, s, { generated: true, hidden: true });
      } else {
        ipTree.add(hf.dst, offset + 16, 4, dst);
        ipTree.add(hf.addr, offset + 16, 4, dst, { hidden: true });
        ipTree.add(hf.dstHost, offset + 16, 4, s, { generated: true, hidden: true });
        ipTree.add(hf.host, offset + 16, 4, s, { generated: true, hidden: true });
      }
    }
    if (ctx.columns) ctx.setAddresses(src, dst, true);

    if (hlen > 20) {
      // The options subtree covers them all: missing bytes are an exception right away.
      ctx.need('ip', offset + 20, hlen - 20, end);
      if (ipTree) decodeOptions(ctx, ipTree, offset + 20, hlen - 20, end);
    }

    // Payload: fragments, reassembly, or the upper layer.
    const payloadOffset = offset + hlen;
    const payloadReported = totalLen - hlen;
    if (layer.isFragment) {
      const haveAll = totalLen > hlen && payloadOffset + payloadReported <= end;
      if (haveAll) {
        const key = `4|${src}|${dst}|${layer.id}|${proto}`;
        const r = defragmenter(ctx).add(
          key,
          ctx.packet.frame.number,
          frameTime(ctx),
          layer.fragOffset,
          d.subarray(payloadOffset, payloadOffset + payloadReported),
          layer.moreFragments,
        );
        if (r.status === 'complete') {
          const data = r.datagram.data;
          layer.reassembled = true;
          if (ipTree) addFragmentTree(ipTree, 'IPv4', hf, r.datagram, data);
          if (data.length === 0) return;
          return dispatchUpper(ctx, proto, { offset: 0, end: data.length, data, dataName: `Reassembled IPv4 (${data.length} bytes)` });
        }
        return fragmentOnly(ctx, proto, layer, payloadOffset, payloadEnd);
      }
      if (layer.fragOffset !== 0) return fragmentOnly(ctx, proto, layer, payloadOffset, payloadEnd);
    }
    if (datagramReportedEnd - payloadOffset <= 0) return;
    return dispatchUpper(ctx, proto, { offset: payloadOffset, end: Math.max(payloadOffset, payloadEnd) });
  },
  lean(ctx: DecodeContext, offset: number, end: number, step: LeanStep): boolean {
    const d = ctx.data;
    // a 20-byte header (no options) and some payload captured, not a fragment
    if (end - offset <= 20 || d[offset] !== 0x45 || (d[offset + 6]! & 0x3f) !== 0 || d[offset + 7] !== 0) return false;
    const totalLen = u16(d, offset + 2);
    const dst = u32(d, offset + 16);
    // (the expert items of decode: TTL below 5, a TTL to the Local Network Control Block, a
    // total length past the reported frame)
    if (totalLen <= 20 || d[offset + 8]! < 5 || dst >>> 8 === 0xe00000) return false;
    if (offset + totalLen > end && offset + totalLen > reportedEndOf(ctx, end)) return false;
    // (without columns there is no Protocol column to set)
    const layer = ctx.addLayer(ipv4Layer(d, offset, end));
    const payloadEnd = Math.min(end, offset + totalLen);
    layer.length = payloadEnd - offset;
    layer.payloadLength = totalLen - 20;
    // a protocol with no decoder misses the table and goes to `data`, as decode's DATA_NEXT does
    step.next.table = 'ip.proto';
    step.next.key = d[offset + 9]!;
    step.offset = offset + 20;
    step.end = payloadEnd;
    return true;
  },
};

function finalDst(d: Uint8Array, offset: number, hlen: number, end: number, layer: Ipv4Layer): number {
  if (hlen > 20) {
    const o = sourceRouteDst(d, offset + 20, Math.min(end, offset + hlen));
    if (o >= 0 && o + 4 <= end) return u32(d, o);
  }
  return layer.dst;
}

function fragmentOnly(ctx: DecodeContext, proto: number, layer: Ipv4Layer, off: number, end: number): DecodeResult {
  if (ctx.columns) {
    ctx.setInfo(
      `Fragmented IP protocol (proto=${ipProtoName(proto)} ${proto}, off=${layer.fragOffset}, ID=${layer.id
        .toString(16)
        .padStart(4, '0')})`,
    );
  }
  return { offset: off, end: Math.max(off, end), next: { proto: 'data' } };
}

const DATA_NEXT = { proto: 'data' } as const;
const IP_PROTO_NEXT: { table: 'ip.proto'; key: number }[] = [];
for (let p = 0; p < 256; p++) IP_PROTO_NEXT.push({ table: 'ip.proto', key: p });
/** Shared (never mutated) `next` objects, one per protocol number. */
function ipProtoNext(proto: number): { table: string; key: number } {
  return IP_PROTO_NEXT[proto & 0xff]!;
}

function dispatchUpper(
  ctx: DecodeContext,
  proto: number,
  r: { offset: number; end: number; data?: Uint8Array; dataName?: string },
): DecodeResult {
  let next: DecodeResult['next'];
  if (!ctx.registry.lookup('ip.proto', proto)) {
    if (ctx.columns) ctx.setInfo(`${ipProtoName(proto)} (${proto})`);
    next = DATA_NEXT;
  } else next = ipProtoNext(proto);
  if (r.data === undefined) return { offset: r.offset, end: r.end, next };
  return { offset: r.offset, end: r.end, data: r.data, dataName: r.dataName, next };
}

function decodeOptions(ctx: DecodeContext, ipTree: Tree, start: number, optLen: number, end: number): void {
  const d = ctx.data;
  const optEnd = start + optLen;
  const names: string[] = [];
  const ot = ipTree.add(textItem, start, optLen, null, { text: `Options: (${optLen} bytes)` });
  let o = start;
  let nops = 0;
  for (let guard = 0; o < optEnd && guard < 40; guard++) {
    ctx.need('ip', o, 1, end);
    const t = d[o]!;
    const name = OPT_NAMES[t] ?? `Unknown (0x${t.toString(16).padStart(2, '0')})`;
    if (t === 0 || t === 1) {
      const tt = ot.add(textItem, o, 1, null, { text: `IP Option - ${name}` });
      addOptType(tt, o, t);
      if (t === 1) {
        nops++;
        if (nops === 4) ctx.issue('ip', ei.nop, tt, o, 1);
      }
      o++;
      if (t === 0) break;
      continue;
    }
    nops = 0;
    const known = OPT_NAMES[t] !== undefined;
    const optName = known ? OPT_NAMES[t]! : `Unknown (0x${t.toString(16).padStart(2, '0')})`;
    if (o + 1 >= optEnd) {
      ctx.issue('ip', ei.optLenInvalid, ot, o, 1, `${optName} (length byte past end of options)`);
      break;
    }
    const len = d[o + 1]!;
    if (len < 2) {
      ctx.issue('ip', ei.optLenInvalid, ot, o, 2, `${optName} (with too-short option length = ${len} byte${len === 1 ? '' : 's'})`);
      break;
    }
    if (o + len > optEnd) {
      ctx.issue('ip', ei.optLenInvalid, ot, o, optEnd - o - 2,
        `${optName} (option length = ${len} byte${len === 1 ? '' : 's'} says option goes past end of options)`);
      break;
    }
    if (!known) {
      ot.add(textItem, o, len, null, { text: `${optName} (${len} byte${len === 1 ? '' : 's'})` });
      o += len;
      continue;
    }
    names.push(name);
    ctx.need('ip', o, len, end);
    let text = `IP Option - ${name} (${len} bytes)`;
    if (t === 148 && len === 4) {
      const v = u16(d, o + 2);
      text += `: ${RA_VALUES[v] ?? 'Unknown'} (${v})`;
    }
    const tt = ot.add(textItem, o, len, null, { text });
    addOptType(tt, o, t);
    tt.add(hf.optLen, o + 1, 1, len);
    switch (t) {
      case 148:
        if (len >= 4) {
          const v = u16(d, o + 2);
          tt.add(hf.optRa, o + 2, 2, v, { text: `Router Alert: ${RA_VALUES[v] ?? 'Unknown'} (${v})` });
        }
        break;
      case 136:
        if (len >= 4) tt.add(hf.optSid, o + 2, 2, u16(d, o + 2));
        break;
      case 7:
      case 131:
      case 137:
        decodeRoute(ctx, tt, o, len, t);
        break;
      case 68:
        decodeTimestamp(ctx, tt, o, len);
        break;
      default:
        if (len > 2) tt.add(hf.optData, o + 2, len - 2, d.subarray(o + 2, o + len));
    }
    o += len;
  }
  if (names.length) ot.appendText(', ' + names.join(', '));
}

function addOptType(t: Tree, o: number, type: number): void {
  const tt = t.add(hf.optType, o, 1, type);
  tt.add(hf.optCopy, o, 1, (type & 0x80) !== 0, { text: `${bitPrefix(type, 0x80, 8)}Copy on fragmentation: ${type & 0x80 ? 'Yes' : 'No'}` });
  const cls = (type >> 5) & 3;
  const clsName = ['Control', 'Reserved for future use', 'Debugging and measurement', 'Reserved for future use'][cls];
  tt.add(hf.optClass, o, 1, cls, { text: `${bitPrefix(type, 0x60, 8)}Class: ${clsName} (${cls})` });
  const num = type & 0x1f;
  tt.add(hf.optNumber, o, 1, num, { text: `${bitPrefix(type, 0x1f, 8)}Number: ${OPT_NUMBER_NAMES[num] ?? 'Unknown'} (${num})` });
}

function decodeRoute(ctx: DecodeContext, t: Tree, o: number, len: number, type: number): void {
  const d = ctx.data;
  if (len < 3) return;
  const ptr = d[o + 2]!;
  const pt = t.add(hf.optPtr, o + 2, 1, ptr);
  if (ptr < 4) {
    ctx.issue('ip', ei.ptrBeforeAddress, pt, o + 2, 1);
    return;
  }
  if ((ptr - 4) % 4) ctx.issue('ip', ei.ptrMiddleAddress, pt, o + 2, 1);
  for (let a = 3; a + 4 <= len; a += 4) {
    const addr = u32(d, o + a);
    const s = ipv4ToString(addr);
    const past = a + 1 >= ptr;
    if (type === 7) {
      if (past) {
        t.add(hf.emptyRt, o + a, 4, addr);
        t.add(hf.emptyRtHost, o + a, 4, s, { generated: true });
      } else {
        t.add(hf.recRt, o + a, 4, addr);
        t.add(hf.recRtHost, o + a, 4, s, { generated: true });
      }
    } else if (past) {
      t.add(hf.srcRt, o + a, 4, addr);
      t.add(hf.srcRtHost, o + a, 4, s, { generated: true });
    } else {
      t.add(hf.recRt, o + a, 4, addr);
      t.add(hf.recRtHost, o + a, 4, s, { generated: true });
    }
  }
}

function decodeTimestamp(ctx: DecodeContext, t: Tree, o: number, len: number): void {
  const d = ctx.data;
  if (len < 4) return;
  const ptr = d[o + 2]!;
  const note = ptr === 1 ? ' (header is full)' : ptr < 5 ? ' (points before first address)' : (ptr - 1) & 3 ? ' (points to middle of field)' : '';
  t.add(hf.optPtr, o + 2, 1, ptr, { text: `Pointer: ${ptr}${note}` });
  const b = d[o + 3]!;
  t.add(hf.optOverflow, o + 3, 1, b >> 4, { text: `${bitPrefix(b, 0xf0, 8)}Overflow: ${b >> 4}` });
  const flag = b & 0x0f;
  t.add(hf.optFlag, o + 3, 1, flag, { text: `${bitPrefix(b, 0x0f, 8)}Flag: ${TS_FLAGS[flag] ?? 'Unknown'} (0x${flag.toString(16)})` });
  let p = 4;
  const entry = flag === 0 ? 4 : 8;
  while (p < len) {
    if (p + entry > len) {
      ctx.issue('ip', ei.subOptTooLong, t, o + p, len - p);
      t.add(textItem, o + p, 0, null, { text: 'Suboption would go past end of option' });
      break;
    }
    if (flag !== 0) {
      t.add(hf.optTimeStampAddr, o + p, 4, u32(d, o + p));
      p += 4;
    }
    t.add(hf.optTimeStamp, o + p, 4, u32(d, o + p));
    p += 4;
  }
}
