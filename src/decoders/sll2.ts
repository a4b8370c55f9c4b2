import type { DecodeContext, DecodeResult } from './core/context.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { hf, PACKET_TYPES, sllCommon, sllPayload, sllProtocolField, type SllLayer } from './sll.js';

export { hf };

const ARPHRD_NETLINK = 824;

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 20-byte header). Wireshark shows it as the
 * same `sll` protocol with `sll.*` fields, plus `sll.ifindex`. */
export const sll2Decoder: Decoder = {
  proto: 'sll',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    const at = (o: number) => (o < end ? d[o]! : 0);
    const haType = (at(offset + 8) << 8) | at(offset + 9);
    if (haType === ARPHRD_NETLINK && end - offset >= 11) return { offset, end, next: { proto: 'data' } };
    const layer = ctx.addLayer<SllLayer>({
      proto: 'sll',
      offset,
      length: Math.min(20, end - offset),
      errorDepth: 0,
      version: 2,
      pktType: at(offset + 10),
      haType,
      haLen: at(offset + 11),
      srcOffset: offset + 12,
      protocol: (at(offset) << 8) | at(offset + 1),
      ifIndex: ((at(offset + 4) << 24) | (at(offset + 5) << 16) | (at(offset + 6) << 8) | at(offset + 7)) >>> 0,
    });
    ctx.need('sll', offset, 11, end);
    const pktType = layer.pktType;
    ctx.setProtocol('SLL');
    if (ctx.columns) ctx.setInfo(PACKET_TYPES[pktType] ?? `Unknown (${pktType})`);
    ctx.need('sll', offset, 20, end);
    const t = tree?.add(hf.sll, offset, 20, null, { text: 'Linux cooked capture v2' });
    if (t) layer.tree = t;
    sllProtocolField(t, offset, layer.protocol, haType);
    t?.add(hf.ifindex, offset + 4, 4, layer.ifIndex!);
    t?.add(hf.hatype, offset + 8, 2, haType);
    t?.add(hf.pkttype, offset + 10, 1, pktType);
    sllCommon(ctx, t, layer, offset + 11, 1);
    return sllPayload(ctx, t, layer, offset + 20, end);
  },
};
