/**
 * `pcapscope follow FILE STREAM [--format ascii|hex|raw|yaml|text]`
 *
 * ascii, hex, raw and yaml print exactly what `tshark -q -z follow,tcp,<format>,STREAM` prints
 * (ascii shows every byte that is not printable ASCII, CR or LF as `.`, so nothing from the wire
 * reaches the terminal as a control). `text` is pcapscope's own view: the stream reassembled by
 * analysis/tcp/reassembly.ts (first copy wins, out-of-order data reordered, gaps marked with
 * their reason), one block per direction change, escaped for the terminal.
 */
import type { ReadResult } from '../capture/types.js';
import { ipv4ToString, ipv6ToString } from '../decoders/core/format.js';
import type { Layer, Packet } from '../decoders/core/packet.js';
import type { TcpLayer } from '../decoders/tcp.js';
import { decodeCapture } from '../engine/decode.js';
import { isGap, StreamReassembler } from '../analysis/tcp/reassembly.js';
import { reassembledText, TsharkFollow, tsharkFollowText, type FollowMode, type FollowPacket, type TextChunk } from '../report/follow-text.js';
import type { LineSink } from './flows.js';
import { Output, warn } from './out.js';

export interface FollowOptions {
  format?: string;
}

const MODES = ['ascii', 'hex', 'raw', 'yaml', 'text'] as const;

interface IpLike extends Layer {
  src?: number | Uint8Array;
  dst?: number | Uint8Array;
  reassembled?: boolean;
}

/** The follow tap's view of the TCP layers of one frame (those of the wanted stream). */
export function followPackets(packet: Packet, stream: number): FollowPacket[] {
  const out: FollowPacket[] = [];
  const layers = packet.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (l.proto !== 'tcp' || l.errorDepth !== 0) continue;
    const t = l as TcpLayer;
    // tshark taps only segments of known length whose header it could read
    if (!t.analysis || t.analysis.stream !== stream || t.seglen < 0 || t.fail !== 0 || t.hdrLen < 20) continue;
    let ip: IpLike | undefined;
    for (let j = i - 1; j >= 0; j--) {
      if (layers[j]!.proto === 'ip' || layers[j]!.proto === 'ipv6') {
        ip = layers[j] as IpLike;
        break;
      }
    }
    const str = (a: number | Uint8Array | undefined) => (a === undefined ? '' : typeof a === 'number' ? ipv4ToString(a >>> 0) : ipv6ToString(a));
    const fd = packet.frame.data;
    // a segment in a reassembled IP datagram has its bytes in the reassembly buffer, which the
    // layer does not reference: its payload is not available here
    const from = Math.min(t.payloadOffset, fd.length);
    const n = ip?.reassembled ? 0 : Math.max(0, Math.min(t.payloadCaptured, t.seglen, fd.length - from));
    out.push({
      frame: packet.frame.number,
      tsSec: packet.frame.tsSec,
      tsNsec: packet.frame.tsNsec,
      src: str(ip?.src),
      srcPort: t.srcPort,
      dst: str(ip?.dst),
      dstPort: t.dstPort,
      ipv6: ip?.proto === 'ipv6',
      // the follow tap sees the header after the analysis made the numbers relative (tcp.seq,
      // tcp.ack as displayed), so a base that moves (a reused-port SYN-ACK) moves them too
      seq: t.analysis.seq >>> 0,
      ack: t.analysis.ack >>> 0,
      rawSeq: t.seq >>> 0,
      rawAck: t.ack >>> 0,
      flags: t.flags,
      seglen: t.seglen,
      data: fd.subarray(from, from + n),
    });
  }
  return out;
}

/** Exit codes: 0 fine, 1 bad arguments, 2 damaged capture (after printing what was read). */
export async function followCommand(file: string, stream: string | number, o: FollowOptions = {}, out: LineSink = new Output()): Promise<number> {
  const mode = (o.format ?? 'ascii') as (typeof MODES)[number];
  if (!MODES.includes(mode)) {
    warn(`invalid follow format "${String(o.format)}" (use ascii, hex, raw, yaml or text)`);
    return 1;
  }
  const n = typeof stream === 'number' ? stream : /^\d+$/.test(stream) ? Number(stream) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
    warn(`invalid stream index "${String(stream)}" (a tcp.stream number, e.g. 0)`);
    return 1;
  }
  let result: ReadResult;
  if (mode === 'text') {
    const reasm = new StreamReassembler();
    const chunks: TextChunk[] = [];
    let nodes: [string, string] | null = null;
    result = await decodeCapture(file, { columns: false, tree: 'none' }, (d) => {
      for (const p of followPackets(d.packet, n)) {
        nodes ??= [p.ipv6 ? `[${p.src}]:${p.srcPort}` : `${p.src}:${p.srcPort}`, p.ipv6 ? `[${p.dst}]:${p.dstPort}` : `${p.dst}:${p.dstPort}`];
        const dir: 0 | 1 = nodes[0] === (p.ipv6 ? `[${p.src}]:${p.srcPort}` : `${p.src}:${p.srcPort}`) ? 0 : 1;
        for (const c of reasm.push({ dir, frame: p.frame, seq: p.rawSeq, ack: p.rawAck, flags: p.flags, len: p.seglen, payload: p.data })) {
          chunks.push(isGap(c.chunk) ? { dir: c.dir, frame: c.chunk.frame, seqOffset: c.chunk.seqOffset, gapLen: c.chunk.gapLen, reason: c.chunk.reason } : { dir: c.dir, frame: c.chunk.frame, seqOffset: c.chunk.seqOffset, bytes: c.chunk.bytes ? c.chunk.bytes.slice() : null });
        }
      }
    });
    for (const c of reasm.finish()) {
      chunks.push(isGap(c.chunk) ? { dir: c.dir, frame: c.chunk.frame, seqOffset: c.chunk.seqOffset, gapLen: c.chunk.gapLen, reason: c.chunk.reason } : { dir: c.dir, frame: c.chunk.frame, seqOffset: c.chunk.seqOffset, bytes: c.chunk.bytes });
    }
    const text = nodes ? reassembledText(nodes, chunks) : `(no TCP stream ${n})\n`;
    out.line(text.replace(/\n$/, ''));
  } else {
    const f = new TsharkFollow();
    result = await decodeCapture(file, { columns: false, tree: 'none' }, (d) => {
      for (const p of followPackets(d.packet, n)) f.add(p);
    });
    // tshark prints nothing when it cannot read the file at all
    if (!(result.error?.kind === 'not_capture' && result.framesRead === 0)) {
      out.line(tsharkFollowText(f, mode as FollowMode, n).replace(/\n$/, ''));
    }
  }
  out.flush();
  if (result.error) {
    warn(result.error.message);
    return 2;
  }
  return 0;
}
