import type { Packet } from '../decoders/core/packet.js';

/** Seconds as tshark's default `-t r` column: 6 decimals for microsecond captures, 9 for
 * nanosecond ones. */
export function relativeTime(seconds: number, decimals: number): string {
  const s = seconds.toFixed(decimals);
  return s.startsWith('-0.') && Number(s) === 0 ? s.slice(1) : s;
}

/** One packet-list line as `tshark -n -r FILE` prints it:
 * `%5s %10s %12s → %-12s %s %s %s` (number, time, source, destination, protocol, length, info). */
export function packetLine(p: Packet, relative: number, decimals: number): string {
  const c = p.cols!;
  const num = String(p.frame.number).padStart(5);
  const time = p.frame.hasTime ? relativeTime(relative, decimals).padStart(10) : ''.padStart(10);
  const addr = c.src || c.dst ? `${c.src.padStart(12)} → ${c.dst.padEnd(12)} ` : '';
  return `${num} ${time} ${addr}${c.protocol} ${p.frame.origLen} ${c.info}`;
}
