/**
 * Link-layer header types (LINKTYPE_* values as written in pcap / pcapng files,
 * https://www.tcpdump.org/linktypes.html) and their names.
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_IEEE802_5 = 6;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_FDDI = 10;
/** DLT_RAW on most platforms: files written by old libpcaps carry 12 instead of LINKTYPE_RAW. */
export const DLT_RAW_12 = 12;
/** DLT_RAW on OpenBSD: files written there by old libpcaps carry 14 instead of LINKTYPE_RAW. */
export const DLT_RAW_14 = 14;
export const LINKTYPE_PPP_HDLC = 50;
export const LINKTYPE_PPP_ETHER = 51;
export const LINKTYPE_ATM_RFC1483 = 100;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_C_HDLC = 104;
export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_FRELAY = 107;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LTALK = 114;
export const LINKTYPE_PFLOG = 117;
export const LINKTYPE_IEEE802_11_PRISM = 119;
export const LINKTYPE_IP_OVER_FC = 122;
export const LINKTYPE_SUNATM = 123;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;
export const LINKTYPE_ARCNET_LINUX = 129;
export const LINKTYPE_APPLE_IP_OVER_IEEE1394 = 138;
export const LINKTYPE_MTP2_WITH_PHDR = 139;
export const LINKTYPE_MTP2 = 140;
export const LINKTYPE_MTP3 = 141;
export const LINKTYPE_SCCP = 142;
export const LINKTYPE_DOCSIS = 143;
export const LINKTYPE_LINUX_IRDA = 144;
export const LINKTYPE_IEEE802_11_AVS = 163;
export const LINKTYPE_BACNET_MS_TP = 165;
export const LINKTYPE_PPP_PPPD = 166;
export const LINKTYPE_GPRS_LLC = 169;
export const LINKTYPE_GPF_T = 170;
export const LINKTYPE_GPF_F = 171;
export const LINKTYPE_LINUX_LAPD = 177;
export const LINKTYPE_USB_FREEBSD = 186;
export const LINKTYPE_BLUETOOTH_HCI_H4 = 187;
export const LINKTYPE_USB_LINUX = 189;
export const LINKTYPE_PPI = 192;
export const LINKTYPE_IEEE802_15_4_WITHFCS = 195;
export const LINKTYPE_SITA = 196;
export const LINKTYPE_ERF = 197;
export const LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR = 201;
export const LINKTYPE_AX25_KISS = 202;
export const LINKTYPE_LAPD = 203;
export const LINKTYPE_PPP_WITH_DIR = 204;
export const LINKTYPE_C_HDLC_WITH_DIR = 205;
export const LINKTYPE_FRELAY_WITH_DIR = 206;
export const LINKTYPE_IPMB_LINUX = 209;
export const LINKTYPE_IEEE802_15_4_NONASK_PHY = 215;
export const LINKTYPE_USB_LINUX_MMAPPED = 220;
export const LINKTYPE_FC_2 = 224;
export const LINKTYPE_FC_2_WITH_FRAME_DELIMS = 225;
export const LINKTYPE_IPNET = 226;
export const LINKTYPE_CAN_SOCKETCAN = 227;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_IEEE802_15_4_NOFCS = 230;
export const LINKTYPE_DBUS = 231;
export const LINKTYPE_DVB_CI = 235;
export const LINKTYPE_MUX27010 = 236;
export const LINKTYPE_STANAG_5066_D_PDU = 237;
export const LINKTYPE_NFLOG = 239;
export const LINKTYPE_NETANALYZER = 240;
export const LINKTYPE_NETANALYZER_TRANSPARENT = 241;
export const LINKTYPE_IPOIB = 242;
export const LINKTYPE_MPEG_2_TS = 243;
export const LINKTYPE_NG40 = 244;
export const LINKTYPE_NFC_LLCP = 245;
export const LINKTYPE_INFINIBAND = 247;
export const LINKTYPE_SCTP = 248;
export const LINKTYPE_USBPCAP = 249;
export const LINKTYPE_RTAC_SERIAL = 250;
export const LINKTYPE_BLUETOOTH_LE_LL = 251;
export const LINKTYPE_WIRESHARK_UPPER_PDU = 252;
export const LINKTYPE_NETLINK = 253;
export const LINKTYPE_BLUETOOTH_LINUX_MONITOR = 254;
export const LINKTYPE_BLUETOOTH_BREDR_BB = 255;
export const LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR = 256;
export const LINKTYPE_PROFIBUS_DL = 257;
export const LINKTYPE_PKTAP = 258;
export const LINKTYPE_EPON = 259;
export const LINKTYPE_IPMI_HPM_2 = 260;
export const LINKTYPE_ZWAVE_R1_R2 = 261;
export const LINKTYPE_ZWAVE_R3 = 262;
export const LINKTYPE_WATTSTOPPER_DLM = 263;
export const LINKTYPE_ISO_14443 = 264;
export const LINKTYPE_RDS = 265;
export const LINKTYPE_USB_DARWIN = 266;
export const LINKTYPE_SDLC = 268;
export const LINKTYPE_LORATAP = 270;
export const LINKTYPE_VSOCK = 271;
export const LINKTYPE_NORDIC_BLE = 272;
export const LINKTYPE_DOCSIS31_XRA31 = 273;
export const LINKTYPE_ETHERNET_MPACKET = 274;
export const LINKTYPE_DISPLAYPORT_AUX = 275;
export const LINKTYPE_LINUX_SLL2 = 276;
export const LINKTYPE_OPENVIZSLA = 278;
export const LINKTYPE_EBHSCR = 279;
export const LINKTYPE_VPP_DISPATCH = 280;
export const LINKTYPE_DSA_TAG_BRCM = 281;
export const LINKTYPE_DSA_TAG_BRCM_PREPEND = 282;
export const LINKTYPE_IEEE802_15_4_TAP = 283;
export const LINKTYPE_DSA_TAG_DSA = 284;
export const LINKTYPE_DSA_TAG_EDSA = 285;
export const LINKTYPE_ELEE = 286;
export const LINKTYPE_Z_WAVE_SERIAL = 287;
export const LINKTYPE_USB_2_0 = 288;
export const LINKTYPE_ATSC_ALP = 289;
export const LINKTYPE_ETW = 290;
export const LINKTYPE_ZBOSS_NCP = 292;

/** Largest captured length accepted for ordinary link types (Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_PACKET_SIZE_STANDARD = 262144;
/** Larger limits Wireshark allows for a few link types (D-Bus and USB: 128 MiB, EBHSCR: 8 MiB). */
export const MAX_PACKET_SIZE_LARGE = 128 * 1024 * 1024;
export const MAX_PACKET_SIZE_EBHSCR = 8 * 1024 * 1024;

/**
 * Largest captured length that is plausible for a link type; a record claiming more is corrupt.
 * Follows Wireshark's wtap_max_snaplen_for_encap().
 */
export function maxCapLenForLinkType(linkType: number): number {
  switch (linkType) {
    case LINKTYPE_DBUS:
    case LINKTYPE_USBPCAP:
    case LINKTYPE_USB_LINUX:
    case LINKTYPE_USB_LINUX_MMAPPED:
    case LINKTYPE_USB_DARWIN:
    case LINKTYPE_USB_FREEBSD:
      return MAX_PACKET_SIZE_LARGE;
    case LINKTYPE_EBHSCR:
      return MAX_PACKET_SIZE_EBHSCR;
    default:
      return MAX_PACKET_SIZE_STANDARD;
  }
}

/**
 * Map a link-type value read from a file to the canonical LINKTYPE_* value.
 * Files written by old libpcaps on some platforms carry the platform's DLT_RAW value
 * (12 on most systems, 14 on OpenBSD) instead of LINKTYPE_RAW (101); libpcap and
 * Wireshark read both as raw IP. Everything else is returned unchanged.
 */
export function canonicalLinkType(value: number): number {
  if (value === DLT_RAW_12 || value === DLT_RAW_14) return LINKTYPE_RAW;
  return value;
}

const NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [LINKTYPE_NULL, 'NULL'],
  [LINKTYPE_ETHERNET, 'ETHERNET'],
  [LINKTYPE_IEEE802_5, 'IEEE802_5'],
  [LINKTYPE_PPP, 'PPP'],
  [LINKTYPE_FDDI, 'FDDI'],
  [DLT_RAW_12, 'RAW'],
  [DLT_RAW_14, 'RAW'],
  [LINKTYPE_PPP_HDLC, 'PPP_HDLC'],
  [LINKTYPE_PPP_ETHER, 'PPP_ETHER'],
  [LINKTYPE_ATM_RFC1483, 'ATM_RFC1483'],
  [LINKTYPE_RAW, 'RAW'],
  [LINKTYPE_C_HDLC, 'C_HDLC'],
  [LINKTYPE_IEEE802_11, 'IEEE802_11'],
  [LINKTYPE_FRELAY, 'FRELAY'],
  [LINKTYPE_LOOP, 'LOOP'],
  [LINKTYPE_LINUX_SLL, 'LINUX_SLL'],
  [LINKTYPE_LTALK, 'LTALK'],
  [LINKTYPE_PFLOG, 'PFLOG'],
  [LINKTYPE_IEEE802_11_PRISM, 'IEEE802_11_PRISM'],
  [LINKTYPE_IP_OVER_FC, 'IP_OVER_FC'],
  [LINKTYPE_SUNATM, 'SUNATM'],
  [LINKTYPE_IEEE802_11_RADIOTAP, 'IEEE802_11_RADIOTAP'],
  [LINKTYPE_ARCNET_LINUX, 'ARCNET_LINUX'],
  [LINKTYPE_APPLE_IP_OVER_IEEE1394, 'APPLE_IP_OVER_IEEE1394'],
  [LINKTYPE_MTP2_WITH_PHDR, 'MTP2_WITH_PHDR'],
  [LINKTYPE_MTP2, 'MTP2'],
  [LINKTYPE_MTP3, 'MTP3'],
  [LINKTYPE_SCCP, 'SCCP'],
  [LINKTYPE_DOCSIS, 'DOCSIS'],
  [LINKTYPE_LINUX_IRDA, 'LINUX_IRDA'],
  [LINKTYPE_IEEE802_11_AVS, 'IEEE802_11_AVS'],
  [LINKTYPE_BACNET_MS_TP, 'BACNET_MS_TP'],
  [LINKTYPE_PPP_PPPD, 'PPP_PPPD'],
  [LINKTYPE_GPRS_LLC, 'GPRS_LLC'],
  [LINKTYPE_GPF_T, 'GPF_T'],
  [LINKTYPE_GPF_F, 'GPF_F'],
  [LINKTYPE_LINUX_LAPD, 'LINUX_LAPD'],
  [LINKTYPE_USB_FREEBSD, 'USB_FREEBSD'],
  [LINKTYPE_BLUETOOTH_HCI_H4, 'BLUETOOTH_HCI_H4'],
  [LINKTYPE_USB_LINUX, 'USB_LINUX'],
  [LINKTYPE_PPI, 'PPI'],
  [LINKTYPE_IEEE802_15_4_WITHFCS, 'IEEE802_15_4_WITHFCS'],
  [LINKTYPE_SITA, 'SITA'],
  [LINKTYPE_ERF, 'ERF'],
  [LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR, 'BLUETOOTH_HCI_H4_WITH_PHDR'],
  [LINKTYPE_AX25_KISS, 'AX25_KISS'],
  [LINKTYPE_LAPD, 'LAPD'],
  [LINKTYPE_PPP_WITH_DIR, 'PPP_WITH_DIR'],
  [LINKTYPE_C_HDLC_WITH_DIR, 'C_HDLC_WITH_DIR'],
  [LINKTYPE_FRELAY_WITH_DIR, 'FRELAY_WITH_DIR'],
  [LINKTYPE_IPMB_LINUX, 'IPMB_LINUX'],
  [LINKTYPE_IEEE802_15_4_NONASK_PHY, 'IEEE802_15_4_NONASK_PHY'],
  [LINKTYPE_USB_LINUX_MMAPPED, 'USB_LINUX_MMAPPED'],
  [LINKTYPE_FC_2, 'FC_2'],
  [LINKTYPE_FC_2_WITH_FRAME_DELIMS, 'FC_2_WITH_FRAME_DELIMS'],
  [LINKTYPE_IPNET, 'IPNET'],
  [LINKTYPE_CAN_SOCKETCAN, 'CAN_SOCKETCAN'],
  [LINKTYPE_IPV4, 'IPV4'],
  [LINKTYPE_IPV6, 'IPV6'],
  [LINKTYPE_IEEE802_15_4_NOFCS, 'IEEE802_15_4_NOFCS'],
  [LINKTYPE_DBUS, 'DBUS'],
  [LINKTYPE_DVB_CI, 'DVB_CI'],
  [LINKTYPE_MUX27010, 'MUX27010'],
  [LINKTYPE_STANAG_5066_D_PDU, 'STANAG_5066_D_PDU'],
  [LINKTYPE_NFLOG, 'NFLOG'],
  [LINKTYPE_NETANALYZER, 'NETANALYZER'],
  [LINKTYPE_NETANALYZER_TRANSPARENT, 'NETANALYZER_TRANSPARENT'],
  [LINKTYPE_IPOIB, 'IPOIB'],
  [LINKTYPE_MPEG_2_TS, 'MPEG_2_TS'],
  [LINKTYPE_NG40, 'NG40'],
  [LINKTYPE_NFC_LLCP, 'NFC_LLCP'],
  [LINKTYPE_INFINIBAND, 'INFINIBAND'],
  [LINKTYPE_SCTP, 'SCTP'],
  [LINKTYPE_USBPCAP, 'USBPCAP'],
  [LINKTYPE_RTAC_SERIAL, 'RTAC_SERIAL'],
  [LINKTYPE_BLUETOOTH_LE_LL, 'BLUETOOTH_LE_LL'],
  [LINKTYPE_WIRESHARK_UPPER_PDU, 'WIRESHARK_UPPER_PDU'],
  [LINKTYPE_NETLINK, 'NETLINK'],
  [LINKTYPE_BLUETOOTH_LINUX_MONITOR, 'BLUETOOTH_LINUX_MONITOR'],
  [LINKTYPE_BLUETOOTH_BREDR_BB, 'BLUETOOTH_BREDR_BB'],
  [LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR, 'BLUETOOTH_LE_LL_WITH_PHDR'],
  [LINKTYPE_PROFIBUS_DL, 'PROFIBUS_DL'],
  [LINKTYPE_PKTAP, 'PKTAP'],
  [LINKTYPE_EPON, 'EPON'],
  [LINKTYPE_IPMI_HPM_2, 'IPMI_HPM_2'],
  [LINKTYPE_ZWAVE_R1_R2, 'ZWAVE_R1_R2'],
  [LINKTYPE_ZWAVE_R3, 'ZWAVE_R3'],
  [LINKTYPE_WATTSTOPPER_DLM, 'WATTSTOPPER_DLM'],
  [LINKTYPE_ISO_14443, 'ISO_14443'],
  [LINKTYPE_RDS, 'RDS'],
  [LINKTYPE_USB_DARWIN, 'USB_DARWIN'],
  [LINKTYPE_SDLC, 'SDLC'],
  [LINKTYPE_LORATAP, 'LORATAP'],
  [LINKTYPE_VSOCK, 'VSOCK'],
  [LINKTYPE_NORDIC_BLE, 'NORDIC_BLE'],
  [LINKTYPE_DOCSIS31_XRA31, 'DOCSIS31_XRA31'],
  [LINKTYPE_ETHERNET_MPACKET, 'ETHERNET_MPACKET'],
  [LINKTYPE_DISPLAYPORT_AUX, 'DISPLAYPORT_AUX'],
  [LINKTYPE_LINUX_SLL2, 'LINUX_SLL2'],
  [LINKTYPE_OPENVIZSLA, 'OPENVIZSLA'],
  [LINKTYPE_EBHSCR, 'EBHSCR'],
  [LINKTYPE_VPP_DISPATCH, 'VPP_DISPATCH'],
  [LINKTYPE_DSA_TAG_BRCM, 'DSA_TAG_BRCM'],
  [LINKTYPE_DSA_TAG_BRCM_PREPEND, 'DSA_TAG_BRCM_PREPEND'],
  [LINKTYPE_IEEE802_15_4_TAP, 'IEEE802_15_4_TAP'],
  [LINKTYPE_DSA_TAG_DSA, 'DSA_TAG_DSA'],
  [LINKTYPE_DSA_TAG_EDSA, 'DSA_TAG_EDSA'],
  [LINKTYPE_ELEE, 'ELEE'],
  [LINKTYPE_Z_WAVE_SERIAL, 'Z_WAVE_SERIAL'],
  [LINKTYPE_USB_2_0, 'USB_2_0'],
  [LINKTYPE_ATSC_ALP, 'ATSC_ALP'],
  [LINKTYPE_ETW, 'ETW'],
  [LINKTYPE_ZBOSS_NCP, 'ZBOSS_NCP'],
]);

/** Short upper-case name as in the tcpdump link-type list, e.g. "ETHERNET"; "LINKTYPE_<n>" when unknown. */
export function linkTypeName(linkType: number): string {
  return NAMES.get(linkType) ?? `LINKTYPE_${linkType}`;
}

/** "ETHERNET(1)" — the form used in capture summaries. */
export function linkTypeLabel(linkType: number): string {
  return `${linkTypeName(linkType)}(${linkType})`;
}

/** Link types whose frames start directly with an IPv4 or IPv6 header. */
export function isRawIpLinkType(linkType: number): boolean {
  return (
    linkType === LINKTYPE_RAW ||
    linkType === LINKTYPE_IPV4 ||
    linkType === LINKTYPE_IPV6 ||
    linkType === DLT_RAW_12 ||
    linkType === DLT_RAW_14
  );
}
