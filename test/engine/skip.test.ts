import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../src/decoders/core/fields.js';
import { defaultRegistry, skippableLeaves, transportSafe } from '../../src/engine/decode.js';
import { repoRoot } from '../helpers/paths.js';

const skipped = (names: string[], columns = false) =>
  [...new Set([...skippableLeaves(defaultRegistry(), new Set(names), columns)].map((d) => d.proto))].sort();

describe('leaf decoders a field-collecting run skips', () => {
  it('the decoder field list: HTTP only (DNS, DHCP and TLS fields are asked for)', () => {
    const list = JSON.parse(readFileSync(path.join(repoRoot, 'test/oracle/fields.json'), 'utf8')).decoders as string[];
    expect(skipped(list)).toEqual(['http']);
  });

  it('every leaf when only lower layers are asked for, none of those whose fields are', () => {
    expect(skipped(['ip.src', 'tcp.analysis.retransmission'])).toEqual(['dhcp', 'dns', 'http', 'tls']);
    expect(skipped(['ip.src', 'http.request.method', 'mdns'])).toEqual(['dhcp', 'tls']);
  });

  it('none when columns are built or a field depends on every layer', () => {
    expect(skipped(['ip.src'], true)).toEqual([]);
    for (const n of ['_ws.expert', '_ws.malformed', 'data.data', 'data', 'frame.protocols', 'tcp.reassembled.length', 'tcp.segment_data', 'tcp.segment', 'tcp.pdu.size']) {
      expect(skipped(['ip.src', n]), n).toEqual([]);
    }
  });
});

describe('fields a transport-only run fills as a full one does', () => {
  it('not the fields TCP desegmentation adds, whatever their spelling', () => {
    defaultRegistry();
    for (const n of ['tcp.segment_data', 'tcp.segment', 'tcp.segments', 'tcp.segment.count', 'tcp.reassembled.length', 'tcp.reassembled.data', 'tcp.fin_retransmission', 'frame.protocols']) {
      expect(transportSafe(fieldByName(n)!), n).toBe(false);
    }
    for (const n of ['tcp.stream', 'tcp.analysis.retransmission', 'ip.src', 'udp.stream', 'frame.len']) expect(transportSafe(fieldByName(n)!), n).toBe(true);
  });
});
