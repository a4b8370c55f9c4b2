import type { ConnectionSummary, DirectionSummary, Transmission } from '../analysis/tcp/connection.js';

/** Endpoint texts of a connection, `A` first (the sender of its first packet). */
export interface Endpoints {
  a: string;
  b: string;
}

const ms = (s: number | null): string => (s === null ? '?' : s < 1 ? `${(s * 1000).toFixed(3)} ms` : `${s.toFixed(3)} s`);
const side = (e: Endpoints, d: 0 | 1): string => (d === 0 ? `A (${e.a})` : `B (${e.b})`);

function retries(kind: string, list: readonly Transmission[], dropped: number): string | null {
  if (list.length <= 1) return null;
  const gaps = list.slice(1).map((t) => ms(t.interval));
  return `${kind} sent ${list.length + dropped} times (frames ${list.map((t) => t.frame).join(', ')}${dropped ? ', ...' : ''}); intervals ${gaps.join(', ')}`;
}

function direction(label: string, d: DirectionSummary): string[] {
  const out = [
    `  ${label}: ${d.packets} packets, ${d.bytes} bytes on the wire, ${d.uniqueBytes} payload bytes` +
      (d.retransmittedBytes ? ` (+${d.retransmittedBytes} resent)` : '') +
      (d.gapBytes ? `, ${d.gapBytes} bytes never captured` : '') +
      `, final state ${d.finalState}`,
  ];
  const events: string[] = [];
  const add = (n: number, one: string, many: string) => n && events.push(`${n} ${n === 1 ? one : many}`);
  add(d.retransmissions, 'retransmission (timeout)', 'retransmissions (timeout)');
  add(d.fastRetransmissions, 'fast retransmission', 'fast retransmissions');
  add(d.spuriousRetransmissions, 'spurious retransmission', 'spurious retransmissions');
  add(d.outOfOrder, 'out-of-order segment', 'out-of-order segments');
  add(d.lostSegments, 'segment not captured', 'segments not captured');
  add(d.dupAcks, 'duplicate ACK', 'duplicate ACKs');
  add(d.zeroWindows, 'zero window', 'zero windows');
  add(d.zeroWindowProbes, 'zero-window probe', 'zero-window probes');
  add(d.keepAlives, 'keep-alive', 'keep-alives');
  add(d.windowFull, 'window full', 'window full');
  if (events.length) out.push(`    ${events.join(', ')}`);
  const r = d.rtt;
  if (r.samples) {
    out.push(
      `    RTT ${r.samples} samples: min ${ms(r.min)}, mean ${ms(r.mean)}, max ${ms(r.max)}; SRTT ${ms(r.srtt)}, RTTVAR ${ms(r.rttvar)}, RTO ${ms(r.rto)}`,
    );
  }
  return out;
}

/** What happened to one TCP connection, in sentences an engineer reads top to bottom: handshake,
 * each direction, zero-window episodes, teardown. Deterministic (no wall-clock values). */
export function connectionText(stream: number, e: Endpoints, s: ConnectionSummary): string[] {
  const out = [`Stream ${stream}: ${e.a} <-> ${e.b}  ${s.connState} ${s.history || '-'}  ${ms(s.duration)}`];
  const h = s.handshake;
  const hs =
    h.status === 'missing'
      ? 'Handshake: not captured (the capture starts mid-connection)'
      : `Handshake: ${h.status}` +
        (h.client !== null ? `, client ${side(e, h.client)}` : '') +
        (h.irtt !== null ? `, iRTT ${ms(h.irtt)}` : '') +
        (h.synFrame !== null ? ` (SYN #${h.synFrame}` + (h.synAckFrame !== null ? `, SYN-ACK #${h.synAckFrame}` : '') + (h.ackFrame !== null ? `, ACK #${h.ackFrame}` : '') + ')' : '');
  out.push(hs);
  for (const line of [retries('SYN', h.syns, h.synsDropped), retries('SYN-ACK', h.synAcks, h.synAcksDropped)]) if (line) out.push(`  ${line}`);
  const n = h.negotiated;
  if (n.windowScaling !== null || n.sack !== null) {
    const mss = n.mss.map((m) => (m === null ? '-' : String(m))).join('/');
    out.push(
      `  negotiated: MSS ${mss}, window scaling ${n.windowScaling ? `on (shift ${n.wscale?.join('/')})` : 'off'}, SACK ${n.sack ? 'on' : 'off'}, timestamps ${n.timestamps ? 'on' : 'off'}`,
    );
  }
  out.push(...direction(`A→B`, s.dirs[0]), ...direction(`B→A`, s.dirs[1]));
  for (const z of s.zeroWindowEpisodes) {
    out.push(
      `  zero window advertised by ${side(e, z.dir)} from #${z.startFrame}` +
        (z.endFrame !== null ? ` to #${z.endFrame} (${ms(z.duration)})` : ' until the end of the capture') +
        `, ${z.probes} probes`,
    );
  }
  const t = s.teardown;
  let td: string;
  if (t.kind === 'open') td = 'Teardown: none, still open at the end of the capture';
  else if (t.kind === 'rst' || (t.kind === 'fin+rst' && t.rst)) {
    const r = t.rst!;
    td = `Teardown: reset by ${side(e, r.dir)} at #${r.frame} in ${r.state}, after ${r.bytesBefore[0]}/${r.bytesBefore[1]} payload bytes A→B/B→A` + (r.count > 1 ? ` (${r.count} RSTs)` : '');
    if (t.firstFin) td += `; FIN first from ${side(e, t.firstFin.dir)} at #${t.firstFin.frame}`;
  } else {
    td = `Teardown: ${t.style ?? t.kind} close` + (t.activeCloser !== null ? `, active closer ${side(e, t.activeCloser)}` : '');
    if (t.firstFin) td += ` (FIN #${t.firstFin.frame}` + (t.secondFin ? `, FIN #${t.secondFin.frame}` : '') + (t.finalAckFrame !== null ? `, last ACK #${t.finalAckFrame}` : '') + ')';
    if (t.kind === 'half-closed') td += '; the other side never closed';
  }
  out.push(td);
  if (t.halfClose) out.push(`  half-close: ${side(e, t.halfClose.dir)} sent ${t.halfClose.bytes} bytes over ${ms(t.halfClose.duration)} after the first FIN`);
  if (s.lateFrames) out.push(`  ${s.lateFrames} packets arrived after this summary was taken`);
  return out;
}
