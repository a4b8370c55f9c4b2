import { statSync } from 'node:fs';
import type { ReadResult } from '../capture/types.js';
import { decodeCapture, transportSafe, type DecodedFrame, type DecodeOptions } from '../engine/decode.js';
import { shardCount } from '../engine/parallel.js';
import { printShards } from './packets-shard.js';
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
import type { ByteWriter } from '../output/writer.js';
import { Output, warn } from './out.js';

export interface PacketsOptions {
  verbose?: boolean;
  hex?: boolean;
  count?: string;
  format?: string;
  field?: string[];
  fieldOption?: string[];
  filter?: string;
  /** `--threads`: workers for a large capture (engine/parallel.ts). */
  threads?: string;
}

/** Where a frame's output goes: text lines, or bytes written in place (`-T fields` rows). */
export interface FrameOut {
  line(s: string): void;
  readonly bytes: ByteWriter;
}

/** How one frame is printed, set up once from the options; the same for the serial loop and for
 * the workers of a parallel run. */
export interface FramePrinter {
  decode: DecodeOptions;
  /** Lines before the first frame (the `-T fields` header, the JSON array's `[`). */
  head: string[];
  /** Lines after the last frame. */
  tail: string[];
  frame(d: DecodedFrame, out: FrameOut): void;
  /** Output depends only on the frame itself, its conversation and the capture's first frame:
   * a parallel run prints the same. */
  shardable: boolean;
}

/** Fields whose values count things across conversations (stream indexes) or depend on the
 * previously shown frame: a shard's worker cannot know them. */
const GLOBAL_FIELDS = /^(tcp\.stream|udp\.stream|frame\.time_delta_displayed)$/;

/** A frame's output is written before the next frame is read: its bytes need not outlive it. */
const READ = { reuseBuffer: true } as const;

/** Builds the printer; a string is an error message for the user (exit 1). */
export function framePrinter(o: PacketsOptions): FramePrinter | string {
  const format = o.format ?? 'text';
  if (!['text', 'fields', 'json', 'jsonl'].includes(format)) return `invalid -T format "${format}" (use text, fields, json or jsonl)`;
  let limit: number | undefined;
  if (o.count !== undefined) {
    if (!/^\d+$/.test(o.count) || Number(o.count) < 1) return `invalid -c count "${o.count}"`;
    limit = Number(o.count);
  }
  let filter: CompiledFilter | undefined;
  if (o.filter !== undefined) {
    try {
      filter = compileFilter(o.filter);
    } catch (e) {
      if (e instanceof FilterError) return formatFilterError(o.filter, e);
      throw e;
    }
  }
  const fmt: FieldsFormat = { ...DEFAULT_FIELDS_FORMAT };
  for (const opt of o.fieldOption ?? []) {
    const err = applyFieldsOption(fmt, opt);
    if (err) return err;
  }
  const filterLocal = !filter || filter.fields.every((d) => !GLOBAL_FIELDS.test(d.name));
  const transportFilter = !filter || filter.fields.every(transportSafe);

  if (format === 'fields') {
    const names = o.field ?? [];
    if (names.length === 0) return '-T fields needs at least one -e FIELD';
    const { columns, invalid } = resolveFieldColumns(names);
    if (invalid.length) return `some fields aren't valid:\n${invalid.map((n) => `\t${n}`).join('\n')}`;
    const defs = columns.flatMap((c) => (c.def ? [c.def] : []));
    const withColumns = columns.some((c) => c.column);
    // only transport-level fields asked for: application decoders and desegmentation can't change
    // them (columns can: for the frames a filter keeps, that is bet on)
    const lower = defs.every(transportSafe) && transportFilter;
    return {
      decode: { columns: withColumns, tree: defs, filter, limit, transportOnly: lower && !withColumns, speculative: lower && withColumns && !!filter, read: READ },
      head: fmt.header ? [fieldsHeader(columns, fmt)] : [],
      tail: [],
      frame: (d, out) => {
        writeFieldsRow(out.bytes, d.packet, d.fields, columns, fmt);
        out.bytes.newline();
      },
      shardable: filterLocal && names.every((n) => !GLOBAL_FIELDS.test(n)),
    };
  }
  if (format === 'json' || format === 'jsonl') {
    let first = true;
    return {
      decode: { columns: true, tree: 'full', filter, limit, read: READ },
      head: format === 'json' ? ['['] : [],
      tail: format === 'json' ? [']'] : [],
      frame: (d, out) => {
        const obj = packetJson(d.packet, d.roots!);
        if (format === 'jsonl') out.line(JSON.stringify(obj));
        else {
          if (!first) out.line('  ,');
          out.line(JSON.stringify(obj, null, 2).replace(/^/gm, '  '));
          first = false;
        }
      },
      // the tree shows stream indexes
      shardable: false,
    };
  }
  let decimals = 6;
  return {
    // a filter on transport-level fields bets that the frames it keeps show nothing above TCP/UDP
    // (retransmissions, dup ACKs, resets): the frames it drops are not dissected further
    decode: { columns: true, tree: o.verbose ? 'full' : 'none', filter, limit, speculative: !!filter && transportFilter && !o.verbose, read: READ },
    head: [],
    tail: [],
    frame: (d, out) => {
      if (d.packet.frame.number === 1 || decimals === 6) decimals = timeDecimals(d.packet.frame.tsNsec, decimals);
      if (o.verbose) {
        for (const l of treeLines(d.roots!, !o.hex)) out.line(l);
      } else out.line(packetLine(d.packet, d.relative, decimals));
      if (o.hex) {
        if (!o.verbose) out.line('');
        for (const l of hexdumpLines(d.packet.frame.data)) out.line(l);
        out.line('');
      } else if (o.verbose) out.line('');
    },
    // nanosecond times switch every later line to 9 decimals: workers see only their own frames
    // (packets-shard.ts falls back at the first such frame)
    shardable: filterLocal && !o.verbose,
  };
}

/** Exit codes follow tshark: 0 fine, 1 bad arguments or filter, 2 damaged capture. */
export async function packetsCommand(file: string, o: PacketsOptions): Promise<number> {
  const out = new Output();
  const printer = framePrinter(o);
  if (typeof printer === 'string') {
    warn(printer);
    return 1;
  }
  for (const l of printer.head) out.line(l);
  let result: ReadResult | undefined;
  let decode = printer.decode;
  // a speculative run may have to read the capture again
  if (decode.speculative && !isFile(file)) decode = { ...decode, speculative: false };
  let printed = 0;
  /** One thread goes on after frame `upTo`, decoding in full (a bet that failed, or a wrong split). */
  const resume = (upTo: number) => {
    decode = { ...decode, speculative: false, after: upTo, limit: decode.limit === undefined ? undefined : decode.limit - printed };
  };
  const shards = printer.shardable ? shardCount(file, o.threads, !!(decode.speculative || decode.transportOnly)) : 1;
  if (shards > 1) {
    const r = await printShards(file, o, shards, decode.limit, out.bytes);
    printed = r.ok ? 0 : r.printed;
    if (r.ok) result = r.result;
    else if (decode.limit !== undefined && r.printed >= decode.limit) result = { info: null, framesRead: r.printedUpTo };
    else resume(r.printedUpTo);
  }
  // a live input (`tcpdump -w - | pcapscope packets -`): what was printed shows while it waits
  const live = file === '-' ? setInterval(() => out.flush(), 100) : undefined;
  const print = (d: DecodedFrame) => {
    printer.frame(d, out);
    printed++;
  };
  try {
    if (!result) {
      const run = await decodeCapture(file, decode, print);
      if (run.cutAt !== undefined) {
        resume(run.cutAt - 1);
        result = await decodeCapture(file, decode, print);
      } else result = run;
    }
  } finally {
    clearInterval(live);
  }
  for (const l of printer.tail) out.line(l);
  out.flush();
  if (result.error) {
    warn(result.error.message);
    return 2;
  }
  return 0;
}

function isFile(path: string): boolean {
  return path !== '-' && !!statSync(path, { throwIfNoEntry: false })?.isFile();
}

/** tshark prints times with the capture's precision; nanosecond fractions show 9 decimals. */
function timeDecimals(nsec: number, current: number): number {
  return nsec % 1000 !== 0 ? 9 : current;
}
