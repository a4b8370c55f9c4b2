/**
 * Timestamps: tshark-compatible epoch formatting and exact pcapng 64-bit timestamp conversion.
 */

/**
 * Format a timestamp the way tshark prints `frame.time_epoch`: `${sec}.${nsec padded to 9}`.
 *
 * Reproduces tshark (4.0) for odd values too: the nanosecond part is a C `int`, so values of
 * 2^31 and more wrap to negative; a negative fraction is printed as its absolute value with a
 * `-` in front of the whole stamp (e.g. nsec 0x80000000 → `-1418145370.2147483648`), and a
 * fraction of 1e9 or more is printed as is (`1418145370.1000000000`).
 */
export function formatEpoch(tsSec: number, tsNsec: number): string {
  let frac = tsNsec | 0; // C int semantics (wraps modulo 2^32)
  let sign = '';
  if (frac < 0) {
    frac = -frac; // 2^31 for INT_MIN, as tshark prints it
    if (tsSec >= 0) sign = '-';
  }
  const f = String(frac);
  return sign + String(tsSec) + '.' + (f.length >= 9 ? f : '000000000'.slice(f.length) + f);
}

/** `frame.time_epoch` for a frame: empty when it has no timestamp (pcapng Simple Packet Block). */
export function frameEpoch(frame: { tsSec: number; tsNsec: number; hasTime: boolean }): string {
  return frame.hasTime ? formatEpoch(frame.tsSec, frame.tsNsec) : '';
}

/** Seconds as a double (loses sub-microsecond precision for current dates; for arithmetic, not display). */
export function epochSeconds(tsSec: number, tsNsec: number): number {
  return tsSec + tsNsec / 1e9;
}

const TWO32 = 4294967296;
const U64 = (1n << 64n) - 1n;

/** floor(a / b) for non-negative integers a, b with a < 2^53 (and q*b < 2^53), exact. */
function idiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q--;
  else if (r >= b) q++;
  return q;
}

/**
 * Converts pcapng 64-bit timestamps (two 32-bit halves, in units of 1/unitsPerSec seconds) to
 * seconds + nanoseconds, exactly as Wireshark does (seconds = ts / units, nanoseconds =
 * (ts % units) * 1e9 / units, unsigned 64-bit arithmetic, truncating), then adds if_tsoffset.
 *
 * Number arithmetic only (no BigInt per packet) for resolutions between 2^11 and 2^34 units
 * per second, which covers µs, ns, 2^-20 … 2^-34 and 10^-4 … 10^-10; other resolutions use a
 * BigInt path. Results are left in `sec` / `nsec` (no allocation per call).
 */
export class TimestampConverter {
  readonly unitsPerSec: number;
  readonly offsetSec: number;
  sec = 0;
  nsec = 0;
  private readonly fast: boolean;
  /** 1e9 / units when units divides 1e9 (µs, ns, ms, …), else 0. */
  private readonly nsPerUnit: number;
  private readonly bigUnits: bigint;

  /** @param unitsPerSec as bigint (exact, may exceed 2^53) @param offsetSec if_tsoffset */
  constructor(unitsPerSec: bigint, offsetSec = 0) {
    if (unitsPerSec <= 0n) unitsPerSec = 1n;
    this.bigUnits = unitsPerSec;
    this.unitsPerSec = Number(unitsPerSec);
    this.offsetSec = offsetSec;
    this.fast = unitsPerSec >= 2048n && unitsPerSec <= 1n << 34n;
    this.nsPerUnit = unitsPerSec <= 1000000000n && 1000000000n % unitsPerSec === 0n ? Number(1000000000n / unitsPerSec) : 0;
  }

  /** if_tsresol option byte → units per second (Wireshark: 2^n if the high bit is set, else 10^n; out of range → 2^64-1). */
  static unitsFromTsresol(tsresol: number): bigint {
    const exp = tsresol & 0x7f;
    if (tsresol & 0x80) return exp < 64 ? 1n << BigInt(exp) : U64;
    return exp < 20 ? 10n ** BigInt(exp) : U64;
  }

  convert(hi: number, lo: number): void {
    if (this.fast) {
      const u = this.unitsPerSec;
      let s: number;
      let r: number;
      if (hi < 0x200000) {
        // ts < 2^53: exactly representable
        const t = hi * TWO32 + lo;
        s = idiv(t, u);
        r = t - s * u;
      } else {
        // long division by 16-bit digits; every intermediate stays below 2^53
        const qh = idiv(hi, u);
        const rh = hi - qh * u;
        const t1 = rh * 65536 + (lo >>> 16);
        const q1 = idiv(t1, u);
        const r1 = t1 - q1 * u;
        const t2 = r1 * 65536 + (lo & 0xffff);
        const q2 = idiv(t2, u);
        r = t2 - q2 * u;
        s = qh * TWO32 + q1 * 65536 + q2;
      }
      let ns: number;
      if (this.nsPerUnit !== 0) ns = r * this.nsPerUnit;
      else {
        // floor(r * 1e9 / u) with 1e9 = 15625 * 64000; r < u <= 2^34 keeps products < 2^53
        const a = r * 15625;
        const qa = idiv(a, u);
        const ra = a - qa * u;
        ns = qa * 64000 + idiv(ra * 64000, u);
      }
      this.sec = s + this.offsetSec;
      this.nsec = ns;
      return;
    }
    this.slow(hi, lo);
  }

  private slow(hi: number, lo: number): void {
    const ts = (BigInt(hi) << 32n) | BigInt(lo);
    const u = this.bigUnits;
    let secs = ts / u;
    // time_t is signed 64-bit in Wireshark
    if (secs >= 1n << 63n) secs -= 1n << 64n;
    const ns = (((ts % u) * 1000000000n) & U64) / u; // unsigned 64-bit wrap, as in C
    this.sec = Number(secs) + this.offsetSec;
    // Wireshark stores it in a C int; keep the low 32 bits (formatEpoch applies the int view)
    this.nsec = Number(ns & 0xffffffffn);
  }
}
