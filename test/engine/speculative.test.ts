/**
 * Speculative transport-only decoding (DecodeOptions.speculative): `packets -Y` with a filter on
 * transport-level fields decodes nothing above TCP/UDP, betting that the frames it keeps show
 * nothing from there. Every output here is compared with a full decode of the same frames, on
 * every sample and, when ../shared is there, every public corpus capture.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { framePrinter, type FramePrinter, type PacketsOptions } from '../../src/cli/packets.js';
import type { DecodeOptions } from '../../src/engine/decode.js';
import { printedPackets } from '../helpers/print.js';
import { runCli } from '../helpers/cli.js';
import { corpusCaptures, corpusDir, haveShared, sampleCaptures, samplesDir, skipNote } from '../helpers/paths.js';

const FILTERS = [
  'tcp.analysis.retransmission || tcp.analysis.duplicate_ack',
  'tcp.analysis.flags',
  'tcp.flags.reset == 1 || tcp.window_size == 0',
  'tcp.analysis.keep_alive || tcp.analysis.zero_window_probe || tcp.analysis.out_of_order',
  'tcp.flags.fin == 1',
  'tcp.len > 0',
  'udp.length > 8 || icmp',
];

const full = (d: DecodeOptions): DecodeOptions => ({ ...d, speculative: false });

describe('speculative transport-only decoding', () => {
  it('is what packets -Y and -T fields with columns use for transport-level filters, and only then', () => {
    const decode = (o: PacketsOptions) => (framePrinter(o) as FramePrinter).decode;
    expect(decode({ filter: 'tcp.analysis.retransmission' }).speculative).toBe(true);
    expect(decode({ filter: 'tcp.analysis.retransmission', format: 'fields', field: ['frame.number', '_ws.col.Info'] }).speculative).toBe(true);
    // fields without columns are exact in transport-only mode already
    expect(decode({ filter: 'tcp.analysis.retransmission', format: 'fields', field: ['frame.number'] })).toMatchObject({ speculative: false, transportOnly: true });
    expect(decode({ filter: 'http.request' }).speculative).toBe(false);
    expect(decode({ filter: 'tcp.analysis.retransmission', verbose: true }).speculative).toBe(false);
    expect(decode({}).speculative).toBeFalsy();
  });

  it('holds where no kept frame needs more: retransmissions of a bulk transfer, dup ACKs', async () => {
    const file = path.join(samplesDir, 'lossy-bulk.pcap');
    const o = { filter: FILTERS[0] };
    const bet = await printedPackets(file, o, (d) => d);
    expect(bet.cutAt).toBeUndefined();
    expect(bet.text.split('\n').length).toBeGreaterThan(20);
    expect(bet.text).toBe((await printedPackets(file, o, full)).text);
  });

  it('stops at the first kept frame a full decode would take further, and the CLI decodes again in full after it', async () => {
    const file = path.join(samplesDir, 'http-keepalive.pcap');
    const o = { filter: 'tcp.len > 0' };
    const bet = await printedPackets(file, o, (d) => d);
    expect(bet.cutAt).toBeGreaterThan(0);
    const whole = (await printedPackets(file, o, full)).text;
    expect(whole).toContain('HTTP');
    expect(whole.startsWith(bet.text)).toBe(true);
    // the CLI: the bet, then one full decode after what it printed
    expect(runCli(['packets', '-Y', o.filter, file]).stdout).toBe(Buffer.from(whole, 'latin1').toString('utf8'));
  });

  // A spurious retransmission still has a hand-off (tshark calls decoders for it), but the
  // desegmenter takes it and hands nothing on: keeping one must not stop the bet.
  if (haveShared)
    it('holds on spurious retransmissions of HTTP and TLS data', async () => {
      for (const name of ['zeek__vlan-collisions.pcap', 'zeek__vnd.ms-cab-compressed-multi-conn.pcap', 'suricata-verify__tls-subjectaltname_input.pcap']) {
        const file = path.join(corpusDir, name);
        const o = { filter: 'tcp.analysis.spurious_retransmission' };
        const bet = await printedPackets(file, o, (d) => d);
        expect(bet.cutAt, name).toBeUndefined();
        expect(bet.text, name).toMatch(/Spurious Retransmission/);
        expect(bet.text, name).toBe((await printedPackets(file, o, full)).text);
      }
    });
  else it('spurious retransmissions of HTTP and TLS data', () => skipNote('../shared/corpus/public is absent: spurious retransmissions to HTTP/TLS not checked'));

  /** The bet's output equals the full decode's, or is its beginning where the bet stopped (the
   * CLI then decodes again in full, as tested above). Returns how many runs held to the end. */
  const compareAll = async (files: string[]): Promise<number> => {
    let held = 0;
    for (const file of files) {
      for (const filter of FILTERS) {
        const expected = (await printedPackets(file, { filter }, full)).text;
        const bet = await printedPackets(file, { filter }, (d) => d);
        const what = `${path.basename(file)}: ${filter}`;
        if (bet.cutAt === undefined) {
          expect(bet.text, what).toBe(expected);
          if (expected) held++;
        } else expect(expected.startsWith(bet.text), what).toBe(true);
      }
    }
    return held;
  };

  it('prints what a full decode prints, for every sample and filter', async () => {
    expect(await compareAll(sampleCaptures())).toBeGreaterThan(40);
  });

  if (haveShared) it('prints what a full decode prints, for every public corpus capture and filter', async () => expect(await compareAll(corpusCaptures())).toBeGreaterThan(40));
  else it('public corpus', () => skipNote('../shared/corpus/public is absent: speculation checked on samples only'));
});
