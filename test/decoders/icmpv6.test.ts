import { describe, expect, it } from 'vitest';
import type { Icmpv6Layer } from '../../src/decoders/icmpv6.js';
import { FRAG6, ICMP6_ND, ICMP6_TYPES } from './netlayer-fixtures.js';
import {
  COLUMNS,
  corpus,
  decodeFrames,
  fixtureFrames,
  fixturePcap,
  haveTshark,
  ICMP6_FIELDS,
  ICMP_FIELDS,
  IP6_FIELDS,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

describe('ICMPv6', () => {
  const f = decodeFrames(fixtureFrames(ICMP6_ND));
  const info = (i: number) => f[i]!.packet.cols?.info;
  it('neighbor discovery Info texts and options', () => {
    expect(info(0)).toBe('Neighbor Solicitation for fe80::200:0:0:2 from 00:11:22:33:44:55');
    expect(f[0]!.value('icmpv6.nd.ns.target_address')).toBe('fe80::200:0:0:2');
    expect(f[0]!.value('icmpv6.opt.linkaddr')).toBe('00:11:22:33:44:55');
    expect(f[0]!.value('icmpv6.checksum.status')).toBe('1');
    expect(info(1)).toBe('Neighbor Solicitation for fe80::200:0:0:2');
    expect(info(2)).toBe('Neighbor Advertisement fe80::200:0:0:2 (rtr, sol, ovr) is at 00:aa:bb:cc:dd:ee');
    expect(f[2]!.value('icmpv6.nd.na.flag')).toBe('0xe0000000');
    expect(info(3)).toBe('Neighbor Advertisement fe80::200:0:0:2 (none)');
    expect(info(5)).toBe('Router Solicitation from 00:11:22:33:44:55');
    expect(info(7)).toBe('Router Advertisement from 00:11:22:33:44:55');
    expect(f[7]!.values('icmpv6.opt.type')).toEqual(['1', '5', '3']);
    expect(f[7]!.value('icmpv6.opt.prefix')).toBe('2001:db8::');
    expect(f[7]!.value('icmpv6.opt.mtu')).toBe('1500');
    expect(f[7]!.value('icmpv6.nd.ra.flag')).toBe('0xc8');
    expect(info(8)).toBe('Redirect is at 00:aa:bb:cc:dd:ee');
  });
  it('MLD', () => {
    expect(info(9)).toBe('Multicast Listener Report Message v2');
    expect(f[9]!.value('icmpv6.mldr.mar.multicast_address')).toBe('ff02::fb');
    expect(info(15)).toBe('Multicast Listener Query');
  });
  it('errors quote the IPv6 packet with an unverified inner checksum', () => {
    expect(info(10)).toBe('Packet Too Big');
    expect(f[10]!.value('icmpv6.mtu')).toBe('1280');
    expect(f[10]!.values('icmpv6.checksum.status')).toEqual(['1', '2']);
    expect(f[10]!.packet.protocols).toEqual(['eth', 'ethertype', 'ipv6', 'icmpv6', 'ipv6', 'icmpv6']);
    expect((f[10]!.packet.layers[3] as Icmpv6Layer).isError).toBe(true);
    expect(info(11)).toBe('Parameter Problem (unrecognized Next Header type encountered)');
    // nothing quoted at all: an exception in ICMPv6 itself
    expect(info(20)).toBe('Destination Unreachable (Error in Source Routing Header)[Malformed Packet]');
  });
  it('echo request/reply matching and a bad checksum', () => {
    expect(info(13)).toBe('Echo (ping) request id=0x1234, seq=7, hop limit=255');
    expect(info(14)).toBe('Echo (ping) reply id=0x1234, seq=7, hop limit=255 (request in 14)');
    expect(f[14]!.value('icmpv6.resp_to')).toBe('14');
    expect(f[18]!.value('icmpv6.checksum.status')).toBe('0');
    expect(f[18]!.packet.issues.find((i) => i.name === 'icmpv6.checksum_bad.expert')?.message).toBe('Bad checksum [should be 0xdade]');
  });
  it('unknown types and zero-length options', () => {
    expect(info(21)).toBe('Private experimentation');
    expect(f[21]!.value('icmpv6.data')).toBe('00000000');
    expect(f[22]!.packet.issues.find((i) => i.name === 'icmpv6.invalid_option_length')?.message).toBe('Invalid option length (Zero)');
  });
  it('code names per type', () => {
    const t = decodeFrames(fixtureFrames(ICMP6_TYPES));
    expect(t[0]!.packet.cols?.info).toBe('Destination Unreachable (no route to destination)');
    expect(t[8]!.packet.cols?.info).toBe('Destination Unreachable (Unknown)');
    expect(t[13]!.packet.cols?.info).toBe('Parameter Problem (Unknown (4))');
    expect(t[24]!.packet.malformed).toBe(true); // Home Agent reply with a partial address
  });
});

describe.skipIf(!haveTshark)('ICMPv6 vs tshark', () => {
  it('corpus and hand-built frames', async () => {
    const files = [
      ...corpus(
        'zeek__icmp6.pcap',
        'packets__ipv6_fragments.pcapng',
        'zeek__linux_dlt_sll2.pcap',
        'suricata-verify__tls-subjectaltname_input.pcap',
      ),
      fixturePcap('icmp6_nd', ICMP6_ND),
      fixturePcap('icmp6_types', ICMP6_TYPES),
      fixturePcap('frag6', FRAG6),
    ];
    const r = await oracle(files, [...LINK_FIELDS.filter((f) => f !== 'eth.padding'), ...IP6_FIELDS, ...ICMP6_FIELDS, ...ICMP_FIELDS, ...COLUMNS]);
    console.log(report('icmpv6', r));
    expect(r.unknown).toEqual([]);
  }, 300_000);
});
