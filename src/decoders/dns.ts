import { BoundsError, type DecodeContext, type DecodeResult } from './core/context.js';
import { desegmentOffer, requestMore, showPduSize, ONE_MORE_SEGMENT } from '../analysis/tcp/desegment-request.js';
import { u16 } from './core/bytes.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import { escapeForTerminal, ipv4ToString, ipv6ToString, latin1 } from './core/format.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { conversationKey, textField, transportPorts } from './udp.js';

/** Type names as Wireshark shows them in the tree (`A (Host Address)`). */
const TYPE_DESCRIPTIONS: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'Unused'], [1, 'A (Host Address)'], [2, 'NS (authoritative Name Server)'],
  [3, 'MD (Mail Destination)'], [4, 'MF (Mail Forwarder)'], [5, 'CNAME (Canonical NAME for an alias)'],
  [6, 'SOA (Start Of a zone of Authority)'], [7, 'MB (MailBox domain name)'], [8, 'MG (Mail Group member)'],
  [9, 'MR (Mail Rename domain)'], [10, 'NULL RR'], [11, 'WKS (Well Known Service)'],
  [12, 'PTR (domain name PoinTeR)'], [13, 'HINFO (host information)'],
  [14, 'MINFO (Mailbox or mail list information)'], [15, 'MX (Mail eXchange)'], [16, 'TXT (Text strings)'],
  [17, 'RP (Responsible Person)'], [18, 'AFSDB (AFS Data Base location)'], [19, 'X25 (XX.25 PSDN address)'],
  [20, 'ISDN (ISDN address)'], [21, 'RT (Route Through)'], [22, 'NSAP (NSAP address)'],
  [23, 'NSAP-PTR (NSAP domain name pointer)'], [24, 'SIG (security signature)'], [25, 'KEY (security key)'],
  [26, 'PX (X.400 mail mapping information)'], [27, 'GPOS (Geographical Position)'],
  [28, 'AAAA (IPv6 Address)'], [29, 'LOC (Location Information)'], [30, 'NXT (Next Domain)'],
  [31, 'EID (Endpoint Identifier)'], [32, 'NIMLOC (Nimrod Locator)'], [33, 'SRV (Server Selection)'],
  [34, 'ATMA (ATM Address)'], [35, 'NAPTR (Naming Authority Pointer)'], [36, 'KX (Key Exchanger)'],
  [37, 'CERT'], [38, 'A6 (OBSOLETE - use AAAA)'], [39, 'DNAME'], [40, 'SINK'], [41, 'OPT'], [42, 'APL'],
  [43, 'DS (Delegation Signer)'], [44, 'SSHFP (SSH Key Fingerprint)'], [45, 'IPSECKEY'],
  [46, 'RRSIG (Resource Record Signature)'], [47, 'NSEC (Next Secure)'], [48, 'DNSKEY (DNS Public Key)'],
  [49, 'DHCID'], [50, 'NSEC3'], [51, 'NSEC3PARAM'], [52, 'TLSA'], [55, 'HIP (Host Identity Protocol)'],
  [57, 'RKEY'], [58, 'TALINK (Trust Anchor LINK)'], [59, 'CDS (Child DS)'],
  [60, 'CDNSKEY (DNSKEY(s) the Child wants reflected in DS)'], [61, 'OPENPGPKEY (OpenPGP Key)'],
  [62, 'CSYNC (Child-to-Parent Synchronization)'], [63, 'ZONEMD'],
  [64, 'SVCB (General Purpose Service Endpoints)'], [65, 'HTTPS (HTTPS Specific Service Endpoints)'],
  [99, 'SPF'], [100, 'UINFO'], [101, 'UID'], [102, 'GID'], [103, 'UNSPEC'], [104, 'NID (NodeID)'],
  [105, 'L32 (Locator32)'], [106, 'L64 (Locator64)'], [107, 'LP (Locator FQDN)'], [108, 'EUI48'],
  [109, 'EUI64'], [249, 'TKEY (Transaction Key)'], [250, 'TSIG (Transaction Signature)'],
  [251, 'IXFR (incremental transfer)'], [252, 'AXFR (transfer of an entire zone)'],
  [253, 'MAILB (mailbox-related RRs)'], [254, 'MAILA (mail agent RRs)'],
  [255, '* (A request for all records the server/cache has available)'], [256, 'URI'],
  [257, 'CAA (Certification Authority Restriction)'], [32768, 'TA (DNSSEC Trust Authorities)'],
  [32769, 'DLV (DNSSEC Lookaside Validation)'], [65281, 'WINS'], [65282, 'WINS-R'], [65422, 'XPF'],
]);

/** Short type names for the Info column and RR summaries (`A`, `CNAME`, `ANY`). */
function typeShort(t: number): string {
  if (t === 255) return 'ANY';
  if (t === 10) return 'NULL';
  const d = TYPE_DESCRIPTIONS.get(t);
  if (d === undefined) return `Unknown (${t})`;
  const i = d.indexOf(' (');
  return i < 0 ? d : d.slice(0, i);
}

const CLASS_NAMES = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 0xfe: 'NONE', 0xff: 'ANY' } as const;
function className(c: number): string {
  return (CLASS_NAMES as Record<number, string>)[c] ?? `Unknown (${c})`;
}

const OPCODES: Record<number, string> = {
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
  6: 'DNS Stateful operations (DSO)',
};
const RCODES: Record<number, string> = {
  0: 'No error',
  1: 'Format error',
  2: 'Server failure',
  3: 'No such name',
  4: 'Not implemented',
  5: 'Refused',
  6: 'Name exists',
  7: 'RRset exists',
  8: 'RRset does not exist',
  9: 'Not authoritative',
  10: 'Name out of zone',
  11: 'DSO-Type not implemented',
  16: 'Bad OPT Version or TSIG Signature Failure',
  17: 'Key not recognized',
  18: 'Signature out of time window',
  19: 'Bad TKEY Mode',
  20: 'Duplicate key name',
  21: 'Algorithm not supported',
  22: 'Bad Truncation',
  23: 'Bad/missing Server Cookie',
};
/** RFC 8914 info codes, as Wireshark names them. */
const EDE_CODES: Record<number, string> = {
  0: 'Other Error',
  1: 'Unsupported DNSKEY Algorithm',
  2: 'Unsupported DS Digest Type',
  3: 'Stale Answer',
  4: 'Forged Answer',
  5: 'DNSSEC Indeterminate',
  6: 'DNSSEC Bogus',
  7: 'Signature Expired',
  8: 'Signature Not Yet Valid',
  9: 'DNSKEY Missing',
  10: 'RRSIGs Missing',
  11: 'No Zone Key Bit Set',
  12: 'NSEC Missing',
  13: 'Cached Error',
  14: 'Not Ready',
  15: 'Blocked',
  16: 'Censored',
  17: 'Filtered',
  18: 'Prohibited',
  19: 'Stale NXDOMAIN Answer',
  20: 'Not Authoritative',
  21: 'Not Supported',
  22: 'No Reachable Authority',
  23: 'Network Error',
  24: 'Invalid Data',
};

const OPT_CODES: Record<number, string> = {
  0: 'Reserved',
  1: 'LLQ - Long-lived query',
  2: 'UL - Update lease',
  3: 'NSID - Name Server Identifier',
  4: 'Owner (reserved)',
  5: 'DAU - DNSSEC Algorithm Understood (RFC6975)',
  6: 'DHU - DS Hash Understood (RFC6975)',
  7: 'N3U - NSEC3 Hash Understood (RFC6975)',
  8: 'CSUBNET - Client subnet',
  9: 'EDNS EXPIRE (RFC7314)',
  10: 'COOKIE',
  11: 'EDNS TCP Keepalive',
  12: 'PADDING',
  13: 'CHAIN',
  15: 'Extended DNS Error',
  20730: 'Experimental - CSUBNET - Client subnet',
};

const F = (name: string, label: string, mask: number, tf: readonly [string, string]) => field(name, label, 'bool', { bits: 16, mask, tf });

export const hf = {
  dns: protocol('dns', 'Domain Name System'),
  mdns: protocol('mdns', 'Multicast Domain Name System'),
  llmnr: protocol('llmnr', 'Link-local Multicast Name Resolution'),
  conflict: F('dns.flags.conflict', 'Conflict', 0x400, ['The sender received multiple responses', 'None']),
  tentative: F('dns.flags.tentative', 'Tentative', 0x100, ['Tentative', 'Not tentative']),
  length: field('dns.length', 'Length', 'uint', { bits: 16 }),
  id: field('dns.id', 'Transaction ID', 'uint', { base: 'hex', bits: 16 }),
  flags: field('dns.flags', 'Flags', 'uint', { base: 'hex', bits: 16 }),
  response: F('dns.flags.response', 'Response', 0x8000, ['Message is a response', 'Message is a query']),
  opcode: field('dns.flags.opcode', 'Opcode', 'uint', { bits: 16, mask: 0x7800, values: OPCODES }),
  authoritative: F('dns.flags.authoritative', 'Authoritative', 0x400, ['Server is an authority for domain', 'Server is not an authority for domain']),
  truncated: F('dns.flags.truncated', 'Truncated', 0x200, ['Message is truncated', 'Message is not truncated']),
  recdesired: F('dns.flags.recdesired', 'Recursion desired', 0x100, ['Do query recursively', "Don't do query recursively"]),
  recavail: F('dns.flags.recavail', 'Recursion available', 0x80, ['Server can do recursive queries', "Server can't do recursive queries"]),
  z: F('dns.flags.z', 'Z', 0x40, ['reserved - incorrect!', 'reserved (0)']),
  authenticated: F('dns.flags.authenticated', 'Answer authenticated', 0x20, [
    'Answer/authority portion was authenticated by the server',
    'Answer/authority portion was not authenticated by the server',
  ]),
  checkdisable: F('dns.flags.checkdisable', 'Non-authenticated data', 0x10, ['Acceptable', 'Unacceptable']),
  rcode: field('dns.flags.rcode', 'Reply code', 'uint', { bits: 16, mask: 0xf, values: RCODES }),
  countQueries: field('dns.count.queries', 'Questions', 'uint', { bits: 16 }),
  countZones: field('dns.count.zones', 'Zones', 'uint', { bits: 16 }),
  countAnswers: field('dns.count.answers', 'Answer RRs', 'uint', { bits: 16 }),
  countPrereq: field('dns.count.prerequisites', 'Prerequisites', 'uint', { bits: 16 }),
  countAuth: field('dns.count.auth_rr', 'Authority RRs', 'uint', { bits: 16 }),
  countUpdates: field('dns.count.updates', 'Updates', 'uint', { bits: 16 }),
  countAdd: field('dns.count.add_rr', 'Additional RRs', 'uint', { bits: 16 }),
  qryName: field('dns.qry.name', 'Name', 'string'),
  qryNameLen: field('dns.qry.name.len', 'Name Length', 'uint', { bits: 16 }),
  countLabels: field('dns.count.labels', 'Label Count', 'uint', { bits: 16 }),
  qryType: field('dns.qry.type', 'Type', 'uint', { bits: 16, values: TYPE_DESCRIPTIONS }),
  qryClass: field('dns.qry.class', 'Class', 'uint', { base: 'hex', bits: 16, values: CLASS_NAMES }),
  qryQu: field('dns.qry.qu', '"QU" question', 'bool', { bits: 16, mask: 0x8000 }),
  respName: field('dns.resp.name', 'Name', 'string'),
  respType: field('dns.resp.type', 'Type', 'uint', { bits: 16, values: TYPE_DESCRIPTIONS }),
  respClass: field('dns.resp.class', 'Class', 'uint', { base: 'hex', bits: 16, values: CLASS_NAMES }),
  cacheFlush: field('dns.resp.cache_flush', 'Cache flush', 'bool', { bits: 16, mask: 0x8000 }),
  respTtl: field('dns.resp.ttl', 'Time to live', 'uint'),
  respLen: field('dns.resp.len', 'Data length', 'uint', { bits: 16 }),
  a: field('dns.a', 'Address', 'ipv4'),
  aaaa: field('dns.aaaa', 'AAAA Address', 'ipv6'),
  cname: field('dns.cname', 'CNAME', 'string'),
  ns: field('dns.ns', 'Name Server', 'string'),
  ptr: field('dns.ptr.domain_name', 'Domain Name', 'string'),
  dname: field('dns.dname', 'Dname', 'string'),
  mxPref: field('dns.mx.preference', 'Preference', 'uint', { bits: 16 }),
  mxExchange: field('dns.mx.mail_exchange', 'Mail Exchange', 'string'),
  txtLength: field('dns.txt.length', 'TXT Length', 'uint', { bits: 8 }),
  txt: field('dns.txt', 'TXT', 'string'),
  spfLength: field('dns.spf.length', 'SPF Length', 'uint', { bits: 8 }),
  spf: field('dns.spf', 'SPF', 'string'),
  hinfoCpuLen: field('dns.hinfo.cpu_length', 'CPU Length', 'uint', { bits: 8 }),
  hinfoCpu: field('dns.hinfo.cpu', 'CPU', 'string'),
  hinfoOsLen: field('dns.hinfo.os_length', 'OS Length', 'uint', { bits: 8 }),
  hinfoOs: field('dns.hinfo.os', 'OS', 'string'),
  soaMname: field('dns.soa.mname', 'Primary name server', 'string'),
  soaRname: field('dns.soa.rname', "Responsible authority's mailbox", 'string'),
  soaSerial: field('dns.soa.serial_number', 'Serial Number', 'uint'),
  soaRefresh: field('dns.soa.refresh_interval', 'Refresh Interval', 'uint'),
  soaRetry: field('dns.soa.retry_interval', 'Retry Interval', 'uint'),
  soaExpire: field('dns.soa.expire_limit', 'Expire limit', 'uint'),
  soaMinimum: field('dns.soa.minimum_ttl', 'Minimum TTL', 'uint'),
  srvService: field('dns.srv.service', 'Service', 'string'),
  srvProto: field('dns.srv.proto', 'Protocol', 'string'),
  srvName: field('dns.srv.name', 'Name', 'string'),
  srvPriority: field('dns.srv.priority', 'Priority', 'uint', { bits: 16 }),
  srvWeight: field('dns.srv.weight', 'Weight', 'uint', { bits: 16 }),
  srvPort: field('dns.srv.port', 'Port', 'uint', { bits: 16 }),
  srvTarget: field('dns.srv.target', 'Target', 'string'),
  udpPayloadSize: field('dns.rr.udp_payload_size', 'UDP payload size', 'uint', { bits: 16 }),
  extRcode: field('dns.resp.ext_rcode', 'Higher bits in extended RCODE', 'uint', { base: 'hex', bits: 8 }),
  ednsVersion: field('dns.resp.edns0_version', 'EDNS0 version', 'uint', { bits: 8 }),
  respZ: field('dns.resp.z', 'Z', 'uint', { base: 'hex', bits: 16 }),
  respZDo: field('dns.resp.z.do', 'DO bit', 'bool', { bits: 16, mask: 0x8000, tf: ['Accepts DNSSEC security RRs', 'Cannot handle DNSSEC security RRs'] }),
  respZReserved: field('dns.resp.z.reserved', 'Reserved', 'uint', { base: 'hex', bits: 16, mask: 0x7fff }),
  opt: field('dns.opt', 'Option', 'none'),
  optCode: field('dns.opt.code', 'Option Code', 'uint', { bits: 16, values: OPT_CODES }),
  optLen: field('dns.opt.len', 'Option Length', 'uint', { bits: 16 }),
  optData: field('dns.opt.data', 'Option Data', 'bytes'),
  optCookieClient: field('dns.opt.cookie.client', 'Client Cookie', 'bytes'),
  optCookieServer: field('dns.opt.cookie.server', 'Server Cookie', 'bytes'),
  optExtErrorCode: field('dns.opt.ext_error.info_code', 'Info Code', 'uint', { values: EDE_CODES }),
  optExtErrorText: field('dns.opt.ext_error.extra_text', 'Extra Text', 'string'),
  data: field('dns.data', 'Data', 'bytes'),
  responseIn: field('dns.response_in', 'Response In', 'framenum'),
  responseTo: field('dns.response_to', 'Request In', 'framenum'),
  retransmitRequestIn: field('dns.retransmit_request_in', 'Retransmitted request. Original request in', 'framenum'),
  retransmitResponseIn: field('dns.retransmit_response_in', 'Retransmitted response. Original response in', 'framenum'),
  retransmission: field('dns.retransmission', 'Retransmission', 'bool'),
  unsolicited: field('dns.unsolicited', 'Unsolicited', 'bool'),
  time: field('dns.time', 'Time', 'reltime'),
};

export const ei = {
  retransmitRequest: expert('dns.retransmit_request', 'warn', 'protocol', 'DNS query retransmission'),
  retransmitResponse: expert('dns.retransmit_response', 'warn', 'protocol', 'DNS response retransmission'),
  undecodedType: expert('dns.undecoded.type', 'note', 'undecoded', 'Undecoded DNS record type'),
  extraneous: expert('dns.extraneous', 'note', 'protocol', 'Extraneous data'),
};

/** `dns`, or the multicast variants decoded by the same code (port 5353 mDNS, 5355 LLMNR). */
export type DnsVariant = 'dns' | 'mdns' | 'llmnr';

export interface DnsLayer extends Layer {
  proto: DnsVariant;
  id: number;
  flags: number;
  response: boolean;
  opcode: number;
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
  /** Carried over TCP (2-byte length prefix). */
  tcp: boolean;
  /** Frame of the matching query (responses), or 0. */
  requestFrame: number;
  /** Frame of the original query/response when this one repeats it, or 0. */
  retransmissionOf: number;
}

// ---------------------------------------------------------------------------------------------
// Names

/** Wireshark's limit on a decoded name, in characters. */
const MAX_NAME = 255;

interface DnsName {
  /** The text (`<Root>`, `<Name too long>`, `<Name contains a pointer that loops>` for odd ones). */
  name: string;
  /** Bytes the name occupies at its own position (up to and including the first pointer). */
  used: number;
}

/** Reads a (possibly compressed) domain name. Pointers may go anywhere inside the message; the
 * number of bytes followed is capped by the message size (a loop gives Wireshark's placeholder
 * text), a pointer outside the captured message throws like any short read. */
export function readDnsName(ctx: DecodeContext, msg: number, off: number, end: number): DnsName {
  const d = ctx.data;
  let pos = off;
  let used = -1;
  let name = '';
  let tooLong = false;
  let loops = false;
  let processed = 0;
  const budget = end - msg;
  for (;;) {
    ctx.need('dns', pos, 1, end);
    const len = d[pos]!;
    const kind = len & 0xc0;
    if (len === 0) {
      pos++;
      break;
    }
    if (kind === 0xc0) {
      ctx.need('dns', pos, 2, end);
      const ptr = ((len & 0x3f) << 8) | d[pos + 1]!;
      if (used < 0) used = pos + 2 - off;
      processed += 2;
      if (processed >= budget) {
        loops = true;
        break;
      }
      pos = msg + ptr;
      continue;
    }
    if (kind !== 0) {
      // extended label types (RFC 2671/6891): not decoded
      if (!tooLong) name = name ? name + '.<Unknown extended label>' : '<Unknown extended label>';
      pos++;
      break;
    }
    ctx.need('dns', pos + 1, len, end);
    processed += len + 1;
    if (processed >= budget + 1 && used >= 0) {
      loops = true;
      break;
    }
    if (!tooLong) {
      const label = latin1(d, pos + 1, pos + 1 + len);
      const next = name ? name + '.' + label : label;
      if (next.length > MAX_NAME) tooLong = true;
      else name = next;
    }
    pos += 1 + len;
  }
  if (used < 0) used = pos - off;
  if (loops) return { name: '<Name contains a pointer that loops>', used };
  if (tooLong) return { name: '<Name too long>', used };
  return { name: name || '<Root>', used };
}

function labelCount(name: string): number {
  let n = 1;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 46) n++;
  return n;
}

/** Wireshark's `unsigned_time_secs_to_str`: `1 day, 2 hours, 5 minutes, 1 second`. */
export function timeSecsToString(s: number): string {
  if (s === 0) return '0 seconds';
  const parts: string[] = [];
  const unit = (n: number, w: string) => parts.push(`${n} ${w}${n === 1 ? '' : 's'}`);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const mins = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  if (days) unit(days, 'day');
  if (hours) unit(hours, 'hour');
  if (mins) unit(mins, 'minute');
  if (secs) unit(secs, 'second');
  return parts.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Request/response matching (per capture).

interface DnsTransaction {
  reqFrame: number;
  repFrame: number;
  reqSec: number;
  reqNsec: number;
}

/** Wireshark's `dns.retransmission_timer` default: a repeated query within it is a retransmission. */
const RETRANSMISSION_TIMER = 5;

interface Match {
  requestFrame: number;
  time: number;
  retransmissionOf: number;
  unsolicited: boolean;
}

const TRANSACTIONS = stateKey('dns.transactions', () => new Map<string, DnsTransaction>());

function matchTransaction(ctx: DecodeContext, id: number, response: boolean): Match | null {
  if (ctx.errorDepth > 0) return null;
  const ports = transportPorts(ctx);
  if (!ports) return null;
  const conv = conversationKey(ctx, ports.proto, ports.srcPort, ports.dstPort).key;
  const map = ctx.session.get(TRANSACTIONS);
  const key = conv + '#' + id;
  const f = ctx.packet.frame;
  const sec = f.hasTime ? f.tsSec : 0;
  const nsec = f.hasTime ? f.tsNsec : 0;
  const t = map.get(key);
  const m: Match = { requestFrame: 0, time: 0, retransmissionOf: 0, unsolicited: false };
  if (!response) {
    if (!t || t.repFrame > 0 || sec - t.reqSec + (nsec - t.reqNsec) / 1e9 >= RETRANSMISSION_TIMER || t.reqFrame === f.number) {
      if (!t || t.reqFrame !== f.number) map.set(key, { reqFrame: f.number, repFrame: 0, reqSec: sec, reqNsec: nsec });
    } else {
      m.retransmissionOf = t.reqFrame;
    }
    return m;
  }
  if (!t) {
    m.unsolicited = true;
  } else if (t.repFrame === 0 || t.repFrame === f.number) {
    t.repFrame = f.number;
    m.requestFrame = t.reqFrame;
    m.time = sec - t.reqSec + (nsec - t.reqNsec) / 1e9;
  } else {
    m.retransmissionOf = t.repFrame;
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Messages

const SECTION_TITLES = ['Answers', 'Authoritative nameservers', 'Additional records'];
const UPDATE_TITLES = ['Prerequisites', 'Updates', 'Additional records'];

/** Decodes one DNS message in [msg, end). `lenOff` is the TCP length prefix offset, or -1. */
function decodeMessage(ctx: DecodeContext, msg: number, end: number, tree: Tree | undefined, lenOff: number, variant: DnsVariant): void {
  const mdns = variant === 'mdns';
  const llmnr = variant === 'llmnr';
  ctx.need('dns', msg, 12, end);
  const v = ctx.view;
  const id = v.getUint16(msg);
  const flags = v.getUint16(msg + 2);
  const qd = v.getUint16(msg + 4);
  const an = v.getUint16(msg + 6);
  const ns = v.getUint16(msg + 8);
  const ar = v.getUint16(msg + 10);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 15;
  const rcode = flags & 15;
  const layer = ctx.addLayer<DnsLayer>({
    proto: variant,
    offset: lenOff >= 0 ? lenOff : msg,
    length: end - (lenOff >= 0 ? lenOff : msg),
    errorDepth: 0,
    id,
    flags,
    response,
    opcode,
    rcode,
    qdcount: qd,
    ancount: an,
    nscount: ns,
    arcount: ar,
    tcp: lenOff >= 0,
    requestFrame: 0,
    retransmissionOf: 0,
  });
  ctx.setProtocol(variant.toUpperCase());
  const match = matchTransaction(ctx, id, response);
  if (match) {
    layer.requestFrame = match.requestFrame;
    layer.retransmissionOf = match.retransmissionOf;
  }
  const opName = OPCODES[opcode] ?? `Unknown operation (${opcode})`;
  const rcName = RCODES[rcode] ?? `Unknown error (${rcode})`;
  const cols = ctx.columns;
  if (cols) {
    let info = `${opName}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
    if (response && rcode !== 0) info += ' ' + rcName;
    ctx.setInfo(info);
  }
  const t = tree?.add(hf[variant], layer.offset, layer.length, null, { text: `${hf[variant].label} (${response ? 'response' : 'query'})` });
  if (t) {
    layer.tree = t;
    if (lenOff >= 0) t.add(hf.length, lenOff, 2, v.getUint16(lenOff));
    t.add(hf.id, msg, 2, id);
    const ft = t.add(hf.flags, msg + 2, 2, flags, {
      text: `Flags: 0x${flags.toString(16).padStart(4, '0')} ${opName}${response ? ` response, ${rcName}` : ''}`,
    });
    const fo = msg + 2;
    ft.add(hf.response, fo, 2, response);
    ft.add(hf.opcode, fo, 2, opcode);
    if (llmnr) {
      ft.add(hf.conflict, fo, 2, (flags & 0x400) !== 0);
      ft.add(hf.truncated, fo, 2, (flags & 0x200) !== 0);
      ft.add(hf.tentative, fo, 2, (flags & 0x100) !== 0);
      if (response) ft.add(hf.rcode, fo, 2, rcode);
    } else {
      if (response) ft.add(hf.authoritative, fo, 2, (flags & 0x400) !== 0);
      ft.add(hf.truncated, fo, 2, (flags & 0x200) !== 0);
      ft.add(hf.recdesired, fo, 2, (flags & 0x100) !== 0);
      if (response) ft.add(hf.recavail, fo, 2, (flags & 0x80) !== 0);
      ft.add(hf.z, fo, 2, (flags & 0x40) !== 0);
      if (response) ft.add(hf.authenticated, fo, 2, (flags & 0x20) !== 0);
      else if (flags & 0x20) ft.add(hf.authenticated, fo, 2, true, { text: '.... .... ..1. .... = AD bit: Set' });
      ft.add(hf.checkdisable, fo, 2, (flags & 0x10) !== 0);
      if (response) ft.add(hf.rcode, fo, 2, rcode);
    }
    const update = opcode === 5;
    t.add(update ? hf.countZones : hf.countQueries, msg + 4, 2, qd);
    t.add(update ? hf.countPrereq : hf.countAnswers, msg + 6, 2, an);
    t.add(update ? hf.countUpdates : hf.countAuth, msg + 8, 2, ns);
    t.add(hf.countAdd, msg + 10, 2, ar);
  }
  if (!t && !cols) return; // fast path: the header is all the layer needs
  let off = msg + 12;
  const update = opcode === 5;
  if (qd > 0) {
    const qt = t?.add(textField, off, 0, null, { text: update ? 'Zone' : 'Queries' });
    for (let i = 0; i < qd; i++) off = decodeQuestion(ctx, msg, off, end, qt, mdns);
  }
  const counts = [an, ns, ar];
  for (let s = 0; s < 3; s++) {
    if (counts[s]! === 0) continue;
    const st = t?.add(textField, off, 0, null, { text: (update ? UPDATE_TITLES : SECTION_TITLES)[s]! });
    for (let i = 0; i < counts[s]!; i++) off = decodeRR(ctx, msg, off, end, st, mdns);
  }
  if (match && t) {
    if (match.requestFrame) {
      t.add(hf.responseTo, msg, 0, match.requestFrame, { generated: true });
      t.add(hf.time, msg, 0, match.time, { generated: true });
    } else if (match.retransmissionOf) {
      const req = !response;
      ctx.issue('dns', req ? ei.retransmitRequest : ei.retransmitResponse, t, msg, 0,
        `DNS ${req ? 'query' : 'response'} retransmission. Original ${req ? 'request' : 'response'} in frame ${match.retransmissionOf}`);
      t.add(req ? hf.retransmitRequestIn : hf.retransmitResponseIn, msg, 0, match.retransmissionOf, { generated: true });
      t.add(hf.retransmission, msg, 0, true, { generated: true });
    } else if (match.unsolicited) {
      t.add(hf.unsolicited, msg, 0, true, { generated: true });
    }
  }
}

function decodeQuestion(ctx: DecodeContext, msg: number, off: number, end: number, tree: Tree | undefined, mdns: boolean): number {
  const n = readDnsName(ctx, msg, off, end);
  const p = off + n.used;
  ctx.need('dns', p, 4, end);
  const type = ctx.view.getUint16(p);
  const cls = ctx.view.getUint16(p + 2);
  const qu = mdns && (cls & 0x8000) !== 0;
  const c = mdns ? cls & 0x7fff : cls;
  const shown = escapeForTerminal(n.name);
  if (ctx.columns) ctx.appendInfo(` ${typeShort(type)} ${shown}${mdns ? (qu ? ', "QU" question' : ', "QM" question') : ''}`);
  if (tree) {
    const qt = tree.add(textField, off, n.used + 4, null, { text: `${shown}: type ${typeShort(type)}, class ${className(c)}${mdns && qu ? ', "QU" question' : ''}` });
    qt.add(hf.qryName, off, n.used, n.name);
    qt.add(hf.qryNameLen, off, n.used, n.name.length, { generated: true });
    qt.add(hf.countLabels, off, n.used, labelCount(n.name), { generated: true });
    qt.add(hf.qryType, p, 2, type);
    qt.add(hf.qryClass, p + 2, 2, c);
    if (mdns) qt.add(hf.qryQu, p + 2, 2, qu);
  }
  return p + 4;
}

function decodeRR(ctx: DecodeContext, msg: number, off: number, end: number, tree: Tree | undefined, mdns: boolean): number {
  const v = ctx.view;
  const n = readDnsName(ctx, msg, off, end);
  const p = off + n.used;
  ctx.need('dns', p, 10, end);
  const type = v.getUint16(p);
  const cls = v.getUint16(p + 2);
  const ttl = v.getUint32(p + 4);
  const rdlen = v.getUint16(p + 8);
  const rd = p + 10;
  const rdEnd = Math.min(end, rd + rdlen);
  const flush = mdns && type !== 41 && (cls & 0x8000) !== 0;
  const c = mdns && type !== 41 ? cls & 0x7fff : cls;
  const short = typeShort(type);
  const shownName = escapeForTerminal(n.name);
  if (ctx.columns) ctx.appendInfo(` ${short}${flush ? ', cache flush' : ''}`);
  const head = type === 41 ? `${shownName}: type ${short}` : `${shownName}: type ${short}, class ${className(c)}`;
  let summary = '';
  const rt = tree?.add(textField, off, n.used + 10 + rdlen, null, { text: head });
  if (rt) {
    if (type === 33 && /^_[^.]*\._[^.]*\./.test(n.name)) {
      const i1 = n.name.indexOf('.');
      const i2 = n.name.indexOf('.', i1 + 1);
      rt.add(hf.srvService, off, n.used, n.name.slice(0, i1));
      rt.add(hf.srvProto, off, n.used, n.name.slice(i1 + 1, i2));
      rt.add(hf.srvName, off, n.used, n.name.slice(i2 + 1));
    } else {
      rt.add(hf.respName, off, n.used, n.name);
    }
    rt.add(hf.respType, p, 2, type);
    if (type === 41) {
      rt.add(hf.udpPayloadSize, p + 2, 2, cls);
      rt.add(hf.extRcode, p + 4, 1, ctx.data[p + 4]!);
      rt.add(hf.ednsVersion, p + 5, 1, ctx.data[p + 5]!);
      const z = v.getUint16(p + 6);
      const zt = rt.add(hf.respZ, p + 6, 2, z);
      zt.add(hf.respZDo, p + 6, 2, (z & 0x8000) !== 0);
      zt.add(hf.respZReserved, p + 6, 2, z & 0x7fff);
    } else {
      rt.add(hf.respClass, p + 2, 2, c);
      if (mdns) rt.add(hf.cacheFlush, p + 2, 2, flush);
      rt.add(hf.respTtl, p + 4, 4, ttl, { text: `Time to live: ${ttl} (${timeSecsToString(ttl)})` });
    }
    rt.add(hf.respLen, p + 8, 2, rdlen);
  }
  // RDATA: reads are bounded by the record length (a short record is malformed, like Wireshark's subset tvb)
  const info = (s: string) => {
    if (ctx.columns) ctx.appendInfo(' ' + s);
  };
  const nameAt = (o: number) => readDnsName(ctx, msg, o, end);
  switch (type) {
    case 1: {
      ctx.need('dns', rd, 4, rdEnd);
      const a = v.getUint32(rd);
      const s = ipv4ToString(a);
      info(s);
      summary += `, addr ${s}`;
      rt?.add(hf.a, rd, 4, a);
      break;
    }
    case 28: {
      ctx.need('dns', rd, 16, rdEnd);
      const a = ctx.data.subarray(rd, rd + 16);
      const s = ipv6ToString(a);
      info(s);
      summary += `, addr ${s}`;
      rt?.add(hf.aaaa, rd, 16, a);
      break;
    }
    case 2:
    case 5:
    case 12:
    case 39: {
      const t = nameAt(rd);
      const s = escapeForTerminal(t.name);
      info(s);
      const def = type === 2 ? hf.ns : type === 5 ? hf.cname : type === 12 ? hf.ptr : hf.dname;
      summary += type === 2 ? `, ns ${s}` : type === 5 ? `, cname ${s}` : type === 12 ? `, ${s}` : `, dname ${s}`;
      rt?.add(def, rd, t.used, t.name);
      break;
    }
    case 15: {
      ctx.need('dns', rd, 2, rdEnd);
      const pref = v.getUint16(rd);
      const t = nameAt(rd + 2);
      const s = escapeForTerminal(t.name);
      info(`${pref} ${s}`);
      summary += `, preference ${pref}, mx ${s}`;
      rt?.add(hf.mxPref, rd, 2, pref);
      rt?.add(hf.mxExchange, rd + 2, t.used, t.name);
      break;
    }
    case 6: {
      const m = nameAt(rd);
      const s = escapeForTerminal(m.name);
      info(s);
      summary += `, mname ${s}`;
      const r = nameAt(rd + m.used);
      const q = rd + m.used + r.used;
      ctx.need('dns', q, 20, rdEnd);
      if (rt) {
        rt.add(hf.soaMname, rd, m.used, m.name);
        rt.add(hf.soaRname, rd + m.used, r.used, r.name);
        rt.add(hf.soaSerial, q, 4, v.getUint32(q));
        const iv = (def: typeof hf.soaRefresh, o: number) => {
          const x = v.getUint32(o);
          rt.add(def, o, 4, x, { text: `${def.label}: ${x} (${timeSecsToString(x)})` });
        };
        iv(hf.soaRefresh, q + 4);
        iv(hf.soaRetry, q + 8);
        iv(hf.soaExpire, q + 12);
        iv(hf.soaMinimum, q + 16);
      }
      break;
    }
    case 33: {
      ctx.need('dns', rd, 6, rdEnd);
      const pr = v.getUint16(rd);
      const w = v.getUint16(rd + 2);
      const port = v.getUint16(rd + 4);
      const t = nameAt(rd + 6);
      const s = escapeForTerminal(t.name);
      info(`${pr} ${w} ${port} ${s}`);
      summary += `, priority ${pr}, weight ${w}, port ${port}, target ${s}`;
      if (rt) {
        rt.add(hf.srvPriority, rd, 2, pr);
        rt.add(hf.srvWeight, rd + 2, 2, w);
        rt.add(hf.srvPort, rd + 4, 2, port);
        rt.add(hf.srvTarget, rd + 6, t.used, t.name);
      }
      break;
    }
    case 13: {
      ctx.need('dns', rd, 1, rdEnd);
      const cl = ctx.data[rd]!;
      ctx.need('dns', rd + 1, cl + 1, rdEnd);
      const ol = ctx.data[rd + 1 + cl]!;
      ctx.need('dns', rd + 2 + cl, ol, rdEnd);
      const cpu = latin1(ctx.data, rd + 1, rd + 1 + cl);
      const os = latin1(ctx.data, rd + 2 + cl, rd + 2 + cl + ol);
      info(`${escapeForTerminal(cpu)} ${escapeForTerminal(os)}`);
      summary += `, CPU ${escapeForTerminal(cpu)}, OS ${escapeForTerminal(os)}`;
      if (rt) {
        rt.add(hf.hinfoCpuLen, rd, 1, cl);
        rt.add(hf.hinfoCpu, rd + 1, cl, cpu);
        rt.add(hf.hinfoOsLen, rd + 1 + cl, 1, ol);
        rt.add(hf.hinfoOs, rd + 2 + cl, ol, os);
      }
      break;
    }
    case 16:
    case 99: {
      if (rt) {
        let q = rd;
        for (let i = 0; q < rd + rdlen && i < 65536; i++) {
          ctx.need('dns', q, 1, rdEnd);
          const l = ctx.data[q]!;
          ctx.need('dns', q + 1, l, rdEnd);
          rt.add(type === 16 ? hf.txtLength : hf.spfLength, q, 1, l);
          rt.add(type === 16 ? hf.txt : hf.spf, q + 1, l, latin1(ctx.data, q + 1, q + 1 + l));
          q += 1 + l;
        }
      }
      break;
    }
    case 41: {
      if (rt) {
        let q = rd;
        for (let i = 0; q + 4 <= rd + rdlen && i < 65536; i++) {
          ctx.need('dns', q, 4, rdEnd);
          const code = v.getUint16(q);
          const ol = v.getUint16(q + 2);
          const name = OPT_CODES[code] ?? 'Unknown';
          const ot = rt.add(hf.opt, q, 4 + ol, null, { text: `Option: ${name}` });
          ot.add(hf.optCode, q, 2, code);
          ot.add(hf.optLen, q + 2, 2, ol);
          ctx.need('dns', q + 4, ol, rdEnd);
          if (ol > 0) ot.add(hf.optData, q + 4, ol, ctx.data.subarray(q + 4, q + 4 + ol));
          optionValue(ot, ctx.data, code, q + 4, ol);
          q += 4 + ol;
        }
      }
      break;
    }
    default: {
      const known = TYPE_DESCRIPTIONS.has(type);
      if (!known && rt) {
        ctx.issue('dns', ei.undecodedType, rt, rd, 0, `Dissector for DNS Type (${type}) code not implemented, Contact Wireshark developers if you want this supported`);
      }
      if (rt && rdlen > 0 && !known) {
        ctx.need('dns', rd, rdlen, end);
        rt.add(hf.data, rd, rdlen, ctx.data.subarray(rd, rd + rdlen));
      }
    }
  }
  if (rt && summary) rt.appendText(summary);
  return rd + rdlen;
}

/** The decoded value of an EDNS option Wireshark takes apart: COOKIE (RFC 7873) and Extended DNS
 * Error (RFC 8914). */
function optionValue(ot: Tree, d: Uint8Array, code: number, o: number, len: number): void {
  if (code === 10 && len >= 8) {
    ot.add(hf.optCookieClient, o, 8, d.subarray(o, o + 8));
    ot.add(hf.optCookieServer, o + 8, len - 8, d.subarray(o + 8, o + len));
  } else if (code === 15 && len >= 2) {
    ot.add(hf.optExtErrorCode, o, 2, u16(d, o));
    if (len > 2) ot.add(hf.optExtErrorText, o + 2, len - 2, latin1(d, o + 2, o + len));
  }
}

function variantOf(ctx: DecodeContext): DnsVariant {
  const p = transportPorts(ctx);
  if (!p || p.proto !== 'udp') return 'dns';
  if (p.srcPort === 5353 || p.dstPort === 5353) return 'mdns';
  if (p.srcPort === 5355 || p.dstPort === 5355) return 'llmnr';
  return 'dns';
}

/** DNS over UDP; also mDNS (UDP 5353) and LLMNR (UDP 5355), which share its format. */
export const dnsDecoder: Decoder = {
  proto: 'dns',
  fieldPrefixes: ['dns', 'mdns', 'llmnr', 'text'],
  leaf: true,
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    decodeMessage(ctx, offset, end, tree, -1, variantOf(ctx));
  },
};

/** Bytes still missing for the DNS-over-TCP message at `offset` (length prefix + message):
 * 0 when complete, -1 when even the prefix is incomplete. For the TCP engine's reassembly. */
export function dnsTcpMessageNeed(data: Uint8Array, offset: number, end: number): number {
  if (end - offset < 2) return -1;
  const len = (data[offset]! << 8) | data[offset + 1]!;
  return Math.max(0, offset + 2 + len - end);
}

/** DNS over TCP: 2-byte length prefix per message; several messages may share a segment. A
 * message cut by the segment end is shown as far as it goes (reassembly comes from TCP). */
export const dnsTcpDecoder: Decoder = {
  proto: 'dns',
  fieldPrefixes: ['dns', 'mdns', 'llmnr', 'text'],
  leaf: true,
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    // tcp_dissect_pdus with dns.desegment_dns_messages: a message cut by the segment end (or a
    // cut length prefix) asks TCP for the rest
    const offer = desegmentOffer(ctx);
    let off = offset;
    for (let i = 0; off < end && i < 1024; i++) {
      if (off + 2 > end) {
        if (offer) requestMore(offer, off, ONE_MORE_SEGMENT);
        return;
      }
      const len = u16(ctx.data, off);
      const msgEnd = off + 2 + len;
      if (msgEnd > end && offer) {
        requestMore(offer, off, msgEnd - end);
        return;
      }
      showPduSize(ctx, off, 2 + len);
      if (msgEnd > end) {
        // partial message: decode what is there, without marking the packet malformed
        try {
          decodeMessage(ctx, off + 2, end, tree, off, 'dns');
        } catch (e) {
          if (!(e instanceof BoundsError)) throw e;
        }
        return;
      }
      if (i > 0 && ctx.columns) ctx.appendInfo(' , ');
      decodeMessage(ctx, off + 2, msgEnd, tree, off, 'dns');
      off = msgEnd;
    }
  },
};
