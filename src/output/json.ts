import { valueForFields } from '../decoders/core/format.js';
import type { Packet } from '../decoders/core/packet.js';
import type { FieldNode } from '../decoders/core/tree.js';

type JsonValue = string | JsonObject | JsonValue[];
interface JsonObject {
  [key: string]: JsonValue;
}

function put(obj: JsonObject, key: string, value: JsonValue): void {
  const prev = obj[key];
  if (prev === undefined) obj[key] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else obj[key] = [prev, value];
}

function nodeValue(n: FieldNode): string {
  if (n.def.type === 'none') return '';
  if (n.def.type === 'protocol') return '';
  return valueForFields(n.def, n.value, n);
}

function children(nodes: readonly FieldNode[]): JsonObject {
  const obj: JsonObject = {};
  for (const n of nodes) {
    put(obj, n.def.name, nodeValue(n));
    if (n.children?.length) put(obj, `${n.def.name}_tree`, children(n.children));
  }
  return obj;
}

/** A packet in tshark's `-T json` layout (`_source.layers.<proto>.<field>`), with repeated
 * field names gathered into arrays (tshark's `--no-duplicate-keys`), every value a string. */
export function packetJson(p: Packet, roots: readonly FieldNode[]): JsonObject {
  const layers: JsonObject = {};
  for (const r of roots) put(layers, r.def.name, r.children ? children(r.children) : nodeValue(r));
  if (p.cols) {
    layers['_ws.col'] = {
      'frame.number': String(p.frame.number),
      source: p.cols.src,
      destination: p.cols.dst,
      protocol: p.cols.protocol,
      info: p.cols.info,
    };
  }
  return { _index: 'packets', _type: 'doc', _source: { layers } };
}
