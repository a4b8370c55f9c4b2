import type { DecodeContext, DecodeResult } from './core/context.js';
import { u16 } from './core/bytes.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';

export const hf = {
  udp: protocol('udp', 'User Datagram Protocol'),
  srcport: field('udp.srcport', 'Source Port', 'uint', { bits: 16 }),
  dstport: field('udp.dstport', 'Destination Port', 'uint', { bits: 16 }),
  port: field('udp.port', 'Source or Destination Port', 'uint', { bits: 16 }),
  length: field('udp.length', 'Length', 'uint', { bits: 16 }),
  checksum: field('udp.checksum', 'Checksum', 'uint', { base: 'hex', bits: 16 }),
  checksumStatus: field('udp.checksum.status', 'Checksum Status', 'uint', {
    base: 'none',
    bits: 8,
    values: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' },
  }),
  stream: field('udp.stream', 'Stream index', 'uint'),
  timestamps: field('text', 'Text', 'none'),
  timeRelative: field('udp.time_relative', 'Time since first frame', 'reltime'),
  timeDelta: field('udp.time_delta', 'Time since previous frame', 'reltime'),
  payload: field('udp.payload', 'Payload', 'bytes'),
};

export const ei = {
  lengthBad: expert('udp.length.bad', 'error', 'malformed', 'Bad length value'),
  checksumZero: expert('udp.checksum.zero', 'error', 'checksum', 'Illegal checksum value (0)'),
  possibleTraceroute: expert('udp.possible_traceroute', 'chat', 'sequence', 'Possible traceroute'),
};

/** Wireshark's text-only tree items (no filter name): section headers such as `[Timestamps]`. */
export const textField = hf.timestamps;

export interface UdpLayer extends Layer {
  proto: 'udp';
  srcPort: number;
  dstPort: number;
  /** The UDP length field (header + payload), as on the wire. (`length`, from Layer, is the
   * number of captured bytes the datagram covers: header + payload handed on.) */
  udpLength: number;
  /** Where the payload starts in `ctx.data`, and how many captured payload bytes follow. */
  payloadOffset: number;
  payloadLength: number;
  /** UDP conversation index (`udp.stream`), -1 when the header was too bad to track. */
  stream: number;
}

// ---------------------------------------------------------------------------------------------
// Network addresses of the enclosing IP layer, shared with the TCP-carried decoders (DNS, TLS,
// HTTP) for their per-conversation state.

interface AddrLayer extends Layer {
  src?: unknown;
  dst?: unknown;
  srcOffset?: unknown;
  dstOffset?: unknown;
}

/** The innermost IPv4/IPv6 layer decoded so far in this packet (a quoted one inside ICMP errors). */
export function innerIpLayer(ctx: DecodeContext): Layer | undefined {
  const layers = ctx.packet.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.proto === 'ip' || l.proto === 'ipv6') return l;
  }
  return undefined;
}

/** Source and destination addresses of an IP layer: a uint32 for IPv4, a 16-byte view for IPv6.
 * Reads the layer's typed `src`/`dst` (or `srcOffset`/`dstOffset`) and falls back to the header
 * bytes in the frame. */
export function ipAddresses(ctx: DecodeContext, ip: Layer): { v6: boolean; src: number | Uint8Array; dst: number | Uint8Array } {
  const l = ip as AddrLayer;
  const v6 = ip.proto === 'ipv6';
  if ((typeof l.src === 'number' || l.src instanceof Uint8Array) && (typeof l.dst === 'number' || l.dst instanceof Uint8Array)) {
    return { v6, src: l.src, dst: l.dst };
  }
  const fd = ctx.packet.frame.data;
  const alen = v6 ? 16 : 4;
  let so = typeof l.srcOffset === 'number' ? l.srcOffset : ip.offset + (v6 ? 8 : 12);
  let dof = typeof l.dstOffset === 'number' ? l.dstOffset : ip.offset + (v6 ? 24 : 16);
  if (so + alen > fd.length || dof + alen > fd.length) {
    so = 0;
    dof = 0;
  }
  if (v6) return { v6, src: fd.subarray(so, so + 16), dst: fd.subarray(dof, dof + 16) };
  const dv = new DataView(fd.buffer, fd.byteOffset, fd.byteLength);
  return { v6, src: so + 4 <= fd.length ? dv.getUint32(so) : 0, dst: dof + 4 <= fd.length ? dv.getUint32(dof) : 0 };
}

function addrKey(a: number | Uint8Array): string {
  if (typeof a === 'number') return a.toString(36);
  let s = '';
  for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]!);
  return s;
}

/** A direction-independent key of a transport conversation (addresses + ports), as a string.
 * Used by the application decoders for their request/response state. */
export function conversationKey(ctx: DecodeContext, proto: string, srcPort: number, dstPort: number): { key: string; forward: boolean } {
  const ip = innerIpLayer(ctx);
  const ad = ip ? ipAddresses(ctx, ip) : null;
  // a transfer's segments come in runs: the last key is kept with what it was made of
  const k = LAST_KEY;
  if (k.proto === proto && (ad ? k.hasIp && sameAddr(k.a, ad.src) && sameAddr(k.b, ad.dst) : !k.hasIp) && k.sp === srcPort && k.dp === dstPort) {
    return { key: k.key, forward: k.forward };
  }
  let a = '';
  let b = '';
  if (ad) {
    a = addrKey(ad.src);
    b = addrKey(ad.dst);
  }
  const ea = a + ':' + srcPort;
  const eb = b + ':' + dstPort;
  const forward = ea < eb || (ea === eb && srcPort <= dstPort);
  const key = forward ? `${proto}|${ea}|${eb}` : `${proto}|${eb}|${ea}`;
  k.proto = proto;
  k.hasIp = ad !== null;
  k.a = ad ? copyAddr(ad.src, k.a) : 0;
  k.b = ad ? copyAddr(ad.dst, k.b) : 0;
  k.sp = srcPort;
  k.dp = dstPort;
  k.key = key;
  k.forward = forward;
  return { key, forward };
}

/** The last conversation key made, and its inputs (addresses copied: frame bytes are reused). */
const LAST_KEY = { proto: '', hasIp: false, a: 0 as number | Uint8Array, b: 0 as number | Uint8Array, sp: -1, dp: -1, key: '', forward: true };

function sameAddr(kept: number | Uint8Array, a: number | Uint8Array): boolean {
  if (typeof a === 'number') return kept === a;
  if (typeof kept === 'number' || kept.length !== a.length) return false;
  for (let i = 0; i < a.length; i++) if (kept[i] !== a[i]) return false;
  return true;
}

function copyAddr(a: number | Uint8Array, into: number | Uint8Array): number | Uint8Array {
  if (typeof a === 'number') return a;
  const c = typeof into !== 'number' && into.length === a.length ? into : new Uint8Array(a.length);
  c.set(a);
  return c;
}

/** The transport ports of the innermost TCP/UDP layer decoded so far. */
export function transportPorts(ctx: DecodeContext): { proto: string; srcPort: number; dstPort: number } | undefined {
  const layers = ctx.packet.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]! as Layer & { srcPort?: unknown; dstPort?: unknown };
    if ((l.proto === 'tcp' || l.proto === 'udp') && typeof l.srcPort === 'number' && typeof l.dstPort === 'number') {
      return { proto: l.proto, srcPort: l.srcPort, dstPort: l.dstPort };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

interface UdpConv {
  stream: number;
  firstSec: number;
  firstNsec: number;
  prevSec: number;
  prevNsec: number;
}

/** UDP conversations of one capture: IPv4 ones in nested number-keyed maps (no allocation on
 * lookup), IPv6 ones by string. Both directions map to the same conversation. */
class UdpConversations {
  count = 0;
  private readonly v4 = new Map<number, Map<number, UdpConv>>();
  private readonly v6 = new Map<string, UdpConv>();

  get(v6: boolean, src: number | Uint8Array, dst: number | Uint8Array, sp: number, dp: number, s: number, ns: number): UdpConv {
    if (!v6 && typeof src === 'number' && typeof dst === 'number') {
      let a = (src >>> 0) * 65536 + sp;
      let b = (dst >>> 0) * 65536 + dp;
      if (a > b) {
        const x = a;
        a = b;
        b = x;
      }
      let m = this.v4.get(a);
      if (!m) this.v4.set(a, (m = new Map()));
      let c = m.get(b);
      if (!c) m.set(b, (c = { stream: this.count++, firstSec: s, firstNsec: ns, prevSec: s, prevNsec: ns }));
      return c;
    }
    const ea = addrKey(src) + ':' + sp;
    const eb = addrKey(dst) + ':' + dp;
    const key = ea < eb ? ea + '|' + eb : eb + '|' + ea;
    let c = this.v6.get(key);
    if (!c) this.v6.set(key, (c = { stream: this.count++, firstSec: s, firstNsec: ns, prevSec: s, prevNsec: ns }));
    return c;
  }
}

/** Bytes of IP payload announced by the enclosing IP header, when it is readable in the frame. */
function ipReportedEnd(ctx: DecodeContext): number | undefined {
  const ip = innerIpLayer(ctx);
  if (!ip || ctx.data !== ctx.packet.frame.data) return undefined;
  const d = ctx.data;
  const o = ip.offset;
  if (ip.proto === 'ip') {
    if (o + 4 > d.length) return undefined;
    const total = (d[o + 2]! << 8) | d[o + 3]!;
    return total >= 20 ? o + total : undefined;
  }
  if (o + 6 > d.length) return undefined;
  const plen = (d[o + 4]! << 8) | d[o + 5]!;
  return plen > 0 ? o + 40 + plen : undefined;
}

/** LBL traceroute's ports (33434 + 1 onwards, three probes per hop): Wireshark names the hop and
 * the attempt a port stands for. */
function traceroute(ctx: DecodeContext, item: Tree | undefined, port: number, offset: number): void {
  if (port <= TRACEROUTE_BASE || port > TRACEROUTE_BASE + 30) return;
  const n = port - TRACEROUTE_BASE - 1;
  ctx.issue('udp', ei.possibleTraceroute, item, offset, 2, `Possible traceroute: hop #${Math.floor(n / 3) + 1}, attempt #${(n % 3) + 1}`);
}
const TRACEROUTE_BASE = 33434;

const CONVERSATIONS = stateKey('udp.conversations', () => new UdpConversations());

/** RFC 768 UDP. */
export const udpDecoder: Decoder = {
  proto: 'udp',
  fieldPrefixes: ['udp', 'text'],
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const quoted = ctx.errorDepth > 0;
    ctx.need('udp', offset, 8, end);
    const d = ctx.data;
    const srcPort = u16(d, offset);
    const dstPort = u16(d, offset + 2);
    const length = u16(d, offset + 4);
    const checksum = u16(d, offset + 6);
    const layer = ctx.addLayer<UdpLayer>({
      proto: 'udp',
      offset,
      length: Math.min(end, offset + Math.max(8, length)) - offset,
      errorDepth: 0,
      srcPort,
      dstPort,
      udpLength: length,
      payloadOffset: offset + 8,
      payloadLength: 0,
      stream: -1,
    });
    ctx.setProtocol('UDP');
    const full = tree !== undefined && tree.full;
    const t = tree?.add(
      hf.udp,
      offset,
      8,
      null,
      full || tree.wants(hf.udp) ? { text: `User Datagram Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}` } : undefined,
    );
    const st = t?.add(hf.srcport, offset, 2, srcPort);
    traceroute(ctx, st, srcPort, offset);
    const dt = t?.add(hf.dstport, offset + 2, 2, dstPort);
    traceroute(ctx, dt, dstPort, offset + 2);
    if (t) {
      layer.tree = t;
      t.add(hf.port, offset, 2, srcPort, { hidden: true });
      t.add(hf.port, offset + 2, 2, dstPort, { hidden: true });
    }
    // Reported end of the IP payload (the wire, not the snaplen).
    let reported = end;
    if (!quoted) {
      const r = ipReportedEnd(ctx);
      if (r !== undefined && r >= end) reported = r;
    }
    if (length < 8) {
      t?.add(hf.length, offset + 4, 2, length, { text: `Length: ${length} (bogus, must be >= 8)` });
      ctx.issue('udp', ei.lengthBad, t, offset + 4, 2, `Bad length value ${length} < 8`);
      if (ctx.columns) ctx.setInfo(`${srcPort} \u2192 ${dstPort} [BAD UDP LENGTH ${length} < 8]`);
      return;
    }
    const bogus = !quoted && offset + length > reported;
    if (bogus) {
      t?.add(hf.length, offset + 4, 2, length, { text: `Length: ${length} (bogus, payload length ${reported - offset})` });
      ctx.issue('udp', ei.lengthBad, t, offset + 4, 2, `Bad length value ${length} > IP payload length`);
    } else {
      t?.add(hf.length, offset + 4, 2, length);
    }
    if (ctx.columns) {
      ctx.setInfo(() =>
        bogus
          ? `${srcPort} \u2192 ${dstPort} [BAD UDP LENGTH ${length} > IP PAYLOAD LENGTH] Len=${length - 8}`
          : `${srcPort} \u2192 ${dstPort} Len=${length - 8}`,
      );
    }
    // RFC 8200: over IPv6 a zero checksum is not allowed
    const zeroIllegal = checksum === 0 && !quoted && innerIpLayer(ctx)?.proto === 'ipv6';
    if (zeroIllegal) {
      const ct = t?.add(hf.checksum, offset + 6, 2, 0, { text: 'Checksum: 0x0000 [zero-value illegal]' });
      ctx.issue('udp', ei.checksumZero, ct, offset + 6, 2);
      ct?.add(hf.checksumStatus, offset + 6, 0, 4, { generated: true });
      if (ctx.columns) ctx.appendInfo(' [ILLEGAL CHECKSUM (0)]');
    } else if (t) {
      if (checksum === 0) {
        t.add(hf.checksum, offset + 6, 2, 0, { text: 'Checksum: 0x0000 [zero-value ignored]' }).add(hf.checksumStatus, offset + 6, 0, 3, {
          generated: true,
        });
      } else {
        t.add(hf.checksum, offset + 6, 2, checksum, full ? { text: `Checksum: 0x${checksum.toString(16).padStart(4, '0')} [unverified]` } : undefined);
        t.add(hf.checksumStatus, offset + 6, 0, 2, { generated: true });
      }
    }
    // Conversation index, by first appearance of the address/port pair (quoted headers count).
    const convs = ctx.session.get(CONVERSATIONS);
    const ip = innerIpLayer(ctx);
    const f = ctx.packet.frame;
    const sec = f.hasTime ? f.tsSec : 0;
    const nsec = f.hasTime ? f.tsNsec : 0;
    let conv: UdpConv;
    if (ip) {
      const a = ipAddresses(ctx, ip);
      conv = convs.get(a.v6, a.src, a.dst, srcPort, dstPort, sec, nsec);
    } else {
      conv = convs.get(false, 0, 0, srcPort, dstPort, sec, nsec);
    }
    layer.stream = conv.stream;
    const rel = sec - conv.firstSec + (nsec - conv.firstNsec) / 1e9;
    const delta = sec - conv.prevSec + (nsec - conv.prevNsec) / 1e9;
    conv.prevSec = sec;
    conv.prevNsec = nsec;
    if (t) {
      t.add(hf.stream, offset, 0, conv.stream, { generated: true });
      if (!quoted) {
        const ts = t.add(textField, offset, 0, null, { text: '[Timestamps]', generated: true });
        ts.add(hf.timeRelative, offset, 0, rel, { generated: true });
        ts.add(hf.timeDelta, offset, 0, delta, { generated: true });
      }
    }
    const payloadEnd = Math.min(end, offset + length);
    const pOff = offset + 8;
    layer.payloadLength = Math.max(0, payloadEnd - pOff);
    if (t && end > pOff) {
      t.add(hf.payload, pOff, end - pOff, ctx.data.subarray(pOff, end), full ? { text: `UDP payload (${layer.payloadLength} bytes)` } : undefined);
    }
    return { offset: pOff, end: payloadEnd, next: { table: 'udp.port', ports: [srcPort, dstPort], heuristics: 'udp' } };
  },
};
