/** The flows report of a finished table: text (with `--detail`, what happened to each TCP
 * connection), or one JSON document. Shared by `pcapscope flows` and its pipe worker. */
import type { ConversationTable, FlowRow } from '../analysis/conversations.js';
import type { ConnectionSummary } from '../analysis/tcp/connection.js';
import { connectionText } from '../report/connection-text.js';
import { flowJson, writeFlowsText } from '../report/flows-text.js';

/** Where a command writes its lines (stdout by default; tests collect them). */
export interface LineSink {
  line(s: string): void;
  flush(): void;
}

export interface PrintOptions {
  detail?: boolean;
}

export interface FlowSet {
  tcp: () => Iterable<FlowRow>;
  nTcp: number;
  udp: () => Iterable<FlowRow>;
  nUdp: number;
  summaries: ReadonlyMap<number, ConnectionSummary>;
}

/** Prints the flows of a finished run (rows by stream). jsonl printed TCP flows as they came. */
export function printFlows(file: string, format: string, o: PrintOptions, f: FlowSet, out: LineSink): void {
  const emit = (l: string) => out.line(l);
  if (format === 'text') {
    writeFlowsText(f.tcp, f.nTcp, f.udp, f.nUdp, emit);
    if (o.detail) {
      for (const r of f.tcp()) {
        const s = f.summaries.get(r.stream);
        if (!s) continue;
        emit('');
        for (const l of connectionText(r.stream, { a: endpointText(r, 'a'), b: endpointText(r, 'b') }, s)) emit(l);
      }
    }
  } else if (format === 'jsonl') for (const r of f.udp()) out.line(JSON.stringify(flowJson(r, null)));
  else {
    // one flow per line inside the document, written as it goes
    out.line(`{\n  "file": ${JSON.stringify(file)},`);
    const list = (name: string, rows: Iterable<FlowRow>, n: number, last: boolean) => {
      out.line(`  "${name}": [`);
      let k = 0;
      for (const r of rows) {
        const j = JSON.stringify(flowJson(r, r.proto === 'tcp' ? (f.summaries.get(r.stream) ?? null) : null));
        out.line(`    ${j}${++k < n ? ',' : ''}`);
      }
      out.line(`  ]${last ? '' : ','}`);
    };
    list('tcp', f.tcp(), f.nTcp, false);
    list('udp', f.udp(), f.nUdp, true);
    out.line('}');
  }
}

function endpointText(r: FlowRow, which: 'a' | 'b'): string {
  const addr = which === 'a' ? r.addrA : r.addrB;
  const port = which === 'a' ? r.portA : r.portB;
  return r.ipv6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export function* rowsAt(table: ConversationTable, idx: Int32Array): Generator<FlowRow> {
  for (const i of idx) yield table.row(i);
}

/** The rows of a finished table, by stream, with the summaries kept of its TCP connections. */
export function flowSetOf(table: ConversationTable, summaries: ReadonlyMap<number, ConnectionSummary>): FlowSet {
  const tcp = table.indexes('tcp', 'stream');
  const udp = table.indexes('udp', 'stream');
  return { tcp: () => rowsAt(table, tcp), nTcp: tcp.length, udp: () => rowsAt(table, udp), nUdp: udp.length, summaries };
}
