import { describe, expect, it } from 'vitest';
import {
  ACK,
  Desegmenter,
  DirectionReassembler,
  FIN,
  isGap,
  RST,
  StreamReassembler,
  SYN,
  type Chunk,
  type Pdu,
} from '../../src/analysis/tcp/reassembly.js';
import { httpMessageNeed } from '../../src/decoders/http.js';
import { tlsRecordNeed } from '../../src/decoders/tls.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string) => enc.encode(s);

function seg(frame: number, seq: number, data: string | number, flags = ACK) {
  const payload = typeof data === 'string' ? bytes(data) : new Uint8Array(data);
  return { frame, seq: seq >>> 0, flags, len: payload.length, payload };
}

/** The delivered stream as text, gaps as [gap N reason]. */
function text(chunks: Chunk[]): string {
  return chunks.map((c) => (isGap(c) ? `[gap ${c.gapLen} ${c.reason}]` : dec.decode(c.bytes!))).join('');
}

describe('DirectionReassembler', () => {
  it('delivers in-order data without copying and takes SYN and FIN as one sequence number', () => {
    const r = new DirectionReassembler();
    expect(r.push(seg(1, 1000, '', SYN))).toEqual([]);
    const payload = bytes('hello');
    const out = r.push({ frame: 3, seq: 1001, flags: ACK, len: 5, payload });
    expect(out).toHaveLength(1);
    expect((out[0] as { bytes: Uint8Array }).bytes.buffer).toBe(payload.buffer);
    expect(out[0]).toMatchObject({ frame: 3, seqOffset: 0, length: 5 });
    expect(text(r.push(seg(4, 1006, ' world', ACK | FIN)))).toBe(' world');
    const st = r.stats();
    expect(st.finOffset).toBe(11);
    expect(st.complete).toBe(true);
    expect(st.delivered).toBe(11);
  });

  it('holds out-of-order segments and releases them when the gap fills', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 99, '', SYN));
    expect(text(r.push(seg(2, 100, 'aaa')))).toBe('aaa');
    expect(r.push(seg(3, 106, 'ccc'))).toEqual([]);
    expect(r.push(seg(4, 109, 'ddd'))).toEqual([]);
    expect(r.heldBytesNow).toBe(6);
    const out = r.push(seg(5, 103, 'bbb'));
    expect(text(out)).toBe('bbbcccddd');
    expect(out.map((c) => c.frame)).toEqual([5, 3, 4]);
    expect(out.map((c) => c.seqOffset)).toEqual([0 + 3, 6, 9]);
    expect(r.heldBytesNow).toBe(0);
  });

  it('takes retransmitted bytes once and reports a later copy that differs', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 1, 'abcdef'));
    // exact retransmission: nothing new, no conflict
    expect(r.push(seg(3, 1, 'abcdef'))).toEqual([]);
    // overlapping retransmission with more data and different bytes in the overlap
    expect(text(r.push(seg(4, 4, 'dXfghi')))).toBe('ghi');
    const st = r.stats();
    expect(st.duplicateBytes).toBe(6 + 3);
    expect(st.conflictCount).toBe(1);
    expect(st.conflicts[0]).toEqual({ seqOffset: 4, length: 1, firstFrame: 2, frame: 4 });
  });

  it('keeps the first copy among held segments and reports the difference', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 11, 'KLMNOP')); // held, offsets 10..16
    r.push(seg(3, 9, 'ijKLmn')); // overlaps 10..14: kl differ? no: 'KL' equal, 'mn' vs 'MN' differ
    const out = r.push(seg(4, 1, 'abcdefgh'));
    expect(text(out)).toBe('abcdefghijKLMNOP');
    const st = r.stats();
    expect(st.conflicts).toEqual([{ seqOffset: 12, length: 2, firstFrame: 2, frame: 3 }]);
  });

  it('handles sequence numbers wrapping at 2^32', () => {
    const r = new DirectionReassembler();
    const isn = 0xfffffff0;
    r.push(seg(1, isn, '', SYN));
    let all = '';
    all += text(r.push(seg(2, isn + 1, '0123456789')));
    // crosses the wrap: starts at 0xfffffffb, ends past 0
    all += text(r.push(seg(4, (isn + 11 + 8) >>> 0, 'STUVWXYZ'))); // held (out of order, after wrap)
    all += text(r.push(seg(3, (isn + 11) >>> 0, 'abcdefgh')));
    expect(all).toBe('0123456789abcdefghSTUVWXYZ');
    expect(r.offsetOf(7)).toBe(7 + 16 - 1);
    expect(r.stats().gaps).toBe(0);
  });

  it('reports a retransmitted FIN once', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 5000, '', SYN));
    expect(text(r.push(seg(2, 5001, 'data', ACK | FIN)))).toBe('data');
    expect(r.push(seg(3, 5001, 'data', ACK | FIN))).toEqual([]);
    expect(r.push(seg(4, 5005, '', ACK | FIN))).toEqual([]);
    const st = r.stats();
    expect(st.finOffset).toBe(4);
    expect(st.complete).toBe(true);
    expect(st.duplicateBytes).toBe(4);
    expect(r.finish()).toEqual([]);
  });

  it('declares a gap when the peer ACKs past a hole that has held data after it', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 1, 'aaaa'));
    expect(r.push(seg(4, 9, 'cccc'))).toEqual([]);
    // an ACK that does not reach the held data: no evidence yet
    expect(r.ack(5, 5)).toEqual([]);
    const out = r.ack(13, 6);
    expect(text(out)).toBe('[gap 4 lost]cccc');
    expect(out[0]).toMatchObject({ frame: 6, seqOffset: 4, gapLen: 4 });
  });

  it('does not declare a gap for an ACK captured before the data it acknowledges', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 1, 'aaaa'));
    expect(r.ack(9, 3)).toEqual([]);
    expect(text(r.push(seg(4, 5, 'bbbb')))).toBe('bbbb');
    expect(r.stats().gaps).toBe(0);
  });

  it('declares acknowledged-but-unseen bytes at once in eager mode (Zeek)', () => {
    const r = new DirectionReassembler({ eagerGaps: true });
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 1, 'aaaa'));
    expect(text(r.ack(9, 3))).toBe('[gap 4 lost]');
    // the FIN's own sequence number is not a missing byte
    expect(r.push(seg(4, 9, '', ACK | FIN))).toEqual([]);
    expect(r.ack(10, 5)).toEqual([]);
  });

  it('sees bytes missing before the first segment of a stream picked up mid-way', () => {
    const s = new StreamReassembler();
    // the server's ACK comes first: the client's stream starts at 1000
    expect(s.push({ dir: 1, ...seg(1, 7000, ''), ack: 1000 })).toEqual([]);
    // the client's first captured segment starts 200 bytes later
    expect(s.push({ dir: 0, ...seg(2, 1200, 'x'.repeat(100)), ack: 7000 })).toEqual([]);
    // the server acknowledges it: the first 200 bytes were sent but not captured
    const out = s.push({ dir: 1, ...seg(3, 7000, ''), ack: 1300 });
    expect(out.map((o) => o.dir)).toEqual([0, 0]);
    expect(isGap(out[0]!.chunk) && out[0]!.chunk.gapLen).toBe(200);
    expect(out[1]!.chunk).toMatchObject({ frame: 2, seqOffset: 200, length: 100 });
  });

  it('gives held data and trailing holes at finish()', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 1, 'aa'));
    r.push(seg(3, 5, 'cc'));
    // the peer got 2 bytes more than we saw; its ACK settles the hole before the held bytes
    expect(text(r.ack(9, 4))).toBe('[gap 2 lost]cc');
    r.push(seg(5, 11, 'ee'));
    expect(text(r.finish())).toBe('[gap 2 lost]ee');
  });

  it('declares an overflow gap when the held bytes exceed the bound', () => {
    const r = new DirectionReassembler({ maxBuffered: 10 });
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 1, 'ab'));
    expect(r.push(seg(3, 11, 'xxxxxx'))).toEqual([]); // 6 held
    const out = r.push(seg(4, 17, 'yyyyyy')); // 12 held > 10
    expect(text(out)).toBe('[gap 8 overflow]xxxxxxyyyyyy');
    const st = r.stats();
    expect(st.overflowGaps).toBe(1);
    expect(st.overflowBytes).toBe(8);
    expect(st.maxHeld).toBe(12);
    // the missing bytes arriving now are old news
    expect(r.push(seg(5, 3, 'cdefghij'))).toEqual([]);
  });

  it('bounds the number of held segments too', () => {
    const r = new DirectionReassembler({ maxSegments: 2 });
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 11, 'a'));
    r.push(seg(3, 13, 'b'));
    const out = r.push(seg(4, 15, 'c'));
    expect(text(out)).toBe('[gap 10 overflow]a');
    expect(r.heldBytesNow).toBe(2);
  });

  it('turns payload cut by the snaplen into a snaplen gap, and lets a full copy replace a held one', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 0, '', SYN));
    const out = r.push({ frame: 2, seq: 1, flags: ACK, len: 10, payload: bytes('abcd') });
    expect(text(out)).toBe('abcd[gap 6 snaplen]');
    // held and cut, then a complete copy arrives before the hole is filled
    r.push({ frame: 3, seq: 21, flags: ACK, len: 6, payload: bytes('uv') });
    r.push(seg(4, 21, 'uvwxyz'));
    expect(text(r.push(seg(5, 11, '0123456789')))).toBe('0123456789uvwxyz');
  });

  it('ignores RST payload and keep-alive bytes', () => {
    const r = new DirectionReassembler();
    r.push(seg(1, 0, '', SYN));
    r.push(seg(2, 1, 'abc'));
    expect(r.push(seg(3, 4, 'diagnostic', RST))).toEqual([]);
    expect(r.push({ ...seg(4, 3, '\0'), keepAlive: true })).toEqual([]);
    expect(r.stats().conflictCount).toBe(0);
  });

  it('tracks coverage without bytes', () => {
    const r = new DirectionReassembler({ keepBytes: false });
    r.push(seg(1, 0, '', SYN));
    const out = r.push(seg(2, 1, 'abc'));
    expect(out).toEqual([{ frame: 2, seqOffset: 0, length: 3, bytes: null }]);
    r.push(seg(3, 1, 'abc'));
    expect(r.stats().duplicateBytes).toBe(3);
  });

  it('tracks coverage from captured counts alone (no payload bytes given)', () => {
    const r = new DirectionReassembler({ keepBytes: false });
    r.push({ frame: 1, seq: 0, flags: SYN, len: 0, payload: null, captured: 0 });
    expect(r.push({ frame: 2, seq: 1, flags: ACK, len: 10, payload: null, captured: 4 })).toEqual([
      { frame: 2, seqOffset: 0, length: 4, bytes: null },
      { frame: 2, seqOffset: 4, gapLen: 6, reason: 'snaplen' },
    ]);
    r.push({ frame: 3, seq: 1, flags: ACK, len: 10, payload: null, captured: 10 });
    // the snaplen gap was declared already: the whole copy repeats what the stream is past
    expect(r.stats()).toMatchObject({ gapBytes: 6, duplicateBytes: 10 });
  });
});

describe('Desegmenter', () => {
  // a toy length-prefixed protocol: 1 byte length, then the body
  const need = (d: Uint8Array, off: number, end: number): number => {
    if (end - off < 1) return 1;
    const total = 1 + d[off]!;
    return end - off >= total ? 0 : total - (end - off);
  };
  const chunk = (frame: number, seqOffset: number, b: number[]): Chunk => ({ frame, seqOffset, length: b.length, bytes: new Uint8Array(b) });

  it('reports each PDU on the frame that completes it', () => {
    const ds = new Desegmenter(need);
    const pdus: Pdu[] = [];
    const take = (p: Pdu) => {
      pdus.push({ ...p, bytes: p.bytes.slice(0, 1 + p.bytes[0]!) });
      return 1 + p.bytes[0]!;
    };
    ds.push(chunk(1, 0, [3, 65, 66]), take); // 1 byte short
    expect(pdus).toHaveLength(0);
    expect(ds.pending).toBe(3);
    ds.push(chunk(2, 3, [67, 2, 68, 69, 5]), take); // completes #1, carries #2 whole, starts #3
    expect(pdus.map((p) => [p.firstFrame, p.frame, p.chunks, p.seqOffset, Array.from(p.bytes)])).toEqual([
      [1, 2, 2, 0, [3, 65, 66, 67]],
      [2, 2, 1, 4, [2, 68, 69]],
    ]);
    ds.push(chunk(3, 8, [1, 2, 3, 4]), take);
    ds.push(chunk(4, 12, [5]), take);
    expect(pdus[2]).toMatchObject({ firstFrame: 2, frame: 4, seqOffset: 7 });
    expect(ds.stats()).toEqual({ pdus: 3, reassembled: 2, discarded: 0, discardedBytes: 0 });
  });

  it('abandons a partial PDU at a gap and marks the next one', () => {
    const ds = new Desegmenter(need);
    const pdus: Pdu[] = [];
    ds.push(chunk(1, 0, [9, 1, 2]), (p) => void pdus.push(p));
    ds.push({ frame: 2, seqOffset: 3, gapLen: 100, reason: 'lost' }, () => 0);
    ds.push(chunk(3, 103, [1, 7]), (p) => void pdus.push(p));
    expect(pdus).toHaveLength(1);
    expect(pdus[0]).toMatchObject({ frame: 3, afterGap: true });
    expect(ds.stats()).toMatchObject({ discarded: 1, discardedBytes: 3 });
  });

  it('asks again on every chunk when the need is unknown (-1)', () => {
    // complete when a NUL terminator is present
    const needNul = (d: Uint8Array, off: number, end: number) => (d.subarray(off, end).includes(0) ? 0 : -1);
    const ds = new Desegmenter(needNul);
    const got: string[] = [];
    const take = (p: Pdu) => {
      const n = p.bytes.indexOf(0) + 1;
      got.push(`${p.frame}:${dec.decode(p.bytes.subarray(0, n - 1))}`);
      return n;
    };
    ds.push(chunk(1, 0, [...bytes('GET ')]), take);
    ds.push(chunk(2, 4, [...bytes('/x')]), take);
    ds.push(chunk(3, 6, [0, ...bytes('y'), 0]), take);
    expect(got).toEqual(['3:GET /x', '3:y']);
  });

  it('drops a PDU that grows past the bound', () => {
    const ds = new Desegmenter(() => -1, { maxPdu: 8 });
    ds.push(chunk(1, 0, [1, 2, 3, 4, 5]), () => 0);
    ds.push(chunk(2, 5, [6, 7, 8, 9, 10]), () => 0);
    expect(ds.pending).toBe(0);
    expect(ds.stats().discarded).toBe(1);
  });

  it('puts a TLS record split over three segments on the segment that completes it (tlsRecordNeed)', () => {
    const record = [0x16, 0x03, 0x03, 0x00, 0x06, 1, 2, 3, 4, 5, 6];
    const next = [0x17, 0x03, 0x03, 0x00, 0x01, 9];
    const ds = new Desegmenter(tlsRecordNeed);
    const got: Pdu[] = [];
    const take = (p: Pdu) => {
      const n = 5 + ((p.bytes[3]! << 8) | p.bytes[4]!);
      got.push({ ...p, bytes: p.bytes.slice(0, n) });
      return n;
    };
    ds.push(chunk(10, 0, record.slice(0, 3)), take); // header incomplete: -1
    ds.push(chunk(11, 3, record.slice(3, 7)), take); // 4 more needed
    ds.push(chunk(12, 7, [...record.slice(7), ...next]), take);
    expect(got.map((p) => [p.firstFrame, p.frame, p.chunks, p.bytes.length])).toEqual([
      [10, 12, 3, 11],
      [12, 12, 1, 6],
    ]);
  });

  it('waits for an HTTP body announced by Content-Length (httpMessageNeed)', () => {
    const ds = new Desegmenter(httpMessageNeed);
    const got: Pdu[] = [];
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n';
    ds.push(chunk(1, 0, [...bytes(head + '01234')]), (p) => void got.push(p));
    expect(got).toHaveLength(0);
    ds.push(chunk(2, head.length + 5, [...bytes('56789')]), (p) => void got.push(p));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ firstFrame: 1, frame: 2, chunks: 2, unrecognised: false });
    expect(dec.decode(got[0]!.bytes)).toBe(head + '0123456789');
  });
});
