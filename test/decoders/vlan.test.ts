import { describe, expect, it } from 'vitest';
import type { LlcLayer } from '../../src/decoders/llc.js';
import type { VlanLayer } from '../../src/decoders/vlan.js';
import { VLAN_EDGE } from './netlayer-fixtures.js';
import {
  ARP_FIELDS,
  COLUMNS,
  corpus,
  decodeFrames,
  decodeHex,
  fixtureFrames,
  fixturePcap,
  haveTshark,
  ICMP_FIELDS,
  IP4_FIELDS,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

describe('802.1Q', () => {
  const f = decodeFrames(fixtureFrames(VLAN_EDGE));
  it('decodes priority, DEI and ID; unknown EtherType names the Protocol column', () => {
    // ... 8100 a07b 1234 aabbccdd: PRI 5, DEI 0, ID 123, type 0x1234
    const d = f[0]!;
    expect([d.value('vlan.priority'), d.value('vlan.dei'), d.value('vlan.id'), d.value('vlan.etype')]).toEqual(['5', '0', '123', '0x1234']);
    expect(d.packet.cols?.protocol).toBe('0x1234');
    expect(d.packet.cols?.info).toBe('PRI: 5  DEI: 0  ID: 123');
    const l = d.packet.layers[2] as VlanLayer;
    expect([l.priority, l.dei, l.id, l.type]).toEqual([5, false, 123, 0x1234]);
  });
  it('802.3 length: LLC/SNAP, trailer, and a length past the end', () => {
    expect(f[1]!.value('vlan.len')).toBe('6');
    expect(f[1]!.value('vlan.trailer')).toBe('0800');
    expect(f[1]!.packet.protocols.slice(0, 4)).toEqual(['eth', 'ethertype', 'vlan', 'llc']);
    const llc = f[1]!.packet.layers[3] as LlcLayer;
    expect([llc.dsap, llc.ssap, llc.control]).toEqual([0xaa, 0xaa, 3]);
    expect(f[2]!.packet.issues.map((i) => i.name)).toContain('vlan.len.past_end');
  });
  it('stacked tags dispatch through the ethertype table again', () => {
    const d = f[3]!;
    expect(d.packet.protocols).toEqual(['eth', 'ethertype', 'ieee8021ad', 'ethertype', 'vlan', 'ethertype', 'vlan', 'ethertype', 'data']);
    expect(d.values('vlan.id')).toEqual(['100', '5']);
    expect(d.value('ieee8021ad.id')).toBe('200');
    expect(d.packet.cols?.info).toBe('Local Experimental Ethertype 1');
  });
  it('a cut tag is malformed; a trailer after the IP packet is vlan.trailer', () => {
    expect(f[4]!.packet.malformed).toBe(true);
    expect(f[4]!.packet.protocols).toEqual(['eth', 'ethertype', 'vlan']);
    expect(f[5]!.value('vlan.trailer')).toBe('aabbccdd');
  });
  it('802.1ad Info text', () => {
    expect(f[6]!.packet.cols?.info).toBe('PRI: 5  DROP: 0 ID: 200');
    expect(f[6]!.packet.cols?.protocol).toBe('0x1234');
    const d = decodeHex('ffffffffffff001122334455 88a8 a0c8 88b5 00');
    expect(d.value('ieee8021ad.priority')).toBe('5');
    expect(d.value('ieee8021ah.etype')).toBe('0x88b5');
  });
  it('hostile nesting is bounded by the driver', () => {
    const d = decodeHex('ffffffffffff001122334455' + '81000001'.repeat(200) + '0800');
    expect(d.packet.layers.length).toBeLessThan(80);
  });
});

describe.skipIf(!haveTshark)('VLAN / LLC vs tshark', () => {
  it('corpus and hand-built frames', async () => {
    const files = [
      ...corpus(
        'zeek__icmp_dot1q.pcap',
        'tcpdump__802.1ad_QinQ.pcap',
        'zeek__vlan-collisions.pcap',
        'zeek__http-vlan-0.pcap',
        'suricata-verify__syn_retransmit_with_ts.pcap',
      ),
      fixturePcap('vlan_edge', VLAN_EDGE),
    ];
    const r = await oracle(files, [...LINK_FIELDS, ...ARP_FIELDS, ...IP4_FIELDS, ...ICMP_FIELDS, ...COLUMNS]);
    console.log(report('vlan', r));
    expect(r.unknown).toEqual([]);
  }, 300_000);
});
