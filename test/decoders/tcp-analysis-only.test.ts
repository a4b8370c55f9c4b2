/**
 * A field collector that wants only fields of TCP's SEQ/ACK analysis subtree (a `-Y` on analysis
 * flags) gets no other TCP field from `renderTcp`. What it collects must be what a collector that
 * also wants header fields (and so gets the whole TCP tree) collects, on every capture.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ourFields } from '../helpers/fields.js';
import { corpusCaptures, haveShared, sampleCaptures, skipNote } from '../helpers/paths.js';

const ANALYSIS = [
  'tcp.analysis',
  'tcp.analysis.flags',
  'tcp.analysis.acks_frame',
  'tcp.analysis.ack_rtt',
  'tcp.analysis.initial_rtt',
  'tcp.analysis.bytes_in_flight',
  'tcp.analysis.push_bytes_sent',
  'tcp.analysis.retransmission',
  'tcp.analysis.fast_retransmission',
  'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order',
  'tcp.analysis.lost_segment',
  'tcp.analysis.ack_lost_segment',
  'tcp.analysis.window_update',
  'tcp.analysis.window_full',
  'tcp.analysis.keep_alive',
  'tcp.analysis.keep_alive_ack',
  'tcp.analysis.duplicate_ack',
  'tcp.analysis.duplicate_ack_num',
  'tcp.analysis.duplicate_ack_frame',
  'tcp.analysis.zero_window',
  'tcp.analysis.zero_window_probe',
  'tcp.analysis.zero_window_probe_ack',
  'tcp.analysis.reused_ports',
  'tcp.analysis.rto',
  'tcp.analysis.rto_frame',
];
/** With these the whole TCP tree is built. */
const HEADER = ['tcp.seq', 'tcp.flags.syn', 'tcp.options.timestamp.tsval'];

async function compare(files: string[]): Promise<number> {
  let cells = 0;
  for (const file of files) {
    const alone = await ourFields(file, ANALYSIS);
    const withHeader = (await ourFields(file, [...ANALYSIS, ...HEADER])).map((r) => r.slice(0, ANALYSIS.length));
    expect(alone, path.basename(file)).toEqual(withHeader);
    cells += alone.flat().filter((c) => c !== '').length;
  }
  return cells;
}

describe('TCP analysis fields without the rest of the TCP tree', () => {
  it('are what the whole tree has, on every sample', async () => {
    expect(await compare(sampleCaptures())).toBeGreaterThan(1000);
  });
  if (haveShared) it('are what the whole tree has, on every public corpus capture', async () => expect(await compare(corpusCaptures())).toBeGreaterThan(1000));
  else it('public corpus', () => skipNote('../shared/corpus/public is absent: analysis-only collection checked on samples only'));
});
