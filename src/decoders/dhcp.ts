import type { DecodeContext, DecodeResult } from './core/context.js';
import { expert } from './core/expert.js';
import { field, protocol, type FieldDef } from './core/fields.js';
import { ipv4ToString, latin1, macToString } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { timeSecsToString } from './dns.js';

/** Option names as Wireshark prints them (`Option: (53) DHCP Message Type`). */
const OPTION_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [1, 'Subnet Mask'], [2, 'Time Offset'], [3, 'Router'], [4, 'Time Server'], [5, 'Name Server'],
  [6, 'Domain Name Server'], [7, 'Log Server'], [8, 'Quotes Server'], [9, 'LPR Server'],
  [10, 'Impress Server'], [11, 'Resource Location Server'], [12, 'Host Name'], [13, 'Boot File Size'],
  [14, 'Merit Dump File'], [15, 'Domain Name'], [16, 'Swap Server'], [17, 'Root Path'],
  [18, 'Extensions Path'], [19, 'IP Forwarding'], [20, 'Non-Local Source Routing'], [21, 'Policy Filter'],
  [22, 'Maximum Datagram Reassembly Size'], [23, 'Default IP Time-to-Live'], [24, 'Path MTU Aging Timeout'],
  [25, 'Path MTU Plateau Table'], [26, 'Interface MTU'], [27, 'All Subnets are Local'],
  [28, 'Broadcast Address'], [29, 'Perform Mask Discovery'], [30, 'Mask Supplier'],
  [31, 'Perform Router Discover'], [32, 'Router Solicitation Address'], [33, 'Static Route'],
  [34, 'Trailer Encapsulation'], [35, 'ARP Cache Timeout'], [36, 'Ethernet Encapsulation'],
  [37, 'TCP Default TTL'], [38, 'TCP Keepalive Interval'], [39, 'TCP Keepalive Garbage'],
  [40, 'Network Information Service Domain'], [41, 'Network Information Service Servers'],
  [42, 'Network Time Protocol Servers'], [43, 'Vendor-Specific Information'],
  [44, 'NetBIOS over TCP/IP Name Server'], [45, 'NetBIOS over TCP/IP Datagram Distribution Name Server'],
  [46, 'NetBIOS over TCP/IP Node Type'], [47, 'NetBIOS over TCP/IP Scope'],
  [48, 'X Window System Font Server'], [49, 'X Window System Display Manager'], [50, 'Requested IP Address'],
  [51, 'IP Address Lease Time'], [52, 'Option Overload'], [53, 'DHCP Message Type'],
  [54, 'DHCP Server Identifier'], [55, 'Parameter Request List'], [56, 'Message'],
  [57, 'Maximum DHCP Message Size'], [58, 'Renewal Time Value'], [59, 'Rebinding Time Value'],
  [60, 'Vendor class identifier'], [61, 'Client identifier'], [62, 'Novell/Netware IP domain'],
  [63, 'Novell Options'], [64, 'Network Information Service+ Domain'],
  [65, 'Network Information Service+ Servers'], [66, 'TFTP Server Name'], [67, 'Bootfile name'],
  [68, 'Mobile IP Home Agent'], [69, 'SMTP Server'], [70, 'POP3 Server'], [71, 'NNTP Server'],
  [72, 'Default WWW Server'], [73, 'Default Finger Server'], [74, 'Default IRC Server'],
  [75, 'StreetTalk Server'], [76, 'StreetTalk Directory Assistance Server'], [77, 'User Class Information'],
  [78, 'Directory Agent Information'], [79, 'Service Location Agent Scope'], [80, 'Rapid commit'],
  [81, 'Client Fully Qualified Domain Name'], [82, 'Agent Information Option'], [83, 'iSNS'],
  [84, 'Removed/Unassigned'], [85, 'Novell Directory Services Servers'],
  [86, 'Novell Directory Services Tree Name'], [87, 'Novell Directory Services Context'],
  [88, 'BCMCS Controller Domain Name [TODO:RFC4280]'], [89, 'BCMCS Controller IPv4 address [TODO:RFC4280]'],
  [90, 'Authentication'], [91, 'Client last transaction time'], [92, 'Associated IP option'],
  [93, 'Client System Architecture'], [94, 'Client Network Device Interface'], [95, 'LDAP [TODO:RFC3679]'],
  [96, 'Removed/Unassigned'], [97, 'UUID/GUID-based Client Identifier'],
  [98, 'Open Group&#x27;s User Authentication [TODO:RFC2485]'], [99, 'Civic Addresses Configuration'],
  [100, 'PCode'], [101, 'TCode'], [102, 'Removed/unassigned'], [103, 'Removed/unassigned'],
  [104, 'Removed/unassigned'], [105, 'Removed/unassigned'], [106, 'Removed/unassigned'],
  [107, 'Removed/unassigned'], [108, 'IPv6-Only Preferred'], [109, 'Unassigned'],
  [110, 'Removed/Unassigned'], [111, 'Unassigned'], [112, 'NetInfo Parent Server Address'],
  [113, 'NetInfo Parent Server Tag'], [114, 'DHCP Captive-Portal'], [115, 'Removed/Unassigned'],
  [116, 'DHCP Auto-Configuration'], [117, 'Name Service Search'], [118, 'Subnet Selection Option'],
  [119, 'Domain Search'], [120, 'SIP Servers'], [121, 'Classless Static Route'],
  [122, 'CableLabs Client Configuration [TODO:RFC3495]'], [123, 'Coordinate-based Location Configuration'],
  [124, 'V-I Vendor Class'], [125, 'V-I Vendor-specific Information'], [126, 'Removed/Unassigned'],
  [127, 'Removed/Unassigned'], [128, 'DOCSIS full security server IP [TODO]'],
  [129, 'PXE - undefined (vendor specific)'], [130, 'PXE - undefined (vendor specific)'],
  [131, 'PXE - undefined (vendor specific)'], [132, 'PXE - undefined (vendor specific)'],
  [133, 'PXE - undefined (vendor specific)'], [134, 'PXE - undefined (vendor specific)'],
  [135, 'PXE - undefined (vendor specific)'], [136, 'PANA Authentication Agent'],
  [137, 'LoST Server Domain Name'], [138, 'CAPWAP Access Controllers'], [139, 'IPv4 Address-MoS'],
  [140, 'IPv4 FQDN-MoS'], [141, 'SIP UA Configuration Domains'], [142, 'IPv4 Address ANDSF'],
  [143, 'Zerotouch Redirect [TODO: draft-ietf-netconf-zerotouch]'],
  [144, 'Geospatial Location [TODO:RFC6225]'], [145, 'Forcerenew Nonce Capable'], [146, 'RDNSS Selection'],
  [147, 'Unassigned'], [148, 'Unassigned'], [149, 'Unassigned'], [150, 'TFTP Server Address'],
  [151, 'Leasequery Status code'], [152, 'Leasequery Base Time'], [153, 'Leasequery Start Time of State'],
  [154, 'Leasequery Query Start Time'], [155, 'Leasequery Query End Time'], [156, 'Leasequery Dhcp State'],
  [157, 'Leasequery Data Source'], [158, 'PCP Server'], [159, 'Portparams'],
  [160, 'Unassigned (ex DHCP Captive-Portal)'], [161, 'Manufacturer Usage Description'], [162, 'Unassigned'],
  [163, 'Unassigned'], [164, 'Unassigned'], [165, 'Unassigned'], [166, 'Unassigned'], [167, 'Unassigned'],
  [168, 'Unassigned'], [169, 'Unassigned'], [170, 'Unassigned'], [171, 'Unassigned'], [172, 'Unassigned'],
  [173, 'Unassigned'], [174, 'Unassigned'], [175, 'Etherboot'], [176, 'IP Telephone'], [177, 'Etherboot'],
  [178, 'Unassigned'], [179, 'Unassigned'], [180, 'Unassigned'], [181, 'Unassigned'], [182, 'Unassigned'],
  [183, 'Unassigned'], [184, 'Unassigned'], [185, 'Unassigned'], [186, 'Unassigned'], [187, 'Unassigned'],
  [188, 'Unassigned'], [189, 'Unassigned'], [190, 'Unassigned'], [191, 'Unassigned'], [192, 'Unassigned'],
  [193, 'Unassigned'], [194, 'Unassigned'], [195, 'Unassigned'], [196, 'Unassigned'], [197, 'Unassigned'],
  [198, 'Unassigned'], [199, 'Unassigned'], [200, 'Unassigned'], [201, 'Unassigned'], [202, 'Unassigned'],
  [203, 'Unassigned'], [204, 'Unassigned'], [205, 'Unassigned'], [206, 'Unassigned'], [207, 'Unassigned'],
  [208, 'PXELINUX Magic'], [209, 'PXE Configuration file'], [210, 'PXE Path Prefix'], [211, 'Reboot Time'],
  [212, '6RD'], [213, 'V4 Access Domain'], [214, 'Unassigned'], [215, 'Unassigned'], [216, 'Unassigned'],
  [217, 'Unassigned'], [218, 'Unassigned'], [219, 'Unassigned'], [220, 'Subnet Allocation'],
  [221, 'Virtual Subnet Selection'], [222, 'Unassigned'], [223, 'Unassigned'], [224, 'Private'],
  [225, 'Private'], [226, 'Private'], [227, 'Private'], [228, 'Private'], [229, 'Private'], [230, 'Private'],
  [231, 'Private'], [232, 'Private'], [233, 'Private'], [234, 'Private'], [235, 'Private'], [236, 'Private'],
  [237, 'Private'], [238, 'Private'], [239, 'Private'], [240, 'Private'], [241, 'Private'],
  [242, 'Private/Avaya IP Telephone'], [243, 'Private'], [244, 'Private'], [245, 'Private'],
  [246, 'Private'], [247, 'Private'], [248, 'Private'], [249, 'Private/Classless Static Route (Microsoft)'],
  [250, 'Private'], [251, 'Private'], [252, 'Private/Proxy autodiscovery'], [253, 'Private'],
  [254, 'Private'],
]);

const MESSAGE_TYPES: Record<number, string> = {
  1: 'Discover',
  2: 'Offer',
  3: 'Request',
  4: 'Decline',
  5: 'ACK',
  6: 'NAK',
  7: 'Release',
  8: 'Inform',
  9: 'Force Renew',
  10: 'Lease query',
  11: 'Lease Unassigned',
  12: 'Lease Unknown',
  13: 'Lease Active',
  14: 'Bulk Lease Query',
  15: 'Lease Query Done',
  16: 'Active LeaseQuery',
  17: 'Lease Query Status',
  18: 'TLS',
};

const HW_TYPES: Record<number, string> = {
  0: 'NET/ROM pseudo', 1: 'Ethernet', 2: 'Experimental Ethernet', 3: 'AX.25', 4: 'ProNET', 5: 'Chaos', 6: 'IEEE 802',
  7: 'ARCNET', 8: 'Hyperchannel', 9: 'Lanstar', 10: 'Autonet Short Address', 11: 'Localtalk', 12: 'LocalNet',
  13: 'Ultra link', 14: 'SMDS', 15: 'Frame Relay DLCI', 16: 'ATM', 17: 'HDLC', 18: 'Fibre Channel',
  19: 'ATM (RFC 2225)', 20: 'Serial Line', 21: 'ATM', 22: 'MIL-STD-188-220', 23: 'Metricom STRIP', 24: 'IEEE 1394.1995',
};

export const hf = {
  dhcp: protocol('dhcp', 'Dynamic Host Configuration Protocol'),
  type: field('dhcp.type', 'Message type', 'uint', { bits: 8, values: { 1: 'Boot Request', 2: 'Boot Reply' } }),
  hwType: field('dhcp.hw.type', 'Hardware type', 'uint', { base: 'hex', bits: 8, values: HW_TYPES }),
  hwLen: field('dhcp.hw.len', 'Hardware address length', 'uint', { bits: 8 }),
  hops: field('dhcp.hops', 'Hops', 'uint', { bits: 8 }),
  id: field('dhcp.id', 'Transaction ID', 'uint', { base: 'hex', bits: 32 }),
  secs: field('dhcp.secs', 'Seconds elapsed', 'uint', { bits: 16 }),
  flags: field('dhcp.flags', 'Bootp flags', 'uint', { base: 'hex', bits: 16 }),
  flagsBc: field('dhcp.flags.bc', 'Broadcast flag', 'bool', { bits: 16, mask: 0x8000, tf: ['Broadcast', 'Unicast'] }),
  flagsReserved: field('dhcp.flags.reserved', 'Reserved flags', 'uint', { base: 'hex', bits: 16, mask: 0x7fff }),
  ipClient: field('dhcp.ip.client', 'Client IP address', 'ipv4'),
  ipYour: field('dhcp.ip.your', 'Your (client) IP address', 'ipv4'),
  ipServer: field('dhcp.ip.server', 'Next server IP address', 'ipv4'),
  ipRelay: field('dhcp.ip.relay', 'Relay agent IP address', 'ipv4'),
  hwMac: field('dhcp.hw.mac_addr', 'Client MAC address', 'ether'),
  hwAddr: field('dhcp.hw.addr', 'Client hardware address', 'bytes'),
  hwPadding: field('dhcp.hw.addr_padding', 'Client hardware address padding', 'bytes'),
  server: field('dhcp.server', 'Server host name', 'string'),
  file: field('dhcp.file', 'Boot file name', 'string'),
  cookie: field('dhcp.cookie', 'Magic cookie', 'ipv4'),
  optionType: field('dhcp.option.type', 'Option', 'uint', { bits: 8 }),
  optionLength: field('dhcp.option.length', 'Length', 'uint', { bits: 8 }),
  optionValue: field('dhcp.option.value', 'Value', 'bytes'),
  optionPadding: field('dhcp.option.padding', 'Padding', 'bytes'),
  optionEnd: field('dhcp.option.end', 'Option End', 'uint', { bits: 8 }),
  optionDhcp: field('dhcp.option.dhcp', 'DHCP', 'uint', { bits: 8, values: MESSAGE_TYPES }),
  requestListItem: field('dhcp.option.request_list_item', 'Parameter Request List Item', 'uint', { bits: 8 }),
  nodeType: field('dhcp.option.netbios_over_tcpip_node_type', 'NetBIOS over TCP/IP Node Type', 'uint', {
    bits: 8,
    values: { 1: 'B-node', 2: 'P-node', 4: 'M-node', 8: 'H-node' },
  }),
  maxMessageSize: field('dhcp.option.dhcp_max_message_size', 'Maximum DHCP Message Size', 'uint', { bits: 16 }),
};

export const ei = {
  badLength: expert('dhcp.bad_length', 'error', 'protocol', 'Bad length'),
};

type Kind = 'ip1' | 'ips' | 'time' | 'str';
/** Options with a plain value: code → kind, field name, label. */
const SIMPLE: Record<number, [Kind, string, string]> = {
  1: ['ip1', 'subnet_mask', 'Subnet Mask'],
  2: ['time', 'time_offset', 'Time Offset'],
  3: ['ips', 'router', 'Router'],
  4: ['ips', 'time_server', 'Time Server'],
  5: ['ips', 'name_server', 'Name Server'],
  6: ['ips', 'domain_name_server', 'Domain Name Server'],
  7: ['ips', 'log_server', 'Log Server'],
  8: ['ips', 'quotes_server', 'Quotes Server'],
  9: ['ips', 'lpr_server', 'LPR Server'],
  10: ['ips', 'impress_server', 'Impress Server'],
  11: ['ips', 'resource_location_server', 'Resource Location Server'],
  12: ['str', 'hostname', 'Host Name'],
  14: ['str', 'merit_dump_file', 'Merit Dump File'],
  15: ['str', 'domain_name', 'Domain Name'],
  17: ['str', 'root_path', 'Root Path'],
  18: ['str', 'extension_path', 'Extensions Path'],
  28: ['ip1', 'broadcast_address', 'Broadcast Address'],
  32: ['ip1', 'router_solicitation_address', 'Router Solicitation Address'],
  35: ['time', 'arp_cache_timeout', 'ARP Cache Timeout'],
  38: ['time', 'tcp_keepalive_interval', 'TCP Keepalive Interval'],
  40: ['str', 'nis_domain', 'Network Information Service Domain'],
  41: ['ips', 'nis_server', 'Network Information Service Server'],
  42: ['ips', 'ntp_server', 'Network Time Protocol Server'],
  44: ['ips', 'netbios_over_tcpip_name_server', 'NetBIOS over TCP/IP Name Server'],
  45: ['ips', 'netbios_over_tcpip_dd_name_server', 'NetBIOS over TCP/IP Datagram Distribution Name Server'],
  47: ['str', 'netbios_over_tcpip_scope', 'NetBIOS over TCP/IP Scope'],
  48: ['ips', 'xwindows_system_font_server', 'X Window System Font Server'],
  49: ['ips', 'xwindows_system_display_manager', 'X Window System Display Manager'],
  50: ['ip1', 'requested_ip_address', 'Requested IP Address'],
  51: ['time', 'ip_address_lease_time', 'IP Address Lease Time'],
  54: ['ip1', 'dhcp_server_id', 'DHCP Server Identifier'],
  56: ['str', 'message', 'Message'],
  58: ['time', 'renewal_time_value', 'Renewal Time Value'],
  59: ['time', 'rebinding_time_value', 'Rebinding Time Value'],
  60: ['str', 'vendor_class_id', 'Vendor class identifier'],
  64: ['str', 'nis_plus_domain', 'Network Information Service+ Domain'],
  65: ['ips', 'nis_plus_server', 'Network Information Service+ Server'],
  66: ['str', 'tftp_server_name', 'TFTP Server Name'],
  67: ['str', 'bootfile_name', 'Bootfile name'],
  68: ['ips', 'mobile_ip_home_agent', 'Mobile IP Home Agent'],
  69: ['ips', 'smtp_server', 'SMTP Server'],
  70: ['ips', 'pop3_server', 'POP3 Server'],
  71: ['ips', 'nntp_server', 'NNTP Server'],
  72: ['ips', 'default_www_server', 'Default WWW Server'],
  73: ['ips', 'default_finger_server', 'Default Finger Server'],
  74: ['ips', 'default_irc_server', 'Default IRC Server'],
  75: ['ips', 'streettalk_server', 'StreetTalk Server'],
  76: ['ips', 'streettalk_da_server', 'StreetTalk Directory Assistance Server'],
  86: ['str', 'novell_ds_tree_name', 'Novell Directory Services Tree Name'],
  87: ['str', 'novell_ds_context', 'Novell Directory Services Context'],
  91: ['time', 'client_last_transaction_time', 'Client last transaction time'],
  92: ['ips', 'associated_ip_option', 'Associated IP option'],
  100: ['str', 'tz_pcode', 'TZ PCode'],
  101: ['str', 'tz_tcode', 'TZ TCode'],
  112: ['ips', 'netinfo_parent_server_address', 'NetInfo Parent Server Address'],
  113: ['str', 'netinfo_parent_server_tag', 'NetInfo Parent Server Tag'],
  114: ['str', 'captive_portal', 'Captive Portal'],
  137: ['str', 'lost_server_domain_name', 'LoST Server Domain Name'],
  138: ['ips', 'capwap_access_controller', 'CAPWAP Access Controllers'],
  142: ['ips', 'andsf_server', 'ANDSF Server'],
  209: ['str', 'pxe_config_file', 'PXELINUX configuration file'],
  210: ['str', 'pxe_path_prefix', 'PXELINUX path prefix'],
  252: ['str', 'private_proxy_autodiscovery', 'Private/Proxy autodiscovery'],
};

const SIMPLE_FIELDS = new Map<number, FieldDef>();
for (const [code, [kind, name, label]] of Object.entries(SIMPLE)) {
  SIMPLE_FIELDS.set(Number(code), field(`dhcp.option.${name}`, label, kind === 'time' ? 'uint' : kind === 'str' ? 'string' : 'ipv4'));
}

export interface DhcpLayer extends Layer {
  proto: 'dhcp';
  /** 1 Boot Request, 2 Boot Reply. */
  op: number;
  xid: number;
  /** Option 53 value (1 Discover .. 8 Inform ...), 0 when absent (plain BOOTP). */
  messageType: number;
  /** `yiaddr`, the address offered/assigned. */
  yourIp: number;
  /** Offset of the 6-byte client MAC (when hw.len is 6 and hw.type Ethernet), else -1. */
  macOffset: number;
}

const BOOTP_FIXED = 236;
const MAX_OPTIONS = 512;

/** BOOTP/DHCP (RFC 951, 2131, 2132). */
export const dhcpDecoder: Decoder = {
  proto: 'dhcp',
  leaf: true,
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    const v = ctx.view;
    ctx.setProtocol('BOOTP');
    ctx.need('dhcp', offset, 28, end);
    const op = d[offset]!;
    const htype = d[offset + 1]!;
    const hlen = d[offset + 2]!;
    const xid = v.getUint32(offset + 4);
    const layer = ctx.addLayer<DhcpLayer>({
      proto: 'dhcp',
      offset,
      length: end - offset,
      errorDepth: 0,
      op,
      xid,
      messageType: 0,
      yourIp: v.getUint32(offset + 16),
      macOffset: -1,
    });
    const isEther = htype === 1 && hlen === 6;
    if (ctx.columns) {
      if (op === 1) {
        const mac = offset + 34 <= end ? macToString(d.subarray(offset + 28, offset + 34)) : '';
        ctx.setInfo(isEther && mac ? `Boot Request from ${mac} (${mac})` : 'Boot Request');
      } else ctx.setInfo(op === 2 ? 'Boot Reply' : `Unknown BOOTP message type (${op})`);
    }
    const t = tree?.add(hf.dhcp, offset, end - offset, null, { text: 'Dynamic Host Configuration Protocol' });
    if (t) {
      layer.tree = t;
      t.add(hf.type, offset, 1, op);
      t.add(hf.hwType, offset + 1, 1, htype);
      t.add(hf.hwLen, offset + 2, 1, hlen);
      t.add(hf.hops, offset + 3, 1, d[offset + 3]!);
      t.add(hf.id, offset + 4, 4, xid);
      t.add(hf.secs, offset + 8, 2, v.getUint16(offset + 8));
      const flags = v.getUint16(offset + 10);
      const ft = t.add(hf.flags, offset + 10, 2, flags, {
        text: `Bootp flags: 0x${flags.toString(16).padStart(4, '0')} (${flags & 0x8000 ? 'Broadcast' : 'Unicast'})`,
      });
      ft.add(hf.flagsBc, offset + 10, 2, (flags & 0x8000) !== 0);
      ft.add(hf.flagsReserved, offset + 10, 2, flags & 0x7fff);
      t.add(hf.ipClient, offset + 12, 4, v.getUint32(offset + 12));
      t.add(hf.ipYour, offset + 16, 4, v.getUint32(offset + 16));
      t.add(hf.ipServer, offset + 20, 4, v.getUint32(offset + 20));
      t.add(hf.ipRelay, offset + 24, 4, v.getUint32(offset + 24));
    }
    // chaddr (16 bytes)
    if (isEther) {
      ctx.need('dhcp', offset + 28, 6, end);
      layer.macOffset = offset + 28;
      t?.add(hf.hwMac, offset + 28, 6, d.subarray(offset + 28, offset + 34));
      ctx.need('dhcp', offset + 34, 10, end);
      t?.add(hf.hwPadding, offset + 34, 10, d.subarray(offset + 34, offset + 44));
    } else {
      ctx.need('dhcp', offset + 28, 16, end);
      if (hlen > 0 && hlen <= 16) {
        t?.add(hf.hwAddr, offset + 28, hlen, d.subarray(offset + 28, offset + 28 + hlen));
        if (hlen < 16) t?.add(hf.hwPadding, offset + 28 + hlen, 16 - hlen, d.subarray(offset + 28 + hlen, offset + 44));
      } else t?.add(hf.hwAddr, offset + 28, 16, d.subarray(offset + 28, offset + 44));
    }
    ctx.need('dhcp', offset + 44, 64, end);
    if (t) addCString(t, hf.server, d, offset + 44, 64, 'Server host name not given');
    ctx.need('dhcp', offset + 108, 128, end);
    if (t) addCString(t, hf.file, d, offset + 108, 128, 'Boot file name not given');
    let p = offset + BOOTP_FIXED;
    if (p + 4 > end) return;
    const cookie = v.getUint32(p);
    if (cookie !== 0x63825363) {
      t?.add(hf.cookie, p, 4, cookie, { text: `Magic cookie: (not DHCP)` });
      return;
    }
    t?.add(hf.cookie, p, 4, cookie, { text: 'Magic cookie: DHCP' });
    p += 4;
    let msgType = 0;
    for (let i = 0; p < end && i < MAX_OPTIONS; i++) {
      const code = d[p]!;
      if (code === 255) {
        const ot = t?.add(hf.optionType, p, 1, 0, { text: 'Option: (255) End' });
        ot?.add(hf.optionEnd, p, 1, 255);
        p++;
        if (p < end && t) t.add(hf.optionPadding, p, end - p, d.subarray(p, end));
        break;
      }
      if (code === 0) {
        // a run of pad options
        let q = p;
        while (q < end && d[q] === 0) q++;
        t?.add(hf.optionPadding, p, q - p, d.subarray(p, q));
        p = q;
        continue;
      }
      ctx.need('dhcp', p, 2, end);
      const len = d[p + 1]!;
      const vo = p + 2;
      ctx.need('dhcp', vo, len, end);
      const name = OPTION_NAMES.get(code) ?? 'Unknown';
      let suffix = '';
      if (code === 53 && len >= 1) {
        msgType = d[vo]!;
        layer.messageType = msgType;
        suffix = ` (${MESSAGE_TYPES[msgType] ?? 'Unknown'})`;
      } else if (SIMPLE[code]?.[0] === 'ip1' && len === 4) {
        suffix = ` (${ipv4ToString(v.getUint32(vo))})`;
      } else if (code === 43 && t) {
        suffix = '';
      }
      if (t) {
        const ot = t.add(hf.optionType, p, 2 + len, code, { text: `Option: (${code}) ${name}${suffix}` });
        ot.add(hf.optionLength, p + 1, 1, len);
        decodeOptionValue(ctx, ot, code, vo, len);
      }
      p = vo + len;
    }
    if (msgType) {
      ctx.setProtocol('DHCP');
      const mt = MESSAGE_TYPES[msgType];
      if (t && mt) t.appendText(` (${mt})`);
      if (ctx.columns) {
        const label = (mt ?? `Unknown Message Type (0x${msgType.toString(16).padStart(2, '0')})`).padEnd(8, ' ');
        ctx.setInfo(`DHCP ${label} - Transaction ID 0x${xid.toString(16)}`);
      }
    }
  },
};

function addCString(t: Tree, def: FieldDef, d: Uint8Array, off: number, len: number, empty: string): void {
  let e = off;
  while (e < off + len && d[e] !== 0) e++;
  if (e === off) t.add(def, off, len, '', { text: empty });
  else t.add(def, off, len, latin1(d, off, e));
}

function decodeOptionValue(ctx: DecodeContext, t: Tree, code: number, vo: number, len: number): void {
  const d = ctx.data;
  const v = ctx.view;
  const simple = SIMPLE[code];
  if (simple) {
    const def = SIMPLE_FIELDS.get(code)!;
    const [kind] = simple;
    if (kind === 'str') {
      let e = vo;
      while (e < vo + len && d[e] !== 0) e++;
      t.add(def, vo, len, latin1(d, vo, e));
    } else if (kind === 'time') {
      if (len !== 4) return badLength(ctx, t, vo, len, "length isn't 4");
      const x = v.getUint32(vo);
      const human = x === 0xffffffff ? 'infinity' : timeSecsToString(x);
      t.add(def, vo, 4, x, { text: `${def.label}: (${x}s) ${human}` });
    } else {
      if (len % 4 !== 0 || len === 0) return badLength(ctx, t, vo, len, "length isn't a multiple of 4");
      for (let q = vo; q + 4 <= vo + len; q += 4) t.add(def, q, 4, v.getUint32(q));
    }
    return;
  }
  switch (code) {
    case 53:
      if (len >= 1) t.add(hf.optionDhcp, vo, 1, d[vo]!);
      return;
    case 55:
      for (let q = vo; q < vo + len; q++) {
        const c = d[q]!;
        t.add(hf.requestListItem, q, 1, c, { text: `Parameter Request List Item: (${c}) ${OPTION_NAMES.get(c) ?? 'Unknown'}` });
      }
      return;
    case 46:
      if (len === 1) t.add(hf.nodeType, vo, 1, d[vo]!);
      return;
    case 57:
      if (len === 2) t.add(hf.maxMessageSize, vo, 2, v.getUint16(vo));
      return;
    case 61:
      if (len === 7 && d[vo] === 1) {
        t.add(hf.hwType, vo, 1, 1);
        t.add(hf.hwMac, vo + 1, 6, d.subarray(vo + 1, vo + 7));
      } else if (len > 0) t.add(hf.optionValue, vo, len, d.subarray(vo, vo + len));
      return;
    default:
  }
}

function badLength(ctx: DecodeContext, t: Tree, vo: number, len: number, msg: string): void {
  ctx.issue('dhcp', ei.badLength, t, vo, len, msg);
}
