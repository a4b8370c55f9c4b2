/** Evaluator tests on hand-made field values (no decoders involved): every operator, literal kind,
 * function, slice form and quantifier, with the semantics verified against tshark 4.0.17. */
import { describe, expect, it } from 'vitest';
import { field, protocol, type FieldDef } from '../../src/decoders/core/fields.js';
import type { FieldNode, FieldValue } from '../../src/decoders/core/tree.js';
import { compileFilter, FilterError } from '../../src/filter/index.js';

const F = {
  proto: protocol('ftest', 'Filter test protocol'),
  port: field('ftest.port', 'Port', 'uint', { bits: 16 }),
  srcport: field('ftest.srcport', 'Source port', 'uint', { bits: 16 }),
  dstport: field('ftest.dstport', 'Destination port', 'uint', { bits: 16 }),
  ttl: field('ftest.ttl', 'TTL', 'uint', { bits: 8 }),
  proto8: field('ftest.proto', 'Protocol', 'uint', { bits: 8, values: { 6: 'TCP', 17: 'UDP' } }),
  big: field('ftest.big', 'Big', 'uint64'),
  signed: field('ftest.signed', 'Signed', 'int', { bits: 16 }),
  flag: field('ftest.flag', 'Flag', 'bool', { mask: 0x02, tf: ['Set', 'Not set'] }),
  plain: field('ftest.plain', 'Plain flag', 'bool'),
  addr: field('ftest.addr', 'Address', 'ipv4'),
  addr6: field('ftest.addr6', 'IPv6 address', 'ipv6'),
  mac: field('ftest.mac', 'MAC', 'ether'),
  data: field('ftest.data', 'Data', 'bytes'),
  name: field('ftest.name', 'Name', 'string'),
  ratio: field('ftest.ratio', 'Ratio', 'double'),
  delta: field('ftest.delta', 'Delta', 'reltime'),
  time: field('ftest.time', 'Time', 'abstime'),
  epoch: field('ftest.epoch', 'Epoch', 'abstime', { epoch: true }),
  label: field('ftest.label', 'Label', 'none'),
  frame: field('ftest.frame', 'Frame', 'framenum'),
};

type Occ = FieldValue | { value: FieldValue; offset: number; length: number };

/** A frame: field name → its occurrences. */
function frame(vals: Partial<Record<keyof typeof F, Occ | Occ[]>>): Map<number, FieldNode[]> {
  const m = new Map<number, FieldNode[]>();
  for (const [k, v] of Object.entries(vals)) {
    const def: FieldDef = F[k as keyof typeof F];
    const list = Array.isArray(v) && !(def.type === 'bytes' || def.type === 'ether' || def.type === 'ipv6') ? v : [v];
    m.set(
      def.id,
      (list as Occ[]).map((x) =>
        x !== null && typeof x === 'object' && 'offset' in x && 'length' in x && !(x instanceof Uint8Array)
          ? { def, offset: x.offset, length: x.length, value: x.value }
          : { def, offset: 0, length: 0, value: x as FieldValue },
      ),
    );
  }
  return m;
}

const NO_BYTES = new Uint8Array(0);
const b = (...x: number[]) => Uint8Array.from(x);
const ip = (s: string) => s.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);

function t(filter: string, fv: Map<number, FieldNode[]>, bytes = NO_BYTES): boolean {
  return compileFilter(filter).test(fv, bytes);
}

describe('existence and logic', () => {
  const fr = frame({ port: [80, 45691], ttl: 64 });
  it('tests fields and protocols for presence', () => {
    expect(t('ftest.port', fr)).toBe(true);
    expect(t('ftest.name', fr)).toBe(false);
    expect(t('not ftest.name', fr)).toBe(true);
    expect(t('!ftest.name', fr)).toBe(true);
    expect(t('ftest', frame({ proto: null }))).toBe(true);
  });
  it('gives and precedence over or, not over both', () => {
    // with or binding tighter, "port or name and label" would be false here
    expect(t('ftest.port or ftest.name and ftest.label', fr)).toBe(true);
    expect(t('(ftest.port or ftest.name) and ftest.label', fr)).toBe(false);
    expect(t('not ftest.port and ftest.ttl', fr)).toBe(false);
    expect(t('not (ftest.name and ftest.port)', fr)).toBe(true);
    expect(t('ftest.port && !ftest.label || ftest.name', fr)).toBe(true);
  });
  it('accepts an empty filter', () => {
    expect(t('', fr)).toBe(true);
    expect(t('   ', fr)).toBe(true);
  });
});

describe('comparisons over several occurrences', () => {
  const fr = frame({ port: [80, 45691] });
  it('== is any, != is all (and needs the field)', () => {
    expect(t('ftest.port == 80', fr)).toBe(true);
    expect(t('ftest.port eq 80', fr)).toBe(true);
    expect(t('ftest.port != 80', fr)).toBe(false);
    expect(t('ftest.port ne 1', fr)).toBe(true);
    expect(t('ftest.port != 1', frame({}))).toBe(false);
    expect(t('not ftest.port == 1', frame({}))).toBe(true);
  });
  it('=== is all-equal, !== and ~= are any-not-equal', () => {
    expect(t('ftest.port === 80', fr)).toBe(false);
    expect(t('ftest.port === 80', frame({ port: [80, 80] }))).toBe(true);
    expect(t('ftest.port !== 80', fr)).toBe(true);
    expect(t('ftest.port ~= 80', fr)).toBe(true);
    expect(t('ftest.port any_ne 80', frame({ port: [80, 80] }))).toBe(false);
    expect(t('ftest.port all_eq 80', fr)).toBe(false);
    expect(t('ftest.port any_eq 45691', fr)).toBe(true);
    expect(t('ftest.port all_ne 1', fr)).toBe(true);
  });
  it('any / all modifiers', () => {
    expect(t('all ftest.port > 1024', fr)).toBe(false);
    expect(t('any ftest.port > 1024', fr)).toBe(true);
    expect(t('all ftest.port > 10', fr)).toBe(true);
    expect(t('any ftest.port != 80', fr)).toBe(true);
    expect(t('all ftest.port == 80', fr)).toBe(false);
  });
  it('orders and compares field to field over all pairs', () => {
    expect(t('ftest.port > 1024', fr)).toBe(true);
    expect(t('ftest.port < 1024', fr)).toBe(true);
    expect(t('ftest.port gt 50000', fr)).toBe(false);
    expect(t('ftest.port == ftest.port', fr)).toBe(true);
    expect(t('ftest.port != ftest.port', fr)).toBe(false);
    const f2 = frame({ srcport: 45691, dstport: 80 });
    expect(t('ftest.srcport > ftest.dstport', f2)).toBe(true);
    expect(t('ftest.srcport == ftest.dstport', f2)).toBe(false);
  });
  it('chains comparisons', () => {
    expect(t('ftest.ttl == ftest.ttl == 64', frame({ ttl: 64 }))).toBe(true);
    expect(t('ftest.srcport <= ftest.dstport <= 500', frame({ srcport: 80, dstport: 443 }))).toBe(true);
    expect(t('ftest.srcport <= ftest.dstport <= 400', frame({ srcport: 80, dstport: 443 }))).toBe(false);
    expect(() => t('ftest.srcport <= 80 <= ftest.dstport', frame({}))).toThrow(/Left side of "<=" expression must be a field or function, not 80/);
  });
});

describe('integer literals', () => {
  const fr = frame({ port: 80, proto8: 6, ttl: 64 });
  it('reads decimal, hex, octal, binary and character constants', () => {
    for (const lit of ['80', '0x50', '0120', '0b1010000', "'P'", "'\\x50'", "'\\120'", '+80']) expect(t(`ftest.port == ${lit}`, fr)).toBe(true);
  });
  it('accepts value names (case-insensitive, quoted or not)', () => {
    expect(t('ftest.proto == TCP', fr)).toBe(true);
    expect(t('ftest.proto == Tcp', fr)).toBe(true);
    expect(t('ftest.proto == "UDP"', fr)).toBe(false);
  });
  it('negative literals compare as 32-bit unsigned against unsigned fields', () => {
    expect(t('ftest.port == -80', fr)).toBe(false);
    expect(t('ftest.port > -80', fr)).toBe(false);
    expect(t('-ftest.port == -80', fr)).toBe(true);
    expect(t('ftest.signed == -5', frame({ signed: -5 }))).toBe(true);
    expect(t('ftest.signed < 0', frame({ signed: -5 }))).toBe(true);
  });
  it('handles 64-bit values', () => {
    const big = frame({ big: 2n ** 40n });
    expect(t('ftest.big == 1099511627776', big)).toBe(true);
    expect(t('ftest.big > 0xffffffff', big)).toBe(true);
    expect(t('ftest.big + 1 == 1099511627777', big)).toBe(true);
  });
  it('booleans: 1/0, True/False, any non-zero, value texts', () => {
    const set = frame({ flag: true, plain: false });
    for (const lit of ['1', 'True', 'TRUE', '2', 'Set', '"Set"']) expect(t(`ftest.flag == ${lit}`, set)).toBe(true);
    for (const lit of ['0', 'False', 'FALSE', '"False"']) expect(t(`ftest.plain == ${lit}`, set)).toBe(true);
    expect(t('ftest.flag', set)).toBe(true);
    expect(t('ftest.plain', set)).toBe(true); // present, even though false
    expect(t('ftest.flag > ftest.plain', set)).toBe(true);
  });
});

describe('bitwise and arithmetic', () => {
  const fr = frame({ port: 0x12, srcport: 80, dstport: 45691, ttl: 64 });
  it('& tests for non-zero and binds tighter than ==', () => {
    expect(t('ftest.port & 0x02', fr)).toBe(true);
    expect(t('ftest.port & 0x04', fr)).toBe(false);
    expect(t('ftest.port & 0x02 == 2', fr)).toBe(true);
    expect(t('ftest.port bitwise_and 0x10', fr)).toBe(true);
    expect(t('ftest.srcport == 80 & 1', fr)).toBe(false); // 80 == (80 & 1)
  });
  it('+ - * / % with {} grouping over every combination of values', () => {
    expect(t('ftest.srcport + 1 == 81', fr)).toBe(true);
    expect(t('ftest.srcport == 79 + 1', fr)).toBe(true);
    expect(t('ftest.srcport == 81 -1', fr)).toBe(true);
    expect(t('ftest.dstport >= 4 * {ftest.srcport + 3}', fr)).toBe(true);
    expect(t('ftest.srcport * 2 == 160 and ftest.srcport / 2 == 40 and ftest.srcport % 7 == 3', fr)).toBe(true);
    expect(t('ftest.srcport - 90 == -10', fr)).toBe(true);
    expect(t('ftest.srcport - 81 > 0', fr)).toBe(false);
    expect(t('ftest.srcport / 0 == 1', fr)).toBe(false);
    expect(t('ftest.srcport - 80', fr)).toBe(false);
    expect(t('{ftest.srcport - 79}', fr)).toBe(true);
    expect(t('ftest.port + ftest.port == 160', frame({ port: [80, 45691] }))).toBe(true);
    expect(t('ftest.port + ftest.port == 45771', frame({ port: [80, 45691] }))).toBe(true);
  });
  it('adds time offsets', () => {
    expect(t('ftest.delta + 1 > 2', frame({ delta: 1.5 }))).toBe(true);
    expect(t('ftest.delta - ftest.delta == 0', frame({ delta: 1.5 }))).toBe(true);
  });
  it('ands byte slices of equal length', () => {
    expect(t('ftest.data[0:2] & 40:ff == 40:00', frame({ data: b(0x45, 0x00) }))).toBe(true);
  });
});

describe('addresses', () => {
  const fr = frame({ addr: [ip('172.16.0.107'), ip('74.125.95.147')], addr6: b(0xfe, 0x80, ...new Array(13).fill(0), 1), mac: b(0, 0x21, 0x70, 0xc0, 0x56, 0xf0) });
  it('IPv4 with CIDR and ordering', () => {
    expect(t('ftest.addr == 172.16.0.107', fr)).toBe(true);
    expect(t('ftest.addr == 172.16.0.0/16', fr)).toBe(true);
    expect(t('ftest.addr == 172.17.0.0/12', fr)).toBe(true);
    expect(t('ftest.addr != 172.16.0.0/16', fr)).toBe(false);
    expect(t('ftest.addr > 100.0.0.0', fr)).toBe(true);
    expect(t('all ftest.addr > 172.16.0.0/16', fr)).toBe(false);
    expect(t('ftest.addr in {10.0.0.0/8, 74.125.0.0/16}', fr)).toBe(true);
    expect(t('ftest.addr in {172.16.0.1 .. 172.16.0.200}', fr)).toBe(true);
    expect(t('ftest.addr[0:2] == ac:10', fr)).toBe(true);
  });
  it('IPv6 with prefixes', () => {
    expect(t('ftest.addr6 == fe80::1', fr)).toBe(true);
    expect(t('ftest.addr6 == fe80::/10', fr)).toBe(true);
    expect(t('ftest.addr6 == ff02::/16', fr)).toBe(false);
    expect(t('ftest.addr6 > ::', fr)).toBe(true);
    expect(t('ftest.addr6[0:2] == fe:80', fr)).toBe(true);
    expect(t('ftest.addr6 == ::ffff:1.2.3.4', fr)).toBe(false);
  });
  it('MAC addresses in every notation', () => {
    for (const lit of ['00:21:70:c0:56:f0', '00-21-70-c0-56-f0', '00.21.70.c0.56.f0', '0021.70c0.56f0', '002170c056f0', '0.21.70.c0.56.f0'])
      expect(t(`ftest.mac == ${lit}`, fr)).toBe(true);
    expect(t('ftest.mac > 00:22:00:00:00:00', fr)).toBe(false);
    expect(t('ftest.mac contains 21:70', fr)).toBe(true);
  });
});

describe('bytes and slices', () => {
  const data = b(0x47, 0x45, 0x54, 0x20, 0x2f, 0x00, 0x21);
  const fr = frame({ data });
  it('byte string literals', () => {
    expect(t('ftest.data[0:3] == 47:45:54', fr)).toBe(true);
    expect(t('ftest.data[0:3] == 47-45-54', fr)).toBe(true);
    expect(t('ftest.data[0:3] == 474554', fr)).toBe(true);
    expect(t('ftest.data[0:3] == "GET"', fr)).toBe(true);
    expect(t('ftest.data[0] == 47', fr)).toBe(true); // hex, not decimal
    expect(t('ftest.data[0] == 0x47', fr)).toBe(true);
    expect(t("ftest.data[0] == 'G'", fr)).toBe(true);
    expect(t('ftest.data contains "GET"', fr)).toBe(true);
    expect(t('ftest.data contains 2f:00', fr)).toBe(true);
    expect(t('ftest.data contains ""', fr)).toBe(false);
  });
  it('every slice form', () => {
    expect(t('ftest.data[1:2] == 45:54', fr)).toBe(true); // start:length
    expect(t('ftest.data[1-2] == 45:54', fr)).toBe(true); // start-end inclusive
    expect(t('ftest.data[2] == 54', fr)).toBe(true);
    expect(t('ftest.data[:2] == 47:45', fr)).toBe(true);
    expect(t('ftest.data[5:] == 00:21', fr)).toBe(true);
    expect(t('ftest.data[-1] == 21', fr)).toBe(true);
    expect(t('ftest.data[-2:] == 00:21', fr)).toBe(true);
    expect(t('ftest.data[-3--1] == 2f:00:21', fr)).toBe(true);
    expect(t('ftest.data[0:2,4] == 47:45:2f', fr)).toBe(true);
    expect(t('ftest.data[0:2][1] == 45', fr)).toBe(true);
  });
  it('out-of-range slices yield no value; a later failing range keeps the earlier bytes', () => {
    expect(t('ftest.data[6:2] == 21', fr)).toBe(false);
    expect(t('ftest.data[7]', fr)).toBe(false);
    expect(t('ftest.data[6]', fr)).toBe(true);
    expect(t('ftest.data[-8:]', fr)).toBe(false);
    expect(t('ftest.data[0:2,7] == 47:45', fr)).toBe(true);
    expect(t('ftest.data[7,0:2] == 47:45', fr)).toBe(false);
  });
  it('orders byte strings by length first', () => {
    expect(t('ftest.data[0:2] > 01', fr)).toBe(true);
    expect(t('ftest.data[0:2] < 01:00:00', fr)).toBe(true);
    expect(t('ftest.data[0:2] > 47:44', fr)).toBe(true);
  });
  it('protocols: slices and len() cover the header, contains the data to the end', () => {
    const frameBytes = b(1, 2, 3, 0x45, 0, 0, 0x47, 0x45, 0x54);
    const p = frame({ proto: { value: null, offset: 3, length: 3 } });
    expect(t('ftest[0] == 45', p, frameBytes)).toBe(true);
    expect(t('ftest[-1] == 00', p, frameBytes)).toBe(true);
    expect(t('len(ftest) == 3', p, frameBytes)).toBe(true);
    expect(t('ftest contains "GET"', p, frameBytes)).toBe(true);
    expect(t('ftest contains 01:02', p, frameBytes)).toBe(false);
    const c = compileFilter('ftest contains 00');
    expect(c.needsFrameBytes).toBe(true);
    expect(compileFilter('ftest').needsFrameBytes).toBe(false);
  });
});

describe('strings', () => {
  const fr = frame({ name: ['www.google.com', 'GET'] });
  it('compares, contains, orders', () => {
    expect(t('ftest.name == "www.google.com"', fr)).toBe(true);
    expect(t('ftest.name == www.google.com', fr)).toBe(true);
    expect(t('ftest.name == "get"', fr)).toBe(false);
    expect(t('ftest.name contains "google"', fr)).toBe(true);
    expect(t('ftest.name contains google', fr)).toBe(true);
    expect(t('ftest.name contains ""', fr)).toBe(false);
    expect(t('ftest.name > "www"', fr)).toBe(true);
    expect(t('ftest.name in {"GET", "POST"}', fr)).toBe(true);
    expect(t('ftest.name in {"www.google.com" .. "www.google.con"}', fr)).toBe(true);
  });
  it('escapes and raw strings', () => {
    expect(t('ftest.name == "\\x47ET"', fr)).toBe(true);
    expect(t('ftest.name == "\\107ET"', fr)).toBe(true);
    expect(t('ftest.name == "G\\x45T"', fr)).toBe(true);
    expect(t('ftest.name == r"a\\b"', frame({ name: 'a\\b' }))).toBe(true);
    expect(t('ftest.name == "a\\"b"', frame({ name: 'a"b' }))).toBe(true);
    expect(t('ftest.name == "a\\nb"', frame({ name: 'a\nb' }))).toBe(true);
    expect(t('ftest.name == "·A·"', frame({ name: '·A·' }))).toBe(true);
  });
  it('matches: PCRE, caseless by default', () => {
    expect(t('ftest.name matches "GOOGLE"', fr)).toBe(true);
    expect(t('ftest.name matches "(?-i)GOOGLE"', fr)).toBe(false);
    expect(t('ftest.name ~ "^www\\\\.google\\\\.com$"', fr)).toBe(true);
    expect(t('ftest.name matches r"\\.com$"', fr)).toBe(true);
    expect(t('all ftest.name matches "o"', fr)).toBe(false);
    expect(t('ftest.name matches ""', fr)).toBe(true);
  });
  it('functions', () => {
    expect(t('len(ftest.name) == 3', fr)).toBe(true);
    expect(t('len(ftest.name) == 2', frame({ name: '·' }))).toBe(true); // UTF-8 bytes
    expect(t('upper(ftest.name) == "WWW.GOOGLE.COM"', fr)).toBe(true);
    expect(t('lower(ftest.name) == "get"', fr)).toBe(true);
    expect(t('lower(ftest.name) == "GET"', fr)).toBe(false);
    expect(t('ftest.name[0:3] == "www"', fr)).toBe(true);
  });
});

describe('functions', () => {
  const fr = frame({ port: [80, 45691], addr: [ip('1.2.3.4'), ip('5.6.7.8')], mac: b(0, 1, 2, 3, 4, 5), ttl: 64, srcport: 80, dstport: 45691 });
  it('len and count', () => {
    expect(t('len(ftest.mac) == 6', fr)).toBe(true);
    expect(t('len(ftest.addr) == 4', fr)).toBe(true);
    expect(t('len(ftest.port) == 2', fr)).toBe(true);
    expect(t('count(ftest.port) == 2', fr)).toBe(true);
    expect(t('count(ftest.name) == 0', fr)).toBe(false); // no value without occurrences
  });
  it('string', () => {
    expect(t('string(ftest.ttl) == "64"', fr)).toBe(true);
    expect(t('string(ftest.addr) == "5.6.7.8"', fr)).toBe(true);
    expect(t('string(ftest.mac) == "00:01:02:03:04:05"', fr)).toBe(true);
    expect(t('string(ftest.port) matches "^8"', fr)).toBe(true);
  });
  it('max, min, abs', () => {
    expect(t('max(ftest.srcport, ftest.dstport) == 45691', fr)).toBe(true);
    expect(t('min(ftest.srcport, ftest.dstport) == 80', fr)).toBe(true);
    expect(t('max(ftest.port) == 45691', fr)).toBe(true);
    expect(t('max(ftest.addr) == 5.6.7.8', fr)).toBe(true);
    expect(t('max(ftest.ttl, 100) == 100', frame({}))).toBe(true); // absent fields are skipped
    expect(t('abs(-ftest.srcport) == 80', fr)).toBe(true);
    expect(t('abs(ftest.delta) > 1', frame({ delta: -16.6 }))).toBe(true);
    expect(t('abs(ftest.delta) < 0', frame({ delta: -0.5 }))).toBe(true); // tshark 4.0 quirk
  });
});

describe('sets', () => {
  const fr = frame({ port: [80, 45691] });
  it('membership, ranges, negation, quantifiers', () => {
    expect(t('ftest.port in {80, 443}', fr)).toBe(true);
    expect(t('ftest.port in {1..100}', fr)).toBe(true);
    expect(t('ftest.port in {81..45000}', fr)).toBe(false); // a range holds one value
    expect(t('ftest.port not in {80, 443}', fr)).toBe(false);
    expect(t('ftest.port not in {80, 443}', frame({}))).toBe(true);
    expect(t('all ftest.port in {80..50000}', fr)).toBe(true);
    expect(t('all ftest.port in {80, 45691}', fr)).toBe(false); // or over elements of all-match
    expect(t('ftest.port in {ftest.port}', fr)).toBe(true);
    expect(t('ftest.port in {-1 .. 100}', fr)).toBe(false);
  });
});

describe('times', () => {
  it('relative times in seconds', () => {
    expect(t('ftest.delta > 0.5', frame({ delta: 0.6 }))).toBe(true);
    expect(t('ftest.delta == 0.001829', frame({ delta: 0.0018289999999999999 }))).toBe(true);
    expect(t('ftest.delta > -1', frame({ delta: -0.5 }))).toBe(true);
    expect(t('ftest.delta in {0 .. 0.001}', frame({ delta: 0.0005 }))).toBe(true);
  });
  it('absolute times: ISO 8601 and legacy forms, UTC or local', () => {
    const fr = frame({ time: { sec: 1279251572, nsec: 730147000 } }); // Jul 16, 2010 03:39:32.730147 UTC
    expect(t('ftest.time == "Jul 16, 2010 03:39:32.730147000 UTC"', fr)).toBe(true);
    expect(t('ftest.time == "2010-07-16T03:39:32.730147Z"', fr)).toBe(true);
    expect(t('ftest.time > "2010-07-16T04:39:32+01:00"', fr)).toBe(true);
    expect(t('ftest.time < "2010-07-16 03:39:33Z"', fr)).toBe(true);
    expect(t('ftest.time >= "2010-07-16Z"', fr)).toBe(true);
    expect(t('ftest.time >= "2010-07-17Z"', fr)).toBe(false);
  });
  it('epoch times are time offsets', () => {
    const fr = frame({ epoch: { sec: 1279251572, nsec: 730147000 } });
    expect(t('ftest.epoch == 1279251572.730147', fr)).toBe(true);
    expect(t('ftest.epoch > 1279251572', fr)).toBe(true);
  });
});

describe('references', () => {
  it('${field} has no value outside the GUI, as in tshark', () => {
    const fr = frame({ port: 80 });
    expect(t('ftest.port == ${ftest.port}', fr)).toBe(false);
    expect(t('not ftest.port == ${ftest.port}', fr)).toBe(true);
  });
});

describe('compiled filter shape', () => {
  it('lists the fields it reads', () => {
    const c = compileFilter('ftest.port == 80 and ftest.name contains "x" or len(ftest.mac) > 1');
    expect(c.fields.map((d) => d.name).sort()).toEqual(['ftest.mac', 'ftest.name', 'ftest.port']);
    expect(c.needsFrameBytes).toBe(false);
    expect(c.text).toContain('ftest.port');
  });
  it('reports errors as FilterError with a position', () => {
    try {
      compileFilter('ftest.port == 80 xor ftest');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FilterError);
      expect((e as FilterError).position).toBe(17);
      expect((e as FilterError).length).toBe(3);
    }
  });
  it('does not allocate per frame on the common path', () => {
    const c = compileFilter('ftest.port == 80 and ftest.addr == 10.0.0.0/8');
    const fr = frame({ port: [1, 2, 80], addr: ip('10.1.2.3') });
    for (let i = 0; i < 1000; i++) c.test(fr, NO_BYTES);
    expect(c.test(fr, NO_BYTES)).toBe(true);
  });
});
