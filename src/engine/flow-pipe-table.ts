/**
 * The worker's end of a flow pipe (flow-pipe.ts): the TCP analysis, as a transport-only decoding
 * has it, and the conversation table, fed the piped records with the code one thread runs.
 */
import { ConversationTable, newFlowInput, tcpFlowInput, type FlowInput } from '../analysis/conversations.js';
import { transportTcpAnalyzer } from '../analysis/index.js';
import type { ConnectionSummary } from '../analysis/tcp/connection.js';
import type { TcpAnalyzer } from '../analysis/tcp/index.js';
import { Registry, Session } from '../decoders/core/registry.js';
import { newTcpLayer } from '../decoders/tcp.js';
import { FlowPipeReader, type PipeWaits, type PipedTcpHeader } from './flow-pipe.js';

/** `drain()` the pipe, then `finish()`. */
export class PipeTable {
  readonly table: ConversationTable;
  /** Each TCP connection's summary, by stream, when asked for. */
  readonly summaries = new Map<number, ConnectionSummary>();
  private readonly tcp: TcpAnalyzer;
  private readonly reader: FlowPipeReader;
  private readonly x = newFlowInput();

  constructor(sab: SharedArrayBuffer, keepSummaries: boolean) {
    this.reader = new FlowPipeReader(sab, newFlowInput(), newTcpLayer(0, 0, 0, 0));
    // (the analyser reads nothing of the decoders)
    this.tcp = transportTcpAnalyzer(new Session(new Registry()));
    this.table = new ConversationTable({ onSummary: keepSummaries ? (row, s) => void this.summaries.set(row.stream, s) : undefined });
  }

  private readonly input = (x: FlowInput): void => this.table.apply(x);

  private readonly header = (h: PipedTcpHeader): void => {
    this.tcp.analyzeHeader(h.frame, h.ip, h.layer, h.complete);
    if (h.counted) this.table.apply(tcpFlowInput(this.x, h.frame, h.ip, h.layer, h.captured, h.last));
  };

  /** Takes every record until the writer closes the pipe (sleeping when it has caught up). */
  drain(): void {
    this.reader.drain(this.input, this.header);
  }

  /** The sleeps for records so far. */
  get waits(): PipeWaits {
    return this.reader.waits;
  }

  /** Tells the writer that no record will be taken any more. */
  fail(): void {
    this.reader.fail();
  }

  /** The end of the capture: the analyser's end, then the table's (as decodeCapture orders them). */
  finish(): void {
    this.tcp.finish();
    this.table.finish();
  }
}
