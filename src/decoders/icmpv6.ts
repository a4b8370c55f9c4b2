import type { DecodeContext, DecodeResult } from './core/context.js';
import { dispatch } from './core/dissect.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import { hexPad, ipv6ToString, macToString } from './core/format.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { addChecksum, decodeExtensions, decodeQuoted } from './icmp.js';
import { CHECKSUM_STATUS, inetChecksum, onesSum } from './ipproto.js';
import { bitPrefix, carrierIp, ipPayloadReportedEnd } from './ipv4.js';
import type { Ipv6Layer } from './ipv6.js';
import { u16, u32 } from './core/bytes.js';

const TYPE_NAMES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  100: 'Private experimentation',
  101: 'Private experimentation',
  127: 'Reserved for expansion of ICMPv6 error messages',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  138: 'Router Renumbering',
  139: 'Node Information Query',
  140: 'Node Information Reply',
  141: 'Inverse Neighbor Discovery Solicitation',
  142: 'Inverse Neighbor Discovery Advertisement',
  143: 'Multicast Listener Report Message v2',
  144: 'Home Agent Address Discovery Request',
  145: 'Home Agent Address Discovery Reply',
  146: 'Mobile Prefix Solicitation',
  147: 'Mobile Prefix Advertisement',
  148: 'Certification Path Solicitation',
  149: 'Certification Path Advertisement',
  150: 'Experimental Mobility',
  151: 'Multicast Router Advertisement',
  152: 'Multicast Router Solicitation',
  153: 'Multicast Router Termination',
  154: 'FMIPv6',
  155: 'RPL Control',
  156: 'Locator Update',
  157: 'Duplicate Address Request',
  158: 'Duplicate Address Confirmation',
  159: 'MPL Control Message',
  160: 'Extended Echo request',
  161: 'Extended Echo reply',
  200: 'Private experimentation',
  201: 'Private experimentation',
  255: 'Reserved for expansion of ICMPv6 informational messages',
};

/** Code names; the fallback text differs per type as in Wireshark. */
const CODE_TABLES: Record<number, { names: Record<number, string>; unknown: (c: number) => string }> = {
  1: {
    names: {
      0: 'no route to destination',
      1: 'Administratively prohibited',
      2: 'Beyond scope of source address',
      3: 'Address unreachable',
      4: 'Port unreachable',
      5: 'Source address failed ingress/egress policy',
      6: 'Reject route to destination',
      7: 'Error in Source Routing Header',
    },
    unknown: () => 'Unknown',
  },
  3: {
    names: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
    unknown: (c) => `Unknown (${c})`,
  },
  4: {
    names: {
      0: 'erroneous header field encountered',
      1: 'unrecognized Next Header type encountered',
      2: 'unrecognized IPv6 option encountered',
      3: 'IPv6 First Fragment has incomplete IPv6 Header Chain',
    },
    unknown: (c) => `Unknown (${c})`,
  },
  138: { names: { 0: 'Command', 1: 'Result', 255: 'Sequence number reset' }, unknown: (c) => `Unknown (${c})` },
  139: {
    names: { 0: 'Query subject = IPv6 addresses', 1: 'Query subject = Name', 2: 'Query subject = IPv4 addresses' },
    unknown: (c) => `Unknown (${c})`,
  },
  140: { names: { 0: 'Successful', 1: 'Refuses', 2: 'Qtype is Unknown' }, unknown: (c) => `Unknown (${c})` },
  155: {
    names: {
      0: 'DODAG Information Solicitation',
      1: 'DODAG Information Object',
      2: 'Destination Advertisement Object',
      3: 'Destination Advertisement Object Acknowledgement',
      4: 'Consistency Check',
    },
    unknown: (c) => `Unknown (${c})`,
  },
  160: { names: { 0: 'No error' }, unknown: (c) => `Unknown (${c})` },
  161: {
    names: { 0: 'No error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query' },
    unknown: (c) => `Unknown (${c})`,
  },
};

const OPT_NAMES: Record<number, string> = {
  1: 'Source link-layer address',
  2: 'Target link-layer address',
  3: 'Prefix information',
  4: 'Redirected header',
  5: 'MTU',
  6: 'NBMA Shortcut Limit Option',
  7: 'Advertisement Interval',
  8: 'Home Agent Information',
  9: 'Source Address List',
  10: 'Target Address List',
  11: 'CGA',
  12: 'RSA Signature',
  13: 'Timestamp',
  14: 'Nonce',
  15: 'Trust Anchor',
  16: 'Certificate',
  17: 'IP Address/Prefix Option',
  18: 'New Router Prefix Information',
  19: 'Link-layer Address',
  20: 'Neighbor Advertisement Acknowledgment',
  23: 'MAP',
  24: 'Route Information',
  25: 'Recursive DNS Server',
  26: 'RA Flags Extension',
  27: 'Handover Key Request',
  28: 'Handover Key Reply',
  29: 'Handover Assist Information',
  30: 'Mobile Node Identifier Option',
  31: 'DNS Search List Option',
  32: 'Proxy Signature (PS)',
  33: 'Address Registration Option',
  34: '6LoWPAN Context Option',
  35: 'Authoritative Border Router',
  36: '6LoWPAN Capability Indication Option',
  37: 'DHCP Captive-Portal',
  38: 'PREF64 Option',
  138: 'CARD Request',
  139: 'CARD Reply',
  253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
};
const PRF: Record<number, string> = { 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' };
const RECORD_TYPES: Record<number, string> = {
  1: 'Include',
  2: 'Exclude',
  3: 'Changed to include',
  4: 'Changed to exclude',
  5: 'Allow new sources',
  6: 'Block old sources',
};

export const hf = {
  icmpv6: protocol('icmpv6', 'Internet Control Message Protocol v6'),
  type: field('icmpv6.type', 'Type', 'uint', { bits: 8, values: TYPE_NAMES }),
  code: field('icmpv6.code', 'Code', 'uint', { bits: 8 }),
  checksum: field('icmpv6.checksum', 'Checksum', 'uint', { base: 'hex', bits: 16 }),
  checksumStatus: field('icmpv6.checksum.status', 'Checksum Status', 'uint', { bits: 8, values: CHECKSUM_STATUS }),
  reserved: field('icmpv6.reserved', 'Reserved', 'bytes'),
  data: field('icmpv6.data', 'Data', 'bytes'),
  mtu: field('icmpv6.mtu', 'MTU', 'uint', { bits: 32 }),
  pointer: field('icmpv6.pointer', 'Pointer', 'uint', { bits: 32 }),
  echoId: field('icmpv6.echo.identifier', 'Identifier', 'uint', { base: 'hex', bits: 16 }),
  echoSeq: field('icmpv6.echo.sequence_number', 'Sequence', 'uint', { bits: 16 }),
  raCurHopLimit: field('icmpv6.nd.ra.cur_hop_limit', 'Cur hop limit', 'uint', { bits: 8 }),
  raFlag: field('icmpv6.nd.ra.flag', 'Flags', 'uint', { base: 'hex', bits: 8 }),
  raFlagM: field('icmpv6.nd.ra.flag.m', 'Managed address configuration', 'bool', { mask: 0x80, tf: ['Set', 'Not set'] }),
  raFlagO: field('icmpv6.nd.ra.flag.o', 'Other configuration', 'bool', { mask: 0x40, tf: ['Set', 'Not set'] }),
  raFlagH: field('icmpv6.nd.ra.flag.h', 'Home Agent', 'bool', { mask: 0x20, tf: ['Set', 'Not set'] }),
  raFlagPrf: field('icmpv6.nd.ra.flag.prf', 'Prf (Default Router Preference)', 'uint', { bits: 8, mask: 0x18, values: PRF }),
  raFlagP: field('icmpv6.nd.ra.flag.p', 'Proxy', 'bool', { mask: 0x04, tf: ['Set', 'Not set'] }),
  raFlagRsv: field('icmpv6.nd.ra.flag.rsv', 'Reserved', 'uint', { bits: 8, mask: 0x03 }),
  raRouterLifetime: field('icmpv6.nd.ra.router_lifetime', 'Router lifetime (s)', 'uint', { bits: 16 }),
  raReachable: field('icmpv6.nd.ra.reachable_time', 'Reachable time (ms)', 'uint', { bits: 32 }),
  raRetrans: field('icmpv6.nd.ra.retrans_timer', 'Retrans timer (ms)', 'uint', { bits: 32 }),
  nsTarget: field('icmpv6.nd.ns.target_address', 'Target Address', 'ipv6'),
  naFlag: field('icmpv6.nd.na.flag', 'Flags', 'uint', { base: 'hex', bits: 32 }),
  naFlagR: field('icmpv6.nd.na.flag.r', 'Router', 'bool', { mask: 0x80000000, tf: ['Set', 'Not set'] }),
  naFlagS: field('icmpv6.nd.na.flag.s', 'Solicited', 'bool', { mask: 0x40000000, tf: ['Set', 'Not set'] }),
  naFlagO: field('icmpv6.nd.na.flag.o', 'Override', 'bool', { mask: 0x20000000, tf: ['Set', 'Not set'] }),
  naFlagRsv: field('icmpv6.nd.na.flag.rsv', 'Reserved', 'uint', { bits: 32, mask: 0x1fffffff }),
  naTarget: field('icmpv6.nd.na.target_address', 'Target Address', 'ipv6'),
  rdTarget: field('icmpv6.nd.rd.target_address', 'Target Address', 'ipv6'),
  rdDestination: field('icmpv6.rd.na.destination_address', 'Destination Address', 'ipv6'),
  opt: field('icmpv6.opt', 'ICMPv6 Option', 'none'),
  optType: field('icmpv6.opt.type', 'Type', 'uint', { bits: 8, values: OPT_NAMES }),
  optLength: field('icmpv6.opt.length', 'Length', 'uint', { bits: 8 }),
  optReserved: field('icmpv6.opt.reserved', 'Reserved', 'none'),
  // FT_BYTES shown with ':' separators in Wireshark; the core's `ether` type prints exactly that.
  optLinkaddr: field('icmpv6.opt.linkaddr', 'Link-layer address', 'ether'),
  optSrcLinkaddr: field('icmpv6.opt.src_linkaddr', 'Source Link-layer address', 'ether'),
  optTargetLinkaddr: field('icmpv6.opt.target_linkaddr', 'Target Link-layer address', 'ether'),
  optPrefixLength: field('icmpv6.opt.prefix.length', 'Prefix Length', 'uint', { bits: 8 }),
  optPrefixFlag: field('icmpv6.opt.prefix.flag', 'Flag', 'uint', { base: 'hex', bits: 8 }),
  optPrefixFlagL: field('icmpv6.opt.prefix.flag.l', 'On-link flag(L)', 'bool', { mask: 0x80, tf: ['Set', 'Not set'] }),
  optPrefixFlagA: field('icmpv6.opt.prefix.flag.a', 'Autonomous address-configuration flag(A)', 'bool', { mask: 0x40, tf: ['Set', 'Not set'] }),
  optPrefixFlagR: field('icmpv6.opt.prefix.flag.r', 'Router address flag(R)', 'bool', { mask: 0x20, tf: ['Set', 'Not set'] }),
  optPrefixFlagRsv: field('icmpv6.opt.prefix.flag.reserved', 'Reserved', 'uint', { bits: 8, mask: 0x1f }),
  optPrefixValid: field('icmpv6.opt.prefix.valid_lifetime', 'Valid Lifetime', 'uint', { bits: 32 }),
  optPrefixPreferred: field('icmpv6.opt.prefix.preferred_lifetime', 'Preferred Lifetime', 'uint', { bits: 32 }),
  optPrefix: field('icmpv6.opt.prefix', 'Prefix', 'ipv6'),
  optMtu: field('icmpv6.opt.mtu', 'MTU', 'uint', { bits: 32 }),
  optRedirected: field('icmpv6.opt.redirected_packet', 'Redirected Packet', 'none'),
  optData: field('icmpv6.unknown_data', 'Unknown Data', 'bytes'),
  mldMrd: field('icmpv6.mld.maximum_response_delay', 'Maximum Response Delay [ms]', 'uint', { bits: 16 }),
  mldMcast: field('icmpv6.mld.multicast_address', 'Multicast Address', 'ipv6'),
  mldrNbRecords: field('icmpv6.mldr.nb_mcast_records', 'Number of Multicast Address Records', 'uint', { bits: 16 }),
  mldrMar: field('icmpv6.mldr.mar', 'Multicast Address Record', 'none'),
  mldrRecordType: field('icmpv6.mldr.mar.record_type', 'Record Type', 'uint', { bits: 8, values: RECORD_TYPES }),
  mldrAuxLen: field('icmpv6.mldr.mar.aux_data_len', 'Aux Data Len', 'uint', { bits: 8 }),
  mldrNbSources: field('icmpv6.mldr.mar.nb_sources', 'Number of Sources', 'uint', { bits: 16 }),
  mldrMcast: field('icmpv6.mldr.mar.multicast_address', 'Multicast Address', 'ipv6'),
  mldrSource: field('icmpv6.mldr.mar.source_address', 'Source Address', 'ipv6'),
  mldrAux: field('icmpv6.mldr.mar.auxiliary_data', 'Auxiliary Data', 'bytes'),
  mip6Identifier: field('icmpv6.mip6.identifier', 'Identifier', 'uint', { base: 'dec_hex', bits: 16 }),
  mip6HomeAgent: field('icmpv6.mip6.home_agent_address', 'Home Agent Address', 'ipv6'),
  mip6Flag: field('icmpv6.mip6.flag', 'Flags', 'uint', { base: 'hex', bits: 16 }),
  mcastRaQueryInterval: field('icmpv6.mcast_ra.query_interval', 'Query Interval', 'uint', { bits: 16 }),
  mcastRaRobustness: field('icmpv6.mcast_ra.robustness_variable', 'Robustness Variable', 'uint', { bits: 16 }),
  extEchoSeq: field('icmpv6.ext.echo.seq', 'Sequence number', 'uint', { base: 'dec_hex', bits: 8 }),
  respIn: field('icmpv6.resp_in', 'Response In', 'framenum'),
  respTo: field('icmpv6.resp_to', 'Response To', 'framenum'),
  respTime: field('icmpv6.resptime', 'Response Time', 'double'),
};

const ei = {
  checksumBad: expert('icmpv6.checksum_bad.expert', 'warn', 'checksum', 'Bad checksum'),
  invalidOptionLength: expert('icmpv6.invalid_option_length', 'error', 'malformed', 'Invalid Option Length'),
  undecodedType: expert('icmpv6.undecoded.type', 'note', 'undecoded', 'Undecoded type'),
  undecodedOption: expert('icmpv6.undecoded.option', 'note', 'undecoded', 'Undecoded option'),
};

export interface Icmpv6Layer extends Layer {
  proto: 'icmpv6';
  type: number;
  code: number;
  ident?: number;
  seq?: number;
  /** Types 1-4: the layers after it are the quoted packet. */
  isError: boolean;
}

interface EchoState {
  unmatched: Map<string, { frame: number; sec: number; nsec: number; replied: boolean }>;
}


/** ICMPv6 (RFC 4443), Neighbor Discovery (RFC 4861), MLD (RFC 2710, 3810). */
export const icmpv6Decoder: Decoder = {
  proto: 'icmpv6',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    ctx.setProtocol('ICMPv6');
    if (ctx.columns) ctx.setInfo('');
    const avail = end - offset;
    const type = avail > 0 ? d[offset]! : 0;
    const code = avail > 1 ? d[offset + 1]! : 0;
    const isError = type >= 1 && type <= 4;
    const layer = ctx.addLayer<Icmpv6Layer>({ proto: 'icmpv6', offset, length: avail, errorDepth: 0, type, code, isError });
    const t = tree?.add(hf.icmpv6, offset, avail, null);
    if (t) layer.tree = t;
    ctx.need('icmpv6', offset, 1, end);
    const typeStr = TYPE_NAMES[type] ?? 'Unknown ICMPv6 type';
    t?.add(hf.type, offset, 1, type, { text: `Type: ${typeStr} (${type})` });
    if (ctx.columns) ctx.setInfo(typeStr);
    ctx.need('icmpv6', offset + 1, 1, end);
    const table = CODE_TABLES[type];
    const codeStr = table ? (table.names[code] ?? table.unknown(code)) : undefined;
    if (ctx.columns && codeStr) ctx.appendInfo(` (${codeStr})`);
    t?.add(hf.code, offset + 1, 1, code, { text: `Code: ${code}${codeStr ? ` (${codeStr})` : ''}` });

    const ip = carrierIp(ctx) as Ipv6Layer | undefined;
    const reportedEnd = ipPayloadReportedEnd(ctx, offset, end);
    const reportedLen = reportedEnd - offset;
    ctx.need('icmpv6', offset + 2, 2, end);
    const cksum = u16(d, offset + 2);
    const fragmented = ip?.proto === 'ipv6' && ip.isFragment && !ip.reassembled;
    if (ip?.proto === 'ipv6' && !fragmented && end >= reportedEnd && ctx.errorDepth === 0) {
      const pseudo = pseudoSum(ip.src, ip.dst, reportedLen);
      const computed = inetChecksum(d, offset, reportedLen, pseudo);
      let shouldBe = cksum;
      if (computed !== 0) {
        const before = onesSum(d, offset, 2, pseudo);
        shouldBe = ~onesSum(d, offset + 4, reportedLen - 4, before) & 0xffff;
      }
      addChecksum(ctx, t, hf, ei.checksumBad, 'icmpv6', offset + 2, cksum, { computed, shouldBe });
    } else {
      addChecksum(ctx, t, hf, ei.checksumBad, 'icmpv6', offset + 2, cksum, null, ctx.errorDepth > 0 ? 'in ICMP error packet' : 'fragmented datagram');
    }

    const body = offset + 4;
    switch (type) {
      case 1:
      case 3:
      case 2:
      case 4: {
        ctx.need('icmpv6', body, 4, end);
        if (type === 2) t?.add(hf.mtu, body, 4, u32(d, body));
        else if (type === 4) t?.add(hf.pointer, body, 4, u32(d, body));
        else t?.add(hf.reserved, body, 4, d.subarray(body, body + 4));
        // The quoted packet; an empty one is an exception in ICMPv6 itself.
        ctx.need('icmpv6', body + 4, 1, end);
        if (ctx.errorDepth < 4) decodeQuoted(ctx, t, { offset: body + 4, end, next: { table: 'ethertype', key: 0x86dd } }, true);
        return;
      }
      case 128:
      case 129: {
        ctx.need('icmpv6', body, 4, end);
        const id = u16(d, body);
        const seq = u16(d, body + 2);
        layer.ident = id;
        layer.seq = seq;
        t?.add(hf.echoId, body, 2, id);
        t?.add(hf.echoSeq, body + 2, 2, seq);
        if (ctx.columns) {
          ctx.appendInfo(` id=0x${hexPad(id, 4)}, seq=${seq}`);
          if (ip?.proto === 'ipv6') ctx.appendInfo(`, hop limit=${ip.hopLimit}`);
        }
        if (ctx.errorDepth === 0 && ip?.proto === 'ipv6') matchEcho(ctx, t, type, d, offset, ip);
        if (end > body + 4) dispatch(ctx, { offset: body + 4, end, next: { proto: 'data' } }, t);
        return;
      }
      case 130:
      case 131:
      case 132: {
        ctx.need('icmpv6', body, 20, end);
        if (t) {
          t.add(hf.mldMrd, body, 2, u16(d, body));
          t.add(hf.reserved, body + 2, 2, d.subarray(body + 2, body + 4));
          t.add(hf.mldMcast, body + 4, 16, d.subarray(body + 4, body + 20));
        }
        return;
      }
      case 133: {
        ctx.need('icmpv6', body, 4, end);
        t?.add(hf.reserved, body, 4, d.subarray(body, body + 4));
        ndOptions(ctx, t, body + 4, end, reportedEnd);
        return;
      }
      case 134: {
        ctx.need('icmpv6', body, 12, end);
        if (t) raHeader(t, d, body);
        ndOptions(ctx, t, body + 12, end, reportedEnd);
        return;
      }
      case 135: {
        ctx.need('icmpv6', body, 20, end);
        const target = d.subarray(body + 4, body + 20);
        t?.add(hf.reserved, body, 4, d.subarray(body, body + 4));
        t?.add(hf.nsTarget, body + 4, 16, target);
        if (ctx.columns) ctx.appendInfo(` for ${ipv6ToString(target)}`);
        ndOptions(ctx, t, body + 20, end, reportedEnd);
        return;
      }
      case 136: {
        ctx.need('icmpv6', body, 20, end);
        const flags = u32(d, body);
        const target = d.subarray(body + 4, body + 20);
        if (t) {
          const names = [
            [0x80000000, 'Router'],
            [0x40000000, 'Solicited'],
            [0x20000000, 'Override'],
          ]
            .filter(([m]) => (flags & (m as number)) !== 0)
            .map(([, n]) => n);
          const ft = t.add(hf.naFlag, body, 4, flags, {
            text: `Flags: 0x${hexPad(flags, 8)}${names.length ? ', ' + names.join(', ') : ''}`,
          });
          ft.add(hf.naFlagR, body, 4, (flags & 0x80000000) !== 0, { text: `${bitPrefix(flags, 0x80000000, 32)}Router: ${flags & 0x80000000 ? 'Set' : 'Not set'}` });
          ft.add(hf.naFlagS, body, 4, (flags & 0x40000000) !== 0, { text: `${bitPrefix(flags, 0x40000000, 32)}Solicited: ${flags & 0x40000000 ? 'Set' : 'Not set'}` });
          ft.add(hf.naFlagO, body, 4, (flags & 0x20000000) !== 0, { text: `${bitPrefix(flags, 0x20000000, 32)}Override: ${flags & 0x20000000 ? 'Set' : 'Not set'}` });
          ft.add(hf.naFlagRsv, body, 4, flags & 0x1fffffff, { text: `${bitPrefix(flags, 0x1fffffff, 32)}Reserved: ${flags & 0x1fffffff}` });
          t.add(hf.naTarget, body + 4, 16, target);
        }
        if (ctx.columns) {
          const f: string[] = [];
          if (flags & 0x80000000) f.push('rtr');
          if (flags & 0x40000000) f.push('sol');
          if (flags & 0x20000000) f.push('ovr');
          ctx.appendInfo(` ${ipv6ToString(target)} (${f.length ? f.join(', ') : 'none'})`);
        }
        ndOptions(ctx, t, body + 20, end, reportedEnd);
        return;
      }
      case 137: {
        ctx.need('icmpv6', body, 36, end);
        if (t) {
          t.add(hf.reserved, body, 4, d.subarray(body, body + 4));
          t.add(hf.rdTarget, body + 4, 16, d.subarray(body + 4, body + 20));
          t.add(hf.rdDestination, body + 20, 16, d.subarray(body + 20, body + 36));
        }
        ndOptions(ctx, t, body + 36, end, reportedEnd);
        return;
      }
      case 143: {
        ctx.need('icmpv6', body, 4, end);
        const n = u16(d, body + 2);
        t?.add(hf.reserved, body, 2, d.subarray(body, body + 2));
        t?.add(hf.mldrNbRecords, body + 2, 2, n);
        let o = body + 4;
        for (let i = 0; i < n; i++) {
          ctx.need('icmpv6', o, 20, end);
          const rtype = d[o]!;
          const aux = d[o + 1]! * 4;
          const ns = u16(d, o + 2);
          const recLen = 20 + ns * 16 + aux;
          const mcast = d.subarray(o + 4, o + 20);
          const rt = t?.add(hf.mldrMar, o, Math.min(recLen, end - o), null, {
            text: `Multicast Address Record ${RECORD_TYPES[rtype] ?? `Unknown (${rtype})`}: ${ipv6ToString(mcast)}`,
          });
          if (rt) {
            rt.add(hf.mldrRecordType, o, 1, rtype);
            rt.add(hf.mldrAuxLen, o + 1, 1, d[o + 1]!);
            rt.add(hf.mldrNbSources, o + 2, 2, ns);
            rt.add(hf.mldrMcast, o + 4, 16, mcast);
          }
          let p = o + 20;
          for (let s = 0; s < ns; s++) {
            ctx.need('icmpv6', p, 16, end);
            rt?.add(hf.mldrSource, p, 16, d.subarray(p, p + 16));
            p += 16;
          }
          if (aux) {
            ctx.need('icmpv6', p, aux, end);
            rt?.add(hf.mldrAux, p, aux, d.subarray(p, p + aux));
          }
          o += recLen;
        }
        return;
      }
      case 141:
      case 142: {
        ctx.need('icmpv6', body, 4, end);
        t?.add(hf.reserved, body, 4, d.subarray(body, body + 4));
        ndOptions(ctx, t, body + 4, end, reportedEnd);
        return;
      }
      case 144:
      case 145:
      case 146:
      case 147: {
        ctx.need('icmpv6', body, 4, end);
        const id = u16(d, body);
        t?.add(hf.mip6Identifier, body, 2, id, { text: `Identifier: ${id} (0x${hexPad(id, 4)})` });
        if (type === 147) {
          const fl = u16(d, body + 2);
          t?.add(hf.mip6Flag, body + 2, 2, fl);
          ndOptions(ctx, t, body + 4, end, reportedEnd);
          return;
        }
        t?.add(hf.reserved, body + 2, 2, d.subarray(body + 2, body + 4));
        if (type === 145) {
          // Home agent addresses up to the end: a partial one is an exception, as in Wireshark.
          for (let o = body + 4, i = 0; o < reportedEnd && i < 4096; o += 16, i++) {
            ctx.need('icmpv6', o, 16, end);
            t?.add(hf.mip6HomeAgent, o, 16, d.subarray(o, o + 16));
          }
        }
        return;
      }
      case 151: {
        ctx.need('icmpv6', body, 4, end);
        t?.add(hf.mcastRaQueryInterval, body, 2, u16(d, body));
        t?.add(hf.mcastRaRobustness, body + 2, 2, u16(d, body + 2));
        return;
      }
      case 160:
      case 161: {
        ctx.need('icmpv6', body, 4, end);
        t?.add(hf.echoId, body, 2, u16(d, body));
        t?.add(hf.extEchoSeq, body + 2, 1, d[body + 2]!);
        if (type === 160 && end > body + 4) {
          // RFC 8335: the interface identification object travels as an RFC 4884 extension.
          decodeExtensions(ctx, t, body + 4, end, reportedEnd);
          dispatch(ctx, { offset: body + 4, end, next: { proto: 'data' } }, t);
        }
        return;
      }
      default: {
        // Types Wireshark has no decoder for; the rest are left undecoded here without comment.
        if (t && (TYPE_NAMES[type] === undefined || type === 100 || type === 101 || type === 200 || type === 201 || type === 127 || type === 255)) {
          ctx.issue('icmpv6', ei.undecodedType, t, offset, 1,
            `Dissector for ICMPv6 Type (${type}) code not implemented, Contact Wireshark developers if you want this supported`);
          if (end > body) t.add(hf.data, body, end - body, d.subarray(body, end));
        }
      }
    }
  },
};

function raHeader(t: Tree, d: Uint8Array, body: number): void {
  t.add(hf.raCurHopLimit, body, 1, d[body]!);
  const fl = d[body + 1]!;
  const names: string[] = [];
  if (fl & 0x80) names.push('Managed address configuration');
  if (fl & 0x40) names.push('Other configuration');
  if (fl & 0x20) names.push('Home Agent');
  const prf = (fl >> 3) & 3;
  if (prf) names.push(`Prf (Default Router Preference): ${PRF[prf]}`);
  if (fl & 0x04) names.push('Proxy');
  const ft = t.add(hf.raFlag, body + 1, 1, fl, { text: `Flags: 0x${hexPad(fl, 2)}${names.length ? ', ' + names.join(', ') : ''}` });
  const sn = (b: number) => (fl & b ? 'Set' : 'Not set');
  ft.add(hf.raFlagM, body + 1, 1, (fl & 0x80) !== 0, { text: `${bitPrefix(fl, 0x80, 8)}Managed address configuration: ${sn(0x80)}` });
  ft.add(hf.raFlagO, body + 1, 1, (fl & 0x40) !== 0, { text: `${bitPrefix(fl, 0x40, 8)}Other configuration: ${sn(0x40)}` });
  ft.add(hf.raFlagH, body + 1, 1, (fl & 0x20) !== 0, { text: `${bitPrefix(fl, 0x20, 8)}Home Agent: ${sn(0x20)}` });
  ft.add(hf.raFlagPrf, body + 1, 1, prf, { text: `${bitPrefix(fl, 0x18, 8)}Prf (Default Router Preference): ${PRF[prf]} (${prf})` });
  ft.add(hf.raFlagP, body + 1, 1, (fl & 0x04) !== 0, { text: `${bitPrefix(fl, 0x04, 8)}Proxy: ${sn(0x04)}` });
  ft.add(hf.raFlagRsv, body + 1, 1, fl & 3, { text: `${bitPrefix(fl, 0x03, 8)}Reserved: ${fl & 3}` });
  t.add(hf.raRouterLifetime, body + 2, 2, u16(d, body + 2));
  t.add(hf.raReachable, body + 4, 4, u32(d, body + 4));
  t.add(hf.raRetrans, body + 8, 4, u32(d, body + 8));
}

/** Neighbor Discovery options (RFC 4861 section 4.6). Link-layer address options also go to the
 * Info column (` from <addr>` / ` is at <addr>`), as in Wireshark. */
function ndOptions(ctx: DecodeContext, t: Tree | undefined, start: number, end: number, reportedEnd: number): void {
  const d = ctx.data;
  let o = start;
  for (let guard = 0; o < reportedEnd && guard < 256; guard++) {
    ctx.need('icmpv6', o, 2, end);
    const type = d[o]!;
    const lenUnits = d[o + 1]!;
    const len = lenUnits * 8;
    const name = OPT_NAMES[type] ?? `Unknown ${type}`;
    const typeName = OPT_NAMES[type] ?? 'Unknown';
    if (len === 0) {
      const ot = t?.add(hf.opt, o, 2, null, { text: `ICMPv6 Option (${name}` });
      ot?.add(hf.optType, o, 1, type, { text: `Type: ${typeName} (${type})` });
      const lt = ot?.add(hf.optLength, o + 1, 1, 0, { text: 'Length: 0 (0 bytes)' });
      ctx.issue('icmpv6', ei.invalidOptionLength, lt, o + 1, 1, 'Invalid option length (Zero)');
      return;
    }
    ctx.need('icmpv6', o, len, end);
    const v = o + 2;
    const vlen = len - 2;
    let text = `ICMPv6 Option (${name})`;
    if (type === 1 || type === 2) text = `ICMPv6 Option (${name} : ${macToString(d.subarray(v, v + vlen))})`;
    else if (type === 3 && len >= 32) text = `ICMPv6 Option (${name} : ${ipv6ToString(d.subarray(v + 14, v + 30))}/${d[v]!})`;
    else if (type === 5 && len >= 8) text = `ICMPv6 Option (${name} : ${u32(d, v + 2)})`;
    const ot = t?.add(hf.opt, o, len, null, { text });
    ot?.add(hf.optType, o, 1, type, { text: `Type: ${typeName} (${type})` });
    ot?.add(hf.optLength, o + 1, 1, lenUnits, { text: `Length: ${lenUnits} (${len} bytes)` });
    switch (type) {
      case 1:
      case 2: {
        const addr = d.subarray(v, v + vlen);
        const s = macToString(addr);
        if (ot) {
          ot.add(hf.optLinkaddr, v, vlen, addr);
          ot.add(type === 1 ? hf.optSrcLinkaddr : hf.optTargetLinkaddr, v, vlen, addr, { hidden: true });
        }
        if (ctx.columns) ctx.appendInfo(type === 1 ? ` from ${s}` : ` is at ${s}`);
        break;
      }
      case 3: {
        if (len >= 32 && ot) {
          const plen = d[v]!;
          const fl = d[v + 1]!;
          const prefix = d.subarray(v + 14, v + 30);
          ot.add(hf.optPrefixLength, v, 1, plen);
          const names: string[] = [];
          if (fl & 0x80) names.push('On-link flag(L)');
          if (fl & 0x40) names.push('Autonomous address-configuration flag(A)');
          if (fl & 0x20) names.push('Router address flag(R)');
          const sn = (b: number) => (fl & b ? 'Set' : 'Not set');
          const ft = ot.add(hf.optPrefixFlag, v + 1, 1, fl, { text: `Flag: 0x${hexPad(fl, 2)}${names.length ? ', ' + names.join(', ') : ''}` });
          ft.add(hf.optPrefixFlagL, v + 1, 1, (fl & 0x80) !== 0, { text: `${bitPrefix(fl, 0x80, 8)}On-link flag(L): ${sn(0x80)}` });
          ft.add(hf.optPrefixFlagA, v + 1, 1, (fl & 0x40) !== 0, { text: `${bitPrefix(fl, 0x40, 8)}Autonomous address-configuration flag(A): ${sn(0x40)}` });
          ft.add(hf.optPrefixFlagR, v + 1, 1, (fl & 0x20) !== 0, { text: `${bitPrefix(fl, 0x20, 8)}Router address flag(R): ${sn(0x20)}` });
          ft.add(hf.optPrefixFlagRsv, v + 1, 1, fl & 0x1f, { text: `${bitPrefix(fl, 0x1f, 8)}Reserved: ${fl & 0x1f}` });
          ot.add(hf.optPrefixValid, v + 2, 4, u32(d, v + 2));
          ot.add(hf.optPrefixPreferred, v + 6, 4, u32(d, v + 6));
          ot.add(hf.optReserved, v + 10, 4, null);
          ot.add(hf.optPrefix, v + 14, 16, prefix);
        }
        break;
      }
      case 5: {
        if (len >= 8 && ot) {
          const mtu = u32(d, v + 2);
          ot.add(hf.optReserved, v, 2, null);
          ot.add(hf.optMtu, v + 2, 4, mtu);
        }
        break;
      }
      case 4: {
        if (ot) {
          ot.add(hf.optReserved, v, 6, null);
          ot.add(hf.optRedirected, v + 6, vlen - 6, null);
        }
        // The redirected packet is the start of the original IPv6 packet.
        if (vlen > 6 && ctx.errorDepth < 4) decodeQuoted(ctx, ot, { offset: v + 6, end: Math.min(end, o + len), next: { table: 'ethertype', key: 0x86dd } });
        break;
      }
      default: {
        if (ot && vlen > 0) ot.add(hf.optData, v, vlen, d.subarray(v, v + vlen));
        ctx.issue('icmpv6', ei.undecodedOption, ot, o, len);
      }
    }
    o += len;
  }
}

function pseudoSum(src: Uint8Array, dst: Uint8Array, len: number): number {
  let s = onesSum(src, 0, 16);
  s = onesSum(dst, 0, 16, s);
  s += (len >>> 16) + (len & 0xffff) + 58;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

const ECHO = stateKey<EchoState>('icmpv6.echo', () => ({ unmatched: new Map() }));

function matchEcho(ctx: DecodeContext, t: Tree | undefined, type: number, d: Uint8Array, offset: number, ip: Ipv6Layer): void {
  const state = ctx.session.get(ECHO);
  const a = ipv6ToString(ip.src);
  const b = ipv6ToString(ip.dst);
  const pair = a < b ? `${a}|${b}` : `${b}|${a}`;
  const cksum = u16(d, offset + 2);
  const idseq = u32(d, offset + 4);
  const f = ctx.packet.frame;
  if (type === 128) {
    // The reply's checksum differs by the type byte (128 → 129).
    const key0 = inetChecksum(new Uint8Array([(~cksum >> 8) & 0xff, ~cksum & 0xff, 0x01, 0x00]), 0, 4);
    if (state.unmatched.size > 65536) state.unmatched.clear();
    state.unmatched.set(`${pair}|${key0}|${idseq}`, { frame: f.number, sec: f.tsSec, nsec: f.tsNsec, replied: false });
    return;
  }
  const key0 = cksum === 0xffff ? 0 : cksum;
  const req = state.unmatched.get(`${pair}|${key0}|${idseq}`);
  if (!req || req.replied) return;
  req.replied = true;
  const ms = (f.tsSec - req.sec) * 1000 + (f.tsNsec - req.nsec) / 1e6;
  if (t) {
    t.add(hf.respTo, 0, 0, req.frame, { text: `[Response To: ${req.frame}]`, generated: true });
    t.add(hf.respTime, 0, 0, ms, { text: `[Response Time: ${ms.toFixed(3)} ms]`, generated: true });
  }
  if (ctx.columns) ctx.appendInfo(` (request in ${req.frame})`);
}

