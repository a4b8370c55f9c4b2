import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCapture } from '../../src/engine/decode.js';
import { allFields, type Base, type FieldDef, type FieldType } from '../../src/decoders/core/fields.js';
import { ipv6ToString, valueForFields } from '../../src/decoders/core/format.js';
import type { FieldNode, FieldValue } from '../../src/decoders/core/tree.js';
import { COLUMN_FIELDS } from '../../src/output/column-fields.js';
import {
  applyFieldsOption,
  DEFAULT_FIELDS_FORMAT,
  fieldsRow,
  resolveFieldColumns,
  writeFieldsRow,
  type FieldsFormat,
} from '../../src/output/fields.js';
import { writeFieldValue } from '../../src/output/value-writer.js';
import { ByteWriter } from '../../src/output/writer.js';
import { sampleCaptures } from '../helpers/paths.js';

/** A writer whose flushed bytes are collected; a small buffer makes rows cross flushes. */
function collecting(size = 64): { w: ByteWriter; take: () => Buffer } {
  const chunks: Buffer[] = [];
  const w = new ByteWriter((b) => chunks.push(Buffer.from(b)), size);
  return {
    w,
    take: () => {
      w.flush();
      const all = Buffer.concat(chunks);
      chunks.length = 0;
      return all;
    },
  };
}

function written(fill: (w: ByteWriter) => void, size?: number): string {
  const { w, take } = collecting(size);
  fill(w);
  return take().toString('latin1');
}

/** What the string path gives, as the bytes Output wrote before (UTF-8), read back byte per char. */
const utf8Bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

const NUMBERS = [
  0, -0, 1, 7, 9, 10, 11, 99, 100, 255, 256, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32, 1e15, 1e16 - 1,
  Number.MAX_SAFE_INTEGER, -1, -9, -10, -255, -0x80000000, -0x80000001, -(2 ** 40), Number.MIN_SAFE_INTEGER,
  2 ** 53, 2 ** 60, 1e21, -1e21, 0.5, -0.5, 1.25e-7, 123.456, NaN, Infinity, -Infinity,
];
const BIGINTS = [0n, 1n, 10n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n, -1n, -(2n ** 53n) + 1n, -(2n ** 53n), -(2n ** 63n)];

describe('ByteWriter', () => {
  it('writes numbers as String(n) does', () => {
    for (const n of NUMBERS) expect(written((w) => w.num(n)), `${n}`).toBe(String(n));
    // every digit count on either side of each power of ten
    const edges = Array.from({ length: 17 }, (_, k) => 10 ** k).flatMap((p) => [p - 1, p, p + 1, -p]);
    for (const n of edges) expect(written((w) => w.num(n)), `${n}`).toBe(String(n));
    const all = Array.from({ length: 20000 }, (_, i) => i);
    expect(written((w) => all.forEach((n) => (w.num(n), w.byte(0x20))), 1024)).toBe(all.join(' ') + ' ');
    // uint32s of every length, split at five digits for the pairs table
    let x = 12345;
    const u32 = Array.from({ length: 20000 }, (_, i) => ((x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 0) >>> (i % 32));
    expect(written((w) => u32.forEach((n) => (w.num(n), w.byte(0x20))), 1024)).toBe(u32.join(' ') + ' ');
  });

  it('writes bigints as String(n) does', () => {
    for (const n of BIGINTS) expect(written((w) => w.bigint(n)), `${n}`).toBe(String(n));
  });

  it('zero-pads non-negative integers to a width, others as padStart', () => {
    for (const n of [0, 5, 45663000, 999999999, 1000000000, 12345678901, -5, 1.5]) {
      expect(written((w) => w.padded(n, 9)), `${n}`).toBe(String(n).padStart(9, '0'));
    }
  });

  it('writes hex as hexPad(v >>> 0) with 0x', () => {
    for (const n of NUMBERS) {
      for (const width of [1, 2, 4, 6, 8, 12, 16]) {
        const want = '0x' + (n >>> 0).toString(16).padStart(width, '0');
        expect(written((w) => w.hex32(n, width)), `${n}/${width}`).toBe(want);
      }
    }
  });

  it('writes byte strings and MAC addresses as hex', () => {
    const b = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255);
    const hex = Buffer.from(b).toString('hex');
    expect(written((w) => w.hexBytes(b, -1))).toBe(hex);
    expect(written((w) => w.hexBytes(b, 0x3a))).toBe(hex.match(/../g)!.join(':'));
    expect(written((w) => w.hexBytes(new Uint8Array(0), 0x3a))).toBe('');
    // larger than the whole buffer: written in pieces
    expect(written((w) => w.hexBytes(b, 0x3a), 64)).toBe(hex.match(/../g)!.join(':'));
  });

  it('writes IPv4 addresses held as uint32 (or as negative int32) as dotted quads', () => {
    for (const a of [0, 0x7f000001, 0xc0a80101, 0xffffffff, -1, 0x0a000001 | 0, 0x80000000 | 0]) {
      const u = a >>> 0;
      expect(written((w) => w.ipv4(a))).toBe(`${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`);
    }
    for (let o = 0; o < 256; o++) {
      const a = ((o << 24) | ((255 - o) << 16) | (o << 8) | ((o * 7) & 255)) >>> 0;
      expect(written((w) => w.ipv4(a))).toBe(`${o}.${255 - o}.${o}.${(o * 7) & 255}`);
    }
  });

  it('writes strings as UTF-8: ASCII, non-ASCII, surrogate pairs, lone surrogates, longer than the buffer', () => {
    const strings = [
      '',
      'plain ascii',
      'café',
      'naïve résumé – “quotes”',
      '日本語のテキスト',
      'emoji 😀 pair',
      'lone \ud800 surrogate',
      'trailing \udc00',
      'x'.repeat(500),
      'é'.repeat(500),
      'ascii then 😀'.padStart(200, '.'),
      '\u0000\u007f\u0080\u00ff',
    ];
    for (const s of strings) {
      for (const size of [64, 1024, 1 << 20]) {
        expect(written((w) => w.str(s), size), JSON.stringify(s.slice(0, 20))).toBe(utf8Bytes(s));
      }
    }
  });

  it('keeps order across flushes of mixed writes', () => {
    const { w, take } = collecting(64);
    let want = '';
    for (let i = 0; i < 1000; i++) {
      w.num(i * 7919);
      w.byte(0x2c);
      w.str(i % 3 ? 'abc' : 'ünï');
      w.hex32(i, 4);
      w.newline();
      want += `${i * 7919},${i % 3 ? 'abc' : 'ünï'}0x${i.toString(16).padStart(4, '0')}\n`;
    }
    expect(take().equals(Buffer.from(want, 'utf8'))).toBe(true);
  });
});

const TYPES: FieldType[] = ['none', 'protocol', 'uint', 'uint64', 'int', 'bool', 'ipv4', 'ipv6', 'ether', 'bytes', 'string', 'double', 'reltime', 'abstime', 'framenum'];
const BASES: (Base | undefined)[] = ['dec', 'hex', 'oct', 'dec_hex', 'hex_dec', 'none', undefined];
const BITS = [0, 1, 4, 8, 12, 16, 24, 32, 48, 64];

/** An IPv6 address from its text (`::` and a dotted tail allowed), for the test vectors below. */
function ip6(text: string): Uint8Array {
  const groups = (s: string) =>
    s === ''
      ? []
      : s.split(':').flatMap((p) => {
          if (!p.includes('.')) return [parseInt(p, 16)];
          const q = p.split('.').map(Number);
          return [(q[0]! << 8) | q[1]!, (q[2]! << 8) | q[3]!];
        });
  const [head, tail] = text.includes('::') ? text.split('::') : [text, ''];
  const h = groups(head!);
  const t = groups(tail!);
  const g = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return Uint8Array.from(g.flatMap((x) => [x >> 8, x & 255]));
}

const IPV6 = [
  '::', '::1', '::2', '1::', 'fe80::1', '2001:db8::1', '2001:db8:0:0:1:0:0:1', '2001:0:0:1:0:0:0:1', '1:0:2:0:3:0:4:0',
  '1:2:3:4:5:6:7:8', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::ffff:192.0.2.1', '::ffff:0.0.0.0', '::192.0.2.1',
  '::0.0.0.1', '::0.1.0.0', '0:0:0:0:0:1:0:0', '::ffff:0:1', '0:0:0:0:1:ffff:0:1', '1::ffff:0:0', '0:1::',
];

function values(type: FieldType): FieldValue[] {
  const junk: FieldValue[] = [null, 'text', true];
  switch (type) {
    case 'uint':
    case 'int':
    case 'uint64':
    case 'framenum':
      return [...NUMBERS, ...BIGINTS, ...junk];
    case 'bool':
      return [true, false, 0, 1, null];
    case 'ipv4':
      return [0, 0x7f000001, 0xc0a80101, 0xffffffff, -1, 'x', null];
    case 'ipv6':
      return [...IPV6.map(ip6), new Uint8Array(4), new Uint8Array(20), null];
    case 'ether':
      return [Uint8Array.of(0, 0x1b, 0x21, 0xa, 0xff, 0x10), Uint8Array.of(1, 2, 3), new Uint8Array(8), new Uint8Array(0), null];
    case 'bytes':
      return [Uint8Array.of(0, 0xab, 0x10), new Uint8Array(0), new Uint8Array(2000).fill(0xfe), 5, null];
    case 'string':
      return ['GET', '', 'tab\there', 'ctl \u0001\u001f\u007f\u0085\u009f', 'crlf\r\n', 'ünïcödé 日本 😀', '\ud800 lone', 'long '.repeat(300), 7, null];
    case 'double':
      return [0, 1, -1, 0.1, 1 / 3, 123456.789, 1e300, -2.5e-10, NaN, null];
    case 'reltime':
      return [0, -0, 1, 0.000001, -1e-12, 123.456789123, 1e-10, null];
    case 'abstime':
      return [{ sec: 1265682773, nsec: 45663000 }, { sec: 0, nsec: 0 }, { sec: 1, nsec: 999999999 }, { sec: -5, nsec: 7 }, 12, null];
    default:
      return [null, 1, 'x'];
  }
}

describe('writeFieldValue', () => {
  it('writes what valueForFields returns, for every type, base and width', () => {
    let checked = 0;
    for (const type of TYPES) {
      for (const base of BASES) {
        for (const bits of BITS) {
          for (const epoch of [false, true]) {
            const def = { id: 0, name: `t.${type}`, label: `Label ${type} ü`, type, base, bits, epoch } as FieldDef;
            for (const v of values(type)) {
              for (const text of [undefined, 'Protocol text, Süd']) {
                const node: FieldNode = { def, offset: 0, length: 0, value: v, text };
                const want = utf8Bytes(valueForFields(def, v, node));
                const got = written((w) => writeFieldValue(w, def, v, node));
                expect(got, `${type}/${base}/${bits}/${epoch}: ${String(v).slice(0, 40)}`).toBe(want);
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('writes IPv6 addresses as ipv6ToString does (random ones with zero runs too)', () => {
    const def = { id: 0, name: 'ipv6.src', label: 'Source', type: 'ipv6', base: 'none', bits: 0 } as FieldDef;
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 5000; i++) {
      const b = new Uint8Array(16);
      // groups are zero half the time, so every run length and position turns up
      for (let k = 0; k < 8; k++) if (rnd() & 1) (b[2 * k] = rnd() & (rnd() & 1 ? 255 : 0)), (b[2 * k + 1] = rnd() & 255);
      expect(written((w) => writeFieldValue(w, def, b))).toBe(ipv6ToString(b));
    }
  });
});

/** -E variants: every separator, occurrence, aggregator and quote combination that differs. */
const FORMATS: string[][] = [
  [],
  ['occurrence=f'],
  ['occurrence=l'],
  ['occurrence=2', 'quote=s'],
  ['occurrence=0'],
  ['occurrence=a', 'quote=d', 'separator=,', 'aggregator=|'],
  ['separator=/s', 'aggregator=/t', 'quote=d'],
  ['separator=¦', 'aggregator=•'],
];

function format(opts: string[]): FieldsFormat {
  const fmt = { ...DEFAULT_FIELDS_FORMAT };
  for (const o of opts) expect(applyFieldsOption(fmt, o)).toBeNull();
  return fmt;
}

describe('writeFieldsRow on the sample captures', () => {
  const names = [...allFields().map((f) => f.name), ...COLUMN_FIELDS.keys()];
  const { columns, invalid } = resolveFieldColumns(names);
  const fmts = FORMATS.map(format);

  for (const file of sampleCaptures()) {
    it(`equals fieldsRow for every field: ${path.basename(file)}`, async () => {
      const { w, take } = collecting(4096);
      const mismatches: { frame: number; fmt: string; ours: string; theirs: string }[] = [];
      let rows = 0;
      await decodeCapture(file, { columns: true, tree: columns.flatMap((c) => (c.def ? [c.def] : [])) }, (d) => {
        for (let i = 0; i < fmts.length; i++) {
          const want = Buffer.from(fieldsRow(d.packet, d.fields, columns, fmts[i]!) + '\n', 'utf8');
          writeFieldsRow(w, d.packet, d.fields, columns, fmts[i]!);
          w.newline();
          const got = take();
          rows++;
          if (!got.equals(want) && mismatches.length < 5) {
            mismatches.push({ frame: d.packet.frame.number, fmt: FORMATS[i]!.join(' '), ours: got.toString(), theirs: want.toString() });
          }
        }
      });
      expect(invalid).toEqual([]);
      expect(rows).toBeGreaterThan(0);
      expect(mismatches).toEqual([]);
    });
  }
});
