import type { DecodeContext, Next } from './core/context.js';
import { field } from './core/fields.js';
import { hexPad } from './core/format.js';
import type { FieldDef } from './core/fields.js';
import type { Tree } from './core/tree.js';

/** EtherType names as Wireshark 4.0 shows them (`eth.type`, `vlan.etype`, `sll.etype` lines;
 * the `etype_vals` table as printed by `tshark -G values`). */
export const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4',
  0x86dd: 'IPv6',
  0x8100: '802.1Q Virtual LAN',
  0x8102: 'Simple Loop Protection Protocol',
  0x8103: 'Virtual LACP',
  0x8104: 'Simple Loop Protection Protocol (old)',
  0x0806: 'ARP',
  0x872d: 'Cisco Wireless Lan Context Control Protocol',
  0x8783: 'Motorola Media Independent Network Transport',
  0x2452: 'IEEE 802.11 (Centrino promiscuous)',
  0x0600: 'XNS Internet Datagram Protocol',
  0x0805: 'X.25 Layer 3',
  0x0842: 'Wake on LAN',
  0x08f0: 'WiMax Mac-to-Mac',
  0x3e3f: 'EPL_V1',
  0x8035: 'RARP',
  0x8038: 'DEC LanBridge',
  0x809b: 'AppleTalk LLAP bridging',
  0x80d5: 'SNA-over-Ethernet',
  0x80e1: 'EtherNet/IP Device Level Ring',
  0x80f3: 'AARP',
  0x8137: 'Netware IPX/SPX',
  0x0bad: 'Vines IP',
  0x0baf: 'Vines Echo',
  0x1984: 'Netmon Train',
  0x9000: 'Loopback',
  0x885a: 'Foundry proprietary',
  0x80ff: 'Wellfleet Compression Protocol',
  0x8181: 'Spanning Tree Protocol',
  0x81fd: 'Cabletron Interswitch Message Protocol',
  0x81ff: 'Cabletron SFVLAN 1.8 Tag-Based Flood',
  0x8204: 'QNX 6 QNET protocol',
  0x8863: 'PPPoE Discovery',
  0x8864: 'PPPoE Session',
  0x886c: 'HomePNA, wlan link local tunnel',
  0x886d: 'Intel ANS probe',
  0x886f: 'MS NLB heartbeat',
  0x8870: 'Jumbo LLC',
  0x8874: 'Broadcom tag',
  0x887b: 'Homeplug',
  0x88e1: 'Homeplug AV',
  0x88e3: 'MRP',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x88e5: '802.1AE (MACsec)',
  0x893a: '1905.1a Convergent Digital Home Network for Heterogenous Technologies',
  0x88e7: '802.1ah Provider Backbone Bridge (mac-in-mac)',
  0x893f: '802.1br Bridge Port Extension E-Tag',
  0x888e: '802.1X Authentication',
  0x88c7: '802.11i Pre-Authentication',
  0x8847: 'MPLS label switched packet',
  0x8848: 'MPLS multicast label switched packet',
  0x3c07: '3Com NBP Datagram',
  0x6000: 'DEC proto',
  0x6001: 'DEC DNA Dump/Load',
  0x6002: 'DEC DNA Remote Console',
  0x6003: 'DEC DNA Routing',
  0x6004: 'DEC LAT',
  0x6005: 'DEC Diagnostics',
  0x6006: 'DEC Customer use',
  0x6007: 'DEC LAVC/SCA',
  0x8041: 'DEC LAST',
  0x6558: 'Transparent Ethernet bridging',
  0x2001: 'Cisco Group Management Protocol',
  0x22e5: 'Gigamon Header',
  0x22ea: '802.1Qat Multiple Stream Reservation Protocol',
  0x88f6: '802.1ak Multiple Mac Registration Protocol',
  0x894f: 'Network Service Header',
  0x8988: 'PA HB Backup',
  0x22f0: 'IEEE 1722 Audio Video Transport Protocol',
  0x22f1: 'Robust Header Compression(RoHC)',
  0x22f3: 'Transparent Interconnection of Lots of Links',
  0x22f4: 'Intermediate System to Intermediate System',
  0x8808: 'MAC Control',
  0x8809: 'Slow Protocols',
  0x9021: 'Real-Time Media Access Control',
  0x9022: 'Real-Time Configuration Protocol',
  0x8881: 'CDMA2000 A10 Unstructured byte stream',
  0x8884: 'ATM over Ethernet',
  0x8892: 'PROFINET',
  0x8899: 'Realtek Layer 2 Protocols',
  0x88a2: 'ATA over Ethernet',
  0x88a4: 'EtherCAT frame',
  0x88a1: 'Telkonet powerline',
  0x88ab: 'ETHERNET Powerlink v2',
  0x88ad: 'XiMeta Technology',
  0x889b: 'CSM_ENCAPS Protocol',
  0x88b5: 'Local Experimental Ethertype 1',
  0x88b6: 'Local Experimental Ethertype 2',
  0x88b7: 'IEEE 802a OUI Extended Ethertype',
  0x88b8: 'IEC 61850/GOOSE',
  0x88b9: 'IEC 61850/GSE management services',
  0x88ba: 'IEC 61850/SV (Sampled Value Transmission',
  0x88ca: 'Transparent Inter Process Communication',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
  0x88d2: 'CDMA2000 A10 3GPP2 Packet',
  0x891d: 'TTEthernet Protocol Control Frame',
  0x88d8: 'Circuit Emulation Services over Ethernet (MEF8)',
  0x88d9: 'Link Layer Topology Discovery (LLTD)',
  0x88dc: '(WAVE) Short Message Protocol (WSM)',
  0x88de: 'VMware Lab Manager',
  0x8819: 'Cirrus Cobranet Packet',
  0x8133: 'Juniper Netscreen Redundant Protocol',
  0x9104: 'EERO Broadcast Packet',
  0x8021: 'PPP IP Control Protocol',
  0xc021: 'PPP Link Control Protocol',
  0xc023: 'PPP Password Authentication Protocol',
  0x80fd: 'PPP Compression Control Protocol',
  0xcafe: 'Veritas Low Latency Transport (not officially registered)',
  0x8902: 'IEEE 802.1ag Connectivity Fault Management (CFM) protocol',
  0x8903: 'Data Center Ethernet (DCE) protocol(Cisco)',
  0x8906: 'Fibre Channel over Ethernet',
  0x890d: 'IEEE 802.11 data encapsulation',
  0x8911: 'LINX IPC Protocol',
  0x8914: 'FCoE Initialization Protocol',
  0x8917: 'Media Independent Handover Protocol',
  0x88ee: 'Ethernet Local Management Interface (MEF16)',
  0x88f7: 'PTPv2 over Ethernet (IEEE1588)',
  0x88f8: 'Network Controller Sideband Interface',
  0x88fb: 'Parallel Redundancy Protocol (PRP) and HSR Supervision (IEC62439 Part 3)',
  0x8901: 'Flow Layer Internal Protocol',
  0x8915: 'RDMA over Converged Ethernet',
  0xd00d: 'Digium TDM over Ethernet Protocol',
  0x88b4: 'WAI Authentication Protocol',
  0x8926: 'VN-Tag',
  0x892b: 'Schweitzer Engineering Labs Layer 2 Protocol',
  0x892f: 'High-availability Seamless Redundancy (IEC62439 Part 3)',
  0x08ff: 'AX.25',
  0x8909: 'CiscoMetaData',
  0x8947: 'GeoNetworking',
  0xc0de: 'eXpressive Internet Protocol',
  0xc0df: 'Neighborhood Watch Protocol',
  0x892d: 'bluecom Protocol',
  0x9100: 'QinQ: old non-standard 802.1ad',
  0x99fe: 'Technically Enhanced Capture Module Protocol (TECMP)',
  0xa0ed: '6LoWPAN',
  0xd28b: 'Arista Timestamp',
  0xaefe: 'eCPRI',
  0xb4e3: 'CableLabs Layer-3 Protocol',
  0xe555: 'EXos internal Extra Header',
  0xfff2: 'Cisco ACI ARP gleaning',
  0xf1c1: '802.1CB Frame Replication and Elimination for Reliability',
};


const padding = field('eth.padding', 'Padding', 'bytes');

/** Minimum Ethernet frame length without FCS: shorter payloads are padded up to it. */
const ETH_MIN_FRAME = 60;

/**
 * How many bytes the protocol carried under `type` says it occupies, as Wireshark's ethertype
 * dissector learns it when the sub-dissector shrinks its buffer (IPv4 total length, IPv6 header +
 * payload length, ARP header + addresses). `reportedEnd` is where the layer ends on the wire.
 * Returns undefined when the length is unknown or not smaller than what is there.
 */
export function ethertypePayloadLength(
  data: Uint8Array,
  type: number,
  off: number,
  end: number,
  reportedEnd: number,
): number | undefined {
  const avail = reportedEnd - off;
  let len: number | undefined;
  if (type === 0x0800) {
    if (off + 4 > end || data[off]! >> 4 !== 4) return undefined;
    const hlen = (data[off]! & 15) * 4;
    const total = (data[off + 2]! << 8) | data[off + 3]!;
    if (hlen < 20 || total < hlen) return undefined;
    len = total;
  } else if (type === 0x86dd) {
    if (off + 6 > end || data[off]! >> 4 !== 6) return undefined;
    const plen = (data[off + 4]! << 8) | data[off + 5]!;
    if (plen === 0) return undefined;
    len = 40 + plen;
  } else if (type === 0x0806 || type === 0x8035) {
    if (off + 6 > end) return undefined;
    len = 8 + 2 * data[off + 4]! + 2 * data[off + 5]!;
  }
  return len !== undefined && len < avail ? len : undefined;
}

/**
 * Adds Wireshark's Ethernet padding / trailer fields for the bytes after the payload
 * (`add_ethernet_trailer` without FCS): padding up to a 60-byte frame, then the rest as
 * `trailerDef` (`sll.trailer`, `vlan.trailer`, `eth.trailer`).
 */
export function addEthertypeTrailer(
  ctx: DecodeContext,
  tree: Tree | undefined,
  trailerDef: FieldDef,
  payloadEnd: number,
  end: number,
  reportedEnd: number,
): void {
  if (!tree || payloadEnd >= reportedEnd) return;
  const pktLen = ctx.reportedLength;
  let captured = Math.max(0, end - payloadEnd);
  let reported = reportedEnd - payloadEnd;
  let off = payloadEnd;
  if (pktLen >= ETH_MIN_FRAME && pktLen - reported < ETH_MIN_FRAME) {
    const pad = Math.min(ETH_MIN_FRAME - (pktLen - reported), reported);
    const padCaptured = Math.min(pad, captured);
    if (padCaptured > 0) tree.add(padding, off, padCaptured, ctx.data.subarray(off, off + padCaptured));
    off += pad;
    captured = Math.max(0, captured - pad);
    reported -= pad;
  }
  if (captured > 0) tree.add(trailerDef, off, captured, ctx.data.subarray(off, off + captured));
}

/** Columns Wireshark's ethertype dissector sets when no dissector takes `type`: Protocol
 * `0x1234`, and the Info column replaced by the EtherType's name when it has one. */
export function unknownEthertypeColumns(ctx: DecodeContext, type: number): void {
  if (!ctx.columns) return;
  ctx.setProtocol('0x' + hexPad(type, 4));
  const name = ETHERTYPE_NAMES[type];
  if (name !== undefined) ctx.setInfo(name);
}

/** The `next` for an EtherType payload. Wireshark calls the sub-dissector even for an empty
 * payload (which then fails on it), while the driver skips empty table dispatches; naming the
 * decoder directly keeps that behaviour. */
export function ethertypeNext(ctx: DecodeContext, type: number, off: number, end: number): Next {
  if (off >= end) {
    const dec = ctx.registry.lookup('ethertype', type);
    if (dec) return { proto: dec.proto };
  }
  return { table: 'ethertype', key: type };
}

/** Where this layer ends on the wire: the frame's reported length when the layer runs to the end
 * of the captured bytes (the snaplen may have cut it), else its captured end. */
export function reportedEndOf(ctx: DecodeContext, end: number): number {
  return end >= ctx.data.length ? Math.max(end, ctx.reportedLength - (ctx.data.length - end)) : end;
}
