/** Entry point of a parallel run's worker thread (engine/parallel.ts): runs one shard of a job
 * and posts its messages. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ShardJob, ShardMessage, ShardSpec } from './parallel.js';

/** A job's shard: posts `part`s through `emit`, returns the final value (or a mismatch frame). */
export type ShardRunner = (job: ShardJob, shard: ShardSpec, emit: (value: unknown, transfer?: ArrayBuffer[]) => void) => Promise<{ value: unknown; transfer?: ArrayBuffer[] } | { mismatch: number }>;

/** Jobs by kind, loaded on demand. */
const JOBS: Record<string, () => Promise<ShardRunner>> = {
  flows: async () => (await import('./flows.js')).flowsShard,
  packets: async () => (await import('../cli/packets-shard.js')).packetsShard,
};

const { job, shard } = workerData as { job: ShardJob; shard: ShardSpec };
const port = parentPort!;
const post = (m: ShardMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

try {
  const load = JOBS[job.kind];
  if (!load) throw new Error(`unknown parallel job ${job.kind}`);
  const run = await load();
  const r = await run(job, shard, (value, transfer) => post({ type: 'part', value }, transfer));
  if ('mismatch' in r) post({ type: 'mismatch', frame: r.mismatch });
  else post({ type: 'done', value: r.value }, r.transfer);
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
