import { describe, expect, it } from 'vitest';
import { FullTree, walk } from '../../src/decoders/core/tree.js';
import { nodeLine } from '../../src/decoders/core/format.js';
import { dnsTcpMessageNeed, readDnsName, timeSecsToString, type DnsLayer } from '../../src/decoders/dns.js';
import {
  buildRegistry,
  compareInfo,
  compareWithTshark,
  corpusFiles,
  dissect,
  frameOf,
  haveTshark,
  hexBytes,
  Session,
  summarize,
} from './app-helpers.js';

/** Ethernet + IPv4 + UDP header for a DNS payload, with correct lengths. */
function udpFrame(payload: Uint8Array, sport = 5354, dport = 53, src = [10, 0, 0, 1], dst = [10, 0, 0, 2]): Uint8Array {
  const b = new Uint8Array(42 + payload.length);
  b.set([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa, 8, 0]);
  const ipLen = 28 + payload.length;
  b.set([0x45, 0, ipLen >> 8, ipLen & 255, 0, 1, 0, 0, 64, 17, 0, 0, ...src, ...dst], 14);
  const ul = 8 + payload.length;
  b.set([sport >> 8, sport & 255, dport >> 8, dport & 255, ul >> 8, ul & 255, 0, 0], 34);
  b.set(payload, 42);
  return b;
}

function run(frames: Uint8Array[]) {
  const session = new Session(buildRegistry());
  return frames.map((d, i) => {
    const tree = new FullTree();
    const packet = dissect(frameOf(d, i + 1), session, { tree, columns: true });
    const lines = [...walk(tree.roots)].map((n) => `${n.def.name}=${nodeLine(n)}`);
    return { packet, lines, dns: packet.layers.find((l) => l.proto === 'dns') as DnsLayer | undefined };
  });
}

// Standard query 0x1a2b A example.com
const QUERY = hexBytes(`
1a2b 0100 0001 0000 0000 0000 0765 7861
6d70 6c65 0363 6f6d 0000 0100 01`);
// response: example.com CNAME www.example.com (compressed), A 10.0.0.1
const RESPONSE = hexBytes(`
1a2b 8180 0001 0002 0000 0000 0765 7861
6d70 6c65 0363 6f6d 0000 0100 01c0 0c00
0500 0100 0000 3c00 0603 7777 77c0 0cc0
2900 0100 0100 000e 1000 040a 0000 01`);
// NXDOMAIN with SOA in authority
const NXDOMAIN = hexBytes(`
0007 8183 0001 0000 0001 0000 086e 7864
6f6d 6169 6e07 6578 616d 706c 6500 0001
0001 c015 0006 0001 0000 012c 0022 036e
7331 c015 0561 646d 696e c015 7876 5432
0000 1c20 0000 0e10 0012 7500 0000 012c`);

describe('dns decoder', () => {
  it('decodes a query and its response, matching them', () => {
    const [q, r] = run([udpFrame(QUERY), udpFrame(RESPONSE, 53, 5354, [10, 0, 0, 2], [10, 0, 0, 1])]);
    expect(q!.packet.cols?.info).toBe('Standard query 0x1a2b A example.com');
    expect(q!.packet.cols?.protocol).toBe('DNS');
    expect(q!.dns).toMatchObject({ id: 0x1a2b, response: false, qdcount: 1, ancount: 0 });
    expect(q!.lines).toContain('dns.qry.name=Name: example.com');
    expect(q!.lines).toContain('dns.qry.name.len=[Name Length: 11]');
    expect(q!.lines).toContain('dns.count.labels=[Label Count: 2]');
    expect(q!.lines).toContain('text=example.com: type A, class IN');
    expect(r!.packet.cols?.info).toBe('Standard query response 0x1a2b A example.com CNAME www.example.com A 10.0.0.1');
    expect(r!.dns).toMatchObject({ response: true, rcode: 0, ancount: 2, requestFrame: 1 });
    expect(r!.lines).toContain('text=example.com: type CNAME, class IN, cname www.example.com');
    expect(r!.lines).toContain('text=www.example.com: type A, class IN, addr 10.0.0.1');
    expect(r!.lines).toContain('dns.resp.ttl=Time to live: 60 (1 minute)');
    expect(r!.lines).toContain('dns.response_to=[Request In: 1]');
    expect(r!.lines).toContain('dns.time=[Time: 1.000000000 seconds]');
  });
  it('shows the reply code and SOA data', () => {
    const [r] = run([udpFrame(NXDOMAIN, 53, 5354)]);
    expect(r!.packet.cols?.info).toBe('Standard query response 0x0007 No such name A nxdomain.example SOA ns1.example');
    expect(r!.lines).toContain('dns.soa.rname=Responsible authority\'s mailbox: admin.example');
    expect(r!.lines).toContain('dns.soa.refresh_interval=Refresh Interval: 7200 (2 hours)');
    expect(r!.lines).toContain('dns.unsolicited=[Unsolicited: True]');
  });
  it('marks a retransmitted query', () => {
    const rs = run([udpFrame(QUERY), udpFrame(QUERY)]);
    expect(rs[1]!.dns!.retransmissionOf).toBe(1);
    expect(rs[1]!.packet.issues.map((i) => i.name)).toContain('dns.retransmit_request');
  });
  it('survives pointer loops and flags pointers out of the message', () => {
    const loop = hexBytes('0004 0100 0001 0000 0000 0000 c00c 0001 0001');
    const out = hexBytes('0006 0100 0001 0000 0000 0000 c100 0001 0001');
    const [a, b] = run([udpFrame(loop), udpFrame(out)]);
    expect(a!.packet.cols?.info).toBe('Standard query 0x0004 A <Name contains a pointer that loops>');
    expect(a!.packet.malformed).toBe(false);
    expect(b!.packet.cols?.info).toBe('Standard query 0x0006[Malformed Packet]');
    expect(b!.packet.malformed).toBe(true);
  });
  it('caps names at 255 characters', () => {
    const labels = Array.from({ length: 5 }, () => '3f' + '61'.repeat(63)).join('');
    const q = hexBytes('000a 0100 0001 0000 0000 0000' + labels + '00 0001 0001');
    const [r] = run([udpFrame(q)]);
    expect(r!.packet.cols?.info).toBe('Standard query 0x000a A <Name too long>');
  });
  it('marks a record shorter than its type needs as malformed', () => {
    const q = hexBytes('000e 8180 0001 0001 0000 0000 0161 0765 7861 6d70 6c65 0000 0100 01c0 0c00 0100 0100 0001 2c00 0301 0203');
    const [r] = run([udpFrame(q, 53, 5354)]);
    expect(r!.packet.cols?.info).toBe('Standard query response 0x000e A a.example A[Malformed Packet]');
  });
  it('escapes control characters in names shown to a terminal', () => {
    const q = hexBytes('0003 0100 0001 0000 0000 0000 0361 1b62 0000 0100 01');
    const [r] = run([udpFrame(q)]);
    expect(r!.packet.cols?.info).toBe('Standard query 0x0003 A a\\033b');
    expect(r!.lines).toContain('dns.qry.name=Name: a\\033b');
  });
  it('formats durations like Wireshark', () => {
    expect(timeSecsToString(0)).toBe('0 seconds');
    expect(timeSecsToString(40828)).toBe('11 hours, 20 minutes, 28 seconds');
    expect(timeSecsToString(1209600)).toBe('14 days');
    expect(timeSecsToString(86401)).toBe('1 day, 1 second');
  });
  it('tells the TCP engine how much of a message is missing', () => {
    const m = new Uint8Array([0, 10, 1, 2, 3]);
    expect(dnsTcpMessageNeed(m, 0, 5)).toBe(7);
    expect(dnsTcpMessageNeed(m, 0, 1)).toBe(-1);
    expect(dnsTcpMessageNeed(new Uint8Array([0, 1, 9]), 0, 3)).toBe(0);
    expect(typeof readDnsName).toBe('function');
  });
});

const FIELDS = ['dns.id', 'dns.flags.response', 'dns.qry.name', 'dns.qry.type', 'dns.a', 'dns.count.answers', 'dns.resp.name', 'dns.resp.type', 'dns.resp.ttl', 'dns.cname', 'dns.aaaa', 'dns.ns', 'dns.ptr.domain_name', 'dns.response_to', 'dns.time', 'dns.qry.name.len', 'dns.count.labels', 'dns.resp.len', 'dns.flags.rcode', 'dns.retransmit_request_in'];
const TCP_SENSITIVE = new Set(FIELDS);

describe.runIf(haveTshark())('dns oracle (tshark 4.0)', () => {
  const files = corpusFiles(['dns']);
  it('fields match tshark on the corpus', () => {
    const s = summarize(files.map((f) => compareWithTshark(f, FIELDS, TCP_SENSITIVE)));
    console.log(`dns oracle: ${s.equal}/${s.cells} cells equal, ${s.reassembled} frames left out (reassembled by tshark)`);
    for (const m of s.mismatches.slice(0, 40)) console.log(m);
    expect(s.cells).toBeGreaterThan(0);
    expect(s.mismatches).toEqual([]);
  }, 120_000);
  it('Info column matches tshark on DNS frames', () => {
    const s = summarize(files.map((f) => compareInfo(f, new Set(['DNS', 'MDNS']))));
    console.log(`dns Info: ${s.equal}/${s.cells} equal`);
    for (const m of s.mismatches.slice(0, 40)) console.log(m);
    expect(s.mismatches).toEqual([]);
  }, 120_000);
});
