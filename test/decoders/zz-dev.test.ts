import { it } from 'vitest';
import * as F from './netlayer-fixtures.js';
import { ARP_FIELDS, COLUMNS, corpusFiles, fixturePcap, ICMP6_FIELDS, ICMP_FIELDS, IP4_FIELDS, IP6_FIELDS, LINK_FIELDS, oracle, report } from './netlayer-helpers.js';

it('dev', async () => {
  const fixtures = Object.entries(F).map(([k, v]) => fixturePcap(k.toLowerCase(), v as never));
  const files = process.env.ONLY === 'fixtures' ? fixtures : [...corpusFiles().filter((f) => !/gopacket__(be-test202|le-test102)/.test(f)), ...fixtures];
  const r = await oracle(files, [...LINK_FIELDS, ...ARP_FIELDS, ...IP4_FIELDS, ...IP6_FIELDS, ...ICMP_FIELDS, ...ICMP6_FIELDS, ...COLUMNS]);
  const byField = new Map<string, number>();
  for (const d of r.unknown) byField.set(d.field, (byField.get(d.field) ?? 0) + 1);
  console.log(report('all', r));
  const seen = new Set<string>();
  for (const d of r.unknown) {
    const k = d.field;
    if (seen.has(k)) continue;
    seen.add(k);
    const ds = r.unknown.filter((x) => x.field === k).slice(0, 4);
    console.log(`== ${k} (${byField.get(k)})`);
    for (const x of ds) console.log(`  ${x.file}#${x.frame}: ours=${JSON.stringify(x.ours.slice(0, 150))} tshark=${JSON.stringify(x.theirs.slice(0, 150))}`);
  }
}, 900_000);
