/**
 * Which shard of a parallel run decodes a frame. Every per-frame state the decoders and analysers
 * keep is per conversation (TCP/UDP 4-tuple, IP datagram, ICMP echo pair) or per non-IP protocol
 * (ARP bindings), so frames split by conversation decode in separate workers exactly as they do
 * in one: the key of a frame is the unordered pair of its innermost endpoints (address + port;
 * an ICMP error counts for the packet it quotes), and every non-IP frame goes to shard 0.
 *
 * The key is read from the raw bytes, before any decoding, by all workers alike; `layerShardKey`
 * computes the same key from decoded layers so a worker can check the split after the fact (an
 * encapsulation this reader does not follow, a fragment seen before its datagram's first one) and
 * the run can fall back to one worker.
 */
import type { Frame } from '../capture/types.js';
import { LINKTYPE } from '../decoders/linktypes.js';
import type { Layer } from '../decoders/core/packet.js';
import { u16, u32 } from '../decoders/core/bytes.js';

/** Key of a frame without IP (ARP, LLC, unknown link types): all of them go to shard 0. */
export const NON_IP = -1;

const mix = (h: number, w: number): number => {
  h = Math.imul(h ^ w, 0x9e3779b1);
  return h ^ (h >>> 15);
};
const fmix = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** Hash of one endpoint: an IPv4 address (one word) or IPv6 (four words) and a port. */
function endpoint4(addr: number, port: number): number {
  return fmix(mix(mix(0x811c9dc5, addr | 0), port));
}
function endpoint6(b: Uint8Array, o: number, port: number): number {
  let h = 0x01000193;
  for (let i = 0; i < 16; i += 4) h = mix(h, (b[o + i]! << 24) | (b[o + i + 1]! << 16) | (b[o + i + 2]! << 8) | b[o + i + 3]!);
  return fmix(mix(h, port));
}
/** Symmetric in its two endpoints: both directions of a conversation get the same key. */
const pair = (a: number, b: number): number => fmix(mix(a ^ b, (a + b) | 0)) & 0x7fffffff;

export function shardOfKey(key: number, shards: number): number {
  return key === NON_IP ? 0 : key % shards;
}


/** Transport protocols whose first four bytes are the two ports. */
const PORTED = new Set([6, 17, 33, 132, 136]);

/** Reads frames' shard keys in file order. It remembers each fragmented datagram's key (from its
 * first fragment, or from whichever fragment came first) so all its fragments go together. */
export class ShardKeyReader {
  private readonly datagrams = new Map<number, number>();

  frameKey(f: Frame): number {
    const d = f.data;
    switch (f.linkType) {
      case LINKTYPE.ETHERNET:
        return this.ethertype(d, 12);
      case LINKTYPE.LINUX_SLL:
        return this.ethertype(d, 14);
      case LINKTYPE.LINUX_SLL2:
        return d.length >= 2 ? this.byEthertype(d, u16(d, 0), 20) : NON_IP;
      case LINKTYPE.RAW:
      case LINKTYPE.IPV4:
      case LINKTYPE.IPV6:
        return this.ip(d, 0, 0);
      case LINKTYPE.NULL:
      case LINKTYPE.LOOP:
        return d.length > 4 ? this.ip(d, 4, 0) : NON_IP;
      default:
        return NON_IP;
    }
  }

  /** EtherType at `o`, through any number of 802.1Q/802.1ad tags. */
  private ethertype(d: Uint8Array, o: number): number {
    for (let i = 0; i < 8 && o + 2 <= d.length; i++) {
      const t = u16(d, o);
      if (t === 0x8100 || t === 0x88a8 || t === 0x9100) o += 4;
      else return this.byEthertype(d, t, o + 2);
    }
    return NON_IP;
  }

  private byEthertype(d: Uint8Array, type: number, o: number): number {
    return type === 0x0800 || type === 0x86dd ? this.ip(d, o, 0) : NON_IP;
  }

  private ip(d: Uint8Array, o: number, depth: number): number {
    if (o >= d.length || depth > 4) return NON_IP;
    const v = d[o]! >> 4;
    if (v === 4) return this.ipv4(d, o, depth);
    if (v === 6) return this.ipv6(d, o, depth);
    return NON_IP;
  }

  private ipv4(d: Uint8Array, o: number, depth: number): number {
    const hl = (d[o]! & 15) * 4;
    if (hl < 20 || o + 20 > d.length) return NON_IP;
    const proto = d[o + 9]!;
    const src = u32(d, o + 12);
    const dst = u32(d, o + 16);
    const frag = u16(d, o + 6);
    const p = o + hl;
    if (frag & 0x3fff) {
      // a fragment: the datagram's key, fixed by the first of its fragments seen
      const dg = fmix(mix(mix(mix(4, src), dst), (u16(d, o + 4) << 8) | proto));
      return this.datagram(dg, (frag & 0x1fff) === 0 ? this.transport4(d, p, proto, src, dst, depth) : pair(endpoint4(src, 0), endpoint4(dst, 0)));
    }
    return this.transport4(d, p, proto, src, dst, depth);
  }

  private transport4(d: Uint8Array, p: number, proto: number, src: number, dst: number, depth: number): number {
    if (PORTED.has(proto) && p + 4 <= d.length) return pair(endpoint4(src, u16(d, p)), endpoint4(dst, u16(d, p + 2)));
    if (proto === 1 && p + 8 < d.length) {
      const type = d[p]!;
      // errors quote the packet they answer: that packet's conversation
      if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) {
        const q = this.ip(d, p + 8, depth + 1);
        if (q !== NON_IP) return q;
      }
    }
    if (proto === 4 || proto === 41) {
      const inner = this.ip(d, p, depth + 1);
      if (inner !== NON_IP) return inner;
    }
    return pair(endpoint4(src, 0), endpoint4(dst, 0));
  }

  private ipv6(d: Uint8Array, o: number, depth: number): number {
    if (o + 40 > d.length) return NON_IP;
    let nxt = d[o + 6]!;
    let p = o + 40;
    for (let i = 0; i < 16; i++) {
      if ((nxt === 0 || nxt === 43 || nxt === 60 || nxt === 51) && p + 8 <= d.length) {
        const len = nxt === 51 ? (d[p + 1]! + 2) * 4 : (d[p + 1]! + 1) * 8;
        nxt = d[p]!;
        p += len;
        continue;
      }
      if (nxt === 44 && p + 8 <= d.length) {
        const off = u16(d, p + 2) >> 3;
        const dg = fmix(mix(mix(6, endpoint6(d, o + 8, 0)), mix(endpoint6(d, o + 24, 0), u32(d, p + 4))));
        const first = off === 0 ? this.transport6(d, o, d[p]!, p + 8, depth) : pair(endpoint6(d, o + 8, 0), endpoint6(d, o + 24, 0));
        return this.datagram(dg, first);
      }
      break;
    }
    return this.transport6(d, o, nxt, p, depth);
  }

  private transport6(d: Uint8Array, o: number, nxt: number, p: number, depth: number): number {
    if (PORTED.has(nxt) && p + 4 <= d.length) return pair(endpoint6(d, o + 8, u16(d, p)), endpoint6(d, o + 24, u16(d, p + 2)));
    if (nxt === 58 && p + 8 < d.length && d[p]! >= 1 && d[p]! <= 4) {
      const q = this.ip(d, p + 8, depth + 1);
      if (q !== NON_IP) return q;
    }
    if (nxt === 4 || nxt === 41) {
      const inner = this.ip(d, p, depth + 1);
      if (inner !== NON_IP) return inner;
    }
    return pair(endpoint6(d, o + 8, 0), endpoint6(d, o + 24, 0));
  }

  private datagram(dg: number, key: number): number {
    const known = this.datagrams.get(dg);
    if (known !== undefined) return known;
    // bounded: a datagram whose fragments are 64k datagrams apart loses its entry
    if (this.datagrams.size >= 65536) this.datagrams.clear();
    this.datagrams.set(dg, key);
    return key;
  }
}

interface IpAddrs {
  proto: string;
  src?: unknown;
  dst?: unknown;
}
interface Ports {
  srcPort: number;
  dstPort: number;
}

/** The shard key of a decoded TCP or UDP layer (with the IP layer below it), as `frameKey` would
 * compute it from the bytes; null when the layers are not IP + ports. */
export function layerShardKey(ip: Layer, transport: Layer): number | null {
  const a = ip as IpAddrs;
  const t = transport as Layer & Partial<Ports>;
  if (typeof t.srcPort !== 'number' || typeof t.dstPort !== 'number') return null;
  if (a.proto === 'ip' && typeof a.src === 'number' && typeof a.dst === 'number') {
    return pair(endpoint4(a.src, t.srcPort), endpoint4(a.dst, t.dstPort));
  }
  if (a.proto === 'ipv6' && a.src instanceof Uint8Array && a.dst instanceof Uint8Array) {
    return pair(endpoint6(a.src, 0, t.srcPort), endpoint6(a.dst, 0, t.dstPort));
  }
  return null;
}
