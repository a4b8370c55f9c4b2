/**
 * TcpEviction: the TCP engine's memory bound. A SYN scan (hand-built frames, decoded by the real
 * stack) must never hold more than `maxLive` conversations; closed ones go first, then the least
 * recently active; closed ones that stay quiet for `closedIdleSec` go at the next sweep; a dropped
 * conversation's late packet keeps its `tcp.stream`.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/capture/types.js';
import { TcpAnalyzer } from '../../../src/analysis/tcp/index.js';
import { TcpEviction } from '../../../src/analysis/tcp/eviction.js';
import { dissect } from '../../../src/decoders/core/dissect.js';
import { Session } from '../../../src/decoders/core/registry.js';
import type { TcpLayer } from '../../../src/decoders/tcp.js';
import { defaultRegistry } from '../../../src/engine/decode.js';
import { frame, type SegSpec } from './build.js';

function setup(maxLive: number, closedIdleSec: number) {
  const session = new Session(defaultRegistry());
  const analyzer = session.analyzers.get('tcp') as TcpAnalyzer;
  for (let i = analyzer.listeners.length - 1; i >= 0; i--) if (analyzer.listeners[i] instanceof TcpEviction) analyzer.listeners.splice(i, 1);
  const eviction = new TcpEviction(analyzer, { maxLive, closedIdleSec });
  analyzer.addListener(eviction);
  let n = 0;
  const feed = (s: SegSpec): number => {
    const f: Frame = frame(++n, s);
    const tcp = dissect(f, session, {}).layers.find((l) => l.proto === 'tcp') as TcpLayer;
    return tcp.analysis!.stream;
  };
  const live = () => [...analyzer.conversations()].map((c) => c.stream);
  return { eviction, feed, live };
}

/** Scanner 10.9.0.1 probes port p of 10.0.0.2 at time t; `rst` answers it closed. */
const probe = (p: number, t: number): SegSpec => ({ t, src: '10.9.0.1', dst: '10.0.0.2', sport: 40000, dport: p, seq: 1000 + p, flags: 'S' });
const refuse = (p: number, t: number): SegSpec => ({ t, src: '10.0.0.2', dst: '10.9.0.1', sport: p, dport: 40000, seq: 0, ack: 1001 + p, flags: 'RA' });

describe('TcpEviction', () => {
  it('holds at most maxLive conversations in a SYN scan, dropping closed ones first', () => {
    const { eviction, feed, live } = setup(40, 10);
    // ten probes nobody answers stay open ...
    for (let p = 1; p <= 10; p++) feed(probe(p, p * 0.001));
    // ... through 300 refused ones
    let most = 0;
    for (let p = 11; p <= 310; p++) {
      feed(probe(p, p * 0.001));
      feed(refuse(p, p * 0.001 + 0.0001));
      most = Math.max(most, live().length, eviction.live);
    }
    expect(most).toBeLessThanOrEqual(40);
    expect(eviction.live).toBe(live().length);
    // the open ones were never dropped: streams 0-9 are all still there
    expect(live().filter((s) => s < 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // a late packet of a refused (dropped) conversation keeps its stream
    expect(live()).not.toContain(10);
    expect(feed(refuse(11, 0.5))).toBe(10);
  });

  it('drops the least recently active open conversations when none is closed', () => {
    const { feed, live } = setup(20, 10);
    for (let p = 1; p <= 20; p++) feed(probe(p, p * 0.001));
    feed(probe(1, 0.1)); // stream 0 speaks again: now the most recent
    feed(probe(21, 0.2)); // over the cap: a quarter goes, oldest first
    expect(live()).toEqual([0, ...Array.from({ length: 14 }, (_, i) => i + 6), 20]);
  });

  it('drops closed conversations that stayed quiet for closedIdleSec at the next sweep', () => {
    const { eviction, feed, live } = setup(1000, 1);
    for (let p = 1; p <= 5; p++) {
      feed(probe(p, p * 0.01));
      feed(refuse(p, p * 0.01 + 0.001));
    }
    feed(probe(100, 0.2)); // open
    expect(eviction.live).toBe(6);
    // a sweep runs every 1024 segments: keep the open one talking, 2 s later
    for (let i = 0; i < 1024; i++) feed({ ...probe(100, 2.2 + i * 1e-6), flags: 'A', seq: 1101, ack: 1 });
    expect(live()).toEqual([5]);
    expect(eviction.live).toBe(1);
  });
});
