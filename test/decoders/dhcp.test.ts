import { describe, expect, it } from 'vitest';
import { FullTree, walk } from '../../src/decoders/core/tree.js';
import { nodeLine } from '../../src/decoders/core/format.js';
import type { DhcpLayer } from '../../src/decoders/dhcp.js';
import { buildRegistry, compareInfo, compareWithTshark, corpusFiles, dissect, frameOf, haveTshark, hexBytes, Session, summarize } from './app-helpers.js';

/** Ethernet/IPv4/UDP 68→67 around a BOOTP message. */
function dhcpFrame(payload: Uint8Array, sport = 68, dport = 67): Uint8Array {
  const b = new Uint8Array(42 + payload.length);
  b.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x0b, 0x82, 0x01, 0xfc, 0x42, 8, 0]);
  const ipLen = 28 + payload.length;
  b.set([0x45, 0, ipLen >> 8, ipLen & 255, 0, 1, 0, 0, 64, 17, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255], 14);
  const ul = 8 + payload.length;
  b.set([sport >> 8, sport & 255, dport >> 8, dport & 255, ul >> 8, ul & 255, 0, 0], 34);
  b.set(payload, 42);
  return b;
}

function bootp(options: string, op = 1): Uint8Array {
  const head = hexBytes(`0${op}01 0600 0000 3d1d 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 000b 8201 fc42`);
  const msg = new Uint8Array(236 + 4);
  msg.set(head);
  msg.set([0x63, 0x82, 0x53, 0x63], 236);
  const opts = hexBytes(options);
  const out = new Uint8Array(msg.length + opts.length);
  out.set(msg);
  out.set(opts, msg.length);
  return out;
}

function run(frames: Uint8Array[], origLen?: number) {
  const session = new Session(buildRegistry());
  return frames.map((d, i) => {
    const tree = new FullTree();
    const packet = dissect(frameOf(d, i + 1, origLen ? { origLen } : {}), session, { tree, columns: true });
    const lines = [...walk(tree.roots)].map((n) => `${n.def.name}=${nodeLine(n)}`);
    return { packet, lines, dhcp: packet.layers.find((l) => l.proto === 'dhcp') as DhcpLayer | undefined };
  });
}

describe('dhcp decoder', () => {
  it('decodes a Discover with its options', () => {
    // 53=Discover, 50=192.168.0.10, 12="host", 55=[1,3,6,42], 51=3600s, end, pad
    const [r] = run([dhcpFrame(bootp('350101 3204c0a8000a 0c04686f7374 370401 03062a 33040000 0e10 ff 0000'))]);
    expect(r!.packet.cols?.info).toBe('DHCP Discover - Transaction ID 0x3d1d');
    expect(r!.packet.cols?.protocol).toBe('DHCP');
    expect(r!.dhcp).toMatchObject({ op: 1, xid: 0x3d1d, messageType: 1, macOffset: 70 });
    expect(r!.lines).toContain('dhcp=Dynamic Host Configuration Protocol (Discover)');
    expect(r!.lines).toContain('dhcp.option.type=Option: (53) DHCP Message Type (Discover)');
    expect(r!.lines).toContain('dhcp.option.type=Option: (50) Requested IP Address (192.168.0.10)');
    expect(r!.lines).toContain('dhcp.option.hostname=Host Name: host');
    expect(r!.lines).toContain('dhcp.option.request_list_item=Parameter Request List Item: (42) Network Time Protocol Servers');
    expect(r!.lines).toContain('dhcp.option.ip_address_lease_time=IP Address Lease Time: (3600s) 1 hour');
    expect(r!.lines).toContain('dhcp.option.type=Option: (255) End');
    expect(r!.lines).toContain('dhcp.server=Server host name not given');
  });
  it('pads the message type name like tshark', () => {
    const [r] = run([dhcpFrame(bootp('350105 ff', 2), 67, 68)]);
    expect(r!.packet.cols?.info).toBe('DHCP ACK      - Transaction ID 0x3d1d');
  });
  it('keeps the BOOTP Info when the capture stops before the options', () => {
    const full = dhcpFrame(bootp('350101 ff'));
    const [r] = run([full.subarray(0, 96)], full.length);
    expect(r!.packet.cols?.info).toBe('Boot Request from 00:0b:82:01:fc:42 (00:0b:82:01:fc:42)[Packet size limited during capture]');
    expect(r!.packet.short).toBe(true);
  });
  it('marks an option running past the message as malformed', () => {
    const [r] = run([dhcpFrame(bootp('350101 0c20 6162'))]);
    expect(r!.packet.malformed).toBe(true);
  });
});

const FIELDS = ['dhcp.option.dhcp', 'dhcp.type', 'dhcp.id', 'dhcp.hw.mac_addr', 'dhcp.ip.your', 'dhcp.option.type', 'dhcp.option.length', 'dhcp.option.requested_ip_address', 'dhcp.option.hostname', 'dhcp.option.request_list_item', 'dhcp.option.dhcp_server_id', 'dhcp.option.subnet_mask', 'dhcp.option.router', 'dhcp.option.domain_name_server', 'dhcp.option.ip_address_lease_time', 'dhcp.option.end', 'dhcp.flags', 'dhcp.secs', 'dhcp.cookie', 'dhcp.server', 'dhcp.file'];

describe.runIf(haveTshark())('dhcp oracle (tshark 4.0)', () => {
  const files = corpusFiles(['dhcp']);
  it('fields match tshark on the corpus', () => {
    const s = summarize(files.map((f) => compareWithTshark(f, FIELDS)));
    console.log(`dhcp oracle: ${s.equal}/${s.cells} cells equal`);
    for (const m of s.mismatches.slice(0, 40)) console.log(m);
    expect(s.cells).toBeGreaterThan(0);
    expect(s.mismatches).toEqual([]);
  }, 60_000);
  it('Info column matches tshark on DHCP frames', () => {
    const s = summarize(files.map((f) => compareInfo(f, new Set(['DHCP', 'BOOTP']))));
    console.log(`dhcp Info: ${s.equal}/${s.cells} equal`);
    for (const m of s.mismatches.slice(0, 40)) console.log(m);
    expect(s.mismatches).toEqual([]);
  }, 60_000);
});
