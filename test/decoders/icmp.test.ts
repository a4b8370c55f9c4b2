import { describe, expect, it } from 'vitest';
import type { IcmpLayer } from '../../src/decoders/icmp.js';
import type { Ipv4Layer } from '../../src/decoders/ipv4.js';
import { FRAG4, TRUNCATED } from './netlayer-fixtures.js';
import {
  COLUMNS,
  corpus,
  decodeFrames,
  decodeHex,
  fixChecksum,
  fixtureFrames,
  fixturePcap,
  frameFromHex,
  haveTshark,
  ICMP_FIELDS,
  IP4_FIELDS,
  LINK_FIELDS,
  oracle,
  report,
} from './netlayer-helpers.js';

const ETH = '001122334455 665544332211 0800';

/** An IPv4 + ICMP frame with a correct ICMP checksum. */
function icmpFrame(icmpHex: string, ttl = 64, src = '0a000001', dst = '0a000002', n = 1, sec = 1000) {
  const icmpLen = icmpHex.replace(/\s/g, '').length / 2;
  const ip = `4500${(20 + icmpLen).toString(16).padStart(4, '0')}00010000${ttl.toString(16).padStart(2, '0')}010000${src}${dst}`;
  const f = frameFromHex(`${ETH} ${ip} ${icmpHex}`, { number: n, tsSec: sec });
  fixChecksum(f.data, 34, icmpLen, 36);
  return f;
}

describe('ICMP', () => {
  it('echo request/reply: fields, Info, and the reply matched to its request', () => {
    const req = icmpFrame('0800 0000 1234 0001 6162636465666768', 64, '0a000001', '0a000002', 1, 1000);
    const rep = icmpFrame('0000 0000 1234 0001 6162636465666768', 57, '0a000002', '0a000001', 2, 1000);
    rep.tsNsec = 2_500_000;
    const [a, b] = decodeFrames([req, rep]);
    expect(a!.packet.cols?.info).toBe('Echo (ping) request  id=0x1234, seq=1/256, ttl=64');
    expect(a!.value('icmp.checksum.status')).toBe('1');
    expect([a!.value('icmp.ident'), a!.value('icmp.ident_le'), a!.value('icmp.seq'), a!.value('icmp.seq_le')]).toEqual(['4660', '13330', '1', '256']);
    // single pass: the request never learns about its reply
    expect(a!.value('icmp.resp_in')).toBeUndefined();
    expect(b!.packet.cols?.info).toBe('Echo (ping) reply    id=0x1234, seq=1/256, ttl=57 (request in 1)');
    expect(b!.value('icmp.resp_to')).toBe('1');
    expect(b!.value('icmp.resptime')).toBe('2.5');
    const l = b!.packet.layers[3] as IcmpLayer;
    expect([l.type, l.code, l.ident, l.seq, l.isError]).toEqual([0, 0, 0x1234, 1, false]);
  });
  it('bad checksum', () => {
    const f = icmpFrame('0800 0000 0001 0001');
    f.data[36] ^= 0xff;
    const d = decodeFrames([f])[0]!;
    expect(d.value('icmp.checksum.status')).toBe('0');
    expect(d.packet.issues.find((i) => i.name === 'icmp.checksum_bad')?.message).toMatch(/^Bad checksum \[should be 0x[0-9a-f]{4}\]$/);
  });
  it('errors quote the IP header and first bytes, nested, with columns untouched', () => {
    const quoted = '4500001c00010000011100000a0000020a000009 0035003500080000';
    const d = decodeFrames([icmpFrame(`0303 0000 00000000 ${quoted}`, 64, '0a000009', '0a000002')])[0]!;
    expect(d.packet.cols).toMatchObject({ src: '10.0.0.9', dst: '10.0.0.2', protocol: 'ICMP', info: 'Destination unreachable (Port unreachable)' });
    expect(d.values('ip.src')).toEqual(['10.0.0.9', '10.0.0.2']);
    expect(d.packet.protocols).toEqual(['eth', 'ethertype', 'ip', 'icmp', 'ip', 'udp']);
    const inner = d.packet.layers.filter((l) => l.proto === 'ip') as Ipv4Layer[];
    expect(inner.map((l) => l.errorDepth)).toEqual([0, 1]);
    expect(d.packet.issues.some((i) => i.message.startsWith('IPv4 total length exceeds'))).toBe(false);
  });
  it('RFC 4884 length pointing past the packet is malformed, after the quoted packet', () => {
    // traceroute-style: Time exceeded with length 93 words but a short payload (148 bytes)
    const quoted = '4500005c00010000010100000a0000010a000002 0800f7ff00000000' + '00'.repeat(64);
    const d = decodeFrames([icmpFrame(`0b00 0000 ff5d0000 ${quoted}` + '00'.repeat(50))])[0]!;
    expect(d.packet.malformed).toBe(true);
    expect(d.packet.cols?.info).toBe('Time-to-live exceeded (Time to live exceeded in transit)[Malformed Packet]');
    expect(d.value('icmp.length.original_datagram')).toBe('372');
  });
  it('other message types', () => {
    const f = decodeFrames(fixtureFrames(FRAG4));
    expect(f[18]!.packet.cols?.info).toBe('Timestamp request    id=0x0005, seq=1/256, ttl=64');
    expect(f[20]!.value('icmp.redir_gw')).toBe('10.0.0.3');
    expect(f[23]!.packet.cols?.info).toBe('Mobile IP Advertisement (Normal router advertisement)');
    expect(f[24]!.packet.cols?.info).toBe('Echo (ping) request  id=0x0007, seq=7/1792, ttl=64');
    expect(f[26]!.value('icmp.mtu')).toBe('1500');
    expect(f[27]!.packet.cols?.info).toBe('Unknown ICMP (obsolete or malformed?)');
  });
  it('short and hostile input', () => {
    const t = decodeFrames(fixtureFrames(TRUNCATED));
    expect(t[2]!.packet.short).toBe(true);
    expect(t[2]!.packet.protocols).toContain('icmp');
    // ICMP error quoting an ICMP error quoting ... stays bounded
    let inner = '0800f7ff00000000';
    for (let i = 0; i < 12; i++) {
      const ipLen = 20 + inner.length / 2;
      inner = `0301 0000 00000000 4500${ipLen.toString(16).padStart(4, '0')}00010000400100000a0000010a000002 ${inner}`.replace(/\s/g, '');
    }
    const d = decodeHex(`${ETH} 4500${(20 + inner.length / 2).toString(16).padStart(4, '0')}00010000400100000a0000010a000002 ${inner}`);
    expect(d.packet.layers.filter((l) => l.proto === 'icmp').length).toBeLessThanOrEqual(6);
  });
});

describe.skipIf(!haveTshark)('ICMP vs tshark', () => {
  it('corpus and hand-built frames', async () => {
    const files = [
      ...corpus(
        'packets__icmp_traceroute.pcapng',
        'packets__ip_frag_source.pcapng',
        'dpkt__dns_icmp.pcap',
        'zeek__icmp-destunreach-udp.pcap',
        'zeek__smtp.pcap',
        'zeek__icmp_dot1q.pcap',
        'zeek__linux_dlt_sll2.pcap',
        'tcpreplay__test.pcap',
        'zeek__fragmented-3.pcap',
      ),
      fixturePcap('frag4', FRAG4),
      fixturePcap('truncated', TRUNCATED),
    ];
    const r = await oracle(files, [...LINK_FIELDS.filter((f) => f !== 'eth.padding'), ...IP4_FIELDS, ...ICMP_FIELDS, ...COLUMNS]);
    console.log(report('icmp', r));
    expect(r.unknown).toEqual([]);
  }, 300_000);
});
