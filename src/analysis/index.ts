import type { Registry } from '../decoders/core/registry.js';
import { TcpEviction } from './tcp/eviction.js';
import { createTcpAnalyzer } from './tcp/index.js';

/** Stateful analysers, one registration line each, like the decoders. */
export function registerAnalyzers(r: Registry): Registry {
  r.addAnalyzer('tcp', (session) => {
    const tcp = createTcpAnalyzer(session);
    return tcp.addListener(new TcpEviction(tcp));
  });
  return r;
}
