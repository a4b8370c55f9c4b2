/**
 * `pcapscope flows` on two threads: the main thread reads and decodes (up to TCP and UDP, walking
 * each TCP header's options); a worker (flows-pipe-worker.ts) runs the TCP analysis, keeps the
 * conversation table and the connection trackers, and prints the report. The main thread hands it
 * each TCP header and each counted UDP layer through a shared ring (flow-pipe.ts).
 *
 * The split is where the work comes closest to halving: on the 1 GB capture, in one thread,
 * decoding and writing the ring take about 1.1 s, the analysis and the table 1.65 s (with the table
 * alone in the worker, the main thread kept three quarters of the work). The worker is the slower
 * end, so it starts before the decoders load (cli/main.ts). Unlike the sharded runs of
 * parallel.ts (every worker reads and decodes the whole file and warms up its own JIT for all of
 * it), nothing is done twice.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FlowsOptions } from '../cli/flows.js';
import { newFlowPipe, type PipeWaits } from './flow-pipe.js';
import { shardCount } from './parallel.js';

export interface FlowsPipeJob {
  file: string;
  format: 'text' | 'json';
  detail: boolean;
  /** Keep each TCP connection's summary (JSON, `--detail`). */
  summaries: boolean;
}

export type FlowsPipeMessage = { type: 'done'; waits: PipeWaits; drainedAt: number } | { type: 'error'; message: string };

const WORKER = new URL('./flows-pipe-worker.js', import.meta.url);
/** Smaller files run in one thread: the worker's start-up would cost more than it saves. */
const MIN_PIPE_BYTES = 64 << 20;

/**
 * Whether `flows` on `file` runs the pipe: a regular file of 64 MiB or more, two cores or more,
 * and no single thread asked for (`--threads 1`, `PCAPSCOPE_THREADS=1`). `PCAPSCOPE_FLOW_PIPE=1`
 * forces it on any file (the tests), `=0` turns it off. Never from the TypeScript sources (no
 * compiled worker to start).
 */
export function usePipe(file: string, threads: string | undefined): boolean {
  if (!existsSync(WORKER) || file === '-') return false;
  const forced = process.env.PCAPSCOPE_FLOW_PIPE;
  if (forced === '0') return false;
  if ((threads ?? process.env.PCAPSCOPE_THREADS) === '1') return false;
  if (forced === '1') return true;
  if (availableParallelism() < 2) return false;
  try {
    const st = statSync(file);
    return st.isFile() && st.size >= MIN_PIPE_BYTES;
  } catch {
    return false;
  }
}

/** What `pcapscope flows FILE` runs on a pipe, or null: no `-z` nor `--tshark-conv`, no `-Y`,
 * text or JSON, no sharded workers (engine/parallel.ts), and `usePipe`. */
export function pipeJob(file: string, o: FlowsOptions): FlowsPipeJob | null {
  const format = o.format ?? 'text';
  if ((format !== 'text' && format !== 'json') || o.filter !== undefined || o.stat?.length || o.tsharkConv) return null;
  if (shardCount(file, o.threads, true) !== 1 || !usePipe(file, o.threads)) return null;
  return { file, format, detail: !!o.detail, summaries: format === 'json' || !!o.detail };
}

/** The worker of a pipe, started at once: it loads its modules while the caller loads the
 * decoders (the worker is the slower end, so its start-up is on the critical path). Write into
 * `sab` (FlowPipeWriter via PipeFeed), close it, then await `finished`: 'done' once the worker
 * printed the report, 'closed' when standard output was closed under it (`| head`). */
export class FlowsWorker {
  readonly sab = newFlowPipe();
  readonly finished: Promise<'done' | 'closed'>;
  /** The worker's sleeps for records, and when it had read them all (ms since the start). */
  stats: { waits: PipeWaits; drainedAt: number } | null = null;
  private readonly worker: Worker;

  constructor(job: FlowsPipeJob) {
    const sab = this.sab;
    this.worker = new Worker(WORKER, { workerData: { sab, job } });
    this.finished = new Promise((resolve, reject) => {
      let settled = false;
      this.worker.on('message', (m: FlowsPipeMessage) => {
        settled = true;
        if (m.type === 'done') {
          this.stats = { waits: m.waits, drainedAt: m.drainedAt };
          // the report is written (synchronously): the process need not wait for the worker's
          // teardown (its heap; tens of milliseconds)
          this.worker.unref();
          resolve('done');
        } else reject(new Error(m.message));
      });
      this.worker.on('error', (e) => {
        settled = true;
        reject(e);
      });
      // an exit without a message: the worker's output found its pipe closed (writer.ts exits)
      this.worker.on('exit', (code) => {
        if (settled) return;
        if (code === 0) resolve('closed');
        else reject(new Error(`the conversation table worker exited with code ${code}`));
      });
    });
  }

  /** Stops the worker (the decoding failed, or the run went another way). */
  abort(): Promise<number> {
    this.finished.catch(() => undefined);
    return this.worker.terminate();
  }
}
