/**
 * The channel between the TCP desegmenter (desegment.ts) and the application decoders it calls:
 * Wireshark's `pinfo->can_desegment`, `desegment_offset` and `desegment_len`.
 *
 * The desegmenter offers desegmentation to the decoder it calls directly on a TCP payload (or on
 * reassembled bytes); that decoder asks for more bytes with `requestMore`, naming where its
 * unfinished PDU starts. Decoders called by that decoder (media types, quoted headers) are not
 * offered it, as in Wireshark (`can_desegment` only reaches one level down). This module imports
 * nothing of the analysis, so decoders can use it without depending on it.
 */
import type { DecodeContext } from '../../decoders/core/context.js';
import { field } from '../../decoders/core/fields.js';
import { stateKey } from '../../decoders/core/registry.js';

/** `DESEGMENT_ONE_MORE_SEGMENT`: the PDU needs at least one more segment, length unknown. */
export const ONE_MORE_SEGMENT = 0x0fffffff;
/** `DESEGMENT_UNTIL_FIN`: the PDU runs until the end of the stream. */
export const UNTIL_FIN = 0x0ffffffe;

export class DesegmentRequest {
  /** Layer count when the offered decoder starts; -1 when nothing is offered. */
  base = -1;
  /** Offset in the offered decoder's bytes where its data starts (the hand-off offset). */
  start = 0;
  /** Where the unfinished PDU starts, relative to `start`, and how many more bytes it needs
   * (0 = none asked; ONE_MORE_SEGMENT, UNTIL_FIN). */
  offset = 0;
  len = 0;
  /** The segment carries FIN (Wireshark's HTTP `end_of_stream`). */
  fin = false;

  reset(): void {
    this.base = -1;
    this.offset = 0;
    this.len = 0;
  }
}

export const DESEGMENT_REQUEST = stateKey('tcp.desegment.request', () => new DesegmentRequest());

/** The session's request slot (one per capture). */
export function desegmentSlot(ctx: DecodeContext): DesegmentRequest {
  return ctx.session.get(DESEGMENT_REQUEST);
}

/** The request when the calling decoder may ask for more bytes (it is the decoder the TCP
 * desegmenter called and has not added a layer yet); null otherwise. Call it at the start of
 * `decode`, before `addLayer`. */
export function desegmentOffer(ctx: DecodeContext): DesegmentRequest | null {
  if (ctx.errorDepth !== 0) return null;
  const r = ctx.session.get(DESEGMENT_REQUEST);
  return r.base >= 0 && r.base === ctx.packet.layers.length ? r : null;
}

/** Asks for more bytes: the unfinished PDU starts at `at` (an offset in the decoder's `ctx.data`)
 * and needs `len` more bytes (or ONE_MORE_SEGMENT / UNTIL_FIN). */
export function requestMore(r: DesegmentRequest, at: number, len: number): void {
  r.offset = at - r.start;
  r.len = len;
}

/** `tcp.pdu.size`, which `tcp_dissect_pdus` adds to the TCP tree for each PDU it hands on. */
export const pduSizeField = field('tcp.pdu.size', 'PDU Size', 'uint');

/** Shows a PDU of `size` bytes (length prefix included) at `at` in the TCP tree, as Wireshark's
 * `tcp_dissect_pdus` does for every PDU it hands on: whole, or cut when it could not ask for more. */
export function showPduSize(ctx: DecodeContext, at: number, size: number): void {
  const layers = ctx.packet.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.proto === 'tcp' && l.errorDepth === ctx.errorDepth) {
      l.tree?.add(pduSizeField, at, size, size, { generated: true });
      return;
    }
  }
}
