import type { DecodeContext, DecodeResult } from './core/context.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import type { FieldDef } from './core/fields.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import {
  addEthertypeTrailer,
  ETHERTYPE_NAMES,
  ethertypeNext,
  ethertypePayloadLength,
  reportedEndOf,
  unknownEthertypeColumns,
} from './ethertypes.js';
import { bitPrefix } from './ipv4.js';

/** 802.1Q-2005 priority names (Wireshark's default `vlan.priority` table). */
const PRIORITIES: Record<number, string> = {
  0: 'Best Effort (default)',
  1: 'Background',
  2: 'Excellent Effort',
  3: 'Critical Applications',
  4: 'Video, < 100ms latency and jitter',
  5: 'Voice, < 10ms latency and jitter',
  6: 'Internetwork Control',
  7: 'Network Control',
};

export const hf = {
  vlan: protocol('vlan', '802.1Q Virtual LAN'),
  priority: field('vlan.priority', 'Priority', 'uint', { bits: 16, mask: 0xe000, values: PRIORITIES }),
  dei: field('vlan.dei', 'DEI', 'bool', { mask: 0x1000, tf: ['Eligible', 'Ineligible'] }),
  id: field('vlan.id', 'ID', 'uint', { bits: 16, mask: 0x0fff }),
  etype: field('vlan.etype', 'Type', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  len: field('vlan.len', 'Length', 'uint', { bits: 16 }),
  trailer: field('vlan.trailer', 'Trailer', 'bytes'),
  ad: protocol('ieee8021ad', 'IEEE 802.1ad'),
  adPriority: field('ieee8021ad.priority', 'Priority', 'uint', { bits: 16, mask: 0xe000 }),
  adDei: field('ieee8021ad.dei', 'DEI', 'uint', { bits: 16, mask: 0x1000 }),
  adId: field('ieee8021ad.id', 'ID', 'uint', { bits: 16, mask: 0x0fff }),
  ahEtype: field('ieee8021ah.etype', 'Type', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  ahTrailer: field('ieee8021ah.trailer', 'Trailer', 'bytes'),
};

const ei = {
  lenPastEnd: expert('vlan.len.past_end', 'error', 'malformed', 'Length field value goes past the end of the payload'),
};

export interface VlanLayer extends Layer {
  proto: 'vlan' | 'ieee8021ad';
  priority: number;
  dei: boolean;
  id: number;
  /** EtherType, or the 802.3 length when < 0x600. */
  type: number;
}

/** Records the tag's layer and reads its TCI (priority, DEI, VLAN id). */
function readTag(ctx: DecodeContext, proto: 'vlan' | 'ieee8021ad', offset: number, end: number) {
  const layer = ctx.addLayer<VlanLayer>({ proto, offset, length: end - offset, errorDepth: 0, priority: 0, dei: false, id: 0, type: 0 });
  ctx.need(proto, offset, 2, end);
  const tci = (ctx.data[offset]! << 8) | ctx.data[offset + 1]!;
  const pri = tci >> 13;
  const dei = (tci >> 12) & 1;
  const id = tci & 0xfff;
  layer.priority = pri;
  layer.dei = dei === 1;
  layer.id = id;
  return { layer, tci, pri, dei, id };
}

/** 802.1Q VLAN tag (also the old 0x9100 Q-in-Q tag); nested tags dispatch through the
 * `ethertype` table again. */
export const vlanDecoder: Decoder = {
  proto: 'vlan',
  fieldPrefixes: ['vlan', 'ieee8021ad', 'ieee8021ah'],
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    ctx.setProtocol('VLAN');
    const { layer, tci, pri, dei, id } = readTag(ctx, 'vlan', offset, end);
    if (ctx.columns) ctx.setInfo(`PRI: ${pri}  DEI: ${dei}  ID: ${id}`);
    const full = tree !== undefined && tree.full;
    const t = tree?.add(hf.vlan, offset, 4, null, full || tree.wants(hf.vlan) ? { text: `802.1Q Virtual LAN, PRI: ${pri}, DEI: ${dei}, ID: ${id}` } : undefined);
    if (t) {
      layer.tree = t;
      t.add(hf.priority, offset, 2, pri, full ? { text: `${bitPrefix(tci, 0xe000, 16)}Priority: ${PRIORITIES[pri]} (${pri})` } : undefined);
      t.add(hf.dei, offset, 2, dei === 1, full ? { text: `${bitPrefix(tci, 0x1000, 16)}DEI: ${dei ? 'Eligible' : 'Ineligible'}` } : undefined);
      t.add(hf.id, offset, 2, id, full ? { text: `${bitPrefix(tci, 0x0fff, 16)}ID: ${id}` } : undefined);
    }
    return tagPayload(ctx, layer, t, offset, end, hf.etype, hf.trailer);
  },
};

/** IEEE 802.1ad service tag (EtherType 0x88a8). */
export const ieee8021adDecoder: Decoder = {
  proto: 'ieee8021ad',
  fieldPrefixes: ['vlan', 'ieee8021ad', 'ieee8021ah'],
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    ctx.setProtocol('IEEE 802.1ad');
    const { layer, tci, pri, dei, id } = readTag(ctx, 'ieee8021ad', offset, end);
    if (ctx.columns) ctx.setInfo(`PRI: ${pri}  DROP: ${dei} ID: ${id}`);
    const t = tree?.add(hf.ad, offset, 4, null, { text: `IEEE 802.1ad, ID: ${id}` });
    if (t) {
      layer.tree = t;
      t.add(hf.adPriority, offset, 2, pri, { text: `${bitPrefix(tci, 0xe000, 16)}Priority: ${pri}` });
      t.add(hf.adDei, offset, 2, dei, { text: `${bitPrefix(tci, 0x1000, 16)}DEI: ${dei}` });
      t.add(hf.adId, offset, 2, id, { text: `${bitPrefix(tci, 0x0fff, 16)}ID: ${id}` });
    }
    return tagPayload(ctx, layer, t, offset, end, hf.ahEtype, hf.ahTrailer);
  },
};

function tagPayload(
  ctx: DecodeContext,
  layer: VlanLayer,
  t: Tree | undefined,
  offset: number,
  end: number,
  etypeDef: FieldDef,
  trailerDef: FieldDef,
): DecodeResult {
  const d = ctx.data;
  ctx.need(layer.proto, offset + 2, 2, end);
  const type = (d[offset + 2]! << 8) | d[offset + 3]!;
  layer.type = type;
  const payload = offset + 4;
  const reportedEnd = reportedEndOf(ctx, end);
  if (type <= 1500) {
    // 802.3 length: LLC follows (or raw IPX when it starts with 0xffff).
    const lt = t?.add(hf.len, offset + 2, 2, type);
    let len = type;
    if (payload + len > reportedEnd) {
      ctx.issue(layer.proto, ei.lenPastEnd, lt, offset + 2, 2);
      len = Math.max(0, reportedEnd - payload);
    }
    const payloadEnd = Math.min(end, payload + len);
    addEthertypeTrailer(ctx, t, trailerDef, payload + len, end, reportedEnd);
    const ipx = payload + 2 <= end && d[payload] === 0xff && d[payload + 1] === 0xff;
    return { offset: payload, end: payloadEnd, next: { proto: ipx ? 'data' : 'llc' } };
  }
  t?.add(etypeDef, offset + 2, 2, type);
  ctx.addProtocolName('ethertype');
  if (!ctx.registry.lookup('ethertype', type)) unknownEthertypeColumns(ctx, type);
  const inner = ethertypePayloadLength(d, type, payload, end, reportedEnd);
  if (inner !== undefined) {
    addEthertypeTrailer(ctx, t, trailerDef, payload + inner, end, reportedEnd);
    return { offset: payload, end: Math.min(end, payload + inner), next: { table: 'ethertype', key: type } };
  }
  return { offset: payload, end, next: ethertypeNext(ctx, type, payload, end) };
}
