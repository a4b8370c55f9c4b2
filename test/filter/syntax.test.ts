/** Lexer and parser tests: tshark 4.0.17's tokenisation (checked by running tshark on the same
 * texts) and the grammar's precedence. */
import { describe, expect, it } from 'vitest';
import { field } from '../../src/decoders/core/fields.js';
import { FilterError } from '../../src/filter/errors.js';
import { Lexer } from '../../src/filter/lexer.js';
import { parse, parseRange, type Ent, type Expr } from '../../src/filter/parser.js';

field('stest.port', 'Port', 'uint', { bits: 16 });

function tokens(s: string): string[] {
  const lx = new Lexer(s);
  const out: string[] = [];
  for (;;) {
    const t = lx.next();
    if (t.kind === 'EOF') return out;
    out.push(`${t.kind}:${t.text}`);
  }
}

describe('lexer', () => {
  it('splits operators without spaces', () => {
    expect(tokens('tcp.port==80&&udp')).toEqual(['UNPARSED:tcp.port', 'CMP:==', 'UNPARSED:80', 'AND:&&', 'UNPARSED:udp']);
    expect(tokens('a!=b||!c')).toEqual(['UNPARSED:a', 'CMP:!=', 'UNPARSED:b', 'OR:||', 'NOT:!', 'UNPARSED:c']);
    expect(tokens('a===b!==c~=d')).toEqual(['UNPARSED:a', 'CMP:===', 'UNPARSED:b', 'CMP:!==', 'UNPARSED:c', 'CMP:~=', 'UNPARSED:d']);
    expect(tokens('a&0x02')).toEqual(['UNPARSED:a', 'BITAND:&', 'UNPARSED:0x02']);
    expect(tokens('x~"y"')).toEqual(['UNPARSED:x', 'MATCHES:~', 'STRING:"y"']);
  });
  it('keeps addresses and byte strings whole', () => {
    expect(tokens('00:21:70:c0:56:f0')).toEqual(['UNPARSED:00:21:70:c0:56:f0']);
    expect(tokens('1.2.3.4/24')).toEqual(['UNPARSED:1.2.3.4/24']);
    expect(tokens('fe80::/10')).toEqual(['UNPARSED:fe80::/10']);
    expect(tokens('::')).toEqual(['UNPARSED:::']);
    expect(tokens('::ffff:1.2.3.4')).toEqual(['UNPARSED:::ffff:1.2.3.4']);
    expect(tokens('00-21-70')).toEqual(['UNPARSED:00-21-70']);
    expect(tokens('0021.70c0.56f0')).toEqual(['UNPARSED:0021.70c0.56f0']);
    expect(tokens(':00:21')).toEqual(['UNPARSED::00:21']);
  });
  it('splits where tshark splits', () => {
    expect(tokens('0:21:70')).toEqual(['UNPARSED:0', 'UNPARSED::21:70']);
    expect(tokens('a:b')).toEqual(['UNPARSED:a', 'UNPARSED::b']);
    expect(tokens('00:21:')).toEqual(['UNPARSED:00:21', 'OTHER::']);
    expect(tokens('2001:db8::zz')).toEqual(['UNPARSED:2001:db8::', 'UNPARSED:zz']);
    expect(tokens('80.')).toEqual(['UNPARSED:80', 'OTHER:.']);
    expect(tokens('1..100')).toEqual(['UNPARSED:1', 'DOTDOT:..', 'UNPARSED:100']);
    expect(tokens('a-b -c')).toEqual(['UNPARSED:a-b', 'MINUS:-', 'UNPARSED:c']);
    expect(tokens('a/b')).toEqual(['UNPARSED:a', 'SLASH:/', 'UNPARSED:b']);
    expect(tokens('80and')).toEqual(['UNPARSED:80and']);
  });
  it('recognises keywords only as whole lower-case words', () => {
    expect(tokens('a and b or not c in d')).toEqual(['UNPARSED:a', 'AND:and', 'UNPARSED:b', 'OR:or', 'NOT:not', 'UNPARSED:c', 'IN:in', 'UNPARSED:d']);
    expect(tokens('AND android')).toEqual(['UNPARSED:AND', 'UNPARSED:android']);
    expect(tokens('eq ne gt ge lt le any_eq all_ne all_eq any_ne contains matches bitwise_and any all').map((t) => t.split(':')[0])).toEqual([
      'CMP', 'CMP', 'CMP', 'CMP', 'CMP', 'CMP', 'CMP', 'CMP', 'CMP', 'CMP', 'CONTAINS', 'MATCHES', 'BITAND', 'ANY', 'ALL',
    ]);
  });
  it('decodes strings and character constants', () => {
    const s = (txt: string) => new Lexer(txt).next().str;
    expect(s('"a\\x41\\101\\n\\"\\\\"')).toBe('aAA\n"\\');
    expect(s('r"a\\x41\\"b"')).toBe('a\\x41\\"b');
    expect(s('"é"')).toBe('\xc3\xa9'); // UTF-8 bytes
    const c = (txt: string) => new Lexer(txt).next().num;
    expect(c("'P'")).toBe(80);
    expect(c("'\\x50'")).toBe(80);
    expect(c("'\\120'")).toBe(80);
    expect(c("'\\t'")).toBe(9);
  });
  it('reads slices and layers in their own modes', () => {
    expect(tokens('eth.src[ 0:2 , -1]')).toEqual(['UNPARSED:eth.src', 'LBRACKET:[', 'RANGE_NODE: 0:2 ', 'COMMA:,', 'RANGE_NODE: -1', 'RBRACKET:]']);
    expect(tokens('ip.addr#2')).toEqual(['UNPARSED:ip.addr', 'HASH:#', 'INDEX:2']);
  });
  it('resolves .field tokens immediately', () => {
    expect(tokens('.stest.port')).toEqual(['FIELD:.stest.port']);
    expect(() => tokens('.nosuch')).toThrow('"nosuch" is not a valid protocol or protocol field.');
  });
  it('lexical errors', () => {
    expect(() => tokens('"abc')).toThrow('The final quote was missing from a quoted string.');
    expect(() => tokens('"\\q"')).toThrow('\\q is not a valid character escape sequence');
    expect(() => tokens('"\\400"')).toThrow('\\400 is larger than 255.');
    expect(() => tokens("'PP'")).toThrow("'PP' is too long to be a valid character constant.");
    expect(() => tokens("''")).toThrow('Empty character constant.');
    expect(() => tokens('x[0')).toThrow('The right bracket was missing from a slice.');
    expect(() => tokens('x#a')).toThrow('Expected digit or "[", not "a"');
  });
});

/** A compact rendering of the AST. */
function show(e: Expr | Ent): string {
  switch (e.k) {
    case 'and':
    case 'or':
      return `(${show(e.a)} ${e.k} ${show(e.b)})`;
    case 'not':
      return `(not ${show(e.a)})`;
    case 'cmp':
      return `${e.mode ? e.mode + ' ' : ''}[${show(e.a)} ${e.op} ${show(e.b)}]`;
    case 'contains':
    case 'matches':
      return `[${show(e.a)} ${e.k} ${show(e.b)}]`;
    case 'in':
      return `${e.negated ? 'not ' : ''}[${show(e.a)} in {${e.set.map((x) => show(x.lo) + (x.hi ? '..' + show(x.hi) : '')).join(',')}}]`;
    case 'test':
      return show(e.e);
    case 'true':
      return 'true';
    case 'arith':
      return `{${show(e.a)} ${e.op} ${show(e.b)}}`;
    case 'neg':
      return `-${show(e.e)}`;
    case 'func':
      return `${e.name}(${e.args.map(show).join(',')})`;
    case 'slice':
      return `${show(e.e)}[${e.ranges.map((r) => `${r.start}${r.kind === 'len' ? ':' + r.n : r.kind === 'end' ? '-' + r.n : ':'}`).join(',')}]`;
    default:
      return e.text;
  }
}

describe('parser', () => {
  const p = (s: string) => show(parse(s));
  it('and binds tighter than or; not tighter than both', () => {
    expect(p('a or b and c')).toBe('(a or (b and c))');
    expect(p('a and b or c')).toBe('((a and b) or c)');
    expect(p('not a and b')).toBe('((not a) and b)');
    expect(p('!a || b && !c')).toBe('((not a) or (b and (not c)))');
    expect(p('A and B or not C or D and not E or F')).toBe('((((A and B) or (not C)) or (D and (not E))) or F)');
    expect(p('!x == 1')).toBe('(not [x any_eq 1])');
  });
  it('arithmetic precedence: * / % over + - over &, {} groups', () => {
    expect(p('x == 1 + 2 * 3')).toBe('[x any_eq {1 + {2 * 3}}]');
    expect(p('x & 2 == 2')).toBe('[{x & 2} any_eq 2]');
    expect(p('x == 80 & 1')).toBe('[x any_eq {80 & 1}]');
    expect(p('x >= 4 * {y + 3}')).toBe('[x ge {4 * {y + 3}}]');
    expect(p('x - 1 - 2 == 0')).toBe('[{{x - 1} - 2} any_eq 0]');
    expect(p('-x == -1')).toBe('[-x any_eq -1]');
  });
  it('comparison chains and modifiers', () => {
    expect(p('a == b == c')).toBe('([a any_eq b] and [b any_eq c])');
    expect(p('all a > 1')).toBe('all [a gt 1]');
    expect(p('any a != 1')).toBe('any [a all_ne 1]');
  });
  it('sets, slices, functions', () => {
    expect(p('a in {1, 2..3, -4}')).toBe('[a in {1,2..3,-4}]');
    expect(p('a not in {1}')).toBe('not [a in {1}]');
    expect(p('a[1:2,3-4,5,:6,-7:][0] == 1')).toBe('[a[1:2,3-4,5:1,0:6,-7:][0:1] any_eq 1]');
    expect(p('len(a) == max(b, c)')).toBe('[len(a) any_eq max(b,c)]');
  });
  it('syntax errors at the token tshark blames', () => {
    const e = (s: string) => {
      try {
        parse(s);
        return 'accepted';
      } catch (x) {
        return `${(x as FilterError).message}@${(x as FilterError).position}`;
      }
    };
    expect(e('a == 1 xor b')).toBe('"xor" was unexpected in this context.@7');
    expect(e('a ==')).toBe('Unexpected end of filter expression.@-1');
    expect(e('a in {1 2}')).toBe('"2" was unexpected in this context.@8');
    expect(e('a & (1 | 2)')).toBe('"(" was unexpected in this context.@4');
    expect(e('any (a == 1)')).toBe('"(" was unexpected in this context.@4');
    expect(e('a contains b + 1')).toBe('"+" was unexpected in this context.@13');
    expect(e('a not b')).toBe('"b" was unexpected in this context.@6');
    expect(e('foo(a) == 1')).toBe("Function 'foo' does not exist@0");
  });
  it('slice ranges', () => {
    const r = (s: string) => parseRange({ kind: 'RANGE_NODE', text: s, pos: 0, len: s.length });
    expect(r('2-4')).toMatchObject({ start: 2, kind: 'end', n: 4 });
    expect(r(' 1 - 2 ')).toMatchObject({ start: 1, kind: 'end', n: 2 });
    expect(r('-2:')).toMatchObject({ start: -2, kind: 'toend' });
    expect(r(':')).toMatchObject({ start: 0, kind: 'toend' });
    expect(() => r('1-1')).toThrow("Range 1-1 isn't valid because 1 is greater or equal than 1");
    expect(() => r('-2-1')).toThrow("Range -2-1 isn't valid because -2 and 1 have different signs");
    expect(() => r('0:0')).toThrow("Range 0:0 isn't valid because length 0 isn't positive");
    expect(() => r('1:2:3')).toThrow('"1:2:3" is not a valid range.');
    expect(() => r('a')).toThrow('"a" is not a valid number.');
    expect(() => r('99999999999')).toThrow('"99999999999" causes an integer overflow.');
  });
});
