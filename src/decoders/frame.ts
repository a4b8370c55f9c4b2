import type { DecodeContext, DecodeResult } from './core/context.js';
import { field, protocol } from './core/fields.js';
import type { Layer } from './core/packet.js';
import type { Decoder, Session } from './core/registry.js';
import type { Frame } from '../capture/types.js';
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
  hasFirst: boolean;
  firstSec: number;
  firstNsec: number;
  hasPrev: boolean;
  prevSec: number;
  prevNsec: number;
  /** The last ticked frame's time since the first frame and since the one before it. */
  relative: number;
  delta: number;
}

const newClock = (): FrameClock => ({ hasFirst: false, firstSec: 0, firstNsec: 0, hasPrev: false, prevSec: 0, prevNsec: 0, relative: 0, delta: 0 });

/** Advances the capture clock by one frame: its time since the first frame and since the
 * previous one. Frames a worker of a parallel run does not decode still tick its clock. */
export function tick(session: Session, f: Frame): FrameClock {
  const clock = session.get<FrameClock>('frame.clock', newClock);
  const sec = f.tsSec;
  const nsec = f.tsNsec;
  clock.relative = 0;
  clock.delta = 0;
  if (f.hasTime) {
    if (!clock.hasFirst) {
      clock.hasFirst = true;
      clock.firstSec = sec;
      clock.firstNsec = nsec;
    }
    clock.relative = sec - clock.firstSec + (nsec - clock.firstNsec) / 1e9;
    clock.delta = clock.hasPrev ? sec - clock.prevSec + (nsec - clock.prevNsec) / 1e9 : 0;
    clock.hasPrev = true;
    clock.prevSec = sec;
    clock.prevNsec = nsec;
  }
  return clock;
}

/** The `frame` pseudo-protocol: numbering, times and lengths; hands over to the link type. */
export const frameDecoder: Decoder = {
  proto: 'frame',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult {
    const f = ctx.packet.frame;
    const { relative, delta } = tick(ctx.session, f);
    const layer = ctx.addLayer<FrameLayer>({ proto: 'frame', offset: 0, length: f.capLen, errorDepth: 0, relative, delta }, false);
    const t = tree?.add(
      hf.frame,
      0,
      f.capLen,
      null,
      tree.full || tree.wants(hf.frame)
        ? { text: `Frame ${f.number}: ${f.origLen} bytes on wire (${f.origLen * 8} bits), ${f.capLen} bytes captured (${f.capLen * 8} bits)` }
        : undefined,
    );
    if (t) {
      const now = { sec: f.tsSec, nsec: f.tsNsec };
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
    return { offset, end, next: linktypeNext(f.linkType) };
  },
};

const LINKTYPE_NEXT = new Map<number, { table: string; key: number }>();
/** Shared (never mutated) `next` objects per link type. */
function linktypeNext(linkType: number): { table: string; key: number } {
  let n = LINKTYPE_NEXT.get(linkType);
  if (n === undefined) {
    n = { table: 'linktype', key: linkType };
    if (LINKTYPE_NEXT.size < 256) LINKTYPE_NEXT.set(linkType, n);
  }
  return n;
}

/** Adds `frame.protocols` once every layer is known. */
export function addProtocolsField(tree: Tree | undefined, layer: Layer | undefined, protocols: readonly string[]): void {
  const t = layer?.tree ?? tree;
  if (t && t.wants(hf.protocols)) t.add(hf.protocols, 0, 0, protocols.join(':'));
}
