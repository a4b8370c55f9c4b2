import { describe, expect, it } from 'vitest';
import { LINKTYPE, linkTypeName, wtapEncap } from '../../src/decoders/linktypes.js';
import type { NullLayer } from '../../src/decoders/loopback.js';
import { LOOP_EDGE, NULL_EDGE, RAW_EDGE } from './netlayer-fixtures.js';
import {
  COLUMNS,
  corpus,
  decodeFrames,
  decodeHex,
  fixtureFrames,
  fixturePcap,
  haveTshark,
  IP4_FIELDS,
  IP6_FIELDS,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

describe('link types', () => {
  it('names and Wireshark encapsulations', () => {
    expect(LINKTYPE.LINUX_SLL2).toBe(276);
    expect(linkTypeName(113)).toBe('Linux cooked-mode capture v1');
    expect(wtapEncap(0)).toBe(15);
    expect(wtapEncap(101)).toBe(7);
    expect(linkTypeName(9999)).toBe('Unknown (9999)');
  });
});

describe('BSD null / OpenBSD loop', () => {
  const frames = decodeFrames(fixtureFrames(NULL_EDGE));
  it('detects the byte order of the family like Wireshark', () => {
    // 02000000 (little-endian host), 00000002 (big-endian host), 00020000 (IRIX), 00000800 (Linux EtherType)
    expect(frames.slice(0, 3).map((f) => f.value('null.family'))).toEqual(['2', '2', '2']);
    expect(frames[3]!.value('null.family')).toBeUndefined();
    expect(frames[3]!.value('null.type')).toBe('0x0800');
    expect(frames[4]!.value('null.family')).toBe('30');
    expect(frames[4]!.packet.protocols).toEqual(['null', 'ipv6', 'icmpv6']);
    expect((frames[0]!.packet.layers[1] as NullLayer).family).toBe(2);
  });
  it('unknown families go to data with N/A columns', () => {
    const f = frames[5]!;
    expect(f.packet.protocols).toEqual(['null', 'data']);
    expect(f.packet.cols).toMatchObject({ src: 'N/A', dst: 'N/A', protocol: 'N/A', info: 'Null/Loopback' });
  });
  it('a cut header is malformed but still a null layer', () => {
    const f = frames[6]!;
    expect(f.packet.malformed).toBe(true);
    expect(f.packet.protocols).toEqual(['null']);
    expect(f.packet.cols?.info).toBe('Null/Loopback[Malformed Packet]');
  });
  it('loop reads the family big-endian', () => {
    const lf = decodeFrames(fixtureFrames(LOOP_EDGE));
    expect(lf.map((f) => f.value('null.family'))).toEqual(['2', '30', '99']);
    expect(lf[2]!.packet.cols?.protocol).toBe('N/A');
  });
});

describe('raw IP', () => {
  it('picks IPv4 / IPv6 by the version nibble and keeps the raw layer', () => {
    const v4 = decodeHex('45000014000100004001000001020304 05060708', { linkType: LINKTYPE.RAW });
    expect(v4.packet.protocols.slice(0, 2)).toEqual(['raw', 'ip']);
    expect(v4.value('raw')).toBe('Raw packet data');
    const bogus = decodeFrames(fixtureFrames(RAW_EDGE))[0]!;
    expect(bogus.packet.protocols).toEqual(['raw', 'data']);
    expect(bogus.packet.cols?.info).toBe('Raw packet data');
  });
  it('frames too short for the PPP checks are malformed in raw itself', () => {
    const f = decodeFrames(fixtureFrames(RAW_EDGE));
    expect(f[1]!.packet.malformed).toBe(true);
    expect(f[1]!.packet.protocols).toEqual(['raw']);
    expect(f[4]!.packet.malformed).toBe(true);
  });
  it('LINKTYPE_IPV4 / IPV6 go straight to IP', () => {
    const v4 = decodeHex('45000014000100004001000001020304 05060708', { linkType: LINKTYPE.IPV4 });
    expect(v4.packet.protocols).toEqual(['ip']);
    const v6 = decodeHex('6000000000003b40' + '00'.repeat(32), { linkType: LINKTYPE.IPV6 });
    expect(v6.packet.protocols).toEqual(['ipv6']);
  });
});

describe.skipIf(!haveTshark)('null/loop/raw vs tshark', () => {
  it('corpus and hand-built frames', async () => {
    const files = [
      ...corpus(
        'gopacket__test_loopback.pcap',
        'suricata-verify__http-range-multiflows_input.pcap',
        'suricata-verify__tcp-opt.pcap',
        'tcpdump__LINKTYPE_RAW_ipv4.pcap',
        'tcpdump__LINKTYPE_RAW_ipv6.pcap',
        'tcpdump__LINKTYPE_IPV4.pcap',
      ),
      fixturePcap('null_edge', NULL_EDGE),
      fixturePcap('loop_edge', LOOP_EDGE),
      fixturePcap('raw_edge', RAW_EDGE),
    ];
    const r = await oracle(files, [...LINK_FIELDS, ...IP4_FIELDS, ...IP6_FIELDS, ...COLUMNS]);
    console.log(report('null/loop/raw', r));
    expect(r.unknown).toEqual([]);
  }, 300_000);
});
