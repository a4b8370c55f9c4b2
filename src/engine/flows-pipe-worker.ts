/** Entry point of the conversation-table worker of `pcapscope flows` (engine/flows-pipe.ts):
 * builds the table from the pipe's inputs, then prints the report to standard output itself. */
import { parentPort, workerData } from 'node:worker_threads';
import { ConversationTable } from '../analysis/conversations.js';
import type { ConnectionSummary } from '../analysis/tcp/connection.js';
import { flowSetOf, printFlows } from '../cli/flows-print.js';
import { Output } from '../cli/out.js';
import { FlowPipeReader } from './flow-pipe.js';
import type { FlowsPipeJob, FlowsPipeMessage } from './flows-pipe.js';

const { sab, job } = workerData as { sab: SharedArrayBuffer; job: FlowsPipeJob };
const post = (m: FlowsPipeMessage) => parentPort!.postMessage(m);
const pipe = new FlowPipeReader(sab);
try {
  const summaries = new Map<number, ConnectionSummary>();
  const table = new ConversationTable({ onSummary: job.summaries ? (row, s) => void summaries.set(row.stream, s) : undefined });
  pipe.drain((x) => table.apply(x));
  table.finish();
  const out = new Output();
  printFlows(job.file, job.format, { detail: job.detail }, flowSetOf(table, summaries), out);
  out.flush();
  post({ type: 'done' });
} catch (e) {
  // the writer must not wait for room that will never come
  pipe.fail();
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
