import { describe, expect, it } from 'vitest';
import type { ArpLayer } from '../../src/decoders/arp.js';
import { ARP_EDGE, TRUNCATED } from './netlayer-fixtures.js';
import {
  ARP_FIELDS,
  COLUMNS,
  corpus,
  decodeFrames,
  fixtureFrames,
  fixturePcap,
  haveTshark,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

describe('ARP', () => {
  const f = decodeFrames(fixtureFrames(ARP_EDGE));
  const info = (i: number) => f[i]!.packet.cols?.info;
  it('request and reply', () => {
    // ffffffffffff 001122334455 0806 | 0001 0800 06 04 0001 001122334455 0a000001 000000000000 0a000002
    const d = f[0]!;
    expect(info(0)).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
    expect(d.packet.cols?.protocol).toBe('ARP');
    expect([d.value('arp.hw.type'), d.value('arp.proto.type'), d.value('arp.hw.size'), d.value('arp.proto.size'), d.value('arp.opcode')]).toEqual([
      '1',
      '0x0800',
      '6',
      '4',
      '1',
    ]);
    expect(d.value('arp.src.hw_mac')).toBe('00:11:22:33:44:55');
    expect(d.value('arp.dst.proto_ipv4')).toBe('10.0.0.2');
    const l = d.packet.layers[2] as ArpLayer;
    expect([l.opcode, l.hwLen, l.protoLen, l.senderProtoOffset]).toEqual([1, 6, 4, 28]);
    expect(info(1)).toBe('10.0.0.2 is at 00:aa:bb:cc:dd:ee');
  });
  it('announcement, gratuitous, probe', () => {
    expect(info(2)).toBe('ARP Announcement for 10.0.0.1');
    expect(f[2]!.value('arp.isannouncement')).toBe('1');
    expect(f[2]!.value('arp.isgratuitous')).toBe('1');
    expect(info(3)).toBe('Gratuitous ARP for 10.0.0.1 (Request)');
    expect(info(4)).toBe('Gratuitous ARP for 10.0.0.1 (Reply)');
    expect(info(5)).toBe('Who has 10.0.0.9? (ARP Probe)');
    expect(f[5]!.value('arp.isprobe')).toBe('1');
  });
  it('RARP, InARP, unknown opcodes', () => {
    expect(f[6]!.packet.cols?.protocol).toBe('RARP');
    expect(info(6)).toBe('Who is 00:11:22:33:44:55? Tell 00:11:22:33:44:55');
    expect(info(7)).toBe('00:11:22:33:44:55 is at 10.0.0.5');
    expect(f[9]!.packet.cols?.protocol).toBe('Inverse ARP');
    expect(info(10)).toBe('Unknown ARP opcode 0x0063');
  });
  it('a second MAC for an address is a duplicate', () => {
    // frame 2 bound 10.0.0.2 to 00:aa:bb:cc:dd:ee; frame 9 claims it for 00:ff:ee:dd:cc:bb. As in
    // Wireshark, the (clean) target check that follows resets the flag the Info text uses.
    expect(info(8)).toBe('10.0.0.2 is at 00:ff:ee:dd:cc:bb');
    expect(f[8]!.value('arp.duplicate-address-frame')).toBe('2');
    expect(f[8]!.packet.issues.map((i) => i.name)).toContain('arp.duplicate-address-detected');
  });
  it('other hardware address sizes use the byte fields', () => {
    expect(f[12]!.value('arp.src.hw')).toBe('00112233');
    expect(f[12]!.value('arp.src.hw_mac')).toBeUndefined();
  });
  it('a cut header keeps the fields before the cut', () => {
    const t = decodeFrames(fixtureFrames(TRUNCATED));
    const d = t[9]!; // 20 of 42 bytes captured
    expect(d.packet.short).toBe(true);
    expect(d.value('arp.proto.size')).toBe('4');
    expect(d.value('arp.opcode')).toBeUndefined();
    expect(d.packet.cols?.info).toBe('[Packet size limited during capture]');
  });
});

describe.skipIf(!haveTshark)('ARP vs tshark', () => {
  it('corpus and hand-built frames', async () => {
    const files = [
      ...corpus('packets__arppoison.pcapng', 'node-pcap-parser__be.pcap', 'zeek__linuxsll-arp.pcap', 'zeek__icmp_dot1q.pcap', 'tcpreplay__test.pcap'),
      fixturePcap('arp_edge', ARP_EDGE),
    ];
    const r = await oracle(files, [...LINK_FIELDS, ...ARP_FIELDS, ...COLUMNS]);
    console.log(report('arp', r));
    expect(r.unknown).toEqual([]);
  }, 300_000);
});
