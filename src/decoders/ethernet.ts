import type { DecodeContext, DecodeResult } from './core/context.js';
import { field, protocol } from './core/fields.js';
import { u16 } from './core/bytes.js';
import { macToString } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder, LeanStep } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { addEthertypeTrailer, ETHERTYPE_NAMES, ethertypeNext, ethertypePayloadLength, reportedEndOf } from './ethertypes.js';

export const hf = {
  eth: protocol('eth', 'Ethernet II'),
  dst: field('eth.dst', 'Destination', 'ether'),
  src: field('eth.src', 'Source', 'ether'),
  addr: field('eth.addr', 'Address', 'ether'),
  dstLg: field('eth.dst.lg', 'LG bit', 'bool', { bits: 24, mask: 0x020000, tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] }),
  dstIg: field('eth.dst.ig', 'IG bit', 'bool', { bits: 24, mask: 0x010000, tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] }),
  srcLg: field('eth.src.lg', 'LG bit', 'bool', { bits: 24, mask: 0x020000, tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] }),
  srcIg: field('eth.src.ig', 'IG bit', 'bool', { bits: 24, mask: 0x010000, tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] }),
  type: field('eth.type', 'Type', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  len: field('eth.len', 'Length', 'uint'),
  padding: field('eth.padding', 'Padding', 'bytes'),
  trailer: field('eth.trailer', 'Trailer', 'bytes'),
};

export interface EthernetLayer extends Layer {
  proto: 'eth';
  /** Offsets of the 6-byte addresses in the frame. */
  dstOffset: number;
  srcOffset: number;
  /** EtherType, or the 802.3 length when < 0x600. */
  type: number;
}

function ethernetLayer(offset: number, end: number, type: number): EthernetLayer {
  return { proto: 'eth', offset, length: end - offset, errorDepth: 0, dstOffset: offset, srcOffset: offset + 6, type, tree: undefined };
}

/** Ethernet II and IEEE 802.3 (length field → LLC). */
export const ethernetDecoder: Decoder = {
  proto: 'eth',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    ctx.need('eth', offset, 14, end);
    const type = u16(ctx.data, offset + 12);
    const layer = ctx.addLayer(ethernetLayer(offset, end, type));
    const d = ctx.data;
    ctx.setProtocol('ETHERNET');
    if (ctx.columns) ctx.setMacAddresses(d, offset + 6, offset);
    const is8023 = type <= 1500;
    const t = tree?.add(
      hf.eth,
      offset,
      14,
      null,
      tree.full || tree.wants(hf.eth)
        ? {
            text: `${is8023 ? 'IEEE 802.3 Ethernet' : 'Ethernet II'}, Src: ${macToString(d.subarray(offset + 6, offset + 12))}, Dst: ${macToString(d.subarray(offset, offset + 6))}`,
          }
        : undefined,
    );
    if (t) {
      layer.tree = t;
      const dst = d.subarray(offset, offset + 6);
      const src = d.subarray(offset + 6, offset + 12);
      const dt = t.add(hf.dst, offset, 6, dst);
      dt.add(hf.addr, offset, 6, dst);
      dt.add(hf.dstLg, offset, 3, (d[offset]! & 2) !== 0);
      dt.add(hf.dstIg, offset, 3, (d[offset]! & 1) !== 0);
      const st = t.add(hf.src, offset + 6, 6, src);
      st.add(hf.addr, offset + 6, 6, src);
      st.add(hf.srcLg, offset + 6, 3, (d[offset + 6]! & 2) !== 0);
      st.add(hf.srcIg, offset + 6, 3, (d[offset + 6]! & 1) !== 0);
      if (is8023) t.add(hf.len, offset + 12, 2, type);
      else t.add(hf.type, offset + 12, 2, type);
    }
    if (is8023) {
      const llcEnd = Math.min(end, offset + 14 + type);
      return { offset: offset + 14, end: llcEnd, next: { proto: 'llc' } };
    }
    ctx.addProtocolName('ethertype');
    const payload = offset + 14;
    const reportedEnd = reportedEndOf(ctx, end);
    const inner = ethertypePayloadLength(d, type, payload, end, reportedEnd);
    if (inner !== undefined) addEthertypeTrailer(ctx, t, hf.padding, payload + inner, end, reportedEnd);
    return { offset: payload, end, next: ethertypeNext(ctx, type, payload, end) };
  },
  lean(ctx: DecodeContext, offset: number, end: number, step: LeanStep): boolean {
    // (an 802.3 length field goes to LLC; a bare header hands on by protocol name)
    if (end - offset <= 14) return false;
    const type = u16(ctx.data, offset + 12);
    if (type <= 1500) return false;
    // (without columns there is no Protocol column to set)
    ctx.addLayer(ethernetLayer(offset, end, type));
    ctx.addProtocolName('ethertype');
    step.next.table = 'ethertype';
    step.next.key = type;
    step.offset = offset + 14;
    step.end = end;
    return true;
  },
};
