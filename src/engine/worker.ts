/** Entry point of a parallel run's worker thread (engine/parallel.ts): runs one shard of a job
 * and posts its messages. */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ShardJob, ShardMessage, ShardSpec } from './parallel.js';

/** A job's shard: posts `part`s through `emit`, returns the final value (or a mismatch frame).
 * `reclaim` hands back, synchronously, a buffer the main thread is done with (one the worker
 * transferred in a part), so output buffers are reused instead of faulted in afresh. */
export type ShardRunner = (
  job: ShardJob,
  shard: ShardSpec,
  emit: (value: unknown, transfer?: ArrayBuffer[]) => void,
  reclaim: () => ArrayBuffer | undefined,
) => Promise<{ value: unknown; transfer?: ArrayBuffer[] } | { mismatch: number }>;

/** Jobs by kind, loaded on demand. */
const JOBS: Record<string, () => Promise<ShardRunner>> = {
  flows: async () => (await import('./flows.js')).flowsShard,
  packets: async () => (await import('../cli/packets-shard.js')).packetsShard,
};

const { job, shard, returns } = workerData as { job: ShardJob; shard: ShardSpec; returns: MessagePort };
const port = parentPort!;
const post = (m: ShardMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const spare: ArrayBuffer[] = [];
// the decoding loop is synchronous: returned buffers are read off their port, not awaited
const reclaim = (): ArrayBuffer | undefined => {
  for (let m = receiveMessageOnPort(returns); m; m = receiveMessageOnPort(returns)) spare.push(...(m.message as ArrayBuffer[]));
  return spare.pop();
};

try {
  const load = JOBS[job.kind];
  if (!load) throw new Error(`unknown parallel job ${job.kind}`);
  const run = await load();
  const r = await run(job, shard, (value, transfer) => post({ type: 'part', value }, transfer), reclaim);
  if ('mismatch' in r) post({ type: 'mismatch', frame: r.mismatch });
  else post({ type: 'done', value: r.value }, r.transfer);
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
} finally {
  returns.close();
}
