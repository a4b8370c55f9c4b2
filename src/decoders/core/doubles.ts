/**
 * Number fields that V8 should store as doubles from the start.
 *
 * V8 gives an object field the representation of the first values stored in it. A field that
 * starts as a small integer (0) and later receives a sequence number above 2^30, a frame time or
 * any fraction changes the hidden class of every object of that shape: all code optimised against
 * the old class is thrown away and compiled again. On the 1 GB bench capture that happened to
 * about 40 fields of the TCP engine's objects in the first 50 000 frames, one at a time, each
 * while the hot functions were being compiled.
 */

/** The primed objects, kept: V8's tree of hidden-class transitions holds its classes weakly, and
 * a full collection that found no object of the primed class could drop it, and with it the
 * priming (a test run under load saw it happen). */
const PRIMED: object[] = [];

/** Stores a fraction in each field and then 0 again: the fields hold doubles (and are mutable)
 * before any code is optimised against them, and their values are 0 (+0, never -0). Called on
 * one instance of a class at module load (later instances share its hidden class), or on a single
 * long-lived object when it is made. Names private fields too, so it checks that each exists (a
 * renamed field fails at load). Returns `obj`. */
export function storeAsDoubles<T extends object>(obj: T, fields: readonly string[]): T {
  PRIMED.push(obj);
  const o = obj as Record<string, unknown>;
  for (const f of fields) {
    if (typeof o[f] !== 'number') throw new Error(`storeAsDoubles: ${obj.constructor.name} has no number field ${f}`);
    o[f] = 0.5;
    o[f] = 0;
  }
  return obj;
}

/** An empty array whose elements kind is already "objects". A `[]` starts as small integers and
 * changes kind, and hidden class, at its first object: the first segment a reassembler held threw
 * away the code optimised against the empty lists (V8's allocation sites, which make later
 * literals with the learnt kind, only exist once the function has feedback). */
export function objectList<T>(): T[] {
  const list: unknown[] = [null];
  list.pop();
  return list as T[];
}
