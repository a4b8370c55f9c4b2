import { framePrinter, type FrameOut, type PacketsOptions } from '../../src/cli/packets.js';
import { decodeCapture, type DecodeOptions } from '../../src/engine/decode.js';
import { ByteWriter } from '../../src/output/writer.js';

/** What `packets` with options `o` prints for `file`, decoded in one thread with the printer's
 * decode options changed by `tweak`; `cutAt` is where a speculative run stopped. */
export async function printedPackets(
  file: string,
  o: PacketsOptions,
  tweak: (d: DecodeOptions) => DecodeOptions = (d) => d,
): Promise<{ text: string; cutAt?: number }> {
  const printer = framePrinter(o);
  if (typeof printer === 'string') throw new Error(printer);
  const chunks: Buffer[] = [];
  const bytes = new ByteWriter((b) => void chunks.push(Buffer.from(b)), 1 << 16);
  const out: FrameOut = {
    line(s) {
      bytes.str(s);
      bytes.newline();
    },
    bytes,
  };
  const run = await decodeCapture(file, tweak(printer.decode), (d) => printer.frame(d, out));
  bytes.flush();
  return { text: Buffer.concat(chunks).toString('latin1'), cutAt: run.cutAt };
}
