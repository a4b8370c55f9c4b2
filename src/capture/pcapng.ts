/**
 * pcapng, as an incremental push parser.
 *
 * Sections (each SHB sets the byte order and starts a new interface list), IDBs with
 * if_tsresol / if_tsoffset / if_name, EPB, SPB and the obsolete PB. Other blocks (NRB, ISB,
 * DSB, custom, unknown) are skipped without buffering them. Checks follow Wireshark's reader
 * (wiretap/pcapng.c): block lengths are rounded up to a multiple of 4 as Wireshark does (a
 * length that really is not a multiple of 4 then fails the trailer check), must be at least
 * 12 and at most MAX_BLOCK_SIZE, and the trailing length must equal the leading one.
 */
import { Carry, plural } from './carry.js';
import { canonicalLinkType, maxCapLenForLinkType, MAX_PACKET_SIZE_LARGE } from './linktypes.js';
import type { CaptureParser, ParserOptions } from './pcap.js';
import { TimestampConverter } from './time.js';
import { CaptureError, type CaptureInfo, type Frame, type FrameHandler, type InterfaceInfo } from './types.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BT_DSB = 0x0000000a;
export const BT_CB_COPY = 0x00000bad;
export const BT_CB_NO_COPY = 0x40000bad;

const BOM = 0x1a2b3c4d;
const BOM_SWAPPED = 0x4d3c2b1a;
/** Wireshark: MIN_EPB_SIZE + WTAP_MAX_PACKET_SIZE_DBUS + 131072. */
export const MAX_BLOCK_SIZE = 32 + MAX_PACKET_SIZE_LARGE + 131072;
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32;
const MIN_PB = 32;
const MIN_SPB = 16;

const K_HEADER = 0;
const K_BLOCK = 1;
const K_TRAILER = 2;

interface Iface {
  linkType: number;
  snaplen: number;
  maxCap: number;
  conv: TimestampConverter;
  /** Index into CaptureInfo.interfaces (unique across sections). */
  globalId: number;
  /** Its entry there, which frames point to. */
  info: InterfaceInfo;
}

function roundUp4(v: number): number {
  const r = v % 4;
  return r === 0 ? v : v + 4 - r;
}

function blockName(type: number): string {
  switch (type) {
    case BT_SHB:
      return 'section header block';
    case BT_IDB:
      return 'interface description block';
    case BT_PB:
      return 'packet block';
    case BT_SPB:
      return 'simple packet block';
    case BT_NRB:
      return 'name resolution block';
    case BT_ISB:
      return 'interface statistics block';
    case BT_EPB:
      return 'enhanced packet block';
    case BT_DSB:
      return 'decryption secrets block';
    case BT_CB_COPY:
    case BT_CB_NO_COPY:
      return 'custom block';
    default:
      return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class PcapngParser implements CaptureParser {
  info: CaptureInfo | null = null;
  framesRead = 0;
  error: CaptureError | undefined = undefined;
  stopped = false;

  private readonly name: string;
  private readonly gzip: boolean;
  private readonly onFrame: FrameHandler;
  private done = false;
  /** Byte order of the current section. */
  private le = true;
  private ifaces: Iface[] = [];
  private sections = 0;
  /** Stream offset of the current (next unread) block. */
  private pos = 0;
  private readonly carry = new Carry();
  private kind = K_HEADER;
  // Header fields of the block currently being read, set by blockLen().
  private bType = 0;
  private bLe = true;
  private bLen = 0;
  private bRaw = 0;
  /** Bytes of a skipped block's body still to discard before its trailer. */
  private skipLeft = 0;

  constructor(opts: ParserOptions) {
    this.name = opts.name;
    this.gzip = opts.gzip ?? false;
    this.onFrame = opts.onFrame;
  }

  push(chunk: Uint8Array): boolean {
    if (this.done) return false;
    let off = 0;
    const carry = this.carry;
    while (this.skipLeft > 0 || carry.active) {
      if (this.skipLeft > 0) {
        const take = Math.min(this.skipLeft, chunk.length - off);
        this.skipLeft -= take;
        off += take;
        if (this.skipLeft > 0) return true;
        carry.start(chunk, off, 0, 4);
        this.kind = K_TRAILER;
      }
      off += carry.fill(chunk, off);
      if (!carry.complete) return true;
      if (!this.carried()) return false;
    }
    return this.scan(chunk, off);
  }

  /** A carried unit is complete: handle it. */
  private carried(): boolean {
    const carry = this.carry;
    const buf = carry.buf;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (this.kind === K_HEADER) {
      const rlen = this.blockLen(dv, 0);
      if (rlen < 0) return false;
      if (this.needsBody(this.bType) || rlen === 12) {
        this.kind = K_BLOCK;
        carry.need = rlen;
        if (!carry.complete) return true;
      } else {
        carry.clear();
        this.skipLeft = rlen - 16;
        if (this.skipLeft === 0) {
          carry.start(buf, 0, 0, 4);
          this.kind = K_TRAILER;
        }
        return true;
      }
    }
    if (this.kind === K_BLOCK) {
      const rlen = carry.need;
      carry.clear();
      return this.block(buf, dv, 0, rlen);
    }
    // K_TRAILER of a skipped block
    carry.clear();
    const trailer = roundUp4(dv.getUint32(0, this.bLe));
    if (trailer !== this.bLen) return this.badTrailer(dv.getUint32(0, this.bLe));
    this.pos += this.bLen;
    return true;
  }

  /** The hot loop: blocks entirely inside `chunk` are handled in place. */
  private scan(chunk: Uint8Array, off: number): boolean {
    const n = chunk.length;
    if (off >= n) return true;
    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (;;) {
      const rem = n - off;
      if (rem < 12) {
        if (rem > 0) {
          this.carry.start(chunk, off, rem, 12);
          this.kind = K_HEADER;
        }
        return true;
      }
      const rlen = this.blockLen(dv, off);
      if (rlen < 0) return false;
      if (rem < rlen) {
        if (this.needsBody(this.bType)) {
          this.carry.start(chunk, off, rem, rlen);
          this.kind = K_BLOCK;
        } else if (rem <= rlen - 4) {
          this.skipLeft = rlen - 4 - rem;
          if (this.skipLeft === 0) {
            this.carry.start(chunk, n, 0, 4);
            this.kind = K_TRAILER;
          }
        } else {
          // part of the trailer is here
          this.carry.start(chunk, off + rlen - 4, rem - (rlen - 4), 4);
          this.kind = K_TRAILER;
        }
        return true;
      }
      if (!this.block(chunk, dv, off, rlen)) return false;
      off += rlen;
    }
  }

  private needsBody(type: number): boolean {
    return type === BT_EPB || type === BT_SPB || type === BT_PB || type === BT_IDB || type === BT_SHB;
  }

  /**
   * Read and validate the block header at `off` (12 bytes available): sets bType, bLe, bLen and
   * returns the (rounded) total length, or -1 after recording an error.
   */
  private blockLen(dv: DataView, off: number): number {
    let le = this.le;
    let type = dv.getUint32(off, le);
    if (type === BT_SHB) {
      const bom = dv.getUint32(off + 8, true);
      if (bom === BOM) le = true;
      else if (bom === BOM_SWAPPED) le = false;
      else {
        const hex = bom.toString(16).padStart(8, '0');
        if (this.sections === 0) {
          this.fail(
            new CaptureError(
              'not_capture',
              `${this.name} is not a pcap or pcapng file (it starts like a pcapng section header block, but its byte-order magic is 0x${hex})`,
              undefined,
              0,
            ),
          );
        } else {
          this.fail(this.corrupt(`section header block at byte offset ${this.pos} has an unknown byte-order magic 0x${hex}`));
        }
        return -1;
      }
      type = BT_SHB;
    }
    if (this.sections === 0 && type !== BT_SHB) {
      this.fail(new CaptureError('not_capture', `${this.name} is not a pcapng file (it does not start with a section header block)`, undefined, 0));
      return -1;
    }
    const raw = dv.getUint32(off + 4, le);
    const rlen = roundUp4(raw);
    this.bType = type;
    this.bLe = le;
    this.bLen = rlen;
    this.bRaw = raw;
    let min = 12;
    switch (type) {
      case BT_SHB:
        min = MIN_SHB;
        break;
      case BT_IDB:
        min = MIN_IDB;
        break;
      case BT_EPB:
        min = MIN_EPB;
        break;
      case BT_PB:
        min = MIN_PB;
        break;
      case BT_SPB:
        min = MIN_SPB;
        break;
    }
    if (rlen < min) {
      this.fail(
        this.corrupt(
          `${blockName(type)} at byte offset ${this.pos} has a total length of ${raw} bytes, less than the minimum of ${min}`,
        ),
      );
      return -1;
    }
    if (rlen > MAX_BLOCK_SIZE) {
      this.fail(
        this.corrupt(
          `${blockName(type)} at byte offset ${this.pos} has a total length of ${raw} bytes, more than the maximum of ${MAX_BLOCK_SIZE}`,
        ),
      );
      return -1;
    }
    return rlen;
  }

  /** Handle a complete block at buf[off, off + rlen) (header already validated by blockLen). */
  private block(buf: Uint8Array, dv: DataView, off: number, rlen: number): boolean {
    const type = this.bType;
    const le = this.bLe;
    const trailerRaw = dv.getUint32(off + rlen - 4, le);
    if (roundUp4(trailerRaw) !== rlen) return this.badTrailer(trailerRaw);
    switch (type) {
      case BT_EPB:
      case BT_PB: {
        const pb = type === BT_PB;
        const ifId = pb ? dv.getUint16(off + 8, le) : dv.getUint32(off + 8, le);
        const capLen = dv.getUint32(off + 20, le);
        if (rlen < 32 + roundUp4(capLen)) {
          return this.fail(
            this.corruptFrame(
              `its ${blockName(type)} of ${rlen} bytes is too small for its ${capLen} captured bytes`,
            ),
          );
        }
        const iface = this.ifaces[ifId];
        if (iface === undefined) {
          return this.fail(
            this.corruptFrame(
              `it refers to interface ${ifId}, but its section declares ${this.ifaces.length} interface${this.ifaces.length === 1 ? '' : 's'}`,
            ),
          );
        }
        if (capLen > iface.maxCap) {
          return this.fail(
            this.corruptFrame(`it claims ${capLen} captured bytes, more than the maximum of ${iface.maxCap}`),
          );
        }
        const conv = iface.conv;
        conv.convert(dv.getUint32(off + 12, le), dv.getUint32(off + 16, le));
        const pos = this.pos;
        const frame: Frame = {
          number: this.framesRead + 1,
          tsSec: conv.sec,
          tsNsec: conv.nsec,
          hasTime: true,
          capLen,
          origLen: dv.getUint32(off + 24, le),
          linkType: iface.linkType,
          interfaceId: iface.globalId,
          iface: iface.info,
          fileOffset: pos + 28,
          data: new Uint8Array(buf.buffer, buf.byteOffset + off + 28, capLen),
        };
        this.framesRead++;
        this.pos = pos + rlen;
        if (this.onFrame(frame) === false) return this.stop();
        return true;
      }
      case BT_SPB: {
        const iface = this.ifaces[0];
        if (iface === undefined) {
          return this.fail(this.corruptFrame('it is a simple packet block, but its section declares no interface'));
        }
        const origLen = dv.getUint32(off + 8, le);
        let capLen = origLen;
        if (iface.snaplen !== 0 && capLen > iface.snaplen) capLen = iface.snaplen;
        if (capLen > rlen - MIN_SPB) capLen = rlen - MIN_SPB;
        if (capLen > iface.maxCap) {
          return this.fail(
            this.corruptFrame(`it claims ${capLen} captured bytes, more than the maximum of ${iface.maxCap}`),
          );
        }
        const pos = this.pos;
        const frame: Frame = {
          number: this.framesRead + 1,
          tsSec: 0,
          tsNsec: 0,
          hasTime: false,
          capLen,
          origLen,
          linkType: iface.linkType,
          interfaceId: iface.globalId,
          iface: iface.info,
          fileOffset: pos + 12,
          data: new Uint8Array(buf.buffer, buf.byteOffset + off + 12, capLen),
        };
        this.framesRead++;
        this.pos = pos + rlen;
        if (this.onFrame(frame) === false) return this.stop();
        return true;
      }
      case BT_IDB:
        if (!this.idb(buf, dv, off, rlen, le)) return false;
        break;
      case BT_SHB:
        if (!this.shb(dv, off, le)) return false;
        break;
      default:
        break;
    }
    this.pos += rlen;
    return true;
  }

  private shb(dv: DataView, off: number, le: boolean): boolean {
    const major = dv.getUint16(off + 12, le);
    const minor = dv.getUint16(off + 14, le);
    // Wireshark reads versions 1.0 and 1.2 only.
    if (!(major === 1 && (minor === 0 || minor === 2))) {
      return this.fail(
        this.corrupt(
          `section header block at byte offset ${this.pos} has pcapng version ${major}.${minor}, which is not supported (only 1.0 and 1.2 are)`,
        ),
      );
    }
    this.le = le;
    this.ifaces = [];
    this.sections++;
    if (this.info === null) {
      this.info = {
        format: 'pcapng',
        nanosecond: false,
        bigEndian: !le,
        gzip: this.gzip,
        linkType: -1,
        snaplen: 0,
        interfaces: [],
      };
    }
    return true;
  }

  private idb(buf: Uint8Array, dv: DataView, off: number, rlen: number, le: boolean): boolean {
    const info = this.info!;
    const linkType = canonicalLinkType(dv.getUint16(off + 8, le));
    const snaplen = dv.getUint32(off + 12, le);
    let tsresol = -1;
    let tsoffset = 0;
    let name: string | undefined;
    // Options, checked as Wireshark does (pcapng_process_options).
    let p = off + 16;
    const end = off + rlen - 4;
    while (p < end) {
      if (end - p < 4) return this.fail(this.corrupt(`interface description block at byte offset ${this.pos} has a truncated option header`));
      const code = dv.getUint16(p, le);
      const len = dv.getUint16(p + 2, le);
      p += 4;
      const rl = roundUp4(len);
      if (rl > end - p) {
        return this.fail(
          this.corrupt(`interface description block at byte offset ${this.pos} has an option (code ${code}) of ${len} bytes that overruns the block`),
        );
      }
      if (code === 0) break;
      switch (code) {
        case 2: {
          // if_name: UTF-8, possibly NUL-padded
          let e = p + len;
          while (e > p && buf[e - 1] === 0) e--;
          name = utf8.decode(buf.subarray(p, e));
          break;
        }
        case 9:
          if (len === 1) tsresol = buf[p]!;
          break;
        case 14:
          if (len === 8) tsoffset = Number(dv.getBigInt64(p, le));
          break;
        case 11:
          if (len < 1) return this.fail(this.corrupt(`interface description block at byte offset ${this.pos} has an empty if_filter option`));
          break;
        case 2988:
        case 2989:
        case 19372:
        case 19373:
          if (len < 4) return this.fail(this.corrupt(`interface description block at byte offset ${this.pos} has a custom option of ${len} bytes (less than 4)`));
          break;
        default:
          break;
      }
      p += rl;
    }
    const units = tsresol >= 0 ? TimestampConverter.unitsFromTsresol(tsresol) : 1000000n;
    const conv = new TimestampConverter(units, tsoffset);
    const ii: InterfaceInfo = { linkType, snaplen, section: this.sections, tsUnitsPerSec: conv.unitsPerSec, tsOffsetSec: tsoffset };
    if (name !== undefined) ii.name = name;
    const globalId = info.interfaces.length;
    info.interfaces.push(ii);
    if (globalId === 0) {
      info.linkType = linkType;
      info.snaplen = snaplen;
    }
    if (conv.unitsPerSec >= 1e9) info.nanosecond = true;
    this.ifaces.push({ linkType, snaplen, maxCap: maxCapLenForLinkType(linkType), conv, globalId, info: ii });
    return true;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    const c = this.carry;
    let into: number;
    let total: number;
    let type: number;
    if (this.skipLeft > 0) {
      into = this.bLen - 4 - this.skipLeft;
      total = this.bLen;
      type = this.bType;
    } else if (c.active && (c.len > 0 || this.kind === K_TRAILER)) {
      if (this.kind === K_HEADER) {
        into = c.len;
        total = 0;
        type = -1;
      } else if (this.kind === K_BLOCK) {
        into = c.len;
        total = c.need;
        type = this.bType;
      } else {
        into = this.bLen - 4 + c.len;
        total = this.bLen;
        type = this.bType;
      }
    } else {
      return;
    }
    const nr = this.framesRead + 1;
    const size = total > 0 ? `a ${total}-byte ${type === -1 ? 'block' : blockName(type)}` : 'a block header';
    const isPacket = type === BT_EPB || type === BT_PB || type === BT_SPB;
    const what = isPacket
      ? `frame ${nr} at byte offset ${this.pos}`
      : this.sections === 0
        ? `the pcapng section header at byte offset ${this.pos}`
        : `the block at byte offset ${this.pos}`;
    this.fail(
      new CaptureError('truncated', `${this.name}: ${what} is cut short (the file ends ${plural(into, "byte")} into ${size})`, nr, this.pos),
    );
  }

  private badTrailer(trailerRaw: number): boolean {
    const lead = this.bRaw;
    const note = lead % 4 !== 0 ? ' (the leading length is not a multiple of 4)' : '';
    return this.fail(
      this.corrupt(
        `${blockName(this.bType)} at byte offset ${this.pos} is corrupt: its trailing length ${trailerRaw} does not match its leading length ${lead}${note}`,
      ),
    );
  }

  private corrupt(detail: string): CaptureError {
    const nr = this.framesRead + 1;
    return new CaptureError('corrupt', `${this.name}: ${detail}`, nr, this.pos);
  }

  private corruptFrame(detail: string): CaptureError {
    const nr = this.framesRead + 1;
    return new CaptureError('corrupt', `${this.name}: frame ${nr} at byte offset ${this.pos} is corrupt: ${detail}`, nr, this.pos);
  }

  private stop(): boolean {
    this.stopped = true;
    this.done = true;
    return false;
  }

  private fail(err: CaptureError): false {
    this.error = err;
    this.done = true;
    this.carry.clear();
    this.skipLeft = 0;
    return false;
  }
}
