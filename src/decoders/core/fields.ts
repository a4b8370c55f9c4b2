/** Field definitions in Wireshark's header-field (hf) style: one typed definition per dotted name,
 * registered once at start-up, shared by the tree, `-T fields`, JSON output and display filters. */

export type FieldType =
  | 'none' // FT_NONE: a label or a flag without a value
  | 'protocol' // FT_PROTOCOL: a protocol header
  | 'uint' // FT_UINT8..32 (bits says which)
  | 'uint64'
  | 'int'
  | 'bool' // FT_BOOLEAN
  | 'ipv4'
  | 'ipv6'
  | 'ether'
  | 'bytes'
  | 'string'
  | 'double'
  | 'reltime' // seconds, printed with 9 decimals
  | 'abstime'
  | 'framenum';

export type Base = 'dec' | 'hex' | 'oct' | 'dec_hex' | 'hex_dec' | 'none';

export interface FieldDef {
  /** Index into the registry, dense from 0. */
  readonly id: number;
  /** Wireshark display-filter name, e.g. `ip.src`. */
  readonly name: string;
  /** Human label, e.g. `Source Address`. */
  readonly label: string;
  readonly type: FieldType;
  readonly base: Base;
  /** Width in bits of an integer field (8, 16, 24, 32), used for hex padding. */
  readonly bits: number;
  /** Bit mask within the parent integer, for flag fields shown as `.... ..1. = ...`. */
  readonly mask?: number;
  /** Value names for integer fields. */
  readonly values?: ReadonlyMap<number, string>;
  /** Text for true/false of a boolean field. */
  readonly tf?: readonly [string, string];
  /** Unit suffix shown in labels (`bytes`, `seconds`). */
  readonly unit?: string;
  /** An absolute time shown as epoch seconds (`frame.time_epoch`) instead of a date. */
  readonly epoch?: boolean;
}

export interface FieldOptions {
  base?: Base;
  bits?: number;
  mask?: number;
  values?: Record<number, string> | ReadonlyMap<number, string>;
  tf?: readonly [string, string];
  unit?: string;
  epoch?: boolean;
}

const byName = new Map<string, FieldDef>();
const byId: FieldDef[] = [];

/** Registers a field. Registering the same name twice with the same type returns the first
 * definition, so decoders that share a field (e.g. `ip.addr`) can both declare it. */
export function field(name: string, label: string, type: FieldType, opts: FieldOptions = {}): FieldDef {
  const existing = byName.get(name);
  if (existing) {
    if (existing.type !== type) throw new Error(`field ${name} registered twice with different types`);
    return existing;
  }
  const values =
    opts.values instanceof Map
      ? opts.values
      : opts.values
        ? new Map(Object.entries(opts.values).map(([k, v]) => [Number(k), v]))
        : undefined;
  const def: FieldDef = {
    id: byId.length,
    name,
    label,
    type,
    base: opts.base ?? (type === 'uint' || type === 'int' || type === 'uint64' ? 'dec' : 'none'),
    bits: opts.bits ?? (type === 'uint' || type === 'int' ? 32 : type === 'uint64' ? 64 : 0),
    mask: opts.mask,
    values,
    tf: opts.tf,
    unit: opts.unit,
    epoch: opts.epoch,
  };
  byName.set(name, def);
  byId.push(def);
  return def;
}

/** Shorthand for a protocol node (`ip`, `tcp`). */
export function protocol(name: string, label: string): FieldDef {
  return field(name, label, 'protocol');
}

export function fieldByName(name: string): FieldDef | undefined {
  return byName.get(name);
}

export function fieldById(id: number): FieldDef {
  return byId[id]!;
}

export function fieldCount(): number {
  return byId.length;
}

export function allFields(): readonly FieldDef[] {
  return byId;
}
