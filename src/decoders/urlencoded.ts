/**
 * `urlencoded-form` (HTML Form URL Encoded): an `application/x-www-form-urlencoded` body as its
 * key = value items, percent- and plus-decoded (registered in the `media_type` table).
 */
import type { DecodeContext } from './core/context.js';
import { field, protocol } from './core/fields.js';
import { escapeForTerminal, latin1 } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { mediaTypeOf } from './media.js';
import { textField } from './udp.js';

export const hf = {
  form: protocol('urlencoded-form', 'HTML Form URL Encoded'),
  key: field('urlencoded-form.key', 'Key', 'string'),
  value: field('urlencoded-form.value', 'Value', 'string'),
};

/** Items shown at most. */
const MAX_ITEMS = 10_000;

/** `+` is a space, `%XX` a byte; a `%` without two hex digits stays as it is. */
function formDecode(s: string): string {
  return s.replace(/\+|%([0-9a-fA-F]{2})/g, (m, hex: string | undefined) => (hex === undefined ? ' ' : String.fromCharCode(parseInt(hex, 16))));
}

export const urlencodedDecoder: Decoder = {
  proto: 'urlencoded-form',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): void {
    const layer = ctx.addLayer<Layer>({ proto: 'urlencoded-form', offset, length: end - offset, errorDepth: 0, tree: undefined });
    if (!tree) return;
    const media = mediaTypeOf(ctx);
    const t = tree.add(hf.form, offset, end - offset, null, { text: `HTML Form URL Encoded${media ? `: ${media}` : ''}` });
    layer.tree = t;
    const body = latin1(ctx.data, offset, end);
    let at = 0;
    for (let i = 0; at <= body.length && i < MAX_ITEMS; i++) {
      let amp = body.indexOf('&', at);
      if (amp < 0) amp = body.length;
      const item = body.slice(at, amp);
      const eq = item.indexOf('=');
      const key = formDecode(eq < 0 ? item : item.slice(0, eq));
      const value = formDecode(eq < 0 ? '' : item.slice(eq + 1));
      const it = t.add(textField, offset + at, amp - at, null, { text: `Form item: "${escapeForTerminal(key)}" = "${escapeForTerminal(value)}"` });
      it.add(hf.key, offset + at, eq < 0 ? item.length : eq, key);
      if (eq >= 0) it.add(hf.value, offset + at + eq + 1, item.length - eq - 1, value);
      if (amp >= body.length) break;
      at = amp + 1;
    }
  },
};
