import { field } from './fields.js';

/** Wireshark's expert severities and groups (epan/expert.h), with the numeric values tshark
 * prints for `_ws.expert.severity` / `_ws.expert.group`. */
export type Severity = 'chat' | 'note' | 'warn' | 'error';
export type ExpertGroup =
  | 'checksum'
  | 'sequence'
  | 'response_code'
  | 'request_code'
  | 'undecoded'
  | 'reassemble'
  | 'malformed'
  | 'debug'
  | 'protocol'
  | 'security'
  | 'comment'
  | 'decryption'
  | 'assumption'
  | 'deprecated';

export const SEVERITY_VALUE: Record<Severity, number> = {
  chat: 0x00200000,
  note: 0x00400000,
  warn: 0x00600000,
  error: 0x00800000,
};

export const GROUP_VALUE: Record<ExpertGroup, number> = {
  checksum: 0x01000000,
  sequence: 0x02000000,
  response_code: 0x03000000,
  request_code: 0x04000000,
  undecoded: 0x05000000,
  reassemble: 0x06000000,
  malformed: 0x07000000,
  debug: 0x08000000,
  protocol: 0x09000000,
  security: 0x0a000000,
  comment: 0x0b000000,
  decryption: 0x0c000000,
  assumption: 0x0d000000,
  deprecated: 0x0e000000,
};

/** An expert-info item (Wireshark `expert_add_info`, Zeek "weird"): named, with severity, group,
 * message and the byte range it is about. */
export interface Issue {
  /** Expert field name, e.g. `tcp.analysis.retransmission`, `ip.bogus_header_length`. */
  name: string;
  severity: Severity;
  group: ExpertGroup;
  message: string;
  /** Protocol that raised it (`tcp`, `ip`). */
  protocol: string;
  offset?: number;
  length?: number;
}

export interface ExpertDef {
  name: string;
  severity: Severity;
  group: ExpertGroup;
  message: string;
}

/** Declares an expert item; the message may be extended per instance. Registering also makes
 * the name a filterable field (`tcp.analysis.retransmission` is both in Wireshark). */
export function expert(name: string, severity: Severity, group: ExpertGroup, message: string): ExpertDef {
  field(name, message, 'none');
  return { name, severity, group, message };
}

export const malformedField = field('_ws.malformed', 'Malformed Packet', 'protocol');
export const shortField = field('_ws.short', 'Packet size limited during capture', 'protocol');
export const expertField = field('_ws.expert', 'Expert Info', 'protocol');
export const expertMessageField = field('_ws.expert.message', 'Message', 'string');
export const expertSeverityField = field('_ws.expert.severity', 'Severity level', 'uint', {
  base: 'hex',
  bits: 32,
  values: { 0x00200000: 'Chat', 0x00400000: 'Note', 0x00600000: 'Warning', 0x00800000: 'Error' },
});
export const expertGroupField = field('_ws.expert.group', 'Group', 'uint', {
  base: 'hex',
  bits: 32,
  values: Object.fromEntries(
    Object.entries(GROUP_VALUE).map(([k, v]) => [v, k.charAt(0).toUpperCase() + k.slice(1)]),
  ),
});
