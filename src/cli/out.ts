import { ByteWriter, fdSink } from '../output/writer.js';

/** Buffered stdout: lines and `-T fields` rows go into one 1 MiB buffer, written synchronously
 * when full, so output keeps pace with a streaming input and a closed pipe (`| head`) ends the
 * process quietly. */
export class Output {
  /** For writers that produce bytes directly (a `-T fields` row); shares the lines' buffer. */
  readonly bytes: ByteWriter;

  constructor(fd = 1, size = 1 << 20) {
    this.bytes = new ByteWriter(fdSink(fd), size);
  }

  line(s: string): void {
    this.bytes.str(s);
    this.bytes.newline();
  }

  flush(): void {
    this.bytes.flush();
  }
}

/** `pcapscope: message` on stderr. */
export function warn(message: string): void {
  process.stderr.write(`pcapscope: ${message}\n`);
}
