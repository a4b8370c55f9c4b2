/**
 * `json` (JavaScript Object Notation): a JSON body as Wireshark 4.0 shows it: objects, arrays and
 * members, each member with its key, its path from the root (`/a/[]/b`) and, for a plain value,
 * the value with the path and the member. A body that does not parse as JSON shows the empty
 * protocol item and then its lines (Wireshark hands it to Line-based text data).
 */
import type { DecodeContext } from './core/context.js';
import { dispatch } from './core/dissect.js';
import { field, protocol } from './core/fields.js';
import { escapeForTerminal, latin1 } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { mediaTypeOf } from './media.js';

export const hf = {
  json: protocol('json', 'JavaScript Object Notation'),
  object: field('json.object', 'Object', 'none'),
  array: field('json.array', 'Array', 'none'),
  member: field('json.member', 'Member', 'string'),
  memberWithValue: field('json.member_with_value', 'Member with value', 'string'),
  pathWithValue: field('json.path_with_value', 'Path with value', 'string'),
  key: field('json.key', 'Key', 'string'),
  path: field('json.path', 'Path', 'string'),
  string: field('json.value.string', 'String value', 'string'),
  number: field('json.value.number', 'Number value', 'string'),
  true: field('json.value.true', 'True value', 'none'),
  false: field('json.value.false', 'False value', 'none'),
  null: field('json.value.null', 'Null value', 'none'),
};

/** Media types Wireshark 4.0 hands to its JSON decoder. */
export const JSON_TYPES = ['application/json', 'application/json-rpc', 'application/jsonrequest'] as const;

/** Deeper documents are not shown (Wireshark also bounds the nesting). */
const MAX_DEPTH = 64;

type Value =
  | { kind: 'object'; at: number; end: number; members: { key: string; at: number; value: Value }[] }
  | { kind: 'array'; at: number; end: number; items: Value[] }
  | { kind: 'string' | 'number' | 'true' | 'false' | 'null'; at: number; end: number; text: string };

class NotJson extends Error {}

/** A number token where the sticky regex's `lastIndex` points. */
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
/** Backslash escapes of one character. */
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A strict JSON parser over the body text (one char per byte), keeping each value's offsets. */
class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  document(): Value {
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.s.length) throw new NotJson();
    return v;
  }

  private ws(): void {
    const s = this.s;
    while (this.pos < s.length && (s[this.pos] === ' ' || s[this.pos] === '\t' || s[this.pos] === '\n' || s[this.pos] === '\r')) this.pos++;
  }

  private value(depth: number): Value {
    if (depth > MAX_DEPTH) throw new NotJson();
    this.ws();
    const s = this.s;
    const at = this.pos;
    const c = s[at];
    if (c === '{') {
      this.pos++;
      const members: { key: string; at: number; value: Value }[] = [];
      this.list('}', () => {
        this.ws();
        const keyAt = this.pos;
        if (s[this.pos] !== '"') throw new NotJson();
        const key = this.string();
        this.ws();
        if (s[this.pos++] !== ':') throw new NotJson();
        members.push({ key, at: keyAt, value: this.value(depth + 1) });
      });
      return { kind: 'object', at, end: this.pos, members };
    }
    if (c === '[') {
      this.pos++;
      const items: Value[] = [];
      this.list(']', () => void items.push(this.value(depth + 1)));
      return { kind: 'array', at, end: this.pos, items };
    }
    if (c === '"') {
      const text = this.string();
      return { kind: 'string', at, end: this.pos, text };
    }
    for (const word of ['true', 'false', 'null'] as const) {
      if (s.startsWith(word, at)) {
        this.pos += word.length;
        return { kind: word, at, end: this.pos, text: word };
      }
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(s);
    if (!m) throw new NotJson();
    this.pos += m[0].length;
    return { kind: 'number', at, end: this.pos, text: m[0] };
  }

  /** Comma-separated items up to `close` (the opening bracket already read). */
  private list(close: string, item: () => void): void {
    this.ws();
    if (this.s[this.pos] === close) {
      this.pos++;
      return;
    }
    for (;;) {
      item();
      this.ws();
      const d = this.s[this.pos++];
      if (d === close) return;
      if (d !== ',') throw new NotJson();
    }
  }

  /** A string token at `pos`, unescaped. */
  private string(): string {
    const s = this.s;
    let out = '';
    this.pos++;
    for (;;) {
      if (this.pos >= s.length) throw new NotJson();
      const c = s[this.pos++]!;
      if (c === '"') return out;
      if (c < ' ') throw new NotJson();
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = s[this.pos++];
      const plain = e === undefined ? undefined : ESCAPES[e];
      if (plain !== undefined) out += plain;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(s.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else throw new NotJson();
    }
  }
}

/** Shows `v`, the value of member `key` (`[]` for an array item) at `path`, under `t`. */
function show(t: Tree, base: number, v: Value, key: string, path: string): void {
  const len = v.end - v.at;
  if (v.kind === 'object') {
    const o = t.add(hf.object, base + v.at, len, null);
    for (const m of v.members) {
      const mt = o.add(hf.member, base + m.at, m.value.end - m.at, m.key, { text: `Member: ${escapeForTerminal(m.key)}` });
      show(mt, base, m.value, m.key, `${path}/${m.key}`);
      mt.add(hf.key, base + m.at, m.key.length + 2, m.key);
      mt.add(hf.path, base + m.at, 0, `${path}/${m.key}`, { generated: true });
    }
    return;
  }
  if (v.kind === 'array') {
    const a = t.add(hf.array, base + v.at, len, null);
    for (const item of v.items) show(a, base, item, '[]', `${path}/[]`);
    return;
  }
  // a plain value: its path and member with the value, then the value itself
  t.add(hf.pathWithValue, base + v.at, 0, `${path}:${v.text}`, { generated: true });
  t.add(hf.memberWithValue, base + v.at, 0, `${key}:${v.text}`, { generated: true });
  if (v.kind === 'string') t.add(hf.string, base + v.at, len, v.text);
  else if (v.kind === 'number') t.add(hf.number, base + v.at, len, v.text);
  else t.add(hf[v.kind], base + v.at, len, null);
}

export const jsonDecoder: Decoder = {
  proto: 'json',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): void {
    const layer = ctx.addLayer<Layer>({ proto: 'json', offset, length: end - offset, errorDepth: 0, tree: undefined });
    const media = mediaTypeOf(ctx);
    const t = tree?.add(hf.json, offset, end - offset, null, { text: `JavaScript Object Notation${media ? `: ${media}` : ''}` });
    if (t) layer.tree = t;
    let doc: Value;
    try {
      doc = new Parser(latin1(ctx.data, offset, end)).document();
    } catch (e) {
      if (!(e instanceof NotJson)) throw e;
      // not JSON after all: Wireshark shows the body's lines instead
      dispatch(ctx, { offset, end, next: { proto: 'data-text-lines' } }, ctx.rootTree);
      return;
    }
    if (t) show(t, offset, doc, '', '');
  },
};
