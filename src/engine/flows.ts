/**
 * `pcapscope flows` in parallel: each worker builds the conversation table of its shard, and the
 * main thread merges the rows, renumbering `tcp.stream` and `udp.stream` as one pass numbers them
 * (by the frame that opened each stream).
 */
import type { Frame, ReadResult } from '../capture/types.js';
import { ConversationTable, type FlowRow } from '../analysis/conversations.js';
import type { ConnectionSummary } from '../analysis/tcp/connection.js';
import type { TcpLayer } from '../decoders/tcp.js';
import type { UdpLayer } from '../decoders/udp.js';
import type { Packet } from '../decoders/core/packet.js';
import { decodeCapture } from './decode.js';
import { readResultOf, shardRead, type ShardJob, type ShardRead, type ShardSpec } from './parallel.js';

export interface FlowsShardOptions {
  /** Keep each TCP connection's summary (JSON output, `--detail`). */
  summaries: boolean;
}

export interface FlowsShardValue extends ShardRead {
  tcp: FlowRow[];
  udp: FlowRow[];
  summaries: [number, ConnectionSummary][];
  /** Per local stream index: the frame that opened it. */
  tcpFirst: number[];
  udpFirst: number[];
}

/** Records, per stream index, the first frame that carried it (streams open in frame order). */
export class StreamOpenings {
  readonly tcp: number[] = [];
  readonly udp: number[] = [];

  see(p: Packet): void {
    for (const l of p.layers) {
      if (l.proto === 'tcp') {
        const s = (l as TcpLayer).analysis?.stream;
        if (s !== undefined) while (this.tcp.length <= s) this.tcp.push(p.frame.number);
      } else if (l.proto === 'udp') {
        const s = (l as UdpLayer).stream;
        while (this.udp.length <= s) this.udp.push(p.frame.number);
      }
    }
  }
}

export async function flowsShard(job: ShardJob, shard: ShardSpec): Promise<{ value: FlowsShardValue } | { mismatch: number }> {
  const opts = job.options as FlowsShardOptions;
  const summaries: [number, ConnectionSummary][] = [];
  const table = new ConversationTable({
    onSummary: opts.summaries ? (row: FlowRow, s: ConnectionSummary) => void summaries.push([row.stream, s]) : undefined,
  });
  const open = new StreamOpenings();
  let mismatch = -1;
  const onMismatch = (frame: number) => void (mismatch = frame);
  // times are relative to the capture's first frame, whichever shard it went to
  let first = true;
  const onRead = (frame: Frame, mine: boolean) => {
    if (first && !mine) table.add({ frame } as Packet, false);
    first = false;
  };
  const result = await decodeCapture(job.file, { columns: false, tree: 'none', transportOnly: true, read: { reuseBuffer: true }, recycle: true, shard: { ...shard, onMismatch, onRead } }, (d) => {
    table.add(d.packet, true);
    open.see(d.packet);
  });
  if (mismatch >= 0) return { mismatch };
  table.finish();
  const rows = (proto: 'tcp' | 'udp') => Array.from(table.indexes(proto, 'stream'), (i) => table.row(i));
  return {
    value: {
      tcp: rows('tcp'),
      udp: rows('udp'),
      summaries,
      tcpFirst: open.tcp,
      udpFirst: open.udp,
      ...shardRead(result),
    },
  };
}

/** Global stream numbers of each shard's local streams: their rank by opening frame (a k-way
 * merge: each shard's list is already in frame order, and a frame belongs to one shard). */
export function renumber(firsts: readonly (readonly number[])[]): Int32Array[] {
  const out = firsts.map((f) => new Int32Array(f.length));
  const pos = new Array<number>(firsts.length).fill(0);
  for (let g = 0; ; g++) {
    let best = -1;
    for (let k = 0; k < firsts.length; k++) {
      if (pos[k]! < firsts[k]!.length && (best < 0 || firsts[k]![pos[k]!]! < firsts[best]![pos[best]!]!)) best = k;
    }
    if (best < 0) return out;
    out[best]![pos[best]!++] = g;
  }
}

export interface MergedFlows {
  tcp: FlowRow[];
  udp: FlowRow[];
  summaries: Map<number, ConnectionSummary>;
  result: ReadResult;
}

export function mergeFlowShards(values: readonly FlowsShardValue[]): MergedFlows {
  const tcpIds = renumber(values.map((v) => v.tcpFirst));
  const udpIds = renumber(values.map((v) => v.udpFirst));
  const tcp: FlowRow[] = [];
  const udp: FlowRow[] = [];
  const summaries = new Map<number, ConnectionSummary>();
  values.forEach((v, k) => {
    for (const r of v.tcp) tcp.push(((r.stream = tcpIds[k]![r.stream]!), r));
    for (const r of v.udp) udp.push(((r.stream = udpIds[k]![r.stream]!), r));
    for (const [s, sum] of v.summaries) summaries.set(tcpIds[k]![s]!, sum);
  });
  tcp.sort((a, b) => a.stream - b.stream);
  udp.sort((a, b) => a.stream - b.stream);
  return { tcp, udp, summaries, result: readResultOf(values[0]) };
}
