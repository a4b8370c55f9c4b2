/** Display filters in Wireshark's language with tshark 4.0 semantics. See README.md.
 *
 *   const f = compileFilter('tcp.port == 80 && http.request');
 *   const col = new FieldCollector(f.fields.map((d) => d.id), fieldCount());
 *   dissect(frame, session, { tree: col });
 *   if (f.test(col.found, frame.data)) ...
 */
import type { FieldDef } from '../decoders/core/fields.js';
import { Compiler } from './compile.js';
import { FilterError, formatFilterError } from './errors.js';
import { parse } from './parser.js';
import type { FieldValues } from './runtime.js';

export { FilterError, formatFilterError };
export type { FieldValues };

export interface CompiledFilter {
  readonly text: string;
  /** Field definitions the filter reads (protocol nodes included): the caller dissects each frame
   * with a FieldCollector over these ids, so no full tree is built. */
  readonly fields: readonly FieldDef[];
  /** Whether the filter needs the raw frame bytes (`frame[10:4]`, `frame contains ...`). */
  readonly needsFrameBytes: boolean;
  test(values: FieldValues, frame: Uint8Array): boolean;
}

/** Compiles a display filter. Fields must already be registered (the decoders register theirs
 * when their modules are imported). Throws FilterError with tshark's message and location. An
 * empty (or all-blank) filter matches every frame. */
export function compileFilter(text: string): CompiledFilter {
  const ast = parse(text);
  const c = new Compiler().compile(ast);
  const test = c.test;
  return {
    text,
    fields: c.fields,
    needsFrameBytes: c.needsFrameBytes,
    test: (values, frame) => test(values, frame),
  };
}
