/**
 * Classic libpcap file format, as an incremental push parser.
 *
 * Magics: a1b2c3d4 (µs), a1b23c4d (ns), a1b2cd34 (Kuznetsov's patched libpcap, µs, 24-byte
 * record headers), in either byte order. Records are delivered as zero-copy views of the pushed
 * chunk; a record that straddles two chunks is copied once into a fresh carry buffer.
 */
import { Carry, plural } from './carry.js';
import { canonicalLinkType, maxCapLenForLinkType } from './linktypes.js';
import { CaptureError, type CaptureInfo, type Frame, type FrameHandler } from './types.js';

export const PCAP_FILE_HEADER_LEN = 24;

export interface PcapMagic {
  bigEndian: boolean;
  nanosecond: boolean;
  /** Record header length: 16, or 24 for the patched (a1b2cd34) format. */
  recordHeaderLen: number;
}

/** Identify a pcap magic number from the first 4 bytes; null if it is not one. */
export function pcapMagic(b: Uint8Array): PcapMagic | null {
  if (b.length < 4) return null;
  const be = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const le = ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
  for (const [v, bigEndian] of [
    [be, true],
    [le, false],
  ] as const) {
    if (v === 0xa1b2c3d4) return { bigEndian, nanosecond: false, recordHeaderLen: 16 };
    if (v === 0xa1b23c4d) return { bigEndian, nanosecond: true, recordHeaderLen: 16 };
    if (v === 0xa1b2cd34) return { bigEndian, nanosecond: false, recordHeaderLen: 24 };
  }
  return null;
}

export interface ParserOptions {
  /** File name for messages. */
  name: string;
  /** The bytes come out of a gzip stream (recorded in CaptureInfo). */
  gzip?: boolean;
  onFrame: FrameHandler;
}

/** Common surface of the pcap and pcapng push parsers. */
export interface CaptureParser {
  /** Feed the next bytes of the stream. Returns false once reading has to stop (damage, or the handler returned false). */
  push(chunk: Uint8Array): boolean;
  /** The stream has ended; reports a record cut short. */
  end(): void;
  readonly info: CaptureInfo | null;
  readonly framesRead: number;
  readonly error: CaptureError | undefined;
  /** True when the frame handler asked to stop. */
  readonly stopped: boolean;
}

export class PcapParser implements CaptureParser {
  info: CaptureInfo | null = null;
  framesRead = 0;
  error: CaptureError | undefined = undefined;
  stopped = false;

  private readonly name: string;
  private readonly gzip: boolean;
  private readonly onFrame: FrameHandler;
  private done = false;
  private headerDone = false;
  private le = true;
  private nsMul = 1000;
  private hdrLen = 16;
  private linkType = 0;
  private maxCap = 262144;
  /** Stream offset of the next unread unit (file header or record). */
  private pos = 0;
  private readonly carry = new Carry();
  /** Whether the carried unit's total length is known (its record header is complete). */
  private carryKnown = false;

  constructor(opts: ParserOptions) {
    this.name = opts.name;
    this.gzip = opts.gzip ?? false;
    this.onFrame = opts.onFrame;
  }

  push(chunk: Uint8Array): boolean {
    if (this.done) return false;
    let off = 0;
    const carry = this.carry;
    if (carry.active) {
      for (;;) {
        off += carry.fill(chunk, off);
        if (!carry.complete) return true; // chunk used up
        if (!this.headerDone) {
          carry.active = false;
          if (!this.fileHeader(carry.buf, 0)) return false;
          carry.clear();
          break;
        }
        if (!this.carryKnown) {
          const dv = new DataView(carry.buf.buffer, carry.buf.byteOffset, carry.buf.byteLength);
          const capLen = dv.getUint32(8, this.le);
          if (!this.checkCapLen(capLen)) return false;
          this.carryKnown = true;
          carry.need = this.hdrLen + capLen;
          if (!carry.complete) continue;
        }
        const buf = carry.buf;
        const total = carry.need;
        carry.clear();
        this.carryKnown = false;
        if (!this.emit(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength), 0, total)) return false;
        break;
      }
    }
    return this.scan(chunk, off);
  }

  /** The hot loop: records entirely inside `chunk` are delivered as views of it. */
  private scan(chunk: Uint8Array, off: number): boolean {
    const n = chunk.length;
    if (off >= n) return true;
    if (!this.headerDone) {
      if (n - off < PCAP_FILE_HEADER_LEN) {
        this.carry.start(chunk, off, n - off, PCAP_FILE_HEADER_LEN);
        return true;
      }
      if (!this.fileHeader(chunk, off)) return false;
      off += PCAP_FILE_HEADER_LEN;
    }
    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // frames are views made by the constructor: cheaper than subarray (no species lookup)
    const ab = chunk.buffer;
    const base = chunk.byteOffset;
    const le = this.le;
    const hdrLen = this.hdrLen;
    const maxCap = this.maxCap;
    const nsMul = this.nsMul;
    const linkType = this.linkType;
    const onFrame = this.onFrame;
    let pos = this.pos;
    let number = this.framesRead;
    for (;;) {
      const rem = n - off;
      if (rem < hdrLen) {
        if (rem > 0) {
          this.carry.start(chunk, off, rem, hdrLen);
          this.carryKnown = false;
        }
        break;
      }
      const capLen = dv.getUint32(off + 8, le);
      if (capLen > maxCap) {
        this.pos = pos;
        this.framesRead = number;
        this.checkCapLen(capLen);
        return false;
      }
      const total = hdrLen + capLen;
      if (rem < total) {
        this.carry.start(chunk, off, rem, total);
        this.carryKnown = true;
        break;
      }
      const frame: Frame = {
        number: ++number,
        tsSec: dv.getUint32(off, le),
        tsNsec: dv.getUint32(off + 4, le) * nsMul,
        hasTime: true,
        capLen,
        origLen: dv.getUint32(off + 12, le),
        linkType,
        interfaceId: 0,
        iface: undefined,
        fileOffset: pos + hdrLen,
        data: new Uint8Array(ab, base + off + hdrLen, capLen),
      };
      off += total;
      pos += total;
      this.framesRead = number;
      if (onFrame(frame) === false) {
        this.pos = pos;
        this.stopped = true;
        this.done = true;
        return false;
      }
    }
    this.pos = pos;
    return true;
  }

  /** Deliver one complete record from a carry buffer. */
  private emit(buf: Uint8Array, dv: DataView, off: number, total: number): boolean {
    const le = this.le;
    const hdrLen = this.hdrLen;
    const frame: Frame = {
      number: ++this.framesRead,
      tsSec: dv.getUint32(off, le),
      tsNsec: dv.getUint32(off + 4, le) * this.nsMul,
      hasTime: true,
      capLen: total - hdrLen,
      origLen: dv.getUint32(off + 12, le),
      linkType: this.linkType,
      interfaceId: 0,
      iface: undefined,
      fileOffset: this.pos + hdrLen,
      data: buf.subarray(off + hdrLen, off + total),
    };
    this.pos += total;
    if (this.onFrame(frame) === false) {
      this.stopped = true;
      this.done = true;
      return false;
    }
    return true;
  }

  private checkCapLen(capLen: number): boolean {
    if (capLen <= this.maxCap) return true;
    const nr = this.framesRead + 1;
    this.fail(
      new CaptureError(
        'corrupt',
        `${this.name}: frame ${nr} at byte offset ${this.pos} is corrupt: its record header claims ${capLen} captured bytes, more than the maximum of ${this.maxCap}`,
        nr,
        this.pos,
      ),
    );
    return false;
  }

  private fileHeader(b: Uint8Array, off: number): boolean {
    const magic = pcapMagic(b.subarray(off, off + 4));
    if (!magic) {
      // The caller probes the magic; this only happens when the parser is used directly.
      this.fail(new CaptureError('not_capture', `${this.name} is not a pcap file`, undefined, 0));
      return false;
    }
    const dv = new DataView(b.buffer, b.byteOffset + off, PCAP_FILE_HEADER_LEN);
    const le = !magic.bigEndian;
    const major = dv.getUint16(4, le);
    const minor = dv.getUint16(6, le);
    const snaplen = dv.getUint32(16, le);
    const network = dv.getUint32(20, le);
    // Low 16 bits: link type; bits 26-31 carry FCS information.
    const linkType = canonicalLinkType(network & 0xffff);
    this.le = le;
    this.nsMul = magic.nanosecond ? 1 : 1000;
    this.hdrLen = magic.recordHeaderLen;
    this.linkType = linkType;
    this.maxCap = maxCapLenForLinkType(linkType);
    this.info = {
      format: 'pcap',
      nanosecond: magic.nanosecond,
      bigEndian: magic.bigEndian,
      gzip: this.gzip,
      linkType,
      snaplen,
      interfaces: [{ linkType, snaplen, section: 1, tsUnitsPerSec: magic.nanosecond ? 1e9 : 1e6, tsOffsetSec: 0 }],
    };
    this.headerDone = true;
    this.pos = PCAP_FILE_HEADER_LEN;
    if (major < 2) {
      this.fail(new CaptureError('corrupt', `${this.name}: unsupported pcap format version ${major}.${minor}`, 1, 0));
      return false;
    }
    return true;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    const c = this.carry;
    if (!c.active || c.len === 0) return;
    if (!this.headerDone) {
      this.fail(
        new CaptureError(
          'truncated',
          `${this.name}: the pcap file header is cut short (the file ends ${c.len} bytes into the ${PCAP_FILE_HEADER_LEN}-byte header)`,
          1,
          0,
        ),
      );
      return;
    }
    const nr = this.framesRead + 1;
    const what = this.carryKnown ? `a ${c.need}-byte record` : `the ${this.hdrLen}-byte record header`;
    this.fail(
      new CaptureError(
        'truncated',
        `${this.name}: frame ${nr} at byte offset ${this.pos} is cut short (the file ends ${plural(c.len, "byte")} into ${what})`,
        nr,
        this.pos,
      ),
    );
  }

  private fail(err: CaptureError): void {
    this.error = err;
    this.done = true;
    this.carry.clear();
  }
}
