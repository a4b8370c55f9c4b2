import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ourFields, tsharkFields } from '../helpers/fields.js';
import { haveTshark, skipNote } from '../helpers/paths.js';
import { Conn, pcapBytes } from './tcp/build.js';

/**
 * TCP desegmentation (src/analysis/tcp/desegment.ts) on hand-built conversations. Each scenario
 * is written to a pcap; the columns and the reassembly/application fields are checked against the
 * values tshark 4.0.17 gives (recorded below) and, when tshark is installed, against tshark live.
 */
const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'tcp.reassembled.length',
  'tcp.segment.count',
  'tcp.segment',
  'http.request.method',
  'http.response.code',
  'http.content_length',
  'tls.handshake.type',
  'dns.qry.name',
];

const dir = mkdtempSync(path.join(tmpdir(), 'pcapscope-deseg-'));
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

async function rows(name: string, c: Conn): Promise<{ ours: string[][]; file: string }> {
  const file = path.join(dir, `${name}.pcap`);
  writeFileSync(file, pcapBytes(c.frames));
  return { ours: await ourFields(file, FIELDS), file };
}

/** Our rows as `frame: Protocol | Info | reassembled.length | segment.count | ...` lines. */
const show = (r: string[][]) => r.map((cells, i) => `${i + 1}: ${cells.join(' | ')}`);

async function check(name: string, c: Conn, expected: Record<number, string>): Promise<void> {
  const { ours, file } = await rows(name, c);
  const lines = show(ours);
  for (const [frame, want] of Object.entries(expected)) expect(lines[Number(frame) - 1], `${name} frame ${frame}`).toBe(`${frame}: ${want}`);
  if (haveTshark) expect(lines, `${name} vs live tshark`).toEqual(show(tsharkFields(file, FIELDS)));
}
if (!haveTshark) skipNote('desegmentation scenarios: live tshark comparison skipped (tshark not installed)');

// --- HTTP ---------------------------------------------------------------------------------------

const REQ = 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n';
const RESP_HDR = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 30\r\n\r\n';
const BODY = 'abcdefghijklmnopqrstuvwxyz0123';

describe('TCP desegmentation: HTTP', () => {
  it('puts a response body split over three segments on the last one', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(RESP_HDR + BODY.slice(0, 10)) });
    c.s2c(1.2, 1 + RESP_HDR.length + 10, 1 + REQ.length, 'A', { payload: enc(BODY.slice(10, 20)) });
    c.s2c(1.3, 1 + RESP_HDR.length + 20, 1 + REQ.length, 'PA', { payload: enc(BODY.slice(20)) });
    await check('http-3seg', c, {
      4: 'HTTP | GET /a HTTP/1.1  |  |  |  | GET |  |  |  | ',
      5: 'TCP | HTTP/1.1 200 OK  [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
      6: 'TCP | 80 → 40000 [ACK] Seq=76 Ack=29 Win=65535 Len=10 [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
      7: `HTTP | HTTP/1.1 200 OK  (text/plain) | ${RESP_HDR.length + 30} | 3 | 5 |  | 200 | 30 |  | `,
    });
  });

  it('waits for the end of the headers when the first line is cut', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc('GET /x HT') });
    c.c2s(1.1, 10, 1, 'PA', { payload: enc('TP/1.1\r\nHost: h\r\n') });
    c.c2s(1.2, 27, 1, 'PA', { payload: enc('\r\n') });
    await check('http-cut-line', c, {
      4: 'TCP | 40000 → 80 [PSH, ACK] Seq=1 Ack=1 Win=65535 Len=9 [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
      5: 'TCP | GET /x HTTP/1.1  [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
      6: 'HTTP | GET /x HTTP/1.1  | 28 | 3 | 4 | GET |  |  |  | ',
    });
  });

  it('handles pipelined requests and a segment that ends one PDU and starts the next', async () => {
    const c = new Conn().hs();
    const two = REQ + REQ.replace('/a', '/b');
    c.c2s(1, 1, 1, 'PA', { payload: enc(two) });
    const r1 = RESP_HDR + BODY;
    const r2 = RESP_HDR.replace('200 OK', '404 Not Found') + BODY;
    const all = r1 + r2;
    c.s2c(1.1, 1, 1 + two.length, 'A', { payload: enc(all.slice(0, 60)) });
    c.s2c(1.2, 61, 1 + two.length, 'A', { payload: enc(all.slice(60, 110)) });
    c.s2c(1.3, 111, 1 + two.length, 'PA', { payload: enc(all.slice(110)) });
    await check('http-pipeline', c, {
      4: 'HTTP | GET /a HTTP/1.1 GET /b HTTP/1.1  |  |  |  | GET |  |  |  | ',
      5: 'TCP | HTTP/1.1 200 OK  [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
    });
  });

  it('reassembles a chunked body', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    const r = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(r.slice(0, 80)) });
    c.s2c(1.2, 81, 1 + REQ.length, 'A', { payload: enc(r.slice(80, 95)) });
    c.s2c(1.3, 96, 1 + REQ.length, 'PA', { payload: enc(r.slice(95)) });
    await check('http-chunked', c, {
      7: `HTTP | HTTP/1.1 200 OK  (text/html) | ${r.length} | 3 | 5 |  | 200 |  |  | `,
    });
  });

  it('collects a response without a length until the FIN', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    const h = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n';
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(h + 'part one ') });
    c.s2c(1.2, 1 + h.length + 9, 1 + REQ.length, 'A', { payload: enc('part two') });
    c.s2c(1.3, 1 + h.length + 17, 1 + REQ.length, 'FA');
    await check('http-until-fin', c, {
      5: 'TCP | HTTP/1.0 200 OK  [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
      7: `HTTP | HTTP/1.0 200 OK  (text/plain) | ${h.length + 17} | 3 | 5 |  | 200 |  |  | `,
    });
  });

  it('does not wait for a body after HEAD, 204 and 304', async () => {
    const c = new Conn().hs();
    const head = 'HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n';
    c.c2s(1, 1, 1, 'PA', { payload: enc(head) });
    c.s2c(1.1, 1, 1 + head.length, 'PA', { payload: enc(RESP_HDR) });
    await check('http-head', c, { 5: 'HTTP | HTTP/1.1 200 OK  |  |  |  |  | 200 | 30 |  | ' });
  });

  it('skips retransmissions and reports data into a finished PDU', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(RESP_HDR + BODY.slice(0, 10)) });
    c.s2c(1.2, 1 + RESP_HDR.length + 10, 1 + REQ.length, 'PA', { payload: enc(BODY.slice(10)) });
    // the first segment again, much later: a retransmission (not handed on)
    c.s2c(2.5, 1, 1 + REQ.length, 'A', { payload: enc(RESP_HDR + BODY.slice(0, 10)) });
    await check('http-retrans', c, {
      7: 'TCP | [TCP Retransmission] 80 → 40000 [ACK] Seq=1 Ack=29 Win=65535 Len=75 |  |  |  |  |  |  |  | ',
    });
  });

  it('reports an out-of-order segment into a reassembled PDU as tshark does', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    const r = RESP_HDR + BODY;
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(r.slice(0, 60)) });
    c.s2c(1.101, 61, 1 + REQ.length, 'PA', { payload: enc(r.slice(60)) });
    c.s2c(1.102, 31, 1 + REQ.length, 'A', { payload: enc(r.slice(30, 60)) });
    await check('http-ooo', c, {
      7: 'TCP | [TCP Out-Of-Order] 80 → 40000 [ACK] Seq=31 Ack=29 Win=65535 Len=30[Reassembly error, protocol TCP: New fragment overlaps old data (retransmission?)] |  |  |  |  |  |  |  | ',
    });
  });

  it('leaves a PDU with a lost segment unfinished and hands later data on', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    const r = RESP_HDR + BODY;
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(r.slice(0, 60)) });
    // bytes 61..80 never captured
    c.s2c(1.3, 81, 1 + REQ.length, 'PA', { payload: enc(r.slice(80)) });
    c.s2c(1.5, 1 + r.length, 1 + REQ.length, 'PA', { payload: enc(RESP_HDR.replace('Content-Length: 30', 'Content-Length: 0')) });
    await check('http-gap', c, {
      6: 'TCP | [TCP Previous segment not captured] 80 → 40000 [PSH, ACK] Seq=81 Ack=29 Win=65535 Len=15 [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
    });
  });

  it('adds a keep-alive byte inside an open PDU to it', async () => {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(RESP_HDR + BODY.slice(0, 10)) });
    c.s2c(3, RESP_HDR.length + 10, 1 + REQ.length, 'A', { payload: enc(BODY.slice(9, 10)) });
    c.s2c(4, 1 + RESP_HDR.length + 10, 1 + REQ.length, 'PA', { payload: enc(BODY.slice(10)) });
    await check('http-keepalive', c, {});
  });

  it('finds HTTP/1.1 on other ports by heuristic and keeps the conversation', async () => {
    const c = new Conn(1000, 5000, 40000, 8000).hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    c.s2c(1.1, 1, 1 + REQ.length, 'A', { payload: enc(RESP_HDR + BODY.slice(0, 10)) });
    c.s2c(1.2, 1 + RESP_HDR.length + 10, 1 + REQ.length, 'PA', { payload: enc(BODY.slice(10)) });
    await check('http-heuristic', c, { 4: 'HTTP | GET /a HTTP/1.1  |  |  |  | GET |  |  |  | ' });
  });

  it('does not take "GET bulk" on another port for HTTP', async () => {
    const c = new Conn(1000, 5000, 45101, 5001).hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc('GET bulk\n') });
    await check('not-http', c, { 4: 'TCP | 45101 → 5001 [PSH, ACK] Seq=1 Ack=1 Win=65535 Len=9 |  |  |  |  |  |  |  | ' });
  });
});

// --- TLS and DNS --------------------------------------------------------------------------------

function tlsRecord(type: number, body: Uint8Array): Uint8Array {
  return cat(new Uint8Array([type, 3, 3, body.length >> 8, body.length & 255]), body);
}
function clientHello(): Uint8Array {
  const sni = enc('example.com');
  const ext = cat(new Uint8Array([0, 0, 0, sni.length + 5, 0, sni.length + 3, 0, 0, sni.length]), sni);
  const body = cat(new Uint8Array([3, 3]), new Uint8Array(32), new Uint8Array([0, 0, 2, 0x13, 0x01, 1, 0, ext.length >> 8, ext.length & 255]), ext);
  return cat(new Uint8Array([1, 0, body.length >> 8, body.length & 255]), body);
}

describe('TCP desegmentation: TLS and DNS', () => {
  it('reassembles a TLS record over segments and splits a segment between records', async () => {
    const c = new Conn(1000, 5000, 40000, 443).hs();
    const hello = tlsRecord(22, clientHello());
    const app = tlsRecord(23, new Uint8Array(40).fill(7));
    const stream = cat(hello, app, app);
    c.c2s(1, 1, 1, 'A', { payload: stream.subarray(0, 30) });
    c.c2s(1.1, 31, 1, 'A', { payload: stream.subarray(30, hello.length + 20) });
    c.c2s(1.2, hello.length + 21, 1, 'PA', { payload: stream.subarray(hello.length + 20) });
    await check('tls', c, {
      4: 'TCP | [TCP segment of a reassembled PDU] |  |  |  |  |  |  |  | ',
    });
  });

  it('asks for more when a segment of a known TLS session has less than a record header', async () => {
    const c = new Conn(1000, 5000, 40000, 443).hs();
    const hello = tlsRecord(22, clientHello());
    const app = tlsRecord(23, new Uint8Array(40).fill(7));
    c.c2s(1, 1, 1, 'PA', { payload: hello });
    c.s2c(1.1, 1, 1 + hello.length, 'PA', { payload: tlsRecord(22, new Uint8Array([2, 0, 0, 38, 3, 3, ...new Uint8Array(32), 0, 0x13, 1, 0])) });
    c.c2s(1.2, 1 + hello.length, 1, 'A', { payload: app.subarray(0, 3) });
    c.c2s(1.3, 4 + hello.length, 1, 'PA', { payload: app.subarray(3) });
    await check('tls-short', c, {});
  });

  it('reassembles DNS over TCP, the length prefix cut too', async () => {
    const c = new Conn(1000, 5000, 40000, 53).hs();
    const q = cat(new Uint8Array([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7]), enc('example'), new Uint8Array([3]), enc('com'), new Uint8Array([0, 0, 1, 0, 1]));
    const msg = cat(new Uint8Array([0, q.length]), q);
    c.c2s(1, 1, 1, 'A', { payload: msg.subarray(0, 1) });
    c.c2s(1.1, 2, 1, 'A', { payload: msg.subarray(1, 10) });
    c.c2s(1.2, 11, 1, 'PA', { payload: msg.subarray(10) });
    await check('dns-tcp', c, {
      6: `DNS | Standard query 0x1234 A example.com | ${msg.length} | 3 | 4 |  |  |  |  | example.com`,
    });
  });
});

// --- bounds -------------------------------------------------------------------------------------

import { dissect } from '../../src/decoders/core/dissect.js';
import { Registry, Session } from '../../src/decoders/core/registry.js';
import { registerBuiltins } from '../../src/decoders/index.js';
import { TcpAnalyzer } from '../../src/analysis/tcp/index.js';
import { TcpDesegmenter } from '../../src/analysis/tcp/desegment.js';

function engine(opts: { maxPdu: number; maxMsps: number; maxBytes: number }) {
  let deseg: TcpDesegmenter | null = null;
  let tcp: TcpAnalyzer | null = null;
  const r = registerBuiltins(new Registry());
  r.addAnalyzer('tcp', (s) => {
    deseg = new TcpDesegmenter(s, opts);
    tcp = new TcpAnalyzer(s).addListener(deseg);
    return tcp;
  });
  const session = new Session(r);
  return { session, deseg: () => deseg!, tcp: () => tcp! };
}

describe('TCP desegmentation: bounded memory', () => {
  const big = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\n\r\n';
  function conn(): Conn {
    const c = new Conn().hs();
    c.c2s(1, 1, 1, 'PA', { payload: enc(REQ) });
    let seq = 1;
    const body = big + 'x'.repeat(5000);
    for (let i = 0; seq <= body.length; i++) {
      const part = body.slice(seq - 1, seq - 1 + 1000);
      c.s2c(1.1 + i * 0.01, seq, 1 + REQ.length, 'A', { payload: enc(part) });
      seq += part.length;
    }
    return c;
  }

  it('holds the bytes of an open PDU only, and gives up on a PDU over the size bound', () => {
    const ok = engine({ maxPdu: 1 << 20, maxMsps: 8, maxBytes: 1 << 22 });
    const c = conn();
    const infos = c.frames.map((f) => dissect(f, ok.session, { columns: true }).cols!.info);
    expect(infos[infos.length - 1]).toBe('HTTP/1.1 200 OK  (text/plain)');
    // the PDU is complete: nothing is held any more
    expect(ok.deseg().stats()).toEqual({ held: 0, abandoned: 0 });

    // over the bound: the PDU keeps its extent only; the next response is found where it starts
    const small = engine({ maxPdu: 2500, maxMsps: 8, maxBytes: 1 << 22 });
    const c2 = conn();
    const end = 1 + big.length + 5000;
    c2.s2c(3, end, 1 + REQ.length, 'PA', { payload: enc(RESP_HDR + BODY) });
    const infos2 = c2.frames.map((f) => dissect(f, small.session, { columns: true }).cols!.info);
    expect(small.deseg().stats()).toEqual({ held: 0, abandoned: 1 });
    expect(infos2[infos2.length - 2]).toBe('80 → 40000 [ACK] Seq=5001 Ack=29 Win=65535 Len=67 [TCP segment of a reassembled PDU]');
    expect(infos2[infos2.length - 1]).toBe('HTTP/1.1 200 OK  (text/plain)');
  });

  it('releases a conversation on retire', () => {
    const e = engine({ maxPdu: 1 << 20, maxMsps: 8, maxBytes: 1 << 22 });
    const frames = conn().frames;
    for (const f of frames.slice(0, -2)) dissect(f, e.session, { columns: true });
    expect(e.deseg().stats().held).toBeGreaterThan(0);
    e.tcp().finish();
    expect(e.deseg().stats().held).toBe(0);
  });
});
