/**
 * Public reading API: format detection, plain files (synchronous chunked reads), gzip and stdin
 * (streams), random access by offset.
 *
 * Nothing here throws on damaged or foreign input: problems come back in ReadResult.error.
 * Only an exception thrown by the caller's own frame handler propagates (readCapture rejects).
 */
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { hexBytes } from './carry.js';
import { PcapParser, pcapMagic, type CaptureParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';
import { CaptureError, type CaptureInfo, type FrameHandler, type ReadResult } from './types.js';

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
const MIN_STREAM_CHUNK = 64;

export interface ReadOptions {
  /** Read size for files (default 4 MiB); also the stream chunk size for gzip and stdin. */
  chunkSize?: number;
  /** The handler keeps no frame's bytes after it returns: a plain file is read chunk after chunk
   * into one buffer. A fresh 4 MiB buffer per read costs its page faults (a third of a 1 GB
   * read here, and more with several threads faulting at once). */
  reuseBuffer?: boolean;
}

export type DetectedFormat = 'pcap' | 'pcapng' | 'gzip' | null;

/** Identify a capture stream from its first bytes (4 are needed; gzip needs 2). */
export function detectFormat(head: Uint8Array): DetectedFormat {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length < 4) return null;
  if (head[0] === 0x0a && head[1] === 0x0d && head[2] === 0x0d && head[3] === 0x0a) return 'pcapng';
  if (pcapMagic(head)) return 'pcap';
  return null;
}

/** Display name for messages. */
export function displayName(path: string): string {
  return path === '-' ? 'standard input' : path;
}

function foreignHint(head: Uint8Array): string {
  const b = head;
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return '; that is zstd-compressed data, decompress it first';
  if (b.length >= 4 && b[0] === 0x04 && b[1] === 0x22 && b[2] === 0x4d && b[3] === 0x18) return '; that is lz4-compressed data, decompress it first';
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return '; that is bzip2-compressed data, decompress it first';
  if (b.length >= 4 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58) return '; that is xz-compressed data, decompress it first';
  return '';
}

/**
 * Incremental reader over any byte source: probes the format from the first bytes, then feeds a
 * pcap or pcapng push parser. Plain (uncompressed) bytes only; gzip is unwrapped by readCapture.
 * Use it directly when you own the byte source (e.g. a child process's stdout).
 */
export class CaptureStream {
  private parser: CaptureParser | null = null;
  private head: Uint8Array | null = null;
  private error: CaptureError | undefined;
  private finished = false;

  constructor(
    private readonly name: string,
    private readonly onFrame: FrameHandler,
    /** Bytes come out of gzip (affects CaptureInfo.gzip and messages). */
    private readonly gzip = false,
  ) {}

  /** Returns false once reading should stop (error, or the handler asked to stop). */
  push(chunk: Uint8Array): boolean {
    if (this.finished) return false;
    // Frames are plain Uint8Array views (one hidden class for consumers, cheaper subarray than Buffer's).
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.parser) return this.parser.push(chunk);
    if (chunk.length === 0) return true;
    let bytes = chunk;
    if (this.head) {
      bytes = new Uint8Array(this.head.length + chunk.length);
      bytes.set(this.head, 0);
      bytes.set(chunk, this.head.length);
    }
    if (bytes.length < 4) {
      this.head = bytes;
      return true;
    }
    this.head = null;
    if (!this.start(bytes)) return false;
    return this.parser!.push(bytes);
  }

  /** The source has ended. */
  end(): void {
    if (this.finished) return;
    if (this.parser) {
      this.parser.end();
    } else if (this.head && this.head.length > 0) {
      this.start(this.head); // fewer than 4 bytes: never a capture
    } else if (!this.error) {
      this.error = new CaptureError('not_capture', `${this.name} is empty${this.gzip ? ' (after gzip decompression)' : ''}`, undefined, 0);
    }
    this.finished = true;
  }

  private start(head: Uint8Array): boolean {
    const fmt = detectFormat(head);
    const opts = { name: this.name, gzip: this.gzip, onFrame: this.onFrame };
    if (fmt === 'pcap') this.parser = new PcapParser(opts);
    else if (fmt === 'pcapng') this.parser = new PcapngParser(opts);
    else {
      const what =
        fmt === 'gzip'
          ? this.gzip
            ? ' (it is gzip-compressed twice)'
            : ' (it is gzip-compressed; use readCapture to read it)'
          : ` (${this.gzip ? 'its decompressed data' : 'it'} starts with ${hexBytes(head)}${foreignHint(head)})`;
      this.error = new CaptureError('not_capture', `${this.name} is not a pcap or pcapng file${what}`, undefined, 0);
      this.finished = true;
      return false;
    }
    return true;
  }

  /** Record an error found outside the parser (I/O, decompression); the parser's own error wins if it has one. */
  setError(err: CaptureError): void {
    if (!this.parser?.error && !this.error) this.error = err;
  }

  get framesRead(): number {
    return this.parser?.framesRead ?? 0;
  }

  get info(): CaptureInfo | null {
    return this.parser?.info ?? null;
  }

  /** The handler returned false. */
  get stopped(): boolean {
    return this.parser?.stopped ?? false;
  }

  result(): ReadResult {
    const r: ReadResult = { info: this.info, framesRead: this.framesRead };
    const err = this.parser?.error ?? this.error;
    if (err) r.error = err;
    return r;
  }
}

function ioError(name: string, e: unknown, action: string): CaptureError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  let why: string;
  switch (code) {
    case 'ENOENT':
      why = 'no such file or directory';
      break;
    case 'EACCES':
    case 'EPERM':
      why = 'permission denied';
      break;
    case 'EISDIR':
      why = 'it is a directory';
      break;
    default:
      why = e instanceof Error ? e.message : String(e);
  }
  return new CaptureError('io', `cannot ${action} ${name}: ${why}`);
}

function ioResult(err: CaptureError): ReadResult {
  return { info: null, framesRead: 0, error: err };
}

function chunkSizeOf(opts?: ReadOptions): number {
  const c = opts?.chunkSize;
  if (c === undefined || !Number.isFinite(c) || c < 1) return DEFAULT_CHUNK_SIZE;
  return Math.floor(c);
}

interface OpenedFd {
  fd: number;
  own: boolean;
  /** Size hint for regular files (buffers are not made larger than needed), else -1. */
  size: number;
}

function openInput(path: string, name: string): OpenedFd | CaptureError | 'stream' {
  if (path === '-') {
    try {
      const st = fs.fstatSync(0);
      if (st.isFile()) return { fd: 0, own: false, size: st.size };
    } catch {
      /* fall back to the stream */
    }
    return 'stream';
  }
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    return ioError(name, e, 'open');
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) {
      fs.closeSync(fd);
      return ioError(name, Object.assign(new Error('is a directory'), { code: 'EISDIR' }), 'read');
    }
    return { fd, own: true, size: st.isFile() ? st.size : -1 };
  } catch (e) {
    fs.closeSync(fd);
    return ioError(name, e, 'read');
  }
}

/** How much the next read asks for, and the buffer it goes to (`into` when large enough). */
function chunkBuffer(chunkSize: number, sizeLeft: number, into?: Buffer): { want: number; buf: Buffer } {
  // Do not allocate 4 MiB for a 300-byte file; +1 so that EOF is seen without another read.
  const want = sizeLeft >= 0 ? Math.max(1, Math.min(chunkSize, sizeLeft + 1)) : chunkSize;
  return { want, buf: into && into.length >= want ? into : Buffer.allocUnsafeSlow(want) };
}

/** Read the next chunk from the fd's current position (into `into` when it is large enough, else
 * a fresh buffer); null at EOF. */
function readChunk(fd: number, chunkSize: number, sizeLeft: number, into?: Buffer): Buffer | null {
  const { want, buf } = chunkBuffer(chunkSize, sizeLeft, into);
  let n: number;
  for (;;) {
    try {
      n = fs.readSync(fd, buf, 0, want, null);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
  if (n === 0) return null;
  return n === want ? buf : buf.subarray(0, n);
}

/** Synchronous pump of plain bytes from an fd into a CaptureStream, starting with `first`. */
function pumpSync(o: OpenedFd, cs: CaptureStream, name: string, chunkSize: number, first: Buffer | null, reuse: boolean): void {
  let left = o.size;
  let chunk = first;
  while (chunk !== null) {
    if (left >= 0) {
      left -= chunk.length;
      if (left < 0) left = -1; // the file is growing: stop trusting its size
    }
    if (!cs.push(chunk)) return; // exceptions from the frame handler propagate
    // (the parsers copy a record that straddles two chunks)
    const spare = reuse ? Buffer.from(chunk.buffer, chunk.byteOffset) : undefined;
    try {
      chunk = readChunk(o.fd, chunkSize, left, spare);
    } catch (e) {
      cs.setError(ioError(name, e, 'read'));
      return;
    }
  }
  cs.end();
}

/** `readChunk` on the thread pool: the kernel copies the next chunk while this thread parses. */
function readChunkAhead(fd: number, chunkSize: number, sizeLeft: number, into?: Buffer): Promise<Buffer | null> {
  const { want, buf } = chunkBuffer(chunkSize, sizeLeft, into);
  return new Promise((resolve, reject) => {
    const attempt = (): void =>
      fs.read(fd, buf, 0, want, null, (e, n) => {
        if (e) {
          if (e.code === 'EAGAIN') attempt();
          else reject(e);
        } else resolve(n === 0 ? null : n === want ? buf : buf.subarray(0, n));
      });
    attempt();
  });
}

/** `pumpSync` reading one chunk ahead: two buffers (with `reuse`) take turns, one being parsed
 * while the other is filled. A handler that keeps no frame bytes (the reuse contract) sees no
 * difference. */
async function pumpAhead(o: OpenedFd, cs: CaptureStream, name: string, chunkSize: number, first: Buffer | null, reuse: boolean): Promise<void> {
  let left = o.size;
  let chunk = first;
  let spare: Buffer | undefined;
  while (chunk !== null) {
    if (left >= 0) {
      left -= chunk.length;
      if (left < 0) left = -1; // the file is growing: stop trusting its size
    }
    const ahead = readChunkAhead(o.fd, chunkSize, left, spare);
    let more: boolean;
    try {
      more = cs.push(chunk);
    } catch (e) {
      // (the handler threw: let the read in flight finish before the caller closes the fd)
      await ahead.catch(() => null);
      throw e;
    }
    if (!more) {
      await ahead.catch(() => null);
      return;
    }
    // (the parsers copied a record that straddles two chunks)
    spare = reuse ? Buffer.from(chunk.buffer, chunk.byteOffset) : undefined;
    try {
      chunk = await ahead;
    } catch (e) {
      cs.setError(ioError(name, e, 'read'));
      return;
    }
  }
  cs.end();
}

/**
 * Read a capture synchronously (plain pcap / pcapng files, or '-' when stdin is a regular file).
 * gzip input is reported as an 'io' error: use readCapture for it.
 */
export function readCaptureSync(path: string, onFrame: FrameHandler, opts?: ReadOptions): ReadResult {
  const name = displayName(path);
  const chunkSize = chunkSizeOf(opts);
  const o = openInput(path, name);
  if (o instanceof CaptureError) return ioResult(o);
  if (o === 'stream') {
    return ioResult(new CaptureError('io', `cannot read ${name} synchronously: it is not a regular file (use readCapture)`));
  }
  try {
    let first: Buffer | null;
    try {
      first = readChunk(o.fd, chunkSize, o.size);
    } catch (e) {
      return ioResult(ioError(name, e, 'read'));
    }
    if (first && detectFormat(first) === 'gzip') {
      return ioResult(new CaptureError('io', `${name} is gzip-compressed: readCaptureSync needs an uncompressed file (use readCapture)`));
    }
    const cs = new CaptureStream(name, onFrame);
    pumpSync(o, cs, name, chunkSize, first, !!opts?.reuseBuffer);
    return cs.result();
  } finally {
    if (o.own) fs.closeSync(o.fd);
  }
}

/**
 * Read a capture file (pcap, pcapng, either gzip-compressed), or stdin when path is '-'.
 * Frames are handed to `onFrame` in file order; with stdin, as soon as the bytes holding them
 * arrive. Never rejects because of the input; only an exception from `onFrame` rejects.
 */
export async function readCapture(path: string, onFrame: FrameHandler, opts?: ReadOptions): Promise<ReadResult> {
  const name = displayName(path);
  const chunkSize = chunkSizeOf(opts);
  const o = openInput(path, name);
  if (o instanceof CaptureError) return ioResult(o);
  if (o === 'stream') {
    if (process.stdin.isTTY) {
      return ioResult(new CaptureError('io', 'standard input is a terminal: pipe a capture into it (e.g. tcpdump -w - | …)'));
    }
    return readStream(process.stdin, [], name, onFrame, chunkSize, false);
  }
  let first: Buffer | null;
  try {
    first = readChunk(o.fd, chunkSize, o.size);
  } catch (e) {
    if (o.own) fs.closeSync(o.fd);
    return ioResult(ioError(name, e, 'read'));
  }
  if (first && detectFormat(first) === 'gzip') {
    // Continue from the fd's current position with a stream.
    const raw = fs.createReadStream('', {
      fd: o.fd,
      autoClose: o.own,
      highWaterMark: Math.max(MIN_STREAM_CHUNK, chunkSize),
    });
    return readStream(raw, [first], name, onFrame, chunkSize, o.own);
  }
  try {
    const cs = new CaptureStream(name, onFrame);
    await pumpAhead(o, cs, name, chunkSize, first, !!opts?.reuseBuffer);
    return cs.result();
  } finally {
    if (o.own) fs.closeSync(o.fd);
  }
}

/** Stream path (gzip and non-file stdin): probe, optionally gunzip, parse as chunks arrive. */
function readStream(
  raw: Readable,
  initial: Buffer[],
  name: string,
  onFrame: FrameHandler,
  chunkSize: number,
  destroyRaw: boolean,
): Promise<ReadResult> {
  return new Promise<ReadResult>((resolve, reject) => {
    let settled = false;
    let mode: 'probe' | 'plain' | 'gzip' = 'probe';
    let probe: Buffer[] = [];
    let probeLen = 0;
    let cs = new CaptureStream(name, onFrame);
    let gunzip: zlib.Gunzip | null = null;
    const isStdin = raw === process.stdin;

    const cleanup = (): void => {
      raw.removeListener('data', onData);
      raw.removeListener('end', onEnd);
      raw.removeListener('error', onError);
      raw.on('error', () => {}); // late errors after we are done are not interesting
      if (gunzip) {
        gunzip.removeAllListeners('data');
        gunzip.removeAllListeners('end');
        gunzip.removeAllListeners('error');
        gunzip.on('error', () => {});
        gunzip.destroy();
      }
      if (isStdin) {
        raw.pause();
        // Release the pipe so the process can exit even if the writer keeps it open.
        raw.destroy();
      } else if (destroyRaw || !raw.destroyed) {
        raw.destroy();
      }
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(cs.result());
    };
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(e);
    };
    const guard = (fn: () => void): void => {
      try {
        fn();
      } catch (e) {
        fail(e);
      }
    };

    const decide = (): void => {
      const head = probe.length === 1 ? probe[0]! : Buffer.concat(probe, probeLen);
      probe = [];
      if (detectFormat(head) === 'gzip') {
        mode = 'gzip';
        cs = new CaptureStream(name, onFrame, true);
        gunzip = zlib.createGunzip({ chunkSize: Math.max(MIN_STREAM_CHUNK, Math.min(chunkSize, DEFAULT_CHUNK_SIZE)) });
        gunzip.on('data', (d: Buffer) =>
          guard(() => {
            if (!settled && !cs.push(d)) finish();
          }),
        );
        gunzip.on('end', () =>
          guard(() => {
            cs.end();
            finish();
          }),
        );
        gunzip.on('error', (e: NodeJS.ErrnoException) =>
          guard(() => {
            const truncated = e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message);
            const n = cs.framesRead;
            if (truncated) {
              cs.setError(
                new CaptureError('truncated', `${name}: the gzip-compressed data is cut short (after frame ${n})`, n + 1),
              );
              cs.end(); // a record cut short inside the data is the more precise report, and wins
            } else {
              cs.setError(
                new CaptureError('corrupt', `${name}: the gzip-compressed data is damaged after frame ${n} (${e.message})`, n + 1),
              );
            }
            finish();
          }),
        );
        writeGz(head);
      } else {
        mode = 'plain';
        if (!cs.push(head)) finish();
      }
    };

    const writeGz = (c: Buffer): void => {
      if (!gunzip!.write(c)) {
        raw.pause();
        gunzip!.once('drain', () => {
          if (!settled) raw.resume();
        });
      }
    };

    const onData = (c: Buffer): void =>
      guard(() => {
        if (settled) return;
        if (mode === 'plain') {
          if (!cs.push(c)) finish();
        } else if (mode === 'gzip') {
          writeGz(c);
        } else {
          probe.push(c);
          probeLen += c.length;
          if (probeLen >= 4) decide();
        }
      });
    const onEnd = (): void =>
      guard(() => {
        if (settled) return;
        if (mode === 'probe') {
          if (probeLen > 0) decide();
          if (settled) return;
          if (mode === 'probe') {
            cs.end();
            finish();
            return;
          }
        }
        if (mode === 'plain') {
          cs.end();
          finish();
        } else {
          gunzip!.end();
        }
      });
    const onError = (e: Error): void =>
      guard(() => {
        cs.setError(ioError(name, e, 'read'));
        finish();
      });

    raw.on('error', onError);
    for (const c of initial) {
      onData(c);
      if (settled) return;
    }
    raw.on('data', onData);
    raw.on('end', onEnd);
  });
}

/**
 * Reads frames back by offset (for the TUI): keeps the file open. The file must be an
 * uncompressed regular file.
 */
export class FrameReader {
  private fd: number;
  constructor(readonly path: string) {
    const name = displayName(path);
    if (path === '-') {
      throw new CaptureError('io', 'random access to frames needs a capture file, not standard input');
    }
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      throw ioError(name, e, 'open');
    }
    const head = Buffer.alloc(2);
    let n = 0;
    try {
      n = fs.readSync(fd, head, 0, 2, 0);
    } catch (e) {
      fs.closeSync(fd);
      throw ioError(name, e, 'read');
    }
    if (n === 2 && head[0] === 0x1f && head[1] === 0x8b) {
      fs.closeSync(fd);
      throw new CaptureError(
        'io',
        `${name} is gzip-compressed: random access to frames needs an uncompressed file (gunzip it first)`,
      );
    }
    this.fd = fd;
  }

  /** The capLen bytes at fileOffset (a fresh buffer). */
  read(fileOffset: number, capLen: number): Uint8Array {
    if (this.fd < 0) throw new CaptureError('io', `${this.path}: frame reader is closed`);
    const buf = Buffer.allocUnsafe(capLen);
    let got = 0;
    while (got < capLen) {
      let n: number;
      try {
        n = fs.readSync(this.fd, buf, got, capLen - got, fileOffset + got);
      } catch (e) {
        throw ioError(this.path, e, 'read');
      }
      if (n === 0) {
        throw new CaptureError(
          'truncated',
          `${this.path}: cannot read ${capLen} bytes at byte offset ${fileOffset}: the file ends ${got} bytes in`,
          undefined,
          fileOffset,
        );
      }
      got += n;
    }
    return buf;
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Read one frame's bytes again by its fileOffset and capLen (opens and closes the file). */
export function readFrameAt(path: string, fileOffset: number, capLen: number): Uint8Array {
  const r = new FrameReader(path);
  try {
    return r.read(fileOffset, capLen);
  } finally {
    r.close();
  }
}
