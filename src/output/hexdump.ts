/** tshark's `-x` dump: `0000  45 00 ...   E...`, 16 bytes a line. Only printable ASCII is shown,
 * so wire bytes never reach the terminal raw. */
export function hexdumpLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const end = Math.min(off + 16, bytes.length);
    let hexPart = '';
    let ascii = '';
    for (let i = off; i < end; i++) {
      const b = bytes[i]!;
      hexPart += (i > off ? ' ' : '') + (b < 16 ? '0' : '') + b.toString(16);
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(off > 0xffff ? 8 : 4, '0')}  ${hexPart.padEnd(47)}   ${ascii}`);
  }
  return lines;
}
