/**
 * The detail tree (`packets -V`) against `tshark -V`, line for line, on every sample: the golden
 * files keep our output stable, this keeps it equal to Wireshark's. Samples whose trees still
 * differ are listed with the reason; one that becomes equal must leave the list. The public
 * corpus is compared too and its share of equal files reported (many of its protocols have no
 * decoder here).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusCaptures, haveShared, haveTshark, sampleCaptures, skipNote, tshark } from '../helpers/paths.js';
import { printedPackets } from '../helpers/print.js';

/** Samples whose -V differs from tshark's, and why. */
const DIFFERS: Record<string, string> = {
  'demo.pcap': 'its TLS handshake: X.509 certificates, the JA3/JA3S hashes and some extensions are not decoded',
  'tls.pcap': 'X.509 certificates, the JA3/JA3S hashes and some extensions are not decoded',
  'udp-closed.pcap': 'tshark shows the payload of a UDP datagram quoted in an ICMP error at the top level, we under ICMP',
};

async function ours(file: string): Promise<string[]> {
  const { text } = await printedPackets(file, { verbose: true });
  // (printedPackets decodes the bytes as latin1; tshark writes UTF-8)
  return Buffer.from(text, 'latin1').toString('utf8').split('\n');
}

function theirs(file: string): string[] {
  return tshark(['-r', file, '-V']).split('\n');
}

/** Lines one side has and the other lacks (as multisets: a missing line does not shift the rest). */
function differingLines(a: readonly string[], b: readonly string[]): number {
  const count = new Map<string, number>();
  for (const l of a) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of b) count.set(l, (count.get(l) ?? 0) - 1);
  let n = 0;
  for (const v of count.values()) n += Math.abs(v);
  return n;
}

describe('detail tree (-V) equals tshark -V', () => {
  it.skipIf(!haveTshark)('on every sample (live tshark)', async () => {
    const unexpected: string[] = [];
    const nowEqual: string[] = [];
    let equal = 0;
    const files = sampleCaptures().filter((f) => !f.endsWith('.gz'));
    for (const file of files) {
      const name = path.basename(file);
      const [a, b] = [await ours(file), theirs(file)];
      const same = a.length === b.length && a.every((l, i) => l === b[i]);
      if (same) equal++;
      if (same && DIFFERS[name]) nowEqual.push(name);
      if (!same && !DIFFERS[name]) {
        const i = a.findIndex((l, k) => l !== b[k]);
        unexpected.push(`${name}: line ${i + 1}: ours ${JSON.stringify(a[i])}, tshark ${JSON.stringify(b[i])}`);
      }
    }
    console.log(`verbose oracle: ${equal}/${files.length} samples print the same tree as tshark -V`);
    expect(unexpected).toEqual([]);
    expect(nowEqual, 'samples equal to tshark now: remove them from DIFFERS').toEqual([]);
  }, 300_000);

  it.skipIf(!haveTshark || !haveShared)('on the public corpus (live tshark; reported, not required)', async () => {
    let equal = 0;
    let lines = 0;
    let differing = 0;
    const files = corpusCaptures();
    for (const file of files) {
      const [a, b] = [await ours(file), theirs(file)];
      const d = differingLines(a, b);
      if (d === 0) equal++;
      lines += b.length;
      differing += d;
    }
    console.log(`verbose oracle: ${equal}/${files.length} corpus captures print the same tree as tshark -V; ${differing} of ${lines} lines differ`);
    expect(files.length).toBeGreaterThan(0);
  }, 600_000);

  if (!haveTshark) skipNote('verbose oracle: tshark is not installed');
  else if (!haveShared) skipNote('verbose oracle on the corpus: ../shared is absent');
});
