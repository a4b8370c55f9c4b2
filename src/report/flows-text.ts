/**
 * Text and JSON renderings of the conversation table: tshark's `-q -z conv,tcp|udp` byte for
 * byte, and pcapscope's own flow report.
 */
import type { FlowRow, Proto } from '../analysis/conversations.js';
import type { ConnectionSummary } from '../analysis/tcp/connection.js';

const F64 = new DataView(new ArrayBuffer(8));

/** C's `printf("%.<prec>f", x)` (glibc): the exact binary value rounded half to even. JS's
 * toFixed rounds exact ties away from zero, which differs for values like 0.03125. */
export function cFixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return '-nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  // toFixed rounds the exact binary value too, and differs only on exact ties: a scaled value
  // clearly away from an odd half (the product's error is below 2^-12 under 10^12) can use it
  const y = (neg ? -x : x) * 10 ** prec;
  if (y < 1e12 && !Object.is(x, -0) && Math.abs(y - Math.floor(y) - 0.5) > 1e-3) return x.toFixed(prec);
  return cFixedExact(x, prec);
}

/** `cFixed` by exact integer arithmetic on the double's bits (any finite x). */
export function cFixedExact(x: number, prec: number): string {
  const neg = x < 0 || Object.is(x, -0);
  const dv = F64;
  dv.setFloat64(0, Math.abs(x));
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (e === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = e - 1075;
  }
  const p10 = 10n ** BigInt(prec);
  let q: bigint;
  if (exp >= 0) q = (mant * p10) << BigInt(exp);
  else {
    const num = mant * p10;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (prec > 0) {
    s = s.padStart(prec + 1, '0');
    s = `${s.slice(0, s.length - prec)}.${s.slice(s.length - prec)}`;
  }
  return (neg ? '-' : '') + s;
}

/** Wireshark's `format_size(n, FORMAT_SIZE_UNIT_BYTES, 0)` in the C locale: `N bytes` below
 * 10000, then `N kB`, `N MB`, `N GB`, `N TB` (integer division by powers of 1000). */
export function formatSize(n: number): string {
  const p = 1000;
  const div = (k: number) => Math.floor(n / p ** k);
  if (div(4) >= 10) return `${div(4)} TB`;
  if (div(3) >= 10) return `${div(3)} GB`;
  if (div(2) >= 10) return `${div(2)} MB`;
  if (div(1) >= 10) return `${div(1)} kB`;
  return `${n} bytes`;
}

const BANNER = '='.repeat(80);

/** tshark 4.0's `-q -z conv,tcp` (or `conv,udp`) output, including the trailing newline. Rows are
 * given in first-seen order; they print by total frames, descending, ties in that order. */
export function tsharkConvText(proto: Proto, rows: readonly FlowRow[], filter?: string): string {
  const order = rows.map((r, i) => ({ r, i, total: r.framesAtoB + r.framesBtoA }));
  order.sort((x, y) => y.total - x.total || x.i - y.i);
  const out: string[] = [];
  writeTsharkConv(
    proto,
    order.map((o) => o.r),
    filter,
    (l) => out.push(l),
  );
  return out.join('\n') + '\n';
}

/** The same, line by line, for rows already in print order (streams any number of rows). */
export function writeTsharkConv(proto: Proto, sorted: Iterable<FlowRow>, filter: string | undefined, emit: (line: string) => void): void {
  emit(BANNER);
  emit(`${proto.toUpperCase()} Conversations`);
  emit(`Filter:${filter ?? '<No Filter>'}`);
  const pad = '            ';
  emit(`${pad}                                               |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |`);
  emit(`${pad}                                               | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |`);
  const u6 = (n: number) => String(n).padStart(6);
  const s9 = (s: string) => s.padEnd(9);
  for (const r of sorted) {
    if (r.framesAtoB + r.framesBtoA === 0) continue;
    const src = `${r.addrA}:${r.portA}`.padEnd(26);
    const dst = `${r.addrB}:${r.portB}`.padEnd(26);
    emit(
      `${src} <-> ${dst}  ${u6(r.framesBtoA)} ${s9(formatSize(r.bytesBtoA))}` +
        `  ${u6(r.framesAtoB)} ${s9(formatSize(r.bytesAtoB))}` +
        `  ${u6(r.framesAtoB + r.framesBtoA)} ${s9(formatSize(r.bytesAtoB + r.bytesBtoA))}  ` +
        `${cFixed(r.relStart, 9).padStart(14)}   ${cFixed(r.duration, 4).padStart(12)}`,
    );
  }
  emit(BANNER);
}

// -------------------------------------------------------------------------------------------------
// pcapscope's own report

function endpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function ms(s: number | null): string {
  return s === null ? '-' : `${cFixed(s * 1000, 3)} ms`;
}

/** "How it ended", from the brief. */
export function endedText(r: FlowRow): string {
  const b = r.brief;
  if (!b) return r.proto === 'udp' ? '' : '-';
  const side = (d: 0 | 1 | null) => (d === null ? '?' : d === 0 ? 'A' : 'B');
  const how = [b.style ?? '', b.halfCloseBytes ? `half-close, ${b.halfCloseBytes} bytes after` : ''].filter(Boolean).join(', ');
  switch (b.ended) {
    case 'fin':
      return `FIN by ${side(b.endedBy)}${how ? ` (${how})` : ''}`;
    case 'fin+rst':
      return `FIN by ${side(b.endedBy)}${how ? ` (${how})` : ''}, then RST`;
    case 'rst':
      return `RST by ${side(b.endedBy)}`;
    case 'half-closed':
      return `half-closed by ${side(b.endedBy)}, open at end`;
    default:
      return 'open at end';
  }
}

interface Column {
  head: string;
  right?: boolean;
  get(r: FlowRow): string;
}

/** Rows whose cells the first pass of `writeTable` keeps for the second (about 12 MB). */
const KEPT_ROWS = 20_000;

/** Writes an aligned table in two passes over the rows (widths, then lines). The cells of the
 * first KEPT_ROWS rows are kept between the passes (formatting every cell twice was half the
 * printing); later rows are formatted again, so a million rows are never held as cells at once. */
function writeTable(rows: () => Iterable<FlowRow>, cols: readonly Column[], emit: (line: string) => void): void {
  const width = cols.map((c) => c.head.length);
  const kept: string[][] = [];
  let n = 0;
  for (const r of rows()) {
    const cells = cols.map((c) => c.get(r));
    for (let i = 0; i < cols.length; i++) if (cells[i]!.length > width[i]!) width[i] = cells[i]!.length;
    if (kept.length < KEPT_ROWS) kept.push(cells);
    n++;
  }
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) => (cols[i]!.right ? v.padStart(width[i]!) : i === vals.length - 1 ? v : v.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  emit(line(cols.map((c) => c.head)));
  for (const cells of kept) emit(line(cells));
  if (n === kept.length) return;
  let k = 0;
  for (const r of rows()) if (k++ >= kept.length) emit(line(cols.map((c) => c.get(r))));
}

const COMMON: Column[] = [
  { head: 'Stream', right: true, get: (r) => String(r.stream) },
  { head: 'A', get: (r) => endpoint(r.addrA, r.portA) },
  { head: 'B', get: (r) => endpoint(r.addrB, r.portB) },
  { head: 'State', get: (r) => r.state ?? '-' },
  { head: 'Pkts A>B', right: true, get: (r) => String(r.framesAtoB) },
  { head: 'Bytes A>B', right: true, get: (r) => String(r.bytesAtoB) },
  { head: 'Pkts B>A', right: true, get: (r) => String(r.framesBtoA) },
  { head: 'Bytes B>A', right: true, get: (r) => String(r.bytesBtoA) },
  { head: 'Duration', right: true, get: (r) => cFixed(r.duration, 6) },
];

const TCP_COLS: Column[] = [
  ...COMMON,
  { head: 'iRTT', right: true, get: (r) => ms(r.brief?.irtt ?? null) },
  {
    head: 'Retrans',
    right: true,
    get: (r) => {
      const b = r.brief;
      if (!b) return '-';
      // Wireshark sets one kind per segment: timeout-style, fast or spurious
      const total = b.retransmissions + b.fastRetransmissions + b.spuriousRetransmissions;
      const extra = [b.fastRetransmissions ? `${b.fastRetransmissions} fast` : '', b.spuriousRetransmissions ? `${b.spuriousRetransmissions} spurious` : '']
        .filter(Boolean)
        .join(', ');
      return extra ? `${total} (${extra})` : String(total);
    },
  },
  { head: 'DupACK', right: true, get: (r) => (r.brief ? String(r.brief.dupAcks) : '-') },
  { head: 'ZeroWin', right: true, get: (r) => (r.brief ? String(r.brief.zeroWindows) : '-') },
  { head: 'History', get: (r) => r.brief?.history || '-' },
  { head: 'Ended', get: endedText },
];

/** The `flows` text report, line by line: one table per protocol. `tcp()`/`udp()` give the rows
 * (by stream index) and are called twice each. */
export function writeFlowsText(tcp: () => Iterable<FlowRow>, tcpCount: number, udp: () => Iterable<FlowRow>, udpCount: number, emit: (line: string) => void): void {
  emit(`TCP conversations: ${tcpCount}`);
  if (tcpCount) writeTable(tcp, TCP_COLS, emit);
  emit('');
  emit(`UDP conversations: ${udpCount}`);
  if (udpCount) writeTable(udp, COMMON, emit);
}

/** The `flows` text report as one string. */
export function flowsText(tcp: readonly FlowRow[], udp: readonly FlowRow[]): string {
  const out: string[] = [];
  writeFlowsText(
    () => tcp,
    tcp.length,
    () => udp,
    udp.length,
    (l) => out.push(l),
  );
  return out.join('\n') + '\n';
}

// -------------------------------------------------------------------------------------------------
// JSON

/** One flow for `-T json` / `-T jsonl`. Shape (keys in this order):
 * `{ proto, stream, a: {address, port}, b: {address, port}, aToB: {frames, bytes},
 *    bToA: {frames, bytes}, firstFrame, lastFrame, relStart, duration, state,
 *    connection: ConnectionSummary | null }` — times in seconds, `relStart` from the capture's
 * first frame; `connection` (TCP only) is documented in analysis/tcp/connection.ts. */
export function flowJson(r: FlowRow, connection: ConnectionSummary | null): Record<string, unknown> {
  return {
    proto: r.proto,
    stream: r.stream,
    a: { address: r.addrA, port: r.portA },
    b: { address: r.addrB, port: r.portB },
    aToB: { frames: r.framesAtoB, bytes: r.bytesAtoB },
    bToA: { frames: r.framesBtoA, bytes: r.bytesBtoA },
    firstFrame: r.firstFrame,
    lastFrame: r.lastFrame,
    relStart: r.relStart,
    duration: r.duration,
    state: r.state,
    connection: r.proto === 'tcp' ? connection : null,
  };
}
