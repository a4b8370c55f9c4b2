/**
 * `pcapscope flows FILE [-T text|json|jsonl] [-Y FILTER] [-z conv,tcp[,FILTER]] [-z conv,udp[,FILTER]]
 *  [--tshark-conv]`
 *
 * Default: one row per TCP conversation (tcp.stream) and per UDP conversation (udp.stream) with
 * endpoints, Zeek-style state, packets and bytes each way, duration, iRTT, retransmissions, dup
 * ACKs, zero windows, history and how it ended.
 *
 * `-T json` prints `{ "file", "tcp": [flow…], "udp": [flow…] }`, rows by stream index, each flow as
 * `flowJson()` documents (report/flows-text.ts), with the full ConnectionSummary for TCP. It keeps
 * every summary until the end; `-T jsonl` streams one flow per line instead, TCP flows as their
 * trackers are summarised (a closed connection 5 s of capture time after its last packet, the
 * rest at the end, by stream), then UDP flows, so memory stays bounded on huge captures.
 *
 * `-Y FILTER`: only matching packets count (like tshark's `-z conv,tcp,FILTER`; times stay
 * relative to the capture's first frame). `-z conv,tcp` / `-z conv,udp` (with an optional
 * `,FILTER`) and `--tshark-conv` (= `-z conv,tcp`, taking -Y as its filter) print exactly what
 * `tshark -q -z conv,…` prints; several `-z` print in reverse order, as tshark 4.0 does.
 */
import type { ReadResult } from '../capture/types.js';
import { ConversationTable, type FlowRow, type Proto } from '../analysis/conversations.js';
import type { ConnectionSummary } from '../analysis/tcp/connection.js';
import type { FieldDef } from '../decoders/core/fields.js';
import { decodeCapture } from '../engine/decode.js';
import { mergeFlowShards, type FlowsShardValue } from '../engine/flows.js';
import { FlowPipeWriter, type PipeWaits } from '../engine/flow-pipe.js';
import { PipeFeed, PipeUndecided } from '../engine/flow-pipe-feed.js';
import { FlowsWorker, pipeJob, type FlowsPipeJob } from '../engine/flows-pipe.js';
import { runShards, shardCount } from '../engine/parallel.js';
import type { CompiledFilter } from '../filter/index.js';
import { flowJson, writeTsharkConv } from '../report/flows-text.js';
import { flowSetOf, printFlows, rowsAt, type LineSink } from './flows-print.js';
import { Output, warn } from './out.js';

export type { LineSink } from './flows-print.js';

/** The tables keep counts and texts, never a frame's bytes nor its packet (`recycle`). */
const REUSE = { reuseBuffer: true } as const;

export interface FlowsOptions {
  /** text (default), json or jsonl. */
  format?: string;
  /** -Y display filter. */
  filter?: string;
  /** -z statistics (conv,tcp / conv,udp, optionally with ,FILTER). */
  stat?: string[];
  /** Same as `-z conv,tcp` with -Y as its filter. */
  tsharkConv?: boolean;
  /** Text: after the table, what happened to each TCP connection. */
  detail?: boolean;
  /** `--threads`: workers for a large capture (engine/parallel.ts). */
  threads?: string;
}

interface ConvStat {
  proto: Proto;
  filterText?: string;
  filter?: CompiledFilter;
  table: ConversationTable;
}

/** Compiles a display filter (loaded on demand); prints tshark-style errors and returns 1. */
async function compile(text: string): Promise<CompiledFilter | number> {
  const f = await import('../filter/index.js');
  try {
    return f.compileFilter(text);
  } catch (e) {
    if (e instanceof f.FilterError) {
      warn(f.formatFilterError(text, e));
      return 1;
    }
    throw e;
  }
}

/**
 * A run on two threads: the TCP analysis and the table in a worker, which prints the report to
 * standard output. Returns how the reading ended, 'closed' when standard output was closed under
 * the worker, or null when a header needed the analysis to be decoded (PipeUndecided): nothing was
 * printed, and the caller runs in one thread.
 */
async function piped(file: string, job: FlowsPipeJob, early: FlowsWorker | undefined): Promise<ReadResult | 'closed' | null> {
  const worker = early ?? new FlowsWorker(job);
  const feed = new PipeFeed(new FlowPipeWriter(worker.sab));
  let result: ReadResult;
  try {
    result = await decodeCapture(file, { columns: false, tree: 'none', transportOnly: true, read: REUSE, recycle: true }, (d) => feed.read(d.packet), feed.session);
  } catch (e) {
    await worker.abort();
    if (!(e instanceof PipeUndecided)) throw e;
    if (process.env.PCAPSCOPE_DEBUG) warn(`flow pipe: ${e.message}; decoding again in one thread`);
    return null;
  }
  const decodedAt = performance.now();
  feed.writer.close();
  if ((await worker.finished) === 'closed') return 'closed';
  if (process.env.PCAPSCOPE_DEBUG) warn(pipeStats(feed.writer.waits, decodedAt, worker.stats));
  return result;
}

/** Where the time of a two-thread run went (PCAPSCOPE_DEBUG). */
function pipeStats(room: PipeWaits, decodedAt: number, w: FlowsWorker['stats']): string {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const worker = w ? `; the worker slept ${w.waits.count} times, ${ms(w.waits.ms)}, and had read everything at ${ms(w.drainedAt)}` : '';
  return `flow pipe: decoding waited for room ${room.count} times, ${ms(room.ms)}, and ended at ${ms(decodedAt)}${worker}`;
}

/** Parses `conv,tcp[,filter]`; null when it is not a conversation statistic we know. */
export function parseConvStat(arg: string): { proto: Proto; filter?: string } | null {
  const m = /^conv,(tcp|udp)(?:,(.*))?$/s.exec(arg);
  if (!m) return null;
  return { proto: m[1] as Proto, filter: m[2] !== undefined && m[2] !== '' ? m[2] : undefined };
}

/** Exit codes as tshark: 0 fine, 1 bad arguments or filter, 2 damaged capture (after printing).
 * `early`: the pipe's worker, started before this module loaded (cli/main.ts), for a run that
 * `pipeJob` sends to a pipe; stopped if anything else happens. */
export async function flowsCommand(file: string, o: FlowsOptions = {}, out: LineSink = new Output(), early?: FlowsWorker): Promise<number> {
  try {
    return await flows(file, o, out, early);
  } catch (e) {
    // a worker left waiting for records would keep the process alive
    await early?.abort();
    throw e;
  }
}

async function flows(file: string, o: FlowsOptions, out: LineSink, early: FlowsWorker | undefined): Promise<number> {
  const job = out instanceof Output ? pipeJob(file, o) : null;
  if (!job) await early?.abort();
  const format = o.format ?? 'text';
  if (!['text', 'json', 'jsonl'].includes(format)) {
    warn(`invalid -T format "${format}" (use text, json or jsonl)`);
    return 1;
  }
  const statArgs = [...(o.stat ?? [])];
  if (o.tsharkConv) statArgs.push(o.filter !== undefined ? `conv,tcp,${o.filter}` : 'conv,tcp');

  let result: ReadResult;
  if (statArgs.length) {
    // tshark's -z conv: counts only, no connection analysis
    const stats: ConvStat[] = [];
    for (const arg of statArgs) {
      const p = parseConvStat(arg);
      if (!p) {
        warn(`invalid -z argument "${arg}" (use conv,tcp or conv,udp, optionally followed by ,FILTER)`);
        return 1;
      }
      let filter: CompiledFilter | undefined;
      if (p.filter !== undefined) {
        const c = await compile(p.filter);
        if (typeof c === 'number') return c;
        filter = c;
      }
      stats.push({ proto: p.proto, filterText: p.filter, filter, table: new ConversationTable({ connections: false, protos: [p.proto] }) });
    }
    const fields = stats.flatMap((s) => (s.filter ? s.filter.fields : [])) as FieldDef[];
    const transportOnly = stats.every((s) => !s.filter);
    result = await decodeCapture(file, { columns: false, tree: fields.length ? fields : 'none', transportOnly, read: REUSE, recycle: true }, (d) => {
      for (const s of stats) s.table.add(d.packet, !s.filter || s.filter.test(d.fields, d.packet.frame.data));
    });
    // tshark prints nothing when it cannot read the file at all
    const unreadable = result.error?.kind === 'not_capture' && result.framesRead === 0;
    for (let i = unreadable ? -1 : stats.length - 1; i >= 0; i--) {
      const s = stats[i]!;
      s.table.finish();
      writeTsharkConv(s.proto, rowsAt(s.table, s.table.indexes(s.proto, 'frames')), s.filterText, (l) => out.line(l));
    }
  } else {
    let filter: CompiledFilter | undefined;
    if (o.filter !== undefined) {
      const c = await compile(o.filter);
      if (typeof c === 'number') return c;
      filter = c;
    }
    const wantSummaries = format === 'json' || !!o.detail;
    let twoThreads: ReadResult | 'closed' | null = null;
    const shards = format !== 'jsonl' && !filter ? shardCount(file, o.threads, true) : 1;
    const parallel = shards > 1 ? await runShards({ kind: 'flows', file, options: { summaries: wantSummaries } }, shards) : null;
    if (parallel?.ok) {
      const m = mergeFlowShards(parallel.values as FlowsShardValue[]);
      printFlows(file, format, o, { tcp: () => m.tcp, nTcp: m.tcp.length, udp: () => m.udp, nUdp: m.udp.length, summaries: m.summaries }, out);
      result = m.result;
    } else if (job && (twoThreads = await piped(file, job, early))) {
      if (twoThreads === 'closed') return 0;
      result = twoThreads;
    } else {
      const summaries = new Map<number, ConnectionSummary>();
      // (without a reader of the summaries, the trackers keep no RTT)
      const table = new ConversationTable({
        onSummary:
          format === 'jsonl'
            ? (row: FlowRow, s: ConnectionSummary) => out.line(JSON.stringify(flowJson(row, s)))
            : wantSummaries
              ? (row: FlowRow, s: ConnectionSummary) => void summaries.set(row.stream, s)
              : undefined,
      });
      result = await decodeCapture(file, { columns: false, tree: filter ? filter.fields : 'none', transportOnly: !filter, read: REUSE, recycle: true }, (d) => {
        table.add(d.packet, !filter || filter.test(d.fields, d.packet.frame.data));
      });
      table.finish();
      printFlows(file, format, o, flowSetOf(table, summaries), out);
    }
  }
  out.flush();
  if (result.error) {
    warn(result.error.message);
    return 2;
  }
  return 0;
}

