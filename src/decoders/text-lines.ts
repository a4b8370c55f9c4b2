/**
 * `data-text-lines` (Line-based text data): a textual body shown line by line, as Wireshark's
 * media-type decoder for text/plain, text/html, text/css and the like (registered in the
 * `media_type` table, decoders/index.ts).
 */
import type { DecodeContext } from './core/context.js';
import { protocol } from './core/fields.js';
import { escapeForTerminal, latin1 } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { mediaTypeOf } from './media.js';
import { textField } from './udp.js';

export const hf = {
  textLines: protocol('data-text-lines', 'Line-based text data'),
};

/** Media types Wireshark 4.0 hands to this decoder. */
export const TEXT_LINE_TYPES = [
  'text/plain',
  'text/richtext',
  'text/enriched',
  'text/parameters',
  'text/html',
  'text/xml-external-parsed-entity',
  'text/css',
  'application/xml-external-parsed-entity',
  'text/javascript',
  'application/x-javascript',
  'application/x-tia-p25-issi',
  'application/x-tia-p25-sndcp',
  'application/x-ns-proxy-autoconfig',
  'text/vnd.sun.j2me.app-descriptor',
  'application/vnd.poc.refer-to',
  'application/vnd.drm.message',
  'application/x-wms-logplaystats',
  'application/x-rtsp-udp-packetpair',
] as const;

/** Lines shown at most: a huge body must not make a huge tree. */
const MAX_LINES = 100_000;

/** End of the line starting at `o` and where the next one starts (Wireshark's
 * `tvb_find_line_end`: CR, LF or CR LF ends a line; the last line may have no end). */
function nextLine(d: Uint8Array, o: number, end: number): number {
  for (let i = o; i < end; i++) {
    const c = d[i]!;
    if (c === 0x0a) return i + 1;
    if (c === 0x0d) return i + 1 < end && d[i + 1] === 0x0a ? i + 2 : i + 1;
  }
  return end;
}

export const textLinesDecoder: Decoder = {
  proto: 'data-text-lines',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): void {
    const d = ctx.data;
    // an XML document goes to Wireshark's XML decoder, which pcapscope does not have
    if (end - offset > 38 && latin1(d, offset, offset + 5).toLowerCase() === '<?xml') return;
    const layer = ctx.addLayer<Layer>({ proto: 'data-text-lines', offset, length: end - offset, errorDepth: 0, tree: undefined });
    if (!tree) return;
    const media = mediaTypeOf(ctx);
    const t = tree.add(hf.textLines, offset, end - offset, null, { text: `Line-based text data${media ? `: ${media}` : ''}` });
    layer.tree = t;
    let lines = 0;
    for (let o = offset; o < end && lines < MAX_LINES; lines++) {
      const next = nextLine(d, o, end);
      t.add(textField, o, next - o, null, { text: escapeForTerminal(latin1(d, o, next)) });
      o = next;
    }
    t.appendText(` (${lines} lines)`);
  },
};
