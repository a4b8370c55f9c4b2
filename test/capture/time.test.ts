/** Timestamp formatting and exact pcapng timestamp conversion (expected strings taken from tshark 4.0.17). */
import { describe, expect, it } from 'vitest';
import { formatEpoch, frameEpoch, TimestampConverter } from '../../src/capture/time.js';
import { NgWriter, collectBytes, packet, pcapFile } from './helpers.js';

describe('formatEpoch', () => {
  it('ordinary values', () => {
    expect(formatEpoch(0, 0)).toBe('0.000000000');
    expect(formatEpoch(1370200442, 323173000)).toBe('1370200442.323173000');
    expect(formatEpoch(1418145369, 999999999)).toBe('1418145369.999999999');
    expect(formatEpoch(-5, 0)).toBe('-5.000000000');
  });

  it('reproduces tshark for out-of-range nanoseconds', () => {
    // tcpdump__timestamp_invalid_nano.pcap
    expect(formatEpoch(1418145370, 1000000000)).toBe('1418145370.1000000000');
    expect(formatEpoch(1418145370, 0x80000000)).toBe('-1418145370.2147483648');
    // crafted files checked against tshark
    expect(formatEpoch(1700000000, 0xffffffff)).toBe('-1700000000.000000001');
    expect(formatEpoch(0, 0x80000001)).toBe('-0.2147483647');
    // µs pcap with usec >= 1e6: tshark computes usec * 1000 in 32 bits
    expect(formatEpoch(1700000000, 5000000 * 1000)).toBe('1700000000.705032704');
    expect(formatEpoch(1700000000, 0xffffffff * 1000)).toBe('-1700000000.000001000');
  });

  it('frameEpoch is empty without a timestamp', () => {
    expect(frameEpoch({ tsSec: 0, tsNsec: 0, hasTime: false })).toBe('');
    expect(frameEpoch({ tsSec: 1, tsNsec: 5, hasTime: true })).toBe('1.000000005');
  });
});

/** Wireshark's arithmetic with BigInt: secs = ts / u (time_t), nsecs = (int)(((ts % u) * 1e9 mod 2^64) / u). */
function reference(hi: number, lo: number, u: bigint, offset = 0): [number, number] {
  const ts = (BigInt(hi) << 32n) | BigInt(lo);
  const secs = BigInt.asIntN(64, ts / u) + BigInt(offset);
  const ns = BigInt.asUintN(64, (ts % u) * 1000000000n) / u;
  return [Number(secs), Number(ns & 0xffffffffn)];
}

describe('TimestampConverter', () => {
  const units: bigint[] = [
    1n,
    10n,
    1000n,
    2048n,
    100000n,
    1000000n,
    1n << 20n,
    10000000n,
    1000000000n,
    1n << 30n,
    1n << 32n,
    10000000000n,
    1n << 34n,
    (1n << 34n) + 1n,
    1000000000000n,
    1n << 40n,
    10n ** 19n,
    1n << 63n,
    (1n << 64n) - 1n,
  ];
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  for (const u of units) {
    it(`exact for ${u} units per second`, () => {
      const conv = new TimestampConverter(u, 0);
      const cases: [number, number][] = [
        [0, 0],
        [0, 1],
        [0xffffffff, 0xffffffff],
        [0x1fffff, 0xffffffff],
        [0x200000, 0],
        [0x17a2b3c, 0x12345678],
      ];
      for (let i = 0; i < 3000; i++) {
        const hiMax = [0x1000, 0x200000, 0x20000000, 0x100000000][i % 4]!;
        cases.push([rnd() % hiMax, rnd()]);
      }
      for (const [hi, lo] of cases) {
        conv.convert(hi, lo);
        const [s, ns] = reference(hi, lo, u);
        expect([conv.sec, conv.nsec], `${hi}:${lo}`).toEqual([s, ns]);
      }
    });
  }

  it('tsresol byte: powers of 10, powers of 2 with the high bit, out of range', () => {
    expect(TimestampConverter.unitsFromTsresol(6)).toBe(1000000n);
    expect(TimestampConverter.unitsFromTsresol(9)).toBe(1000000000n);
    expect(TimestampConverter.unitsFromTsresol(0x80 | 20)).toBe(1n << 20n);
    expect(TimestampConverter.unitsFromTsresol(0x80 | 100)).toBe((1n << 64n) - 1n);
    expect(TimestampConverter.unitsFromTsresol(25)).toBe((1n << 64n) - 1n);
  });
});

describe('pcapng timestamps end to end (values from tshark on the same bytes)', () => {
  const pkt = packet(60);
  const cases: [string, { tsresol?: number; tsoffset?: bigint }, bigint[], string[]][] = [
    ['default µs', {}, [1700000000123456n], ['1700000000.123456000']],
    [
      'if_tsresol 2^-20',
      { tsresol: 0x80 | 20 },
      [(1700000000n << 20n) + 123457n, (1700000001n << 20n) + (1n << 20n) - 1n],
      ['1700000000.117737770', '1700000001.999999046'],
    ],
    [
      'if_tsresol 10^-9',
      { tsresol: 9 },
      [1700000000123456789n, (1n << 64n) - 1n],
      ['1700000000.123456789', '18446744073.709551615'],
    ],
    [
      'if_tsresol 2^-32',
      { tsresol: 0x80 | 32 },
      [(1700000000n << 32n) + 0x80000000n, (1700000000n << 32n) + 0xffffffffn],
      ['1700000000.500000000', '1700000000.999999999'],
    ],
    ['if_tsresol 10^-12', { tsresol: 12 }, [17000000001234567890n], ['17000000.001234567']],
    ['if_tsresol 10^0', { tsresol: 0 }, [1700000000n, 0xfffffffffffffffbn], ['1700000000.000000000', '-5.000000000']],
    ['if_tsresol 2^-63', { tsresol: 0x80 | 63 }, [(1n << 64n) - 1n], ['1.000000001']],
    ['if_tsresol 10^-19', { tsresol: 19 }, [(1n << 64n) - 1n], ['1.000000001']],
    ['if_tsresol out of range', { tsresol: 0x80 | 100 }, [(1n << 64n) - 1n], ['1.000000000']],
    ['if_tsoffset', { tsoffset: 1000n }, [1700000000123456n], ['1700001000.123456000']],
    ['if_tsoffset negative', { tsoffset: -1700000000n }, [1700000000123456n], ['0.123456000']],
  ];
  for (const [name, idb, stamps, expected] of cases) {
    for (const be of [false, true]) {
      it(`${name} (${be ? 'big' : 'little'}-endian)`, () => {
        const w = new NgWriter(be);
        const bytes = Buffer.concat([w.shb(), w.idb(idb), ...stamps.map((t) => w.epb(0, t, pkt))]);
        const { frames, result } = collectBytes(bytes);
        expect(result.error).toBeUndefined();
        expect(frames.map((f) => frameEpoch(f))).toEqual(expected);
        expect(result.info!.bigEndian).toBe(be);
      });
    }
  }

  it('nanosecond pcap, both byte orders', () => {
    for (const be of [false, true]) {
      const bytes = pcapFile([{ sec: 1700000000, frac: 123456789, data: pkt }], { magic: 0xa1b23c4d, be });
      const { frames, result } = collectBytes(bytes);
      expect(result.error).toBeUndefined();
      expect(result.info).toMatchObject({ format: 'pcap', nanosecond: true, bigEndian: be });
      expect(frameEpoch(frames[0]!)).toBe('1700000000.123456789');
    }
  });
});
