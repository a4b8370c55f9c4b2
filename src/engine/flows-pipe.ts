/**
 * `pcapscope flows` on two threads: the main thread reads, decodes and runs the TCP analysis; a
 * worker (flows-pipe-worker.ts) keeps the conversation table and the connection trackers, which
 * were a quarter of the work, and prints the report. The main thread hands it one FlowInput per
 * counted layer through a shared ring (flow-pipe.ts).
 *
 * Unlike the sharded runs of parallel.ts (every worker reads and decodes the whole file and warms
 * up its own JIT for all of it), nothing is done twice: on the 2-core benchmark machine it takes
 * `flows` on the 1 GB capture from 2.76 s to 2.56 s (medians), where two shards made it slower.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FlowPipeWriter, newFlowPipe } from './flow-pipe.js';

export interface FlowsPipeJob {
  file: string;
  format: 'text' | 'json';
  detail: boolean;
  /** Keep each TCP connection's summary (JSON, `--detail`). */
  summaries: boolean;
}

export type FlowsPipeMessage = { type: 'done' } | { type: 'error'; message: string };

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

/** A running pipe: write the inputs, `close()`, then await `finished`: 'done' once the worker
 * printed the report, 'closed' when standard output was closed under it (`| head`). */
export class FlowsPipe {
  readonly writer: FlowPipeWriter;
  readonly finished: Promise<'done' | 'closed'>;
  private readonly worker: Worker;

  constructor(job: FlowsPipeJob) {
    const sab = newFlowPipe();
    this.writer = new FlowPipeWriter(sab);
    this.worker = new Worker(WORKER, { workerData: { sab, job } });
    this.finished = new Promise((resolve, reject) => {
      let settled = false;
      this.worker.on('message', (m: FlowsPipeMessage) => {
        settled = true;
        if (m.type === 'done') {
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

  close(): void {
    this.writer.close();
  }

  /** Stops the worker (the decoding failed). */
  abort(): Promise<number> {
    this.finished.catch(() => undefined);
    return this.worker.terminate();
  }
}
