import type { DecodeContext, DecodeResult } from './core/context.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import { hexPad, ipv6ToString } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { reportedEndOf } from './ethertypes.js';
import { IPPROTO_VALUES, ipProtoName } from './ipproto.js';
import { u16, u32 } from './core/bytes.js';
import {
  addFragmentTree,
  bitPrefix,
  defragmenter,
  DSCP_NAMES,
  dsSummary,
  ECN_NAMES,
  frameTime,
  hf as ipHf,
} from './ipv4.js';

const OPT_NAMES: Record<number, string> = {
  0: 'Pad1',
  1: 'PadN',
  4: 'Tunnel Encapsulation Limit',
  5: 'Router Alert',
  7: 'CALIPSO',
  8: 'SMF_DPD',
  15: 'Performance and Diagnostic Metrics',
  30: 'Experimental (0x1E)',
  38: 'Quick-Start',
  48: 'Path MTU Option',
  49: 'IOAM Option',
  62: 'Experimental (0x3E)',
  65: 'Tunnel Payload Forwarding (TPF) Information',
  94: 'Experimental (0x5E)',
  99: 'RPL Option',
  109: 'MPL Option',
  126: 'Experimental (0x7E)',
  138: 'Endpoint Identification',
  139: 'ILNP Nonce',
  140: 'Line-Identification Option',
  158: 'Experimental (0x9E)',
  190: 'Experimental (0xBE)',
  194: 'Jumbo Payload',
  201: 'Home Address',
  222: 'Experimental (0xDE)',
  238: 'IP_DFF',
  254: 'Experimental (0xFE)',
};
const OPT_ACTIONS: Record<number, string> = {
  0: 'Skip and continue',
  1: 'Discard',
  2: 'Discard and send ICMP Parameter Problem',
  3: 'Discard and send ICMP if not multicast',
};
const ROUTING_TYPES: Record<number, string> = {
  0: 'Source Route',
  1: 'Nimrod',
  2: 'Type 2 Routing',
  3: 'RPL Source Route',
  4: 'Segment Routing',
  5: 'Compact Routing Header 16',
  6: 'Compact Routing Header 32',
  253: 'Experiment 1',
  254: 'Experiment 2',
};
const RTALERT: Record<number, string> = { 0: 'MLD', 1: 'RSVP', 2: 'Active Networks' };

export const hf = {
  ipv6: protocol('ipv6', 'Internet Protocol Version 6'),
  version: field('ipv6.version', 'Version', 'uint', { bits: 8 }),
  tclass: field('ipv6.tclass', 'Traffic Class', 'uint', { base: 'hex', bits: 32, mask: 0x0ff00000 }),
  dscp: field('ipv6.tclass.dscp', 'Differentiated Services Codepoint', 'uint', { bits: 32, mask: 0x0fc00000, values: DSCP_NAMES }),
  ecn: field('ipv6.tclass.ecn', 'Explicit Congestion Notification', 'uint', { bits: 32, mask: 0x00300000, values: ECN_NAMES }),
  flow: field('ipv6.flow', 'Flow Label', 'uint', { base: 'hex', bits: 24, mask: 0x0fffff }),
  plen: field('ipv6.plen', 'Payload Length', 'uint', { bits: 16 }),
  nxt: field('ipv6.nxt', 'Next Header', 'uint', { bits: 8, values: IPPROTO_VALUES }),
  hlim: field('ipv6.hlim', 'Hop Limit', 'uint', { bits: 8 }),
  src: field('ipv6.src', 'Source Address', 'ipv6'),
  addr: field('ipv6.addr', 'Source or Destination Address', 'ipv6'),
  srcHost: field('ipv6.src_host', 'Source Host', 'string'),
  host: field('ipv6.host', 'Source or Destination Host', 'string'),
  dst: field('ipv6.dst', 'Destination Address', 'ipv6'),
  dstHost: field('ipv6.dst_host', 'Destination Host', 'string'),
  // options (hop-by-hop and destination)
  opt: field('ipv6.opt', 'IPv6 Option', 'none'),
  optType: field('ipv6.opt.type', 'Type', 'uint', { base: 'hex', bits: 8 }),
  optAction: field('ipv6.opt.type.action', 'Action', 'uint', { bits: 8, mask: 0xc0, values: OPT_ACTIONS }),
  optChange: field('ipv6.opt.type.change', 'May Change', 'bool', { mask: 0x20, tf: ['Yes', 'No'] }),
  optRest: field('ipv6.opt.type.rest', 'Low-Order Bits', 'uint', { base: 'hex', bits: 8, mask: 0x1f }),
  optLength: field('ipv6.opt.length', 'Length', 'uint', { bits: 8 }),
  pad1: field('ipv6.opt.pad1', 'Pad1', 'none'),
  padn: field('ipv6.opt.padn', 'PadN', 'bytes'),
  routerAlert: field('ipv6.opt.router_alert', 'Router Alert', 'uint', { bits: 16, values: RTALERT }),
  tel: field('ipv6.opt.tel', 'Tunnel Encapsulation Limit', 'uint', { bits: 8 }),
  jumbo: field('ipv6.opt.jumbo', 'Payload Length', 'uint', { bits: 32 }),
  optExperimental: field('ipv6.opt.experimental', 'Experimental Option', 'bytes'),
  optUnknown: field('ipv6.opt.unknown', 'Unknown Option Payload', 'bytes'),
  optUnknownData: field('ipv6.opt_unknown_data', 'Unknown Data', 'bytes'),
  hopopts: protocol('ipv6.hopopts', 'IPv6 Hop-by-Hop Option'),
  hopoptsNxt: field('ipv6.hopopts.nxt', 'Next Header', 'uint', { bits: 8, values: IPPROTO_VALUES }),
  hopoptsLen: field('ipv6.hopopts.len', 'Length', 'uint', { bits: 8 }),
  hopoptsLenOct: field('ipv6.hopopts.len_oct', 'Length', 'uint', { bits: 16 }),
  dstopts: protocol('ipv6.dstopts', 'Destination Options for IPv6'),
  dstoptsNxt: field('ipv6.dstopts.nxt', 'Next Header', 'uint', { bits: 8, values: IPPROTO_VALUES }),
  dstoptsLen: field('ipv6.dstopts.len', 'Length', 'uint', { bits: 8 }),
  dstoptsLenOct: field('ipv6.dstopts.len_oct', 'Length', 'uint', { bits: 16 }),
  routing: protocol('ipv6.routing', 'Routing Header for IPv6'),
  routingNxt: field('ipv6.routing.nxt', 'Next Header', 'uint', { bits: 8, values: IPPROTO_VALUES }),
  routingLen: field('ipv6.routing.len', 'Length', 'uint', { bits: 8 }),
  routingLenOct: field('ipv6.routing.len_oct', 'Length', 'uint', { bits: 16 }),
  routingType: field('ipv6.routing.type', 'Type', 'uint', { bits: 8, values: ROUTING_TYPES }),
  routingSegleft: field('ipv6.routing.segleft', 'Segments Left', 'uint', { bits: 8 }),
  routingUnknown: field('ipv6.routing.unknown_data', 'Type-Specific Data', 'bytes'),
  routingSrcReserved: field('ipv6.routing.src.reserved', 'Reserved', 'bytes'),
  routingSrcAddr: field('ipv6.routing.src.addr', 'Address', 'ipv6'),
  routingMipv6Reserved: field('ipv6.routing.mipv6.reserved', 'Reserved', 'bytes'),
  routingMipv6Home: field('ipv6.routing.mipv6.home_address', 'Home Address', 'ipv6'),
  fraghdr: protocol('ipv6.fraghdr', 'Fragment Header for IPv6'),
  fragNxt: field('ipv6.fraghdr.nxt', 'Next header', 'uint', { bits: 8, values: IPPROTO_VALUES }),
  fragReservedOctet: field('ipv6.fraghdr.reserved_octet', 'Reserved octet', 'uint', { base: 'hex', bits: 8 }),
  fragOffset: field('ipv6.fraghdr.offset', 'Offset', 'uint', { bits: 16, mask: 0xfff8 }),
  fragReservedBits: field('ipv6.fraghdr.reserved_bits', 'Reserved bits', 'uint', { bits: 16, mask: 0x0006 }),
  fragMore: field('ipv6.fraghdr.more', 'More Fragments', 'bool', { mask: 0x0001, tf: ['Yes', 'No'] }),
  fragIdent: field('ipv6.fraghdr.ident', 'Identification', 'uint', { base: 'hex', bits: 32 }),
  fragments: field('ipv6.fragments', 'IPv6 Fragments', 'none'),
  fragment: field('ipv6.fragment', 'IPv6 Fragment', 'framenum'),
  fragmentCount: field('ipv6.fragment.count', 'Fragment count', 'uint'),
  reassembledIn: field('ipv6.reassembled.in', 'Reassembled IPv6 in frame', 'framenum'),
  reassembledLength: field('ipv6.reassembled.length', 'Reassembled IPv6 length', 'uint'),
  reassembledData: field('ipv6.reassembled.data', 'Reassembled IPv6 data', 'bytes'),
};

const ei = {
  bogusVersion: expert('ipv6.bogus_ipv6_version', 'error', 'protocol', 'Bogus IP version'),
  invalidHeader: expert('ipv6.invalid_header', 'error', 'malformed', 'Invalid IPv6 header'),
  plenExceedsFraming: expert('ipv6.plen_exceeds_framing', 'warn', 'protocol', 'IPv6 payload length does not match expected framing length'),
  plenZero: expert('ipv6.plen_zero', 'chat', 'protocol', 'IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))'),
  hopoptsNotFirst: expert('ipv6.hopopts.not_first', 'error', 'protocol', 'IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header'),
  optInvalidLen: expert('ipv6.opt.invalid_len', 'error', 'protocol', 'Invalid IPv6 option length'),
  optUnknownData: expert('ipv6.opt.unknown_data.expert', 'note', 'undecoded', 'Unknown Data (not interpreted)'),
  jumboMissing: expert('ipv6.opt.jumbo.missing', 'error', 'protocol', 'IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing'),
  routingDeprecated: expert('ipv6.routing.deprecated', 'note', 'deprecated', 'Routing header type is deprecated'),
  routingUndecoded: expert('ipv6.routing.undecoded', 'note', 'undecoded', 'Undecoded IPv6 routing header field'),
};

export interface Ipv6Layer extends Layer {
  proto: 'ipv6';
  version: 6;
  src: Uint8Array;
  /** Destination as Wireshark uses it: the header's, or the next hop of a routing header. */
  dst: Uint8Array;
  /** Final upper-layer protocol after the extension headers. */
  nextHeader: number;
  hopLimit: number;
  /** Start of the upper-layer data in the frame. */
  payloadOffset: number;
  /** Reported upper-layer length (payload length minus extension headers, bounded by the frame). */
  payloadLength: number;
  isFragment: boolean;
  fragment?: { offset: number; more: boolean; id: number };
  /** This frame completed a fragmented datagram; the payload is the reassembled one. */
  reassembled: boolean;
}


/** At most this many extension headers are followed (each is at least 8 bytes anyway). */
const MAX_EXT_HEADERS = 32;

/** IPv6 (RFC 8200) with hop-by-hop, routing, fragment and destination-options headers. */
export const ipv6Decoder: Decoder = {
  proto: 'ipv6',
  fieldPrefixes: ['ipv6', 'ip'],
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    ctx.setProtocol('IPv6');
    if (ctx.columns) ctx.setInfo('');
    const avail = end - offset;
    const version = avail > 0 ? d[offset]! >> 4 : 0;
    const layer = ctx.addLayer<Ipv6Layer>({
      proto: 'ipv6',
      offset,
      length: Math.min(avail, 40),
      errorDepth: 0,
      version: 6,
      src: avail >= 24 ? d.subarray(offset + 8, offset + 24) : new Uint8Array(16),
      dst: avail >= 40 ? d.subarray(offset + 24, offset + 40) : new Uint8Array(16),
      nextHeader: avail >= 7 ? d[offset + 6]! : 0,
      hopLimit: avail >= 8 ? d[offset + 7]! : 0,
      payloadOffset: offset + 40,
      payloadLength: 0,
      isFragment: false,
      reassembled: false,
    });
    ctx.need('ipv6', offset, 1, end);
    let t: Tree | undefined;
    // Text options only for a full tree: a FieldCollector keeps values (and kept protocol nodes' text).
    const full = tree !== undefined && tree.full;
    if (tree) {
      const text =
        !full && !tree.wants(hf.ipv6)
          ? undefined
          : avail >= 40 && version === 6
            ? `Internet Protocol Version 6, Src: ${ipv6ToString(layer.src)}, Dst: ${ipv6ToString(layer.dst)}`
            : 'Internet Protocol Version 6';
      t = tree.add(hf.ipv6, offset, Math.min(avail, 40), null, text === undefined ? undefined : { text });
      layer.tree = t;
      if (!full) {
        t.add(hf.version, offset, 1, version);
        t.add(ipHf.version, offset, 1, version);
      } else {
        t.add(hf.version, offset, 1, version, { text: `${bitPrefix(d[offset]!, 0xf0, 8)}Version: ${version}` });
        t.add(ipHf.version, offset, 1, version, {
          hidden: true,
          text: `${bitPrefix(d[offset]!, 0xf0, 8)}Version: ${version} [This field makes the filter match on "ip.version == 6" possible]`,
        });
      }
    }
    if (version !== 6) {
      if (ctx.columns) ctx.setInfo(`Bogus IPv6 version (${version}, must be 6)`);
      ctx.issue('ipv6', ei.bogusVersion, t, offset, 1);
      return;
    }
    const reportedEnd = reportedEndOf(ctx, end);
    if (reportedEnd - offset < 40) {
      if (ctx.columns) ctx.setInfo(`Invalid IPv6 header (${reportedEnd - offset} bytes, need exactly 40)`);
      ctx.issue('ipv6', ei.invalidHeader, t, offset, avail, 'IPv6 header must be exactly 40 bytes');
    }
    ctx.need('ipv6', offset, 4, end);
    const w0 = u32(d, offset);
    const tclass = (w0 >>> 20) & 0xff;
    if (t && !full) {
      const tt = t.add(hf.tclass, offset, 4, tclass);
      tt.add(hf.dscp, offset, 4, tclass >> 2);
      tt.add(hf.ecn, offset, 4, tclass & 3);
      t.add(hf.flow, offset + 1, 3, w0 & 0xfffff);
    } else if (t) {
      const tt = t.add(hf.tclass, offset, 4, tclass, {
        text: `${bitPrefix(w0, 0x0ff00000, 32)}Traffic Class: 0x${hexPad(tclass, 2)} (${dsSummary(tclass)})`,
      });
      tt.add(hf.dscp, offset, 4, tclass >> 2, {
        text: `${bitPrefix(w0, 0x0fc00000, 32)}Differentiated Services Codepoint: ${DSCP_NAMES[tclass >> 2] ?? 'Unknown'} (${tclass >> 2})`,
      });
      tt.add(hf.ecn, offset, 4, tclass & 3, {
        text: `${bitPrefix(w0, 0x00300000, 32)}Explicit Congestion Notification: ${ECN_NAMES[tclass & 3]} (${tclass & 3})`,
      });
      const flow = w0 & 0xfffff;
      t.add(hf.flow, offset + 1, 3, flow, { text: `${bitPrefix(w0 & 0xffffff, 0x0fffff, 24)}Flow Label: 0x${hexPad(flow, 5)}` });
    }
    ctx.need('ipv6', offset + 4, 4, end);
    const plen = u16(d, offset + 4);
    const nxt0 = d[offset + 6]!;
    const hlim = d[offset + 7]!;
    // Wireshark 4.0 has no IPv6 TSO assumption by default: a zero length is only noted.
    t?.add(hf.plen, offset + 4, 2, plen);
    const plenTree = t;
    if (plen === 0 && nxt0 !== 0 && nxt0 !== 59) ctx.issue('ipv6', ei.plenZero, plenTree, offset + 4, 2);
    t?.add(hf.nxt, offset + 6, 1, nxt0, full ? { text: `Next Header: ${ipProtoName(nxt0)} (${nxt0})` } : undefined);
    t?.add(hf.hlim, offset + 7, 1, hlim);
    ctx.need('ipv6', offset + 8, 16, end);
    if (t) addAddress(t, d, offset + 8, hf.src, hf.srcHost);
    if (ctx.columns) ctx.setAddresses(layer.src, '', true);
    ctx.need('ipv6', offset + 24, 16, end);
    if (t) addAddress(t, d, offset + 24, hf.dst, hf.dstHost);
    if (ctx.columns) ctx.setAddresses(layer.src, layer.dst, true);
    let dstForColumns = d.subarray(offset + 24, offset + 40);

    if (plen === 0 && nxt0 === 0) {
      if (ctx.columns) ctx.setInfo('Invalid IPv6 payload length');
      ctx.issue('ipv6', ei.jumboMissing, plenTree, offset + 4, 2);
    }
    const reportedPlen = reportedEnd - offset - 40;
    if (ctx.errorDepth === 0 && plen > reportedPlen) {
      ctx.issue('ipv6', ei.plenExceedsFraming, plenTree, offset + 4, 2, `IPv6 payload length exceeds framing length (${reportedPlen} bytes)`);
    }
    // set_actual_length(40 + plen)
    let datagramEnd = end;
    let datagramReportedEnd = reportedEnd;
    if (offset + 40 + plen < reportedEnd) {
      datagramReportedEnd = offset + 40 + plen;
      datagramEnd = Math.min(end, datagramReportedEnd);
    }
    layer.length = datagramEnd - offset;

    // Extension header chain.
    let nxt = nxt0;
    let o = offset + 40;
    let fragPlen = plen;
    let prevWasIpv6 = true;
    let itemLen = 40;
    for (let count = 0; count < MAX_EXT_HEADERS; count++) {
      if (nxt === 0 || nxt === 60) {
        const hop = nxt === 0;
        if (ctx.columns) ctx.appendInfo((ctx.info ? ' , ' : '') + (hop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options'));
        ctx.addProtocolName(hop ? 'ipv6.hopopts' : 'ipv6.dstopts');
        ctx.need('ipv6', o, 2, datagramEnd);
        const next = d[o]!;
        const len = (d[o + 1]! + 1) * 8;
        fragPlen -= len;
        itemLen += len;
        decodeOptions(ctx, t, o, len, datagramEnd, hop, !prevWasIpv6);
        nxt = next;
        o += len;
        prevWasIpv6 = false;
        continue;
      }
      if (nxt === 43) {
        if (ctx.columns) ctx.appendInfo((ctx.info ? ' , ' : '') + 'IPv6 routing');
        ctx.addProtocolName('ipv6.routing');
        ctx.need('ipv6', o, 2, datagramEnd);
        const next = d[o]!;
        const len = (d[o + 1]! + 1) * 8;
        fragPlen -= len;
        itemLen += len;
        const newDst = decodeRouting(ctx, t, o, len, datagramEnd);
        if (newDst) dstForColumns = newDst;
        nxt = next;
        o += len;
        prevWasIpv6 = false;
        continue;
      }
      if (nxt === 44) {
        ctx.addProtocolName('ipv6.fraghdr');
        ctx.need('ipv6', o, 8, datagramEnd);
        const next = d[o]!;
        const offlg = u16(d, o + 2);
        const fragOff = offlg & 0xfff8;
        const more = (offlg & 1) !== 0;
        const ident = u32(d, o + 4);
        if (ctx.columns) {
          ctx.setInfo(`IPv6 fragment (off=${fragOff} more=${more ? 'y' : 'n'} ident=0x${hexPad(ident, 8)} nxt=${next})`);
        }
        fragPlen -= 8;
        itemLen += 8;
        layer.fragment = { offset: fragOff, more, id: ident };
        if (t) {
          const ft = t.add(hf.fraghdr, o, 8, null, { text: 'Fragment Header for IPv6' });
          ft.add(hf.fragNxt, o, 1, next, { text: `Next header: ${ipProtoName(next)} (${next})` });
          ft.add(hf.fragReservedOctet, o + 1, 1, d[o + 1]!);
          ft.add(hf.fragOffset, o + 2, 2, fragOff >> 3, {
            text: `${bitPrefix(offlg, 0xfff8, 16)}Offset: ${fragOff >> 3} (${fragOff} bytes)`,
          });
          ft.add(hf.fragReservedBits, o + 2, 2, (offlg & 6) >> 1, { text: `${bitPrefix(offlg, 0x0006, 16)}Reserved bits: ${(offlg & 6) >> 1}` });
          ft.add(hf.fragMore, o + 2, 2, more, { text: `${bitPrefix(offlg, 0x0001, 16)}More Fragments: ${more ? 'Yes' : 'No'}` });
          ft.add(hf.fragIdent, o + 4, 4, ident);
        }
        o += 8;
        nxt = next;
        prevWasIpv6 = false;
        if (fragPlen > 0 && (fragOff !== 0 || more)) {
          layer.isFragment = true;
          const r = o + fragPlen <= datagramEnd
            ? defragmenter(ctx).add(
                `6|${hexKey(layer.src)}|${hexKey(layer.dst)}|${ident}`,
                ctx.packet.frame.number,
                frameTime(ctx),
                fragOff,
                d.subarray(o, o + fragPlen),
                more,
              )
            : { status: 'rejected' as const };
          if (r.status === 'complete') {
            layer.reassembled = true;
            const data = r.datagram.data;
            if (t) addFragmentTree(t, 'IPv6', hf, r.datagram, null);
            // Headers after the fragment header travel in the reassembled data.
            const dctx = ctx.derive(data);
            let p = 0;
            let n = next;
            for (let k = 0; k < MAX_EXT_HEADERS && (n === 0 || n === 60 || n === 43) && p < data.length; k++) {
              dctx.need('ipv6', p, 2, data.length);
              const len = (data[p + 1]! + 1) * 8;
              if (n === 43) {
                if (ctx.columns) ctx.appendInfo((ctx.info ? ' , ' : '') + 'IPv6 routing');
                ctx.addProtocolName('ipv6.routing');
                decodeRouting(dctx, t, p, len, data.length);
              } else {
                if (ctx.columns) ctx.appendInfo((ctx.info ? ' , ' : '') + (n === 0 ? 'IPv6 hop-by-hop options' : 'IPv6 destination options'));
                ctx.addProtocolName(n === 0 ? 'ipv6.hopopts' : 'ipv6.dstopts');
                decodeOptions(dctx, t, p, len, data.length, n === 0, true);
              }
              n = data[p]!;
              p += len;
            }
            layer.nextHeader = n;
            layer.payloadOffset = p;
            layer.payloadLength = Math.max(0, data.length - p);
            finishColumns(ctx, layer, dstForColumns);
            return { ...upperLayer(ctx, n, p, Math.max(p, data.length)), data, dataName: `Reassembled IPv6 (${data.length} bytes)` };
          }
          layer.nextHeader = next;
          layer.payloadOffset = o;
          layer.payloadLength = Math.max(0, datagramReportedEnd - o);
          finishColumns(ctx, layer, dstForColumns);
          return { offset: o, end: Math.max(o, datagramEnd), next: { proto: 'data' } };
        }
        continue;
      }
      break;
    }
    layer.nextHeader = nxt;
    layer.payloadOffset = o;
    layer.payloadLength = Math.max(0, datagramReportedEnd - o);
    finishColumns(ctx, layer, dstForColumns);
    return upperLayer(ctx, nxt, o, Math.max(o, datagramEnd));
  },
};

function finishColumns(ctx: DecodeContext, layer: Ipv6Layer, dst: Uint8Array): void {
  layer.dst = dst;
  if (ctx.columns) ctx.setAddresses(layer.src, dst, true);
}

/** What follows the extension headers: the `ip.proto` table, or `data`. */
function upperLayer(ctx: DecodeContext, nxt: number, off: number, end: number): DecodeResult {
  if (nxt === 59) {
    if (ctx.columns) ctx.setInfo('IPv6 no next header');
    return { offset: off, end, next: { proto: 'data' } };
  }
  const dec = ctx.registry.lookup('ip.proto', nxt);
  if (!dec) {
    if (ctx.columns) ctx.setInfo(`Unknown IP Protocol: ${ipProtoName(nxt)} (${nxt})`);
    return { offset: off, end, next: { proto: 'data' } };
  }
  // Wireshark hands even an empty payload to the upper layer (which then fails on it).
  if (off >= end) return { offset: off, end, next: { proto: dec.proto } };
  return { offset: off, end, next: { table: 'ip.proto', key: nxt } };
}

function hexKey(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += hexPad(b[i]!, 2);
  return s;
}

function addAddress(t: Tree, d: Uint8Array, o: number, def: typeof hf.src, hostDef: typeof hf.srcHost): void {
  const a = d.subarray(o, o + 16);
  const s = t.full || t.wants(hostDef) || t.wants(hf.host) ? ipv6ToString(a) : '';
  t.add(def, o, 16, a);
  t.add(hf.addr, o, 16, a, { hidden: true });
  t.add(hostDef, o, 16, s, { generated: true, hidden: true });
  t.add(hf.host, o, 16, s, { generated: true, hidden: true });
}

/** Hop-by-hop / destination options headers. */
function decodeOptions(ctx: DecodeContext, t: Tree | undefined, o: number, len: number, end: number, hop: boolean, notFirst: boolean): void {
  const d = ctx.data;
  const et = t?.add(hop ? hf.hopopts : hf.dstopts, o, len, null, {
    text: hop ? 'IPv6 Hop-by-Hop Option' : 'Destination Options for IPv6',
  });
  if (hop && notFirst) ctx.issue('ipv6', ei.hopoptsNotFirst, et, o, len);
  if (et) {
    const nx = d[o]!;
    et.add(hop ? hf.hopoptsNxt : hf.dstoptsNxt, o, 1, nx, { text: `Next Header: ${ipProtoName(nx)} (${nx})` });
    et.add(hop ? hf.hopoptsLen : hf.dstoptsLen, o + 1, 1, d[o + 1]!, { text: `Length: ${d[o + 1]!} (${len} bytes)` });
    et.add(hop ? hf.hopoptsLenOct : hf.dstoptsLenOct, o + 1, 1, len, { text: `[Length: ${len} bytes]`, generated: true });
  }
  const optEnd = o + len;
  let p = o + 2;
  while (p < optEnd) {
    // Wireshark reads the type and length bytes before looking at the type (Pad1 included).
    ctx.need('ipv6', p, 2, end);
    const type = d[p]!;
    const name = OPT_NAMES[type] ?? `Unknown IPv6 Option (${type})`;
    if (type === 0) {
      const ot = et?.add(hf.opt, p, 1, null, { text: name });
      ot?.add(hf.optType, p, 1, type);
      ot?.add(hf.pad1, p, 1, null);
      p += 1;
      continue;
    }
    ctx.need('ipv6', p + 1, 1, end);
    const olen = d[p + 1]!;
    const ot = et?.add(hf.opt, p, 2 + olen, null, { text: name });
    if (ot) {
      const tt = ot.add(hf.optType, p, 1, type);
      tt.add(hf.optAction, p, 1, type >> 6, { text: `${bitPrefix(type, 0xc0, 8)}Action: ${OPT_ACTIONS[type >> 6]} (${type >> 6})` });
      tt.add(hf.optChange, p, 1, (type & 0x20) !== 0, { text: `${bitPrefix(type, 0x20, 8)}May Change: ${type & 0x20 ? 'Yes' : 'No'}` });
      tt.add(hf.optRest, p, 1, type & 0x1f, { text: `${bitPrefix(type, 0x1f, 8)}Low-Order Bits: 0x${hexPad(type & 0x1f, 2)}` });
      ot.add(hf.optLength, p + 1, 1, olen);
    }
    const data = p + 2;
    ctx.need('ipv6', data, olen, end);
    if (type === 1) {
      ot?.add(hf.padn, data, olen, d.subarray(data, data + olen));
    } else if (type === 5) {
      if (olen !== 2) ctx.issue('ipv6', ei.optInvalidLen, ot, p + 1, 1, `Router alert: Invalid Length (${olen} bytes)`);
      ctx.need('ipv6', data, 2, end);
      const v = u16(d, data);
      ot?.add(hf.routerAlert, data, 2, v, { text: `Router Alert: ${RTALERT[v] ?? 'Unknown'} (${v})` });
      if (olen > 2) ot?.add(hf.optUnknownData, data + 2, olen - 2, d.subarray(data + 2, data + olen));
    } else if (type === 4) {
      ctx.need('ipv6', data, 1, end);
      ot?.add(hf.tel, data, 1, d[data]!);
    } else if (type === 194) {
      ctx.need('ipv6', data, 4, end);
      ot?.add(hf.jumbo, data, 4, u32(d, data));
    } else if ((type & 0x1f) === 0x1e) {
      ot?.add(hf.optExperimental, data, olen, d.subarray(data, data + olen));
    } else {
      const ut = ot?.add(hf.optUnknown, data, olen, d.subarray(data, data + olen));
      ctx.issue('ipv6', ei.optUnknownData, ut, data, olen);
    }
    p = data + olen;
  }
}

/** Routing header; returns the destination Wireshark then uses for the columns, if it changes. */
function decodeRouting(ctx: DecodeContext, t: Tree | undefined, o: number, len: number, end: number): Uint8Array | undefined {
  const d = ctx.data;
  ctx.need('ipv6', o, 4, end);
  const type = d[o + 2]!;
  const segleft = d[o + 3]!;
  const hdrLen = d[o + 1]!;
  const rt = t?.add(hf.routing, o, len, null, {
    text: `Routing Header for IPv6 (${ROUTING_TYPES[type] ?? `Unknown type ${type}`})`,
  });
  if (rt) {
    const nx = d[o]!;
    rt.add(hf.routingNxt, o, 1, nx, { text: `Next Header: ${ipProtoName(nx)} (${nx})` });
    rt.add(hf.routingLen, o + 1, 1, hdrLen, { text: `Length: ${hdrLen} (${len} bytes)` });
    rt.add(hf.routingLenOct, o + 1, 1, len, { text: `[Length: ${len} bytes]`, generated: true });
    rt.add(hf.routingType, o + 2, 1, type);
    rt.add(hf.routingSegleft, o + 3, 1, segleft);
  }
  const body = o + 4;
  let newDst: Uint8Array | undefined;
  if (type === 0) {
    ctx.need('ipv6', body, 4, end);
    rt?.add(hf.routingSrcReserved, body, 4, d.subarray(body, body + 4));
    const n = hdrLen >> 1;
    let last: Uint8Array | undefined;
    for (let i = 1; i <= n; i++) {
      const a = body + 4 + (i - 1) * 16;
      ctx.need('ipv6', a, 16, end);
      last = d.subarray(a, a + 16);
      rt?.add(hf.routingSrcAddr, a, 16, last, { text: `Address[${i}]: ${ipv6ToString(last)}` });
    }
    if (last && segleft > 0) newDst = last;
    ctx.issue('ipv6', ei.routingDeprecated, rt, o + 2, 1);
  } else if (type === 2) {
    ctx.need('ipv6', body, 20, end);
    rt?.add(hf.routingMipv6Reserved, body, 4, d.subarray(body, body + 4));
    const a = d.subarray(body + 4, body + 20);
    rt?.add(hf.routingMipv6Home, body + 4, 16, a, { text: `Home Address: ${ipv6ToString(a)}` });
    if (segleft > 0) newDst = a;
  } else {
    ctx.need('ipv6', body, len - 4, end);
    const ut = rt?.add(hf.routingUnknown, body, len - 4, d.subarray(body, body + len - 4));
    ctx.issue('ipv6', ei.routingUndecoded, ut, body, len - 4);
  }
  return newDst;
}
