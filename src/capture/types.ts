/** One captured record, as read from the file. `data` is a view into a read buffer: valid as long
 * as it is referenced, never copied by the reader unless the record straddled two chunks. */
export interface Frame {
  /** 1-based, in file order (pcapng custom blocks are not frames). */
  number: number;
  /** Seconds since the epoch (may be negative for odd captures). */
  tsSec: number;
  /** Nanoseconds within the second, normally 0..999999999 (a corrupt nano pcap may exceed it). */
  tsNsec: number;
  /** False for pcapng Simple Packet Blocks, which carry no timestamp. */
  hasTime: boolean;
  capLen: number;
  origLen: number;
  /** LINKTYPE_* value (1 Ethernet, 113 SLL, 276 SLL2, 101 raw, 228/229 raw v4/v6, 0 null, 108 loop). */
  linkType: number;
  /** pcapng interface id; 0 for classic pcap. */
  interfaceId: number;
  /** pcapng: the interface the frame was captured on (the frame tree names it); classic pcap
   * frames have none. */
  iface?: InterfaceInfo;
  /** Byte offset of the first packet byte in the (decompressed) capture stream. */
  fileOffset: number;
  data: Uint8Array;
}

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureInfo {
  format: CaptureFormat;
  /** Classic pcap: nanosecond magic. pcapng: per interface, see `interfaces`. */
  nanosecond: boolean;
  bigEndian: boolean;
  gzip: boolean;
  /** Link type of the file (pcap) or of the first interface (pcapng); -1 when none was declared yet. */
  linkType: number;
  snaplen: number;
  interfaces: InterfaceInfo[];
}

export interface InterfaceInfo {
  linkType: number;
  snaplen: number;
  name?: string;
  /** Number of the pcapng section that declared it, from 1. */
  section: number;
  /** Timestamp units per second, e.g. 1e6 (default) or 1e9. */
  tsUnitsPerSec: number;
  /** if_tsoffset, seconds. */
  tsOffsetSec: number;
}

export type CaptureErrorKind = 'not_capture' | 'truncated' | 'corrupt' | 'io';

/** File-level damage. `framesRead` frames were delivered before it. */
export class CaptureError extends Error {
  constructor(
    readonly kind: CaptureErrorKind,
    message: string,
    /** Number of the frame that could not be read (framesRead + 1), when it applies. */
    readonly frameNumber?: number,
    /** Byte offset of the damaged record/block in the (decompressed) stream. */
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

export interface ReadResult {
  info: CaptureInfo | null;
  framesRead: number;
  /** Set when reading stopped on damage; every frame before it was delivered. */
  error?: CaptureError;
}

/** Return false to stop reading early (e.g. `-c N`). */
export type FrameHandler = (frame: Frame) => void | boolean;
