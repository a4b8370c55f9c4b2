import { it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { dissect } from '../../src/decoders/core/dissect.js';
import { nodeLine } from '../../src/decoders/core/format.js';
import { Session } from '../../src/decoders/core/registry.js';
import { FullTree, type FieldNode } from '../../src/decoders/core/tree.js';
import { netRegistry } from './netlayer-helpers.js';

const HIDDEN = new Set(['ip.addr', 'ip.src_host', 'ip.dst_host', 'ip.host', 'ipv6.addr', 'ipv6.src_host', 'ipv6.dst_host', 'ipv6.host', 'eth.addr', 'icmpv6.opt.src_linkaddr', 'icmpv6.opt.target_linkaddr', 'ip.version']);
it('dump', async () => {
  const file = process.env.F!;
  const want = new Set(process.env.N!.split(',').map(Number));
  const session = new Session(netRegistry());
  const out: string[] = [];
  await readCapture(file, (frame) => {
    const tree = new FullTree();
    dissect(frame, session, { tree, columns: true });
    if (!want.has(frame.number)) return;
    const walk = (nodes: readonly FieldNode[], depth: number, parentIsIpv6 = false) => {
      for (const n of nodes) {
        if (HIDDEN.has(n.def.name) && !(n.def.name === 'ip.version' && !parentIsIpv6)) continue;
        if (n.def.name === 'frame' || n.def.name === 'eth') continue;
        out.push('    '.repeat(depth) + nodeLine(n));
        if (n.children) walk(n.children, depth + 1, n.def.name === 'ipv6');
      }
    };
    out.push(`=== frame ${frame.number}`);
    walk(tree.roots, 0);
  });
  console.log(out.join('\n'));
});
