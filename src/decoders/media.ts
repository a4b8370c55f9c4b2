/**
 * Wireshark's `media_type` table: decoders for message bodies by media type, looked up by the
 * protocols that carry bodies (HTTP today). The carrier's layer names the body's media type, as
 * Wireshark's `pinfo->match_string` does for the decoder it calls.
 */
import type { DecodeContext } from './core/context.js';
import { field, protocol } from './core/fields.js';
import { escapeForTerminal } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';

/** A layer whose body goes to a media decoder. */
export interface MediaCarrier extends Layer {
  mediaType: string | null;
}

/** `text/html; charset=utf-8` → `text/html`. */
export function mediaTypeOfHeader(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}

/** The media type the nearest carrier layer gives its body. */
export function mediaTypeOf(ctx: DecodeContext): string | null {
  const layers = ctx.packet.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const m = (layers[i] as Partial<MediaCarrier>).mediaType;
    if (m !== undefined) return m;
  }
  return null;
}

/** Media types Wireshark 4.0 hands to a decoder pcapscope does not have (JSON, XML, images,
 * multipart, OCSP, ...): their bodies are left undecoded rather than shown as `media`. */
const DECODED_ELSEWHERE = /^(application\/(json|jsonrequest|json-rpc|x-ndjson|xml|ocsp-request|ocsp-response|pkix-crl|pkix-cert|sdp|dns-message|octet-stream|grpc.*)|text\/xml|image\/(jpeg|jpg|pjpeg|png|gif)|message\/http|multipart\/.*|.*\+(json|xml))$/;

/** Whether a body of this media type, with no decoder here, is shown as Wireshark's `media`. */
export function isPlainMedia(type: string): boolean {
  return type !== '' && !DECODED_ELSEWHERE.test(type);
}

export const hf = {
  media: protocol('media', 'Media Type'),
  type: field('media.type', 'Media type', 'bytes'),
};

/** Wireshark's `media` decoder: a body of a type nothing else decodes, as one block of bytes. */
export const mediaDecoder: Decoder = {
  proto: 'media',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): void {
    const layer = ctx.addLayer<Layer>({ proto: 'media', offset, length: end - offset, errorDepth: 0, tree: undefined });
    if (!tree) return;
    const t = tree.add(hf.media, offset, end - offset, null, { text: 'Media Type' });
    layer.tree = t;
    const type = mediaTypeOf(ctx);
    t.add(hf.type, offset, end - offset, ctx.data.subarray(offset, end), {
      text: `Media type: ${escapeForTerminal(type ?? '')} (${end - offset} byte${end - offset === 1 ? '' : 's'})`,
    });
  },
};
