import type { DecodeContext, DecodeResult } from './core/context.js';
import { storeAsDoubles } from './core/doubles.js';
import { field, protocol } from './core/fields.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder, type Session } from './core/registry.js';
import type { Frame } from '../capture/types.js';
import { epochToString, escapeForTerminal } from './core/format.js';
import { GENERATED, type Tree } from './core/tree.js';
import { linkTypeName, wtapEncap } from './linktypes.js';

export const hf = {
  frame: protocol('frame', 'Frame'),
  sectionNumber: field('frame.section_number', 'Section number', 'uint'),
  interfaceId: field('frame.interface_id', 'Interface id', 'uint'),
  interfaceName: field('frame.interface_name', 'Interface name', 'string'),
  encapType: field('frame.encap_type', 'Encapsulation type', 'int'),
  time: field('frame.time', 'Arrival Time', 'abstime'),
  offsetShift: field('frame.offset_shift', 'Time shift for this packet', 'reltime'),
  timeEpoch: field('frame.time_epoch', 'Epoch Time', 'abstime', { epoch: true }),
  timeDelta: field('frame.time_delta', 'Time delta from previous captured frame', 'reltime'),
  timeDeltaDisplayed: field('frame.time_delta_displayed', 'Time delta from previous displayed frame', 'reltime'),
  timeRelative: field('frame.time_relative', 'Time since reference or first frame', 'reltime'),
  number: field('frame.number', 'Frame Number', 'uint'),
  len: field('frame.len', 'Frame Length', 'uint', { unit: 'bytes' }),
  capLen: field('frame.cap_len', 'Capture Length', 'uint', { unit: 'bytes' }),
  marked: field('frame.marked', 'Frame is marked', 'bool'),
  ignored: field('frame.ignored', 'Frame is ignored', 'bool'),
  protocols: field('frame.protocols', 'Protocols in frame', 'string'),
};

export interface FrameLayer extends Layer {
  proto: 'frame';
  /** Seconds since the first frame of the capture. */
  relative: number;
  /** Seconds since the previous frame. */
  delta: number;
  /** Seconds since the previous displayed frame (one a display filter let through). */
  deltaDisplayed: number;
}

interface FrameClock {
  hasFirst: boolean;
  firstSec: number;
  firstNsec: number;
  hasPrev: boolean;
  prevSec: number;
  prevNsec: number;
  /** The last displayed frame (see `displayed`). */
  hasShown: boolean;
  shownSec: number;
  shownNsec: number;
  /** The last ticked frame's time since the first frame, the one before it and the last displayed one. */
  relative: number;
  delta: number;
  deltaDisplayed: number;
}

const CLOCK = stateKey('frame.clock', (): FrameClock => storeAsDoubles({
  hasFirst: false,
  firstSec: 0,
  firstNsec: 0,
  hasPrev: false,
  prevSec: 0,
  prevNsec: 0,
  hasShown: false,
  shownSec: 0,
  shownNsec: 0,
  relative: 0,
  delta: 0,
  deltaDisplayed: 0,
}, ['relative', 'delta', 'deltaDisplayed']));

/** Advances the capture clock by one frame: its time since the first frame and since the
 * previous one. Frames a worker of a parallel run does not decode still tick its clock. */
export function tick(session: Session, f: Frame): FrameClock {
  const clock = session.get(CLOCK);
  const sec = f.tsSec;
  const nsec = f.tsNsec;
  clock.relative = 0;
  clock.delta = 0;
  clock.deltaDisplayed = 0;
  if (f.hasTime) {
    if (!clock.hasFirst) {
      clock.hasFirst = true;
      clock.firstSec = sec;
      clock.firstNsec = nsec;
    }
    clock.relative = sec - clock.firstSec + (nsec - clock.firstNsec) / 1e9;
    clock.delta = clock.hasPrev ? sec - clock.prevSec + (nsec - clock.prevNsec) / 1e9 : 0;
    clock.deltaDisplayed = clock.hasShown ? sec - clock.shownSec + (nsec - clock.shownNsec) / 1e9 : 0;
    clock.hasPrev = true;
    clock.prevSec = sec;
    clock.prevNsec = nsec;
  }
  return clock;
}

/** The frame a display filter let through (tshark's previous displayed frame): later frames'
 * `frame.time_delta_displayed` count from it. Without a filter every frame is displayed. */
export function displayed(session: Session, f: Frame): void {
  if (!f.hasTime) return;
  const clock = session.get(CLOCK);
  clock.hasShown = true;
  clock.shownSec = f.tsSec;
  clock.shownNsec = f.tsNsec;
}

/** The `frame` pseudo-protocol: numbering, times and lengths; hands over to the link type. */
export const frameDecoder: Decoder = {
  proto: 'frame',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult {
    const f = ctx.packet.frame;
    const { relative, delta, deltaDisplayed } = tick(ctx.session, f);
    const layer = ctx.addLayer<FrameLayer>({ proto: 'frame', offset: 0, length: f.capLen, errorDepth: 0, relative, delta, deltaDisplayed, tree: undefined }, false);
    const t = tree?.add(
      hf.frame,
      0,
      f.capLen,
      null,
      tree.full || tree.wants(hf.frame)
        ? {
            text:
              `Frame ${f.number}: ${f.origLen} bytes on wire (${f.origLen * 8} bits), ${f.capLen} bytes captured (${f.capLen * 8} bits)` +
              (f.iface ? ` on interface ${escapeForTerminal(f.iface.name ?? 'unknown')}, id ${f.interfaceId}` : ''),
          }
        : undefined,
    );
    if (t) {
      layer.tree = t;
      // a pcapng frame says where it was captured; a classic pcap frame has no interface
      const iface = f.iface;
      if (iface) {
        const name = iface.name ?? 'unknown';
        t.add(hf.sectionNumber, 0, 0, iface.section);
        const it = t.add(hf.interfaceId, 0, 0, f.interfaceId, { text: `Interface id: ${f.interfaceId} (${escapeForTerminal(name)})` });
        it.add(hf.interfaceName, 0, 0, name);
      }
      const encap = wtapEncap(f.linkType);
      t.add(hf.encapType, 0, 0, encap ?? f.linkType, {
        text: encap === undefined ? `Encapsulation type: Unknown (${f.linkType})` : `Encapsulation type: ${linkTypeName(f.linkType)} (${encap})`,
      });
      if (f.hasTime) {
        const now = { sec: f.tsSec, nsec: f.tsNsec };
        t.add(hf.time, 0, 0, now);
        t.add(hf.offsetShift, 0, 0, 0, GENERATED);
        t.add(hf.timeEpoch, 0, 0, now, t.full ? { text: `Epoch Time: ${epochToString(now)} seconds` } : undefined);
        t.add(hf.timeDelta, 0, 0, delta, GENERATED);
        t.add(hf.timeDeltaDisplayed, 0, 0, deltaDisplayed, GENERATED);
        t.add(hf.timeRelative, 0, 0, relative, GENERATED);
      }
      t.add(hf.number, 0, 0, f.number);
      t.add(hf.len, 0, 0, f.origLen, t.full ? { text: `Frame Length: ${f.origLen} bytes (${f.origLen * 8} bits)` } : undefined);
      t.add(hf.capLen, 0, 0, f.capLen, t.full ? { text: `Capture Length: ${f.capLen} bytes (${f.capLen * 8} bits)` } : undefined);
      t.add(hf.marked, 0, 0, false, GENERATED);
      t.add(hf.ignored, 0, 0, false, GENERATED);
    }
    return { offset, end, next: linktypeNext(f.linkType) };
  },
};

const LINKTYPE_NEXT = new Map<number, { table: string; key: number }>();
/** The last one handed out (a capture rarely changes link type). */
let lastNext: { table: string; key: number } = { table: 'linktype', key: -1 };
/** Shared (never mutated) `next` objects per link type. */
function linktypeNext(linkType: number): { table: string; key: number } {
  if (lastNext.key === linkType) return lastNext;
  let n = LINKTYPE_NEXT.get(linkType);
  if (n === undefined) {
    n = { table: 'linktype', key: linkType };
    if (LINKTYPE_NEXT.size < 256) LINKTYPE_NEXT.set(linkType, n);
  }
  lastNext = n;
  return n;
}

/** Adds `frame.protocols` once every layer is known. */
export function addProtocolsField(tree: Tree | undefined, layer: Layer | undefined, protocols: readonly string[]): void {
  const t = layer?.tree ?? tree;
  if (t && t.wants(hf.protocols)) t.add(hf.protocols, 0, 0, protocols.join(':'), GENERATED);
}
