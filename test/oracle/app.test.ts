import { describe, it } from 'vitest';
import { corpusCaptures, haveShared, haveTshark, sampleCaptures, skipNote } from '../helpers/paths.js';
import { compareFile, expectThresholds, FIELD_LISTS, newTotals, report } from './oracle-run.js';

// Issue 3's desegmentation oracle: application fields that tshark puts on the frame completing a
// multi-segment PDU (HTTP request/response, TLS handshake, DNS over TCP) and the reassembly
// fields, cell for cell against tshark -n -E occurrence=f.
//
// Known differences on the corpus (the rest is equal):
// - gopacket__le-test301.pcapng: tshark decrypts the TLS session with the keys in the pcapng
//   (HTTP inside TLS, `Finished` messages); we do not decrypt.
// - zeek__get-to-ssh-server.pcap: an HTTP request sent to port 22; tshark's SSH decoder (port 22)
//   takes it, we have no SSH decoder and the HTTP heuristic claims it.
// - zeek__icmp-destunreach-udp.pcap, zeek__icmp6.pcap: DNS quoted inside ICMP errors (UDP
//   payload of a quoted datagram is not decoded).
describe('application fields over TCP desegmentation equal tshark', () => {
  it('on samples/ (recorded tshark answers)', async () => {
    const totals = newTotals(FIELD_LISTS.app!);
    for (const f of sampleCaptures()) await compareFile(f, 'app', totals);
    console.log(report('samples', totals));
    expectThresholds(totals, 1, 1);
  });

  it.skipIf(!haveShared || !haveTshark)('on ../shared/corpus/public (live tshark)', async () => {
    const totals = newTotals(FIELD_LISTS.app!);
    for (const f of corpusCaptures()) await compareFile(f, 'app', totals);
    console.log(report('corpus', totals));
    expectThresholds(totals, 0.9999, 0.999);
  });
  if (!haveShared) skipNote('corpus app oracle: ../shared is absent');
  else if (!haveTshark) skipNote('corpus app oracle: tshark is not installed');
});
