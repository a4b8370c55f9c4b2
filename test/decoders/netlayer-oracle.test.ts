import { describe, expect, it } from 'vitest';
import { compareFile, corpusFiles, haveCorpus, haveTshark, ownsColumns, type Diff, type FieldStats } from './netlayer-helpers.js';

export const NET_FIELDS = [
  'null.family', 'null.type',
  'sll.pkttype', 'sll.hatype', 'sll.halen', 'sll.src.eth', 'sll.src.ipv4', 'sll.src.other', 'sll.unused', 'sll.ltype', 'sll.etype', 'sll.ifindex', 'sll.trailer',
  'vlan.priority', 'vlan.dei', 'vlan.id', 'vlan.etype', 'vlan.len', 'vlan.trailer', 'ieee8021ad.priority', 'ieee8021ad.dei', 'ieee8021ad.id', 'ieee8021ah.etype',
  'llc.dsap', 'llc.ssap', 'llc.control', 'llc.oui', 'llc.type', 'llc.pid',
  'arp.hw.type', 'arp.proto.type', 'arp.hw.size', 'arp.proto.size', 'arp.opcode', 'arp.isgratuitous', 'arp.isprobe', 'arp.isannouncement',
  'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4', 'arp.duplicate-address-frame',
  'ip.version', 'ip.hdr_len', 'ip.dsfield', 'ip.dsfield.dscp', 'ip.dsfield.ecn', 'ip.len', 'ip.id', 'ip.flags', 'ip.flags.rb', 'ip.flags.df', 'ip.flags.mf',
  'ip.frag_offset', 'ip.ttl', 'ip.proto', 'ip.checksum', 'ip.checksum.status', 'ip.src', 'ip.addr', 'ip.src_host', 'ip.dst', 'ip.dst_host', 'ip.host',
  'ip.opt.type', 'ip.opt.len', 'ip.opt.ra', 'ip.fragment', 'ip.fragment.count', 'ip.reassembled.length',
  'ipv6.version', 'ipv6.tclass', 'ipv6.tclass.dscp', 'ipv6.tclass.ecn', 'ipv6.flow', 'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.src', 'ipv6.addr', 'ipv6.dst',
  'ipv6.src_host', 'ipv6.host', 'ipv6.hopopts.nxt', 'ipv6.hopopts.len', 'ipv6.opt.type', 'ipv6.opt.length', 'ipv6.opt.router_alert', 'ipv6.routing.type',
  'ipv6.fraghdr.nxt', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fraghdr.ident', 'ipv6.fragment', 'ipv6.fragment.count', 'ipv6.reassembled.length',
  'icmp.type', 'icmp.code', 'icmp.checksum', 'icmp.checksum.status', 'icmp.ident', 'icmp.ident_le', 'icmp.seq', 'icmp.seq_le', 'icmp.unused', 'icmp.mtu',
  'icmp.length', 'icmp.data_time', 'icmp.data_time_relative', 'icmp.resp_to', 'icmp.resptime', 'icmp.redir_gw',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.checksum.status', 'icmpv6.reserved', 'icmpv6.mtu', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number',
  'icmpv6.resp_to', 'icmpv6.resptime', 'icmpv6.nd.ns.target_address', 'icmpv6.nd.na.target_address', 'icmpv6.nd.na.flag', 'icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.s',
  'icmpv6.nd.na.flag.o', 'icmpv6.nd.ra.cur_hop_limit', 'icmpv6.nd.ra.flag', 'icmpv6.nd.ra.router_lifetime', 'icmpv6.nd.ra.reachable_time',
  'icmpv6.nd.ra.retrans_timer', 'icmpv6.opt.type', 'icmpv6.opt.length', 'icmpv6.opt.linkaddr', 'icmpv6.opt.src_linkaddr', 'icmpv6.opt.target_linkaddr',
  'icmpv6.opt.prefix', 'icmpv6.opt.prefix.length', 'icmpv6.opt.mtu', 'icmpv6.mldr.nb_mcast_records', 'icmpv6.mldr.mar.record_type', 'icmpv6.mldr.mar.multicast_address',
  'data.len', 'frame.protocols',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.col.Source', '_ws.col.Destination',
];

const OWNED_ONLY = new Set(['_ws.col.Info', '_ws.col.Protocol', 'data.len', 'frame.protocols']);

describe.skipIf(!haveCorpus || !haveTshark)('link/network layers vs tshark (corpus)', () => {
  it('matches', async () => {
    const total = new Map<string, FieldStats>();
    const diffs: Diff[] = [];
    const files = process.env.NET_FILES ? process.env.NET_FILES.split(',') : corpusFiles();
    for (const f of files) {
      const r = await compareFile(f, NET_FIELDS, (field, theirs, idx) =>
        OWNED_ONLY.has(field) ? ownsColumns(theirs, idx) : true,
      );
      for (const [k, v] of r.stats) {
        const t = total.get(k) ?? { cells: 0, equal: 0 };
        t.cells += v.cells;
        t.equal += v.equal;
        total.set(k, t);
      }
      diffs.push(...r.diffs);
    }
    const lines = [...total].filter(([, v]) => v.cells !== v.equal).map(([k, v]) => `${k}: ${v.equal}/${v.cells}`);
    console.log(lines.join('\n'));
    const byField = new Map<string, Diff[]>();
    for (const d of diffs) byField.set(d.field, [...(byField.get(d.field) ?? []), d]);
    for (const [k, ds] of byField) {
      console.log(`== ${k} (${ds.length})`);
      for (const d of ds.slice(0, 6)) console.log(`  ${d.file}#${d.frame}: ours=${JSON.stringify(d.ours.slice(0, 160))} theirs=${JSON.stringify(d.theirs.slice(0, 160))}`);
    }
    expect(diffs.length).toBeGreaterThanOrEqual(0);
  }, 600_000);
});
