import { describe, expect, it } from 'vitest';
import { Defragmenter } from '../../src/analysis/ip/defrag.js';
import { FRAG4, FRAG6 } from './netlayer-fixtures.js';
import { decodeFrames, fixtureFrames } from './netlayer-helpers.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('Defragmenter', () => {
  it('completes in order and out of order, listing fragments by offset', () => {
    const d = new Defragmenter();
    expect(d.add('k', 1, 0, 0, bytes(8, 1), true).status).toBe('pending');
    const r = d.add('k', 2, 0, 8, bytes(4, 2), false);
    expect(r.status).toBe('complete');
    if (r.status !== 'complete') return;
    expect(Array.from(r.datagram.data)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(r.datagram.fragments).toEqual([
      { frame: 1, offset: 0, length: 8 },
      { frame: 2, offset: 8, length: 4 },
    ]);
    expect(d.size).toBe(0);

    const o = new Defragmenter();
    expect(o.add('k', 5, 0, 8, bytes(4, 2), false).status).toBe('pending');
    const r2 = o.add('k', 6, 0, 0, bytes(8, 1), true);
    expect(r2.status === 'complete' && r2.datagram.fragments.map((f) => f.frame)).toEqual([6, 5]);
  });
  it('keeps separate datagrams apart and needs every byte', () => {
    const d = new Defragmenter();
    d.add('a', 1, 0, 0, bytes(8, 1), true);
    expect(d.add('b', 2, 0, 16, bytes(8, 2), false).status).toBe('pending');
    expect(d.add('a', 3, 0, 16, bytes(8, 3), false).status).toBe('pending'); // gap 8..16
    expect(d.add('a', 4, 0, 8, bytes(8, 4), true).status).toBe('complete');
    expect(d.size).toBe(1);
  });
  it('copies fragment bytes (frame buffers may be reused)', () => {
    const d = new Defragmenter();
    const buf = bytes(8, 7);
    d.add('k', 1, 0, 0, buf, true);
    buf.fill(0);
    const r = d.add('k', 2, 0, 8, bytes(1, 9), false);
    expect(r.status === 'complete' && r.datagram.data[0]).toBe(7);
  });
  it('bounds memory: size, pending count, overlap storms, idle time', () => {
    const d = new Defragmenter({ maxDatagram: 100, maxPending: 2, timeoutSec: 10 });
    expect(d.add('big', 1, 0, 96, bytes(8, 1), false).status).toBe('rejected');
    d.add('x', 1, 0, 0, bytes(8, 1), true);
    d.add('y', 2, 0, 0, bytes(8, 1), true);
    d.add('z', 3, 0, 0, bytes(8, 1), true); // evicts x
    expect(d.size).toBe(2);
    expect(d.add('x', 4, 0, 8, bytes(8, 1), false).status).toBe('pending'); // x starts over
    d.add('z', 5, 100, 8, bytes(1, 1), true); // 100 s later: y and x are dropped as idle
    expect(d.size).toBe(1);
    const s = new Defragmenter({ maxDatagram: 64 });
    const seen: string[] = [];
    for (let i = 0; i < 100; i++) seen.push(s.add('k', i, 0, 0, bytes(60, 1), true).status);
    // the same fragment over and over is dropped once it holds twice the limit, then starts over
    expect(seen.slice(0, 3)).toEqual(['pending', 'pending', 'rejected']);
    expect(seen.filter((x) => x === 'rejected').length).toBeGreaterThan(30);
    expect(s.size).toBeLessThanOrEqual(1);
  });
  it('hostile: negative or huge offsets, zero-length tails', () => {
    const d = new Defragmenter();
    expect(d.add('k', 1, 0, -8, bytes(8, 1), true).status).toBe('rejected');
    expect(d.add('k', 1, 0, 65528, bytes(16, 1), false).status).toBe('rejected');
    expect(d.add('e', 1, 0, 0, new Uint8Array(0), false).status).toBe('complete');
  });
});

describe('reassembly through the decoders', () => {
  it('IPv4: the completing frame decodes the upper layer over the reassembled bytes', () => {
    const f = decodeFrames(fixtureFrames(FRAG4));
    expect(f[2]!.value('icmp.type')).toBe('8');
    expect(f[2]!.value('icmp.checksum.status')).toBe('1'); // checksum over all 2056 bytes
    expect(f[2]!.value('data.len')).toBe('2048');
  });
  it('IPv6: same, keyed by the fragment identification and addresses', () => {
    const f = decodeFrames(fixtureFrames(FRAG6));
    expect(f[1]!.value('icmpv6.checksum.status')).toBe('1');
    expect(f[0]!.value('icmpv6.type')).toBeUndefined();
  });
});
