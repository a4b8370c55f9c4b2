/**
 * TCP (RFC 9293) with Wireshark 4.0's field names, tree texts and Info column.
 *
 * The work is split in two so that the output can carry Wireshark's per-conversation values
 * (relative sequence numbers, scaled window, stream index, analysis flags) in Wireshark's order:
 *
 * - `tcpDecoder.decode` reads the fixed header into the typed `TcpLayer` (seglen from the IP
 *   layer's reported length), adds the protocol node, the ports and the Info `sport → dport`
 *   prefix, and returns the payload range.
 * - `renderTcp` walks the options (filling the layer's option values: MSS, window scale, SACK,
 *   timestamps) and writes every other tree item, the expert items and the rest of the Info
 *   column. The TCP analyzer (`src/analysis/tcp/`) calls it after its per-packet analysis, which
 *   Wireshark also runs before the options; when no analyzer is registered the decoder calls it
 *   itself with no analysis (absolute numbers, no stream) and decides the hand-off.
 *
 * Without a tree and without columns nothing but the option walk and the expert records is done
 * (no strings are built). Option effects on the conversation (window scale, SACK blocks, TFO)
 * are applied by the analyzer from the typed layer after the walk, as Wireshark does.
 *
 * Not decoded in detail (kind/length/generic node only): MPTCP, SCPS, SNACK, Riverbed options.
 * Not done here: checksum verification (tshark's default is off), reassembly and the texts it
 * adds (` [TCP segment of a reassembled PDU]`, `[Reassembly error ...]`).
 */
import type { ColumnText, DecodeContext, DecodeResult, Next } from './core/context.js';
import { expert } from './core/expert.js';
import { field, fieldByName, protocol, type FieldDef } from './core/fields.js';
import { u16, u32 } from './core/bytes.js';
import { storeAsDoubles } from './core/doubles.js';
import { latin1 } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import { FieldCollector, GENERATED, type AddOptions, type Tree } from './core/tree.js';

// ---------------------------------------------------------------------------------------------
// Fields

const SET_NOTSET = ['Set', 'Not set'] as const;
const flagBit = (name: string, label: string, mask: number) => field(name, label, 'bool', { mask, tf: SET_NOTSET });

export const hf = {
  tcp: protocol('tcp', 'Transmission Control Protocol'),
  srcport: field('tcp.srcport', 'Source Port', 'uint', { bits: 16 }),
  dstport: field('tcp.dstport', 'Destination Port', 'uint', { bits: 16 }),
  port: field('tcp.port', 'Source or Destination Port', 'uint', { bits: 16 }),
  stream: field('tcp.stream', 'Stream index', 'uint'),
  completeness: field('tcp.completeness', 'Conversation completeness', 'uint', { bits: 8 }),
  len: field('tcp.len', 'TCP Segment Len', 'uint'),
  seq: field('tcp.seq', 'Sequence Number', 'uint'),
  seqRaw: field('tcp.seq_raw', 'Sequence Number (raw)', 'uint'),
  nxtseq: field('tcp.nxtseq', 'Next Sequence Number', 'uint'),
  ack: field('tcp.ack', 'Acknowledgment Number', 'uint'),
  ackRaw: field('tcp.ack_raw', 'Acknowledgment number (raw)', 'uint'),
  hdrLen: field('tcp.hdr_len', 'Header Length', 'uint', { bits: 8 }),
  flags: field('tcp.flags', 'Flags', 'uint', { base: 'hex', bits: 16, mask: 0xfff }),
  flagsRes: flagBit('tcp.flags.res', 'Reserved', 0xe00),
  flagsAe: flagBit('tcp.flags.ae', 'Accurate ECN', 0x100),
  flagsAce: field('tcp.flags.ace', 'ACE', 'uint', { bits: 8 }),
  flagsCwr: flagBit('tcp.flags.cwr', 'Congestion Window Reduced', 0x80),
  flagsEce: flagBit('tcp.flags.ece', 'ECN-Echo', 0x40),
  flagsUrg: flagBit('tcp.flags.urg', 'Urgent', 0x20),
  flagsAck: flagBit('tcp.flags.ack', 'Acknowledgment', 0x10),
  flagsPush: flagBit('tcp.flags.push', 'Push', 0x08),
  flagsReset: flagBit('tcp.flags.reset', 'Reset', 0x04),
  flagsSyn: flagBit('tcp.flags.syn', 'Syn', 0x02),
  flagsFin: flagBit('tcp.flags.fin', 'Fin', 0x01),
  flagsStr: field('tcp.flags.str', 'TCP Flags', 'string'),
  windowSizeValue: field('tcp.window_size_value', 'Window', 'uint', { bits: 16 }),
  windowSize: field('tcp.window_size', 'Calculated window size', 'uint'),
  windowScale: field('tcp.window_size_scalefactor', 'Window size scaling factor', 'int'),
  checksum: field('tcp.checksum', 'Checksum', 'uint', { base: 'hex', bits: 16 }),
  checksumStatus: field('tcp.checksum.status', 'Checksum Status', 'uint', {
    bits: 8,
    values: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' },
  }),
  urgentPointer: field('tcp.urgent_pointer', 'Urgent Pointer', 'uint', { bits: 16 }),
  options: field('tcp.options', 'TCP Options', 'bytes'),
  optionKind: field('tcp.option_kind', 'Kind', 'uint', { bits: 8 }),
  optionLen: field('tcp.option_len', 'Length', 'uint', { bits: 8 }),
  optNop: protocol('tcp.options.nop', 'TCP Option - No-Operation (NOP)'),
  optEol: protocol('tcp.options.eol', 'TCP Option - End of Option List (EOL)'),
  optMss: protocol('tcp.options.mss', 'TCP Option - Maximum segment size'),
  optWscale: protocol('tcp.options.wscale', 'TCP Option - Window scale'),
  optSackPerm: protocol('tcp.options.sack_perm', 'TCP Option - SACK permitted'),
  optSack: protocol('tcp.options.sack', 'TCP Option - SACK'),
  optTimestamp: protocol('tcp.options.timestamp', 'TCP Option - Timestamps'),
  optEcho: protocol('tcp.options.echo', 'TCP Option - Echo'),
  optCc: protocol('tcp.options.cc', 'TCP Option - CC'),
  optMd5: protocol('tcp.options.md5', 'TCP Option - TCP MD5 signature'),
  optAo: protocol('tcp.options.ao', 'TCP Option - TCP AO'),
  optQs: protocol('tcp.options.qs', 'TCP Option - Quick-Start'),
  optUserTo: protocol('tcp.options.user_to', 'TCP Option - User Timeout'),
  optTfo: protocol('tcp.options.tfo', 'TCP Option - TCP Fast Open'),
  optExp: protocol('tcp.options.experimental', 'TCP Option - Experimental'),
  optAccEcn: protocol('tcp.options.acc_ecn', 'TCP Option - Accurate ECN'),
  optScps: protocol('tcp.options.scps', 'TCP Option - SCPS capabilities'),
  optSnack: protocol('tcp.options.snack', 'TCP Option - Selective Negative Acknowledgment'),
  optScpsRec: protocol('tcp.options.scpsrec', 'TCP Option - SCPS record boundary'),
  optScpsCor: protocol('tcp.options.scpscor', 'TCP Option - SCPS corruption experienced'),
  optRvbdProbe: protocol('tcp.options.rvbd.probe', 'TCP Option - Riverbed Probe'),
  optRvbdTrpy: protocol('tcp.options.rvbd.trpy', 'TCP Option - Riverbed Transparency'),
  optMptcp: protocol('mptcp', 'Multipath Transmission Control Protocol'),
  optUnknown: protocol('tcp.options.unknown', 'TCP Option - Unknown'),
  mssVal: field('tcp.options.mss_val', 'MSS Value', 'uint', { bits: 16 }),
  wscaleShift: field('tcp.options.wscale.shift', 'Shift count', 'uint', { bits: 8 }),
  wscaleMultiplier: field('tcp.options.wscale.multiplier', 'Multiplier', 'uint', { bits: 16 }),
  sackLe: field('tcp.options.sack_le', 'TCP SACK Left Edge', 'uint'),
  sackRe: field('tcp.options.sack_re', 'TCP SACK Right Edge', 'uint'),
  sackCount: field('tcp.options.sack.count', 'TCP SACK Count', 'uint', { bits: 8 }),
  dsackLe: field('tcp.options.sack.dsack_le', 'TCP D-SACK Left Edge', 'uint'),
  dsackRe: field('tcp.options.sack.dsack_re', 'TCP D-SACK Right Edge', 'uint'),
  tsval: field('tcp.options.timestamp.tsval', 'Timestamp value', 'uint'),
  tsecr: field('tcp.options.timestamp.tsecr', 'Timestamp echo reply', 'uint'),
  echoValue: field('tcp.options.echo_value', 'TCP Echo Option', 'uint'),
  ccValue: field('tcp.options.cc_value', 'TCP CC Option', 'uint'),
  md5Digest: field('tcp.options.md5.digest', 'MD5 digest', 'bytes'),
  aoKeyId: field('tcp.options.ao.keyid', 'AO KeyID', 'uint', { bits: 8 }),
  aoRNextKeyId: field('tcp.options.ao.rnextkeyid', 'AO RNextKeyID', 'uint', { bits: 8 }),
  aoMac: field('tcp.options.ao.mac', 'AO MAC', 'bytes'),
  qsRate: field('tcp.options.qs.rate', 'QS Rate', 'uint', { bits: 8, mask: 0x0f }),
  qsTtlDiff: field('tcp.options.qs.ttl_diff', 'QS Rate', 'uint', { bits: 8 }),
  userToGranularity: field('tcp.options.user_to_granularity', 'Granularity', 'bool', { mask: 0x8000, tf: ['Minutes', 'Seconds'] }),
  userToVal: field('tcp.options.user_to_val', 'User Timeout', 'uint', { bits: 16, mask: 0x7fff }),
  tfoRequest: field('tcp.options.tfo.request', 'Fast Open Cookie Request', 'none'),
  tfoCookie: field('tcp.options.tfo.cookie', 'Fast Open Cookie', 'bytes'),
  expExid: field('tcp.options.experimental.exid', 'Experiment Identifier', 'uint', { base: 'hex', bits: 16 }),
  expData: field('tcp.options.experimental.data', 'Data', 'bytes'),
  accEcnEe0b: field('tcp.options.acc_ecn.ee0b', 'Accurate ECN Echo ECT(0) Byte Counter', 'uint', { bits: 24 }),
  accEcnEceb: field('tcp.options.acc_ecn.eceb', 'Accurate ECN Echo CE Byte Counter', 'uint', { bits: 24 }),
  accEcnEe1b: field('tcp.options.acc_ecn.ee1b', 'Accurate ECN Echo ECT(1) Byte Counter', 'uint', { bits: 24 }),
  unknownPayload: field('tcp.options.unknown.payload', 'Payload', 'bytes'),
  // analysis (generated)
  analysis: field('tcp.analysis', 'SEQ/ACK analysis', 'none'),
  analysisFlags: field('tcp.analysis.flags', 'TCP Analysis Flags', 'none'),
  acksFrame: field('tcp.analysis.acks_frame', 'This is an ACK to the segment in frame', 'framenum'),
  ackRtt: field('tcp.analysis.ack_rtt', 'The RTT to ACK the segment was', 'reltime'),
  initialRtt: field('tcp.analysis.initial_rtt', 'iRTT', 'reltime'),
  bytesInFlight: field('tcp.analysis.bytes_in_flight', 'Bytes in flight', 'uint'),
  pushBytesSent: field('tcp.analysis.push_bytes_sent', 'Bytes sent since last PSH flag', 'uint'),
  rto: field('tcp.analysis.rto', 'The RTO for this segment was', 'reltime'),
  rtoFrame: field('tcp.analysis.rto_frame', 'RTO based on delta from frame', 'framenum'),
  duplicateAck: field('tcp.analysis.duplicate_ack', 'Duplicate ACK', 'none'),
  duplicateAckNum: field('tcp.analysis.duplicate_ack_num', 'Duplicate ACK #', 'uint'),
  duplicateAckFrame: field('tcp.analysis.duplicate_ack_frame', 'Duplicate to the ACK in frame', 'framenum'),
  timeRelative: field('tcp.time_relative', 'Time since first frame in this TCP stream', 'reltime'),
  timeDelta: field('tcp.time_delta', 'Time since previous frame in this TCP stream', 'reltime'),
  payload: field('tcp.payload', 'TCP payload', 'bytes'),
  resetCause: field('tcp.reset_cause', 'Reset cause', 'string'),
  /** Wireshark's text-only items (`hf_text_only`, filter name `text`). */
  text: field('text', 'Text', 'none'),
};

/** Expert items, with the severities and groups tshark 4.0.17 reports. */
export const ei = {
  retransmission: expert('tcp.analysis.retransmission', 'note', 'sequence', 'This frame is a (suspected) retransmission'),
  fastRetransmission: expert('tcp.analysis.fast_retransmission', 'note', 'sequence', 'This frame is a (suspected) fast retransmission'),
  spuriousRetransmission: expert('tcp.analysis.spurious_retransmission', 'note', 'sequence', 'This frame is a (suspected) spurious retransmission'),
  outOfOrder: expert('tcp.analysis.out_of_order', 'warn', 'sequence', 'This frame is a (suspected) out-of-order segment'),
  reusedPorts: expert('tcp.analysis.reused_ports', 'note', 'sequence', 'A new tcp session is started with the same ports as an earlier session in this trace'),
  lostSegment: expert('tcp.analysis.lost_segment', 'warn', 'sequence', 'Previous segment(s) not captured (common at capture start)'),
  ackLostSegment: expert('tcp.analysis.ack_lost_segment', 'warn', 'sequence', "ACKed segment that wasn't captured (common at capture start)"),
  windowUpdate: expert('tcp.analysis.window_update', 'chat', 'sequence', 'TCP window update'),
  windowFull: expert('tcp.analysis.window_full', 'warn', 'sequence', 'TCP window specified by the receiver is now completely full'),
  keepAlive: expert('tcp.analysis.keep_alive', 'note', 'sequence', 'TCP keep-alive segment'),
  keepAliveAck: expert('tcp.analysis.keep_alive_ack', 'note', 'sequence', 'ACK to a TCP keep-alive segment'),
  duplicateAck: expert('tcp.analysis.duplicate_ack', 'note', 'sequence', 'Duplicate ACK'),
  zeroWindowProbe: expert('tcp.analysis.zero_window_probe', 'note', 'sequence', 'TCP Zero Window Probe'),
  zeroWindow: expert('tcp.analysis.zero_window', 'warn', 'sequence', 'TCP Zero Window segment'),
  zeroWindowProbeAck: expert('tcp.analysis.zero_window_probe_ack', 'note', 'sequence', 'ACK to a TCP Zero Window Probe'),
  tfoSyn: expert('tcp.analysis.tfo_syn', 'note', 'sequence', 'TCP SYN with TFO Cookie'),
  tfoAck: expert('tcp.analysis.tfo_ack', 'note', 'sequence', 'TCP SYN-ACK accepting TFO data'),
  tfoIgnored: expert('tcp.analysis.tfo_ignored', 'note', 'sequence', 'TCP SYN-ACK ignoring TFO data'),
  connectionSyn: expert('tcp.connection.syn', 'chat', 'sequence', 'Connection establish request (SYN)'),
  connectionSynAck: expert('tcp.connection.synack', 'chat', 'sequence', 'Connection establish acknowledge (SYN+ACK)'),
  connectionFin: expert('tcp.connection.fin', 'chat', 'sequence', 'Connection finish (FIN)'),
  connectionRst: expert('tcp.connection.rst', 'warn', 'sequence', 'Connection reset (RST)'),
  finActive: expert('tcp.connection.fin_active', 'note', 'sequence', 'This frame initiates the connection closing'),
  finPassive: expert('tcp.connection.fin_passive', 'note', 'sequence', 'This frame undergoes the connection closing'),
  optLenInvalid: expert('tcp.option.len.invalid', 'note', 'sequence', 'Invalid length for option'),
  wscaleShiftInvalid: expert('tcp.options.wscale.shift.invalid', 'warn', 'protocol', 'Window scale shift exceeds 14'),
  mssAbsent: expert('tcp.options.mss.absent', 'note', 'protocol', 'The SYN packet does not contain a MSS option'),
  mssPresent: expert('tcp.options.mss.present', 'warn', 'protocol', 'The non-SYN packet does contain a MSS option'),
  shortSegment: expert('tcp.short_segment', 'warn', 'malformed', 'Short segment'),
  ackNonzero: expert('tcp.ack.nonzero', 'note', 'protocol', 'The acknowledgment number field is nonzero while the ACK flag is not set'),
  urgentNonzero: expert('tcp.urgent_pointer.non_zero', 'note', 'protocol', 'The urgent pointer field is nonzero while the URG flag is not set'),
  suboptionMalformed: expert('tcp.suboption_malformed', 'error', 'malformed', 'suboption would go past end of option'),
  nop: expert('tcp.nop', 'warn', 'protocol', '4 NOP in a row - a router may have removed some options'),
  nonZeroAfterEol: expert('tcp.non_zero_bytes_after_eol', 'error', 'protocol', 'Non-zero header padding'),
  bogusHeaderLength: expert('tcp.bogus_header_length', 'error', 'protocol', 'Bogus TCP Header length'),
  dsack: expert('tcp.options.sack.dsack', 'warn', 'sequence', 'D-SACK Sequence'),
  checksumBad: expert('tcp.checksum_bad.expert', 'error', 'checksum', 'Bad checksum'),
};

// ---------------------------------------------------------------------------------------------
// Typed layer and per-packet analysis

export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_PUSH = 0x08;
export const TH_ACK = 0x10;
export const TH_URG = 0x20;

/** Analysis flags, Wireshark's `TCP_A_*` bits (a packet's `flags` and a flow's last flags). */
export const TCP_A = {
  RETRANSMISSION: 0x0001,
  LOST_PACKET: 0x0002,
  ACK_LOST_PACKET: 0x0004,
  KEEP_ALIVE: 0x0008,
  DUPLICATE_ACK: 0x0010,
  ZERO_WINDOW: 0x0020,
  ZERO_WINDOW_PROBE: 0x0040,
  ZERO_WINDOW_PROBE_ACK: 0x0080,
  KEEP_ALIVE_ACK: 0x0100,
  OUT_OF_ORDER: 0x0200,
  FAST_RETRANSMISSION: 0x0400,
  WINDOW_UPDATE: 0x0800,
  WINDOW_FULL: 0x1000,
  REUSED_PORTS: 0x2000,
  SPURIOUS_RETRANSMISSION: 0x4000,
} as const;

/** Where decoding of the header stopped on a read past the TCP bytes (0: it did not). */
export const FAIL_NONE = 0;
export const FAIL_SHORT = 1; // cut by the snaplen: `[Packet size limited during capture]`
export const FAIL_MALFORMED = 2; // past the reported length: `[Malformed Packet]`

/** Per-packet results of the TCP analysis (Wireshark's `tcp_acked` plus the displayed numbers).
 * Times are in seconds. Fields that Wireshark leaves out are 0 / -1 as noted. */
export interface TcpPacketAnalysis {
  /** `tcp.stream`. */
  stream: number;
  /** `tcp.completeness` as shown in single pass: the value before this packet. */
  completeness: number;
  /** Displayed `tcp.seq` / `tcp.ack` (relative when the segment length is known). */
  seq: number;
  ack: number;
  /** `tcp.nxtseq` (relative), -1 when the segment length is unknown. */
  nxtseq: number;
  /** `tcp.window_size` (scaled unless SYN). */
  window: number;
  /** `tcp.window_size_scalefactor`: -1 unknown, -2 no scaling, else the multiplier; null on SYNs. */
  scaleFactor: number | null;
  timeRelative: number;
  timeDelta: number;
  /** A SEQ/ACK analysis record exists (`tcp.analysis` present). */
  hasTa: boolean;
  /** `TCP_A_*` bits (`tcp.analysis.flags` present iff non-zero). */
  flags: number;
  /** 0 when none. */
  acksFrame: number;
  /** seconds; shown only when acksFrame is set and the value is non-zero. */
  ackRtt: number;
  /** conversation iRTT in seconds (0: unknown). Shown on every packet with a SEQ/ACK record. */
  initialRtt: number;
  /** 0 when not computed (then push_bytes_sent is not shown either). */
  bytesInFlight: number;
  pushBytesSent: number;
  /** seconds, with rtoFrame; shown only with RETRANSMISSION and a non-zero RTO. */
  rto: number;
  rtoFrame: number;
  dupAckNum: number;
  dupAckFrame: number;
  /** This packet's FIN starts the close (`tcp.connection.fin_active`), else passive. */
  finActive: boolean;
  /** The conversation saw a SYN with TFO data before this packet (for `tfo_ignored`). */
  tfoSynData: boolean;
  /** Base sequence of the peer, for the SACK edges (relative to it). */
  peerBase: number;
  /** Direction inside the conversation: 1 (flow1) or 2. */
  dir: 1 | 2;
  /** The conversation negotiated Accurate ECN (or carried its option) before this non-SYN
   * packet: the AE/CWR/ECE bits are shown as one `ACE` counter. */
  accEcn: boolean;
}

export interface TcpLayer extends Layer {
  proto: 'tcp';
  srcPort: number;
  dstPort: number;
  /** Raw 32-bit sequence and acknowledgment numbers. */
  seq: number;
  ack: number;
  /** Header length in bytes (data offset * 4), as on the wire (may be < 20: bogus). */
  hdrLen: number;
  /** The 12 flag bits. */
  flags: number;
  /** Raw 16-bit window field. */
  window: number;
  checksum: number;
  urgent: number;
  /** Reported payload length (IP length - IP header(s) - TCP header); -1 when unknown
   * (IP fragment, header quoted in an ICMP error, or reported length < header length). */
  seglen: number;
  /** Reported length of the TCP segment (header + payload), from the IP layer. */
  reportedLen: number;
  /** Payload start in `ctx.data` and how many payload bytes were captured. */
  payloadOffset: number;
  payloadCaptured: number;
  /** Options (only the ones Wireshark's option walk reaches, with a valid length). */
  mss?: number;
  /** Window scale shift, clamped to 14. */
  wscale?: number;
  sackPerm: boolean;
  /** Raw SACK edges of every complete block, left,right pairs in packet order. */
  sack?: number[];
  /** The blocks Wireshark keeps for the peer's bytes-in-flight: the first three of the last SACK
   * option (left,right pairs). */
  sackBif?: number[];
  tsval?: number;
  tsecr?: number;
  /** A TFO cookie on a SYN (no ACK). */
  tfoCookie: boolean;
  /** An Accurate ECN option (172/174) was walked. */
  accEcnOption?: boolean;
  /** A read past the TCP bytes stops decoding here (FAIL_*), at `failOffset` (frame offset). */
  fail: number;
  failOffset: number;
  /** The option walk reached its end without a length error or non-zero padding (Wireshark then
   * checks for a missing MSS). */
  optionsComplete: boolean;
  /** Walked without the analysis, a SACK option without a complete block reached Wireshark's
   * D-SACK test, which compares relative numbers and then re-reads the first block: whether the
   * walk failed there depends on the analysis (engine/flow-pipe-feed.ts). */
  optionsNeedAnalysis: boolean;
  /** Set by the TCP analyzer. */
  analysis?: TcpPacketAnalysis;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Whether `t` keeps the display text of `def`: a full tree keeps every text, a FieldCollector
 * only that of a protocol node it collects (`-T fields -e tcp.options.mss`). Texts are built only
 * then. */
function keepsText(t: Tree, def: FieldDef): boolean {
  return t.full || (def.type === 'protocol' && t.wants(def));
}

/** Shared item options (trees copy what they keep from them). */
const HIDDEN: AddOptions = { hidden: true };

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const FLAG_LETTERS = 'RRRACEUAPRSF';
const MIDDLE_DOT = '\u00b7';

/** Info / flags-item text of the flag bits: `SYN, ACK`, `<None>`; with Accurate ECN the AE, CWR
 * and ECE bits are one counter: `ACK, ACE=3`. */
export function tcpFlagsToString(flags: number, accEcn = false): string {
  if (!accEcn) return (FLAGS_TEXT[flags & 0xfff] ??= flagsText(flags & 0xfff, false));
  return flagsText(flags, true);
}

const FLAGS_TEXT: string[] = [];

function flagsText(flags: number, accEcn: boolean): string {
  let s = '';
  for (let i = 0; i < (accEcn ? 6 : 9); i++) {
    if (flags & (1 << i)) s += (s ? ', ' : '') + FLAG_NAMES[i];
  }
  if (accEcn) s += (s ? ', ' : '') + `ACE=${(flags >> 6) & 7}`;
  if (flags & 0xe00) s += (s ? ', ' : '') + 'Reserved';
  return s || '<None>';
}

/** `tcp.flags.str`: `·······A··S·` (`···-3-·A····` with Accurate ECN). */
export function tcpFlagsLetters(flags: number, accEcn = false): string {
  let s = '';
  for (let i = 0; i < 12; i++) {
    if (accEcn && i >= 3 && i <= 5) {
      if (i === 3) s += `-${(flags >> 6) & 7}-`;
      continue;
    }
    s += (flags >> (11 - i)) & 1 ? FLAG_LETTERS[i] : MIDDLE_DOT;
  }
  return s;
}

/** Wireshark's bit-field prefix: `.... ..1. ` for `value` under `mask` in a `bits`-wide field. */
export function bitsText(value: number, mask: number, bits: number): string {
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const b = 1 << i;
    s += mask & b ? (value & b ? '1' : '0') : '.';
    if (i > 0 && i % 4 === 0) s += ' ';
  }
  return s;
}

function hdrLenText(hl: number): string {
  return `${bitsText(hl >> 2, 0xf, 4)} .... = Header Length: ${hl} bytes (${hl >> 2})`;
}

function completenessText(v: number): string {
  switch (v) {
    case 1:
      return `Incomplete, SYN_SENT (${v})`;
    case 3:
      return `Incomplete, CLIENT_ESTABLISHED (${v})`;
    case 7:
      return `Incomplete, ESTABLISHED (${v})`;
    case 15:
      return `Incomplete, DATA (${v})`;
    case 31:
    case 47:
    case 63:
      return `Complete, WITH_DATA (${v})`;
    case 23:
    case 39:
    case 55:
      return `Complete, NO_DATA (${v})`;
    default:
      return `Incomplete (${v})`;
  }
}

function reltime(s: number): string {
  const r = s.toFixed(9);
  return r === '-0.000000000' ? '0.000000000' : r;
}

const OPTION_KIND_NAMES: Record<number, string> = {
  0: 'End of Option List', 1: 'No-Operation', 2: 'Maximum Segment Size', 3: 'Window Scale', 4: 'SACK Permitted',
  5: 'SACK', 6: 'Echo', 7: 'Echo Reply', 8: 'Time Stamp Option', 9: 'Partial Order Connection Permitted',
  10: 'Partial Order Service Profile', 11: 'CC', 12: 'CC.NEW', 13: 'CC.ECHO', 14: 'TCP Alternate Checksum Request',
  15: 'TCP Alternate Checksum Data', 16: 'Skeeter', 17: 'Bubba', 18: 'Trailer Checksum Option', 19: 'MD5 Signature Option',
  20: 'SCPS Capabilities', 21: 'Selective Negative Acknowledgements', 22: 'Record Boundaries', 23: 'Corruption experienced',
  24: 'SNAP', 25: 'Unassigned', 26: 'TCP Compression Filter', 27: 'Quick-Start Response', 28: 'User Timeout Option',
  29: 'The TCP Authentication Option', 30: 'Multipath TCP', 34: 'TCP Fast Open Cookie', 76: 'Riverbed Probe',
  78: 'Riverbed Transparency', 172: 'Accurate ECN Order 0', 174: 'Accurate ECN Order 1', 253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
};

const QS_RATES = ['0 bit/s', '80 Kbit/s', '160 Kbit/s', '320 Kbit/s', '640 Kbit/s', '1.28 Mbit/s', '2.56 Mbit/s', '5.12 Mbit/s',
  '10.24 Mbit/s', '20.48 Mbit/s', '40.96 Mbit/s', '81.92 Mbit/s', '163.84 Mbit/s', '327.68 Mbit/s', '655.36 Mbit/s', '1.31072 Gbit/s'];

const EXP_IDS: Record<number, string> = {
  0xac: 'TCP ACK Rate Request', 0x348: 'Host ID', 0xa0d: 'Autonomous System Compensation', 0xca0: 'Capability Option',
  0xed0: 'Extended Data Offset', 0x454e: 'Encryption Negotiation', 0x5323: 'Service Number', 0x75ec: 'Timestamp Interval',
  0xacc0: 'Accurate ECN - Order 0', 0xacc1: 'Accurate ECN - Order 1', 0xacce: 'Accurate ECN',
  0xe2d4: 'Shared Memory communications over RMDA protocol', 0xf989: 'Fast Open', 0xf990: 'Low Latency',
};

interface OptionInfo {
  /** Short name Wireshark lists after `Options: (n bytes)`. */
  name: string;
  /** What the option appends to the `Options` item: `, name`. */
  append: string;
  /** The option's tree node. */
  def: FieldDef;
}

const OPTION_INFO: (OptionInfo | undefined)[] = [];
for (const [kinds, name, def] of [
  [[2], 'Maximum segment size', hf.optMss],
  [[3], 'Window scale', hf.optWscale],
  [[4], 'SACK permitted', hf.optSackPerm],
  [[5], 'SACK', hf.optSack],
  [[6], 'Echo', hf.optEcho],
  [[7], 'Echo reply', hf.optEcho],
  [[8], 'Timestamps', hf.optTimestamp],
  [[11], 'CC', hf.optCc],
  [[12], 'CC.NEW', hf.optCc],
  [[13], 'CC.ECHO', hf.optCc],
  [[19], 'TCP MD5 signature', hf.optMd5],
  [[20], 'SCPS capabilities', hf.optScps],
  [[21], 'Selective Negative Acknowledgment', hf.optSnack],
  [[22], 'SCPS record boundary', hf.optScpsRec],
  [[23], 'SCPS corruption experienced', hf.optScpsCor],
  [[27], 'Quick-Start', hf.optQs],
  [[28], 'User Timeout', hf.optUserTo],
  [[29], 'TCP AO', hf.optAo],
  [[30], 'MPTCP', hf.optMptcp],
  [[34], 'TCP Fast Open', hf.optTfo],
  [[76], 'Riverbed Probe', hf.optRvbdProbe],
  [[78], 'Riverbed Transparency', hf.optRvbdTrpy],
  [[172, 174], 'Accurate ECN', hf.optAccEcn],
  [[253, 254], 'Experimental', hf.optExp],
] as [number[], string, FieldDef][]) {
  for (const k of kinds) OPTION_INFO[k] = { name, append: ', ' + name, def };
}

function optionInfo(kind: number): OptionInfo {
  return (OPTION_INFO[kind] ??= unknownOption(kind));
}

function unknownOption(kind: number): OptionInfo {
  const name = `Unknown (0x${kind.toString(16).padStart(2, '0')})`;
  return { name, append: ', ' + name, def: hf.optUnknown };
}

/** The `Kind: name (n)` item options of each option kind, built once. */
const KIND_OPTS: (AddOptions | undefined)[] = [];

function kindOpts(kind: number): AddOptions {
  return (KIND_OPTS[kind] ??= { text: `Kind: ${OPTION_KIND_NAMES[kind] ?? 'Unknown'} (${kind})` });
}

// ---------------------------------------------------------------------------------------------
// IP layer (read defensively: the IP decoders own these types)

interface IpLikeLayer extends Layer {
  payloadLength?: unknown;
  isFragment?: unknown;
  reassembled?: unknown;
}

/** The IP layer carries a fragment that was not reassembled (Wireshark's pinfo->fragmented). */
function unreassembledFragment(ip: IpLikeLayer | undefined): boolean {
  return ip !== undefined && ip.isFragment === true && ip.reassembled !== true;
}

/** The innermost IPv4/IPv6 layer of this packet (a quoted one inside ICMP errors). */
export function enclosingIp(ctx: DecodeContext): Layer | undefined {
  const layers = ctx.packet.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.proto === 'ip' || l.proto === 'ipv6') return l;
  }
  return undefined;
}

/** A TCP analyzer that renders the TCP tree itself after its analysis (see `renderTcp`). */
export interface TcpRenderingAnalyzer {
  readonly rendersTcp: true;
}

function engineRenders(ctx: DecodeContext): boolean {
  const a = ctx.session.analyzer('tcp') as Partial<TcpRenderingAnalyzer> | undefined;
  return a?.rendersTcp === true;
}

// ---------------------------------------------------------------------------------------------
// Decoder

/** A TCP layer before its header is read (every member present: adding one later would grow the
 * object's property store). */
export function newTcpLayer(offset: number, end: number, srcPort: number, dstPort: number): TcpLayer {
  return {
    proto: 'tcp',
    offset,
    length: end - offset,
    errorDepth: 0,
    srcPort,
    dstPort,
    seq: 0,
    ack: 0,
    hdrLen: 0,
    flags: 0,
    window: 0,
    checksum: 0,
    urgent: 0,
    seglen: -1,
    reportedLen: end - offset,
    payloadOffset: end,
    payloadCaptured: 0,
    tree: undefined,
    mss: undefined,
    wscale: undefined,
    sackPerm: false,
    sack: undefined,
    sackBif: undefined,
    tsval: undefined,
    tsecr: undefined,
    tfoCookie: false,
    accEcnOption: undefined,
    fail: FAIL_NONE,
    failOffset: 0,
    optionsComplete: false,
    optionsNeedAnalysis: false,
    analysis: undefined,
  };
}
storeAsDoubles(newTcpLayer(0, 0, 0, 0), ['seq', 'ack']);

export const tcpDecoder: Decoder = {
  proto: 'tcp',
  fieldPrefixes: ['tcp', 'mptcp', 'text'],
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    ctx.need('tcp', offset, 4, end);
    const d = ctx.data;
    const srcPort = u16(d, offset);
    const dstPort = u16(d, offset + 2);
    ctx.setProtocol('TCP');
    // (built when read: a filter drops most frames unprinted)
    if (ctx.columns) ctx.setInfo(() => `${srcPort} \u2192 ${dstPort}`);
    const ip = enclosingIp(ctx) as IpLikeLayer | undefined;
    const layer = ctx.addLayer(newTcpLayer(offset, end, srcPort, dstPort));
    const t = tree?.add(
      hf.tcp,
      offset,
      end - offset,
      null,
      keepsText(tree, hf.tcp) ? { text: `Transmission Control Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}` } : undefined,
    );
    if (t) {
      layer.tree = t;
      t.add(hf.srcport, offset, 2, srcPort);
      t.add(hf.dstport, offset + 2, 2, dstPort);
      t.add(hf.port, offset, 2, srcPort, HIDDEN);
      t.add(hf.port, offset + 2, 2, dstPort, HIDDEN);
      // Inside an ICMP (v4) error Wireshark shows the raw sequence number at once: the quote
      // may stop right after it.
      if (ctx.errorDepth > 0 && ip?.proto === 'ip' && offset + 8 <= end) t.add(hf.seq, offset + 4, 4, u32(d, offset + 4));
    }
    // Everything up to the window is read before the conversation lookup.
    ctx.need('tcp', offset, 16, end);
    layer.seq = u32(d, offset + 4);
    layer.ack = u32(d, offset + 8);
    layer.hdrLen = (d[offset + 12]! >> 4) * 4;
    layer.flags = u16(d, offset + 12) & 0xfff;
    layer.window = u16(d, offset + 14);

    // Reported length of the segment: what the IP layer says, else what we have.
    let reported = end - offset;
    const pl = ip?.payloadLength;
    if (typeof pl === 'number' && pl >= 0) reported = pl;
    layer.reportedLen = reported;
    if (ctx.errorDepth === 0 && !unreassembledFragment(ip) && reported >= layer.hdrLen) layer.seglen = reported - layer.hdrLen;

    const hl = layer.hdrLen;
    if (hl >= 20) {
      if (offset + 18 > end) failAt(ctx, layer, offset + 16, end);
      else {
        layer.checksum = u16(d, offset + 16);
        if (offset + 20 > end) failAt(ctx, layer, offset + 18, end);
        else layer.urgent = u16(d, offset + 18);
      }
      const po = offset + hl;
      layer.payloadOffset = Math.min(po, end);
      layer.payloadCaptured = po < end ? end - po : 0;
    }

    const result: DecodeResult = { offset: layer.payloadOffset, end };
    if (engineRenders(ctx)) return result;
    // No TCP analyzer: render with absolute numbers and decide the hand-off here.
    renderTcp(ctx, layer, undefined);
    result.next = tcpPayloadNext(layer);
    return result;
  },
};

function failAt(ctx: DecodeContext, layer: TcpLayer, off: number, end: number): void {
  if (layer.fail !== FAIL_NONE) return;
  const short = ctx.data.length < ctx.reportedLength && end >= ctx.data.length;
  layer.fail = short ? FAIL_SHORT : FAIL_MALFORMED;
  layer.failOffset = off;
}

/** The payload hand-off after rendering: none after a decoding failure, a bogus header or a RST;
 * `data` for keep-alives; none for retransmissions and out-of-order segments (tshark's
 * `no_subdissector_on_error`); else the `tcp.port` table with the TCP heuristics. */
export function tcpPayloadNext(layer: TcpLayer): Next | undefined {
  if (layer.fail !== FAIL_NONE || layer.hdrLen < 20 || layer.payloadCaptured === 0) return undefined;
  if (layer.flags & TH_RST) return undefined;
  const a = layer.analysis;
  if (a) {
    if (a.flags & TCP_A.KEEP_ALIVE) return { proto: 'data' };
    if (a.flags & (TCP_A.RETRANSMISSION | TCP_A.OUT_OF_ORDER)) return undefined;
  }
  return { table: 'tcp.port', ports: [layer.srcPort, layer.dstPort], heuristics: 'tcp' };
}

// ---------------------------------------------------------------------------------------------
// Options: one walk fills the typed option values of the layer and, when wanted, the tree and
// the Info text. It runs after the analysis (as in Wireshark), so SACK edges and the D-SACK test
// can use the relative numbers.

/** State of one option walk. One instance is reused for every packet (the walk is synchronous
 * and calls no other decoder), so the hot path allocates nothing per option. */
class OptWalk {
  ctx!: DecodeContext;
  layer!: TcpLayer;
  /** End of the TCP bytes in `ctx.data`. */
  end = 0;
  /** The `Options: (n bytes)` node, when a tree is built. */
  opts: Tree | undefined = undefined;
  /** `opts` keeps every text (a full tree). */
  full = false;
  columns = false;
  info = '';
  /** The walk took the NOP, NOP, timestamps shortcut: `info` is empty, the Info text is due. */
  timestampsOnly = false;
  /** Base for the relative SACK edges (the peer's base sequence number, 0 without analysis). */
  peerBase = 0;
  /** The acknowledgment number as shown (relative when known), for the D-SACK test. */
  shownAck = 0;
  /** `peerBase` and `shownAck` are the analysis' relative numbers. */
  relative = false;
  isSyn = false;
  /** Per packet SACK blocks (relative), Wireshark's tcph->sack_* (first two kept). */
  sackCount = 0;
  le0 = 0;
  re0 = 0;
  le1 = 0;
  re1 = 0;
  // the current option
  opt = 0;
  optlen = 0;
  off = 0;
  /** End of the option's own bytes, and of those captured. */
  oend = 0;
  cap = 0;

  reset(ctx: DecodeContext, layer: TcpLayer, end: number, opts: Tree | undefined, columns: boolean, relative: boolean, peerBase: number, shownAck: number): void {
    this.ctx = ctx;
    this.layer = layer;
    this.end = end;
    this.opts = opts;
    this.full = opts !== undefined && opts.full;
    this.columns = columns;
    this.info = '';
    this.timestampsOnly = false;
    this.relative = relative;
    this.peerBase = peerBase;
    this.shownAck = shownAck;
    this.isSyn = (layer.flags & TH_SYN) !== 0;
    this.sackCount = 0;
    this.le0 = this.re0 = this.le1 = this.re1 = 0;
  }

  /** `n` bytes at `at` can be read: past the option's length is malformed, past the captured
   * bytes depends on the frame. */
  need(at: number, n: number): boolean {
    if (at + n <= this.cap) return true;
    const layer = this.layer;
    if (at + n > this.oend) {
      if (layer.fail === FAIL_NONE) {
        layer.fail = FAIL_MALFORMED;
        layer.failOffset = at;
      }
    } else failAt(this.ctx, layer, at, this.end);
    return false;
  }

  /** Info text of the option; callers building the text check `columns` first. */
  addInfo(s: string): void {
    if (this.columns) this.info += s;
  }

  /** Whether the option's protocol node `def` needs its text (see `keepsText`). */
  keeps(def: FieldDef): boolean {
    return this.opts !== undefined && (this.full || this.opts.wants(def));
  }

  /** Kind and length items; returns the length item. */
  header(n: Tree | undefined): Tree | undefined {
    if (!n) return undefined;
    const opt = this.opt;
    n.add(hf.optionKind, this.off, 1, opt, this.full ? kindOpts(opt) : undefined);
    return n.add(hf.optionLen, this.off + 1, 1, this.optlen);
  }

  lenCheck(lenItem: Tree | undefined, want: number): boolean {
    if (this.optlen === want) return true;
    this.ctx.issue('tcp', ei.optLenInvalid, lenItem, this.off + 1, 1, `option length should be ${want}`);
    return false;
  }
}

const W = storeAsDoubles(new OptWalk(), ['peerBase', 'shownAck', 'le0', 're0', 'le1', 're1']);

/** Wireshark 4.0.17's `tcp_dissect_options`. */
function walkOptions(ctx: DecodeContext, layer: TcpLayer, end: number, w: OptWalk): void {
  const d = ctx.data;
  const tcpOff = layer.offset;
  const optStart = tcpOff + 20;
  let off = optStart;
  let length = layer.hdrLen - 20;
  // Linux's data segments: NOP, NOP, timestamps; without a tree, nothing but the values (and
  // their Info text, built when read)
  if (length === 12 && w.opts === undefined && !w.isSyn && optStart + 12 <= end && d[optStart] === 1 && d[optStart + 1] === 1 && d[optStart + 2] === 8 && d[optStart + 3] === 10) {
    layer.tsval = u32(d, optStart + 4);
    layer.tsecr = u32(d, optStart + 8);
    layer.optionsComplete = true;
    w.timestampsOnly = true;
    return;
  }
  let nopCount = 0;
  let mssSeen = false;
  while (length > 0) {
    if (off >= end) return failAt(ctx, layer, off, end);
    const opt = d[off]!;
    length--;
    if (opt === 0 || opt === 1) {
      if (opt === 1) {
        if (nopCount === 0 || (off - tcpOff) % 4) {
          nopCount++;
          if (nopCount === 4) ctx.issue('tcp', ei.nop, w.opts, optStart, 0);
        } else nopCount = 0;
      }
      if (w.opts) {
        const n = w.opts.add(opt === 0 ? hf.optEol : hf.optNop, off, 1, null);
        n.add(hf.optionKind, off, 1, opt, w.full ? kindOpts(opt) : undefined);
        if (w.full) w.opts.appendText(opt === 0 ? ', End of Option List (EOL)' : ', No-Operation (NOP)');
      }
      off += 1;
      if (opt === 0 && length > 0) {
        // 4.0.17: after an EOL, zero bytes are more EOLs; anything else is reported as padding
        // and ends the walk.
        if (off >= end) return failAt(ctx, layer, off, end);
        if (d[off] !== 0) {
          const p = w.opts?.add(hf.text, off, length, null, { text: 'Non-zero header padding' });
          ctx.issue('tcp', ei.nonZeroAfterEol, p, off, length);
          return;
        }
      }
      continue;
    }
    const info = optionInfo(opt);
    const name = info.name;
    if (length === 0) {
      const msg = `${name} (length byte past end of options)`;
      const p = w.opts?.add(hf.text, off, 1, null, { text: msg });
      ctx.issue('tcp', ei.optLenInvalid, p, off, 1, msg);
      return;
    }
    if (off + 1 >= end) return failAt(ctx, layer, off + 1, end);
    const optlen = d[off + 1]!;
    length--;
    if (optlen < 2) {
      const msg = `${name} (with too-short option length = ${optlen} byte${optlen === 1 ? '' : 's'})`;
      const p = w.opts?.add(hf.text, off, 2, null, { text: msg });
      ctx.issue('tcp', ei.optLenInvalid, p, off, 2, msg);
      return;
    }
    if (optlen - 2 > length) {
      const msg = `${name} (option length = ${optlen} byte${optlen === 1 ? '' : 's'} says option goes past end of options)`;
      const p = w.opts?.add(hf.text, off, length, null, { text: msg });
      ctx.issue('tcp', ei.optLenInvalid, p, off, length, msg);
      return;
    }
    if (opt === 2) mssSeen = true;
    w.opt = opt;
    w.optlen = optlen;
    w.off = off;
    w.oend = off + optlen;
    w.cap = Math.min(w.oend, end);
    if (!dissectOption(w, info.def)) return;
    if (w.full) w.opts!.appendText(info.append);
    off += optlen;
    length -= optlen - 2;
  }
  layer.optionsComplete = true;
  if (w.isSyn && !mssSeen) ctx.issue('tcp', ei.mssAbsent, w.opts, optStart, 0);
}

/** One option with a length byte. Returns false when a read failed (the walk stops). */
function dissectOption(w: OptWalk, def: FieldDef): boolean {
  const ctx = w.ctx;
  const layer = w.layer;
  const { opt, optlen, off } = w;
  const d = ctx.data;
  const ot = w.opts;
  const nodeLen = Math.max(0, w.cap - off);
  switch (opt) {
    case 2: {
      let mss = -1;
      if (optlen === 4) {
        if (!w.need(off + 2, 2)) return false;
        mss = u16(d, off + 2);
      }
      const n = ot?.add(
        hf.optMss,
        off,
        nodeLen,
        null,
        w.keeps(hf.optMss) ? { text: 'TCP Option - Maximum segment size' + (mss >= 0 ? `: ${mss} bytes` : '') } : undefined,
      );
      if (!w.isSyn) ctx.issue('tcp', ei.mssPresent, n, off, nodeLen);
      if (!w.lenCheck(w.header(n), 4)) return true;
      n?.add(hf.mssVal, off + 2, 2, mss);
      if (w.columns) w.addInfo(` MSS=${mss}`);
      layer.mss = mss;
      return true;
    }
    case 3: {
      let shift = -1;
      if (optlen === 3) {
        if (!w.need(off + 2, 1)) return false;
        shift = d[off + 2]!;
      }
      const eff = shift > 14 ? 14 : shift;
      const n = ot?.add(
        hf.optWscale,
        off,
        nodeLen,
        null,
        w.keeps(hf.optWscale) ? { text: 'TCP Option - Window scale' + (shift >= 0 ? `: ${shift} (multiply by ${1 << eff})` : '') } : undefined,
      );
      if (!w.lenCheck(w.header(n), 3)) return true;
      const si = n?.add(hf.wscaleShift, off + 2, 1, shift);
      if (shift > 14) ctx.issue('tcp', ei.wscaleShiftInvalid, si, off + 2, 1);
      n?.add(hf.wscaleMultiplier, off + 2, 1, 1 << eff, GENERATED);
      if (w.columns) w.addInfo(` WS=${1 << eff}`);
      layer.wscale = eff;
      return true;
    }
    case 4: {
      const n = ot?.add(hf.optSackPerm, off, nodeLen, null);
      const li = w.header(n);
      w.addInfo(' SACK_PERM');
      layer.sackPerm = true;
      w.lenCheck(li, 2);
      return true;
    }
    case 5:
      return dissectSack(w, nodeLen);
    case 6:
    case 7: {
      let val = -1;
      if (optlen === 6) {
        if (!w.need(off + 2, 4)) return false;
        val = u32(d, off + 2);
      }
      const n = ot?.add(hf.optEcho, off, nodeLen, null, w.keeps(hf.optEcho) ? { text: 'TCP Option - Echo' + (val >= 0 ? `: ${val}` : '') } : undefined);
      if (!w.lenCheck(w.header(n), 6)) return true;
      n?.add(hf.echoValue, off + 2, 4, val);
      if (w.columns) w.addInfo(` ECHO=${val}`);
      return true;
    }
    case 8: {
      if (optlen !== 10) {
        w.lenCheck(w.header(ot?.add(hf.optTimestamp, off, nodeLen, null)), 10);
        return true;
      }
      if (!w.need(off + 2, 8)) return false;
      const tsval = u32(d, off + 2);
      const tsecr = u32(d, off + 6);
      const n = ot?.add(
        hf.optTimestamp,
        off,
        nodeLen,
        null,
        w.keeps(hf.optTimestamp) ? { text: `TCP Option - Timestamps: TSval ${tsval}, TSecr ${tsecr}` } : undefined,
      );
      w.header(n);
      n?.add(hf.tsval, off + 2, 4, tsval);
      n?.add(hf.tsecr, off + 6, 4, tsecr);
      if (w.columns) w.addInfo(` TSval=${tsval} TSecr=${tsecr}`);
      layer.tsval = tsval;
      layer.tsecr = tsecr;
      return true;
    }
    case 11:
    case 12:
    case 13: {
      const n = ot?.add(hf.optCc, off, nodeLen, null);
      if (!w.lenCheck(w.header(n), 6)) return true;
      if (!w.need(off + 2, 4)) return false;
      const val = u32(d, off + 2);
      n?.add(hf.ccValue, off + 2, 4, val);
      if (w.columns) w.addInfo(` CC=${val}`);
      return true;
    }
    case 19: {
      const n = ot?.add(hf.optMd5, off, nodeLen, null);
      const li = w.header(n);
      w.addInfo(' MD5');
      if (!w.lenCheck(li, 18)) return true;
      if (!w.need(off + 2, 16)) return false;
      n?.add(hf.md5Digest, off + 2, 16, d.subarray(off + 2, off + 18));
      return true;
    }
    case 29: {
      const n = ot?.add(hf.optAo, off, nodeLen, null);
      const li = w.header(n);
      w.addInfo('TCP AO');
      if (optlen < 4) {
        ctx.issue('tcp', ei.optLenInvalid, li, off + 1, 1, 'option length should be >= than 4');
        return true;
      }
      if (!w.need(off + 2, 2)) return false;
      n?.add(hf.aoKeyId, off + 2, 1, d[off + 2]!);
      n?.add(hf.aoRNextKeyId, off + 3, 1, d[off + 3]!);
      if (optlen > 4) {
        if (!w.need(off + 4, optlen - 4)) return false;
        n?.add(hf.aoMac, off + 4, optlen - 4, d.subarray(off + 4, off + optlen));
      }
      return true;
    }
    case 27: {
      const n = ot?.add(hf.optQs, off, nodeLen, null);
      if (!w.lenCheck(w.header(n), 8)) return true;
      if (!w.need(off + 2, 2)) return false;
      const b = d[off + 2]!;
      const rate = b & 0x0f;
      n?.add(hf.qsRate, off + 2, 1, rate, w.full ? { text: `${bitsText(b, 0x0f, 8)} = QS Rate: ${QS_RATES[rate]} (${rate})` } : undefined);
      n?.add(hf.qsTtlDiff, off + 3, 1, d[off + 3]!);
      if (w.columns) w.addInfo(` QSresp=${QS_RATES[rate]}`);
      return true;
    }
    case 28: {
      const n = ot?.add(hf.optUserTo, off, nodeLen, null);
      if (!w.lenCheck(w.header(n), 4)) return true;
      if (!w.need(off + 2, 2)) return false;
      const x = u16(d, off + 2);
      n?.add(hf.userToGranularity, off + 2, 2, (x & 0x8000) !== 0, w.full ? { text: `${bitsText(x, 0x8000, 16)} = Granularity: ${x & 0x8000 ? 'Minutes' : 'Seconds'}` } : undefined);
      n?.add(hf.userToVal, off + 2, 2, x & 0x7fff, w.full ? { text: `${bitsText(x, 0x7fff, 16)} = User Timeout: ${x & 0x7fff}` } : undefined);
      if (w.columns) w.addInfo(` USER_TO=${x & 0x7fff}`);
      return true;
    }
    case 34: {
      const n = ot?.add(hf.optTfo, off, nodeLen, null);
      w.header(n);
      return tfoPayload(w, n, off, optlen);
    }
    case 253:
    case 254: {
      if (optlen < 4) {
        const n = ot?.add(hf.optExp, off, nodeLen, null);
        ctx.issue('tcp', ei.optLenInvalid, w.header(n), off + 1, 1, `option length ${optlen} smaller than 4`);
        return true;
      }
      if (!w.need(off + 2, 2)) return false;
      const exid = u16(d, off + 2);
      const exName = EXP_IDS[exid] ?? 'Unknown';
      const n = ot?.add(hf.optExp, off, nodeLen, null, w.keeps(hf.optExp) ? { text: `TCP Option - Experimental: ${exName}` } : undefined);
      w.header(n);
      n?.add(hf.expExid, off + 2, 2, exid, w.full ? { text: `Experiment Identifier: ${exName} (0x${exid.toString(16).padStart(4, '0')})` } : undefined);
      if (exid === 0xf989) return tfoPayload(w, n, off + 2, optlen - 2);
      if (optlen > 4) {
        if (!w.need(off + 4, optlen - 4)) return false;
        n?.add(hf.expData, off + 4, optlen - 4, d.subarray(off + 4, off + optlen));
      }
      if (w.columns) w.addInfo(` ExID=${exid.toString(16)}`);
      return true;
    }
    case 172:
    case 174: {
      const order0 = opt === 172;
      const names = order0 ? ['EE0B', 'ECEB', 'EE1B'] : ['EE1B', 'ECEB', 'EE0B'];
      const defs = order0 ? [hf.accEcnEe0b, hf.accEcnEceb, hf.accEcnEe1b] : [hf.accEcnEe1b, hf.accEcnEceb, hf.accEcnEe0b];
      const vals: number[] = [];
      for (let i = 0; i < 3 && 2 + 3 * i + 3 <= optlen; i++) {
        const at = off + 2 + 3 * i;
        if (!w.need(at, 3)) return false;
        vals.push((d[at]! << 16) | (d[at + 1]! << 8) | d[at + 2]!);
      }
      const n = ot?.add(hf.optAccEcn, off, nodeLen, null, {
        text: `TCP Option - Accurate ECN (Order ${order0 ? 0 : 1})` + (vals.length ? ': ' + vals.map((x, i) => `${names[i]} ${x}`).join(', ') : ''),
      });
      w.header(n);
      for (let i = 0; i < vals.length; i++) {
        n?.add(defs[i]!, off + 2 + 3 * i, 3, vals[i]!);
        w.addInfo(` ${names[i]}=${vals[i]}`);
      }
      if (!vals.length) w.addInfo(' AccECN');
      layer.accEcnOption = true;
      return true;
    }
    default: {
      // Options not decoded in detail (SCPS, SNACK, MPTCP, Riverbed) and unknown kinds.
      const n = ot?.add(def, off, nodeLen, null);
      w.header(n);
      if (def === hf.optUnknown && optlen > 2) {
        if (!w.need(off + 2, optlen - 2)) return false;
        n?.add(hf.unknownPayload, off + 2, optlen - 2, d.subarray(off + 2, off + optlen));
      }
      return true;
    }
  }
}

/** Raw edges of the SACK option being walked (at most 9 numbers fit in 40 option bytes). */
const SACK_RAW = new Float64Array(10);

function dissectSack(w: OptWalk, nodeLen: number): boolean {
  const { ctx, layer, optlen, off } = w;
  const d = ctx.data;
  const base = w.peerBase;
  // Read the complete blocks first: the node text lists them.
  const raw = SACK_RAW;
  let nraw = 0;
  let rem = optlen - 2;
  let p = off + 2;
  let badAt = -1;
  let badLen = 0;
  let blocks = 0;
  while (rem > 0) {
    if (rem < 4) {
      badAt = p;
      badLen = rem;
      break;
    }
    if (!w.need(p, 4)) return false;
    raw[nraw++] = u32(d, p);
    rem -= 4;
    if (rem < 4) {
      badAt = p;
      badLen = rem;
      break;
    }
    if (!w.need(p + 4, 4)) return false;
    raw[nraw++] = u32(d, p + 4);
    rem -= 4;
    blocks++;
    p += 8;
  }
  const full = w.full;
  let n: Tree | undefined;
  if (w.opts) {
    let text: string | undefined;
    if (w.keeps(hf.optSack)) {
      text = 'TCP Option - SACK';
      for (let i = 0; i < blocks; i++) text += ` ${(raw[2 * i]! - base) >>> 0}-${(raw[2 * i + 1]! - base) >>> 0}`;
    }
    n = w.opts.add(hf.optSack, off, nodeLen, null, text === undefined ? undefined : { text });
    w.header(n);
  }
  for (let i = 0; i < nraw; i++) {
    const rel = (raw[i]! - base) >>> 0;
    if (i % 2 === 0) {
      n?.add(hf.sackLe, off + 2 + 4 * i, 4, rel, full ? { text: `left edge = ${rel} (relative)` } : undefined);
    } else {
      n?.add(hf.sackRe, off + 2 + 4 * i, 4, rel, full ? { text: `right edge = ${rel} (relative)` } : undefined);
      if (w.columns) w.addInfo(` SLE=${(raw[i - 1]! - base) >>> 0} SRE=${rel}`);
    }
  }
  if (badAt >= 0) {
    const m = n?.add(hf.text, badAt, badLen, null, { text: 'suboption would go past end of option' });
    ctx.issue('tcp', ei.suboptionMalformed, m, badAt, badLen);
  }
  n?.add(hf.sackCount, off, 0, blocks, GENERATED);
  // Blocks kept for the peer's bytes in flight: the first three of this option (Wireshark keeps
  // ranges 1..3 of the last SACK option).
  const bif: number[] = [];
  for (let i = 0; i < blocks && i < 3; i++) bif.push(raw[2 * i]!, raw[2 * i + 1]!);
  layer.sackBif = bif;
  if (blocks) {
    const sack = (layer.sack ??= []);
    for (let i = 0; i < 2 * blocks; i++) sack.push(raw[i]!);
  }
  for (let i = 0; i < blocks && w.sackCount < 4; i++) {
    const le = (raw[2 * i]! - base) >>> 0;
    const re = (raw[2 * i + 1]! - base) >>> 0;
    if (w.sackCount === 0) {
      w.le0 = le;
      w.re0 = re;
    } else if (w.sackCount === 1) {
      w.le1 = le;
      w.re1 = re;
    }
    w.sackCount++;
  }
  // D-SACK (RFC 2883): the first block is below the ack, or inside the second block.
  if (blocks === 0 && !w.relative) layer.optionsNeedAnalysis = true;
  if (leSeq(w.re0, w.shownAck) || (w.sackCount > 1 && ltSeq(w.le1, w.re0) && geSeq(w.re1, w.re0))) {
    // Wireshark re-reads this option's first block: an option without one throws here.
    if (!w.need(off + 2, 8)) return false;
    const le = (u32(d, off + 2) - base) >>> 0;
    const re = (u32(d, off + 6) - base) >>> 0;
    n?.add(hf.dsackLe, off + 2, 4, le, full ? { text: `[D-SACK Left Edge = ${le} (relative)]`, generated: true } : GENERATED);
    n?.add(hf.dsackRe, off + 6, 4, re, full ? { text: `[D-SACK Right Edge = ${re} (relative)]`, generated: true } : GENERATED);
    const p2 = n?.add(hf.text, off + 2, 8, null, { text: 'D-SACK Sequence' });
    ctx.issue('tcp', ei.dsack, p2, off + 2, 8);
  }
  return true;
}

function tfoPayload(w: OptWalk, n: Tree | undefined, off: number, optlen: number): boolean {
  const { ctx, layer } = w;
  if (optlen === 2) {
    n?.add(hf.tfoRequest, off, 2, null);
    w.addInfo(' TFO=R');
  } else if (optlen > 2) {
    if (!w.need(off + 2, optlen - 2)) return false;
    const c = n?.add(hf.tfoCookie, off + 2, optlen - 2, ctx.data.subarray(off + 2, off + optlen));
    w.addInfo(' TFO=C');
    if (w.isSyn && !(layer.flags & TH_ACK)) {
      ctx.issue('tcp', ei.tfoSyn, c, off + 2, optlen - 2);
      layer.tfoCookie = true;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Rendering (tree + Info), in Wireshark's order

const ltSeq = (x: number, y: number) => ((x - y) | 0) < 0;
const leSeq = (x: number, y: number) => ((x - y) | 0) <= 0;
const geSeq = (x: number, y: number) => ((y - x) | 0) <= 0;

/** A flag bit item below `Flags` (its text only for a full tree). */
function addFlagBit(ft: Tree, full: boolean, def: FieldDef, mask: number, o: number, flags: number): Tree {
  return ft.add(def, o, 1, (flags & mask) !== 0, full ? { text: `${bitsText(flags, mask, 12)} = ${def.label}: ${flags & mask ? 'Set' : 'Not set'}` } : undefined);
}

const CHECKSUM_STATUS: AddOptions = { generated: true, text: '[Checksum Status: Unverified]' };
const TIMESTAMPS: AddOptions = { text: '[Timestamps]', generated: true };

/** Writes the TCP tree (below the ports) and the rest of the Info column, walks the options
 * (filling the layer's typed option values), and marks the packet short/malformed where the
 * header ran out. `a` is the packet's analysis (undefined: no analyzer). Without a tree and
 * without columns only the option walk and the expert items remain; with a FieldCollector no
 * text it drops is built. Returns false when decoding stopped early (then nothing is handed to a
 * sub-dissector). */
export function renderTcp(ctx: DecodeContext, layer: TcpLayer, a: TcpPacketAnalysis | undefined): boolean {
  const tree = layer.tree;
  // a collector that wants no TCP field but the analysis ones (`-Y tcp.analysis.…`) gets no other
  const t = tree !== undefined && !tree.full && !headerWanted(ctx.rootTree) ? undefined : tree;
  /** Every item keeps its text (otherwise only kept protocol nodes do, see `keepsText`). */
  const full = t !== undefined && t.full;
  /** The protocol item's text is kept: appended `, Seq: ...` parts are built. */
  const protoText = t !== undefined && keepsText(t, hf.tcp);
  const cols = ctx.columns && ctx.errorDepth === 0;
  const off = layer.offset;
  const flags = layer.flags;
  const seglen = layer.seglen;
  const hasSeglen = seglen >= 0;
  const seqShown = a ? a.seq : layer.seq;
  const ackShown = a ? a.ack : layer.ack;
  const winShown = a ? a.window : layer.window;
  const ace = a !== undefined && a.accEcn;

  if (a && t) {
    t.add(hf.stream, off, 0, a.stream, GENERATED);
    t.add(
      hf.completeness,
      off,
      0,
      a.completeness,
      full ? { generated: true, text: `[Conversation completeness: ${completenessText(a.completeness)}]` } : GENERATED,
    );
  }
  if (hasSeglen) {
    t?.add(hf.len, off + 12, 1, seglen, GENERATED);
  } else if (ctx.errorDepth === 0 && layer.reportedLen < layer.hdrLen && !isFragmentIp(ctx)) {
    const msg =
      'Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)';
    const p = t?.add(hf.text, off, 0, null, { text: msg });
    ctx.issue('tcp', ei.shortSegment, p, off, 0, msg);
  }
  if (protoText) t.appendText(`, Seq: ${seqShown >>> 0}`);
  const inIcmpV4 = ctx.errorDepth > 0 && enclosingIp(ctx)?.proto === 'ip';
  if (!inIcmpV4 && t) {
    if (a) t.add(hf.seq, off + 4, 4, seqShown >>> 0, full ? { text: `Sequence Number: ${seqShown >>> 0}    (relative sequence number)` } : undefined);
    else t.add(hf.seq, off + 4, 4, layer.seq);
    t.add(hf.seqRaw, off + 4, 4, layer.seq);
  }
  const hl = layer.hdrLen;
  if (hl < 20) {
    if (cols) ctx.appendInfo(infoAfterPorts(flags, ace, seqShown, ackShown, winShown, -1, -1, `, bogus TCP header length (${hl}, must be at least 20)`));
    const hi = t?.add(hf.hdrLen, off + 12, 1, hl, full ? { text: hdrLenText(hl) } : undefined);
    ctx.issue('tcp', ei.bogusHeaderLength, hi, off + 12, 1, `Bogus TCP header length (${hl}, must be at least 20)`);
    return false;
  }
  if (protoText && flags & TH_ACK) t.appendText(`, Ack: ${ackShown >>> 0}`);
  if (hasSeglen) {
    if (protoText) t.appendText(`, Len: ${seglen}`);
    if (t) {
      const nxt = a ? a.nxtseq >>> 0 : (layer.seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0)) >>> 0;
      t.add(hf.nxtseq, off, 0, nxt, full && a ? { generated: true, text: `[Next Sequence Number: ${nxt}    (relative sequence number)]` } : GENERATED);
    }
  }
  const ai = t?.add(
    hf.ack,
    off + 8,
    4,
    ackShown >>> 0,
    full ? { text: `Acknowledgment Number: ${ackShown >>> 0}` + (flags & TH_ACK && a ? '    (relative ack number)' : '') } : undefined,
  );
  t?.add(hf.ackRaw, off + 8, 4, layer.ack);
  if (flags & TH_ACK) {
    if (flags & TH_SYN && a) {
      if (ackShown >>> 0 > 1) ctx.issue('tcp', ei.tfoAck, ai, off + 8, 4);
      else if (a.tfoSynData) ctx.issue('tcp', ei.tfoIgnored, ai, off + 8, 4);
    }
  } else if (layer.ack !== 0) {
    ctx.issue('tcp', ei.ackNonzero, ai, off + 8, 4);
  }
  let flagsStrItem: Tree | undefined;
  let synItem: Tree | undefined;
  let finItem: Tree | undefined;
  let rstItem: Tree | undefined;
  if (t) {
    t.add(hf.hdrLen, off + 12, 1, hl, full ? { text: hdrLenText(hl) } : undefined);
    const ft = t.add(hf.flags, off + 12, 2, flags, full ? { text: `Flags: 0x${flags.toString(16).padStart(3, '0')} (${tcpFlagsToString(flags, ace)})` } : undefined);
    addFlagBit(ft, full, hf.flagsRes, 0xe00, off + 12, flags);
    if (ace) {
      ft.add(hf.flagsAce, off + 12, 2, (flags >> 6) & 7, full ? { text: `${bitsText(flags, 0x1c0, 12)} = ACE: ${(flags >> 6) & 7}` } : undefined);
    } else {
      addFlagBit(ft, full, hf.flagsAe, 0x100, off + 12, flags);
      addFlagBit(ft, full, hf.flagsCwr, 0x80, off + 13, flags);
      addFlagBit(ft, full, hf.flagsEce, 0x40, off + 13, flags);
    }
    addFlagBit(ft, full, hf.flagsUrg, 0x20, off + 13, flags);
    addFlagBit(ft, full, hf.flagsAck, 0x10, off + 13, flags);
    addFlagBit(ft, full, hf.flagsPush, 0x08, off + 13, flags);
    rstItem = addFlagBit(ft, full, hf.flagsReset, 0x04, off + 13, flags);
    synItem = addFlagBit(ft, full, hf.flagsSyn, 0x02, off + 13, flags);
    finItem = addFlagBit(ft, full, hf.flagsFin, 0x01, off + 13, flags);
    // the letters only for a tree that keeps them
    flagsStrItem = ft.add(hf.flagsStr, off + 12, 2, ft.wants(hf.flagsStr) ? tcpFlagsLetters(flags, ace) : '', GENERATED);
    t.add(hf.windowSizeValue, off + 14, 2, layer.window);
    t.add(hf.windowSize, off + 14, 2, winShown >>> 0, GENERATED);
    if (a && a.scaleFactor !== null) {
      const sf = a.scaleFactor;
      t.add(
        hf.windowScale,
        off + 14,
        2,
        sf,
        full ? { generated: true, text: `[Window size scaling factor: ${sf}${sf === -1 ? ' (unknown)' : sf === -2 ? ' (no window scaling used)' : ''}]` } : GENERATED,
      );
    }
  }
  if (flags & TH_SYN) {
    if (flags & TH_ACK) {
      ctx.issue('tcp', ei.connectionSynAck, synItem, off + 13, 1, `Connection establish acknowledge (SYN+ACK): server port ${layer.srcPort}`);
    } else {
      ctx.issue('tcp', ei.connectionSyn, synItem, off + 13, 1, `Connection establish request (SYN): server port ${layer.dstPort}`);
    }
  }
  if (flags & TH_FIN) {
    ctx.issue('tcp', ei.connectionFin, finItem, off + 13, 1);
    if (a) ctx.issue('tcp', a.finActive ? ei.finActive : ei.finPassive, flagsStrItem, off + 12, 2);
  }
  if (flags & TH_RST) ctx.issue('tcp', ei.connectionRst, rstItem, off + 13, 1);

  // Checksum and urgent pointer may lie past the captured bytes.
  if (layer.fail !== FAIL_NONE && layer.failOffset <= off + 16) {
    if (cols) ctx.appendInfo(infoAfterPorts(flags, ace, seqShown, ackShown, winShown, -1, -1, ''));
    markFail(ctx, layer, t);
    return false;
  }
  if (t) {
    t.add(hf.checksum, off + 16, 2, layer.checksum, full ? { text: `Checksum: 0x${layer.checksum.toString(16).padStart(4, '0')} [unverified]` } : undefined);
    t.add(hf.checksumStatus, off + 16, 0, 2, CHECKSUM_STATUS);
  }
  if (layer.fail !== FAIL_NONE && layer.failOffset <= off + 18) {
    if (cols) ctx.appendInfo(infoAfterPorts(flags, ace, seqShown, ackShown, winShown, -1, -1, ''));
    markFail(ctx, layer, t);
    return false;
  }
  const ui = t?.add(hf.urgentPointer, off + 18, 2, layer.urgent);
  const urg = flags & TH_URG ? layer.urgent : -1;
  if (urg < 0 && layer.urgent !== 0) ctx.issue('tcp', ei.urgentNonzero, ui, off + 18, 2);
  const len = hasSeglen ? seglen : -1;

  const end = off + layer.length;
  const optlen = hl - 20;
  let optsNode: Tree | undefined;
  if (optlen > 0 && t) {
    const cap = Math.max(0, Math.min(optlen, end - (off + 20)));
    const bytes = t.wants(hf.options) ? ctx.data.subarray(off + 20, off + 20 + cap) : null;
    optsNode = t.add(hf.options, off + 20, cap, bytes, full ? { text: `Options: (${optlen} bytes)` } : undefined);
  }
  if (a && t) {
    const tt = t.add(hf.text, off, 0, null, TIMESTAMPS);
    tt.add(hf.timeRelative, off, 0, a.timeRelative, full ? { generated: true, text: `[Time since first frame in this TCP stream: ${reltime(a.timeRelative)} seconds]` } : GENERATED);
    tt.add(hf.timeDelta, off, 0, a.timeDelta, full ? { generated: true, text: `[Time since previous frame in this TCP stream: ${reltime(a.timeDelta)} seconds]` } : GENERATED);
  }
  let optInfo = '';
  let tsval = -1;
  let tsecr = -1;
  if (optlen > 0) {
    const w = W;
    w.reset(ctx, layer, end, optsNode, cols, a !== undefined, a ? a.peerBase : 0, ackShown >>> 0);
    walkOptions(ctx, layer, end, w);
    optInfo = w.info;
    if (w.timestampsOnly) {
      tsval = layer.tsval!;
      tsecr = layer.tsecr!;
    }
    if (layer.fail !== FAIL_NONE) {
      if (cols) ctx.appendInfo(infoAfterPorts(flags, ace, seqShown, ackShown, winShown, urg, len, optInfo));
      markFail(ctx, layer, t);
      return false;
    }
  } else layer.optionsComplete = true;
  // the whole header was read: the protocol item covers it, not the payload (as in Wireshark)
  tree?.setLength(hl);
  if (cols) ctx.appendInfo(infoAfterPorts(flags, ace, seqShown, ackShown, winShown, urg, len, optInfo, tsval, tsecr));
  if (a && a.hasTa) renderAnalysis(ctx, a, tree, off);
  // Payload
  if (layer.payloadCaptured > 0 && t) {
    const po = layer.payloadOffset;
    const n = layer.payloadCaptured;
    if (flags & TH_RST) {
      t.add(hf.resetCause, po, n, t.wants(hf.resetCause) ? latin1(ctx.data, po, po + n) : '');
    } else if (t.wants(hf.payload)) {
      const reportedRemaining = Math.max(0, layer.reportedLen - hl);
      t.add(hf.payload, po, n, ctx.data.subarray(po, po + n), full ? { text: `TCP payload (${reportedRemaining} byte${reportedRemaining === 1 ? '' : 's'})` } : undefined);
    }
  }
  return true;
}

function isFragmentIp(ctx: DecodeContext): boolean {
  return unreassembledFragment(enclosingIp(ctx) as IpLikeLayer | undefined);
}

function markFail(ctx: DecodeContext, layer: TcpLayer, t: Tree | undefined): void {
  if (layer.fail === FAIL_SHORT) ctx.short('tcp', t, layer.failOffset);
  else ctx.malformed('tcp', 'bounds', t, layer.failOffset);
}

const PREFIX = {
  reused: '[TCP Port numbers reused] ',
  retrans: '[TCP Retransmission] ',
  fast: '[TCP Fast Retransmission] ',
  spurious: '[TCP Spurious Retransmission] ',
  ooo: '[TCP Out-Of-Order] ',
  lost: '[TCP Previous segment not captured] ',
  ackLost: '[TCP ACKed unseen segment] ',
  winUpdate: '[TCP Window Update] ',
  winFull: '[TCP Window Full] ',
  keepAlive: '[TCP Keep-Alive] ',
  keepAliveAck: '[TCP Keep-Alive ACK] ',
  zwp: '[TCP ZeroWindowProbe] ',
  zw: '[TCP ZeroWindow] ',
  zwpAck: '[TCP ZeroWindowProbeAck] ',
};

const SEQ_ACK_ANALYSIS: AddOptions = { generated: true, text: '[SEQ/ACK analysis]' };
const ANALYSIS_FLAGS: AddOptions = { generated: true, text: '[TCP Analysis Flags]' };
const DUPLICATE_ACK: AddOptions = { generated: true, text: '[This is a TCP duplicate ack]' };

/** The Info text after the ports: flags, numbers, the urgent pointer and length unless -1, then
 * `tail`, or the timestamps when `tsval` is not -1; built when read (a filter drops most frames
 * unprinted). */
function infoAfterPorts(flags: number, ace: boolean, seq: number, ack: number, win: number, urg: number, len: number, tail: string, tsval = -1, tsecr = -1): ColumnText {
  return () => {
    let s = ` [${tcpFlagsToString(flags, ace)}] Seq=${seq >>> 0}`;
    if (flags & TH_ACK) s += ` Ack=${ack >>> 0}`;
    s += ` Win=${win >>> 0}`;
    if (urg >= 0) s += ` Urg=${urg}`;
    if (len >= 0) s += ` Len=${len}`;
    return tsval === -1 ? s + tail : `${s} TSval=${tsval} TSecr=${tsecr}`;
  };
}

/** Fields only `renderAnalysis` adds (by id; made on first use, once every field exists). */
let analysisOnly: Set<number> | null = null;
/** Protocols whose fields `renderTcp` adds (its decoder's `fieldPrefixes`, and expert items). */
const RENDERED_PREFIXES = new Set(['tcp', 'mptcp', 'text', '_ws']);
let headerRoot: FieldCollector | null = null;
let headerWants = true;

/** Whether the field collector `root` wants a field `renderTcp` adds outside the analysis
 * subtree; true for any other tree. Kept for the last collector asked (one per run). */
function headerWanted(root: Tree | undefined): boolean {
  if (!(root instanceof FieldCollector)) return true;
  if (root === headerRoot) return headerWants;
  if (!analysisOnly) {
    const experts = [ei.reusedPorts, ei.retransmission, ei.fastRetransmission, ei.spuriousRetransmission, ei.outOfOrder, ei.lostSegment, ei.ackLostSegment];
    experts.push(ei.windowUpdate, ei.windowFull, ei.keepAlive, ei.keepAliveAck, ei.duplicateAck, ei.zeroWindowProbe, ei.zeroWindow, ei.zeroWindowProbeAck);
    const defs = [hf.analysis, hf.acksFrame, hf.ackRtt, hf.initialRtt, hf.bytesInFlight, hf.pushBytesSent, hf.analysisFlags, hf.rto, hf.rtoFrame];
    defs.push(hf.duplicateAck, hf.duplicateAckNum, hf.duplicateAckFrame);
    analysisOnly = new Set([...defs.map((d) => d.id), ...experts.flatMap((e) => fieldByName(e.name)?.id ?? [])]);
  }
  const only = analysisOnly;
  headerRoot = root;
  headerWants = root.wantsAny((d) => RENDERED_PREFIXES.has(d.name.split('.', 1)[0]!) && !only.has(d.id));
  return headerWants;
}

/** `tcp_print_sequence_number_analysis`: the SEQ/ACK tree, experts and Info prefixes. Wireshark
 * prepends each prefix, so the last one added ends up first. */
function renderAnalysis(ctx: DecodeContext, a: TcpPacketAnalysis, t: Tree | undefined, off: number): void {
  const at = t?.add(hf.analysis, off, 0, null, SEQ_ACK_ANALYSIS);
  if (a.acksFrame) {
    at?.add(hf.acksFrame, off, 0, a.acksFrame, GENERATED);
    if (a.ackRtt !== 0) at?.add(hf.ackRtt, off, 0, a.ackRtt, GENERATED);
  }
  if (a.initialRtt !== 0) at?.add(hf.initialRtt, off, 0, a.initialRtt, GENERATED);
  if (a.bytesInFlight) {
    at?.add(hf.bytesInFlight, off, 0, a.bytesInFlight, GENERATED);
    at?.add(hf.pushBytesSent, off, 0, a.pushBytesSent, GENERATED);
  }
  const f = a.flags;
  if (!f) return;
  const fi = at?.add(hf.analysisFlags, off, 0, null, ANALYSIS_FLAGS);
  const cols = ctx.columns && ctx.errorDepth === 0;
  if (f & TCP_A.REUSED_PORTS) {
    ctx.issue('tcp', ei.reusedPorts, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.reused, true);
  }
  if (f & TCP_A.RETRANSMISSION) {
    ctx.issue('tcp', ei.retransmission, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.retrans, true);
    if (a.rto !== 0) {
      fi?.add(hf.rto, off, 0, a.rto, GENERATED);
      fi?.add(hf.rtoFrame, off, 0, a.rtoFrame, GENERATED);
    }
  }
  if (f & TCP_A.FAST_RETRANSMISSION) {
    ctx.issue('tcp', ei.fastRetransmission, fi, off, 0);
    ctx.issue('tcp', ei.retransmission, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.fast, true);
  }
  if (f & TCP_A.SPURIOUS_RETRANSMISSION) {
    ctx.issue('tcp', ei.spuriousRetransmission, fi, off, 0);
    ctx.issue('tcp', ei.retransmission, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.spurious, true);
  }
  if (f & TCP_A.OUT_OF_ORDER) {
    ctx.issue('tcp', ei.outOfOrder, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.ooo, true);
  }
  if (f & TCP_A.LOST_PACKET) {
    ctx.issue('tcp', ei.lostSegment, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.lost, true);
  }
  if (f & TCP_A.ACK_LOST_PACKET) {
    ctx.issue('tcp', ei.ackLostSegment, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.ackLost, true);
  }
  if (f & TCP_A.WINDOW_UPDATE) {
    ctx.issue('tcp', ei.windowUpdate, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.winUpdate, true);
  }
  if (f & TCP_A.WINDOW_FULL) {
    ctx.issue('tcp', ei.windowFull, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.winFull, true);
  }
  if (f & TCP_A.KEEP_ALIVE) {
    ctx.issue('tcp', ei.keepAlive, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.keepAlive, true);
  }
  if (f & TCP_A.KEEP_ALIVE_ACK) {
    ctx.issue('tcp', ei.keepAliveAck, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.keepAliveAck, true);
  }
  if (a.dupAckNum) {
    if (f & TCP_A.DUPLICATE_ACK) {
      fi?.add(hf.duplicateAck, off, 0, null, DUPLICATE_ACK);
      if (cols) ctx.prependInfo(`[TCP Dup ACK ${a.dupAckFrame}#${a.dupAckNum}] `, true);
    }
    at?.add(hf.duplicateAckNum, off, 0, a.dupAckNum, GENERATED);
    const df = at?.add(hf.duplicateAckFrame, off, 0, a.dupAckFrame, GENERATED);
    ctx.issue('tcp', ei.duplicateAck, df, off, 0, `Duplicate ACK (#${a.dupAckNum})`);
  }
  if (f & TCP_A.ZERO_WINDOW_PROBE) {
    ctx.issue('tcp', ei.zeroWindowProbe, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.zwp, true);
  }
  if (f & TCP_A.ZERO_WINDOW) {
    ctx.issue('tcp', ei.zeroWindow, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.zw, true);
  }
  if (f & TCP_A.ZERO_WINDOW_PROBE_ACK) {
    ctx.issue('tcp', ei.zeroWindowProbeAck, fi, off, 0);
    if (cols) ctx.prependInfo(PREFIX.zwpAck, true);
  }
}
