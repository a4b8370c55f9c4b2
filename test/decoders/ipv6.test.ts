import { describe, expect, it } from 'vitest';
import type { Ipv6Layer } from '../../src/decoders/ipv6.js';
import { FRAG6, IP6_EDGE, TRUNCATED } from './netlayer-fixtures.js';
import {
  COLUMNS,
  corpus,
  decodeFrames,
  decodeHex,
  fixtureFrames,
  fixturePcap,
  haveTshark,
  ICMP6_FIELDS,
  IP6_FIELDS,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

const ETH = '333300000016 001122334455 86dd';
const SRC = 'fe800000000000000000000000000001';
const DST = 'ff020000000000000000000000000016';

describe('IPv6 header and extension headers', () => {
  const f = decodeFrames(fixtureFrames(IP6_EDGE));
  it('decodes the fixed header with tshark formats', () => {
    const d = f[0]!;
    expect(d.value('ipv6.version')).toBe('6');
    expect(d.value('ip.version')).toBe('6');
    expect(d.value('ipv6.tclass')).toBe('0x00000000');
    expect(d.value('ipv6.flow')).toBe('0x000000');
    expect(d.value('ipv6.plen')).toBe('36');
    expect(d.value('ipv6.nxt')).toBe('0');
    expect(d.value('ipv6.hlim')).toBe('1');
    expect(d.values('ipv6.addr')).toEqual(['fe80::1', 'ff02::16']);
  });
  it('hop-by-hop Router Alert, then the upper layer', () => {
    const d = f[0]!;
    expect(d.values('ipv6.opt.type')).toEqual(['0x05', '0x01']);
    expect(d.value('ipv6.opt.router_alert')).toBe('0');
    expect(d.packet.protocols).toEqual(['eth', 'ethertype', 'ipv6', 'ipv6.hopopts', 'icmpv6']);
    const l = d.packet.layers[2] as Ipv6Layer;
    expect([l.nextHeader, l.payloadOffset, l.payloadLength, l.hopLimit]).toEqual([58, 62, 28, 1]);
  });
  it('a chain ending in an exception; a second hop-by-hop header', () => {
    expect(f[1]!.packet.cols?.info).toBe('IPv6 hop-by-hop options , IPv6 routing , IPv6 destination options[Malformed Packet]');
    expect(f[1]!.packet.cols?.dst).toBe('ff02::16');
    expect(f[2]!.packet.issues.map((i) => i.name)).toContain('ipv6.hopopts.not_first');
    // Pad1 at the very end: Wireshark reads a length byte after it, which is missing
    expect(f[2]!.packet.malformed).toBe(true);
  });
  it('a lone non-first fragment, payload length past the frame, no next header', () => {
    expect(f[3]!.packet.cols?.info).toBe('IPv6 fragment (off=184 more=y ident=0x12345678 nxt=58)');
    expect(f[3]!.value('ipv6.fraghdr.offset')).toBe('23');
    expect((f[3]!.packet.layers[2] as Ipv6Layer).fragment).toEqual({ offset: 184, more: true, id: 0x12345678 });
    expect(f[4]!.packet.issues.map((i) => i.message)).toContain('IPv6 payload length exceeds framing length (8 bytes)');
    expect(f[5]!.packet.cols?.info).toBe('IPv6 no next header');
  });
  it('hostile: extension-header loop and huge lengths stay bounded', () => {
    // 40 hop-by-hop headers pointing at each other, then the frame ends
    const loop = '0000000000000000'.repeat(40);
    const d = decodeHex(`${ETH} 6000000001400040 ${SRC} ${DST} ${loop}`);
    expect(d.packet.protocols.filter((p) => p === 'ipv6.hopopts').length).toBeLessThanOrEqual(33);
    const big = decodeHex(`${ETH} 6000000000083c40 ${SRC} ${DST} 3aff000000000000`);
    expect(big.packet.malformed).toBe(true);
    const cut = decodeFrames(fixtureFrames(TRUNCATED))[5]!;
    expect(cut.packet.short).toBe(true);
    expect(cut.value('ipv6.plen')).toBe('20');
  });
});

describe('IPv6 fragments', () => {
  const f = decodeFrames(fixtureFrames(FRAG6));
  it('reassembles out of order, and extension headers after the fragment header', () => {
    expect(f[0]!.packet.cols?.info).toBe('IPv6 fragment (off=1000 more=n ident=0x0000aaaa nxt=58)');
    expect(f[1]!.values('ipv6.fragment')).toEqual(['2', '1']);
    expect(f[1]!.value('ipv6.reassembled.length')).toBe('1544');
    expect(f[1]!.packet.cols?.info).toBe('Echo (ping) request id=0x0005, seq=5, hop limit=64');
    expect(f[3]!.packet.protocols).toEqual(['eth', 'ethertype', 'ipv6', 'ipv6.fraghdr', 'ipv6.dstopts', 'icmpv6', 'data']);
  });
  it('routing header sets the destination column; unknown next header', () => {
    expect(f[6]!.packet.cols?.dst).toBe('2001:db8::ff');
    expect(f[9]!.packet.cols?.info).toBe('Unknown IP Protocol: Unknown (253)');
  });
});

describe.skipIf(!haveTshark)('IPv6 vs tshark', () => {
  it('corpus and hand-built frames', async () => {
    const files = [
      ...corpus(
        'packets__ipv6_fragments.pcapng',
        'zeek__ipv6-fragmented-dns.pcap',
        'zeek__icmp6.pcap',
        'zeek__1000-requests-one-dropped-response.pcap.gz',
        'gopacket__test_loopback.pcap',
        'tcpdump__LINKTYPE_RAW_ipv6.pcap',
        'zeek__linux_dlt_sll2.pcap',
        'suricata-verify__tls-subjectaltname_input.pcap',
        'tcpreplay__test.pcap',
      ),
      fixturePcap('ip6_edge', IP6_EDGE),
      fixturePcap('frag6', FRAG6),
    ];
    const r = await oracle(files, [...LINK_FIELDS.filter((f) => f !== 'eth.padding'), ...IP6_FIELDS, ...ICMP6_FIELDS, ...COLUMNS]);
    console.log(report('ipv6', r));
    expect(r.unknown).toEqual([]);
  }, 600_000);
});
