import type { Registry, Session } from '../decoders/core/registry.js';
import { TcpEviction } from './tcp/eviction.js';
import { TcpAnalyzer, createTcpAnalyzer } from './tcp/index.js';

/** Stateful analysers, one registration line each, like the decoders. */
export function registerAnalyzers(r: Registry): Registry {
  r.addAnalyzer('tcp', (session) => evicting(createTcpAnalyzer(session)));
  return r;
}

/** The TCP analyser as a decoding that stops at TCP has it (no desegmentation: engine/decode.ts),
 * for a flow pipe's worker, which analyses headers decoded in another thread. */
export function transportTcpAnalyzer(session: Session): TcpAnalyzer {
  return evicting(new TcpAnalyzer(session));
}

/** Bounded memory: closed and least recently active conversations leave the analyser. */
function evicting(tcp: TcpAnalyzer): TcpAnalyzer {
  return tcp.addListener(new TcpEviction(tcp));
}
