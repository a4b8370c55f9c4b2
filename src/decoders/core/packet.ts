import type { Frame } from '../../capture/types.js';
import type { Issue } from './expert.js';
import type { Tree } from './tree.js';

/** One decoded layer. Decoders extend it with their own typed fields (see each decoder's
 * `*Layer` interface); analysers read those, never the field tree. */
export interface Layer {
  /** Protocol filter name: `eth`, `vlan`, `ip`, `ipv6`, `tcp`, `http` ... */
  proto: string;
  /** Header start in the frame. */
  offset: number;
  /** Bytes this layer covers in the frame (header + payload it owns), bounded by what was captured. */
  length: number;
  /** This layer's subtree when a tree is being built; analysers add their fields under it. */
  tree?: Tree;
  /** Nesting inside ICMP errors: 0 for the packet itself, 1 for a quoted header. */
  errorDepth: number;
}

/** Column texts, as tshark prints them (`_ws.col.*`). */
export interface Columns {
  src: string;
  dst: string;
  protocol: string;
  info: string;
}

export interface Packet {
  frame: Frame;
  /** Layers in decode order (outermost first), quoted ICMP-error headers included. */
  layers: Layer[];
  /** `frame.protocols` members, e.g. eth, ethertype, ip, tcp, http. */
  protocols: string[];
  issues: Issue[];
  /** Set when a decoder hit an impossible value or ran past the reported length. */
  malformed: boolean;
  /** Set when decoding stopped because the frame was cut by the snaplen. */
  short: boolean;
  /** Only when columns were asked for. */
  cols: Columns | null;
  /** A transport-only decode (DissectOptions.transportOnly) stopped where a full decode would have
   * gone on to bytes above TCP/UDP, or let TCP desegmentation act on the segment: this frame's
   * columns and fields may differ from a full decode's. */
  cut?: boolean;
}

export function firstLayer<L extends Layer>(p: Packet, proto: string): L | undefined {
  for (const l of p.layers) if (l.proto === proto) return l as L;
  return undefined;
}
