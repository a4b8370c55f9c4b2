/**
 * `pcapscope packets` in parallel: each worker prints the frames of its shard (engine/shard.ts)
 * into records tagged with their frame numbers, and the main thread writes them in frame order.
 * A worker also reports how far it has read, so the main thread knows when no record of an
 * earlier frame can still come from it.
 */
import type { CaptureErrorKind, Frame, ReadResult } from '../capture/types.js';
import { decodeCapture } from '../engine/decode.js';
import { runShards, type ShardJob, type ShardSpec } from '../engine/parallel.js';
import { framePrinter, type FramePrinter, type PacketsOptions } from './packets.js';

/** One batch of a worker's output. */
interface Part {
  frames: number[];
  /** Each frame's lines, newline-terminated. */
  texts: string[];
  /** Every frame up to this number has been read (and printed, when it is in `frames`). */
  upTo: number;
}

interface Final {
  upTo: number;
  framesRead: number;
  error: { kind: CaptureErrorKind; message: string } | null;
}

/** Bytes of text, or frames read, after which a worker sends what it has. */
const PART_CHARS = 1 << 18;
const PART_FRAMES = 1 << 16;

export async function packetsShard(job: ShardJob, shard: ShardSpec, emit: (value: unknown) => void): Promise<{ value: Final } | { mismatch: number }> {
  const o = job.options as PacketsOptions;
  const printer = framePrinter(o) as FramePrinter;
  const text = (o.format ?? 'text') === 'text';
  let part: Part = { frames: [], texts: [], upTo: 0 };
  let chars = 0;
  let sinceSent = 0;
  const send = () => {
    emit(part);
    part = { frames: [], texts: [], upTo: part.upTo };
    chars = 0;
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
  let cur = '';
  const line = (s: string) => void (cur += s + '\n');
  const result = await decodeCapture(job.file, { ...printer.decode, limit: undefined, shard: { ...shard, onMismatch, onRead } }, (d) => {
    cur = '';
    printer.frame(d, line);
    part.frames.push(d.packet.frame.number);
    part.texts.push(cur);
    part.upTo = d.packet.frame.number;
    chars += cur.length;
    if (chars >= PART_CHARS) send();
  });
  if (mismatch >= 0) {
    send();
    return { mismatch };
  }
  part.upTo = Infinity;
  send();
  return {
    value: { upTo: Infinity, framesRead: result.framesRead, error: result.error ? { kind: result.error.kind, message: result.error.message } : null },
  };
}

/** Runs the workers and writes their records in frame order through `line` (which takes text
 * without its final newline). `ok: false` when the split failed: every frame up to `printedUpTo`
 * has been printed (`printed` records), the rest is for one thread. */
export async function printShards(
  file: string,
  o: PacketsOptions,
  count: number,
  limit: number | undefined,
  line: (s: string) => void,
): Promise<{ ok: true; result: ReadResult } | { ok: false; printedUpTo: number; printed: number }> {
  const queues: Part[][] = Array.from({ length: count }, () => []);
  const heads = new Array<number>(count).fill(0);
  const progress = new Array<number>(count).fill(0);
  let printed = 0;
  let frontier = 0;

  /** Prints every queued record up to `upTo` in frame order; false once `limit` is reached. */
  const drain = (upTo: number): boolean => {
    for (;;) {
      let best = -1;
      let bestFrame = Infinity;
      for (let k = 0; k < count; k++) {
        const q = queues[k]!;
        while (q.length && heads[k]! >= q[0]!.frames.length) {
          q.shift();
          heads[k] = 0;
        }
        const f = q.length ? q[0]!.frames[heads[k]!]! : Infinity;
        if (f < bestFrame) {
          bestFrame = f;
          best = k;
        }
      }
      if (best < 0 || bestFrame > upTo) return true;
      const t = queues[best]![0]!.texts[heads[best]!]!;
      heads[best]!++;
      line(t.endsWith('\n') ? t.slice(0, -1) : t);
      if (limit !== undefined && ++printed >= limit) return false;
    }
  };

  let done = false;
  const outcome = await runShards({ kind: 'packets', file, options: o }, count, (k, value) => {
    if (done) return false;
    const p = value as Part;
    if (p.frames.length) queues[k]!.push(p);
    progress[k] = p.upTo;
    frontier = Math.min(...progress);
    if (!drain(frontier)) done = true;
    return !done;
  });
  if (!outcome.ok) {
    // records up to the frontier are complete; what follows is printed again in one thread
    const upTo = Math.min(frontier, outcome.mismatch - 1);
    drain(upTo);
    return { ok: false, printedUpTo: upTo, printed };
  }
  if (!outcome.stopped) drain(Infinity);
  const finals = outcome.values as (Final | undefined)[];
  const f = finals.find((x) => x !== undefined);
  const error = f?.error ? Object.assign(new Error(f.error.message), { kind: f.error.kind }) : undefined;
  return { ok: true, result: { info: null, framesRead: f?.framesRead ?? 0, error } as ReadResult };
}
