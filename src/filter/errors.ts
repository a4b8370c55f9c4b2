/** A display filter that cannot be compiled. `position`/`length` locate the offending text
 * (0-based column into the filter string); `position` is -1 when tshark shows no location
 * (e.g. "Unexpected end of filter expression."). */
export class FilterError extends Error {
  readonly position: number;
  readonly length: number;
  /** True when the filter is valid for tshark but uses something pcapscope deliberately does not
   * implement (see src/filter/README.md). */
  readonly unsupported: boolean;

  constructor(message: string, position = -1, length = 0, unsupported = false) {
    super(message);
    this.name = 'FilterError';
    this.position = position;
    this.length = length;
    this.unsupported = unsupported;
  }
}

/** The message, the filter and a caret line under the offending text, laid out as tshark 4.0
 * prints them after its `tshark: ` prefix:
 *
 *     "xor" was unexpected in this context.
 *         tcp.port == 80 xor tcp
 *                        ^~~
 */
export function formatFilterError(text: string, e: FilterError): string {
  if (e.position < 0) return e.message;
  // tshark counts columns in bytes of the UTF-8 filter text
  const col = Buffer.byteLength(text.slice(0, e.position), 'utf8') + Math.max(0, e.position - text.length);
  const within = text.slice(e.position, e.position + e.length);
  const len = Math.max(1, Buffer.byteLength(within, 'utf8') + Math.max(0, e.length - within.length));
  return `${e.message}\n    ${text}\n    ${' '.repeat(col)}^${'~'.repeat(len - 1)}`;
}
