import type { DecodeContext, DecodeResult } from './core/context.js';
import { field, protocol } from './core/fields.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';

export const hf = {
  frame: protocol('frame', 'Frame'),
  interfaceId: field('frame.interface_id', 'Interface id', 'uint'),
  encapType: field('frame.encap_type', 'Encapsulation type', 'int'),
  time: field('frame.time', 'Arrival Time', 'abstime'),
  timeEpoch: field('frame.time_epoch', 'Epoch Time', 'abstime', { epoch: true }),
  timeDelta: field('frame.time_delta', 'Time delta from previous captured frame', 'reltime'),
  timeRelative: field('frame.time_relative', 'Time since reference or first frame', 'reltime'),
  number: field('frame.number', 'Frame Number', 'uint'),
  len: field('frame.len', 'Frame Length', 'uint', { unit: 'bytes' }),
  capLen: field('frame.cap_len', 'Capture Length', 'uint', { unit: 'bytes' }),
  protocols: field('frame.protocols', 'Protocols in frame', 'string'),
};

export interface FrameLayer extends Layer {
  proto: 'frame';
  /** Seconds since the first frame of the capture. */
  relative: number;
  /** Seconds since the previous frame. */
  delta: number;
}

interface FrameClock {
  first: { sec: number; nsec: number } | null;
  prev: { sec: number; nsec: number } | null;
}

function diff(a: { sec: number; nsec: number }, b: { sec: number; nsec: number }): number {
  return a.sec - b.sec + (a.nsec - b.nsec) / 1e9;
}

/** The `frame` pseudo-protocol: numbering, times and lengths; hands over to the link type. */
export const frameDecoder: Decoder = {
  proto: 'frame',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult {
    const f = ctx.packet.frame;
    const clock = ctx.session.get<FrameClock>('frame.clock', () => ({ first: null, prev: null }));
    const now = { sec: f.tsSec, nsec: f.tsNsec };
    let relative = 0;
    let delta = 0;
    if (f.hasTime) {
      clock.first ??= now;
      relative = diff(now, clock.first);
      delta = clock.prev ? diff(now, clock.prev) : 0;
      clock.prev = now;
    }
    const layer = ctx.addLayer<FrameLayer>({ proto: 'frame', offset: 0, length: f.capLen, errorDepth: 0, relative, delta }, false);
    const bits = (n: number) => `${n} bytes (${n * 8} bits)`;
    const t = tree?.add(hf.frame, 0, f.capLen, null, {
      text: `Frame ${f.number}: ${bits(f.origLen)} on wire, ${bits(f.capLen)} captured`,
    });
    if (t) {
      layer.tree = t;
      t.add(hf.interfaceId, 0, 0, f.interfaceId);
      t.add(hf.encapType, 0, 0, f.linkType);
      if (f.hasTime) {
        t.add(hf.time, 0, 0, now);
        t.add(hf.timeEpoch, 0, 0, now);
        t.add(hf.timeDelta, 0, 0, delta);
        t.add(hf.timeRelative, 0, 0, relative);
      }
      t.add(hf.number, 0, 0, f.number);
      t.add(hf.len, 0, 0, f.origLen);
      t.add(hf.capLen, 0, 0, f.capLen);
    }
    return { offset, end, next: { table: 'linktype', key: f.linkType } };
  },
};

/** Adds `frame.protocols` once every layer is known. */
export function addProtocolsField(tree: Tree | undefined, layer: Layer | undefined, protocols: readonly string[]): void {
  (layer?.tree ?? tree)?.add(hf.protocols, 0, 0, protocols.join(':'));
}
