/**
 * Decoder.lean: without a tree or columns, the Ethernet and IPv4 decoders' lean paths must add
 * exactly the layers, protocol names and issues their `decode` adds and hand on the same bytes.
 * Every frame of the samples and the public corpus decodes the same with and without them, and so
 * does each hand-built corner case, where the lean path must either take the bytes or decline.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerAnalyzers } from '../../src/analysis/index.js';
import type { Frame } from '../../src/capture/types.js';
import { dissect } from '../../src/decoders/core/dissect.js';
import { fieldByName, type FieldDef } from '../../src/decoders/core/fields.js';
import type { Packet } from '../../src/decoders/core/packet.js';
import { Registry, Session } from '../../src/decoders/core/registry.js';
import { ethernetDecoder } from '../../src/decoders/ethernet.js';
import { registerBuiltins } from '../../src/decoders/index.js';
import { ipv4Decoder } from '../../src/decoders/ipv4.js';
import { decodeCapture, type DecodeOptions } from '../../src/engine/decode.js';
import { corpusCaptures, haveShared, sampleCaptures, skipNote } from '../helpers/paths.js';
import { frameFromHex } from '../decoders/netlayer-helpers.js';

/** Everything a decoded packet holds, as text (its layers without their trees). */
function digest(p: Packet): string {
  const layers = p.layers.map((l) => ({ ...l, tree: undefined, analysis: undefined }));
  return JSON.stringify({ n: p.frame.number, layers, protocols: p.protocols, issues: p.issues, malformed: p.malformed, short: p.short, cut: p.cut });
}

/** A registry made after the spies are set (table entries keep the decoders' `lean` functions). */
function spiedSession() {
  const eth = vi.spyOn(ethernetDecoder, 'lean');
  const ip = vi.spyOn(ipv4Decoder, 'lean');
  return { session: new Session(registerAnalyzers(registerBuiltins(new Registry()))), eth, ip };
}

afterEach(() => void vi.restoreAllMocks());

const fields = (...names: string[]): FieldDef[] => names.map((n) => fieldByName(n)!);

/** Option sets: a flow table's, a full decode's without a tree, and field collectors that want
 * transport fields only (both layers lean) or an IP field too (Ethernet lean only). */
const RUNS: [string, DecodeOptions][] = [
  ['transport only', { columns: false, transportOnly: true, recycle: true }],
  ['no tree', { columns: false }],
  ['tcp fields', { columns: false, tree: fields('tcp.stream', 'tcp.seq', 'tcp.analysis.flags', 'udp.stream') }],
  ['ip and tcp fields', { columns: false, tree: fields('ip.src', 'ip.ttl', 'tcp.len') }],
];

async function compare(files: string[]): Promise<{ frames: number; lean: number }> {
  let frames = 0;
  let lean = 0;
  for (const file of files) {
    for (const [name, o] of RUNS) {
      const plain: string[] = [];
      await decodeCapture(file, { ...o, lean: false }, (d) => void plain.push(digest(d.packet)));
      const { session, eth } = spiedSession();
      const got: string[] = [];
      await decodeCapture(file, o, (d) => void got.push(digest(d.packet)), session);
      expect(got, `${path.basename(file)}: ${name}`).toEqual(plain);
      frames += plain.length;
      lean += eth.mock.calls.length;
      vi.restoreAllMocks();
    }
  }
  return { frames, lean };
}

describe('lean decoding', () => {
  it('decodes every sample frame as the full decoders do', async () => {
    const r = await compare(sampleCaptures());
    expect(r.frames).toBeGreaterThan(2000);
    expect(r.lean).toBeGreaterThan(r.frames / 2);
  });
  if (haveShared) it('decodes every public corpus frame as the full decoders do', async () => expect((await compare(corpusCaptures())).lean).toBeGreaterThan(2000));
  else it('public corpus', () => skipNote('../shared/corpus/public is absent: lean decoding checked on samples only'));
});

const MAC = '020000000002 020000000001';
/** An IPv4 header (fields overridable, checksum left 0: nothing verifies it) and a bare TCP
 * header (ports 40000 -> 80, SYN). */
function ipv4(o: { vhl?: string; len?: number; flags?: string; ttl?: number; proto?: number; dst?: string; options?: string } = {}, payload = TCP): string {
  const opts = o.options ?? '';
  const len = o.len ?? 20 + (opts + payload).replace(/ /g, '').length / 2;
  return `${o.vhl ?? '45'}00 ${len.toString(16).padStart(4, '0')} 1234 ${o.flags ?? '4000'} ${(o.ttl ?? 64).toString(16).padStart(2, '0')}${(o.proto ?? 6).toString(16).padStart(2, '0')} 0000 0a000001 ${o.dst ?? '0a000002'} ${opts}${payload}`;
}
const TCP = '9c40 0050 00000001 00000000 5002 ffff 0000 0000';

/** [case, frame hex, frame overrides, whether the IPv4 lean path takes it] */
const CASES: [string, string, Partial<Frame>, boolean][] = [
  ['plain TCP', `${MAC} 0800 ${ipv4()}`, {}, true],
  ['UDP', `${MAC} 0800 ${ipv4({ proto: 17 }, '9c40 0035 0010 0000 0102030405060708')}`, {}, true],
  ['Ethernet padding after the datagram', `${MAC} 0800 ${ipv4()} 000000000000`, {}, true],
  ['IP options', `${MAC} 0800 ${ipv4({ vhl: '46', options: '01010100' })}`, {}, false],
  ['first fragment', `${MAC} 0800 ${ipv4({ flags: '2000' })}`, {}, false],
  ['later fragment', `${MAC} 0800 ${ipv4({ flags: '0001' })}`, {}, false],
  ['TTL below 5', `${MAC} 0800 ${ipv4({ ttl: 1 })}`, {}, false],
  ['local network control block', `${MAC} 0800 ${ipv4({ dst: 'e0000001' })}`, {}, false],
  ['total length past the frame', `${MAC} 0800 ${ipv4({ len: 80 })}`, {}, false],
  ['total length below the header', `${MAC} 0800 ${ipv4({ len: 12 })}`, {}, false],
  ['TSO: total length 0', `${MAC} 0800 ${ipv4({ len: 0 })}`, {}, false],
  ['header only', `${MAC} 0800 ${ipv4({ len: 20 }, '')}`, {}, false],
  ['no decoder for the protocol (data)', `${MAC} 0800 ${ipv4({ proto: 253 })}`, {}, true],
  ['IPv6 version in an IPv4 EtherType', `${MAC} 0800 ${ipv4({ vhl: '65' })}`, {}, false],
  ['cut by the snaplen after the IP header', `${MAC} 0800 ${ipv4()}`.slice(0, -8), { origLen: 54 }, true],
  ['cut right after the IP header', `${MAC} 0800 ${ipv4({ proto: 253 })}`.replace(/ /g, '').slice(0, 2 * 34), { origLen: 54 }, false],
  ['cut inside the IP header', `${MAC} 0800 ${ipv4()}`.slice(0, 2 * 30 + 2 * 3), { origLen: 54 }, false],
];

describe('lean decoding of hand-built corner cases', () => {
  it.each(CASES)('%s', (_name, hex, overrides, ipLean) => {
    const bytes = frameFromHex(hex);
    const frame = frameFromHex(hex, { origLen: overrides.origLen ?? bytes.data.length });
    for (const transportOnly of [false, true]) {
      const plain = digest(dissect(frame, new Session(registerAnalyzers(registerBuiltins(new Registry()))), { columns: false, transportOnly, lean: false }));
      const { session, ip } = spiedSession();
      expect(digest(dissect(frame, session, { columns: false, transportOnly }))).toBe(plain);
      expect(ip.mock.calls.length, 'IPv4 lean path tried').toBe(1);
      expect(ip.mock.results[0]!.value, 'IPv4 lean path took the bytes').toBe(ipLean);
      vi.restoreAllMocks();
    }
  });

  it('leaves a bare Ethernet header and an 802.3 frame to the full decoder', () => {
    for (const hex of [`${MAC} 0800`, `${MAC} 0026 424203000000000000`]) {
      const frame = frameFromHex(hex);
      const plain = digest(dissect(frame, new Session(registerAnalyzers(registerBuiltins(new Registry()))), { columns: false, lean: false }));
      const { session, eth } = spiedSession();
      expect(digest(dissect(frame, session, { columns: false }))).toBe(plain);
      expect(eth.mock.results.map((r) => r.value)).toEqual([false]);
      vi.restoreAllMocks();
    }
  });
});
