import type { Registry } from '../decoders/core/registry.js';
import { createTcpAnalyzer } from './tcp/index.js';

/** Stateful analysers, one registration line each, like the decoders. */
export function registerAnalyzers(r: Registry): Registry {
  r.addAnalyzer('tcp', createTcpAnalyzer);
  return r;
}
