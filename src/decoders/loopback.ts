import type { DecodeContext, DecodeResult } from './core/context.js';
import { field, protocol } from './core/fields.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { ETHERTYPE_NAMES } from './ethertypes.js';
import { ipv4Decoder } from './ipv4.js';
import { ipv6Decoder } from './ipv6.js';

/** BSD address families as the null/loop header carries them. */
const FAMILIES: Record<number, string> = {
  2: 'IP',
  7: 'OSI',
  16: 'Appletalk',
  23: 'Netware IPX/SPX',
  24: 'IPv6',
  28: 'IPv6',
  30: 'IPv6',
};

export const hf = {
  null: protocol('null', 'Null/Loopback'),
  type: field('null.type', 'Type', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  family: field('null.family', 'Family', 'uint', { bits: 32, values: FAMILIES }),
  raw: protocol('raw', 'Raw packet data'),
};

export interface NullLayer extends Layer {
  proto: 'null';
  /** BSD AF_ value, or an EtherType when > 1500. */
  family: number;
}

export interface RawLayer extends Layer {
  proto: 'raw';
}

/** What a BSD family value leads to. */
function familyNext(family: number): DecodeResult['next'] {
  if (family === 2) return { table: 'ethertype', key: 0x0800 };
  if (family === 24 || family === 28 || family === 30) return { table: 'ethertype', key: 0x86dd };
  return { proto: 'data' };
}

function naColumns(ctx: DecodeContext, info: string): void {
  ctx.setProtocol('N/A');
  if (ctx.columns) {
    ctx.setInfo(info);
    ctx.setAddresses('N/A', 'N/A', false);
  }
}

/**
 * LINKTYPE_NULL: a 4-byte address family in the capturing host's byte order. As Wireshark does,
 * the order is inferred: BSD AF_ values fit in 8 bits, IRIX/UNICOS put a 16-bit value in the
 * upper half, and old Linux captures put a byte-swapped EtherType there.
 */
export const nullDecoder: Decoder = {
  proto: 'null',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    const layer = ctx.addLayer<NullLayer>({ proto: 'null', offset, length: Math.min(4, end - offset), errorDepth: 0, family: 0 });
    const t = tree?.add(hf.null, offset, Math.min(4, end - offset), null, { text: 'Null/Loopback' });
    if (t) layer.tree = t;
    ctx.need('null', offset, 2, end);
    if (d[offset] === 0xff && d[offset + 1] === 0x03) {
      // PPP in HDLC-like framing: no PPP decoder here.
      return { offset, end, next: { proto: 'data' } };
    }
    naColumns(ctx, 'Null/Loopback');
    ctx.need('null', offset, 4, end);
    // Read as Wireshark does on a little-endian host.
    let h = (d[offset]! | (d[offset + 1]! << 8) | (d[offset + 2]! << 16) | (d[offset + 3]! << 24)) >>> 0;
    if ((h & 0xffff0000) !== 0) {
      if ((h & 0xff000000) === 0 && (h & 0x00ff0000) < 0x00060000) h >>>= 16;
      else h = (((h & 0xff) << 24) | ((h & 0xff00) << 8) | ((h >>> 8) & 0xff00) | (h >>> 24)) >>> 0;
    } else if ((h & 0xff) === 0 && (h & 0xff00) < 0x0600) {
      h = ((h & 0xff) << 8) | ((h >> 8) & 0xff);
    }
    layer.family = h;
    if (h > 1500) {
      t?.add(hf.type, offset, 4, h & 0xffff);
      return { offset: offset + 4, end, next: { table: 'ethertype', key: h & 0xffff } };
    }
    t?.add(hf.family, offset, 4, h);
    return { offset: offset + 4, end, next: familyNext(h) };
  },
};

/** LINKTYPE_LOOP (OpenBSD loopback): the family in network byte order. */
export const loopDecoder: Decoder = {
  proto: 'null',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    naColumns(ctx, 'Null/Loopback');
    const layer = ctx.addLayer<NullLayer>({ proto: 'null', offset, length: Math.min(4, end - offset), errorDepth: 0, family: 0 });
    const t = tree?.add(hf.null, offset, Math.min(4, end - offset), null, { text: 'Null/Loopback' });
    if (t) layer.tree = t;
    ctx.need('null', offset, 4, end);
    const family = ((d[offset]! << 24) | (d[offset + 1]! << 16) | (d[offset + 2]! << 8) | d[offset + 3]!) >>> 0;
    layer.family = family;
    t?.add(hf.family, offset, 4, family);
    return { offset: offset + 4, end, next: familyNext(family) };
  },
};

/** LINKTYPE_RAW: an IPv4 or IPv6 packet, told apart by the version nibble (after Wireshark's
 * checks for PPP remnants some Linux drivers leave in front). */
export const rawIpDecoder: Decoder = {
  proto: 'raw',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    naColumns(ctx, 'Raw packet data');
    const layer = ctx.addLayer<RawLayer>({ proto: 'raw', offset, length: end - offset, errorDepth: 0 });
    const t = tree?.add(hf.raw, offset, end - offset, null, { text: 'Raw packet data' });
    if (t) layer.tree = t;
    const ppp = (o: number) => {
      ctx.need('raw', o, 2, end);
      return d[o] === 0xff && d[o + 1] === 0x03;
    };
    // PPP in HDLC-like framing at 0, 6 or 1: there is no PPP decoder here.
    if (ppp(offset) || ppp(offset + 6) || ppp(offset + 1)) return { offset, end, next: { proto: 'data' } };
    if (end - offset >= 10) {
      let zero = true;
      for (let i = 0; i < 10; i++) if (d[offset + i] !== 0) zero = false;
      if (zero) return { offset: offset + 10, end, next: { table: 'ethertype', key: 0x0800 } };
    }
    const v = d[offset]! >> 4;
    if (v === 4) return { offset, end, next: { table: 'ethertype', key: 0x0800 } };
    if (v === 6) return { offset, end, next: { table: 'ethertype', key: 0x86dd } };
    return { offset, end, next: { proto: 'data' } };
  },
};

/** LINKTYPE_IPV4: the frame is an IPv4 packet (no `raw` layer in Wireshark either). */
export const rawIpv4Decoder: Decoder = ipv4Decoder;

/** LINKTYPE_IPV6: the frame is an IPv6 packet. */
export const rawIpv6Decoder: Decoder = ipv6Decoder;
