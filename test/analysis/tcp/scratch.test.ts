import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'vitest';
import { compareCapture, newStats, summary } from './oracle.js';

test('scratch', async () => {
  const dir = process.env.TCPDIR ?? '/work/shared/tcp-fixtures';
  const only = process.env.ONLY;
  const files = readdirSync(dir).filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f) && (!only || f.includes(only))).sort();
  const st = newStats();
  for (const f of files) {
    try { await compareCapture(path.join(dir, f), st); } catch (e) { console.log('ERR', f, e); }
  }
  console.log(summary(st));
  const byField = new Map<string, number>();
  for (const d of st.diffs) byField.set(d.field, (byField.get(d.field) ?? 0) + 1);
  console.log([...byField].map(([k, v]) => `${k}=${v}`).join(' '));
  for (const d of st.diffs.filter((d) => d.field !== '_ws.col.Info' || process.env.INFO).slice(0, Number(process.env.N ?? 60))) console.log(`${d.file} #${d.frame} ${d.field}: ours=${JSON.stringify(d.ours)} tshark=${JSON.stringify(d.theirs)}`);
}, 600000);
