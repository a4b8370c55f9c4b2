import type { DecodeContext, DecodeResult } from './core/context.js';
import { field, protocol } from './core/fields.js';
import { hexPad } from './core/format.js';
import type { Layer } from './core/packet.js';
import type { Decoder } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { ETHERTYPE_NAMES, ethertypeNext, unknownEthertypeColumns } from './ethertypes.js';
import { bitPrefix } from './ipv4.js';

/** SAP names (`llc.dsap` values). */
const SAP_NAMES: Record<number, string> = {
  0x00: 'NULL LSAP',
  0x02: 'LLC Sub-Layer Management',
  0x04: 'SNA Path Control',
  0x06: 'TCP/IP',
  0x08: 'SNA',
  0x0c: 'SNA',
  0x0e: 'PROWAY (IEC955) Network Management and Initialization',
  0x10: 'NetWare (unofficial?)',
  0x14: 'ISO Network Layer (OSLAN 1)',
  0x18: 'Texas Instruments',
  0x20: 'ISO Network Layer (unofficial?)',
  0x34: 'ISO Network Layer (unofficial?)',
  0x42: 'Spanning Tree BPDU',
  0x4e: 'EIA RS-511 Manufacturing Message Service',
  0x54: 'ISO Network Layer (OSLAN 2)',
  0x7e: 'ISO 8208 (X.25 over 802.2)',
  0x80: 'XNS',
  0x82: 'BACnet',
  0x86: 'Nestar',
  0x8e: 'PROWAY (IEC955) Active Station List Maintenance',
  0x98: 'ARP',
  0xaa: 'SNAP',
  0xb4: 'HP JetDirect Printer',
  0xba: 'Banyan Vines',
  0xbc: 'Banyan Vines',
  0xe0: 'NetWare',
  0xf0: 'NetBIOS',
  0xf4: 'IBM Net Management',
  0xf8: 'HP Extended LLC',
  0xfa: 'Ungermann-Bass',
  0xfc: 'Remote Program Load',
  0xfe: 'ISO Network Layer',
  0xff: 'Global LSAP',
};
const U_CMD: Record<number, [string, string]> = {
  0x00: ['UI', 'Unnumbered Information'],
  0x20: ['UP', 'Unnumbered Poll'],
  0x40: ['DISC', 'Disconnect'],
  0x60: ['UA', 'Unnumbered Acknowledge'],
  0x80: ['SNRM', 'Set Normal Response Mode'],
  0xe0: ['TEST', 'Test'],
  0x04: ['SIM', 'Set Initialization Mode'],
  0x84: ['FRMR', 'Frame reject'],
  0xc4: ['CFGR', 'Configure'],
  0x0c: ['SARM', 'Set Asynchronous Response Mode'],
  0x2c: ['SABM', 'Set Asynchronous Balanced Mode'],
  0x4c: ['SARME', 'Set Asynchronous Response Mode Extended'],
  0x6c: ['SABME', 'Set Asynchronous Balanced Mode Extended'],
  0x8c: ['RSET', 'Reset'],
  0xac: ['XID', 'Exchange identification'],
  0xcc: ['SNRME', 'Set Normal Response Mode Extended'],
  0xec: ['BCN', 'Beacon'],
};
const S_TYPES: Record<number, string> = { 0x00: 'RR', 0x04: 'RNR', 0x08: 'REJ', 0x0c: 'SREJ' };

export const hf = {
  llc: protocol('llc', 'Logical-Link Control'),
  dsap: field('llc.dsap', 'DSAP', 'uint', { base: 'hex', bits: 8, values: SAP_NAMES }),
  dsapSap: field('llc.dsap.sap', 'SAP', 'uint', { bits: 8, mask: 0xfe }),
  dsapIg: field('llc.dsap.ig', 'IG Bit', 'bool', { mask: 0x01, tf: ['Group', 'Individual'] }),
  ssap: field('llc.ssap', 'SSAP', 'uint', { base: 'hex', bits: 8, values: SAP_NAMES }),
  ssapSap: field('llc.ssap.sap', 'SAP', 'uint', { bits: 8, mask: 0xfe }),
  ssapCr: field('llc.ssap.cr', 'CR Bit', 'bool', { mask: 0x01, tf: ['Response', 'Command'] }),
  control: field('llc.control', 'Control', 'uint', { base: 'hex', bits: 16 }),
  uCmd: field('llc.control.u_modifier_cmd', 'Command', 'uint', { base: 'hex', bits: 8, mask: 0xec }),
  uResp: field('llc.control.u_modifier_resp', 'Response', 'uint', { base: 'hex', bits: 8, mask: 0xec }),
  ftype: field('llc.control.ftype', 'Frame type', 'uint', { base: 'hex', bits: 16, mask: 0x01 }),
  nr: field('llc.control.n_r', 'N(R)', 'uint', { bits: 16, mask: 0xfe00 }),
  ns: field('llc.control.n_s', 'N(S)', 'uint', { bits: 16, mask: 0x00fe }),
  sFtype: field('llc.control.s_ftype', 'Supervisory frame type', 'uint', { base: 'hex', bits: 16, mask: 0x0c }),
  oui: field('llc.oui', 'Organization Code', 'uint', { bits: 24 }),
  type: field('llc.type', 'Type', 'uint', { base: 'hex', bits: 16, values: ETHERTYPE_NAMES }),
  pid: field('llc.pid', 'Protocol ID', 'uint', { base: 'hex', bits: 16 }),
};

export interface LlcLayer extends Layer {
  proto: 'llc';
  dsap: number;
  ssap: number;
  control: number;
  /** SNAP organization code and protocol id, when DSAP and SSAP are 0xAA. */
  oui?: number;
  pid?: number;
}

/** IEEE 802.2 LLC, with SNAP: OUI 0 hands the PID to the `ethertype` table; everything else
 * is left to `data` (no STP, IPX, NetBIOS ... decoders here). */
export const llcDecoder: Decoder = {
  proto: 'llc',
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d = ctx.data;
    ctx.setProtocol('LLC');
    const layer = ctx.addLayer<LlcLayer>({ proto: 'llc', offset, length: end - offset, errorDepth: 0, dsap: 0, ssap: 0, control: 0 });
    ctx.need('llc', offset, 3, end);
    const dsap = d[offset]!;
    const ssap = d[offset + 1]!;
    const c0 = d[offset + 2]!;
    const isU = (c0 & 3) === 3;
    if (!isU) ctx.need('llc', offset, 4, end);
    const control = isU ? c0 : c0 | (d[offset + 3]! << 8);
    const hdr = isU ? 3 : 4;
    layer.dsap = dsap;
    layer.ssap = ssap;
    layer.control = control;
    const response = (ssap & 1) === 1;
    let ctlText: string;
    if (isU) {
      const m = c0 & 0xec;
      ctlText = `U${c0 & 0x10 ? (response ? ', F' : ', P') : ''}, func=${U_CMD[m]?.[0] ?? `Unknown (0x${hexPad(m, 2)})`}`;
    } else if ((c0 & 1) === 0) {
      ctlText = `I, N(R)=${control >> 9}, N(S)=${(control >> 1) & 0x7f}`;
    } else {
      ctlText = `S, func=${S_TYPES[c0 & 0x0c] ?? '?'}, N(R)=${control >> 9}`;
    }
    if (ctx.columns) ctx.setInfo(ctlText);
    const t = tree?.add(hf.llc, offset, hdr, null, { text: 'Logical-Link Control' });
    if (t) {
      layer.tree = t;
      const sapLine = (v: number) => `${SAP_NAMES[v & 0xfe] ?? 'Unknown'} (0x${hexPad(v, 2)})`;
      const dt = t.add(hf.dsap, offset, 1, dsap, { text: `DSAP: ${sapLine(dsap)}` });
      dt.add(hf.dsapSap, offset, 1, dsap >> 1, { text: `${bitPrefix(dsap, 0xfe, 8)}SAP: ${SAP_NAMES[dsap & 0xfe] ?? 'Unknown'}` });
      dt.add(hf.dsapIg, offset, 1, (dsap & 1) === 1, { text: `${bitPrefix(dsap, 0x01, 8)}IG Bit: ${dsap & 1 ? 'Group' : 'Individual'}` });
      const st = t.add(hf.ssap, offset + 1, 1, ssap, { text: `SSAP: ${sapLine(ssap)}` });
      st.add(hf.ssapSap, offset + 1, 1, ssap >> 1, { text: `${bitPrefix(ssap, 0xfe, 8)}SAP: ${SAP_NAMES[ssap & 0xfe] ?? 'Unknown'}` });
      st.add(hf.ssapCr, offset + 1, 1, response, { text: `${bitPrefix(ssap, 0x01, 8)}CR Bit: ${response ? 'Response' : 'Command'}` });
      const ct = t.add(hf.control, offset + 2, hdr - 2, control, { text: `Control field: ${ctlText} (0x${hexPad(control, isU ? 2 : 4)})` });
      if (isU) {
        const m = c0 & 0xec;
        const name = U_CMD[m]?.[1] ?? 'Unknown';
        ct.add(response ? hf.uResp : hf.uCmd, offset + 2, 1, m, {
          text: `${bitPrefix(c0, 0xec, 8)}${response ? 'Response' : 'Command'}: ${name} (0x${hexPad(m, 2)})`,
        });
        ct.add(hf.ftype, offset + 2, 1, 3, { text: `${bitPrefix(c0, 0x03, 8)}Frame type: Unnumbered frame (0x3)` });
      } else if ((c0 & 1) === 0) {
        ct.add(hf.nr, offset + 2, 2, control >> 9);
        ct.add(hf.ns, offset + 2, 2, (control >> 1) & 0x7f);
        ct.add(hf.ftype, offset + 2, 2, 0);
      } else {
        ct.add(hf.nr, offset + 2, 2, control >> 9);
        ct.add(hf.sFtype, offset + 2, 2, c0 & 0x0c);
        ct.add(hf.ftype, offset + 2, 2, 1);
      }
    }
    if (dsap === 0xaa && ssap === 0xaa && isU) {
      ctx.need('llc', offset + 3, 5, end);
      const oui = (d[offset + 3]! << 16) | (d[offset + 4]! << 8) | d[offset + 5]!;
      const pid = (d[offset + 6]! << 8) | d[offset + 7]!;
      layer.oui = oui;
      layer.pid = pid;
      if (ctx.columns) ctx.appendInfo(`; SNAP, OUI 0x${hexPad(oui, 6).toUpperCase()}, PID 0x${hexPad(pid, 4).toUpperCase()}`);
      t?.add(hf.oui, offset + 3, 3, oui);
      if (oui === 0) {
        t?.add(hf.type, offset + 6, 2, pid);
        if (!ctx.registry.lookup('ethertype', pid)) unknownEthertypeColumns(ctx, pid);
        return { offset: offset + 8, end, next: ethertypeNext(ctx, pid, offset + 8, end) };
      }
      t?.add(hf.pid, offset + 6, 2, pid);
      return { offset: offset + 8, end, next: { proto: 'data' } };
    }
    return { offset: offset + hdr, end, next: { proto: 'data' } };
  },
};
