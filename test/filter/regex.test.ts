/** PCRE2 (as tshark 4.0 compiles `matches`: caseless, no UTF) to JavaScript translation. */
import { describe, expect, it } from 'vitest';
import { FilterError } from '../../src/filter/errors.js';
import { compilePcre } from '../../src/filter/regex.js';

const m = (re: string, s: string) => compilePcre(re).test(s);

describe('PCRE translation', () => {
  it('is caseless by default, (?-i) and scoped flags switch it', () => {
    expect(m('GOOGLE', 'www.google.com')).toBe(true);
    expect(m('(?-i)GOOGLE', 'www.google.com')).toBe(false);
    expect(m('(?-i)w(?i)W', 'ww')).toBe(true);
    expect(m('w(?-i)W', 'ww')).toBe(false);
    expect(m('(?-i:W)w', 'Ww')).toBe(true);
    expect(m('(?-i:W)w', 'ww')).toBe(false);
    expect(m('(a(?-i)b|c)', 'AC')).toBe(false); // the flag change carries into later branches
    expect(m('[[:upper:]]', 'abc')).toBe(true);
    expect(m('(?-i)[[:upper:]]', 'abc')).toBe(false);
    expect(m('[^[:lower:].]', 'www.google.com')).toBe(false);
  });
  it('anchors: ^ and $ without (?m), \\A \\z \\Z', () => {
    expect(m('^GET', 'x\nGET')).toBe(false);
    expect(m('(?m)^GET', 'x\nGET')).toBe(true);
    expect(m('com$', 'a.com\n')).toBe(true); // $ also before a final newline
    expect(m('com$', 'a.com\nx')).toBe(false);
    expect(m('com\\z', 'a.com\n')).toBe(false);
    expect(m('com\\Z', 'a.com\n')).toBe(true);
    expect(m('\\Aa', 'ba')).toBe(false);
  });
  it('dot does not match a newline unless (?s)', () => {
    expect(m('GET.*Host', 'GET /\r\nHost')).toBe(false);
    expect(m('(?s)GET.*Host', 'GET /\r\nHost')).toBe(true);
    expect(m('\\N', '\n')).toBe(false);
  });
  it('byte semantics: escapes, classes over 0..255', () => {
    expect(m('\\x00\\x21', '\x00!')).toBe(true);
    expect(m('[\\x80-\\xff]', 'a\xe9')).toBe(true);
    expect(m('\\s', '\xa0')).toBe(false); // PCRE's \s is ASCII only
    expect(m('\\h', '\xa0')).toBe(true);
    expect(m('\\d+', 'x12')).toBe(true);
    expect(m('\\w', '\xe9')).toBe(false);
    expect(m('\\Q.*\\E', 'a.*b')).toBe(true);
    expect(m('\\Q.*\\E', 'ab')).toBe(false);
    expect(m('a\\.b', 'a.b')).toBe(true);
    expect(m('\\x{41}\\101\\o{101}', 'AAA')).toBe(true);
    expect(m('\\cA', '\x01')).toBe(true);
  });
  it('groups, alternation, quantifiers, backreferences, lookaround', () => {
    expect(m('(?<x>www)\\.', 'www.')).toBe(true);
    expect(m('(?P<x>w)(?P=x)', 'ww')).toBe(true);
    expect(m('(W)\\1', 'ww')).toBe(true); // caseless backreference
    expect(m('(?=www)', 'www')).toBe(true);
    expect(m('(?<=www)\\.', 'www.')).toBe(true);
    expect(m('a{2,}', 'aa')).toBe(true);
    expect(m('a{,2}w', 'aw')).toBe(false); // {,2} is literal in PCRE2 10.42
    expect(m('x{', 'x{')).toBe(true);
    expect(m('a|b', 'b')).toBe(true);
    expect(m('ab+?c', 'abbc')).toBe(true);
    expect(m('(?x) w w w # comment', 'www')).toBe(true);
    expect(m('(?#comment)a', 'a')).toBe(true);
  });
  it("reports PCRE's compile errors", () => {
    const e = (re: string) => {
      try {
        compilePcre(re);
        return 'ok';
      } catch (x) {
        return (x as FilterError).message;
      }
    };
    expect(e('(')).toBe('Regex compilation error: missing closing parenthesis.');
    expect(e(')')).toBe('Regex compilation error: unmatched closing parenthesis.');
    expect(e('*')).toBe('Regex compilation error: quantifier does not follow a repeatable item.');
    expect(e('a{2,1}')).toBe('Regex compilation error: numbers out of order in {} quantifier.');
    expect(e('\\')).toBe('Regex compilation error: \\ at end of pattern.');
    expect(e('[')).toBe('Regex compilation error: missing terminating ] for character class.');
    expect(e('[z-a]')).toBe('Regex compilation error: range out of order in character class.');
    expect(e('\\1')).toBe('Regex compilation error: reference to non-existent subpattern.');
    expect(e('\\q')).toBe('Regex compilation error: unrecognized character follows \\.');
    expect(e('(?z)')).toBe('Regex compilation error: unrecognized character after (? or (?-.');
    expect(e('(*UTF)a')).toBe('Regex compilation error: using UTF is disabled by the application.');
  });
  it('rejects constructs JavaScript cannot express, clearly', () => {
    for (const re of ['a++', '(?>ab)', '\\p{L}', '(?R)', '(?|a)', '\\K', '(a)(?1)']) {
      let err: unknown;
      try {
        compilePcre(re);
      } catch (x) {
        err = x;
      }
      expect(err, re).toBeInstanceOf(FilterError);
      expect((err as FilterError).unsupported, re).toBe(true);
      expect((err as FilterError).message, re).toMatch(/not supported by pcapscope/);
    }
  });
});
