/** Recursive-descent parser for the tshark 4.0 display-filter grammar:
 *
 *   expr      := expr 'or' expr | expr 'and' expr | 'not' expr | '(' expr ')' | relation
 *   relation  := ['any'|'all'] rel_test | arith            (a bare arith is an existence/non-zero test)
 *   rel_test  := arith cmp arith [cmp arith ...]          (a chain: a == b == c is a == b and b == c)
 *              | entity ('contains'|'matches') entity
 *              | entity ['not'] 'in' '{' elem (',' elem)* '}'   elem := [+-]entity ['..' [+-]entity]
 *   arith     := arith '&' arith | arith ('+'|'-') arith | arith ('*'|'/'|'%') arith
 *              | ('+'|'-') entity | '{' arith '}' | entity          (precedence: * / % > + - > &)
 *   entity    := string | charconst | word | '.'word | '${' field '}' | word '(' args ')'
 *              | entity '[' range (',' range)* ']' | field '#' layer
 *
 * `and` binds tighter than `or`, `not` tighter than both (tshark 4.0). Errors use tshark's texts. */
import { FilterError } from './errors.js';
import { Lexer, type CmpOp, type Token } from './lexer.js';

export interface Loc {
  pos: number;
  len: number;
}

export type Mode = 'any' | 'all' | null;

export type Expr =
  | ({ k: 'and' | 'or'; a: Expr; b: Expr } & Loc)
  | ({ k: 'not'; a: Expr } & Loc)
  | ({ k: 'cmp'; op: CmpOp; opText: string; mode: Mode; a: Ent; b: Ent } & Loc)
  | ({ k: 'contains' | 'matches'; opText: string; mode: Mode; a: Ent; b: Ent } & Loc)
  | ({ k: 'in'; mode: Mode; a: Ent; set: SetElem[]; negated: boolean } & Loc)
  | ({ k: 'test'; e: Ent } & Loc)
  | ({ k: 'true' } & Loc);

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&';

export type Ent =
  | ({ k: 'field'; name: string; text: string; forced: boolean; layer?: Loc } & Loc)
  | ({ k: 'unparsed'; text: string; layer?: Loc } & Loc)
  | ({ k: 'string'; value: string; text: string } & Loc)
  | ({ k: 'charconst'; value: number; text: string } & Loc)
  | ({ k: 'slice'; e: Ent; ranges: Range[]; text: string } & Loc)
  | ({ k: 'func'; name: string; args: Ent[]; text: string } & Loc)
  | ({ k: 'ref'; e: Ent; text: string } & Loc)
  | ({ k: 'arith'; op: ArithOp; opText: string; a: Ent; b: Ent; text: string } & Loc)
  | ({ k: 'neg'; e: Ent; text: string } & Loc);

/** A slice range: `start` with a length, an inclusive end offset, or to the end of the field. */
export interface Range extends Loc {
  start: number;
  kind: 'len' | 'end' | 'toend';
  n: number;
}

export interface SetElem {
  lo: Ent;
  hi?: Ent;
}

export const FUNCTIONS = new Set(['len', 'count', 'upper', 'lower', 'string', 'max', 'min', 'abs']);

export function unexpected(t: Token): FilterError {
  if (t.kind === 'EOF') return new FilterError('Unexpected end of filter expression.');
  return new FilterError(`"${t.text}" was unexpected in this context.`, t.pos, t.len);
}

const INT32_MAX = 2147483647;

/** Parses one slice range node the way tshark 4.0 does (`i`, `i:j`, `i-j`, `:j`, `i:`). */
export function parseRange(tok: Token): Range {
  const raw = tok.text;
  const txt = raw.replace(/\s+/g, '');
  const loc = { pos: tok.pos, len: tok.len };
  const num = (s: string): number => {
    if (!/^[+-]?[0-9]+$/.test(s)) throw new FilterError(`"${s}" is not a valid number.`, tok.pos, tok.len);
    const v = Number(s);
    if (v > INT32_MAX || v < -INT32_MAX - 1) throw new FilterError(`"${s}" causes an integer overflow.`, tok.pos, tok.len);
    return v;
  };
  let m: RegExpExecArray | null;
  if (txt === ':') return { ...loc, start: 0, kind: 'toend', n: 0 };
  if ((m = /^([+-]?[0-9]+)?:([+-]?[0-9]+)?$/.exec(txt))) {
    const start = m[1] !== undefined ? num(m[1]) : 0;
    if (m[2] === undefined) return { ...loc, start, kind: 'toend', n: 0 };
    const n = num(m[2]);
    if (n <= 0) throw new FilterError(`Range ${txt} isn't valid because length ${n} isn't positive`, tok.pos, tok.len);
    return { ...loc, start, kind: 'len', n };
  }
  if ((m = /^([+-]?[0-9]+)-([+-]?[0-9]+)$/.exec(txt))) {
    const a = num(m[1]!);
    const b = num(m[2]!);
    if ((a < 0) !== (b < 0)) throw new FilterError(`Range ${txt} isn't valid because ${a} and ${b} have different signs`, tok.pos, tok.len);
    if (a >= b) throw new FilterError(`Range ${txt} isn't valid because ${a} is greater or equal than ${b}`, tok.pos, tok.len);
    return { ...loc, start: a, kind: 'end', n: b };
  }
  if (/^[+-]?[0-9]+$/.test(txt)) return { ...loc, start: num(txt), kind: 'len', n: 1 };
  if (/^[+-]?[0-9]/.test(txt) || txt.startsWith(':')) throw new FilterError(`"${txt}" is not a valid range.`, tok.pos, tok.len);
  const first = /^[^:-]*/.exec(txt)![0] || txt;
  throw new FilterError(`"${first}" is not a valid number.`, tok.pos, tok.len);
}

export class Parser {
  private readonly lx: Lexer;

  constructor(readonly text: string) {
    this.lx = new Lexer(text);
  }

  parse(): Expr {
    if (this.lx.peek().kind === 'EOF') return { k: 'true', pos: 0, len: 0 };
    const e = this.parseOr();
    const t = this.lx.peek();
    if (t.kind !== 'EOF') throw unexpected(t);
    return e;
  }

  private expect(kind: Token['kind']): Token {
    const t = this.lx.next();
    if (t.kind !== kind) throw unexpected(t);
    return t;
  }

  private parseOr(): Expr {
    let a = this.parseAnd();
    while (this.lx.peek().kind === 'OR') {
      const t = this.lx.next();
      const b = this.parseAnd();
      a = { k: 'or', a, b, pos: t.pos, len: t.len };
    }
    return a;
  }

  private parseAnd(): Expr {
    let a = this.parseNot();
    while (this.lx.peek().kind === 'AND') {
      const t = this.lx.next();
      const b = this.parseNot();
      a = { k: 'and', a, b, pos: t.pos, len: t.len };
    }
    return a;
  }

  private parseNot(): Expr {
    const t = this.lx.peek();
    if (t.kind === 'NOT') {
      this.lx.next();
      return { k: 'not', a: this.parseNot(), pos: t.pos, len: t.len };
    }
    if (t.kind === 'LPAREN') {
      this.lx.next();
      const e = this.parseOr();
      this.expect('RPAREN');
      return e;
    }
    if (t.kind === 'ANY' || t.kind === 'ALL') {
      this.lx.next();
      return this.parseRelation(t.kind === 'ANY' ? 'any' : 'all');
    }
    return this.parseRelation(null);
  }

  private parseRelation(mode: Mode): Expr {
    const a = this.parseArith();
    const t = this.lx.peek();
    if (t.kind === 'CMP') {
      // a op b [op c ...]: each link compares its two neighbours, all joined with 'and'
      const links: { t: Token; l: Ent; r: Ent }[] = [];
      let left = a;
      while (this.lx.peek().kind === 'CMP') {
        const op = this.lx.next();
        const right = this.parseArith();
        links.push({ t: op, l: left, r: right });
        left = right;
      }
      let out: Expr | null = null;
      for (const { t: op, l, r } of links) {
        const c: Expr = { k: 'cmp', op: op.op!, opText: op.text, mode, a: l, b: r, pos: op.pos, len: op.len };
        out = out ? { k: 'and', a: out, b: c, pos: op.pos, len: op.len } : c;
      }
      return out!;
    }
    const isEntity = a.k !== 'arith' && a.k !== 'neg' && !(a as { grouped?: boolean }).grouped;
    if ((t.kind === 'CONTAINS' || t.kind === 'MATCHES') && isEntity) {
      this.lx.next();
      const b = this.parseEntity();
      return { k: t.kind === 'CONTAINS' ? 'contains' : 'matches', opText: t.text, mode, a, b, pos: t.pos, len: t.len };
    }
    if (t.kind === 'IN' && isEntity) {
      this.lx.next();
      return { k: 'in', mode, a, set: this.parseSet(), negated: false, pos: t.pos, len: t.len };
    }
    if (t.kind === 'NOT' && isEntity) {
      this.lx.next();
      const i = this.lx.next();
      if (i.kind !== 'IN') throw unexpected(i);
      return { k: 'in', mode, a, set: this.parseSet(), negated: true, pos: t.pos, len: t.len };
    }
    if (mode) throw unexpected(t);
    return { k: 'test', e: a, pos: a.pos, len: a.len };
  }

  private parseSet(): SetElem[] {
    this.expect('LBRACE');
    const out: SetElem[] = [];
    for (;;) {
      const lo = this.parseSetEntity();
      let hi: Ent | undefined;
      if (this.lx.peek().kind === 'DOTDOT') {
        this.lx.next();
        hi = this.parseSetEntity();
      }
      out.push(hi ? { lo, hi } : { lo });
      const t = this.lx.next();
      if (t.kind === 'RBRACE') return out;
      if (t.kind !== 'COMMA') throw unexpected(t);
    }
  }

  private parseSetEntity(): Ent {
    const t = this.lx.peek();
    if (t.kind === 'MINUS') {
      this.lx.next();
      const e = this.parseEntity();
      return { k: 'neg', e, text: '-' + e.text, pos: t.pos, len: e.pos + e.len - t.pos };
    }
    if (t.kind === 'PLUS') this.lx.next();
    return this.parseEntity();
  }

  // ---- arithmetic: precedence climbing over & (lowest), + -, * / % (highest) ----
  private static readonly PREC: Partial<Record<Token['kind'], number>> = {
    BITAND: 1,
    PLUS: 2,
    MINUS: 2,
    STAR: 3,
    SLASH: 3,
    PERCENT: 3,
  };

  private parseArith(minPrec = 1): Ent {
    let a = this.parseUnary();
    for (;;) {
      const t = this.lx.peek();
      const p = Parser.PREC[t.kind];
      if (p === undefined || p < minPrec) return a;
      this.lx.next();
      const b = this.parseArith(p + 1);
      const op: ArithOp =
        t.kind === 'BITAND' ? '&' : t.kind === 'PLUS' ? '+' : t.kind === 'MINUS' ? '-' : t.kind === 'STAR' ? '*' : t.kind === 'SLASH' ? '/' : '%';
      a = { k: 'arith', op, opText: t.text, a, b, text: `${a.text} ${t.text} ${b.text}`, pos: t.pos, len: t.len };
    }
  }

  private parseUnary(): Ent {
    const t = this.lx.peek();
    if (t.kind === 'PLUS') {
      this.lx.next();
      return this.parseEntity();
    }
    if (t.kind === 'MINUS') {
      this.lx.next();
      const e = this.parseEntity();
      return { k: 'neg', e, text: '-' + e.text, pos: t.pos, len: e.pos >= 0 ? e.pos + e.len - t.pos : t.len };
    }
    if (t.kind === 'LBRACE') {
      this.lx.next();
      const e = this.parseArith();
      this.expect('RBRACE');
      return Object.assign(e, { grouped: true });
    }
    return this.parseEntity();
  }

  private parseEntity(): Ent {
    const t = this.lx.next();
    let e: Ent;
    switch (t.kind) {
      case 'STRING':
        e = { k: 'string', value: t.str!, text: t.text, pos: t.pos, len: t.len };
        break;
      case 'CHARCONST':
        e = { k: 'charconst', value: t.num!, text: t.text, pos: t.pos, len: t.len };
        break;
      case 'FIELD':
        e = { k: 'field', name: t.str!, text: t.text, forced: true, pos: t.pos, len: t.len };
        this.parseLayer(e);
        break;
      case 'UNPARSED':
        if (this.lx.peek().kind === 'LPAREN') {
          e = this.parseCall(t);
          break;
        }
        e = { k: 'unparsed', text: t.text, pos: t.pos, len: t.len };
        this.parseLayer(e);
        break;
      case 'DOLLAR': {
        this.expect('LBRACE');
        const f = this.lx.next();
        if (f.kind !== 'UNPARSED' && f.kind !== 'FIELD') throw unexpected(f);
        const inner: Ent =
          f.kind === 'FIELD'
            ? { k: 'field', name: f.str!, text: f.text, forced: true, pos: f.pos, len: f.len }
            : { k: 'unparsed', text: f.text, pos: f.pos, len: f.len };
        this.parseLayer(inner);
        this.expect('RBRACE');
        e = { k: 'ref', e: inner, text: `\${${f.text}}`, pos: f.pos, len: f.len };
        break;
      }
      default:
        throw unexpected(t);
    }
    while (this.lx.peek().kind === 'LBRACKET') {
      this.lx.next();
      const ranges = this.parseRanges();
      // tshark 4.0 gives slices no location of their own
      e = { k: 'slice', e, ranges, text: e.text + '[...]', pos: -1, len: 0 };
    }
    return e;
  }

  private parseRanges(): Range[] {
    const out: Range[] = [];
    for (;;) {
      const t = this.lx.next();
      if (t.kind !== 'RANGE_NODE') throw unexpected(t);
      out.push(parseRange(t));
      const s = this.lx.next();
      if (s.kind === 'RBRACKET') return out;
      if (s.kind !== 'COMMA') throw unexpected(s);
    }
  }

  private parseLayer(e: Ent & { layer?: Loc }): void {
    if (this.lx.peek().kind !== 'HASH') return;
    const h = this.lx.next();
    const t = this.lx.next();
    if (t.kind === 'INDEX') {
      e.layer = { pos: h.pos, len: t.pos + t.len - h.pos };
      return;
    }
    if (t.kind !== 'LBRACKET') throw unexpected(t);
    const ranges = this.parseRanges();
    const last = ranges[ranges.length - 1]!;
    e.layer = { pos: h.pos, len: last.pos + last.len + 1 - h.pos };
  }

  private parseCall(name: Token): Ent {
    this.expect('LPAREN');
    const args: Ent[] = [];
    if (this.lx.peek().kind === 'RPAREN') this.lx.next();
    else {
      for (;;) {
        args.push(this.parseArith());
        const t = this.lx.next();
        if (t.kind === 'RPAREN') break;
        if (t.kind !== 'COMMA') throw unexpected(t);
      }
    }
    if (!FUNCTIONS.has(name.text)) throw new FilterError(`Function '${name.text}' does not exist`, name.pos, name.len);
    return { k: 'func', name: name.text, args, text: name.text, pos: name.pos, len: name.len };
  }
}

export function parse(text: string): Expr {
  return new Parser(text).parse();
}
