import { inflateRawSync, inflateSync, gunzipSync } from 'node:zlib';
import type { DecodeContext, DecodeResult } from './core/context.js';
import { expert } from './core/expert.js';
import { field, protocol, type FieldDef } from './core/fields.js';
import { escapeForTerminal, latin1 } from './core/format.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder, type Heuristic } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { dispatch } from './core/dissect.js';
import { isPlainMedia, mediaTypeOfHeader } from './media.js';
import { conversationKey, textField, transportPorts } from './udp.js';
import { desegmentOffer, requestMore, ONE_MORE_SEGMENT, UNTIL_FIN, type DesegmentRequest } from '../analysis/tcp/desegment-request.js';

const STATUS: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints', 199: 'Informational - Others',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-authoritative Information', 204: 'No Content', 205: 'Reset Content',
  206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used', 299: 'Success - Others',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 305: 'Use Proxy',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 399: 'Redirection - Others', 400: 'Bad Request', 401: 'Unauthorized',
  402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Time-out', 409: 'Conflict', 410: 'Gone', 411: 'Length Required',
  412: 'Precondition Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable', 417: 'Expectation Failed', 418: "I'm a teapot", 421: 'Misdirected Request',
  422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons', 499: 'Client Error - Others', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out', 505: 'HTTP Version not supported',
  506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected', 510: 'Not Extended',
  511: 'Network Authentication Required', 599: 'Server Error - Others',
};

export const hf = {
  http: protocol('http', 'Hypertext Transfer Protocol'),
  request: field('http.request', 'Request', 'bool'),
  response: field('http.response', 'Response', 'bool'),
  requestMethod: field('http.request.method', 'Request Method', 'string'),
  requestUri: field('http.request.uri', 'Request URI', 'string'),
  requestUriPath: field('http.request.uri.path', 'Request URI Path', 'string'),
  requestUriQuery: field('http.request.uri.query', 'Request URI Query', 'string'),
  requestUriQueryParameter: field('http.request.uri.query.parameter', 'Request URI Query Parameter', 'string'),
  requestVersion: field('http.request.version', 'Request Version', 'string'),
  responseVersion: field('http.response.version', 'Response Version', 'string'),
  responseCode: field('http.response.code', 'Status Code', 'uint', { bits: 16 }),
  responseCodeDesc: field('http.response.code.desc', 'Status Code Description', 'string'),
  responsePhrase: field('http.response.phrase', 'Response Phrase', 'string'),
  requestLine: field('http.request.line', 'Request line', 'string'),
  responseLine: field('http.response.line', 'Response line', 'string'),
  contentLengthHeader: field('http.content_length_header', 'Content-Length', 'string'),
  contentLength: field('http.content_length', 'Content length', 'uint64'),
  cookiePair: field('http.cookie_pair', 'Cookie pair', 'string'),
  fullUri: field('http.request.full_uri', 'Full request URI', 'string'),
  requestNumber: field('http.request_number', 'Request number', 'uint'),
  responseNumber: field('http.response_number', 'Response number', 'uint'),
  prevRequestIn: field('http.prev_request_in', 'Prev request in frame', 'framenum'),
  prevResponseIn: field('http.prev_response_in', 'Prev response in frame', 'framenum'),
  requestIn: field('http.request_in', 'Request in frame', 'framenum'),
  /** Known only once the response has been read: like tshark in one pass, never shown (the field
   * exists so that filters naming it compile as they do in tshark, and match nothing). */
  responseIn: field('http.response_in', 'Response in frame', 'framenum'),
  time: field('http.time', 'Time since request', 'reltime'),
  responseForUri: field('http.response_for.uri', 'Request URI', 'string'),
  fileData: field('http.file_data', 'File Data', 'string'),
  chunkSize: field('http.chunk_size', 'Chunk size', 'uint', { unit: 'octets' }),
  chunkData: field('http.chunk_data', 'Chunk data', 'bytes'),
  chunkBoundary: field('http.chunk_boundary', 'Chunk boundary', 'bytes'),
};

/** Header name (lower case) → field, as Wireshark's header table. */
const HEADER_FIELDS = new Map<string, FieldDef>(
  (
    [
      ['authorization', 'http.authorization', 'Authorization'],
      ['proxy-authenticate', 'http.proxy_authenticate', 'Proxy-Authenticate'],
      ['proxy-authorization', 'http.proxy_authorization', 'Proxy-Authorization'],
      ['www-authenticate', 'http.www_authenticate', 'WWW-Authenticate'],
      ['content-type', 'http.content_type', 'Content-Type'],
      ['content-encoding', 'http.content_encoding', 'Content-Encoding'],
      ['transfer-encoding', 'http.transfer_encoding', 'Transfer-Encoding'],
      ['upgrade', 'http.upgrade', 'Upgrade'],
      ['user-agent', 'http.user_agent', 'User-Agent'],
      ['host', 'http.host', 'Host'],
      ['connection', 'http.connection', 'Connection'],
      ['cookie', 'http.cookie', 'Cookie'],
      ['accept', 'http.accept', 'Accept'],
      ['referer', 'http.referer', 'Referer'],
      ['accept-language', 'http.accept_language', 'Accept-Language'],
      ['accept-encoding', 'http.accept_encoding', 'Accept Encoding'],
      ['date', 'http.date', 'Date'],
      ['cache-control', 'http.cache_control', 'Cache-Control'],
      ['server', 'http.server', 'Server'],
      ['location', 'http.location', 'Location'],
      ['sec-websocket-accept', 'http.sec_websocket_accept', 'Sec-WebSocket-Accept'],
      ['sec-websocket-extensions', 'http.sec_websocket_extensions', 'Sec-WebSocket-Extensions'],
      ['sec-websocket-key', 'http.sec_websocket_key', 'Sec-WebSocket-Key'],
      ['sec-websocket-protocol', 'http.sec_websocket_protocol', 'Sec-WebSocket-Protocol'],
      ['sec-websocket-version', 'http.sec_websocket_version', 'Sec-WebSocket-Version'],
      ['set-cookie', 'http.set_cookie', 'Set-Cookie'],
      ['last-modified', 'http.last_modified', 'Last-Modified'],
      ['x-forwarded-for', 'http.x_forwarded_for', 'X-Forwarded-For'],
      ['http2-settings', 'http.http2_settings', 'HTTP2-Settings'],
    ] as const
  ).map(([h, name, label]) => [h, field(name, label, 'string')]),
);

/** A field Wireshark adds but does not show. */
const HIDDEN = { generated: true, hidden: true } as const;
const chatDef = expert('http.chat', 'chat', 'sequence', 'Formatted text');
export const ei = {
  chat: chatDef,
};

export interface HttpLayer extends Layer {
  proto: 'http';
  kind: 'request' | 'response' | 'continuation';
  /** Request method / status code (0 for requests and continuations). */
  method: string | null;
  status: number;
  /** Offset of the body in `ctx.data` (-1 when the headers did not end in this buffer). */
  bodyOffset: number;
  /** Content-Length when present, else -1. */
  contentLength: number;
  chunked: boolean;
  /** Bytes the message still needs after this buffer (see httpMessageNeed). */
  needMore: number;
  /** The body's media type (Content-Type without parameters), for its media decoder. */
  mediaType: string | null;
}

const METHODS = new Set([
  'GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY',
  'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'CHECKOUT', 'CHECKIN', 'MERGE', 'MKACTIVITY', 'MKWORKSPACE', 'VERSION-CONTROL',
  'BASELINE-CONTROL', 'UNCHECKOUT', 'LABEL', 'UPDATE', 'ORDERPATCH', 'ACL', 'BIND', 'UNBIND', 'REBIND', 'MKREDIRECTREF',
  'UPDATEREDIRECTREF', 'MKCALENDAR', 'POLL', 'SUBSCRIBE', 'UNSUBSCRIBE', 'NOTIFY', 'BMOVE', 'BCOPY', 'BDELETE', 'BPROPFIND',
  'BPROPPATCH', 'X-MS-ENUMATTS', 'RPC_IN_DATA', 'RPC_OUT_DATA', 'PRI',
]);

/** Longest request line we look at to tell HTTP from other bytes. */
const MAX_FIRST_LINE = 8192;
const MAX_HEADERS = 1024;

interface FirstLine {
  kind: 'request' | 'response';
  end: number; // offset just after the line's \n
  lineEnd: number; // offset of \r or \n
}

/** Whether `[offset, end)` starts with an HTTP/1.x request or status line. */
function firstLine(d: Uint8Array, offset: number, end: number): FirstLine | null {
  const n = Math.min(end, offset + MAX_FIRST_LINE);
  if (n - offset < 5) return null;
  let sp = -1;
  for (let i = offset; i < n && i - offset <= 20; i++) {
    if (d[i] === 0x20) {
      sp = i;
      break;
    }
  }
  let kind: 'request' | 'response';
  if (d[offset] === 0x48 && d[offset + 1] === 0x54 && d[offset + 2] === 0x54 && d[offset + 3] === 0x50 && d[offset + 4] === 0x2f) {
    kind = 'response';
  } else if (sp > offset && METHODS.has(latin1(d, offset, sp))) {
    kind = 'request';
  } else return null;
  let nl = -1;
  for (let i = offset; i < n; i++) {
    if (d[i] === 0x0a) {
      nl = i;
      break;
    }
  }
  if (nl < 0) return { kind, end: n, lineEnd: n };
  return { kind, end: nl + 1, lineEnd: nl > offset && d[nl - 1] === 0x0d ? nl - 1 : nl };
}

/** Wireshark's HTTP heuristic for TCP (`dissect_http_heur_tcp`): the first line is complete (an
 * end of line in the data), is not 8 bytes long, and starts or ends with `HTTP/1.1` (any case).
 * A conversation claimed this way stays HTTP (Wireshark sets the conversation's dissector). */
export const httpHeuristic: Heuristic = {
  proto: 'http',
  test(ctx: DecodeContext, offset: number, end: number): boolean {
    const d = ctx.data;
    const claimed = ctx.session.get(CLAIMED);
    if (claimed.count > 0) {
      const c = convFor(ctx);
      if (c?.claimed) return true;
    }
    const len = lineEnd(d, offset, end, true);
    if (len < 0 || len === 8) return false;
    if (!(caseEq(d, offset + len - 8, 'HTTP/1.1', offset, end) || caseEq(d, offset, 'HTTP/1.1', offset, end))) return false;
    const c = convFor(ctx);
    if (c && !c.claimed) {
      c.claimed = true;
      claimed.count++;
    }
    return true;
  },
};

const CLAIMED = stateKey('http.claimed', (): { count: number } => ({ count: 0 }));

/** Case-insensitive match of ASCII `s` at `at`, inside [lo, hi). */
function caseEq(d: Uint8Array, at: number, s: string, lo: number, hi: number): boolean {
  if (at < lo || at + s.length > hi) return false;
  for (let i = 0; i < s.length; i++) {
    let c = d[at + i]!;
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    let e = s.charCodeAt(i);
    if (e >= 0x61 && e <= 0x7a) e -= 0x20;
    if (c !== e) return false;
  }
  return true;
}

/** Offset after the line end found by the last `lineEnd` call. */
let lineNext = 0;

/** Wireshark's `tvb_find_line_end`: the length of the line at `off` (without its CR, LF or CRLF),
 * and `lineNext` after it. Without an end of line the line runs to `end`, or, with `deseg`, the
 * answer is -1 (also for a CR as the last byte: an LF may follow in the next segment). */
function lineEnd(d: Uint8Array, off: number, end: number, deseg: boolean): number {
  for (let i = off; i < end; i++) {
    const c = d[i]!;
    if (c === 0x0a) {
      lineNext = i + 1;
      return i - off;
    }
    if (c === 0x0d) {
      if (i + 1 < end) {
        lineNext = d[i + 1] === 0x0a ? i + 2 : i + 1;
        return i - off;
      }
      if (deseg) return -1;
      lineNext = end;
      return i - off;
    }
  }
  if (deseg) return -1;
  lineNext = end;
  return end - off;
}

interface Header {
  name: string; // lower case
  value: string;
  start: number;
  /** Offset after the line's \n (or the data end). */
  end: number;
  line: string; // raw line with its line ending
}

interface Parsed {
  headers: Header[];
  /** Offset after the empty line, -1 when the headers did not end. */
  bodyOffset: number;
  blankStart: number;
  contentLength: number;
  chunked: boolean;
}

function parseHeaders(d: Uint8Array, off: number, end: number): Parsed {
  const headers: Header[] = [];
  let p = off;
  const res: Parsed = { headers, bodyOffset: -1, blankStart: -1, contentLength: -1, chunked: false };
  for (let i = 0; p < end && i < MAX_HEADERS; i++) {
    let nl = p;
    while (nl < end && d[nl] !== 0x0a) nl++;
    if (nl >= end) {
      // a line not finished in this buffer
      const line = latin1(d, p, end);
      if (line.length) headers.push(header(line, p, end));
      return res;
    }
    const lineEnd = nl > p && d[nl - 1] === 0x0d ? nl - 1 : nl;
    if (lineEnd === p) {
      res.blankStart = p;
      res.bodyOffset = nl + 1;
      break;
    }
    headers.push(header(latin1(d, p, nl + 1), p, nl + 1));
    p = nl + 1;
  }
  for (const h of headers) {
    if (h.name === 'content-length') {
      const n = /^\s*(\d+)\s*$/.exec(h.value);
      if (n) res.contentLength = Number(n[1]);
    } else if (h.name === 'transfer-encoding' && /chunked/i.test(h.value)) res.chunked = true;
  }
  return res;
}

function header(line: string, start: number, end: number): Header {
  let n = line.length;
  if (n && line.charCodeAt(n - 1) === 0x0a) n -= n > 1 && line.charCodeAt(n - 2) === 0x0d ? 2 : 1;
  const body = n === line.length ? line : line.slice(0, n);
  const c = body.indexOf(':');
  const name = c > 0 ? body.slice(0, c).trim().toLowerCase() : '';
  const value = c > 0 ? body.slice(c + 1).trim() : '';
  return { name, value, start, end, line };
}

/** Walks chunked coding from `off`: the end offset of the last chunk's trailer, or -1 when the
 * chunks do not all lie before `end`. */
function chunkedEnd(d: Uint8Array, off: number, end: number, out?: Uint8Array[]): number {
  let p = off;
  for (let i = 0; i < 100000; i++) {
    let nl = p;
    while (nl < end && d[nl] !== 0x0a) nl++;
    if (nl >= end) return -1;
    const m = /^\s*([0-9a-fA-F]+)/.exec(latin1(d, p, Math.min(nl, p + 64)));
    if (!m) return -1;
    const size = parseInt(m[1]!, 16);
    p = nl + 1;
    if (size === 0) {
      // trailer lines up to an empty line
      for (let k = 0; k < 1000; k++) {
        let e = p;
        while (e < end && d[e] !== 0x0a) e++;
        if (e >= end) return -1;
        const empty = e === p || (e === p + 1 && d[p] === 0x0d);
        p = e + 1;
        if (empty) return p;
      }
      return -1;
    }
    if (p + size > end) return -1;
    out?.push(d.subarray(p, p + size));
    p += size;
    // CRLF after the chunk data
    if (p < end && d[p] === 0x0d) p++;
    if (p < end && d[p] === 0x0a) p++;
    else if (p >= end) return -1;
  }
  return -1;
}

/** Wireshark's `HTTP chunked response` subtree: each chunk's size line, data and boundary, then
 * the last chunk and the end of the trailer (as far as the bytes go). */
function chunkTree(t: Tree, d: Uint8Array, off: number, end: number, kind: string): void {
  const ct = t.add(textField, off, end - off, null, { text: `HTTP chunked ${kind === 'request' ? 'request' : 'response'}` });
  let p = off;
  for (let i = 0; i < 100000 && p < end; i++) {
    let nl = p;
    while (nl < end && d[nl] !== 0x0a) nl++;
    if (nl >= end) return;
    const m = /^\s*([0-9a-fA-F]+)/.exec(latin1(d, p, Math.min(nl, p + 64)));
    if (!m) return;
    const size = parseInt(m[1]!, 16);
    const dataAt = nl + 1;
    if (size === 0) {
      ct.add(textField, p, dataAt - p, null, { text: 'End of chunked encoding' }).add(hf.chunkSize, p, dataAt - p, 0);
      let e = dataAt;
      while (e < end && d[e] !== 0x0a) e++;
      if (e < end) ct.add(textField, dataAt, e + 1 - dataAt, null, { text: escapeForTerminal(latin1(d, dataAt, e + 1)) });
      return;
    }
    if (dataAt + size > end) return;
    let b = dataAt + size;
    const boundaryAt = b;
    if (b < end && d[b] === 0x0d) b++;
    if (b < end && d[b] === 0x0a) b++;
    const c = ct.add(textField, p, b - p, null, { text: `Data chunk (${size} octets)` });
    c.add(hf.chunkSize, p, dataAt - p, size);
    c.add(hf.chunkData, dataAt, size, d.subarray(dataAt, dataAt + size));
    if (b > boundaryAt) c.add(hf.chunkBoundary, boundaryAt, b - boundaryAt, d.subarray(boundaryAt, b));
    p = b;
  }
}

/** How many more bytes the HTTP/1.x message starting at `offset` needs: 0 when complete, a
 * count when a Content-Length body is short, -1 when the headers or a chunked body are not
 * finished yet ("until more arrives"); null when the bytes do not start an HTTP message.
 * Works on any buffer (a reassembled one included). */
export function httpMessageNeed(data: Uint8Array, offset: number, end: number): number | null {
  const fl = firstLine(data, offset, end);
  if (!fl) return null;
  if (fl.end >= end && data[fl.end - 1] !== 0x0a) return -1;
  return parsedNeed(data, parseHeaders(data, fl.end, end), end);
}

/** `httpMessageNeed` once the headers after a complete first line are parsed. */
function parsedNeed(data: Uint8Array, p: Parsed, end: number): number {
  if (p.bodyOffset < 0) return -1;
  if (p.chunked) return chunkedEnd(data, p.bodyOffset, end) < 0 ? -1 : 0;
  if (p.contentLength >= 0) return Math.max(0, p.bodyOffset + p.contentLength - end);
  return 0;
}

// ---------------------------------------------------------------------------------------------

interface HttpConv {
  /** The latest request, which the next final response answers (Wireshark pairs a response with
   * the most recent request still without one). */
  /** The latest request; `prevRequest` is the one before it (0: none). */
  last: { frame: number; sec: number; nsec: number; uri: string | null; answered: boolean; prevRequest: number } | null;
  requestCount: number;
  responseCount: number;
  lastRequest: number;
  lastResponse: number;
  /** Method of the latest request (Wireshark's `conv_data->request_method`). */
  lastMethod: string | null;
  /** A request was decoded in this conversation (Wireshark's `have_seen_http`). */
  requestSeen: boolean;
  /** Claimed by the heuristic: later payloads go to HTTP (the conversation's dissector). */
  claimed: boolean;
}

const CONVERSATIONS = stateKey('http.conversations', () => new Map<string, HttpConv>());

function convFor(ctx: DecodeContext): HttpConv | null {
  if (ctx.errorDepth > 0) return null;
  const p = transportPorts(ctx);
  if (!p) return null;
  const key = conversationKey(ctx, p.proto, p.srcPort, p.dstPort).key;
  const map = ctx.session.get(CONVERSATIONS);
  let c = map.get(key);
  if (!c) {
    c = { last: null, requestCount: 0, responseCount: 0, lastRequest: 0, lastResponse: 0, lastMethod: null, requestSeen: false, claimed: false };
    map.set(key, c);
  }
  return c;
}

function mediaInfo(contentType: string, body: Uint8Array): { info: string; proto?: string; replace?: boolean } {
  const mt = mediaTypeOfHeader(contentType);
  // media types with a dissector of their own that rewrites the columns
  if (mt === 'application/ocsp-response') return { info: 'Response', proto: 'OCSP', replace: true };
  if (mt === 'application/ocsp-request') return { info: 'Request', proto: 'OCSP', replace: true };
  if (mt === 'application/pkix-crl') return { info: 'Certificate Revocation List', proto: 'PKIX-CRL', replace: true };
  // the multipart decoder adds nothing to the Info column; octet streams go to `data`
  if (mt.startsWith('multipart/')) return { info: multipartInfo(contentType, body) };
  if (mt === 'application/octet-stream') return { info: '' };
  if (mt === 'application/json') return { info: `, JavaScript Object Notation (${mt})`, proto: 'HTTP/JSON' };
  if (mt === 'image/jpeg' && body[0] === 0xff && body[1] === 0xd8) return { info: ' (JPEG JFIF image)' };
  if (mt === 'image/png' && body[0] === 0x89 && body[1] === 0x50) return { info: ' (PNG)' };
  if (mt === 'image/gif' && body.length >= 6 && body[0] === 0x47) return { info: ` (${latin1(body, 0, 6)})` };
  return { info: ` (${mt})` };
}

/** The Info text of a multipart body: ` (type)` for each part whose Content-Type has no decoder
 * of its own (Wireshark's media dissector), in order. Bounded: at most 64 parts. */
function multipartInfo(contentType: string, body: Uint8Array): string {
  const m = /boundary\s*=\s*"?([^";]+)"?/i.exec(contentType);
  if (!m) return '';
  const text = latin1(body, 0, Math.min(body.length, 1 << 20));
  const delim = '--' + m[1]!.trim();
  let out = '';
  let at = text.indexOf(delim);
  for (let i = 0; at >= 0 && i < 64; i++) {
    const next = text.indexOf(delim, at + delim.length);
    const part = text.slice(at + delim.length, next < 0 ? text.length : next);
    if (part.startsWith('--')) break;
    const hdrEnd = part.indexOf('\r\n\r\n');
    const headers = hdrEnd >= 0 ? part.slice(0, hdrEnd) : '';
    const ct = /(?:^|\r\n)content-type:\s*([^;\r\n]*)/i.exec(headers);
    if (ct) {
      const t = ct[1]!.trim().toLowerCase();
      if (t && t !== 'application/octet-stream') out += ` (${t})`;
    }
    at = next;
  }
  return out;
}

function decompress(enc: string, body: Uint8Array): Uint8Array | null {
  const e = enc.trim().toLowerCase();
  const opts = { maxOutputLength: 64 * 1024 * 1024 };
  try {
    if (e === 'gzip' || e === 'x-gzip') return gunzipSync(body, opts);
    if (e === 'deflate') {
      try {
        return inflateSync(body, opts);
      } catch {
        return inflateRawSync(body, opts);
      }
    }
  } catch {
    return null;
  }
  return body;
}

/** Wireshark's `is_http_request_or_reply` on the first line [off, lineEnd): a response starts with
 * `HTTP/` or `ICY`; a request starts with a known method followed by a space or the line end
 * (after an optional `M-` prefix, RFC 2774). */
function requestOrReply(d: Uint8Array, off: number, lineEndAt: number): 'request' | 'response' | null {
  let p = off;
  if (lineEndAt - p >= 2 && d[p] === 0x4d && d[p + 1] === 0x2d) p += 2;
  const n = lineEndAt - p;
  if (n >= 5 && d[p] === 0x48 && d[p + 1] === 0x54 && d[p + 2] === 0x54 && d[p + 3] === 0x50 && d[p + 4] === 0x2f) return 'response';
  if (n >= 3 && d[p] === 0x49 && d[p + 1] === 0x43 && d[p + 2] === 0x59) return 'response';
  let sp = p;
  while (sp < lineEndAt && d[sp] !== 0x20) sp++;
  const len = sp - p;
  if (len < 3 || len > 16) return null;
  return REQUEST_METHODS.has(latin1(d, p, sp)) ? 'request' : null;
}

/** The methods Wireshark 4.0's `is_http_request_or_reply` knows (NOTIFY, SUBSCRIBE and
 * UNSUBSCRIBE are notifications, decoded like requests). */
const REQUEST_METHODS = new Set([
  'GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'PATCH', 'LABEL',
  'MERGE', 'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'NOTIFY', 'BDELETE', 'CONNECT', 'OPTIONS', 'CHECKIN',
  'PROPFIND', 'CHECKOUT', 'CCM_POST', 'SUBSCRIBE', 'PROPPATCH', 'BPROPFIND', 'BPROPPATCH', 'UNCHECKOUT', 'MKACTIVITY',
  'MKWORKSPACE', 'RPC_CONNECT', 'RPC_IN_DATA', 'UNSUBSCRIBE', 'RPC_OUT_DATA', 'VERSION-CONTROL', 'BASELINE-CONTROL',
  'SSTP_DUPLEX_POST',
]);

/** Wireshark's `req_resp_hdrs_do_reassembly` when desegmentation is offered: 0 when the message
 * at `off` is complete in [off, end), else what to ask TCP for (a byte count, ONE_MORE_SEGMENT or
 * UNTIL_FIN). */
function reassemblyNeed(d: Uint8Array, off: number, end: number, body: boolean, untilFin: boolean): number {
  let p = off;
  let contentLength = -1;
  let contentType: string | null = null;
  let chunked = false;
  for (let i = 0; ; i++) {
    if (p >= end || i > 100000) return ONE_MORE_SEGMENT;
    const start = p;
    const len = lineEnd(d, p, end, true);
    if (len < 0) return ONE_MORE_SEGMENT;
    p = lineNext;
    if (len === 0) break;
    if (!body) continue;
    const c = d[start]!;
    if (c !== 0x63 && c !== 0x43 && c !== 0x74 && c !== 0x54) continue;
    if (caseEq(d, start, 'Content-Length:', start, start + len)) {
      const v = latin1(d, start + 15, start + len).trim();
      if (/^[+-]?\d+$/.test(v)) {
        const n = Number(v);
        if (n >= 0 && n <= 0x7fffffff) contentLength = n;
      }
    } else if (caseEq(d, start, 'Content-Type:', start, start + len)) {
      contentType = latin1(d, start + 13, start + len).replace(/^ +/, '');
    } else if (caseEq(d, start, 'Transfer-Encoding:', start, start + len)) {
      let q = start + 18;
      while (q < start + len && (d[q] === 0x20 || d[q] === 0x09)) q++;
      if (caseEq(d, q, 'chunked', q, start + len)) chunked = true;
    }
  }
  if (!body) return 0;
  if (chunked) {
    for (let i = 0; i < 1_000_000; i++) {
      if (p >= end) return ONE_MORE_SEGMENT;
      const len = lineEnd(d, p, end, true);
      if (len < 0) return ONE_MORE_SEGMENT;
      const dataAt = lineNext;
      let sizeText = latin1(d, p, p + len);
      const semi = sizeText.indexOf(';');
      if (semi >= 0) sizeText = sizeText.slice(0, semi);
      const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(sizeText);
      if (!m) return 0;
      const size = parseInt(m[1]!.slice(0, 9), 16);
      if (size > 2 ** 31) return 0;
      if (size === 0) {
        if (lineEnd(d, dataAt, end, true) < 0) return ONE_MORE_SEGMENT;
        return 0;
      }
      if (end - p > size) p = dataAt + size + 2;
      else return ONE_MORE_SEGMENT;
    }
    return 0;
  }
  if (contentLength >= 0) {
    if (contentLength >= 128 * 1024) {
      if (contentType !== null && contentType.startsWith('application/rpc')) return 0;
      const tag = latin1(d, off, Math.min(end, off + 12));
      if (tag.startsWith('RPC_IN_DATA') || tag.startsWith('RPC_OUT_DATA')) return 0;
    }
    return p + contentLength > end ? contentLength - (end - p) : 0;
  }
  return untilFin ? UNTIL_FIN : 0;
}

/** HTTP/1.x over TCP (Wireshark's `dissect_http_on_stream`): the messages of the payload one
 * after the other, each with its first line, headers and body. When the TCP desegmenter offers it,
 * a message that is not complete asks TCP for the rest (headers up to the blank line, then the
 * body by Content-Length or chunks, or until FIN for a response without either) and is decoded
 * on the frame that completes it. */
export const httpDecoder: Decoder = {
  proto: 'http',
  // (the media decoders it hands bodies to feed nothing else: it stays a leaf)
  fieldPrefixes: ['http', 'text', 'data-text-lines', 'urlencoded-form', 'json', 'media'],
  leaf: true,
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    // a lone NUL byte (a keep-alive probe some stacks send) is left to TCP, as tshark does
    if (end - offset === 1 && d[offset] === 0) return;
    const offer = desegmentOffer(ctx);
    const fin = offer ? offer.fin : finOfSegment(ctx);
    let off = offset;
    for (let i = 0; off < end && i < MAX_MESSAGES; i++) {
      const n = decodeMessage(ctx, off, end, tree, offer, fin);
      if (n <= 0) break;
      off += n;
      // later messages of this payload keep the columns of the earlier ones
      if (ctx.columns) ctx.fenceInfo();
    }
  },
};

const MAX_MESSAGES = 4096;

function finOfSegment(ctx: DecodeContext): boolean {
  const layers = ctx.packet.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]! as Layer & { flags?: number };
    if (l.proto === 'tcp') return typeof l.flags === 'number' && (l.flags & 1) !== 0;
  }
  return false;
}

/** Wireshark's `dissect_http_message`: bytes used from `start`, or -1 (stop: more bytes asked
 * for, or nothing HTTP here). */
function decodeMessage(ctx: DecodeContext, start: number, end: number, tree: Tree | undefined, offer: DesegmentRequest | null, fin: boolean): number {
  const d = ctx.data;
  if (end - start < 1) return -1;
  let offset = start;
  if (end - offset > 3 && d[offset] === 0x0d && d[offset + 1] === 0x0a) offset += 2;
  const conv = convFor(ctx);
  const seen = conv !== null && conv.requestSeen;
  const c0 = d[offset]!;
  if (c0 < 0x20 || c0 > 0x7e) {
    // binary data: file data of a conversation known to be HTTP, else nothing
    if (seen) continuation(ctx, start, end, tree);
    return -1;
  }
  let firstLen = lineEnd(d, offset, end, true);
  let firstNext = lineNext;
  if (firstLen < 0) {
    if (offer) {
      requestMore(offer, offset, ONE_MORE_SEGMENT);
      return -1;
    }
  }
  const kind = firstLen < 0 ? null : requestOrReply(d, offset, offset + firstLen);
  if (!kind) {
    if (!seen) return -1;
    continuation(ctx, start, end, tree);
    return end - start;
  }
  const line = latin1(d, offset, offset + firstLen);
  if (ctx.columns) ctx.setInfo(() => escapeForTerminal(line) + ' ');
  let status = 0;
  if (kind === 'response') {
    const m = /^\S*\s+(\d{3})/.exec(line);
    status = m ? Number(m[1]) : 0;
  }
  if (offer) {
    let body = !fin;
    if (body && kind === 'response') {
      const method = conv?.lastMethod ?? null;
      const cls = Math.floor(status / 100);
      if (method === 'HEAD' || (cls === 2 && (method === 'CONNECT' || method === 'SSTP_DUPLEX_POST')) || cls === 1 || status === 204 || status === 304) body = false;
    }
    const need = reassemblyNeed(d, offset, end, body, kind === 'response');
    if (need !== 0) {
      requestMore(offer, offset, need);
      return -1;
    }
  }
  ctx.setProtocol('HTTP');
  return decodeFull(ctx, start, offset, firstNext, firstLen, end, tree, kind, status, conv);
}

/** Bytes that are not an HTTP message in a conversation known to be HTTP. */
function continuation(ctx: DecodeContext, start: number, end: number, tree: Tree | undefined): void {
  const d = ctx.data;
  ctx.setProtocol('HTTP');
  if (ctx.columns) ctx.setInfo('Continuation');
  const layer = ctx.addLayer<HttpLayer>({
    proto: 'http',
    offset: start,
    length: end - start,
    errorDepth: 0,
    kind: 'continuation',
    method: null,
    status: 0,
    bodyOffset: -1,
    contentLength: -1,
    chunked: false,
    needMore: 0,
    mediaType: null,
  });
  const t = tree?.add(hf.http, start, end - start, null, { text: 'Hypertext Transfer Protocol' });
  if (t) {
    layer.tree = t;
    if (end > start) t.add(hf.fileData, start, end - start, latin1(d, start, end), { text: `File Data: ${end - start} bytes` });
  }
}

/** A request or response whose bytes are all here (or that cannot be desegmented): the tree,
 * the conversation bookkeeping, the body and the media type. Returns the bytes used. */
function decodeFull(
  ctx: DecodeContext,
  start: number,
  offset: number,
  firstNext: number,
  firstLen: number,
  end: number,
  tree: Tree | undefined,
  kind: 'request' | 'response',
  status: number,
  conv: HttpConv | null,
): number {
  const d = ctx.data;
  const layer = ctx.addLayer<HttpLayer>({
    proto: 'http',
    offset: start,
    length: end - start,
    errorDepth: 0,
    kind,
    method: null,
    status,
    bodyOffset: -1,
    contentLength: -1,
    chunked: false,
    needMore: 0,
    mediaType: null,
  });
  const t = tree?.add(hf.http, start, end - start, null, { text: 'Hypertext Transfer Protocol' });
  if (t) layer.tree = t;
  const flEnd = firstLen < 0 ? end : firstNext;
  const lineEndAt = firstLen < 0 ? end : offset + firstLen;
  const line = latin1(d, offset, lineEndAt);
  const rawLine = latin1(d, offset, flEnd);
  const f = ctx.packet.frame;
  const sec = f.hasTime ? f.tsSec : 0;
  const nsec = f.hasTime ? f.tsNsec : 0;
  const lt = t?.add(textField, offset, flEnd - offset, null, { text: escapeForTerminal(rawLine) });
  ctx.issue('http', ei.chat, lt, offset, 0, escapeForTerminal(rawLine));
  let uri: string | null = null;
  if (kind === 'request') {
    let sp1 = line.indexOf(' ');
    if (sp1 < 0) sp1 = line.length;
    const sp2 = line.lastIndexOf(' ');
    const method = line.slice(0, sp1);
    uri = sp2 > sp1 ? line.slice(sp1 + 1, sp2) : line.slice(sp1 + 1);
    const version = sp2 > sp1 ? line.slice(sp2 + 1) : '';
    layer.method = method;
    if (conv) conv.lastMethod = method.startsWith('M-') ? method.slice(2) : method;
    if (lt) {
      lt.add(hf.requestMethod, offset, sp1, method);
      const uo = offset + sp1 + 1;
      const ut = lt.add(hf.requestUri, uo, uri.length, uri);
      const q = uri.indexOf('?');
      if (q >= 0) {
        ut.add(hf.requestUriPath, uo, q, uri.slice(0, q));
        const query = uri.slice(q + 1);
        const qt = ut.add(hf.requestUriQuery, uo + q + 1, query.length, query);
        let po = uo + q + 1;
        for (const param of query.split('&')) {
          qt.add(hf.requestUriQueryParameter, po, param.length, param);
          po += param.length + 1;
        }
      }
      if (version) lt.add(hf.requestVersion, offset + sp2 + 1, version.length, version);
    }
  } else {
    const sp1 = line.indexOf(' ');
    const version = sp1 > 0 ? line.slice(0, sp1) : line;
    const rest = sp1 > 0 ? line.slice(sp1 + 1) : '';
    const code = /^\d{3}/.test(rest) ? Number(rest.slice(0, 3)) : 0;
    const phrase = rest.length > 4 ? rest.slice(4) : '';
    layer.status = code;
    if (lt) {
      lt.add(hf.responseVersion, offset, version.length, version);
      const co = offset + sp1 + 1;
      lt.add(hf.responseCode, co, 3, code);
      lt.add(hf.responseCodeDesc, co, 3, STATUS[code] ?? 'Unknown', { generated: true });
      if (phrase) lt.add(hf.responsePhrase, co + 4, phrase.length, phrase);
    }
  }
  const p = parseHeaders(d, flEnd, end);
  layer.bodyOffset = p.bodyOffset;
  layer.contentLength = p.contentLength;
  layer.chunked = p.chunked;
  // httpMessageNeed without parsing the headers twice (its first-line test may still say no)
  const fl = firstLine(d, offset, end);
  layer.needMore = !fl ? 0 : fl.end >= end && d[fl.end - 1] !== 0x0a ? -1 : fl.end === flEnd ? parsedNeed(d, p, end) : (httpMessageNeed(d, offset, end) ?? 0);
  let host: string | null = null;
  let contentType: string | null = null;
  let contentEncoding: string | null = null;
  let transferEncoding = false;
  const lineDef = kind === 'request' ? hf.requestLine : hf.responseLine;
  for (const h of p.headers) {
    if (h.name === 'host') host = h.value;
    else if (h.name === 'content-type') contentType = h.value;
    else if (h.name === 'content-encoding') contentEncoding = h.value;
    else if (h.name === 'transfer-encoding') transferEncoding = true;
    if (!t) continue;
    const text = escapeForTerminal(h.line);
    const len = h.end - h.start;
    if (h.name === 'content-length') {
      const ht = t.add(hf.contentLengthHeader, h.start, len, h.value, { text });
      if (p.contentLength >= 0) ht.add(hf.contentLength, h.start, len, p.contentLength, { generated: true, text: `[Content length: ${p.contentLength}]` });
    } else if (h.name === 'cookie') {
      const ht = t.add(HEADER_FIELDS.get('cookie')!, h.start, len, h.value, { text });
      let co = h.start + h.line.indexOf(':') + 1;
      while (d[co] === 0x20) co++;
      for (const pair of h.value.split(';')) {
        const pv = pair.trim();
        const at = h.value.indexOf(pv);
        if (pv) ht.add(hf.cookiePair, co + Math.max(0, at), pv.length, pv);
      }
    } else {
      const def = HEADER_FIELDS.get(h.name);
      // a header without a field of its own is a plain text line, as in Wireshark
      if (def) t.add(def, h.start, len, h.value, { text });
      else t.add(textField, h.start, len, null, { text });
    }
    // (Wireshark's header line items are hidden: filterable, not shown)
    t.add(lineDef, h.start, len, h.line, { text, hidden: true });
  }
  if (t && p.blankStart >= 0) t.add(textField, p.blankStart, p.bodyOffset - p.blankStart, null, { text: '\\r\\n' });
  // conversation bookkeeping (request numbers, request/response matching)
  const f2 = ctx.packet.frame;
  if (kind === 'request' && conv) {
    const full = uri === null ? null : uri.startsWith('/') || uri === '*' ? (host !== null ? `http://${host}${uri}` : null) : uri;
    conv.requestCount++;
    conv.requestSeen = true;
    conv.last = { frame: f2.number, sec, nsec, uri: full, answered: false, prevRequest: conv.lastRequest };
    if (t) {
      if (full !== null) t.add(hf.fullUri, offset, 0, full, { generated: true });
      t.add(hf.request, offset, 0, true, HIDDEN);
      t.add(hf.requestNumber, offset, 0, conv.requestCount, { text: `[HTTP request ${conv.requestCount}/${conv.requestCount}]`, generated: true });
      if (conv.lastRequest) t.add(hf.prevRequestIn, offset, 0, conv.lastRequest, { generated: true });
    }
    conv.lastRequest = f2.number;
  } else if (kind === 'response' && conv) {
    const informational = layer.status >= 100 && layer.status < 200;
    conv.responseCount++;
    const req = !informational && conv.last && !conv.last.answered ? conv.last : undefined;
    if (req) req.answered = true;
    if (t) {
      t.add(hf.response, offset, 0, true, HIDDEN);
      t.add(hf.responseNumber, offset, 0, conv.responseCount, { text: `[HTTP response ${conv.responseCount}/${conv.responseCount}]`, generated: true });
      // in Wireshark's order: time, the request's predecessor, the previous response, the request
      if (req) t.add(hf.time, offset, 0, sec - req.sec + (nsec - req.nsec) / 1e9, { generated: true });
      if (req?.prevRequest) t.add(hf.prevRequestIn, offset, 0, req.prevRequest, { generated: true });
      if (conv.lastResponse) t.add(hf.prevResponseIn, offset, 0, conv.lastResponse, { generated: true });
      if (req) {
        t.add(hf.requestIn, offset, 0, req.frame, { generated: true });
        if (req.uri !== null) t.add(hf.responseForUri, offset, 0, req.uri, { generated: true });
      }
    }
    conv.lastResponse = f2.number;
  } else if (t && kind === 'request') {
    t.add(hf.request, offset, 0, true, HIDDEN);
  }
  // body: Wireshark's datalen
  if (p.bodyOffset < 0 || p.bodyOffset > end) {
    layer.length = end - start;
    return end - start;
  }
  let bodyEnd: number;
  let body: Uint8Array;
  if (p.contentLength >= 0 && !transferEncoding) {
    bodyEnd = Math.min(end, p.bodyOffset + p.contentLength);
    body = d.subarray(p.bodyOffset, bodyEnd);
  } else if (kind === 'request' && !transferEncoding) {
    bodyEnd = p.bodyOffset;
    body = d.subarray(p.bodyOffset, p.bodyOffset);
  } else if (kind === 'response' && ((layer.status >= 100 && layer.status < 200) || layer.status === 204 || layer.status === 304)) {
    bodyEnd = p.bodyOffset;
    body = d.subarray(p.bodyOffset, p.bodyOffset);
  } else {
    bodyEnd = end;
    body = d.subarray(p.bodyOffset, end);
  }
  if (p.chunked && body.length > 0) {
    const chunks: Uint8Array[] = [];
    const ce = chunkedEnd(d, p.bodyOffset, bodyEnd, chunks);
    let n = 0;
    for (const c of chunks) n += c.length;
    const plain = new Uint8Array(n);
    n = 0;
    for (const c of chunks) {
      plain.set(c, n);
      n += c.length;
    }
    if (ce >= 0) bodyEnd = ce;
    body = chunks.length || ce >= 0 ? plain : body;
  }
  layer.length = bodyEnd - start;
  // (a run that shows nothing, and keeps no field, needs no body)
  if ((!t && !ctx.columns && !ctx.rootTree) || body.length === 0) return bodyEnd - start;
  let plain: Uint8Array | null = body;
  if (contentEncoding && contentEncoding.toLowerCase() !== 'identity') {
    plain = decompress(contentEncoding, body);
    if (t && plain) {
      t.add(textField, p.bodyOffset, body.length, null, {
        text: `Content-encoded entity body (${escapeForTerminal(contentEncoding)}): ${body.length} bytes -> ${plain.length} bytes`,
      });
    }
  }
  const data = plain ?? body;
  if (t && p.chunked) chunkTree(t, d, p.bodyOffset, bodyEnd, kind);
  if (t) t.add(hf.fileData, p.bodyOffset, plain ? 0 : body.length, latin1(data, 0, data.length), { text: `File Data: ${data.length} bytes` });
  if (data.length > 0 && contentType && ctx.columns) {
    const m = mediaInfo(contentType, data);
    if (m.replace) ctx.setInfo(m.info);
    else ctx.appendInfo(escapeForTerminal(m.info));
    if (m.proto) ctx.setProtocol(m.proto);
  }
  // the body to its media decoder, beside HTTP in the tree as in Wireshark; bytes that were
  // dechunked or decompressed are decoded from their own buffer
  const mt = contentType ? mediaTypeOfHeader(contentType) : '';
  const media = ctx.registry.mediaDecoder(mt) ?? (isPlainMedia(mt) ? ctx.registry.decoder('media') : undefined);
  if (media && data.length > 0) {
    layer.mediaType = mt;
    const inFrame = data === body && !p.chunked;
    dispatch(ctx, inFrame ? { offset: p.bodyOffset, end: bodyEnd, next: { proto: media.proto } } : { offset: 0, end: data.length, data, next: { proto: media.proto } }, ctx.rootTree);
  }
  return bodyEnd - start;
}
