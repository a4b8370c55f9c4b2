import type { DecodeContext, DecodeResult } from './core/context.js';
import { field, protocol } from './core/fields.js';
import { ipv4ToString, macToString } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { ARPHRD } from './arp.js';
import {
  addEthertypeTrailer,
  ETHERTYPE_NAMES,
  ethertypeNext,
  ethertypePayloadLength,
  reportedEndOf,
  unknownEthertypeColumns,
} from './ethertypes.js';

export const PACKET_TYPES: Record<number, string> = {
  0: 'Unicast to us',
  1: 'Broadcast',
  2: 'Multicast',
  3: 'Unicast to another host',
  4: 'Sent by us',
};
const LTYPES: Record<number, string> = {
  0x0001: 'Raw 802.3',
  0x0003: 'Ethernet',
  0x0004: '802.2 LLC',
  0x0007: 'PPP (HDLC)',
  0x000c: 'CAN',
  0x000d: 'CAN FD',
  0x0017: 'IrDA LAP',
  0x00f5: 'ISI',
  0x00f6: 'IEEE 802.15.4',
};

/** Fields shared by Linux cooked capture v1 and v2 (both are the `sll` protocol in Wireshark). */
export const hf = {
  sll: protocol('sll', 'Linux cooked-mode capture'),
  pkttype: field('sll.pkttype', 'Packet type', 'uint', { bits: 16, values: PACKET_TYPES }),
  hatype: field('sll.hatype', 'Link-layer address type', 'uint', { bits: 16, values: ARPHRD }),
  halen: field('sll.halen', 'Link-layer address length', 'uint', { bits: 16 }),
  srcEth: field('sll.src.eth', 'Source', 'ether'),
  srcIpv4: field('sll.src.ipv4', 'Source', 'ipv4'),
  srcOther: field('sll.src.other', 'Source', 'bytes'),
  unused: field('sll.unused', 'Unused', 'bytes'),
  ltype: field('sll.ltype', 'Protocol', 'uint', { base: 'hex', bits: 16, values: LTYPES }),
  gretype: field('sll.gretype', 'Protocol', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  etype: field('sll.etype', 'Protocol', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  trailer: field('sll.trailer', 'Trailer', 'bytes'),
  ifindex: field('sll.ifindex', 'Interface index', 'uint', { bits: 32 }),
};

export interface SllLayer extends Layer {
  proto: 'sll';
  version: 1 | 2;
  pktType: number;
  haType: number;
  haLen: number;
  /** Offset of the source address field (8 bytes) in the frame. */
  srcOffset: number;
  /** EtherType, or a Linux protocol type when <= 1536. */
  protocol: number;
  /** SLL2 only. */
  ifIndex?: number;
}

const ARPHRD_IPGRE = 778;
const ARPHRD_NETLINK = 824;

/** Header fields common to both versions, in Wireshark's order for each. */
export function sllCommon(
  ctx: DecodeContext,
  t: Tree | undefined,
  layer: SllLayer,
  halenOffset: number,
  halenSize: number,
): void {
  const d = ctx.data;
  const haOff = halenOffset + halenSize;
  const haLen = layer.haLen;
  t?.add(hf.halen, halenOffset, halenSize, haLen);
  if (haLen === 4) {
    const a = ((d[haOff]! << 24) | (d[haOff + 1]! << 16) | (d[haOff + 2]! << 8) | d[haOff + 3]!) >>> 0;
    t?.add(hf.srcIpv4, haOff, 4, a);
    if (ctx.columns) ctx.setAddresses(ipv4ToString(a), '', false);
  } else if (haLen === 6) {
    const a = d.subarray(haOff, haOff + 6);
    t?.add(hf.srcEth, haOff, 6, a);
    if (ctx.columns) ctx.setAddresses(macToString(a), '', false);
  } else if (haLen !== 0) {
    const n = Math.min(haLen, 8);
    t?.add(hf.srcOther, haOff, n, d.subarray(haOff, haOff + n));
  }
  if (haLen < 8) t?.add(hf.unused, haOff + haLen, 8 - haLen, d.subarray(haOff + haLen, haOff + 8));
}

export function sllProtocolField(t: Tree | undefined, at: number, protocol: number, haType: number): void {
  if (!t) return;
  if (protocol <= 1536) t.add(hf.ltype, at, 2, protocol);
  else if (haType === ARPHRD_IPGRE) t.add(hf.gretype, at, 2, protocol);
  else t.add(hf.etype, at, 2, protocol);
}

/** What follows the cooked header: a Linux protocol type, a GRE type, or an EtherType (the
 * latter with Ethernet-style padding/trailer detection, as Wireshark's ethertype dissector). */
export function sllPayload(
  ctx: DecodeContext,
  t: Tree | undefined,
  layer: SllLayer,
  payload: number,
  end: number,
): DecodeResult {
  const protocol = layer.protocol;
  if (protocol <= 1536) {
    // 802.2 LLC is the only Linux protocol type with a decoder here.
    return { offset: payload, end, next: { proto: protocol === 0x0004 ? 'llc' : 'data' } };
  }
  if (layer.haType === ARPHRD_IPGRE) {
    return { offset: payload, end, next: ethertypeNext(ctx, protocol, payload, end) };
  }
  ctx.addProtocolName('ethertype');
  if (!ctx.registry.lookup('ethertype', protocol)) unknownEthertypeColumns(ctx, protocol);
  const reportedEnd = reportedEndOf(ctx, end);
  const inner = ethertypePayloadLength(ctx.data, protocol, payload, end, reportedEnd);
  if (inner !== undefined) {
    addEthertypeTrailer(ctx, t, hf.trailer, payload + inner, end, reportedEnd);
    return { offset: payload, end: Math.min(end, payload + inner), next: { table: 'ethertype', key: protocol } };
  }
  return { offset: payload, end, next: ethertypeNext(ctx, protocol, payload, end) };
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 16-byte header). */
export const sllDecoder: Decoder = {
  proto: 'sll',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    const at = (o: number) => (o < end ? d[o]! : 0);
    const haType = (at(offset + 2) << 8) | at(offset + 3);
    if (haType === ARPHRD_NETLINK && end - offset >= 4) return { offset, end, next: { proto: 'data' } };
    const layer = ctx.addLayer<SllLayer>({
      proto: 'sll',
      offset,
      length: Math.min(16, end - offset),
      errorDepth: 0,
      version: 1,
      pktType: (at(offset) << 8) | at(offset + 1),
      haType,
      haLen: (at(offset + 4) << 8) | at(offset + 5),
      srcOffset: offset + 6,
      protocol: (at(offset + 14) << 8) | at(offset + 15),
    });
    ctx.need('sll', offset, 4, end);
    const pktType = layer.pktType;
    ctx.setProtocol('SLL');
    if (ctx.columns) ctx.setInfo(PACKET_TYPES[pktType] ?? `Unknown (${pktType})`);
    ctx.need('sll', offset, 16, end);
    const t = tree?.add(hf.sll, offset, 16, null, { text: 'Linux cooked capture v1' });
    if (t) {
      layer.tree = t;
      t.add(hf.pkttype, offset, 2, pktType);
      t.add(hf.hatype, offset + 2, 2, haType);
    }
    sllCommon(ctx, t, layer, offset + 4, 2);
    sllProtocolField(t, offset + 14, layer.protocol, haType);
    return sllPayload(ctx, t, layer, offset + 16, end);
  },
};
