import { writeSync } from 'node:fs';

/** Buffered stdout: one write per 64 KiB instead of one per line. Synchronous, so output keeps
 * pace with a streaming input and a closed pipe (`| head`) ends the process quietly. */
export class Output {
  private buf: string[] = [];
  private size = 0;

  constructor(
    private readonly fd = 1,
    private readonly limit = 1 << 16,
  ) {}

  line(s: string): void {
    this.buf.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const data = this.buf.join('');
    this.buf = [];
    this.size = 0;
    let off = 0;
    const bytes = Buffer.from(data, 'utf8');
    while (off < bytes.length) {
      try {
        off += writeSync(this.fd, bytes, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE') process.exit(0);
        throw e;
      }
    }
  }
}

/** `pcapscope: message` on stderr. */
export function warn(message: string): void {
  process.stderr.write(`pcapscope: ${message}\n`);
}
