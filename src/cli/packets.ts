import type { ReadResult } from '../capture/types.js';
import { decodeCapture, transportSafe, type DecodeOptions } from '../engine/decode.js';
import { compileFilter, formatFilterError, FilterError, type CompiledFilter } from '../filter/index.js';
import { packetLine } from '../output/columns.js';
import {
  applyFieldsOption,
  DEFAULT_FIELDS_FORMAT,
  fieldsHeader,
  resolveFieldColumns,
  writeFieldsRow,
  type FieldsFormat,
} from '../output/fields.js';
import { hexdumpLines } from '../output/hexdump.js';
import { packetJson } from '../output/json.js';
import { treeLines } from '../output/tree-text.js';
import { Output, warn } from './out.js';

export interface PacketsOptions {
  verbose?: boolean;
  hex?: boolean;
  count?: string;
  format?: string;
  field?: string[];
  fieldOption?: string[];
  filter?: string;
}

/** Exit codes follow tshark: 0 fine, 1 bad arguments or filter, 2 damaged capture. */
export async function packetsCommand(file: string, o: PacketsOptions): Promise<number> {
  const out = new Output();
  const format = o.format ?? 'text';
  if (!['text', 'fields', 'json', 'jsonl'].includes(format)) {
    warn(`invalid -T format "${format}" (use text, fields, json or jsonl)`);
    return 1;
  }
  let limit: number | undefined;
  if (o.count !== undefined) {
    if (!/^\d+$/.test(o.count) || Number(o.count) < 1) {
      warn(`invalid -c count "${o.count}"`);
      return 1;
    }
    limit = Number(o.count);
  }
  let filter: CompiledFilter | undefined;
  if (o.filter !== undefined) {
    try {
      filter = compileFilter(o.filter);
    } catch (e) {
      if (e instanceof FilterError) {
        warn(formatFilterError(o.filter, e));
        return 1;
      }
      throw e;
    }
  }
  const fmt: FieldsFormat = { ...DEFAULT_FIELDS_FORMAT };
  for (const opt of o.fieldOption ?? []) {
    const err = applyFieldsOption(fmt, opt);
    if (err) {
      warn(err);
      return 1;
    }
  }

  let result: ReadResult;
  if (format === 'fields') {
    const names = o.field ?? [];
    if (names.length === 0) {
      warn('-T fields needs at least one -e FIELD');
      return 1;
    }
    const { columns, invalid } = resolveFieldColumns(names);
    if (invalid.length) {
      warn(`some fields aren't valid:\n${invalid.map((n) => `\t${n}`).join('\n')}`);
      return 1;
    }
    const defs = columns.flatMap((c) => (c.def ? [c.def] : []));
    const withColumns = columns.some((c) => c.column);
    const opts: DecodeOptions = {
      columns: withColumns,
      tree: defs,
      filter,
      limit,
      // only transport-level fields asked for: application decoders and desegmentation can't change them
      transportOnly: !withColumns && defs.every(transportSafe) && (!filter || filter.fields.every(transportSafe)),
    };
    if (fmt.header) out.line(fieldsHeader(columns, fmt));
    const w = out.bytes;
    result = await decodeCapture(file, opts, (d) => {
      writeFieldsRow(w, d.packet, d.fields, columns, fmt);
      w.newline();
    });
  } else if (format === 'json' || format === 'jsonl') {
    let first = true;
    if (format === 'json') out.line('[');
    result = await decodeCapture(file, { columns: true, tree: 'full', filter, limit }, (d) => {
      const obj = packetJson(d.packet, d.roots!);
      if (format === 'jsonl') out.line(JSON.stringify(obj));
      else {
        const text = JSON.stringify(obj, null, 2).replace(/^/gm, '  ');
        if (!first) out.line('  ,');
        out.line(text);
        first = false;
      }
    });
    if (format === 'json') out.line(']');
  } else {
    let decimals = 6;
    result = await decodeCapture(
      file,
      { columns: true, tree: o.verbose ? 'full' : 'none', filter, limit },
      (d) => {
        if (d.packet.frame.number === 1 || decimals === 6) decimals = timeDecimals(d.packet.frame.tsNsec, decimals);
        if (o.verbose) {
          for (const l of treeLines(d.roots!)) out.line(l);
        } else out.line(packetLine(d.packet, d.relative, decimals));
        if (o.hex) {
          if (!o.verbose) out.line('');
          for (const l of hexdumpLines(d.packet.frame.data)) out.line(l);
          out.line('');
        } else if (o.verbose) out.line('');
      },
    );
  }
  out.flush();
  if (result.error) {
    warn(result.error.message);
    return 2;
  }
  return 0;
}

/** tshark prints times with the capture's precision; nanosecond fractions show 9 decimals. */
function timeDecimals(nsec: number, current: number): number {
  return nsec % 1000 !== 0 ? 9 : current;
}
