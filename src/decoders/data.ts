import type { DecodeContext, DecodeResult } from './core/context.js';
import { field, protocol } from './core/fields.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';

export const hf = {
  data: protocol('data', 'Data'),
  bytes: field('data.data', 'Data', 'bytes'),
  len: field('data.len', 'Length', 'uint'),
};

export interface DataLayer extends Layer {
  proto: 'data';
}

/** Undissected payload: Wireshark's `data` dissector. */
export const dataDecoder: Decoder = {
  proto: 'data',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    if (end <= offset) return;
    const layer = ctx.addLayer<DataLayer>({ proto: 'data', offset, length: end - offset, errorDepth: 0 });
    const t = tree?.add(hf.data, offset, end - offset, null, { text: `Data (${end - offset} bytes)` });
    if (t) {
      layer.tree = t;
      t.add(hf.bytes, offset, end - offset, ctx.data.subarray(offset, end));
      t.add(hf.len, offset, 0, end - offset, { generated: true });
    }
  },
};
