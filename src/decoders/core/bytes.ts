/** Big-endian reads straight from the bytes. The decoders every frame passes through (Ethernet,
 * IP, TCP, UDP) read a handful of fields, and a DataView per frame cost more than the reads. */
export const u16 = (d: Uint8Array, o: number): number => (d[o]! << 8) | d[o + 1]!;
export const u32 = (d: Uint8Array, o: number): number => ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
