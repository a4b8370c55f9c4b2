/**
 * The carry buffer of the incremental parsers: holds one record/block that straddles two or more
 * input chunks. A fresh buffer is allocated for every straddling record, so frames that point
 * into an earlier carry stay valid; it grows with the bytes that actually arrive (doubling, capped
 * at the record length), never to a size merely claimed by a length field.
 */
export class Carry {
  buf: Uint8Array = EMPTY;
  len = 0;
  /** Bytes the current unit needs in total (a header size until the record length is known). */
  need = 0;
  active = false;

  /** Begin a unit with src[from, from + n), expecting `need` bytes in total. */
  start(src: Uint8Array, from: number, n: number, need: number): void {
    this.buf = new Uint8Array(Math.min(need, Math.max(n * 2, 256)));
    this.buf.set(src.subarray(from, from + n), 0);
    this.len = n;
    this.need = need;
    this.active = true;
  }

  /** Append up to `need - len` bytes from src[from…]; returns how many were taken. */
  fill(src: Uint8Array, from: number): number {
    const take = Math.min(this.need - this.len, src.length - from);
    if (take <= 0) return 0;
    const want = this.len + take;
    if (want > this.buf.length) {
      const nb = new Uint8Array(Math.min(this.need, Math.max(this.buf.length * 2, want)));
      nb.set(this.buf.subarray(0, this.len), 0);
      this.buf = nb;
    }
    this.buf.set(src.subarray(from, from + take), this.len);
    this.len = want;
    return take;
  }

  get complete(): boolean {
    return this.len >= this.need;
  }

  clear(): void {
    this.buf = EMPTY;
    this.len = 0;
    this.need = 0;
    this.active = false;
  }
}

const EMPTY = new Uint8Array(0);

/** "3c 68 74 6d": hex of the first bytes, for messages. */
export function hexBytes(b: Uint8Array, n = 4): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(n, b.length); i++) parts.push(b[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}

/** "1 byte", "7 bytes". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
