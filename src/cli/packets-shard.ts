/**
 * `pcapscope packets` in parallel: each worker prints the frames of its shard (engine/shard.ts)
 * into its own byte stream, noting where each frame's output ends, and the main thread copies
 * the frames' bytes out in frame order. A worker also reports how far it has read, so the main
 * thread knows when no output of an earlier frame can still come from it.
 */
import type { Frame, ReadResult } from '../capture/types.js';
import { decodeCapture } from '../engine/decode.js';
import { readResultOf, runShards, shardRead, type GiveBack, type ShardJob, type ShardRead, type ShardSpec } from '../engine/parallel.js';
import { ByteWriter } from '../output/writer.js';
import { framePrinter, type FrameOut, type FramePrinter, type PacketsOptions } from './packets.js';

/** One batch of a worker's output. */
interface Part {
  /** Frames printed, and where each one's output ends in the worker's byte stream. */
  frames: number[];
  ends: number[];
  /** The stream's next bytes. */
  chunks: Uint8Array[];
  /** Every frame up to this number has been read (and printed, when it is in `frames`). */
  upTo: number;
}

/** Bytes of output, or frames read, after which a worker sends what it has. */
const PART_BYTES = 1 << 18;
const PART_FRAMES = 1 << 16;

export async function packetsShard(
  job: ShardJob,
  shard: ShardSpec,
  emit: (value: unknown, transfer?: ArrayBuffer[]) => void,
  reclaim: () => ArrayBuffer | undefined,
): Promise<{ value: ShardRead } | { mismatch: number }> {
  const o = job.options as PacketsOptions;
  const printer = framePrinter(o) as FramePrinter;
  const text = (o.format ?? 'text') === 'text';
  let part: Part = { frames: [], ends: [], chunks: [], upTo: 0 };
  // flushed bytes are copied (the writer reuses its buffer) into a buffer the main thread
  // returned, or a new one: fresh memory for every 256 KiB of output cost a third of a core
  const bytes = new ByteWriter((b) => {
    const back = b.length <= PART_BYTES ? reclaim() : undefined;
    const c = new Uint8Array(back ?? new ArrayBuffer(Math.max(b.length, PART_BYTES)), 0, b.length);
    c.set(b);
    part.chunks.push(c);
  }, PART_BYTES);
  const out: FrameOut = {
    line(s) {
      bytes.str(s);
      bytes.newline();
    },
    bytes,
  };
  let sent = 0;
  let sinceSent = 0;
  const send = () => {
    bytes.flush();
    emit(part, part.chunks.map((c) => c.buffer as ArrayBuffer));
    part = { frames: [], ends: [], chunks: [], upTo: part.upTo };
    sent = bytes.written;
    sinceSent = 0;
  };
  let mismatch = -1;
  const onMismatch = (frame: number) => void (mismatch = frame);
  const onRead = (frame: Frame) => {
    // a nanosecond time turns every later packet-list time to 9 decimals, from whichever shard
    if (text && frame.tsNsec % 1000 !== 0) {
      mismatch = frame.number;
      return false;
    }
    part.upTo = frame.number - 1;
    if (++sinceSent >= PART_FRAMES) send();
    return true;
  };
  const result = await decodeCapture(job.file, { ...printer.decode, limit: undefined, shard: { ...shard, onMismatch, onRead } }, (d) => {
    printer.frame(d, out);
    part.frames.push(d.packet.frame.number);
    part.ends.push(bytes.written);
    part.upTo = d.packet.frame.number;
    if (bytes.written - sent >= PART_BYTES) send();
  });
  if (mismatch >= 0) {
    send();
    return { mismatch };
  }
  part.upTo = Infinity;
  send();
  return { value: shardRead(result) };
}

/** One worker's output as it arrives: its parts in order, read frame by frame. */
class ShardStream {
  private readonly parts: Part[] = [];
  /** Next frame of `parts[0]`. */
  private at = 0;
  private chunks: Uint8Array[] = [];
  /** Stream offset of `chunks[0]`, and how much of the stream has been copied out. */
  private base = 0;
  private consumed = 0;
  progress = 0;
  /** Buffers copied out, to go back to the worker. */
  readonly done: ArrayBuffer[] = [];
  giveBack: GiveBack | null = null;

  add(p: Part): void {
    if (p.frames.length) this.parts.push(p);
    for (const c of p.chunks) this.chunks.push(c);
    this.progress = p.upTo;
  }

  /** The next frame with output, or Infinity. */
  get head(): number {
    const p = this.parts[0];
    return p === undefined ? Infinity : p.frames[this.at]!;
  }

  /** Copies the output of the head frames numbered below `before` (at most `max` frames) to `w`
   * in one run; returns how many. */
  takeRun(w: ByteWriter, before: number, max: number): number {
    let n = 0;
    let end = this.consumed;
    for (let p = this.parts[0]; p !== undefined && n < max && p.frames[this.at]! < before; n++) {
      end = p.ends[this.at++]!;
      if (this.at === p.frames.length) {
        this.parts.shift();
        this.at = 0;
        p = this.parts[0];
      }
    }
    while (this.consumed < end) {
      const c = this.chunks[0]!;
      const from = this.consumed - this.base;
      const to = Math.min(c.length, end - this.base);
      w.raw(c.subarray(from, to));
      this.consumed = this.base + to;
      if (to === c.length) {
        this.chunks.shift();
        this.base += c.length;
        this.done.push(c.buffer as ArrayBuffer);
      }
    }
    return n;
  }

  /** Returns the copied-out buffers to the worker. */
  release(): void {
    if (this.done.length && this.giveBack) this.giveBack(this.done.splice(0));
  }
}

/** Runs the workers and copies their output to `w` in frame order. `ok: false` when the split
 * failed: every frame up to `printedUpTo` has been printed (`printed` of them), the rest is for
 * one thread. */
export async function printShards(
  file: string,
  o: PacketsOptions,
  count: number,
  limit: number | undefined,
  w: ByteWriter,
): Promise<{ ok: true; result: ReadResult } | { ok: false; printedUpTo: number; printed: number }> {
  const streams = Array.from({ length: count }, () => new ShardStream());
  let printed = 0;
  let frontier = 0;

  /** Prints every frame up to `upTo` that has arrived, in frame order; false once `limit` is reached.
   * Consecutive frames of one worker (a bulk transfer's packets) are copied as one run. */
  const drain = (upTo: number): boolean => {
    for (;;) {
      let best: ShardStream | null = null;
      let second = Infinity;
      for (const s of streams) {
        const h = s.head;
        if (best === null || h < best.head) {
          if (best !== null) second = Math.min(second, best.head);
          best = s;
        } else second = Math.min(second, h);
      }
      if (best === null || best.head === Infinity || best.head > upTo) return true;
      const max = limit === undefined ? Infinity : limit - printed;
      printed += best.takeRun(w, Math.min(second, upTo + 1), max);
      if (limit !== undefined && printed >= limit) return false;
    }
  };

  let done = false;
  const outcome = await runShards({ kind: 'packets', file, options: o }, count, (k, value, giveBack) => {
    if (done) return false;
    const s = streams[k]!;
    s.giveBack = giveBack;
    s.add(value as Part);
    frontier = Math.min(...streams.map((x) => x.progress));
    if (!drain(frontier)) done = true;
    for (const x of streams) x.release();
    return !done;
  });
  if (!outcome.ok) {
    // frames up to the frontier are complete; what follows is printed again in one thread
    const upTo = Math.min(frontier, outcome.mismatch - 1);
    if (!done) drain(upTo);
    return { ok: false, printedUpTo: upTo, printed };
  }
  if (!outcome.stopped) drain(Infinity);
  // workers ended early (`-c`) left no final value
  return { ok: true, result: readResultOf((outcome.values as (ShardRead | undefined)[]).find((x) => x !== undefined)) };
}
