import type { DecodeContext, DecodeResult, Next } from './core/context.js';
import { dispatch, treeFor } from './core/dissect.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import { hexPad } from './core/format.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { CHECKSUM_STATUS, inetChecksum, onesSum } from './ipproto.js';
import { carrierIp, ipPayloadReportedEnd, textItem, type Ipv4Layer } from './ipv4.js';
import { u16, u32 } from './core/bytes.js';

const TYPE_NAMES: Record<number, string> = {
  0: 'Echo (ping) reply',
  1: 'Reserved',
  2: 'Reserved',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  6: 'Alternate host address',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
  15: 'Information request',
  16: 'Information reply',
  17: 'Address mask request',
  18: 'Address mask reply',
  19: 'Reserved (for security)',
  30: 'Traceroute',
  31: 'Datagram Conversion Error',
  32: 'Mobile Host Redirect',
  33: 'IPv6 Where-Are-You',
  34: 'IPv6 I-Am-Here',
  35: 'Mobile Registration Request',
  36: 'Mobile Registration Reply',
  37: 'Domain Name Request',
  38: 'Domain Name Reply',
  39: 'SKIP',
  40: 'Photuris',
  41: 'Experimental mobility protocols',
  42: 'Extended Echo request',
  43: 'Extended Echo reply',
};

const UNREACH_CODES: Record<number, string> = {
  0: 'Network unreachable',
  1: 'Host unreachable',
  2: 'Protocol unreachable',
  3: 'Port unreachable',
  4: 'Fragmentation needed',
  5: 'Source route failed',
  6: 'Destination network unknown',
  7: 'Destination host unknown',
  8: 'Source host isolated',
  9: 'Network administratively prohibited',
  10: 'Host administratively prohibited',
  11: 'Network unreachable for TOS',
  12: 'Host unreachable for TOS',
  13: 'Communication administratively filtered',
  14: 'Host precedence violation',
  15: 'Precedence cutoff in effect',
};
const CODE_TABLES: Record<number, Record<number, string>> = {
  3: UNREACH_CODES,
  5: { 0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host' },
  6: { 0: 'Alternate address for host' },
  9: { 0: 'Normal router advertisement', 16: 'Does not route common traffic' },
  11: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  12: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
  40: {
    0: 'Bad SPI',
    1: 'Authentication Failed',
    2: 'Decompression Failed',
    3: 'Decryption Failed',
    4: 'Need Authentication',
    5: 'Need Authorization',
  },
  42: { 0: 'No error' },
  43: { 0: 'No error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query' },
};

export const hf = {
  icmp: protocol('icmp', 'Internet Control Message Protocol'),
  type: field('icmp.type', 'Type', 'uint', { bits: 8, values: TYPE_NAMES }),
  code: field('icmp.code', 'Code', 'uint', { bits: 8 }),
  checksum: field('icmp.checksum', 'Checksum', 'uint', { base: 'hex', bits: 16 }),
  checksumStatus: field('icmp.checksum.status', 'Checksum Status', 'uint', { bits: 8, values: CHECKSUM_STATUS }),
  unused: field('icmp.unused', 'Unused', 'bytes'),
  ident: field('icmp.ident', 'Identifier (BE)', 'uint', { base: 'dec_hex', bits: 16 }),
  identLe: field('icmp.ident_le', 'Identifier (LE)', 'uint', { base: 'dec_hex', bits: 16 }),
  seq: field('icmp.seq', 'Sequence Number (BE)', 'uint', { base: 'dec_hex', bits: 16 }),
  seqLe: field('icmp.seq_le', 'Sequence Number (LE)', 'uint', { base: 'dec_hex', bits: 16 }),
  mtu: field('icmp.mtu', 'MTU of next hop', 'uint', { bits: 16 }),
  numAddrs: field('icmp.num_addrs', 'Number of addresses', 'uint', { bits: 8 }),
  addrEntrySize: field('icmp.addr_entry_size', 'Address entry size', 'uint', { bits: 8 }),
  lifetime: field('icmp.lifetime', 'Lifetime', 'uint', { bits: 16 }),
  pointer: field('icmp.pointer', 'Pointer', 'uint', { bits: 32 }),
  routerAddress: field('icmp.router_address', 'Router address', 'ipv4'),
  prefLevel: field('icmp.pref_level', 'Preference level', 'int', { bits: 32 }),
  originateTs: field('icmp.originate_timestamp', 'Originate Timestamp', 'uint', { bits: 32 }),
  receiveTs: field('icmp.receive_timestamp', 'Receive Timestamp', 'uint', { bits: 32 }),
  transmitTs: field('icmp.transmit_timestamp', 'Transmit Timestamp', 'uint', { bits: 32 }),
  addressMask: field('icmp.address_mask', 'Address Mask', 'ipv4'),
  redirGw: field('icmp.redir_gw', 'Gateway Address', 'ipv4'),
  length: field('icmp.length', 'Length', 'uint', { bits: 8 }),
  lengthOriginal: field('icmp.length.original_datagram', 'Length of original datagram', 'uint', { bits: 8 }),
  respIn: field('icmp.resp_in', 'Response frame', 'framenum'),
  /** Known only after the capture has been read through: like tshark in one pass, never shown
   * (the field exists so that filters naming it compile as in tshark, and match nothing). */
  noResp: field('icmp.no_resp', 'No response seen', 'none'),
  respTo: field('icmp.resp_to', 'Request frame', 'framenum'),
  respTime: field('icmp.resptime', 'Response time', 'double'),
  dataTime: field('icmp.data_time', 'Timestamp from icmp data', 'abstime'),
  dataTimeRelative: field('icmp.data_time_relative', 'Timestamp from icmp data (relative)', 'reltime'),
  ext: field('icmp.ext', 'ICMP Extensions', 'none'),
  extVersion: field('icmp.ext.version', 'Version', 'uint', { bits: 8 }),
  extReserved: field('icmp.ext.res', 'Reserved', 'uint', { base: 'hex', bits: 16, mask: 0x0fff }),
  extChecksum: field('icmp.ext.checksum', 'Checksum', 'uint', { base: 'hex', bits: 16 }),
  extChecksumStatus: field('icmp.ext.checksum.status', 'Checksum Status', 'uint', { bits: 8, values: CHECKSUM_STATUS }),
  extLength: field('icmp.ext.length', 'Length', 'uint', { bits: 16 }),
  extClass: field('icmp.ext.class', 'Class', 'uint', { bits: 8 }),
  extCType: field('icmp.ext.ctype', 'C-Type', 'uint', { bits: 8 }),
  extData: field('icmp.ext.data', 'Data', 'bytes'),
};

const ei = {
  checksumBad: expert('icmp.checksum_bad', 'warn', 'checksum', 'Bad checksum'),
  extChecksumBad: expert('icmp.ext.checksum_bad', 'warn', 'checksum', 'Bad checksum'),
};

export interface IcmpLayer extends Layer {
  proto: 'icmp';
  type: number;
  code: number;
  ident?: number;
  seq?: number;
  /** Destination unreachable, source quench, redirect, time exceeded, parameter problem: the
   * layers after it are the quoted packet. */
  isError: boolean;
}

/** Echo request/reply matching state, per capture. */
interface EchoState {
  /** `addrpair|key0|id<<16|seq` → request frame and time. */
  unmatched: Map<string, { frame: number; sec: number; nsec: number; replied: boolean }>;
}

const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

const u16le = (d: Uint8Array, o: number) => d[o]! | (d[o + 1]! << 8);
const u32le = (d: Uint8Array, o: number) => (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;

/** Checksum line and status as `proto_tree_add_checksum` writes them. */
export function addChecksum(
  ctx: DecodeContext,
  tree: Tree | undefined,
  defs: { checksum: import('./core/fields.js').FieldDef; checksumStatus: import('./core/fields.js').FieldDef },
  badExpert: import('./core/expert.js').ExpertDef,
  proto: string,
  at: number,
  value: number,
  verify: { computed: number; shouldBe: number } | null,
  unverifiedNote?: string,
): void {
  const hex = `0x${hexPad(value, 4)}`;
  if (verify) {
    if (verify.computed === 0) {
      tree?.add(defs.checksum, at, 2, value, { text: `Checksum: ${hex} [correct]` });
      tree?.add(defs.checksumStatus, at, 0, 1, { text: '[Checksum Status: Good]', generated: true });
    } else {
      const ct = tree?.add(defs.checksum, at, 2, value, {
        text: `Checksum: ${hex} incorrect, should be 0x${hexPad(verify.shouldBe, 4)}`,
      });
      tree?.add(defs.checksumStatus, at, 0, 0, { text: '[Checksum Status: Bad]', generated: true });
      ctx.issue(proto, badExpert, ct, at, 2, `Bad checksum [should be 0x${hexPad(verify.shouldBe, 4)}]`);
    }
  } else {
    tree?.add(defs.checksum, at, 2, value, { text: `Checksum: ${hex} [unverified]${unverifiedNote ? ` [${unverifiedNote}]` : ''}` });
    tree?.add(defs.checksumStatus, at, 0, 2, { text: '[Checksum Status: Unverified]', generated: true });
  }
}

/** The checksum the field should hold: the complement of the sum with the field taken as 0. */
export function shouldBeChecksum(d: Uint8Array, off: number, len: number, at: number, initial = 0): number {
  const before = onesSum(d, off, at - off, initial);
  const after = onesSum(d, at + 2, off + len - (at + 2), before);
  return ~after & 0xffff;
}

/** Decodes a quoted packet (ICMP errors) under `tree`, with the columns frozen. As in Wireshark,
 * an exception inside the quoted packet (it is usually cut short) ends its decoding without a
 * mark on the frame; only when `markHeaderErrors` is set (ICMPv6, whose quoted tvb keeps its own
 * reported length) does a failure of the quoted network header itself show as malformed, still
 * without touching the Info column. The driver's `dispatch` would mark every failure, so this is
 * a small copy of its loop (table, port-pair and heuristic lookups, analysers). */
export function decodeQuoted(ctx: DecodeContext, tree: Tree | undefined, result: DecodeResult, markHeaderErrors = false): void {
  ctx.errorDepth++;
  try {
    let cur = ctx;
    let r: DecodeResult | void = result;
    for (let depth = 0; r && r.next && depth < 64; depth++) {
      const next: Next = r.next;
      if (r.data) cur = cur.derive(r.data);
      if (r.offset >= r.end && !('proto' in next)) break;
      const d = pick(cur, next, r.offset, r.end);
      if (!d) break;
      const before = cur.packet.layers.length;
      const end = r.end;
      const start = r.offset;
      try {
        // (a collector that skipped the ICMP tree still wants the quoted IP and UDP fields)
        r = d.decode(cur, start, end, treeFor(cur, d, tree));
      } catch (e) {
        if (markHeaderErrors && depth === 0) {
          const layer = cur.packet.layers.length > before ? cur.packet.layers[before] : undefined;
          cur.malformed(d.proto, e instanceof Error ? e.message : String(e), layer?.tree ?? tree, start);
        }
        break;
      }
      const analyzer = cur.session.analyzer(d.proto);
      if (analyzer && cur.packet.layers.length > before) {
        const layer = cur.packet.layers[cur.packet.layers.length - 1]!;
        if (layer.proto === d.proto) {
          try {
            if (r) r = analyzer.onLayer(cur, layer, r) ?? r;
            else analyzer.onLayer(cur, layer, { offset: end, end });
          } catch {
            break;
          }
        }
      }
    }
  } finally {
    ctx.errorDepth--;
  }
}

/** The decoder `next` names, looked up as the driver does. */
function pick(ctx: DecodeContext, next: Next, offset: number, end: number): Decoder | undefined {
  const reg = ctx.registry;
  if ('proto' in next) return reg.decoder(next.proto);
  if ('ports' in next) {
    const [a, b] = next.ports;
    for (const port of a === b ? [a] : [Math.min(a, b), Math.max(a, b)]) {
      const d = reg.lookup(next.table, port);
      if (d) return d;
    }
    if (next.heuristics) {
      for (const h of reg.heuristicsFor(next.heuristics)) {
        let ok = false;
        try {
          ok = h.test(ctx, offset, end);
        } catch {
          ok = false;
        }
        const d = ok ? reg.decoder(h.proto) : undefined;
        if (d) return d;
      }
    }
    return reg.decoder('data');
  }
  return reg.lookup(next.table, next.key) ?? reg.decoder('data');
}

/** ICMP for IPv4 (RFC 792, 1191, 1256, 4884). */
export const icmpDecoder: Decoder = {
  proto: 'icmp',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    ctx.setProtocol('ICMP');
    if (ctx.columns) ctx.setInfo('');
    const at = (o: number) => (o < end ? d[o]! : 0);
    const type = at(offset);
    const code = at(offset + 1);
    let origLen = at(offset + 5);
    const isError = ERROR_TYPES.has(type);
    const layer = ctx.addLayer<IcmpLayer>({ proto: 'icmp', offset, length: end - offset, errorDepth: 0, type, code, isError });
    // Type, code and the RFC 4884 length byte are read before anything is shown.
    ctx.need('icmp', offset, 6, end);

    let typeStr = TYPE_NAMES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
    let codeStr: string | undefined;
    const table = CODE_TABLES[type];
    if (table) codeStr = table[code] ?? `Unknown code: ${code}`;
    if (type === 6) origLen = 0;
    if (type === 9 && (code === 0 || code === 16)) typeStr = 'Mobile IP Advertisement';
    if (ctx.columns) ctx.setInfo(typeStr.padEnd(20) + (codeStr ? ` (${codeStr})` : ''));

    const reportedEnd = ipPayloadReportedEnd(ctx, offset, end);
    const reportedLen = reportedEnd - offset;
    const ip = carrierIp(ctx);
    const t = tree?.add(hf.icmp, offset, end - offset, null);
    if (t) {
      layer.tree = t;
      t.add(hf.type, offset, 1, type, { text: `Type: ${type} (${typeStr})` });
      t.add(hf.code, offset + 1, 1, code, { text: `Code: ${code}${codeStr ? ` (${codeStr})` : ''}` });
    }

    ctx.need('icmp', offset + 2, 2, end);
    const cksum = u16(d, offset + 2);
    const fragmented = ip?.proto === 'ip' && (ip as Ipv4Layer).isFragment && !(ip as Ipv4Layer).reassembled;
    if (!fragmented && end >= reportedEnd && ctx.errorDepth === 0) {
      const computed = inetChecksum(d, offset, reportedLen);
      addChecksum(ctx, t, hf, ei.checksumBad, 'icmp', offset + 2, cksum, {
        computed,
        shouldBe: computed === 0 ? cksum : shouldBeChecksum(d, offset, reportedLen, offset + 2),
      });
    } else {
      addChecksum(ctx, t, hf, ei.checksumBad, 'icmp', offset + 2, cksum, null, ctx.errorDepth > 0 ? 'in ICMP error packet' : 'fragmented datagram');
    }

    // The second four bytes.
    switch (type) {
      case 0:
      case 8:
      case 13:
      case 14:
      case 15:
      case 16:
      case 17:
      case 18: {
        ctx.need('icmp', offset + 4, 4, end);
        const id = u16(d, offset + 4);
        const seq = u16(d, offset + 6);
        layer.ident = id;
        layer.seq = seq;
        if (t) {
          const idLe = u16le(d, offset + 4);
          const seqLe = u16le(d, offset + 6);
          t.add(hf.ident, offset + 4, 2, id, { text: `Identifier (BE): ${id} (0x${hexPad(id, 4)})` });
          t.add(hf.identLe, offset + 4, 2, idLe, { text: `Identifier (LE): ${idLe} (0x${hexPad(idLe, 4)})` });
          t.add(hf.seq, offset + 6, 2, seq, { text: `Sequence Number (BE): ${seq} (0x${hexPad(seq, 4)})` });
          t.add(hf.seqLe, offset + 6, 2, seqLe, { text: `Sequence Number (LE): ${seqLe} (0x${hexPad(seqLe, 4)})` });
        }
        if (ctx.columns) {
          ctx.appendInfo(` id=0x${hexPad(id, 4)}, seq=${seq}/${u16le(d, offset + 6)}`);
          if (ip?.proto === 'ip') ctx.appendInfo(`, ttl=${(ip as Ipv4Layer).ttl}`);
        }
        break;
      }
      case 3:
        ctx.need('icmp', offset + 4, 4, end);
        if (origLen > 0) {
          addOrigLen(t, d, offset, origLen);
          if (code === 4) t?.add(hf.mtu, offset + 6, 2, u16(d, offset + 6));
          else t?.add(hf.unused, offset + 6, 2, d.subarray(offset + 6, offset + 8));
        } else if (code === 4) {
          t?.add(hf.unused, offset + 4, 2, d.subarray(offset + 4, offset + 6));
          t?.add(hf.mtu, offset + 6, 2, u16(d, offset + 6));
        } else {
          t?.add(hf.unused, offset + 4, 4, d.subarray(offset + 4, offset + 8));
        }
        break;
      case 9: {
        ctx.need('icmp', offset + 4, 4, end);
        if (t) {
          t.add(hf.numAddrs, offset + 4, 1, d[offset + 4]!);
          t.add(hf.addrEntrySize, offset + 5, 1, d[offset + 5]!);
          const life = u16(d, offset + 6);
          t.add(hf.lifetime, offset + 6, 2, life, { text: `Lifetime: ${life} (${secsToStr(life)})` });
        }
        break;
      }
      case 12:
        ctx.need('icmp', offset + 4, 4, end);
        t?.add(hf.pointer, offset + 4, 1, d[offset + 4]!);
        if (origLen > 0) {
          t?.add(hf.length, offset + 5, 1, origLen);
          t?.add(hf.lengthOriginal, offset + 5, 1, origLen * 4, {
            text: `[Length of original datagram: ${origLen * 4}]`,
            generated: true,
          });
          t?.add(hf.unused, offset + 6, 2, d.subarray(offset + 6, offset + 8));
        } else {
          t?.add(hf.unused, offset + 5, 3, d.subarray(offset + 5, offset + 8));
        }
        break;
      case 5:
        ctx.need('icmp', offset + 4, 4, end);
        t?.add(hf.redirGw, offset + 4, 4, u32(d, offset + 4));
        break;
      case 11:
        ctx.need('icmp', offset + 4, 4, end);
        if (origLen > 0) {
          addOrigLen(t, d, offset, origLen);
          t?.add(hf.unused, offset + 6, 2, d.subarray(offset + 6, offset + 8));
        } else {
          t?.add(hf.unused, offset + 4, 4, d.subarray(offset + 4, offset + 8));
        }
        break;
    }

    // The rest.
    if (isError) {
      decodeError(ctx, t, offset, end, reportedLen, type, origLen);
      return;
    }
    if (type === 0 || type === 8) {
      if (ctx.errorDepth === 0) matchEcho(ctx, t, type, d, offset, ip);
      const dataOff = offset + 8;
      if (end - dataOff < 8) {
        if (end > dataOff) dispatch(ctx, { offset: dataOff, end, next: { proto: 'data' } }, t);
        return;
      }
      const frame = ctx.packet.frame;
      let secs = u32(d, dataOff);
      let nsecs = u32(d, dataOff + 4);
      const near = (s: number, n: number) => Math.abs(((s - frame.tsSec) | 0)) < 86400 && n < 1000000;
      if (!near(secs, nsecs)) {
        secs = u32le(d, dataOff);
        nsecs = u32le(d, dataOff + 4);
      }
      if (near(secs, nsecs)) {
        if (t) {
          const ts = { sec: secs, nsec: nsecs * 1000 };
          t.add(hf.dataTime, dataOff, 8, ts);
          const rel = frame.tsSec - secs + (frame.tsNsec - nsecs * 1000) / 1e9;
          t.add(hf.dataTimeRelative, dataOff, 8, rel, { generated: true });
        }
        if (end > dataOff + 8) dispatch(ctx, { offset: dataOff + 8, end, next: { proto: 'data' } }, t);
      } else {
        dispatch(ctx, { offset: dataOff, end, next: { proto: 'data' } }, t);
      }
      return;
    }
    if (type === 13 || type === 14) {
      if (!t) {
        ctx.need('icmp', offset + 8, 12, end);
        return;
      }
      const f = ctx.packet.frame;
      const frameTs = (f.tsSec * 1000 + Math.floor(f.tsNsec / 1000000)) % 86400000;
      const names: Array<[number, import('./core/fields.js').FieldDef, string]> = [
        [8, hf.originateTs, 'Originate Timestamp'],
        [12, hf.receiveTs, 'Receive Timestamp'],
        [16, hf.transmitTs, 'Transmit Timestamp'],
      ];
      for (const [o, def, label] of names) {
        ctx.need('icmp', offset + o, 4, end);
        const v = u32(d, offset + o);
        const guess = bestGuessMsOfDay(d, offset + o, frameTs);
        t.add(def, offset + o, 4, v, { text: `${label}: ${v} (${msecsToStr(guess)} after midnight UTC)` });
      }
      return;
    }
    if (type === 17 || type === 18) {
      ctx.need('icmp', offset + 8, 4, end);
      t?.add(hf.addressMask, offset + 8, 4, u32(d, offset + 8));
      return;
    }
    if (type === 9) {
      const num = d[offset + 4]!;
      const size = d[offset + 5]!;
      if (size === 2 && t) {
        for (let i = 0; i < num; i++) {
          ctx.need('icmp', offset + 8 + i * 8, 8, end);
          t.add(hf.routerAddress, offset + 8 + i * 8, 4, u32(d, offset + 8 + i * 8));
          t.add(hf.prefLevel, offset + 12 + i * 8, 4, u32(d, offset + 12 + i * 8) | 0);
        }
      }
      return;
    }
    if (type === 42 && end - offset > 8) {
      decodeExtensions(ctx, t, offset + 8, end, reportedEnd);
    }
  },
};

function addOrigLen(t: Tree | undefined, d: Uint8Array, offset: number, origLen: number): void {
  if (!t) return;
  t.add(hf.unused, offset + 4, 1, d.subarray(offset + 4, offset + 5));
  t.add(hf.length, offset + 5, 1, origLen);
  t.add(hf.lengthOriginal, offset + 5, 1, origLen * 4, { text: `[Length of original datagram: ${origLen * 4}]`, generated: true });
}

/** Quoted IP header + first bytes (RFC 792), and RFC 4884 extensions after it. */
function decodeError(
  ctx: DecodeContext,
  t: Tree | undefined,
  offset: number,
  end: number,
  reportedLen: number,
  type: number,
  origLen: number,
): void {
  const d = ctx.data;
  const qOff = offset + 8;
  let qEnd = end;
  // Wireshark reads the quoted header length (and total length) even when that throws.
  if (type === 5) {
    ctx.need('icmp', qOff, 1, end);
    qEnd = Math.min(end, qOff + (d[qOff]! & 0x0f) * 4 + 8);
  } else if (origLen && reportedLen > 8 + origLen * 4) {
    ctx.need('icmp', qOff + 2, 2, end);
    if (u16(d, qOff + 2) > origLen * 4) qEnd = Math.min(end, qOff + ((d[qOff]! & 0x0f) + origLen) * 4);
  }
  if (ctx.errorDepth < 4 && qOff < end) decodeQuoted(ctx, t, { offset: qOff, end: Math.max(qOff, qEnd), next: { proto: 'ip' } });
  if (reportedLen > 8 + 128) {
    ctx.need('icmp', qOff + 2, 2, end);
    if (u16(d, qOff + 2) <= 128) {
      const extOff = offset + (origLen ? origLen * 4 : 128) + 8;
      // tvb_new_subset_remaining(): an offset past the data is an exception.
      ctx.need('icmp', extOff, 0, end);
      decodeExtensions(ctx, t, extOff, end, offset + reportedLen);
    }
  }
}

/** RFC 4884 multi-part extension structure: header, then objects shown generically. */
export function decodeExtensions(ctx: DecodeContext, t: Tree | undefined, off: number, end: number, reportedEnd: number): void {
  if (!t) return;
  const d = ctx.data;
  const len = reportedEnd - off;
  const et = t.add(hf.ext, off, Math.max(0, end - off), null, { text: 'ICMP Multi-Part Extensions' });
  if (len < 4) return;
  ctx.need('icmp', off, 4, end);
  const version = d[off]! >> 4;
  et.add(hf.extVersion, off, 1, version);
  et.add(hf.extReserved, off, 2, u16(d, off) & 0x0fff);
  const ck = u16(d, off + 2);
  if (ck === 0) {
    et.add(hf.extChecksum, off + 2, 2, ck, { text: '[Checksum: [missing]]', generated: true });
    et.add(hf.extChecksumStatus, off + 2, 0, 3, { text: '[Checksum Status: Not present]', generated: true });
  } else if (end >= reportedEnd) {
    const computed = inetChecksum(d, off, len);
    addChecksum(ctx, et, { checksum: hf.extChecksum, checksumStatus: hf.extChecksumStatus }, ei.extChecksumBad, 'icmp', off + 2, ck, {
      computed,
      shouldBe: shouldBeChecksum(d, off, len, off + 2),
    });
  }
  if (version !== 1 && version !== 2) {
    et.appendText(' (unsupported version)');
    return;
  }
  let o = off + 4;
  for (let guard = 0; reportedEnd - o >= 4 && guard < 64; guard++) {
    ctx.need('icmp', o, 4, end);
    const objLen = u16(d, o);
    const trunc = Math.min(objLen, reportedEnd - o);
    const cls = d[o + 2]!;
    const ctype = d[o + 3]!;
    const ot = et.add(textItem, o, Math.max(trunc, 4), null, {
      text: objLen < 4 ? 'Object with bad length' : `Unknown object (${cls}/${ctype})${trunc < objLen ? ' (truncated)' : ''}`,
    });
    ot.add(hf.extLength, o, 2, objLen);
    ot.add(hf.extClass, o + 2, 1, cls);
    if (objLen < 4) break;
    ot.add(hf.extCType, o + 3, 1, ctype);
    if (trunc > 4) {
      ctx.need('icmp', o + 4, trunc - 4, end);
      ot.add(hf.extData, o + 4, trunc - 4, d.subarray(o + 4, o + trunc));
    }
    o += trunc;
  }
}

const ECHO = stateKey<EchoState>('icmp.echo', () => ({ unmatched: new Map() }));

/** Echo request/reply matching as Wireshark does it in one pass: a reply finds the request with
 * the same identifier, sequence number and (reply) checksum between the same two hosts. */
function matchEcho(ctx: DecodeContext, t: Tree | undefined, type: number, d: Uint8Array, offset: number, ip: Layer | undefined): void {
  if (!ip) return;
  const state = ctx.session.get(ECHO);
  const l = ip as Layer & { src: number | Uint8Array; dst: number | Uint8Array };
  const a = typeof l.src === 'number' ? String(l.src) : Array.from(l.src).join('.');
  const b = typeof l.dst === 'number' ? String(l.dst) : Array.from(l.dst).join('.');
  const pair = a < b ? `${a}|${b}` : `${b}|${a}`;
  const cksum = u16(d, offset + 2);
  const idseq = u32(d, offset + 4);
  const f = ctx.packet.frame;
  if (type === 8) {
    // What the reply's checksum will be: only the type byte differs (8 → 0).
    const key0 = inetChecksum(new Uint8Array([(~cksum >> 8) & 0xff, ~cksum & 0xff, 0xf7, 0xff]), 0, 4);
    const key = `${pair}|${key0}|${idseq}`;
    if (state.unmatched.size > 65536) state.unmatched.clear();
    state.unmatched.set(key, { frame: f.number, sec: f.tsSec, nsec: f.tsNsec, replied: false });
    return;
  }
  const key0 = cksum === 0xffff ? 0 : cksum;
  const req = state.unmatched.get(`${pair}|${key0}|${idseq}`);
  if (!req || req.replied) return;
  req.replied = true;
  const ms = (f.tsSec - req.sec) * 1000 + (f.tsNsec - req.nsec) / 1e6;
  if (t) {
    t.add(hf.respTo, 0, 0, req.frame, { text: `[Request frame: ${req.frame}]`, generated: true });
    t.add(hf.respTime, 0, 0, ms, { text: `[Response time: ${ms.toFixed(3)} ms]`, generated: true });
  }
  if (ctx.columns) ctx.appendInfo(` (request in ${req.frame})`);
}

const MSPERDAY = 86400000;

function bestGuessMsOfDay(d: Uint8Array, o: number, comp: number): number {
  let be = u32(d, o) & 0x7fffffff;
  let le = u32le(d, o) & 0x7fffffff;
  if (be < MSPERDAY && le >= MSPERDAY) return be;
  if (le < MSPERDAY && be >= MSPERDAY) return le;
  if (be < MSPERDAY && le < MSPERDAY) {
    const sbe = be;
    const sle = le;
    if (be < comp && be <= MSPERDAY / 4 && comp >= MSPERDAY - MSPERDAY / 4) be += MSPERDAY;
    if (le < comp && le <= MSPERDAY / 4 && comp >= MSPERDAY - MSPERDAY / 4) le += MSPERDAY;
    return ((be - comp) >>> 0) < ((le - comp) >>> 0) ? sbe : sle;
  }
  return ((be - comp) >>> 0) < ((le - comp) >>> 0) ? be : le;
}

/** `signed_time_msecs_to_str`: `1 hour, 2 minutes, 3.004 seconds`. */
function msecsToStr(ms: number): string {
  if (ms === 0) return '0 seconds';
  const parts: string[] = [];
  const msec = ms % 1000;
  let s = Math.floor(ms / 1000);
  const unit = (n: number, u: string) => `${n} ${u}${n === 1 ? '' : 's'}`;
  const days = Math.floor(s / 86400);
  s %= 86400;
  const hours = Math.floor(s / 3600);
  s %= 3600;
  const mins = Math.floor(s / 60);
  s %= 60;
  if (days) parts.push(unit(days, 'day'));
  if (hours) parts.push(unit(hours, 'hour'));
  if (mins) parts.push(unit(mins, 'minute'));
  if (s || msec) parts.push(msec ? `${s}.${String(msec).padStart(3, '0')} seconds` : unit(s, 'second'));
  return parts.join(', ');
}

/** `signed_time_secs_to_str`. */
export function secsToStr(secs: number): string {
  return secs === 0 ? '0 seconds' : msecsToStr(secs * 1000);
}

