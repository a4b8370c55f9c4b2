import { describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../src/decoders/linktypes.js';
import type { Ipv4Layer } from '../../src/decoders/ipv4.js';
import { FRAG4, IP4_EDGE, TRUNCATED } from './netlayer-fixtures.js';
import {
  COLUMNS,
  corpusFiles,
  decodeFrames,
  decodeHex,
  fixtureFrames,
  fixturePcap,
  haveTshark,
  IP4_FIELDS,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

const ETH = '001122334455 665544332211 0800';

describe('IPv4 header', () => {
  it('decodes every header field with tshark formats', () => {
    // 45 00 0038 491a 0000 ff 01 280e c0a86401 c0a8648a | 0b00 f4ff ...
    const d = decodeHex(`${ETH} 450000380001400040060000c0a86401c0a8648a` + '00'.repeat(36));
    expect(d.value('ip.version')).toBe('4');
    expect(d.value('ip.hdr_len')).toBe('20');
    expect(d.value('ip.dsfield')).toBe('0x00');
    expect(d.value('ip.len')).toBe('56');
    expect(d.value('ip.id')).toBe('0x0001');
    expect(d.value('ip.flags')).toBe('0x02');
    expect(d.value('ip.flags.df')).toBe('1');
    expect(d.value('ip.frag_offset')).toBe('0');
    expect(d.value('ip.ttl')).toBe('64');
    expect(d.value('ip.proto')).toBe('6');
    expect(d.value('ip.checksum.status')).toBe('2');
    expect(d.values('ip.addr')).toEqual(['192.168.100.1', '192.168.100.138']);
    expect(d.packet.cols).toMatchObject({ src: '192.168.100.1', dst: '192.168.100.138' });
    const l = d.packet.layers[2] as Ipv4Layer;
    expect([l.src >>> 0, l.dst >>> 0, l.protocol, l.hdrLen, l.totalLen, l.payloadOffset, l.payloadLength]).toEqual([
      0xc0a86401, 0xc0a8648a, 6, 20, 56, 34, 36,
    ]);
    // The trailing 2 bytes beyond the total length do not belong to IP.
    expect(l.length).toBe(56);
  });
  it('bogus lengths stop decoding without an exception', () => {
    const f = decodeFrames(fixtureFrames(IP4_EDGE));
    expect(f[0]!.packet.cols?.info).toBe('Bogus IP header length (16, must be at least 20)');
    expect(f[0]!.packet.malformed).toBe(false);
    expect(f[1]!.packet.cols?.info).toBe('Bogus IP length (10, less than header length 20)');
    expect(f[2]!.value('ip.len')).toBe('28'); // TSO: zero length taken from the frame
    expect(f[2]!.packet.protocols).toContain('udp');
  });
  it('options: Router Alert, NOP, EOL; unknown types; cut options are an exception', () => {
    const f = decodeFrames(fixtureFrames(IP4_EDGE));
    expect(f[3]!.values('ip.opt.type')).toEqual(['148', '1', '1', '1', '0']);
    expect(f[3]!.value('ip.opt.ra')).toBe('0');
    expect(f[3]!.packet.issues.map((i) => i.message)).toContain('IPv4 total length exceeds packet length (40 bytes)');
    // IHL 15 on a 56-byte datagram: no option is decoded
    expect(f[4]!.packet.malformed).toBe(true);
    expect(f[4]!.values('ip.opt.type')).toEqual([]);
    expect(f[7]!.values('ip.opt.type')).toEqual(['1']);
  });
  it('TTL and LNCB expert items; unknown protocols in Info', () => {
    const f = decodeFrames(fixtureFrames(IP4_EDGE));
    expect(f[5]!.packet.issues.some((i) => i.name === 'ip.ttl.lncb')).toBe(true);
    expect(f[6]!.packet.cols?.info).toBe('Unknown (253)');
    expect(f[8]!.packet.issues.map((i) => i.message)).toContain('"Time To Live" only 3');
  });
  it('hostile: IHL 15 with 20 captured bytes, version 6 in an IPv4 EtherType, empty frame', () => {
    const d = decodeHex(`${ETH} 4f00003c000100004006000001020304 05060708`);
    expect(d.packet.malformed).toBe(true);
    expect(d.value('ip.src')).toBe('1.2.3.4');
    expect(d.values('ip.opt.type')).toEqual([]);
    const bogus = decodeHex(`${ETH} 4f000014000100004006000001020304 05060708`);
    expect(bogus.packet.cols?.info).toBe('Bogus IP length (20, less than header length 60)');
    const v6 = decodeHex(`${ETH} 6000000000003b40` + '00'.repeat(32));
    expect(v6.packet.protocols).toEqual(['eth', 'ethertype', 'ip', 'ipv6']);
    expect(v6.packet.cols?.protocol).toBe('IPv6');
    const oneByte = decodeHex('45', { linkType: LINKTYPE.IPV4 });
    expect(oneByte.packet.protocols).toEqual(['ip']);
    expect(oneByte.packet.malformed).toBe(true);
    expect(oneByte.packet.cols?.info).toBe('[Malformed Packet]');
  });
  it('snaplen-cut headers are short, with the fields before the cut', () => {
    const t = decodeFrames(fixtureFrames(TRUNCATED));
    expect(t[0]!.packet.short).toBe(true);
    expect(t[0]!.value('ip.len')).toBe('40');
    expect(t[0]!.value('ip.src')).toBeUndefined();
    expect(t[0]!.packet.cols).toMatchObject({ protocol: 'IPv4', info: '[Packet size limited during capture]' });
    expect(t[12]!.packet.cols?.info).toBe('Bogus IP length (40, less than header length 60)');
  });
});

describe('IPv4 fragments', () => {
  const f = decodeFrames(fixtureFrames(FRAG4));
  it('reassembles out-of-order fragments on the frame that completes them', () => {
    expect(f[0]!.packet.cols?.info).toBe('Fragmented IP protocol (proto=ICMP 1, off=1600, ID=1111)');
    expect(f[0]!.packet.protocols).toEqual(['eth', 'ethertype', 'ip', 'data']);
    expect(f[2]!.values('ip.fragment')).toEqual(['3', '2', '1']);
    expect(f[2]!.value('ip.reassembled.length')).toBe('2056');
    expect(f[2]!.packet.cols?.info).toBe('Echo (ping) request  id=0x0001, seq=1/256, ttl=64');
    expect((f[2]!.packet.layers[2] as Ipv4Layer).reassembled).toBe(true);
  });
  it('duplicates are listed; a fragment after completion starts a new datagram', () => {
    expect(f[6]!.values('ip.fragment')).toEqual(['4', '5', '6', '7']);
    expect(f[7]!.packet.cols?.info).toBe('Fragmented IP protocol (proto=ICMP 1, off=1600, ID=2222)');
  });
  it('overlaps, other protocols, a lone first fragment, an empty fragment', () => {
    expect(f[9]!.value('ip.reassembled.length')).toBe('2056');
    expect(f[11]!.packet.protocols).toContain('udp');
    expect(f[13]!.packet.cols?.info).toBe('Unknown (253)');
    expect(f[15]!.packet.cols?.info).toBe('Fragmented IP protocol (proto=ICMP 1, off=0, ID=8888)');
    expect(f[16]!.packet.protocols).toEqual(['eth', 'ethertype', 'ip']);
  });
});

describe.skipIf(!haveTshark)('IPv4 vs tshark', () => {
  it('all corpus captures and hand-built frames', async () => {
    // Two pcapng files list non-packet blocks as frames in tshark 4.0 (rows would not align).
    const files = [
      ...corpusFiles().filter((f) => !/gopacket__(be-test202|le-test102)\.pcapng$/.test(f)),
      fixturePcap('ip4_edge', IP4_EDGE),
      fixturePcap('frag4', FRAG4),
      fixturePcap('truncated', TRUNCATED),
    ];
    const r = await oracle(files, [...LINK_FIELDS.filter((f) => f !== 'eth.padding'), ...IP4_FIELDS, ...COLUMNS]);
    console.log(report('ipv4', r));
    expect(r.unknown).toEqual([]);
  }, 600_000);
});
