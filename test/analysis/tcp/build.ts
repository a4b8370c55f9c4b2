/** Hand-built Ethernet/IPv4(or v6)/TCP frames for the TCP unit tests. */
import type { Frame } from '../../../src/capture/types.js';

export const F = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 } as const;

export function flagBits(flags: string): number {
  let f = 0;
  for (const c of flags) f |= F[c as keyof typeof F] ?? 0;
  return f;
}

export interface SegSpec {
  t: number; // seconds since EPOCH below
  src?: string;
  dst?: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: string | number;
  win?: number;
  urg?: number;
  opts?: number[];
  payload?: number | Uint8Array;
  /** Bytes of the frame kept (snaplen); default all. */
  caplen?: number;
  /** Override of the IPv4 total length. */
  ipLen?: number;
  /** Header length override (bytes). */
  hdrLen?: number;
  v6?: boolean;
}

export const EPOCH = 1700000000;

function ip4bytes(a: string): number[] {
  return a.split('.').map((x) => Number(x));
}

function ip6bytes(a: string): number[] {
  // only the forms used in tests: "2001:db8::1"
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 255]);
}

export function tcpBytes(s: SegSpec): number[] {
  const opts = [...(s.opts ?? [])];
  while (opts.length % 4) opts.push(1);
  const hl = s.hdrLen ?? 20 + opts.length;
  const payload = typeof s.payload === 'number' ? new Array(s.payload).fill(0x61) : [...(s.payload ?? [])];
  const fl = typeof s.flags === 'number' ? s.flags : flagBits(s.flags);
  const b: number[] = [];
  const u16 = (v: number) => b.push((v >> 8) & 255, v & 255);
  const u32 = (v: number) => b.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  u16(s.sport);
  u16(s.dport);
  u32(s.seq >>> 0);
  u32((s.ack ?? 0) >>> 0);
  b.push(((hl / 4) << 4) | ((fl >> 8) & 0xf), fl & 0xff);
  u16(s.win ?? 65535);
  u16(0);
  u16(s.urg ?? 0);
  b.push(...opts, ...payload);
  return b;
}

export function frame(n: number, s: SegSpec): Frame {
  const tcp = tcpBytes(s);
  let ip: number[];
  let et: number;
  if (s.v6) {
    const src = ip6bytes(s.src ?? '2001:db8::1');
    const dst = ip6bytes(s.dst ?? '2001:db8::2');
    ip = [0x60, 0, 0, 0, (tcp.length >> 8) & 255, tcp.length & 255, 6, 64, ...src, ...dst];
    et = 0x86dd;
  } else {
    const total = s.ipLen ?? 20 + tcp.length;
    ip = [0x45, 0, (total >> 8) & 255, total & 255, 0, 0, 0x40, 0, 64, 6, 0, 0, ...ip4bytes(s.src ?? '10.0.0.1'), ...ip4bytes(s.dst ?? '10.0.0.2')];
    et = 0x0800;
  }
  const eth = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, et >> 8, et & 255];
  const all = Uint8Array.from([...eth, ...ip, ...tcp]);
  const cap = s.caplen ?? all.length;
  const sec = EPOCH + Math.floor(s.t);
  const nsec = Math.round((s.t - Math.floor(s.t)) * 1e9);
  return {
    number: n,
    tsSec: sec,
    tsNsec: nsec,
    hasTime: true,
    capLen: cap,
    origLen: all.length,
    linkType: 1,
    interfaceId: 0,
    fileOffset: 0,
    data: all.subarray(0, cap),
  };
}

/** Client 10.0.0.1:40000 ↔ server 10.0.0.2:80, sequence numbers relative to the ISNs. */
export class Conn {
  frames: Frame[] = [];
  constructor(
    public cisn = 1000,
    public sisn = 5000,
    public cport = 40000,
    public sport = 80,
  ) {}

  c2s(t: number, rseq: number, rack: number, flags: string, extra: Partial<SegSpec> = {}): this {
    this.frames.push(
      frame(this.frames.length + 1, {
        t,
        sport: this.cport,
        dport: this.sport,
        seq: (this.cisn + rseq) >>> 0,
        ack: flags.includes('A') ? (this.sisn + rack) >>> 0 : 0,
        flags,
        ...extra,
      }),
    );
    return this;
  }

  s2c(t: number, rseq: number, rack: number, flags: string, extra: Partial<SegSpec> = {}): this {
    this.frames.push(
      frame(this.frames.length + 1, {
        t,
        src: '10.0.0.2',
        dst: '10.0.0.1',
        sport: this.sport,
        dport: this.cport,
        seq: (this.sisn + rseq) >>> 0,
        ack: flags.includes('A') ? (this.cisn + rack) >>> 0 : 0,
        flags,
        ...extra,
      }),
    );
    return this;
  }

  hs(t = 0, irtt = 0.01): this {
    return this.c2s(t, 0, 0, 'S').s2c(t + irtt / 2, 0, 1, 'SA').c2s(t + irtt, 1, 1, 'A');
  }
}

/** Classic pcap (nanosecond magic, Ethernet) bytes of frames, for checking them with tshark. */
export function pcapBytes(frames: Frame[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const hdr = new DataView(new ArrayBuffer(24));
  hdr.setUint32(0, 0xa1b23c4d, true);
  hdr.setUint16(4, 2, true);
  hdr.setUint16(6, 4, true);
  hdr.setUint32(16, 262144, true);
  hdr.setUint32(20, 1, true);
  parts.push(new Uint8Array(hdr.buffer));
  for (const f of frames) {
    const rh = new DataView(new ArrayBuffer(16));
    rh.setUint32(0, f.tsSec, true);
    rh.setUint32(4, f.tsNsec, true);
    rh.setUint32(8, f.data.length, true);
    rh.setUint32(12, f.origLen, true);
    parts.push(new Uint8Array(rh.buffer), f.data);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
