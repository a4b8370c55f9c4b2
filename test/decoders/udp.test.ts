import { describe, expect, it } from 'vitest';
import { FullTree, walk } from '../../src/decoders/core/tree.js';
import { nodeLine } from '../../src/decoders/core/format.js';
import type { UdpLayer } from '../../src/decoders/udp.js';
import { buildRegistry, compareWithTshark, corpusFiles, dissect, frameOf, haveTshark, hexBytes, Session, summarize } from './app-helpers.js';

// 10.0.0.1:49152 -> 10.0.0.2:9999, 5 bytes "hello"
const UDP_HELLO = `
0x0000:  0011 2233 4455 0066 7788 99aa 0800 4500
0x0010:  0021 0001 0000 4011 66c9 0a00 0001 0a00
0x0020:  0002 c000 270f 000d 0000 6865 6c6c 6f`;

function run(frames: Uint8Array[], opts: { origLen?: number[] } = {}) {
  const session = new Session(buildRegistry());
  return frames.map((d, i) => {
    const tree = new FullTree();
    const packet = dissect(frameOf(d, i + 1, opts.origLen?.[i] ? { origLen: opts.origLen[i]! } : {}), session, { tree, columns: true });
    const lines = [...walk(tree.roots)].map((n) => `${n.def.name}=${nodeLine(n)}`);
    return { packet, lines, udp: packet.layers.find((l) => l.proto === 'udp') as UdpLayer | undefined };
  });
}

function withUdp(base: Uint8Array, patch: (b: Uint8Array) => void): Uint8Array {
  const b = base.slice();
  patch(b);
  return b;
}

describe('udp decoder', () => {
  const hello = hexBytes(UDP_HELLO);
  it('decodes ports, length, stream and Info', () => {
    const [r] = run([hello]);
    expect(r!.udp).toMatchObject({ srcPort: 49152, dstPort: 9999, udpLength: 13, payloadOffset: 42, payloadLength: 5, stream: 0 });
    expect(r!.packet.cols?.info).toBe('49152 \u2192 9999 Len=5');
    expect(r!.packet.cols?.protocol).toBe('UDP');
    expect(r!.lines).toContain('udp.port=Source or Destination Port: 49152');
    expect(r!.lines).toContain('udp.checksum=Checksum: 0x0000 [zero-value ignored]');
    expect(r!.lines).toContain('udp.payload=UDP payload (5 bytes)');
    expect(r!.packet.protocols).toContain('data');
  });
  it('numbers conversations by first appearance, both directions alike', () => {
    const other = withUdp(hello, (b) => (b[30] = 3)); // dst 10.0.0.3
    const reverse = withUdp(hello, (b) => {
      b.set([10, 0, 0, 2], 26);
      b.set([10, 0, 0, 1], 30);
      b.set([0x27, 0x0f, 0xc0, 0x00], 34);
    });
    const rs = run([hello, other, reverse]);
    expect(rs.map((r) => r.udp!.stream)).toEqual([0, 1, 0]);
  });
  it('flags a length below 8 and stops', () => {
    const bad = withUdp(hello, (b) => (b[39] = 4));
    const [r] = run([bad]);
    expect(r!.packet.cols?.info).toBe('49152 \u2192 9999 [BAD UDP LENGTH 4 < 8]');
    expect(r!.packet.issues.map((i) => i.name)).toContain('udp.length.bad');
    expect(r!.udp!.stream).toBe(-1);
  });
  it('flags a length beyond the IP payload', () => {
    const bad = withUdp(hello, (b) => (b[39] = 20));
    const [r] = run([bad]);
    expect(r!.packet.cols?.info).toBe('49152 \u2192 9999 [BAD UDP LENGTH 20 > IP PAYLOAD LENGTH] Len=12');
    expect(r!.lines).toContain('udp.length=Length: 20 (bogus, payload length 13)');
    expect(r!.udp!.payloadLength).toBe(5);
  });
  it('bounds the payload by the UDP length', () => {
    const short = withUdp(hello, (b) => (b[39] = 10));
    const [r] = run([short]);
    expect(r!.udp!.payloadLength).toBe(2);
    expect(r!.packet.cols?.info).toBe('49152 \u2192 9999 Len=2');
  });
  it('is not fooled by a snaplen cut', () => {
    const cut = hello.subarray(0, 44);
    const [r] = run([cut], { origLen: [47] });
    expect(r!.packet.malformed).toBe(false);
    expect(r!.udp!.payloadLength).toBe(2);
  });
  it('flags a zero checksum over IPv6', () => {
    // 2001:db8::1 -> 2001:db8::2, UDP 1000 -> 2000, checksum 0
    const v6 = hexBytes(`
0x0000:  0011 2233 4455 0066 7788 99aa 86dd 6000
0x0010:  0000 000d 1140 2001 0db8 0000 0000 0000
0x0020:  0000 0000 0001 2001 0db8 0000 0000 0000
0x0030:  0000 0000 0002 03e8 07d0 000d 0000 6865
0x0040:  6c6c 6f`);
    const [r] = run([v6]);
    expect(r!.packet.cols?.info).toBe('1000 \u2192 2000 Len=5 [ILLEGAL CHECKSUM (0)]');
    expect(r!.lines).toContain('udp.checksum.status=[Checksum Status: Illegal]');
    expect(r!.packet.issues.map((i) => i.name)).toContain('udp.checksum.zero');
  });
  it('reports a header cut by the snaplen as short', () => {
    const [r] = run([hello.subarray(0, 38)], { origLen: [47] });
    expect(r!.packet.short).toBe(true);
  });
});

const FIELDS = ['udp.srcport', 'udp.dstport', 'udp.port', 'udp.length', 'udp.checksum', 'udp.checksum.status', 'udp.stream'];

describe.runIf(haveTshark())('udp oracle (tshark 4.0)', () => {
  it('matches tshark on the corpus', () => {
    const files = corpusFiles(['udp', 'dns', 'dhcp']);
    const s = summarize(files.map((f) => compareWithTshark(f, FIELDS)));
    console.log(`udp oracle: ${s.equal}/${s.cells} cells equal, ${s.reassembled} frames left out (tshark reassembled them)`);
    for (const m of s.mismatches.slice(0, 30)) console.log(m);
    expect(s.mismatches).toEqual([]);
  }, 120_000);
});
