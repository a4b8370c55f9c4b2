/** Display-filter tokenizer following the lexical rules of Wireshark/tshark 4.0 (verified against
 * tshark 4.0.17): bare words are "unparsed" (a field name when one is registered under that name,
 * otherwise a literal for the other side's type), MAC/IPv4/IPv6/byte-string patterns are single
 * tokens, `.name` forces a field, strings take C escapes, `r"..."` is raw, `'c'` is a character
 * constant, `[` switches to range mode and `#` to layer mode. Tokens are produced on demand, so a
 * syntax error earlier in the filter wins over a lexical error further on, as in tshark. */
import { fieldByName } from '../decoders/core/fields.js';
import { FilterError } from './errors.js';

export type TokKind =
  | 'LPAREN'
  | 'RPAREN'
  | 'COMMA'
  | 'LBRACE'
  | 'RBRACE'
  | 'DOTDOT'
  | 'DOLLAR'
  | 'LBRACKET'
  | 'RBRACKET'
  | 'RANGE_NODE'
  | 'HASH'
  | 'INDEX'
  | 'CMP'
  | 'CONTAINS'
  | 'MATCHES'
  | 'NOT'
  | 'AND'
  | 'OR'
  | 'IN'
  | 'ANY'
  | 'ALL'
  | 'PLUS'
  | 'MINUS'
  | 'STAR'
  | 'SLASH'
  | 'PERCENT'
  | 'BITAND'
  | 'STRING'
  | 'CHARCONST'
  | 'UNPARSED'
  | 'FIELD'
  | 'OTHER'
  | 'EOF';

export type CmpOp = 'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'gt' | 'ge' | 'lt' | 'le';

export interface Token {
  kind: TokKind;
  /** Source text of the token (for a string: including the quotes). */
  text: string;
  pos: number;
  len: number;
  /** CMP: the operator. */
  op?: CmpOp;
  /** STRING: the decoded value, one char per byte (latin1); FIELD: the name without the dot. */
  str?: string;
  /** CHARCONST: the byte value. */
  num?: number;
}

const KEYWORDS: Record<string, { kind: TokKind; op?: CmpOp }> = {
  eq: { kind: 'CMP', op: 'any_eq' },
  any_eq: { kind: 'CMP', op: 'any_eq' },
  ne: { kind: 'CMP', op: 'all_ne' },
  all_ne: { kind: 'CMP', op: 'all_ne' },
  all_eq: { kind: 'CMP', op: 'all_eq' },
  any_ne: { kind: 'CMP', op: 'any_ne' },
  gt: { kind: 'CMP', op: 'gt' },
  ge: { kind: 'CMP', op: 'ge' },
  lt: { kind: 'CMP', op: 'lt' },
  le: { kind: 'CMP', op: 'le' },
  contains: { kind: 'CONTAINS' },
  matches: { kind: 'MATCHES' },
  not: { kind: 'NOT' },
  and: { kind: 'AND' },
  or: { kind: 'OR' },
  in: { kind: 'IN' },
  any: { kind: 'ANY' },
  all: { kind: 'ALL' },
  bitwise_and: { kind: 'BITAND' },
};

const SYMBOLS: [string, TokKind, CmpOp?][] = [
  ['===', 'CMP', 'all_eq'],
  ['!==', 'CMP', 'any_ne'],
  ['==', 'CMP', 'any_eq'],
  ['!=', 'CMP', 'all_ne'],
  ['~=', 'CMP', 'any_ne'],
  ['>=', 'CMP', 'ge'],
  ['<=', 'CMP', 'le'],
  ['&&', 'AND'],
  ['||', 'OR'],
  ['..', 'DOTDOT'],
  ['>', 'CMP', 'gt'],
  ['<', 'CMP', 'lt'],
  ['~', 'MATCHES'],
  ['!', 'NOT'],
  ['&', 'BITAND'],
  ['+', 'PLUS'],
  ['-', 'MINUS'],
  ['*', 'STAR'],
  ['/', 'SLASH'],
  ['%', 'PERCENT'],
  ['(', 'LPAREN'],
  [')', 'RPAREN'],
  [',', 'COMMA'],
  ['{', 'LBRACE'],
  ['}', 'RBRACE'],
  ['$', 'DOLLAR'],
];

// ---- literal patterns that tshark's scanner recognises as single tokens (longest match wins) ----
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = `${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}`;
const H16 = '[0-9A-Fa-f]{1,4}';
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|');
const HEX2 = '[0-9A-Fa-f]{2}';
/** Each is matched against whole candidate prefixes, so alternation order does not matter. */
const LITERAL_PATTERNS: RegExp[] = [
  new RegExp(`^${IPV4}(?:/[0-9]{1,2})?$`),
  new RegExp(`^(?:${IPV6})(?:/[0-9]{1,3})?$`),
  new RegExp(`^:?${HEX2}(?::${HEX2})+$`),
  new RegExp(`^:[0-9A-Fa-f]+$`),
];
/** Characters any of the literal patterns can contain. */
const LITERAL_CHARS = /[0-9A-Fa-f:./]/;
const WORD = /[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*/y;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/** Encodes a JS string as UTF-8 and returns it one char per byte (the filter text is UTF-8 for
 * tshark; string values inside pcapscope are byte strings). */
export function utf8Bytes(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += String.fromCharCode(b);
  return out;
}

export class Lexer {
  private i = 0;
  private mode: 'normal' | 'range' | 'layer' = 'normal';
  private peeked: Token | null = null;

  constructor(readonly text: string) {}

  peek(): Token {
    return (this.peeked ??= this.scan());
  }

  next(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private tok(kind: TokKind, start: number, end: number, extra?: Partial<Token>): Token {
    this.i = end;
    return { kind, text: this.text.slice(start, end), pos: start, len: end - start, ...extra };
  }

  private scan(): Token {
    const s = this.text;
    if (this.mode === 'range') return this.scanRange();
    if (this.mode === 'layer') return this.scanLayer();
    while (this.i < s.length && isSpace(s[this.i]!)) this.i++;
    const start = this.i;
    if (start >= s.length) return { kind: 'EOF', text: '', pos: s.length, len: 0 };
    const c = s[start]!;
    if (c === '[') {
      this.mode = 'range';
      return this.tok('LBRACKET', start, start + 1);
    }
    if (c === '#') {
      this.mode = 'layer';
      return this.tok('HASH', start, start + 1);
    }
    if (c === '"' || ((c === 'r' || c === 'R') && s[start + 1] === '"')) return this.scanString(start);
    if (c === "'") return this.scanCharConst(start);

    // Words and literal patterns: the longest candidate wins (flex semantics).
    let best = 0;
    let bestKind: TokKind = 'UNPARSED';
    if (c === '.' && s[start + 1] !== '.') {
      WORD.lastIndex = start + 1;
      const m = WORD.exec(s);
      if (m) {
        best = 1 + m[0].length;
        bestKind = 'FIELD';
      }
    } else {
      WORD.lastIndex = start;
      const m = WORD.exec(s);
      if (m) best = m[0].length;
      if (LITERAL_CHARS.test(c)) {
        let end = start;
        while (end < s.length && LITERAL_CHARS.test(s[end]!)) end++;
        for (let e = end; e > start + best; e--) {
          const cand = s.slice(start, e);
          if (LITERAL_PATTERNS.some((re) => re.test(cand))) {
            best = e - start;
            bestKind = 'UNPARSED';
            break;
          }
        }
      }
    }
    if (best > 0) {
      const text = s.slice(start, start + best);
      if (bestKind === 'FIELD') {
        // tshark's scanner resolves a `.name` right away
        if (!fieldByName(text.slice(1))) throw new FilterError(`"${text.slice(1)}" is not a valid protocol or protocol field.`, start, best);
        return this.tok('FIELD', start, start + best, { str: text.slice(1) });
      }
      const kw = KEYWORDS[text];
      if (kw) return this.tok(kw.kind, start, start + best, kw.op ? { op: kw.op } : undefined);
      return this.tok('UNPARSED', start, start + best);
    }
    for (const [sym, kind, op] of SYMBOLS) {
      if (s.startsWith(sym, start)) return this.tok(kind, start, start + sym.length, op ? { op } : undefined);
    }
    // Anything else is a one-character token the parser will reject ("." was unexpected...).
    const cp = s.codePointAt(start)!;
    return this.tok('OTHER', start, start + (cp > 0xffff ? 2 : 1));
  }

  private scanRange(): Token {
    const s = this.text;
    const start = this.i;
    if (start >= s.length) throw new FilterError('The right bracket was missing from a slice.', s.length, 1);
    const c = s[start]!;
    if (c === ']') {
      this.mode = 'normal';
      return this.tok('RBRACKET', start, start + 1);
    }
    if (c === ',') return this.tok('COMMA', start, start + 1);
    let end = start;
    while (end < s.length && s[end] !== ']' && s[end] !== ',') end++;
    return this.tok('RANGE_NODE', start, end);
  }

  private scanLayer(): Token {
    const s = this.text;
    const start = this.i;
    if (start >= s.length) throw new FilterError('The layer number or range was missing.', s.length, 1);
    const c = s[start]!;
    if (c === '[') {
      this.mode = 'range';
      return this.tok('LBRACKET', start, start + 1);
    }
    if (c >= '0' && c <= '9') {
      let end = start;
      while (end < s.length && s[end]! >= '0' && s[end]! <= '9') end++;
      this.mode = 'normal';
      return this.tok('INDEX', start, end);
    }
    throw new FilterError(`Expected digit or "[", not "${c}"`, start, 1);
  }

  private scanString(start: number): Token {
    const s = this.text;
    const raw = s[start] !== '"';
    let i = start + (raw ? 2 : 1);
    let out = '';
    for (;;) {
      if (i >= s.length) throw new FilterError('The final quote was missing from a quoted string.', s.length, 1);
      const c = s[i]!;
      if (c === '"') {
        i++;
        break;
      }
      if (c !== '\\') {
        let j = i;
        while (j < s.length && s[j] !== '\\' && s[j] !== '"') j++;
        out += utf8Bytes(s.slice(i, j));
        i = j;
        continue;
      }
      // escape sequences
      if (i + 1 >= s.length) throw new FilterError('The final quote was missing from a quoted string.', s.length, 1);
      const e = s[i + 1]!;
      let m: RegExpMatchArray | null;
      if ((m = /^\\[0-7]{1,3}/.exec(s.slice(i, i + 4)))) {
        if (raw) out += m[0];
        else {
          const v = parseInt(m[0].slice(1), 8);
          if (v > 0xff) throw new FilterError(`${m[0]} is larger than 255.`, i, m[0].length);
          out += String.fromCharCode(v);
        }
        i += m[0].length;
      } else if ((m = /^\\x[0-9A-Fa-f]{1,2}/.exec(s.slice(i, i + 4)))) {
        out += raw ? m[0] : String.fromCharCode(parseInt(m[0].slice(2), 16));
        i += m[0].length;
      } else if (e === 'u' || e === 'U') {
        const re = e === 'u' ? /^\\u[0-9A-Fa-f]{0,4}/ : /^\\U[0-9A-Fa-f]{0,8}/;
        const mm = re.exec(s.slice(i, i + 10))![0];
        if (raw) out += mm;
        // tshark 4.0.17 rejects every universal character name
        else throw new FilterError(`${mm} is not a valid universal character name`, i, mm.length);
        i += mm.length;
      } else {
        const cp = s.codePointAt(i + 1)!;
        const ch = String.fromCodePoint(cp);
        if (raw) out += '\\' + utf8Bytes(ch);
        else {
          const v = SIMPLE_ESCAPES[ch];
          if (v === undefined) throw new FilterError(`\\${ch} is not a valid character escape sequence`, i, 1 + ch.length);
          out += v;
        }
        i += 1 + ch.length;
      }
    }
    return this.tok('STRING', start, i, { str: out });
  }

  private scanCharConst(start: number): Token {
    const s = this.text;
    let i = start + 1;
    for (;;) {
      if (i >= s.length) throw new FilterError('The final quote was missing from a character constant.', s.length, 1);
      const c = s[i]!;
      if (c === "'") {
        i++;
        break;
      }
      i += c === '\\' && i + 1 < s.length ? 2 : 1;
    }
    const text = s.slice(start, i);
    const body = utf8Bytes(text.slice(1, -1));
    const fail = (msg: string): never => {
      throw new FilterError(msg, start, i - start);
    };
    if (body.length === 0) fail('Empty character constant.');
    let v: number;
    if (body[0] !== '\\') {
      if (body.length > 1) fail(`${text} is too long to be a valid character constant.`);
      v = body.charCodeAt(0);
      if (v >= 0x80) fail(`Non-printable value '0xffffffffffffff${v.toString(16)}' in character constant.`);
    } else {
      const e = body.slice(1);
      const tooLong = `${text} is too long to be a valid character constant.`;
      const invalid = `${text} isn't a valid character constant.`;
      if (e[0] === 'x') {
        if (/^x[0-9A-Fa-f]{1,2}$/.test(e)) v = parseInt(e.slice(1), 16);
        else return fail(/^x[0-9A-Fa-f]{3,}$/.test(e) ? tooLong : invalid);
      } else if (e[0]! >= '0' && e[0]! <= '9') {
        if (!/^[0-7]{1,3}$/.test(e)) return fail(/^[0-7]{4,}$/.test(e) ? tooLong : invalid);
        v = parseInt(e, 8);
        if (v > 0xff) fail(`${text} is too large to be a valid character constant.`);
      } else if (e === 'n' || e.length > 1) return fail(tooLong);
      else if (CHAR_ESCAPES[e] !== undefined) v = CHAR_ESCAPES[e]!;
      else return fail(invalid);
    }
    return this.tok('CHARCONST', start, i, { num: v! });
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Escapes tshark 4.0.17 accepts in a character constant (`'\n'` is rejected as "too long"). */
const CHAR_ESCAPES: Record<string, number> = {
  "'": 0x27,
  '"': 0x22,
  '\\': 0x5c,
  a: 7,
  b: 8,
  f: 12,
  r: 13,
  t: 9,
  v: 11,
};
