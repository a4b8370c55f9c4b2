/**
 * "Follow TCP stream" as tshark 4.0 builds and prints it (`-q -z follow,tcp,<mode>,<stream>`),
 * and pcapscope's own escaped text view over the general reassembler.
 *
 * tshark's follow tap keeps its own, simpler reassembly, and its quirks show in the output, so
 * `TsharkFollow` reproduces it rather than reusing reassembly.ts:
 * - node 0 is the source of the first packet of the stream;
 * - each direction's next sequence number starts at its first segment (SYN + 1);
 * - a segment that only partly repeats old bytes contributes its new part; a segment with
 *   nothing new is dropped; one that starts beyond the next sequence number is held;
 * - the held segments of one direction are tried after each in-order segment of that direction,
 *   and when the other direction ACKs past the lowest held one, a chunk
 *   `[N bytes missing in capture file]` (with a trailing NUL, printed as `.`) fills the hole;
 * - held segments never released are not printed; RST payload counts like any payload; the FIN
 *   takes no sequence number here, the SYN does.
 */
import { escapeForTerminal, latin1 } from '../decoders/core/format.js';
import { cFixed } from './flows-text.js';

export type FollowMode = 'ascii' | 'hex' | 'raw' | 'yaml';

/** One TCP packet of the followed stream, as the follow tap sees it. */
export interface FollowPacket {
  frame: number;
  /** Absolute time (for yaml). */
  tsSec: number;
  tsNsec: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  ipv6: boolean;
  /** tcp.seq / tcp.ack as tshark displays them (relative), which is what its follow tap uses. */
  seq: number;
  ack: number;
  /** The header's raw numbers. */
  rawSeq: number;
  rawAck: number;
  flags: number;
  /** Segment length from the IP header. */
  seglen: number;
  /** Captured payload (at most seglen bytes). */
  data: Uint8Array;
}

interface FollowRecord {
  isServer: boolean;
  frame: number;
  tsSec: number;
  tsNsec: number;
  seq: number;
  data: Uint8Array;
}

const SYN = 0x02;
const gt = (a: number, b: number) => ((b - a) | 0) < 0;
const lt = (a: number, b: number) => ((a - b) | 0) < 0;

const encoder = new TextEncoder();

/** tshark's follow tap state for one TCP stream. */
export class TsharkFollow {
  clientIp = '';
  clientPort = 0;
  serverIp = '';
  serverPort = 0;
  ipv6 = false;
  private readonly seq = [0, 0];
  private readonly written = [0, 0];
  private readonly fragments: FollowRecord[][] = [[], []];
  /** Chunks in stream order. */
  readonly payload: FollowRecord[] = [];

  add(p: FollowPacket): void {
    let sequence = p.seq >>> 0;
    let length = p.seglen;
    let dataOffset = 0;
    let dataLength = p.data.length;
    if (p.flags & SYN) sequence = (sequence + 1) >>> 0;
    if (this.clientPort === 0) {
      this.clientPort = p.srcPort;
      this.clientIp = p.src;
      this.serverPort = p.dstPort;
      this.serverIp = p.dst;
      this.ipv6 = p.ipv6;
    }
    const isServer = !(p.src === this.clientIp && p.srcPort === this.clientPort);
    const s = isServer ? 1 : 0;
    const o = 1 - s;
    if (this.fragments[o]!.length) while (this.check(o, p.ack >>> 0, p.frame, true));
    if (this.written[s] === 0 && this.seq[s] === 0) this.seq[s] = sequence;
    if (lt(sequence, this.seq[s]!)) {
      const nextseq = (sequence + length) >>> 0;
      if (gt(nextseq, this.seq[s]!)) {
        dataOffset = (this.seq[s]! - sequence) >>> 0;
        dataLength = dataLength <= dataOffset ? 0 : dataLength - dataOffset;
        sequence = this.seq[s]!;
        length = (nextseq - this.seq[s]!) >>> 0;
      }
    }
    if (dataLength === 0 || lt(sequence, this.seq[s]!)) return;
    const rec: FollowRecord = {
      isServer,
      frame: p.frame,
      tsSec: p.tsSec,
      tsNsec: p.tsNsec,
      seq: sequence,
      data: p.data.slice(dataOffset, dataOffset + dataLength),
    };
    if (sequence === this.seq[s]) {
      this.seq[s] = (this.seq[s]! + length) >>> 0;
      this.written[s]! += rec.data.length;
      this.payload.push(rec);
      while (this.check(s, 0, p.frame, false));
    } else this.fragments[s]!.push(rec);
  }

  private check(s: number, acknowledged: number, frame: number, useAck: boolean): boolean {
    const list = this.fragments[s]!;
    if (!list.length) return false;
    let lowest = list[0]!.seq;
    for (let i = 0; i < list.length; i++) {
      const f = list[i]!;
      if (gt(lowest, f.seq)) lowest = f.seq;
      if (lt(f.seq, this.seq[s]!)) {
        const newseq = (f.seq + f.data.length) >>> 0;
        if (gt(newseq, this.seq[s]!)) {
          const newPos = (this.seq[s]! - f.seq) >>> 0;
          if (f.data.length > newPos) {
            const size = f.data.length - newPos;
            this.payload.push({ isServer: f.isServer, frame: f.frame, tsSec: f.tsSec, tsNsec: f.tsNsec, seq: (this.seq[s]! + size) >>> 0, data: f.data.subarray(newPos) });
          }
          this.seq[s] = (this.seq[s]! + (f.data.length - newPos)) >>> 0;
        }
        list.splice(i, 1);
        return true;
      }
      if (f.seq === this.seq[s]) {
        if (f.data.length > 0) this.payload.push(f);
        this.seq[s] = (this.seq[s]! + f.data.length) >>> 0;
        list.splice(i, 1);
        return true;
      }
    }
    if (useAck && gt(acknowledged, lowest)) {
      const text = `[${(lowest - this.seq[s]!) | 0} bytes missing in capture file]`;
      const data = new Uint8Array(text.length + 1);
      data.set(encoder.encode(text));
      this.payload.push({ isServer: s === 1, frame, tsSec: 0, tsNsec: 0, seq: lowest, data });
      this.seq[s] = lowest;
      return true;
    }
    return false;
  }
}

const SEPARATOR = '='.repeat(67);
const HEX = '0123456789abcdef';

function node(ip: string, port: number, v6: boolean): string {
  return v6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** tshark's hex dump lines of one chunk (prefix TAB for node 1). */
function hexLines(prefix: string, offset: number, data: Uint8Array, out: string[]): void {
  for (let i = 0; i < data.length; i += 16) {
    const n = Math.min(16, data.length - i);
    let hex = '';
    let asc = '';
    for (let j = 0; j < n; j++) {
      const v = data[i + j]!;
      hex += HEX[v >> 4]! + HEX[v & 15]! + ' ';
      asc += v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : '.';
      if (j === 7) {
        hex += ' ';
        asc += ' ';
      }
    }
    if (asc.endsWith(' ')) asc = asc.slice(0, -1);
    const off = ((offset + i) >>> 0).toString(16).toUpperCase().padStart(8, '0');
    out.push(`${prefix}${off}  ${hex.padEnd(50)}${asc}`);
  }
}

function isPrint(v: number): boolean {
  return v >= 0x20 && v < 0x7f;
}

/** The whole `-q -z follow,tcp,<mode>,<stream>` output. */
export function tsharkFollowText(f: TsharkFollow, mode: FollowMode, stream: number): string {
  const out: string[] = [];
  if (mode === 'yaml') {
    out.push('peers:');
    out.push('  - peer: 0', `    host: ${f.clientIp}`, `    port: ${f.clientPort}`);
    out.push('  - peer: 1', `    host: ${f.serverIp}`, `    port: ${f.serverPort}`);
    out.push('packets:');
    for (const r of f.payload) {
      out.push(`  - packet: ${r.frame}`, `    peer: ${r.isServer ? 1 : 0}`, `    timestamp: ${cFixed(r.tsSec + r.tsNsec / 1e9, 9)}`, '    data: !!binary |');
      for (let i = 0; i < r.data.length; i += 57) out.push(`      ${Buffer.from(r.data.subarray(i, i + 57)).toString('base64')}`);
    }
    return out.join('\n') + '\n';
  }
  const v6 = f.ipv6;
  let text = `\n${SEPARATOR}\nFollow: tcp,${mode}\nFilter: tcp.stream eq ${stream}\n`;
  text += `Node 0: ${node(f.clientIp, f.clientPort, v6)}\nNode 1: ${node(f.serverIp, f.serverPort, v6)}\n`;
  const pos = [0, 0];
  for (const r of f.payload) {
    const tab = r.isServer ? '\t' : '';
    const d = r.data;
    if (mode === 'ascii') {
      let s = `${tab}${d.length}\n`;
      for (let i = 0; i < d.length; i++) {
        const v = d[i]!;
        s += v === 0x0d || v === 0x0a || isPrint(v) ? String.fromCharCode(v) : '.';
      }
      text += s + '\n';
    } else if (mode === 'raw') {
      let s = tab;
      for (let i = 0; i < d.length; i++) s += HEX[d[i]! >> 4]! + HEX[d[i]! & 15]!;
      text += s + '\n';
    } else {
      const lines: string[] = [];
      const k = r.isServer ? 1 : 0;
      hexLines(tab, pos[k]!, d, lines);
      pos[k]! += d.length;
      if (lines.length) text += lines.join('\n') + '\n';
    }
  }
  return text + SEPARATOR + '\n';
}

// -------------------------------------------------------------------------------------------------
// pcapscope's escaped text view

export interface TextChunk {
  dir: 0 | 1;
  frame: number;
  seqOffset: number;
  bytes?: Uint8Array | null;
  gapLen?: number;
  reason?: string;
}

/** Reassembled stream text: one block per run of one direction, payload escaped for the terminal
 * (line breaks kept as line breaks, other controls as `\xNN`), gaps as `[N bytes missing: reason]`. */
export function reassembledText(nodes: [string, string], chunks: readonly TextChunk[]): string {
  const out: string[] = [];
  let cur = -1;
  let buf = '';
  const flush = () => {
    if (cur < 0) return;
    for (const line of buf.split('\n')) out.push(`${cur === 1 ? '\t' : ''}${line}`);
    buf = '';
  };
  for (const c of chunks) {
    if (c.dir !== cur) {
      flush();
      cur = c.dir;
      out.push(`${c.dir === 1 ? '\t' : ''}--- ${nodes[c.dir]} -> ${nodes[1 - c.dir]} (from frame ${c.frame}, offset ${c.seqOffset}) ---`);
    }
    if (c.gapLen !== undefined) buf += `[${c.gapLen} bytes missing: ${c.reason ?? 'lost'}]`;
    else if (c.bytes) {
      const s = latin1(c.bytes);
      buf += s
        .split('\n')
        .map((l) => escapeForTerminal(l.endsWith('\r') ? l.slice(0, -1) : l))
        .join('\n');
    }
  }
  flush();
  return out.join('\n') + (out.length ? '\n' : '');
}
