import { it } from 'vitest';
import { ourFields, tsharkFields, compareRows } from '../helpers/fields.js';
it('integration', async () => {
  const fields = ['frame.protocols', 'ip.src', 'ip.dst', 'icmp.type', 'icmpv6.type', 'arp.opcode', '_ws.col.Protocol', '_ws.col.Info', '_ws.col.Source', '_ws.col.Destination', 'ip.reassembled.length', 'ipv6.reassembled.length'];
  for (const f of (process.env.FILES ?? '').split(',')) {
    const c = compareRows(fields, await ourFields(f, fields), tsharkFields(f, fields));
    console.log(f.split('/').pop(), c.equal, '/', c.cells);
    for (const d of c.diffs.filter((x) => x.field !== '_ws.col.Destination' || x.ours !== 'Broadcast').slice(0, 8)) console.log('  ', d.frame, d.field, JSON.stringify(d.ours.slice(0, 120)), '|', JSON.stringify(d.theirs.slice(0, 120)));
  }
}, 600000);
