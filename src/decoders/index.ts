import { Registry } from './core/registry.js';
import { dataDecoder } from './data.js';
import { frameDecoder } from './frame.js';
import { ethernetDecoder } from './ethernet.js';
import { LINKTYPE } from './linktypes.js';
import { nullDecoder, loopDecoder, rawIpDecoder, rawIpv4Decoder, rawIpv6Decoder } from './loopback.js';
import { sllDecoder } from './sll.js';
import { sll2Decoder } from './sll2.js';
import { ieee8021adDecoder, vlanDecoder } from './vlan.js';
import { llcDecoder } from './llc.js';
import { arpDecoder } from './arp.js';
import { ipv4Decoder } from './ipv4.js';
import { ipv6Decoder } from './ipv6.js';
import { icmpDecoder } from './icmp.js';
import { icmpv6Decoder } from './icmpv6.js';
import { tcpDecoder } from './tcp.js';
import { udpDecoder } from './udp.js';
import { dnsDecoder, dnsTcpDecoder } from './dns.js';
import { dhcpDecoder } from './dhcp.js';
import { tlsDecoder, tlsHeuristic } from './tls.js';
import { httpDecoder, httpHeuristic } from './http.js';
import { TEXT_LINE_TYPES, textLinesDecoder } from './text-lines.js';
import { urlencodedDecoder } from './urlencoded.js';
import { mediaDecoder } from './media.js';
import { JSON_TYPES, jsonDecoder } from './json.js';

/** Every built-in decoder and its table entries: one line per protocol and key, like Wireshark's
 * `dissector_add_uint` calls. No decoder registers itself on import. */
export function registerBuiltins(r: Registry = new Registry()): Registry {
  r.register(frameDecoder).register(dataDecoder);
  // link types
  r.add('linktype', LINKTYPE.ETHERNET, ethernetDecoder);
  r.add('linktype', LINKTYPE.NULL, nullDecoder);
  r.add('linktype', LINKTYPE.LOOP, loopDecoder);
  r.add('linktype', LINKTYPE.RAW, rawIpDecoder);
  r.add('linktype', LINKTYPE.IPV4, rawIpv4Decoder);
  r.add('linktype', LINKTYPE.IPV6, rawIpv6Decoder);
  r.add('linktype', LINKTYPE.LINUX_SLL, sllDecoder);
  r.add('linktype', LINKTYPE.LINUX_SLL2, sll2Decoder);
  // ethertypes
  r.add('ethertype', 0x8100, vlanDecoder);
  r.add('ethertype', 0x88a8, ieee8021adDecoder);
  r.add('ethertype', 0x9100, vlanDecoder);
  r.add('ethertype', 0x0806, arpDecoder);
  r.add('ethertype', 0x8035, arpDecoder);
  r.add('ethertype', 0x0800, ipv4Decoder);
  r.add('ethertype', 0x86dd, ipv6Decoder);
  r.register(llcDecoder);
  // IP protocols
  r.add('ip.proto', 1, icmpDecoder);
  r.add('ip.proto', 58, icmpv6Decoder);
  r.add('ip.proto', 6, tcpDecoder);
  r.add('ip.proto', 17, udpDecoder);
  r.add('ip.proto', 4, ipv4Decoder);
  r.add('ip.proto', 41, ipv6Decoder);
  // ports and heuristics
  r.add('udp.port', 53, dnsDecoder);
  r.add('udp.port', 5353, dnsDecoder);
  r.add('udp.port', 5355, dnsDecoder);
  r.add('tcp.port', 53, dnsTcpDecoder);
  r.add('udp.port', 67, dhcpDecoder);
  r.add('udp.port', 68, dhcpDecoder);
  r.add('tcp.port', 443, tlsDecoder);
  r.add('tcp.port', 80, httpDecoder);
  r.add('tcp.port', 8080, httpDecoder);
  r.addHeuristic('tcp', tlsHeuristic);
  r.addHeuristic('tcp', httpHeuristic);
  // message bodies by media type
  for (const type of TEXT_LINE_TYPES) r.addMedia(type, textLinesDecoder);
  r.addMedia('application/x-www-form-urlencoded', urlencodedDecoder);
  for (const type of JSON_TYPES) r.addMedia(type, jsonDecoder);
  r.register(mediaDecoder);
  return r;
}

export { Registry, Session } from './core/registry.js';
export { dissect } from './core/dissect.js';
