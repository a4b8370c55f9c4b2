/**
 * Parallel runs: N workers read the same capture, each decodes the frames of its shard
 * (engine/shard.ts: frames split by conversation) and reports back; the caller merges. A worker
 * that finds the split wrong for some frame (`mismatch`) makes the whole run fall back to one
 * thread: callers then decode serially (skipping what they already printed).
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import { CaptureError, type CaptureErrorKind, type ReadResult } from '../capture/types.js';

/** What a worker runs (engine/worker.ts dispatches on `kind`). */
export interface ShardJob {
  kind: string;
  file: string;
  /** Job-specific options (structured-cloned). */
  options: unknown;
}

export interface ShardSpec {
  index: number;
  count: number;
}

/** A worker's messages: `part`s while it runs (in order), then one `done`, `mismatch` or `error`. */
export type ShardMessage =
  | { type: 'part'; value: unknown }
  | { type: 'done'; value: unknown }
  | { type: 'mismatch'; frame: number }
  | { type: 'error'; message: string };

/** How a worker's reading ended, as it crosses threads (a CaptureError would lose its class). */
export interface ShardRead {
  framesRead: number;
  error: { kind: CaptureErrorKind; message: string; frameNumber?: number; offset?: number } | null;
}

export function shardRead(r: ReadResult): ShardRead {
  const e = r.error;
  return { framesRead: r.framesRead, error: e ? { kind: e.kind, message: e.message, frameNumber: e.frameNumber, offset: e.offset } : null };
}

/** The reader's result again; every worker read the whole file, so any one's account stands. */
export function readResultOf(r: ShardRead | undefined): ReadResult {
  const e = r?.error;
  return { info: null, framesRead: r?.framesRead ?? 0, error: e ? new CaptureError(e.kind, e.message, e.frameNumber, e.offset) : undefined };
}

/** Files smaller than this decode in one thread: starting workers costs more than it saves. */
const MIN_PARALLEL_BYTES = 32 << 20;
const MAX_WORKERS = 16;
/** Files this large decode in workers by default. */
const AUTO_PARALLEL_BYTES = 256 << 20;
const WORKER = new URL('./worker.js', import.meta.url);
/** A worker's young generation: per-frame objects die young, and fewer scavenges left more of
 * the 2 cores to decoding (1 GB capture, decoder fields: ~6.1 s against ~6.6 s with V8's default;
 * ~60 MiB more peak RSS). */
const WORKER_YOUNG_GENERATION_MB = 64;

/** How many workers to use for `file`: `requested` (`--threads`), else `PCAPSCOPE_THREADS`, else
 * one per core (at most 4) for a file of 256 MiB or more, else 1 (none). Standard input always
 * decodes in one thread, and so does a file under 32 MiB unless the environment variable asks (the
 * tests do). A `light` run (little work per frame: `flows`, a transport-level `-Y`) uses workers
 * by default only from 4 cores: each worker reads and splits the whole file and warms up its own
 * JIT, and on the 2-core benchmark machine two workers made `flows` 1.3x slower and `-Y` 1.1x
 * slower than one thread, where they make `packets -T fields` with the decoder fields 1.1x faster
 * (README, "Speed"). */
export function shardCount(file: string, requested?: string, light = false): number {
  // run from the TypeScript sources (tests): there is no compiled worker to start
  if (!existsSync(WORKER) || file === '-') return 1;
  const asked = requested ?? process.env.PCAPSCOPE_THREADS;
  if (asked !== undefined && !/^\d+$/.test(asked)) return 1;
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return 1;
    size = st.size;
  } catch {
    return 1;
  }
  if (asked === undefined) {
    const cores = availableParallelism();
    return size >= AUTO_PARALLEL_BYTES && cores >= (light ? 4 : 2) ? Math.min(4, cores) : 1;
  }
  const n = Math.max(1, Math.min(MAX_WORKERS, Number(asked)));
  // the environment variable forces workers on small files too
  if (requested !== undefined && size < MIN_PARALLEL_BYTES) return 1;
  return n;
}

export type ShardOutcome = { ok: true; values: unknown[]; stopped: boolean } | { ok: false; mismatch: number };

/** Gives buffers a worker transferred back to it, for reuse (see ShardRunner's `reclaim`). */
export type GiveBack = (buffers: ArrayBuffer[]) => void;

/**
 * Runs `job` in `count` workers. `onPart(shard, value, giveBack)` receives each worker's
 * intermediate results as they come (returning false ends the run); the promise resolves with
 * each worker's final value (by shard), or with the lowest mismatching frame once every worker
 * stopped. A worker's error rejects it.
 */
export function runShards(job: ShardJob, count: number, onPart?: (shard: number, value: unknown, giveBack: GiveBack) => boolean | void): Promise<ShardOutcome> {
  return new Promise((resolve, reject) => {
    const values: unknown[] = new Array(count);
    const workers: Worker[] = [];
    let pending = count;
    let mismatch = Infinity;
    let failed = false;
    let stopped = false;
    const settle = () => {
      if (--pending > 0) return;
      if (mismatch !== Infinity) {
        if (process.env.PCAPSCOPE_DEBUG) process.stderr.write(`pcapscope: frame ${mismatch} belongs to another shard; decoding again in one thread\n`);
        resolve({ ok: false, mismatch });
      } else resolve({ ok: true, values, stopped });
    };
    for (let i = 0; i < count; i++) {
      const ch = new MessageChannel();
      const giveBack: GiveBack = (buffers) => {
        if (!finished && buffers.length) ch.port1.postMessage(buffers, buffers);
      };
      const w = new Worker(WORKER, {
        workerData: { job, shard: { index: i, count } satisfies ShardSpec, returns: ch.port2 },
        transferList: [ch.port2],
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      });
      workers.push(w);
      let finished = false;
      w.on('message', (m: ShardMessage) => {
        if (failed || finished) return;
        switch (m.type) {
          case 'part':
            if (stopped || onPart?.(i, m.value, giveBack) !== false) return;
            stopped = true;
            for (const o of workers) void o.terminate();
            return;
          case 'done':
            values[i] = m.value;
            finished = true;
            settle();
            return;
          case 'mismatch':
            mismatch = Math.min(mismatch, m.frame);
            finished = true;
            // the others' work is wasted now
            for (const o of workers) if (o !== w) void o.terminate();
            settle();
            return;
          case 'error':
            failed = true;
            for (const o of workers) void o.terminate();
            reject(new Error(m.message));
        }
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        for (const o of workers) void o.terminate();
        reject(e);
      });
      w.on('exit', () => {
        ch.port1.close();
        if (!finished && !failed) {
          finished = true;
          // terminated after another worker's mismatch
          settle();
        }
      });
    }
  });
}
