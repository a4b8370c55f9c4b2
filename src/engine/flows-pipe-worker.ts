/** Entry point of the worker of `pcapscope flows` on two threads (engine/flows-pipe.ts): runs the
 * TCP analysis on the piped headers, builds the conversation table, then prints the report to
 * standard output itself. */
import { parentPort, workerData } from 'node:worker_threads';
import { flowSetOf, printFlows } from '../cli/flows-print.js';
import { Output } from '../cli/out.js';
import { PipeTable } from './flow-pipe-table.js';
import type { FlowsPipeJob, FlowsPipeMessage } from './flows-pipe.js';

const { sab, job } = workerData as { sab: SharedArrayBuffer; job: FlowsPipeJob };
const post = (m: FlowsPipeMessage) => parentPort!.postMessage(m);
const end = new PipeTable(sab, job.summaries);
try {
  end.drain();
  const drainedAt = performance.now();
  end.finish();
  const out = new Output();
  printFlows(job.file, job.format, { detail: job.detail }, flowSetOf(end.table, end.summaries), out);
  out.flush();
  post({ type: 'done', waits: end.waits, drainedAt });
} catch (e) {
  // the writer must not wait for room that will never come
  end.fail();
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
