import { describe, expect, it } from 'vitest';
import { SegmentList, gtSeq, leSeq } from '../../../src/analysis/tcp/state.js';

/** The unacked-segment list as a plain array, the way it was before the in-order fast paths:
 * every ACK walks every entry, bytes in flight scan them all. */
class Reference {
  e: [number, number, number, number][] = [];

  push(frame: number, seq: number, next: number, time: number): void {
    this.e.push([frame, seq, next, time]);
  }

  ack(ack: number, m: Float64Array): boolean {
    let matched = false;
    const out: [number, number, number, number][] = [];
    for (let i = this.e.length - 1; i >= 0; i--) {
      const x = this.e[i]!;
      let keep: boolean;
      if (ack === x[2]) {
        matched = true;
        m[0] = x[0];
        m[1] = x[3];
        keep = false;
      } else if (gtSeq(ack, x[1]) && leSeq(ack, x[2])) {
        x[1] = ack;
        keep = true;
      } else keep = gtSeq(x[2], ack);
      if (keep) out.unshift(x);
    }
    this.e = out;
    return matched;
  }

  inFlight(base: number): number {
    if (!this.e.length) return -1;
    const newest = this.e[this.e.length - 1]!;
    let first = (newest[1] - base) >>> 0;
    let last = (newest[2] - base) >>> 0;
    for (const x of this.e) {
      const n = (x[2] - base) >>> 0;
      const s = (x[1] - base) >>> 0;
      if (n > last) last = n;
      if (s < first) first = s;
    }
    return (last - first) >>> 0;
  }
}

describe('SegmentList (unacked segments of a flow)', () => {
  it('answers as a full walk does: in-order and reordered lists, sequence wrap, far-off ACKs', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
    const ri = (n: number) => Math.floor(rnd() * n);
    let checks = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const list = new SegmentList();
      const ref = new Reference();
      let seq = rnd() < 0.3 ? (2 ** 32 - ri(100000)) >>> 0 : ri(2 ** 32) >>> 0;
      const base = rnd() < 0.5 ? (seq - ri(5000)) >>> 0 : ri(2 ** 32) >>> 0;
      const acked = seq;
      for (let step = 0; step < 150; step++) {
        const r = rnd();
        if (r < 0.5) {
          // mostly in order; some retransmissions, gaps, wild and far-away segments
          const k = rnd();
          let s = seq;
          if (k < 0.1) s = (seq - ri(5000)) >>> 0;
          else if (k < 0.15) s = (seq + ri(5000)) >>> 0;
          else if (k < 0.17) s = ri(2 ** 32) >>> 0;
          else if (k < 0.18) s = (seq + 2 ** 30 + ri(10)) >>> 0;
          const n = (s + (rnd() < 0.05 ? 1 : 1 + ri(3000))) >>> 0;
          list.push(step, s, n, step * 10);
          ref.push(step, s, n, step * 10);
          if (gtSeq(n, seq)) seq = n;
        } else if (r < 0.9) {
          if (list.count === 0 && ref.e.length === 0) continue;
          const k = rnd();
          let a: number;
          if (k < 0.5 && ref.e.length) a = ref.e[ri(ref.e.length)]![2];
          else if (k < 0.7 && ref.e.length) a = (ref.e[ri(ref.e.length)]![1] + ri(3000)) >>> 0;
          else if (k < 0.8) a = ri(2 ** 32) >>> 0;
          else if (k < 0.9) a = (seq + 2 ** 31 + ri(5) - 2) >>> 0;
          else a = (acked + ri(4000)) >>> 0;
          const m1 = new Float64Array(2);
          const m2 = new Float64Array(2);
          const x = list.ack({ ack: a }, m1);
          expect(x, `trial ${trial} step ${step}`).toBe(ref.ack(a, m2));
          if (x) expect([...m1]).toEqual([...m2]);
        } else {
          const b = rnd() < 0.8 ? base : ri(2 ** 32) >>> 0;
          expect(list.inFlight(b), `trial ${trial} step ${step}`).toBe(ref.inFlight(b));
        }
        expect(list.count).toBe(ref.e.length);
        let same = true;
        ref.e.forEach((x, k) => {
          const i = list.head + k;
          same &&= list.frame(i) === x[0] && list.seq(i) === x[1] && list.next(i) === x[2] && list.time(i) === x[3];
        });
        expect(same, `trial ${trial} step ${step}: entries`).toBe(true);
        checks++;
      }
    }
    expect(checks).toBeGreaterThan(100000);
  });
});
