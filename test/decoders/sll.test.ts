import { describe, expect, it } from 'vitest';
import type { SllLayer } from '../../src/decoders/sll.js';
import { SLL2_EDGE, SLL_EDGE } from './netlayer-fixtures.js';
import {
  ARP_FIELDS,
  COLUMNS,
  corpus,
  decodeFrames,
  fixtureFrames,
  fixturePcap,
  haveTshark,
  IP4_FIELDS,
  IP6_FIELDS,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

describe('Linux cooked capture v1', () => {
  const f = decodeFrames(fixtureFrames(SLL_EDGE));
  it('decodes the header with the Ethernet source', () => {
    // 0000 0001 0006 001122334455 0000 0800 | IPv4, total length 32 (the last 4 bytes included)
    const d = f[0]!;
    expect(d.value('sll.pkttype')).toBe('0');
    expect(d.value('sll.hatype')).toBe('1');
    expect(d.value('sll.halen')).toBe('6');
    expect(d.value('sll.src.eth')).toBe('00:11:22:33:44:55');
    expect(d.value('sll.unused')).toBe('0000');
    expect(d.value('sll.etype')).toBe('0x0800');
    expect(d.value('sll.trailer')).toBeUndefined();
    expect(d.packet.protocols).toEqual(['sll', 'ethertype', 'ip', 'udp']);
    const l = d.packet.layers[1] as SllLayer;
    expect([l.version, l.haType, l.haLen, l.protocol]).toEqual([1, 1, 6, 0x0800]);
  });
  it('address lengths 4, 8 and 10', () => {
    expect(f[1]!.value('sll.src.ipv4')).toBe('10.0.0.1');
    expect(f[2]!.value('sll.src.other')).toBe('0102030405060708');
    expect(f[2]!.value('sll.unused')).toBeUndefined();
    expect(f[3]!.value('sll.src.other')).toBe('0102030405060708');
  });
  it('Linux protocol types: 802.2 goes to LLC', () => {
    expect(f[4]!.value('sll.ltype')).toBe('0x0004');
    expect(f[4]!.packet.protocols.slice(0, 2)).toEqual(['sll', 'llc']);
  });
  it('unknown EtherTypes set the Protocol column to the number', () => {
    expect(f[5]!.packet.cols?.protocol).toBe('0x1234');
    expect(f[5]!.packet.cols?.info).toBe('Unicast to us');
    expect(f[5]!.packet.cols?.src).toBe('00:11:22:33:44:55');
  });
  it('GRE hardware type uses sll.gretype and no ethertype layer', () => {
    expect(f[6]!.value('sll.gretype')).toBe('0x0800');
    expect(f[6]!.packet.protocols).toEqual(['sll', 'ip', 'udp']);
  });
  it('a 1-byte frame is malformed, still an sll layer', () => {
    expect(f[7]!.packet.malformed).toBe(true);
    expect(f[7]!.packet.protocols).toEqual(['sll']);
  });
});

describe('Linux cooked capture v2', () => {
  const f = decodeFrames(fixtureFrames(SLL2_EDGE));
  it('decodes the 20-byte header', () => {
    const d = f[0]!;
    expect(d.value('sll.etype')).toBe('0x0800');
    expect(d.value('sll.ifindex')).toBe('3');
    expect(d.value('sll.pkttype')).toBe('4');
    expect(d.value('sll.src.eth')).toBe('00:11:22:33:44:55');
    expect(d.packet.cols?.info).toBe('');
  });
  it('ARP with a trailer: Source column is the cooked source, no destination', () => {
    const d = f[1]!;
    expect(d.value('sll.trailer')).toBe('0000');
    expect(d.packet.cols).toMatchObject({ src: '00:11:22:33:44:55', dst: '', protocol: 'ARP', info: '192.168.0.1 is at 00:11:22:33:44:55' });
  });
});

describe.skipIf(!haveTshark)('SLL vs tshark', () => {
  it('corpus and hand-built frames', async () => {
    const files = [
      ...corpus(
        'zeek__linuxsll-arp.pcap',
        'zeek__linux_dlt_sll2.pcap',
        'suricata-verify__decode-sll2-01_input.pcap',
        'gopacket__linux_sll_oversized_addr.pcapng',
        'tcpdump__tcp-handshake-nano.pcap',
        'tcpdump__timestamp_invalid_nano.pcap',
      ),
      fixturePcap('sll_edge', SLL_EDGE),
      fixturePcap('sll2_edge', SLL2_EDGE),
    ];
    const r = await oracle(files, [...LINK_FIELDS, ...ARP_FIELDS, ...IP4_FIELDS, ...IP6_FIELDS, ...COLUMNS]);
    console.log(report('sll', r));
    expect(r.unknown).toEqual([]);
  }, 300_000);
});
