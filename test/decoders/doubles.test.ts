import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { objectList, storeAsDoubles } from '../../src/decoders/core/doubles.js';
import { DirectionReassembler } from '../../src/analysis/tcp/reassembly.js';
import { TcpConversation, TcpFlow } from '../../src/analysis/tcp/state.js';
import { newAnalysis } from '../../src/analysis/tcp/index.js';
import { newSegmentEvent } from '../../src/analysis/conversations.js';

// %HaveSameMap: whether two objects share V8's hidden class (natives syntax, enabled for the
// functions compiled after this call)
v8.setFlagsFromString('--allow-natives-syntax');
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

describe('storeAsDoubles', () => {
  it('leaves +0 in every named field and returns the object', () => {
    const o = storeAsDoubles({ a: 0, b: 7, c: 'x' }, ['a', 'b']);
    expect(Object.is(o.a, 0)).toBe(true);
    expect(Object.is(o.b, 0)).toBe(true);
    expect(o.c).toBe('x');
  });

  it('refuses a field that is not a number (a renamed field fails at load)', () => {
    expect(() => storeAsDoubles({ a: 0 }, ['b'])).toThrow(/no number field b/);
    expect(() => storeAsDoubles({ a: 'x' }, ['a'])).toThrow(/no number field a/);
  });

  it('makes a field take large and fractional values without changing the hidden class', () => {
    const plain = () => ({ p: 0, q: 0 });
    const primed = () => ({ r: 0, s: 0 });
    storeAsDoubles(primed(), ['r', 's']);
    const [a, b] = [plain(), plain()];
    b.p = 3e9;
    expect(sameMap(a, b)).toBe(false); // the control: a small-integer field had to change
    const [c, d] = [primed(), primed()];
    d.r = 3e9;
    d.s = 0.25;
    expect(sameMap(c, d)).toBe(true);
  });

  it('keeps the priming through full collections (V8 holds hidden classes weakly)', () => {
    const gc = new Function('%CollectGarbage(null)') as () => void;
    for (let i = 0; i < 3; i++) gc();
    const f1 = new TcpFlow(0);
    const f2 = new TcpFlow(0);
    f2.baseSeq = 4_000_000_000;
    f2.lastAckTime = 1.5e9 + 0.25;
    expect(sameMap(f1, f2)).toBe(true);
  });

  it('covers the TCP engine objects that hold sequence numbers and times', () => {
    const f1 = new TcpFlow(0);
    const f2 = new TcpFlow(0);
    f2.baseSeq = 4_000_000_000;
    f2.nextSeq = 4_000_000_001;
    f2.lastAckTime = 1.5e9 + 0.25;
    expect(sameMap(f1, f2)).toBe(true);
    expect(Object.is(f1.baseSeq, 0) && Object.is(f1.nextSeq, 0) && Object.is(f1.lastAck, 0)).toBe(true);

    const c1 = new TcpConversation(0, -1, 1_700_000_000, 5, 1);
    const c2 = new TcpConversation(1, -1, 1_700_000_000, 5, 1);
    c2.tsPrev = 2.5e9;
    expect(sameMap(c1, c2)).toBe(true);

    const a1 = newAnalysis(1, 2, 3, 1);
    const a2 = newAnalysis(1, 2, 3, 1);
    a2.seq = 3_000_000_000;
    a2.timeDelta = 0.001;
    a2.ackRtt = 0.0002;
    expect(sameMap(a1, a2)).toBe(true);

    const e1 = newSegmentEvent();
    const e2 = newSegmentEvent();
    e2.seq = 3_000_000_000;
    e2.time = 12.5;
    expect(sameMap(e1, e2)).toBe(true);
  });
});

describe('objectList', () => {
  it('gives an empty array that keeps its hidden class at its first object', () => {
    const control: object[] = [];
    const before = [...control];
    control.push({ x: 1 });
    expect(sameMap(before, control)).toBe(false); // the control: a [] changes kind
    const a = objectList<object>();
    const b = objectList<object>();
    expect(a).toEqual([]);
    b.push({ x: 1 });
    expect(sameMap(a, b)).toBe(true);
  });

  it('makes the reassembler\'s held list so', () => {
    type Inside = { held: object[] };
    const r1 = new DirectionReassembler({ keepBytes: false });
    const r2 = new DirectionReassembler({ keepBytes: false });
    const seg = (frame: number, seq: number, flags: number, len: number) => ({ frame, seq, flags, len, payload: null, captured: len });
    r2.push(seg(1, 1000, 0x02, 0)); // SYN
    r2.push(seg(2, 1011, 0x10, 5)); // after a hole: held
    const [i1, i2] = [r1 as unknown as Inside, r2 as unknown as Inside];
    expect(i2.held.length).toBe(1);
    expect(sameMap(i1.held, i2.held)).toBe(true);
  });
});
