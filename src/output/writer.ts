import { writeSync } from 'node:fs';

/** Where a full buffer goes. The bytes are only valid during the call (the buffer is reused). */
export type ByteSink = (bytes: Uint8Array) => void;

/** A sink writing synchronously to a file descriptor: output keeps pace with a streaming input,
 * and a closed pipe (`| head`) ends the process quietly, as tshark does. */
export function fdSink(fd: number): ByteSink {
  return (bytes) => {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(fd, bytes, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE') process.exit(0);
        throw e;
      }
    }
  };
}

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** 10^i for every decimal length of a safe integer (the last entry bounds the search). */
const POW10 = Array.from({ length: 17 }, (_, i) => 10 ** i);
/** Strings shorter than this are copied by a charCodeAt loop (ASCII), longer ones by Node. */
const SHORT = 24;
const ZERO = 0x30;
/** "00" to "99": the two digits of i at 2i and 2i+1. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));
const MINUS = 0x2d;
const DOT = 0x2e;

/** Output bytes built in one reusable buffer: numbers, addresses and ASCII text are written in
 * place, so a `-T fields` row costs no strings and no per-line Buffer. */
export class ByteWriter {
  private readonly buf: Buffer;
  private pos = 0;
  /** Bytes handed to the sink so far. */
  private sunk = 0;

  constructor(
    private readonly sink: ByteSink,
    size = 1 << 20,
  ) {
    // 64 bytes: room for any number or 16 hex digits at once
    this.buf = Buffer.allocUnsafe(Math.max(size, 64));
  }

  /** Hands everything written so far to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    const n = this.pos;
    this.pos = 0;
    this.sunk += n;
    this.sink(this.buf.subarray(0, n));
  }

  /** Bytes written so far, flushed or not. */
  get written(): number {
    return this.sunk + this.pos;
  }

  /** Bytes as they are (output another writer made). */
  raw(b: Uint8Array): void {
    if (b.length > this.buf.length) {
      this.flush();
      this.sunk += b.length;
      this.sink(b);
      return;
    }
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Makes room for `n` more bytes (`n` at most the buffer size). */
  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  byte(b: number): void {
    if (this.pos === this.buf.length) this.flush();
    this.buf[this.pos++] = b;
  }

  newline(): void {
    this.byte(0x0a);
  }

  /** A string as UTF-8 (what Buffer.from(s) gives, lone surrogates included). */
  str(s: string): void {
    const n = s.length;
    if (n * 3 > this.buf.length) return this.huge(s);
    this.room(n * 3);
    // Node's encoder costs a fixed ~0.1 µs a call: cheaper than this loop from about 20 chars
    if (n >= SHORT) {
      this.pos += this.buf.write(s, this.pos, 'utf8');
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos += buf.write(s, this.pos, 'utf8');
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** A string that might not fit in the buffer: written on its own. */
  private huge(s: string): void {
    this.raw(Buffer.from(s, 'utf8'));
  }

  /** A number as `String(n)` prints it; integers are written as digits without a string. */
  num(n: number): void {
    if (n >>> 0 === n) return this.uint32(n);
    if (!Number.isSafeInteger(n)) return this.str(String(n));
    this.room(17);
    if (n < 0) {
      this.buf[this.pos++] = MINUS;
      n = -n;
    }
    this.digits(n, 1);
  }

  /** The common case of `num`: most field values are unsigned and below 2^32. Digits go in
   * pairs from a table, in int32 arithmetic (V8 divides those by a constant with a multiply):
   * above 99999 one floating division splits off the last five digits. */
  private uint32(n: number): void {
    this.room(10);
    if (n < 100000) return this.upTo5(n);
    const hi = Math.floor(n / 100000);
    this.upTo5(hi);
    this.five(n - hi * 100000);
  }

  /** 0 <= n < 100000, without leading zeros. */
  private upTo5(n: number): void {
    const buf = this.buf;
    let p = (this.pos += n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5);
    while (n >= 100) {
      const q = (n / 100) | 0;
      const r = (n - q * 100) << 1;
      buf[--p] = PAIRS[r + 1]!;
      buf[--p] = PAIRS[r]!;
      n = q;
    }
    if (n >= 10) {
      buf[--p] = PAIRS[(n << 1) + 1]!;
      buf[--p] = PAIRS[n << 1]!;
    } else buf[--p] = ZERO + n;
  }

  /** 0 <= n < 100000 as exactly five digits. */
  private five(n: number): void {
    const buf = this.buf;
    const p = this.pos;
    const a = (n / 1000) | 0;
    const r = (n - a * 1000) | 0;
    const b = (r / 10) | 0;
    buf[p] = ZERO + ((a / 10) | 0);
    buf[p + 1] = ZERO + (a % 10);
    buf[p + 2] = PAIRS[b << 1]!;
    buf[p + 3] = PAIRS[(b << 1) + 1]!;
    buf[p + 4] = ZERO + (r - b * 10);
    this.pos = p + 5;
  }

  /** A bigint as `String(n)` prints it. */
  bigint(n: bigint): void {
    if (n >= -0x1fffffffffffffn && n <= 0x1fffffffffffffn) this.num(Number(n));
    else this.str(n.toString());
  }

  /** A non-negative safe integer with at least `width` digits (zero-padded), e.g. nanoseconds. */
  padded(n: number, width: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || width > 32) return this.str(String(n).padStart(width, '0'));
    this.room(width + 16);
    this.digits(n, width);
  }

  /** `0x` and `v` (taken as uint32, as `v >>> 0`) in lower-case hex, zero-padded to `width`. */
  hex32(v: number, width: number): void {
    this.room(2);
    this.buf[this.pos++] = ZERO;
    this.buf[this.pos++] = 0x78; // x
    this.hexDigits(v, width);
  }

  /** `v` (taken as uint32) in lower-case hex without prefix, zero-padded to `width`. */
  hexDigits(v: number, width: number): void {
    v >>>= 0;
    const nd = v === 0 ? 1 : (35 - Math.clz32(v)) >> 2;
    const w = nd > width ? nd : width;
    if (w > 60) return this.str(v.toString(16).padStart(width, '0'));
    this.room(w);
    const buf = this.buf;
    for (let i = w - 1; i >= 0; i--) buf[this.pos++] = i < 8 ? HEX_DIGITS[(v >>> (i * 4)) & 15]! : ZERO;
  }

  /** Bytes as two hex digits each, with an ASCII separator byte between them or none (-1). */
  hexBytes(b: Uint8Array, sep: number): void {
    const per = sep < 0 ? 2 : 3;
    const whole = b.length * per <= this.buf.length;
    if (whole) this.room(b.length * per);
    const buf = this.buf;
    for (let i = 0; i < b.length; i++) {
      if (!whole) this.room(per);
      if (sep >= 0 && i) buf[this.pos++] = sep;
      const x = b[i]!;
      buf[this.pos++] = HEX_DIGITS[x >> 4]!;
      buf[this.pos++] = HEX_DIGITS[x & 15]!;
    }
  }

  /** An IPv4 address held as a uint32: dotted quad. */
  ipv4(a: number): void {
    this.room(15);
    this.octet(a >>> 24);
    this.buf[this.pos++] = DOT;
    this.octet((a >>> 16) & 255);
    this.buf[this.pos++] = DOT;
    this.octet((a >>> 8) & 255);
    this.buf[this.pos++] = DOT;
    this.octet(a & 255);
  }

  /** 0..255 in decimal; room is reserved. */
  private octet(b: number): void {
    const buf = this.buf;
    if (b >= 100) {
      const h = (b / 100) | 0;
      buf[this.pos++] = ZERO + h;
      b -= h * 100;
      buf[this.pos++] = ZERO + ((b / 10) | 0);
    } else if (b >= 10) buf[this.pos++] = ZERO + ((b / 10) | 0);
    buf[this.pos++] = ZERO + (b % 10);
  }

  /** Decimal digits of a non-negative safe integer, at least `width` of them; room is reserved. */
  private digits(n: number, width: number): void {
    const len = decimalLength(n);
    for (let i = len; i < width; i++) this.buf[this.pos++] = ZERO;
    const buf = this.buf;
    let p = (this.pos += len);
    do {
      const q = Math.floor(n / 10);
      buf[--p] = ZERO + (n - q * 10);
      n = q;
    } while (n !== 0);
  }
}

/** How many decimal digits a non-negative safe integer has. */
function decimalLength(n: number): number {
  let len = 1;
  while (n >= POW10[len]!) len++;
  return len;
}
