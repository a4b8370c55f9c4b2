import { describe, expect, it } from 'vitest';
import { Registry, Session, stateKey, type Decoder } from '../../src/decoders/core/registry.js';

const dec = (proto: string): Decoder => ({ proto, decode: () => undefined });

describe('dissector tables', () => {
  it('finds decoders by 16-bit key, by wider keys, and not by keys never added', () => {
    const a = dec('a');
    const b = dec('b');
    const r = new Registry().add('ethertype', 0x0800, a).add('ethertype', 0xffff, b).add('ethertype', 0x10000, b).add('ethertype', -1, a);
    expect(r.lookup('ethertype', 0x0800)).toBe(a);
    expect(r.lookup('ethertype', 0xffff)).toBe(b);
    expect(r.lookup('ethertype', 0x10000)).toBe(b);
    expect(r.lookup('ethertype', -1)).toBe(a);
    expect(r.lookup('ethertype', 0)).toBeUndefined();
    expect(r.lookup('ethertype', 0x0800 + 0.5)).toBeUndefined();
    expect(r.lookup('ethertype', Number.NaN)).toBeUndefined();
    expect(r.lookup('ip.proto', 0x0800)).toBeUndefined();
    expect([...r.tableDecoders()]).toEqual([a, b]);
  });

  it('lets a later registration replace a key, as dissector_add_uint does', () => {
    const a = dec('a');
    const b = dec('b');
    const r = new Registry().add('tcp.port', 80, a).add('tcp.port', 8080, a).add('tcp.port', 80, b);
    expect(r.lookup('tcp.port', 80)).toBe(b);
    expect(r.lookup('tcp.port', 8080)).toBe(a);
  });

  it('keeps tables of the same key apart', () => {
    const a = dec('a');
    const b = dec('b');
    const r = new Registry().add('tcp.port', 53, a).add('udp.port', 53, b);
    expect(r.lookup('tcp.port', 53)).toBe(a);
    expect(r.lookup(`${'udp'}.port`, 53)).toBe(b);
  });
});

describe('session state', () => {
  it('makes each kind of state once per session, and separately for each session', () => {
    let made = 0;
    const key = stateKey('test.counter', () => ({ n: ++made }));
    const r = new Registry();
    const s1 = new Session(r);
    const s2 = new Session(r);
    expect(s1.get(key)).toBe(s1.get(key));
    expect(s2.get(key)).not.toBe(s1.get(key));
    expect(made).toBe(2);
  });

  it('finds the analyser of a protocol, and none for the others', () => {
    const r = new Registry().addAnalyzer('x', () => ({ onLayer: () => undefined }));
    const s = new Session(r);
    expect(s.analyzer('x')).toBe(s.analyzers.get('x'));
    expect(s.analyzer('y')).toBeUndefined();
  });
});
