import type { DecodeContext, DecodeResult } from './core/context.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import { hex, hexPad, ipv4ToString, ipv6ToString, macToString } from './core/format.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { ETHERTYPE_NAMES } from './ethertypes.js';
import { textItem } from './ipv4.js';

/** ARP hardware types (`arp_hrd_vals`, also used for `sll.hatype`), as `tshark -G values`. */
export const ARPHRD: Record<number, string> = {
  0: 'NET/ROM pseudo',
  1: 'Ethernet',
  2: 'Experimental Ethernet',
  3: 'AX.25',
  4: 'ProNET',
  5: 'Chaos',
  6: 'IEEE 802',
  7: 'ARCNET',
  8: 'Hyperchannel',
  9: 'Lanstar',
  10: 'Autonet Short Address',
  11: 'Localtalk',
  12: 'LocalNet',
  13: 'Ultra link',
  14: 'SMDS',
  15: 'Frame Relay DLCI',
  16: 'ATM',
  17: 'HDLC',
  18: 'Fibre Channel',
  19: 'ATM (RFC 2225)',
  20: 'Serial Line',
  21: 'ATM',
  22: 'MIL-STD-188-220',
  23: 'Metricom STRIP',
  24: 'IEEE 1394.1995',
  25: 'MAPOS',
  26: 'Twinaxial',
  27: 'EUI-64',
  28: 'HIPARP',
  29: 'IP and ARP over ISO 7816-3',
  30: 'ARPSec',
  31: 'IPsec tunnel',
  32: 'InfiniBand',
  33: 'TIA-102 Project 25 CAI',
  34: 'Wiegand Interface',
  35: 'Pure IP',
  36: 'Experimental 1',
  37: 'HFI',
  256: 'Experimental 2',
  257: 'AEthernet',
  260: 'Notional KISS type',
  264: 'ADAPT',
  270: 'ROSE',
  271: 'CCITT X.25',
  272: 'Boards with X.25 in firmware',
  280: 'Controller Area Network',
  512: 'PPP',
  513: 'Cisco HDLC',
  516: 'LAPB',
  517: 'Digital\'s DDCMP protocol',
  518: 'Raw HDLC',
  519: 'Raw IP',
  768: 'IPIP tunnel',
  769: 'IP6IP6 tunnel',
  770: 'Frame Relay Access Device',
  771: 'SKIP vif',
  772: 'Loopback',
  774: 'Fiber Distributed Data Interface',
  775: 'AP1000 BIF',
  776: 'sit0 device - IPv6-in-IPv4',
  777: 'IP over DDP tunneller',
  778: 'GRE over IP',
  779: 'PIMSM register interface',
  780: 'High Performance Parallel Interface',
  781: 'Nexus 64Mbps Ash',
  782: 'Acorn Econet',
  783: 'Linux-IrDA',
  784: 'Point to point fibrechannel',
  785: 'Fibrechannel arbitrated loop',
  786: 'Fibrechannel public loop',
  787: 'Fibrechannel fabric',
  800: 'Magic type ident for TR',
  801: 'IEEE 802.11',
  802: 'IEEE 802.11 + Prism2 header',
  803: 'IEEE 802.11 + radiotap header',
  804: 'IEEE 802.15.4',
  805: 'IEEE 802.15.4 network monitor',
  820: 'PhoNet media type',
  821: 'PhoNet pipe header',
  822: 'CAIF media type',
  823: 'GRE over IPv6',
  824: 'Netlink',
  825: 'IPv6 over LoWPAN',
  826: 'Vsock monitor header',
  65535: 'Void type, nothing is known',
  65534: 'zero header length',
};


const OPCODES: Record<number, string> = {
  0: 'reserved',
  1: 'request',
  2: 'reply',
  3: 'reverse request',
  4: 'reverse reply',
  5: 'drarp request',
  6: 'drarp reply',
  7: 'drarp error',
  8: 'inverse request',
  9: 'inverse reply',
  10: 'arp nak',
  11: 'mars request',
  12: 'mars multi',
  13: 'mars mserv',
  14: 'mars join',
  15: 'mars leave',
  16: 'mars nak',
  17: 'mars unserv',
  18: 'mars sjoin',
  19: 'mars sleave',
  20: 'mars grouplist request',
  21: 'mars grouplist reply',
  22: 'mars redirect map',
  23: 'mapos unarp',
  24: 'experimental 1',
  25: 'experimental 2',
  65535: 'reserved',
};

/** Info texts of the MARS/MAPOS opcodes: `<prefix> from <hw> at <proto>`. */
const FROM_AT: Record<number, string> = {
  11: 'MARS request',
  12: 'MARS MULTI request',
  13: 'MARS MSERV request',
  14: 'MARS JOIN request',
  15: 'MARS LEAVE',
  16: 'MARS NAK',
  17: 'MARS UNSERV request',
  18: 'MARS SJOIN request',
  19: 'MARS SLEAVE',
  20: 'MARS grouplist request',
  21: 'MARS grouplist reply',
  22: 'MARS redirect map',
  23: 'MAPOS UNARP request',
};

export const hf = {
  arp: protocol('arp', 'Address Resolution Protocol'),
  hwType: field('arp.hw.type', 'Hardware type', 'uint', { bits: 16, values: ARPHRD }),
  protoType: field('arp.proto.type', 'Protocol type', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  hwSize: field('arp.hw.size', 'Hardware size', 'uint', { bits: 8 }),
  protoSize: field('arp.proto.size', 'Protocol size', 'uint', { bits: 8 }),
  opcode: field('arp.opcode', 'Opcode', 'uint', { bits: 16, values: OPCODES }),
  isGratuitous: field('arp.isgratuitous', 'Is gratuitous', 'bool'),
  isProbe: field('arp.isprobe', 'Is probe', 'bool'),
  isAnnouncement: field('arp.isannouncement', 'Is announcement', 'bool'),
  srcHw: field('arp.src.hw', 'Sender hardware address', 'bytes'),
  srcHwMac: field('arp.src.hw_mac', 'Sender MAC address', 'ether'),
  srcProto: field('arp.src.proto', 'Sender protocol address', 'bytes'),
  srcProtoIpv4: field('arp.src.proto_ipv4', 'Sender IP address', 'ipv4'),
  dstHw: field('arp.dst.hw', 'Target hardware address', 'bytes'),
  dstHwMac: field('arp.dst.hw_mac', 'Target MAC address', 'ether'),
  dstProto: field('arp.dst.proto', 'Target protocol address', 'bytes'),
  dstProtoIpv4: field('arp.dst.proto_ipv4', 'Target IP address', 'ipv4'),
  drarpErrorStatus: field('arp.dst.drarp_error_status', 'DRARP error status', 'uint', { bits: 16 }),
  duplicateFrame: field('arp.duplicate-address-frame', 'Frame showing earlier use of IP address', 'framenum'),
  duplicateSeconds: field('arp.seconds-since-duplicate-address-frame', 'Seconds since earlier frame seen', 'uint', { bits: 32 }),
};

const ei = {
  duplicate: expert('arp.duplicate-address-detected', 'warn', 'sequence', 'Duplicate IP address configured'),
};

export interface ArpLayer extends Layer {
  proto: 'arp';
  hwType: number;
  protoType: number;
  opcode: number;
  /** Offsets of the four addresses in the frame (hwLen / protoLen bytes each). */
  senderHwOffset: number;
  senderProtoOffset: number;
  targetHwOffset: number;
  targetProtoOffset: number;
  hwLen: number;
  protoLen: number;
}

/** Per-capture IP → MAC bindings learnt from ARP, for duplicate-address detection. */
interface Bindings {
  byIp: Map<number, { mac: string; frame: number; sec: number }>;
}

const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;
const u32 = (d: Uint8Array, o: number) => ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;

const isEtherHw = (hrd: number, hln: number) => (hrd === 1 || hrd === 6) && hln === 6;
const isIpv4Proto = (pro: number, pln: number) => (pro === 0x0800 || pro === 0xcc) && pln === 4;

function hwStr(d: Uint8Array, o: number, len: number, hrd: number): string {
  if (len === 0) return '<No address>';
  if (isEtherHw(hrd, len)) return macToString(d.subarray(o, o + len));
  return hex(d.subarray(o, o + len));
}

function protoStr(d: Uint8Array, o: number, len: number, pro: number): string {
  if (len === 0) return '<No address>';
  if (isIpv4Proto(pro, len)) return ipv4ToString(u32(d, o));
  if (pro === 0x86dd && len === 16) return ipv6ToString(d.subarray(o, o + 16));
  return hex(d.subarray(o, o + len));
}

/** ARP / RARP (RFC 826, 903) over Ethernet-like hardware. */
export const arpDecoder: Decoder = {
  proto: 'arp',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    ctx.setProtocol('ARP');
    if (ctx.columns) ctx.setInfo('');
    const at = (o: number) => (o < end ? d[o]! : 0);
    const hrd = (at(offset) << 8) | at(offset + 1);
    const pro = (at(offset + 2) << 8) | at(offset + 3);
    const hln = at(offset + 4);
    const pln = at(offset + 5);
    const op = (at(offset + 6) << 8) | at(offset + 7);
    const totLen = 8 + 2 * hln + 2 * pln;
    const sha = offset + 8;
    const spa = sha + hln;
    const tha = spa + pln;
    const tpa = tha + hln;
    const layer = ctx.addLayer<ArpLayer>({
      proto: 'arp',
      offset,
      length: Math.min(totLen, end - offset),
      errorDepth: 0,
      hwType: hrd,
      protoType: pro,
      opcode: op,
      senderHwOffset: sha,
      senderProtoOffset: spa,
      targetHwOffset: tha,
      targetProtoOffset: tpa,
      hwLen: hln,
      protoLen: pln,
    });
    const t = tree?.add(hf.arp, offset, Math.min(totLen, end - offset), null, { text: 'Address Resolution Protocol' });
    if (t) layer.tree = t;
    // Field by field, as Wireshark reads them: a cut header keeps the fields before the cut.
    ctx.need('arp', offset, 2, end);
    t?.add(hf.hwType, offset, 2, hrd);
    ctx.need('arp', offset + 2, 2, end);
    t?.add(hf.protoType, offset + 2, 2, pro);
    ctx.need('arp', offset + 4, 1, end);
    t?.add(hf.hwSize, offset + 4, 1, hln);
    ctx.need('arp', offset + 5, 1, end);
    t?.add(hf.protoSize, offset + 5, 1, pln);
    ctx.need('arp', offset + 6, 2, end);
    t?.add(hf.opcode, offset + 6, 2, op);
    if (op === 3 || op === 4) ctx.setProtocol('RARP');
    else if (op >= 5 && op <= 7) ctx.setProtocol('DRARP');
    else if (op === 8 || op === 9) ctx.setProtocol('Inverse ARP');
    else if (op >= 11 && op <= 22) ctx.setProtocol('MARS');
    else if (op === 23) ctx.setProtocol('MAPOS');

    const ether = isEtherHw(hrd, hln);
    const ipv4 = isIpv4Proto(pro, pln);
    let duplicateDetected = false;
    let duplicateIp = 0;
    if ((op === 1 || op === 2) && ether && ipv4) {
      ctx.need('arp', offset, totLen, end);
      const ip = u32(d, spa);
      const mac = d.subarray(sha, sha + 6);
      if ((mac[0]! & 1) === 0 && !isZero(mac) && ip !== 0) {
        duplicateDetected = checkDuplicate(ctx, t, mac, ip);
        if (duplicateDetected) duplicateIp = ip;
      }
      const tip = u32(d, tpa);
      const tmac = d.subarray(tha, tha + 6);
      if ((tmac[0]! & 1) === 0 && !isZero(tmac) && tip !== 0 && op !== 1 && duplicateIp !== tip) {
        duplicateDetected = checkDuplicate(ctx, t, tmac, tip);
        if (duplicateDetected) duplicateIp = tip;
      }
    }

    // Gratuitous / probe / announcement (these reads may throw on a short packet).
    let gratuitous = false;
    let probe = false;
    let announcement = false;
    if (op === 1 || op === 2) {
      ctx.need('arp', spa, pln, end);
      ctx.need('arp', tpa, pln, end);
      if (equalBytes(d, spa, tpa, pln)) {
        gratuitous = true;
        if (op === 1) {
          ctx.need('arp', tha, 6, end);
          announcement = isZero(d.subarray(tha, tha + 6));
        }
      } else if (op === 1) {
        ctx.need('arp', tha, 6, end);
        ctx.need('arp', spa, 4, end);
        probe = isZero(d.subarray(tha, tha + 6)) && u32(d, spa) === 0;
      }
    }

    if (ctx.columns) {
      ctx.need('arp', offset, totLen, end);
      ctx.setInfo(infoText(d, op, hrd, pro, hln, pln, sha, spa, tha, tpa, gratuitous, probe, announcement));
    }

    if (t) {
      let opStr = OPCODES[op];
      if (opStr !== undefined) {
        if (gratuitous && op === 1) opStr = 'request/gratuitous ARP';
        if (gratuitous && op === 2) opStr = 'reply/gratuitous ARP';
        if (probe) opStr = 'ARP Probe';
        if (announcement) opStr = 'ARP Announcement';
        t.appendText(` (${opStr})`);
      } else {
        t.appendText(` (opcode 0x${hexPad(op, 4)})`);
      }
      if (gratuitous) t.add(hf.isGratuitous, 0, 0, true, { text: '[Is gratuitous: True]', generated: true });
      if (probe) t.add(hf.isProbe, 0, 0, true, { text: '[Is probe: True]', generated: true });
      if (announcement) t.add(hf.isAnnouncement, 0, 0, true, { text: '[Is announcement: True]', generated: true });
      if (hln) {
        ctx.need('arp', sha, hln, end);
        if (ether) t.add(hf.srcHwMac, sha, 6, d.subarray(sha, sha + 6));
        else t.add(hf.srcHw, sha, hln, d.subarray(sha, sha + hln));
      }
      if (pln) {
        ctx.need('arp', spa, pln, end);
        if (ipv4) t.add(hf.srcProtoIpv4, spa, 4, u32(d, spa));
        else t.add(hf.srcProto, spa, pln, d.subarray(spa, spa + pln));
      }
      if (hln) {
        ctx.need('arp', tha, hln, end);
        if (ether) t.add(hf.dstHwMac, tha, 6, d.subarray(tha, tha + 6));
        else t.add(hf.dstHw, tha, hln, d.subarray(tha, tha + hln));
      }
      if (pln && op !== 7) {
        ctx.need('arp', tpa, pln, end);
        if (ipv4) t.add(hf.dstProtoIpv4, tpa, 4, u32(d, tpa));
        else t.add(hf.dstProto, tpa, pln, d.subarray(tpa, tpa + pln));
      } else if (pln && op === 7) {
        ctx.need('arp', tpa, 1, end);
        t.add(hf.drarpErrorStatus, tpa, 1, d[tpa]!);
      }
    }
    if (duplicateDetected && ctx.columns) ctx.appendInfo(` (duplicate use of ${ipv4ToString(duplicateIp)} detected!)`);
  },
};

function infoText(
  d: Uint8Array,
  op: number,
  hrd: number,
  pro: number,
  hln: number,
  pln: number,
  sha: number,
  spa: number,
  tha: number,
  tpa: number,
  gratuitous: boolean,
  probe: boolean,
  announcement: boolean,
): string {
  const p = (o: number) => protoStr(d, o, pln, pro);
  const h = (o: number) => hwStr(d, o, hln, hrd);
  switch (op) {
    case 1:
      if (gratuitous) return announcement ? `ARP Announcement for ${p(tpa)}` : `Gratuitous ARP for ${p(tpa)} (Request)`;
      if (probe) return `Who has ${p(tpa)}? (ARP Probe)`;
      return `Who has ${p(tpa)}? Tell ${p(spa)}`;
    case 2:
      if (gratuitous) return `Gratuitous ARP for ${p(spa)} (Reply)`;
      return `${p(spa)} is at ${h(sha)}`;
    case 3:
    case 8:
    case 5:
      return `Who is ${h(tha)}? Tell ${h(sha)}`;
    case 4:
    case 6:
      return `${h(tha)} is at ${p(tpa)}`;
    case 7:
      return 'DRARP Error';
    case 9:
      return `${h(sha)} is at ${p(spa)}`;
    case 10:
      return 'ARP NAK';
    case 24:
      return `Experimental 1 ( opcode ${op} )`;
    case 25:
      return `Experimental 2 ( opcode ${op} )`;
    case 0:
    case 65535:
      return `Reserved opcode ${op}`;
    default: {
      const prefix = FROM_AT[op];
      if (prefix) return `${prefix} from ${h(sha)} at ${p(spa)}`;
      return `Unknown ARP opcode 0x${hexPad(op, 4)}`;
    }
  }
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function equalBytes(d: Uint8Array, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (d[a + i] !== d[b + i]) return false;
  return true;
}

const BINDINGS = stateKey<Bindings>('arp.bindings', () => ({ byIp: new Map() }));

/** Wireshark's duplicate-address check: an IP seen earlier with another MAC is reported (the
 * binding itself keeps the first MAC). */
function checkDuplicate(ctx: DecodeContext, t: Tree | undefined, mac: Uint8Array, ip: number): boolean {
  const b = ctx.session.get(BINDINGS);
  const f = ctx.packet.frame;
  const m = macToString(mac);
  const v = b.byIp.get(ip);
  if (!v) {
    if (b.byIp.size < 1 << 20) b.byIp.set(ip, { mac: m, frame: f.number, sec: f.tsSec });
    return false;
  }
  if (f.number <= v.frame) return false;
  if (v.mac === m) {
    v.frame = f.number;
    v.sec = f.tsSec;
    return false;
  }
  const ipStr = ipv4ToString(ip);
  const dt = t?.add(textItem, 0, 0, null, {
    text: `[Duplicate IP address detected for ${ipStr} (${m}) - also in use by ${v.mac} (frame ${v.frame})]`,
    generated: true,
  });
  const ft = dt?.add(hf.duplicateFrame, 0, 0, v.frame, { text: `[Frame showing earlier use of IP address: ${v.frame}]`, generated: true });
  ctx.issue('arp', ei.duplicate, ft, 0, 0, `Duplicate IP address configured (${ipStr})`);
  dt?.add(hf.duplicateSeconds, 0, 0, f.tsSec - v.sec, {
    text: `[Seconds since earlier frame seen: ${f.tsSec - v.sec}]`,
    generated: true,
  });
  return true;
}
