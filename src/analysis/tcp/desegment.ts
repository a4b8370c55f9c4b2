/**
 * Wireshark-style TCP desegmentation (tshark 4.0.17, single pass, default preferences:
 * `tcp.desegment_tcp_streams` on, `tcp.reassemble_out_of_order` off), as a segment listener of
 * the TCP engine (index.ts).
 *
 * For every TCP segment whose payload may be desegmented (all of it captured, not an IP fragment,
 * not quoted in an ICMP error, no RST) the listener calls the application decoder itself, the way
 * Wireshark's `desegment_tcp` does, and hands nothing on to the driver:
 *
 * - the decoder may ask for more bytes (desegment-request.ts: where its unfinished PDU starts and
 *   how many bytes it still needs, or "one more segment", or "until FIN"); the rest of the segment
 *   then opens a multi-segment PDU (MSP) of this direction, keyed by the relative sequence number
 *   of its first byte;
 * - a later segment that falls inside an MSP is added to it and is not handed to the decoder;
 *   the segment that completes the MSP gets the reassembled bytes ("Reassembled TCP (N bytes)"),
 *   the `tcp.segments` tree (`tcp.segment`, `tcp.segment.count`, `tcp.reassembled.length`) and the
 *   decoder's fields and columns; whatever follows the PDU in that segment is handed on again
 *   (several PDUs per segment, pipelining);
 * - segments that only carry part of a PDU show Protocol `TCP` and Info
 *   `... [TCP segment of a reassembled PDU]`;
 * - retransmissions (not the fast ones) and spurious retransmissions are not handed on; a
 *   segment that falls into an already reassembled PDU (an out-of-order or fast retransmission)
 *   raises tshark's `[Reassembly error, protocol TCP: New fragment overlaps old data
 *   (retransmission?)]`; a gap (segment never captured) leaves the MSP incomplete for ever, and
 *   data past its end is handed on as fresh data;
 * - "until FIN" PDUs (an HTTP response without length) collect the rest of the direction and are
 *   decoded on the FIN.
 *
 * `tcp.reassembled_in` on the earlier segments needs the future and is absent in tshark's single
 * pass too.
 *
 * Cost: a segment in a direction without any MSP does nothing beyond the decoder call the driver
 * would make; payload bytes are copied only into an open MSP, and dropped when its PDU is done.
 * Memory is bounded: an MSP holds at most `maxPdu` bytes and all MSPs together at most `maxBytes`
 * (past that the PDU keeps only its extent: its segments still show as segments of a PDU and the
 * data after it is handed on at the right place, but it is not decoded; `stats().abandoned`), a
 * direction keeps at most `maxMsps` MSP records (the lowest sequence numbers are forgotten), and a
 * conversation's state goes with `onRetire`.
 */
import type { DecodeContext, DecodeResult, Next } from '../../decoders/core/context.js';
import { dispatch } from '../../decoders/core/dissect.js';
import { expert } from '../../decoders/core/expert.js';
import { field } from '../../decoders/core/fields.js';
import type { Session } from '../../decoders/core/registry.js';
import { FullTree, type Tree } from '../../decoders/core/tree.js';
import { TCP_A, TH_FIN, TH_RST, TH_SYN, type TcpLayer } from '../../decoders/tcp.js';
import { DESEGMENT_REQUEST, DesegmentRequest, desegmentSlot, ONE_MORE_SEGMENT, UNTIL_FIN } from './desegment-request.js';
import type { TcpSegmentEvent, TcpSegmentListener } from './index.js';
import type { TcpConversation, TcpFlow } from './state.js';

export { DesegmentRequest, desegmentOffer, requestMore, ONE_MORE_SEGMENT, UNTIL_FIN } from './desegment-request.js';

export const hf = {
  segmentData: field('tcp.segment_data', 'TCP segment data', 'bytes'),
  segments: field('tcp.segments', 'Reassembled TCP Segments', 'none'),
  segment: field('tcp.segment', 'TCP Segment', 'framenum'),
  segmentCount: field('tcp.segment.count', 'Segment count', 'uint'),
  reassembledLength: field('tcp.reassembled.length', 'Reassembled TCP length', 'uint'),
  reassembledData: field('tcp.reassembled.data', 'Reassembled TCP Data', 'bytes'),
  finRetransmission: field('tcp.fin_retransmission', 'Retransmission of FIN from frame', 'framenum'),
};

const reassemblyError = expert('_ws.malformed.reassembly', 'error', 'malformed', 'Reassembly error');

export interface DesegmentOptions {
  /** Largest PDU reassembled, bytes. */
  maxPdu: number;
  /** MSP records kept per direction. */
  maxMsps: number;
  /** Bytes held by all MSPs of the capture. */
  maxBytes: number;
}

export const DEFAULT_DESEGMENT: DesegmentOptions = { maxPdu: 10 * 1024 * 1024, maxMsps: 64, maxBytes: 256 * 1024 * 1024 };

/** Wireshark's limit for the part of a segment that may open an MSP. */
const MAX_FIRST_PART = 1024 * 1024;
/** `nxtpdu` offset of an "until FIN" MSP. */
const UNTIL_FIN_SPAN = 0x40000000;

const EMPTY = new Uint8Array(0);

class ReassemblyError extends Error {}

/** One fragment of a reassembly (Wireshark's `fragment_item`, without its bytes). */
interface Frag {
  frame: number;
  off: number;
  len: number;
}

/** Wireshark's `fragment_head` for one MSP: the bytes from the MSP start, held contiguously while
 * they arrive in order (pieces after a hole wait in `pieces`). */
class Reassembly {
  buf: Uint8Array = EMPTY;
  /** Contiguous bytes from offset 0. */
  len = 0;
  pieces: { off: number; data: Uint8Array }[] | null = null;
  readonly frags: Frag[] = [];
  datalen = 0;
  datalenSet = false;
  defragmented = false;
  partial = false;
  reassembledIn = 0;
  /** Highest frame added. */
  maxFrame = 0;
  /** Size the PDU is expected to reach (0: unknown), for the first allocation. */
  expect = 0;
  /** Over the size or memory bound: only the PDU's extent is tracked (no bytes); it is not
   * decoded, but the data after it is handed on at the right place. */
  dropped = false;

  /** Bytes held (for the budget). */
  get held(): number {
    let n = this.buf.length;
    if (this.pieces) for (const p of this.pieces) n += p.data.length;
    return n;
  }

  /** The reassembled bytes (valid once defragmented). */
  data(): Uint8Array {
    return this.buf.subarray(0, this.datalen);
  }

  release(): void {
    this.buf = EMPTY;
    this.pieces = null;
    // a complete PDU needs no fragment list any more (it only takes errors from now on)
    if (this.defragmented && !this.partial) this.frags.length = 0;
  }
}

/** Wireshark's `tcp_multisegment_pdu`. Sequence numbers are relative, as in Wireshark. */
class Msp {
  entire = false;
  lastFrame: number;
  constructor(
    readonly seq: number,
    public nxtpdu: number,
    public firstFrame: number,
    public fd: Reassembly,
  ) {
    this.lastFrame = firstFrame;
  }
}

/** Desegmentation state of one direction. */
class DirState {
  /** MSPs sorted by `seq` as an unsigned number (Wireshark's wmem tree compares plainly). */
  readonly msps: Msp[] = [];
  untilFin = false;
  fin = 0;

  /** Index of the MSP with key `seq`, or -(insertion point) - 1. */
  private find(seq: number): number {
    const a = this.msps;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = a[mid]!.seq;
      if (k === seq) return mid;
      if (k < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  lookup(seq: number): Msp | null {
    if (this.msps.length === 0) return null;
    const i = this.find(seq);
    return i >= 0 ? this.msps[i]! : null;
  }

  /** The MSP with the greatest key <= `key` (`wmem_tree_lookup32_le`). */
  lookupLe(key: number): Msp | null {
    if (this.msps.length === 0) return null;
    const i = this.find(key);
    if (i >= 0) return this.msps[i]!;
    const ins = -i - 1;
    return ins > 0 ? this.msps[ins - 1]! : null;
  }

  insert(m: Msp): Msp | null {
    const i = this.find(m.seq);
    if (i >= 0) {
      const old = this.msps[i]!;
      this.msps[i] = m;
      return old;
    }
    this.msps.splice(-i - 1, 0, m);
    return null;
  }

}

interface ConvState {
  d1: DirState | null;
  d2: DirState | null;
}

/** Per-segment working values of `desegment_tcp`. */
interface Run {
  ctx: DecodeContext;
  layer: TcpLayer;
  frame: number;
  next: Next | undefined;
  /** Bytes of the TCP layer (`ctx.data`); payload ends at `end`. */
  end: number;
  tree: Tree | undefined;
  /** Index in the root FullTree right after the TCP node (for the fragment tree). */
  rootIndex: number;
}

/** Whether a full decode could show more of this segment than a transport-only one: its payload
 * goes to a decoder above TCP (`handsOn`: `tcpPayloadNext` gave a hand-off), or `onSegment` may
 * act on it in a way columns or TCP's own fields show. A FIN may end a PDU read until FIN. A
 * retransmission's payload is exempt (`desegment` just notes it in the tree), and so is a
 * spurious one that `onSegment` takes (whole payload captured) although it has a hand-off. */
export function reachesAboveTcp(l: TcpLayer, handsOn: boolean): boolean {
  if (l.errorDepth !== 0) return handsOn;
  if (l.flags & TH_FIN) return true;
  if (l.payloadCaptured === 0) return handsOn;
  const a = l.analysis;
  if (a && a.flags & TCP_A.SPURIOUS_RETRANSMISSION && l.payloadCaptured === l.seglen) return false;
  return handsOn || !a || !(a.flags & (TCP_A.RETRANSMISSION | TCP_A.SPURIOUS_RETRANSMISSION));
}

export class TcpDesegmenter implements TcpSegmentListener {
  private readonly req: DesegmentRequest;
  /** Bytes held by all MSPs. */
  private held = 0;
  /** Abandoned PDUs (size bound or memory budget). */
  abandoned = 0;

  constructor(
    session: Session,
    private readonly opts: DesegmentOptions = DEFAULT_DESEGMENT,
  ) {
    this.req = session.get(DESEGMENT_REQUEST);
  }

  /** Bytes held by open PDUs, and PDUs abandoned at the size or memory bound. */
  stats(): { held: number; abandoned: number } {
    return { held: this.held, abandoned: this.abandoned };
  }

  onRetire(conv: TcpConversation): void {
    const s = conv.ext?.desegment as ConvState | undefined;
    if (!s) return;
    for (const d of [s.d1, s.d2]) if (d) for (const m of d.msps) this.release(m.fd);
    conv.ext!.desegment = undefined;
  }

  onSegment(ev: TcpSegmentEvent): DecodeResult | void {
    const l = ev.layer;
    if (l.errorDepth !== 0 || !ev.complete || l.seglen < 0 || l.hdrLen < 20) return;
    // nothing above TCP is wanted (flow tables), or nothing is decoded here at all
    const ctx = ev.ctx;
    if (!ctx || ctx.transportOnly) return;
    const flags = l.flags;
    // pure ACKs cost nothing here
    if (!(flags & TH_FIN) && l.payloadCaptured === 0) return;
    const a = ev.analysis;
    const conv = ev.conversation;
    const seglen = l.seglen;
    // relative numbers, as Wireshark's desegmentation sees them (SYN data starts one later)
    let seq = a.seq;
    if (flags & TH_SYN) seq = (seq + 1) >>> 0;
    const nxtseq = (seq + seglen) >>> 0;
    const dir = this.dirOf(conv, ev.fwd, false);

    // The FIN that ends an "until FIN" PDU completes it (before any payload handling).
    if (dir && dir.untilFin && flags & TH_FIN) {
      if (dir.fin === 0 || dir.fin === ctx.packet.frame.number) {
        dir.fin = ctx.packet.frame.number;
        const done = this.finishAtFin(ctx, ev, dir, seq);
        if (done) return done;
      } else {
        l.tree?.add(hf.finRetransmission, l.offset, 0, dir.fin, { generated: true });
      }
    }

    if (l.payloadCaptured === 0 || flags & TH_RST) return;
    // can_desegment: the whole segment was captured
    if (l.payloadCaptured !== seglen) return;
    if (ev.result.next === undefined && !(a.flags & (TCP_A.RETRANSMISSION | TCP_A.OUT_OF_ORDER))) return;
    const run: Run = {
      ctx,
      layer: l,
      frame: ctx.packet.frame.number,
      next: ev.result.next,
      end: l.payloadOffset + l.payloadCaptured,
      tree: l.tree,
      rootIndex: ctx.rootTree instanceof FullTree ? ctx.rootTree.roots.length : -1,
    };
    try {
      this.desegment(run, ev, dir, seq, nxtseq, l.payloadOffset);
    } catch (e) {
      if (!(e instanceof ReassemblyError)) throw e;
      this.reassemblyFailed(ctx, l, e.message);
    } finally {
      this.req.reset();
      ctx.lockProtocol(false);
    }
    // the decoders were called here: nothing more to hand on
    const r = ev.result;
    r.next = undefined;
    return r;
  }

  // -------------------------------------------------------------------------------------------

  /** Wireshark's `desegment_tcp` for one segment. */
  private desegment(run: Run, ev: TcpSegmentEvent, dirIn: DirState | null, seq: number, nxtseq: number, offset: number): void {
    const { ctx, frame, end } = run;
    const a = ev.analysis;
    const req = this.req;
    let dir = dirIn;
    let firstPdu = true;
    for (let loop = 0; loop < 4096; loop++) {
      let msp: Msp | null = null;
      let fd: Reassembly | null = null;
      let lastFragLen = 0;
      let mustDesegment = false;
      let called = false;
      let another = 0;
      let desegOffset = offset;
      req.reset();

      if (dir) {
        // the start of a known MSP again: a retransmission (no analysis flag needed)
        msp = dir.lookup(seq);
        if (msp && nxtseq <= msp.nxtpdu && msp.lastFrame !== frame) {
          if (msp.firstFrame === frame) {
            if (firstPdu) this.appendSegmentNote(ctx);
            this.segmentData(run, offset, end - offset, '');
          } else this.segmentData(run, offset, end - offset, 'Retransmitted ');
          return;
        }
      }
      if (a.flags & TCP_A.SPURIOUS_RETRANSMISSION) return;
      if (a.flags & TCP_A.RETRANSMISSION) {
        this.segmentData(run, offset, end - offset, 'Retransmitted ');
        return;
      }
      if (dir && !msp) msp = dir.lookupLe((seq - 1) >>> 0);

      let inMsp = false;
      if (msp && leSeq(msp.seq, seq) && gtSeq(msp.nxtpdu, seq)) {
        msp.lastFrame = frame;
        const len = msp.entire ? end - offset : Math.min((nxtseq - seq) >>> 0, (msp.nxtpdu - seq) >>> 0);
        lastFragLen = len;
        inMsp = true;
        if (this.add(msp, frame, ctx.data, offset, (seq - msp.seq) >>> 0, len, ltSeq(nxtseq, msp.nxtpdu))) fd = msp.fd;
        if (msp.entire) {
          msp.entire = false;
          if (ltSeq(msp.nxtpdu, nxtseq)) msp.nxtpdu = nxtseq;
        }
        if (msp.nxtpdu < nxtseq && msp.nxtpdu >= seq && len > 0) another = msp.nxtpdu - seq;
      }
      if (!inMsp) {
        // not inside an MSP: the normal hand-off
        this.callDecoder(run, ctx.data, offset, end, undefined, !!(ev.layer.flags & TH_FIN));
        called = true;
        if (req.len) {
          mustDesegment = true;
          desegOffset = offset + req.offset;
        }
      }

      if (fd && fd.dropped) {
        // a PDU over the bounds ends here: not decoded, shown as a segment of it
        this.release(fd);
        fd = null;
      }
      if (fd && fd.reassembledIn === frame && msp) {
        // the last segment of the PDU: the decoder gets the reassembled bytes
        const data = fd.data();
        this.callDecoder(run, data, 0, data.length, `Reassembled TCP (${data.length} bytes)`, !!(ev.layer.flags & TH_FIN));
        called = true;
        if (req.len) {
          const dOff = req.offset;
          const dLen = req.len;
          if (dOff === 0 || leSeq((msp.seq + dOff) >>> 0, seq)) {
            fd.partial = true;
          } else {
            const newMsp = this.split(dir!, msp, dOff);
            this.fragmentTree(run, msp.fd, data.length);
            this.release(msp.fd);
            msp = newMsp;
          }
          if (dLen === ONE_MORE_SEGMENT) {
            const reach = (seq + (end - offset)) >>> 0;
            msp.nxtpdu = ((gtSeq(reach, msp.nxtpdu) ? reach : msp.nxtpdu) + 1) >>> 0;
            msp.entire = true;
          } else if (dLen === UNTIL_FIN) {
            dir!.untilFin = true;
            msp.nxtpdu = (msp.seq + UNTIL_FIN_SPAN) >>> 0;
          } else if (geSeq((seq + lastFragLen) >>> 0, msp.nxtpdu)) {
            msp.nxtpdu = (seq + lastFragLen + dLen) >>> 0;
          } else {
            msp.nxtpdu = (msp.nxtpdu + dLen) >>> 0;
          }
          if (dLen !== ONE_MORE_SEGMENT && dLen !== UNTIL_FIN) msp.fd.expect = (msp.nxtpdu - msp.seq) >>> 0;
          offset += lastFragLen;
          seq = (seq + lastFragLen) >>> 0;
          if (end - offset > 0) continue;
          // nothing left: the segment shows as part of a PDU (below)
        } else {
          this.segmentData(run, offset, another > 0 ? another : end - offset, '');
          this.fragmentTree(run, fd, data.length);
          // a complete PDU keeps no bytes (a later segment into it is an error anyway)
          this.release(fd);
        }
      }

      if (mustDesegment) {
        const desegSeq = (seq + (desegOffset - offset)) >>> 0;
        const dLen = req.len;
        dir ??= this.dirOf(ev.conversation, ev.fwd, true)!;
        if (dLen === UNTIL_FIN) dir.untilFin = true;
        const part = (nxtseq - desegSeq) >>> 0;
        if (part <= MAX_FIRST_PART) {
          let m: Msp;
          if (dLen === ONE_MORE_SEGMENT) {
            m = this.store(dir, desegSeq, (nxtseq + 1) >>> 0, frame);
            m.entire = true;
          } else if (dLen === UNTIL_FIN) {
            m = this.store(dir, desegSeq, (nxtseq + UNTIL_FIN_SPAN) >>> 0, frame);
          } else {
            m = this.store(dir, desegSeq, (nxtseq + dLen) >>> 0, frame);
            m.fd.expect = part + dLen;
          }
          this.add(m, frame, ctx.data, desegOffset, 0, part, ltSeq(nxtseq, m.nxtpdu));
        }
      }

      if (!called || req.len !== 0) {
        if (req.offset === 0) {
          ctx.setProtocol('TCP');
          if (firstPdu) this.appendSegmentNote(ctx);
        }
        this.segmentData(run, desegOffset, another ? another : end - desegOffset, '');
      }
      req.reset();
      if (!another) return;
      // another PDU follows in this segment: keep what the columns say so far
      ctx.fenceInfo();
      ctx.lockProtocol(true);
      firstPdu = false;
      offset += another;
      seq = (seq + another) >>> 0;
    }
  }

  /** The FIN of a direction collecting "until FIN": adds the FIN segment to the open MSP and, when
   * that completes it, decodes it here (returns the hand-off to use then). */
  private finishAtFin(ctx: DecodeContext, ev: TcpSegmentEvent, dir: DirState, seq: number): DecodeResult | null {
    const l = ev.layer;
    const msp = dir.lookupLe((seq - 1) >>> 0);
    if (!msp || l.payloadCaptured < l.seglen) return null;
    const frame = ctx.packet.frame.number;
    const run: Run = {
      ctx,
      layer: l,
      frame,
      next: ev.result.next,
      end: l.payloadOffset + l.payloadCaptured,
      tree: l.tree,
      rootIndex: ctx.rootTree instanceof FullTree ? ctx.rootTree.roots.length : -1,
    };
    let complete: boolean;
    try {
      complete = this.add(msp, frame, ctx.data, l.payloadOffset, (seq - msp.seq) >>> 0, l.seglen, false);
    } catch (e) {
      if (!(e instanceof ReassemblyError)) throw e;
      this.reassemblyFailed(ctx, l, e.message);
      return { offset: run.end, end: run.end };
    }
    if (!complete || msp.fd.reassembledIn !== frame) return null;
    if (msp.fd.dropped) {
      this.release(msp.fd);
      return null;
    }
    const data = msp.fd.data();
    this.fragmentTree(run, msp.fd, data.length);
    // the hand-off of the reassembled bytes (decode_tcp_ports), without desegmentation any more
    let next: Next | undefined;
    const f = ev.analysis.flags;
    if (f & TCP_A.KEEP_ALIVE) next = { proto: 'data' };
    else if (!(f & (TCP_A.RETRANSMISSION | TCP_A.OUT_OF_ORDER))) {
      const sp = ev.conversation.serverPort;
      const d = sp !== 0 ? ctx.registry.lookup('tcp.port', sp) : undefined;
      next = d ? { proto: d.proto } : { table: 'tcp.port', ports: [l.srcPort, l.dstPort], heuristics: 'tcp' };
    }
    this.req.reset();
    this.req.fin = true;
    if (next) dispatch(ctx, { offset: 0, end: data.length, data, dataName: `Reassembled TCP (${data.length} bytes)`, next }, ctx.rootTree);
    return { offset: run.end, end: run.end };
  }

  /** Hands [off, end) of `data` to the application decoder, offering desegmentation. */
  private callDecoder(run: Run, data: Uint8Array, off: number, end: number, name: string | undefined, fin: boolean): void {
    const req = this.req;
    req.reset();
    if (!run.next) return;
    const ctx = run.ctx;
    req.base = ctx.packet.layers.length;
    req.start = off;
    req.fin = fin;
    const r: DecodeResult = name === undefined ? { offset: off, end, next: run.next } : { offset: off, end, next: run.next, data, dataName: name };
    dispatch(ctx, r, ctx.rootTree);
    req.base = -1;
  }

  /** `fragment_add` for an MSP, with the size and memory bounds (past them the PDU keeps its
   * extent only). Returns whether the PDU is now complete. */
  private add(msp: Msp, frame: number, src: Uint8Array, srcOff: number, off: number, n: number, more: boolean): boolean {
    const fd = msp.fd;
    // already added in this frame (Wireshark's check_already_added)
    if (frame <= fd.maxFrame) {
      for (const f of fd.frags) if (f.frame === frame && f.off === off) return fd.defragmented;
    }
    if (fd.defragmented) {
      if (off + n >= fd.datalen && fd.partial) {
        fd.defragmented = false;
        fd.partial = false;
        fd.datalenSet = false;
        fd.datalen = 0;
        fd.reassembledIn = 0;
      } else {
        throw new ReassemblyError(off >= fd.datalen && off + n >= fd.datalen ? 'New fragment past old data limits' : 'New fragment overlaps old data (retransmission?)');
      }
    }
    if (!fd.dropped && (off + n > this.opts.maxPdu || this.held + n > this.opts.maxBytes)) {
      fd.dropped = true;
      this.release(fd);
      this.abandoned++;
    }
    if (frame > fd.maxFrame) fd.maxFrame = frame;
    if (!more && !fd.datalenSet) {
      fd.datalen = off + n;
      fd.datalenSet = true;
    }
    // keep the fragment list sorted by offset (equal offsets in arrival order)
    const frags = fd.frags;
    let i = frags.length;
    while (i > 0 && frags[i - 1]!.off > off) i--;
    frags.splice(i, 0, { frame, off, len: n });
    this.write(fd, off, src.subarray(srcOff, srcOff + n));
    if (!fd.datalenSet || fd.len < fd.datalen) return false;
    fd.defragmented = true;
    fd.reassembledIn = frame;
    return true;
  }

  /** Stores bytes at `off` of a reassembly (the first copy of a byte wins, as in Wireshark). */
  private write(fd: Reassembly, off: number, bytes: Uint8Array): void {
    if (fd.dropped) {
      // extent only (a hole is never filled in this mode)
      if (off <= fd.len && off + bytes.length > fd.len) fd.len = off + bytes.length;
      return;
    }
    if (off > fd.len) {
      (fd.pieces ??= []).push({ off, data: bytes.slice() });
      this.held += bytes.length;
      return;
    }
    this.extend(fd, off, bytes);
    const ps = fd.pieces;
    if (!ps) return;
    for (let again = true; again && ps.length; ) {
      again = false;
      for (let k = 0; k < ps.length; k++) {
        const p = ps[k]!;
        if (p.off <= fd.len) {
          ps.splice(k, 1);
          this.held -= p.data.length;
          this.extend(fd, p.off, p.data);
          again = true;
          break;
        }
      }
    }
    if (ps.length === 0) fd.pieces = null;
  }

  private extend(fd: Reassembly, off: number, bytes: Uint8Array): void {
    const end = off + bytes.length;
    if (end <= fd.len) return;
    if (end > fd.buf.length) {
      // the expected PDU size when the decoder said it, else doubling
      const want = fd.expect > end ? fd.expect : Math.max(end, fd.buf.length * 2, 2048);
      const cap = Math.min(want, Math.max(end, this.opts.maxPdu));
      const nb = new Uint8Array(cap);
      nb.set(fd.buf.subarray(0, fd.len));
      this.held += cap - fd.buf.length;
      fd.buf = nb;
    }
    fd.buf.set(bytes.subarray(fd.len - off), fd.len);
    fd.len = end;
  }

  private release(fd: Reassembly): void {
    this.held -= fd.held;
    fd.release();
  }

  /** `pdu_store_sequencenumber_of_next_pdu`. */
  private store(dir: DirState, seq: number, nxtpdu: number, frame: number): Msp {
    const m = new Msp(seq, nxtpdu, frame, new Reassembly());
    const old = dir.insert(m);
    if (old) this.release(old.fd);
    this.trim(dir);
    return m;
  }

  /** Keeps at most `maxMsps` records per direction: the lowest keys go first. Completed PDUs
   * keep no bytes. */
  private trim(dir: DirState): void {
    const a = dir.msps;
    while (a.length > this.opts.maxMsps) {
      const m = a.shift()!;
      this.release(m.fd);
    }
    // the bytes of completed PDUs are no longer needed (unless the decoder asked for more)
    for (const m of a) if (m.fd.defragmented && !m.fd.partial && m.fd.buf.length) this.release(m.fd);
  }

  /** `split_msp`: the decoder used the first `split` bytes of a reassembled PDU; the rest starts
   * a new MSP. */
  private split(dir: DirState, msp: Msp, split: number): Msp {
    const fd = msp.fd;
    let firstFrame = 0;
    let first = -1;
    const frags = fd.frags;
    for (let i = 0; i < frags.length && frags[i]!.off < split; i++) {
      const f = frags[i]!;
      if (f.off + f.len >= split) {
        if (first < 0) {
          first = i;
          firstFrame = f.frame;
        } else if (f.frame < firstFrame) firstFrame = f.frame;
      }
    }
    for (const f of frags) if (f.off >= split && split <= f.off + f.len && f.frame < firstFrame) firstFrame = f.frame;
    const newSeq = (msp.seq + split) >>> 0;
    const nm = new Msp(newSeq, (newSeq + 1) >>> 0, firstFrame || msp.lastFrame, new Reassembly());
    nm.nxtpdu = msp.nxtpdu;
    const nfd = nm.fd;
    const start = first >= 0 ? first : frags.length;
    for (let i = start; i < frags.length; i++) {
      const f = frags[i]!;
      if (split > f.off + f.len) continue;
      const o = Math.max(f.off, split);
      const n = f.len - (o - f.off);
      nfd.frags.push({ frame: f.frame, off: o - split, len: n });
      if (f.frame > nfd.maxFrame) nfd.maxFrame = f.frame;
    }
    if (fd.len > split) this.write(nfd, 0, fd.buf.subarray(split, fd.len));
    // truncate the old one
    fd.datalen = split;
    for (let i = frags.length - 1; i >= 0; i--) {
      const f = frags[i]!;
      if (f.off >= split) frags.splice(i, 1);
      else if (f.off + f.len > split) f.len = split - f.off;
    }
    msp.nxtpdu = (msp.seq + split) >>> 0;
    const old = dir.insert(nm);
    if (old && old !== msp) this.release(old.fd);
    return nm;
  }

  private dirOf(conv: TcpConversation, fwd: TcpFlow, create: boolean): DirState | null {
    let s = conv.ext?.desegment as ConvState | undefined;
    if (!s) {
      if (!create) return null;
      s = { d1: null, d2: null };
      (conv.ext ??= {}).desegment = s;
    }
    if (fwd === conv.flow1) return s.d1 ?? (create ? (s.d1 = new DirState()) : null);
    return s.d2 ?? (create ? (s.d2 = new DirState()) : null);
  }

  // -------------------------------------------------------------------------------------------
  // Output

  /** `col_append_sep_str(COL_INFO, " ", "[TCP segment of a reassembled PDU]")`. */
  private appendSegmentNote(ctx: DecodeContext): void {
    if (!ctx.columns) return;
    ctx.appendInfo(ctx.info.length ? ' [TCP segment of a reassembled PDU]' : '[TCP segment of a reassembled PDU]');
  }

  private segmentData(run: Run, off: number, n: number, prefix: string): void {
    const t = run.tree;
    if (!t || n <= 0) return;
    const cap = Math.max(0, Math.min(n, run.end - off));
    t.add(hf.segmentData, off, cap, run.ctx.data.subarray(off, off + cap), {
      text: `${prefix}TCP segment data (${n} byte${n === 1 ? '' : 's'})`,
    });
  }

  /** `show_fragment_tree`: the segments of a reassembled PDU, right after the TCP tree. The
   * lengths shown are those of the bytes handed to the decoder (`length`), the segments those
   * left in the PDU (fewer after a split). */
  private fragmentTree(run: Run, fd: Reassembly, length: number): void {
    const root = run.ctx.rootTree;
    if (!root || !run.tree) return;
    const full = root instanceof FullTree && run.rootIndex >= 0;
    const t: Tree = full ? new FullTree(null, []) : root;
    const frags = fd.frags;
    const n = frags.length;
    let head = `[${n} ${n === 1 ? 'TCP Segment' : 'Reassembled TCP Segments'} (${length} byte${length === 1 ? '' : 's'}): `;
    if (full) head += frags.map((f) => `#${f.frame}(${f.len})`).join(', ');
    const top = t.add(hf.segments, 0, length, null, { text: head + ']', generated: true });
    for (const f of frags) {
      top.add(hf.segment, f.off, f.len, f.frame, {
        generated: true,
        text: `[Frame: ${f.frame}, payload: ${f.off}-${(f.off + f.len - 1) >>> 0} (${f.len} byte${f.len === 1 ? '' : 's'})]`,
      });
    }
    top.add(hf.segmentCount, 0, 0, n, { generated: true, text: `[Segment count: ${n}]` });
    top.add(hf.reassembledLength, 0, 0, length, { generated: true, text: `[Reassembled TCP length: ${length}]` });
    if (top.wants(hf.reassembledData)) {
      const data = fd.buf.subarray(0, Math.min(length, fd.len));
      let h = '';
      for (let i = 0; i < data.length && i < 36; i++) h += data[i]!.toString(16).padStart(2, '0');
      top.add(hf.reassembledData, 0, data.length, data, {
        generated: true,
        text: `[Reassembled TCP Data: ${h}${data.length > 36 ? '\u2026' : ''}]`,
      });
    }
    if (full) (root as FullTree).roots.splice(run.rootIndex, 0, ...(t as FullTree).roots);
  }

  /** tshark's `[Reassembly error, protocol TCP: ...]` (an exception that ends the TCP layer). */
  private reassemblyFailed(ctx: DecodeContext, l: TcpLayer, message: string): void {
    const text = `Reassembly error, protocol TCP: ${message}`;
    ctx.issue('tcp', reassemblyError, ctx.rootTree, l.offset, 0, message);
    if (ctx.columns) ctx.appendInfo(`[${text}]`);
  }
}

const gtSeq = (x: number, y: number): boolean => ((y - x) | 0) < 0;
const ltSeq = (x: number, y: number): boolean => ((x - y) | 0) < 0;
const geSeq = (x: number, y: number): boolean => ((y - x) | 0) <= 0;
const leSeq = (x: number, y: number): boolean => ((x - y) | 0) <= 0;
