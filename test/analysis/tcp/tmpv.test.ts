import { test } from 'vitest';
import { nodeLine } from '../../../src/decoders/core/format.js';
import type { FieldNode } from '../../../src/decoders/core/tree.js';
import { readFrames, runFrames } from './stack.js';
test('v', async () => {
  const run = await runFrames(await readFrames(process.env.F!), { tree: true });
  const want = (process.env.FR ?? '5').split(',').map(Number);
  const out: string[] = [];
  const dump = (ns: FieldNode[], d: number) => { for (const n of ns) { out.push('    '.repeat(d) + nodeLine(n)); if (n.children) dump(n.children, d + 1); } };
  for (const i of want) { const tcp = run.trees[i - 1]!.roots.find((r) => r.def.name === 'tcp') ?? run.trees[i-1]!.roots; dump(Array.isArray(tcp) ? tcp : [tcp], 0); }
  console.log(out.join('\n'));
});
