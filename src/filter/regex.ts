/** Translates a PCRE2 pattern, as tshark 4.0 compiles it for `matches` (caseless by default, no
 * UTF mode: pattern and subject are byte strings), into an equivalent JavaScript RegExp that runs
 * on latin1 strings (one char per byte). Flags are emulated rather than mapped onto JS flags, so
 * scoped flag changes (`(?-i)`, `(?s:...)`) behave as in PCRE: caseless letters become `[aA]`,
 * `.`/`^`/`$` become explicit classes and lookarounds, character classes are built as sets of the
 * 256 byte values. Constructs with no JS equivalent are rejected with a clear error instead of
 * being approximated. */
import { FilterError } from './errors.js';

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
}

const PCRE_ERR = (msg: string) => new FilterError(`Regex compilation error: ${msg}.`);
const UNSUPPORTED = (what: string) =>
  new FilterError(`Regex construct not supported by pcapscope: ${what}.`, -1, 0, true);

function hx(c: number): string {
  return '\\x' + c.toString(16).padStart(2, '0');
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Byte sets for the class escapes in PCRE2's default "C" locale tables. */
function setOf(pred: (c: number) => boolean): boolean[] {
  const s: boolean[] = [];
  for (let c = 0; c < 256; c++) s.push(pred(c));
  return s;
}
const SPACE = setOf((c) => c === 9 || c === 10 || c === 11 || c === 12 || c === 13 || c === 32);
const DIGIT = setOf((c) => c >= 48 && c <= 57);
const WORD = setOf(isWordChar);
const HSPACE = setOf((c) => c === 9 || c === 32 || c === 0xa0);
const VSPACE = setOf((c) => c >= 10 && c <= 13 || c === 0x85);
const UPPER = setOf((c) => c >= 65 && c <= 90);
const LOWER = setOf((c) => c >= 97 && c <= 122);
const POSIX: Record<string, boolean[]> = {
  alpha: setOf((c) => UPPER[c]! || LOWER[c]!),
  digit: DIGIT,
  alnum: setOf((c) => UPPER[c]! || LOWER[c]! || DIGIT[c]!),
  upper: UPPER,
  lower: LOWER,
  space: SPACE,
  blank: setOf((c) => c === 9 || c === 32),
  cntrl: setOf((c) => c < 32 || c === 127),
  graph: setOf((c) => c > 32 && c < 127),
  print: setOf((c) => c >= 32 && c < 127),
  punct: setOf((c) => c > 32 && c < 127 && !isWordChar(c) || c === 95),
  xdigit: setOf((c) => DIGIT[c]! || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)),
  word: WORD,
  ascii: setOf((c) => c < 128),
};

function emitSet(set: boolean[]): string {
  let out = '';
  let n = 0;
  for (let c = 0; c < 256; ) {
    if (!set[c]) {
      c++;
      continue;
    }
    let e = c;
    while (e + 1 < 256 && set[e + 1]) e++;
    out += e === c ? hx(c) : e === c + 1 ? hx(c) + hx(e) : `${hx(c)}-${hx(e)}`;
    n += e - c + 1;
    c = e + 1;
  }
  if (n === 256) return '[\\s\\S]';
  if (n === 0) return '[^\\s\\S]';
  return `[${out}]`;
}

function fold(set: boolean[]): void {
  for (let c = 65; c <= 90; c++) {
    if (set[c] || set[c + 32]) set[c] = set[c + 32] = true;
  }
}

class Translator {
  private i = 0;
  private groups = 0;
  private readonly names = new Set<string>();
  private totalGroups = 0;
  private caselessBackref = false;
  private mixedCase = false;

  constructor(private readonly p: string) {}

  run(): RegExp {
    this.totalGroups = this.countGroups();
    const flags: Flags = { i: true, m: false, s: false, x: false };
    const body = this.alternation(flags, 0);
    if (this.i < this.p.length) throw PCRE_ERR('unmatched closing parenthesis');
    let jsFlags = '';
    if (this.caselessBackref) {
      // JS backreferences only ignore case under the global i flag.
      if (this.mixedCase) throw UNSUPPORTED('a caseless backreference in a pattern that also turns caseless matching off');
      jsFlags = 'i';
    }
    try {
      return new RegExp(body, jsFlags);
    } catch (e) {
      throw UNSUPPORTED(`pattern rejected by the JavaScript engine (${(e as Error).message})`);
    }
  }

  /** Number of capturing groups (for deciding whether `\12` is a backreference). */
  private countGroups(): number {
    let n = 0;
    const p = this.p;
    let inClass = false;
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      if (c === '\\') {
        if (p[i + 1] === 'Q') {
          const e = p.indexOf('\\E', i + 2);
          i = e < 0 ? p.length : e + 1;
        } else i++;
        continue;
      }
      if (inClass) {
        if (c === ']') inClass = false;
        continue;
      }
      if (c === '[') {
        inClass = true;
        if (p[i + 1] === '^') i++;
        if (p[i + 1] === ']') i++;
        continue;
      }
      if (c === '(' && (p[i + 1] !== '?' || /^\?(?:P?<[A-Za-z_]|')/.test(p.slice(i + 1, i + 4))) && p[i + 1] !== '*') n++;
    }
    return n;
  }

  private peek(o = 0): string | undefined {
    return this.p[this.i + o];
  }

  private skipExtended(flags: Flags): void {
    if (!flags.x) return;
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.i++;
      else if (c === '#') {
        while (this.i < this.p.length && this.p[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  private alternation(flags: Flags, depth: number): string {
    const branches: string[] = [];
    const f = { ...flags };
    let cur = '';
    for (;;) {
      this.skipExtended(f);
      const c = this.peek();
      if (c === undefined || c === ')') {
        if (c === ')' && depth === 0) throw PCRE_ERR('unmatched closing parenthesis');
        branches.push(cur);
        return branches.join('|');
      }
      if (c === '|') {
        this.i++;
        branches.push(cur);
        cur = '';
        continue;
      }
      // inline option setting that applies to the rest of the group: (?i) (?-i) (?s-m) ...
      if (c === '(' && this.peek(1) === '?') {
        const m = /^\(\?([imsx]*)(?:-([imsx]*))?\)/.exec(this.p.slice(this.i));
        if (m && (m[1] || m[2] !== undefined)) {
          this.applyFlags(f, m[1]!, m[2] ?? '');
          this.i += m[0].length;
          continue;
        }
        const m2 = /^\(\?\^([imsx]*)\)/.exec(this.p.slice(this.i));
        if (m2) {
          f.i = f.m = f.s = f.x = false;
          this.mixedCase = true;
          this.applyFlags(f, m2[1]!, '');
          this.i += m2[0].length;
          continue;
        }
      }
      const atom = this.atom(f, depth);
      if (atom === null) continue;
      cur += this.quantifier(atom, f);
    }
  }

  private applyFlags(f: Flags, on: string, off: string): void {
    for (const ch of on) f[ch as keyof Flags] = true;
    for (const ch of off) {
      f[ch as keyof Flags] = false;
      if (ch === 'i') this.mixedCase = true;
    }
  }

  private quantifier(atom: { re: string; quantifiable: boolean }, f: Flags): string {
    this.skipExtended(f);
    const c = this.peek();
    let q = '';
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i));
      if (!m) return atom.re;
      if (m[3] && Number(m[3]) < Number(m[1])) throw PCRE_ERR('numbers out of order in {} quantifier');
      if (Number(m[1]) > 65535 || (m[3] && Number(m[3]) > 65535)) throw PCRE_ERR('number too big in {} quantifier');
      q = m[0];
      this.i += m[0].length;
    } else return atom.re;
    if (!atom.quantifiable) throw PCRE_ERR('quantifier does not follow a repeatable item');
    const next = this.peek();
    if (next === '?') {
      q += '?';
      this.i++;
    } else if (next === '+') throw UNSUPPORTED('possessive quantifiers (' + q + '+)');
    return `(?:${atom.re})${q}`;
  }

  private literal(code: number, f: Flags): string {
    if (f.i && ((code >= 65 && code <= 90) || (code >= 97 && code <= 122))) {
      const lo = code | 0x20;
      return `[${hx(lo - 32)}${hx(lo)}]`;
    }
    return hx(code);
  }

  private atom(f: Flags, depth: number): { re: string; quantifiable: boolean } | null {
    const c = this.p[this.i]!;
    switch (c) {
      case '*':
      case '+':
      case '?':
        throw PCRE_ERR('quantifier does not follow a repeatable item');
      case '{': {
        if (/^\{\d+(,\d*)?\}/.test(this.p.slice(this.i))) throw PCRE_ERR('quantifier does not follow a repeatable item');
        this.i++;
        return { re: hx(0x7b), quantifiable: true };
      }
      case '.':
        this.i++;
        return { re: f.s ? '[\\s\\S]' : '[^\\n]', quantifiable: true };
      case '^':
        this.i++;
        return { re: f.m ? '(?<![^\\n])' : '(?<![\\s\\S])', quantifiable: false };
      case '$':
        this.i++;
        return { re: f.m ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))', quantifiable: false };
      case '[':
        return { re: this.charClass(f), quantifiable: true };
      case '(':
        return this.group(f, depth);
      case '\\':
        return this.escape(f);
      default:
        this.i++;
        return { re: this.literal(c.charCodeAt(0), f), quantifiable: true };
    }
  }

  private group(f: Flags, depth: number): { re: string; quantifiable: boolean } | null {
    const rest = this.p.slice(this.i);
    let m: RegExpExecArray | null;
    const inner = (open: string, flags: Flags, quantifiable = true) => {
      const body = this.alternation(flags, depth + 1);
      if (this.peek() !== ')') throw PCRE_ERR('missing closing parenthesis');
      this.i++;
      return { re: `${open}${body})`, quantifiable };
    };
    if (rest.startsWith('(*')) {
      if (/^\(\*UTF\d*\)/.test(rest)) throw PCRE_ERR('using UTF is disabled by the application');
      throw UNSUPPORTED('backtracking control verbs and start-of-pattern options ((*...))');
    }
    if (!rest.startsWith('(?')) {
      this.i++;
      this.groups++;
      return inner('(', f);
    }
    if (rest.startsWith('(?#')) {
      const e = this.p.indexOf(')', this.i);
      if (e < 0) throw PCRE_ERR('missing ) after (?# comment');
      this.i = e + 1;
      return null;
    }
    if (rest.startsWith('(?:')) {
      this.i += 3;
      return inner('(?:', f);
    }
    if ((m = /^\(\?(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/.exec(rest)) && !/^\(\?<[=!]/.test(rest)) {
      const name = m[1]!;
      if (this.names.has(name)) throw PCRE_ERR('two named subpatterns have the same name (PCRE2_DUPNAMES not set)');
      this.names.add(name);
      this.groups++;
      this.i += m[0].length;
      return inner(`(?<${name}>`, f);
    }
    for (const la of ['(?=', '(?!', '(?<=', '(?<!']) {
      if (rest.startsWith(la)) {
        this.i += la.length;
        return inner(la, f, la.length === 3);
      }
    }
    if ((m = /^\(\?([imsx]*)(?:-([imsx]*))?:/.exec(rest))) {
      const g = { ...f };
      this.applyFlags(g, m[1]!, m[2] ?? '');
      this.i += m[0].length;
      return inner('(?:', g);
    }
    if ((m = /^\(\?\^([imsx]*):/.exec(rest))) {
      const g: Flags = { i: false, m: false, s: false, x: false };
      this.mixedCase = true;
      this.applyFlags(g, m[1]!, '');
      this.i += m[0].length;
      return inner('(?:', g);
    }
    if (rest.startsWith('(?>')) throw UNSUPPORTED('atomic groups ((?>...))');
    if (rest.startsWith('(?|')) throw UNSUPPORTED('branch reset groups ((?|...))');
    if (/^\(\?(?:R|[+-]?\d|&|P>|\()/.test(rest)) throw UNSUPPORTED('recursion, subroutine calls and conditional groups');
    if (/^\(\?P=/.test(rest)) {
      const mm = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
      if (!mm) throw PCRE_ERR('syntax error in subpattern name (missing terminator?)');
      this.i += mm[0].length;
      return this.backrefByName(mm[1]!, f);
    }
    if (/^\(\?[imsxnUJ^-]*[nUJ]/.test(rest)) throw UNSUPPORTED('the n, U and J options');
    if (rest.startsWith('(?C')) throw UNSUPPORTED('callouts');
    throw PCRE_ERR('unrecognized character after (? or (?-');
  }

  private backrefNum(n: number, f: Flags): { re: string; quantifiable: boolean } {
    if (n < 1 || n > this.totalGroups) throw PCRE_ERR('reference to non-existent subpattern');
    if (f.i) this.caselessBackref = true;
    else this.mixedCase = true;
    return { re: `(?:\\${n})`, quantifiable: true };
  }

  private backrefByName(name: string, f: Flags): { re: string; quantifiable: boolean } {
    if (f.i) this.caselessBackref = true;
    else this.mixedCase = true;
    return { re: `(?:\\k<${name}>)`, quantifiable: true };
  }

  /** Reads an escape that stands for one byte; returns null when it is not such an escape. */
  private byteEscape(inClass: boolean): number | null {
    const p = this.p;
    const e = p[this.i + 1];
    let m: RegExpExecArray | null;
    const rest = p.slice(this.i);
    switch (e) {
      case 'a':
        this.i += 2;
        return 7;
      case 'e':
        this.i += 2;
        return 0x1b;
      case 'f':
        this.i += 2;
        return 12;
      case 'n':
        this.i += 2;
        return 10;
      case 'r':
        this.i += 2;
        return 13;
      case 't':
        this.i += 2;
        return 9;
      case 'b':
        if (!inClass) return null;
        this.i += 2;
        return 8;
      case 'x': {
        if ((m = /^\\x\{([0-9A-Fa-f]+)\}/.exec(rest))) {
          const v = parseInt(m[1]!, 16);
          if (v > 0xff) throw PCRE_ERR('character code point value in \\x{} or \\o{} is too large');
          this.i += m[0].length;
          return v;
        }
        m = /^\\x([0-9A-Fa-f]{0,2})/.exec(rest)!;
        this.i += m[0].length;
        return m[1] ? parseInt(m[1], 16) : 0;
      }
      case 'o': {
        m = /^\\o\{([0-7]+)\}/.exec(rest);
        if (!m) throw PCRE_ERR('missing opening brace after \\o');
        const v = parseInt(m[1]!, 8);
        if (v > 0xff) throw PCRE_ERR('character code point value in \\x{} or \\o{} is too large');
        this.i += m[0].length;
        return v;
      }
      case 'c': {
        const ch = p[this.i + 2];
        if (ch === undefined) throw PCRE_ERR('\\c at end of pattern');
        const code = ch.toUpperCase().charCodeAt(0);
        if (code > 127) throw PCRE_ERR('\\c must be followed by a printable ASCII character');
        this.i += 3;
        return code ^ 0x40;
      }
      case '0': {
        m = /^\\0([0-7]{0,2})/.exec(rest)!;
        this.i += m[0].length;
        return parseInt(m[1] || '0', 8);
      }
      default:
        if (isDigit(e)) {
          m = /^\\(\d+)/.exec(rest)!;
          const n = Number(m[1]);
          if (!inClass && (n < 10 || n <= this.totalGroups)) return null; // a backreference
          const oct = /^[0-7]{1,3}/.exec(m[1]!);
          if (!oct) {
            if (inClass) throw PCRE_ERR('unrecognized character follows \\');
            return null;
          }
          const v = parseInt(oct[0], 8);
          if (v > 0xff) throw PCRE_ERR('octal value is greater than \\377 in 8-bit non-UTF mode');
          this.i += 1 + oct[0].length;
          return v;
        }
        return null;
    }
  }

  /** Class escapes usable inside and outside brackets. */
  private classEscape(e: string | undefined): boolean[] | null {
    const neg = (s: boolean[]) => s.map((b) => !b);
    switch (e) {
      case 'd':
        return DIGIT;
      case 'D':
        return neg(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return neg(WORD);
      case 's':
        return SPACE;
      case 'S':
        return neg(SPACE);
      case 'h':
        return HSPACE;
      case 'H':
        return neg(HSPACE);
      case 'v':
        return VSPACE;
      case 'V':
        return neg(VSPACE);
      case 'N':
        return null;
      default:
        return null;
    }
  }

  private escape(f: Flags): { re: string; quantifiable: boolean } | null {
    const p = this.p;
    const e = p[this.i + 1];
    if (e === undefined) throw PCRE_ERR('\\ at end of pattern');
    const cls = this.classEscape(e);
    if (cls) {
      this.i += 2;
      return { re: emitSet(cls), quantifiable: true };
    }
    const rest = p.slice(this.i);
    let m: RegExpExecArray | null;
    switch (e) {
      case 'N':
        this.i += 2;
        return { re: '[^\\n]', quantifiable: true };
      case 'R':
        this.i += 2;
        return { re: '(?:\\r\\n|[\\n\\x0b\\x0c\\r\\x85])', quantifiable: true };
      case 'b':
        this.i += 2;
        return { re: '\\b', quantifiable: false };
      case 'B':
        this.i += 2;
        return { re: '\\B', quantifiable: false };
      case 'A':
      case 'G':
        this.i += 2;
        return { re: '(?<![\\s\\S])', quantifiable: false };
      case 'z':
        this.i += 2;
        return { re: '(?![\\s\\S])', quantifiable: false };
      case 'Z':
        this.i += 2;
        return { re: '(?=\\n?(?![\\s\\S]))', quantifiable: false };
      case 'Q': {
        const end = p.indexOf('\\E', this.i + 2);
        const lit = p.slice(this.i + 2, end < 0 ? p.length : end);
        this.i = end < 0 ? p.length : end + 2;
        if (!lit) return null;
        let re = '';
        for (let k = 0; k < lit.length; k++) re += this.literal(lit.charCodeAt(k), f);
        return { re: lit.length === 1 ? re : `(?:${re})`, quantifiable: true };
      }
      case 'E':
        this.i += 2;
        return null;
      case 'g': {
        if ((m = /^\\g\{(-?\d+)\}|^\\g(-?\d+)/.exec(rest))) {
          let n = Number(m[1] ?? m[2]);
          if (n < 0) n = this.groups + 1 + n;
          this.i += m[0].length;
          return this.backrefNum(n, f);
        }
        if ((m = /^\\g\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest))) {
          this.i += m[0].length;
          return this.backrefByName(m[1]!, f);
        }
        if (/^\\g[<']/.test(rest)) throw UNSUPPORTED('subroutine calls (\\g<...>)');
        throw PCRE_ERR('a numbered reference must not be zero');
      }
      case 'k': {
        if ((m = /^\\k(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/.exec(rest))) {
          this.i += m[0].length;
          return this.backrefByName((m[1] ?? m[2] ?? m[3])!, f);
        }
        throw PCRE_ERR('\\k is not followed by a braced, angle-bracketed, or quoted name');
      }
      case 'p':
      case 'P':
      case 'X':
        throw UNSUPPORTED(`Unicode property escapes (\\${e})`);
      case 'C':
        throw UNSUPPORTED('\\C');
      case 'K':
        throw UNSUPPORTED('\\K (reset match start)');
    }
    const b = this.byteEscape(false);
    if (b !== null) return { re: this.literal(b, f), quantifiable: true };
    if (isDigit(e)) {
      m = /^\\(\d+)/.exec(rest)!;
      this.i += m[0].length;
      return this.backrefNum(Number(m[1]), f);
    }
    if (/[A-Za-z0-9]/.test(e)) throw PCRE_ERR('unrecognized character follows \\');
    this.i += 2;
    return { re: this.literal(e.charCodeAt(0), f), quantifiable: true };
  }

  private charClass(f: Flags): string {
    const p = this.p;
    this.i++; // [
    let negate = false;
    if (p[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const set: boolean[] = new Array(256).fill(false);
    let first = true;
    for (;;) {
      if (this.i >= p.length) throw PCRE_ERR('missing terminating ] for character class');
      const c = p[this.i]!;
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      let single: number | null = null;
      if (c === '[') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.i));
        if (m) {
          const s = POSIX[m[2]!];
          if (!s) throw PCRE_ERR('unknown POSIX class name');
          for (let k = 0; k < 256; k++) if (m[1] ? !s[k] : s[k]) set[k] = true;
          this.i += m[0].length;
          continue;
        }
        if (/^\[[.=]/.test(p.slice(this.i))) throw PCRE_ERR('POSIX collating elements are not supported');
        single = 0x5b;
        this.i++;
      } else if (c === '\\') {
        const e = p[this.i + 1];
        if (e === undefined) throw PCRE_ERR('\\ at end of pattern');
        const cls = this.classEscape(e);
        if (cls) {
          for (let k = 0; k < 256; k++) if (cls[k]) set[k] = true;
          this.i += 2;
          continue;
        }
        if (e === 'Q') {
          const end = p.indexOf('\\E', this.i + 2);
          const lit = p.slice(this.i + 2, end < 0 ? p.length : end);
          for (let k = 0; k < lit.length; k++) set[lit.charCodeAt(k)] = true;
          this.i = end < 0 ? p.length : end + 2;
          continue;
        }
        if (e === 'E') {
          this.i += 2;
          continue;
        }
        if (e === 'p' || e === 'P' || e === 'X') throw UNSUPPORTED(`Unicode property escapes (\\${e})`);
        const b = this.byteEscape(true);
        if (b !== null) single = b;
        else if (/[A-Za-z0-9]/.test(e)) throw PCRE_ERR('unrecognized character follows \\');
        else {
          single = e.charCodeAt(0);
          this.i += 2;
        }
      } else {
        single = c.charCodeAt(0);
        this.i++;
      }
      // a range a-z (a '-' before ']' is literal)
      if (p[this.i] === '-' && p[this.i + 1] !== ']' && this.i + 1 < p.length) {
        const save = this.i;
        this.i++;
        let hi: number | null = null;
        const d = p[this.i]!;
        if (d === '\\') {
          const e = p[this.i + 1];
          if (this.classEscape(e) || e === 'Q' || e === 'E') {
            // "a-\d": the '-' is literal
            this.i = save;
          } else {
            const b = this.byteEscape(true);
            if (b !== null) hi = b;
            else if (e !== undefined && !/[A-Za-z0-9]/.test(e)) {
              hi = e.charCodeAt(0);
              this.i += 2;
            } else throw PCRE_ERR('unrecognized character follows \\');
          }
        } else if (d === '[' && /^\[:(\^?)([a-z]+):\]/.test(p.slice(this.i))) {
          throw PCRE_ERR('invalid range in character class');
        } else {
          hi = d.charCodeAt(0);
          this.i++;
        }
        if (hi !== null) {
          if (hi < single) throw PCRE_ERR('range out of order in character class');
          for (let k = single; k <= hi; k++) set[k] = true;
          continue;
        }
      }
      set[single] = true;
    }
    if (f.i) fold(set);
    return emitSet(negate ? set.map((b) => !b) : set);
  }
}

/** Compiles a tshark `matches` pattern (already unescaped from the filter string, one char per
 * byte) into a RegExp for latin1 subjects. Throws FilterError. */
export function compilePcre(pattern: string): RegExp {
  return new Translator(pattern).run();
}

/** A byte range as a latin1 string (the subject for `matches` on byte fields). */
export function bytesToLatin1(buf: Uint8Array, start: number, end: number): string {
  // String.fromCharCode on chunks: far fewer allocations than per-char concatenation.
  if (end - start <= 8192) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  }
  return s;
}
