/** LINKTYPE_* values the decoders register under (the `linktype` table). Capture readers map the
 * DLT_RAW aliases 12 and 14 to RAW (101) themselves. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Wireshark's encapsulation (WTAP_ENCAP) number and name for a link type, as `frame.encap_type`
 * and its tree line (`Encapsulation type: Linux cooked-mode capture v1 (25)`) show them. */
const ENCAP: ReadonlyMap<number, readonly [number, string]> = new Map([
  [LINKTYPE.NULL, [15, 'NULL/Loopback']],
  [LINKTYPE.ETHERNET, [1, 'Ethernet']],
  [LINKTYPE.RAW, [7, 'Raw IP']],
  [LINKTYPE.LOOP, [174, 'OpenBSD loopback']],
  [LINKTYPE.LINUX_SLL, [25, 'Linux cooked-mode capture v1']],
  [LINKTYPE.IPV4, [129, 'Raw IPv4']],
  [LINKTYPE.IPV6, [130, 'Raw IPv6']],
  [LINKTYPE.LINUX_SLL2, [210, 'Linux cooked-mode capture v2']],
] as const);

/** Wireshark's name of the link type's encapsulation; `Unknown (N)` for types without a decoder. */
export function linkTypeName(n: number): string {
  return ENCAP.get(n)?.[1] ?? `Unknown (${n})`;
}

/** Wireshark's WTAP_ENCAP number for a link type (what `frame.encap_type` prints), or undefined. */
export function wtapEncap(n: number): number | undefined {
  return ENCAP.get(n)?.[0];
}
