/**
 * Caveats: extra conditions a capability places on a request, kept in a canonical sorted form so
 * that order, meet and encoding are all exact.
 *
 * Two kinds, each a lattice of its own:
 * - `max`: the request's numeric field `key` must be at most `limit` (meet: the smaller limit);
 * - `oneOf`: the request's string field `key` must be one of `values` (meet: the intersection).
 * A missing field fails the caveat. An empty `oneOf` set is unsatisfiable (bottom).
 */

/** Most caveats on one capability. */
export const MAX_CAVEATS = 16;
/** Most values in one `oneOf` caveat. */
export const MAX_CAVEAT_VALUES = 16;
/** Longest caveat key in bytes (ASCII). */
export const MAX_CAVEAT_KEY_BYTES = 32;
/** Longest `oneOf` value in UTF-8 bytes. */
export const MAX_CAVEAT_VALUE_BYTES = 64;

const KEY_PATTERN = /^[a-z][a-z0-9_.-]*$/;
const textEncoder = new TextEncoder();

/** A numeric upper bound on a request field. */
export interface MaxCaveat {
  /** Discriminator. */
  readonly kind: 'max';
  /** The request field it constrains. */
  readonly key: string;
  /** Largest accepted value (a non-negative safe integer). */
  readonly limit: number;
}

/** A set of accepted strings for a request field. */
export interface OneOfCaveat {
  /** Discriminator. */
  readonly kind: 'oneOf';
  /** The request field it constrains. */
  readonly key: string;
  /** Accepted values, sorted by code unit and distinct. */
  readonly values: readonly string[];
}

/** One caveat. */
export type Caveat = MaxCaveat | OneOfCaveat;

/** The request fields caveats are checked against. */
export type CaveatContext = Readonly<Record<string, number | string>>;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders caveats as the encoding does: `max` (kind 1) before `oneOf` (kind 2), then by key. */
export function compareCaveats(a: Caveat, b: Caveat): number {
  if (a.kind !== b.kind) return a.kind === 'max' ? -1 : 1;
  return compareStrings(a.key, b.key);
}

/**
 * Validates and canonicalises a caveat list: sorted, one caveat per (kind, key), repeated ones met.
 * Throws `TypeError`/`RangeError` naming the problem.
 *
 * @example
 * ```ts
 * import { normalizeCaveats } from '@nexus/capability';
 * normalizeCaveats([{ kind: 'max', key: 'bytes', limit: 10 }, { kind: 'max', key: 'bytes', limit: 4 }]);
 * // [{ kind: 'max', key: 'bytes', limit: 4 }]
 * ```
 */
export function normalizeCaveats(caveats: readonly Caveat[]): Caveat[] {
  if (!Array.isArray(caveats)) throw new TypeError('caveats: an array');
  const byKey = new Map<string, Caveat>();
  for (const caveat of caveats) {
    const checked = checkCaveat(caveat);
    const id = `${checked.kind}\0${checked.key}`;
    const previous = byKey.get(id);
    byKey.set(id, previous ? meetOne(previous, checked) : checked);
  }
  if (byKey.size > MAX_CAVEATS) throw new RangeError(`caveats: more than ${MAX_CAVEATS}`);
  return [...byKey.values()].sort(compareCaveats);
}

function checkCaveat(caveat: Caveat): Caveat {
  if (typeof caveat !== 'object' || caveat === null) throw new TypeError('caveat: an object');
  const { key } = caveat;
  if (typeof key !== 'string' || key.length > MAX_CAVEAT_KEY_BYTES || !KEY_PATTERN.test(key)) {
    throw new TypeError(`caveat key: malformed ${JSON.stringify(key)}`);
  }
  if (caveat.kind === 'max') {
    if (!Number.isSafeInteger(caveat.limit) || caveat.limit < 0) {
      throw new RangeError(`caveat ${key}: limit must be a non-negative safe integer`);
    }
    return { kind: 'max', key, limit: caveat.limit };
  }
  if (caveat.kind === 'oneOf') {
    if (!Array.isArray(caveat.values)) throw new TypeError(`caveat ${key}: values must be an array`);
    const values = [...new Set(caveat.values)].sort(compareStrings);
    if (values.length > MAX_CAVEAT_VALUES)
      throw new RangeError(`caveat ${key}: more than ${MAX_CAVEAT_VALUES} values`);
    for (const value of values) {
      if (typeof value !== 'string' || textEncoder.encode(value).length > MAX_CAVEAT_VALUE_BYTES) {
        throw new TypeError(`caveat ${key}: each value a string of at most ${MAX_CAVEAT_VALUE_BYTES} bytes`);
      }
    }
    return { kind: 'oneOf', key, values };
  }
  throw new TypeError(`caveat ${key}: kind must be 'max' or 'oneOf'`);
}

function meetOne(a: Caveat, b: Caveat): Caveat {
  if (a.kind === 'max' && b.kind === 'max')
    return { kind: 'max', key: a.key, limit: Math.min(a.limit, b.limit) };
  const bValues = new Set((b as OneOfCaveat).values);
  return { kind: 'oneOf', key: a.key, values: (a as OneOfCaveat).values.filter((v) => bValues.has(v)) };
}

/** True when a canonical caveat list can never be satisfied (an empty `oneOf`). */
export function caveatsEmpty(caveats: readonly Caveat[]): boolean {
  for (const caveat of caveats) if (caveat.kind === 'oneOf' && caveat.values.length === 0) return true;
  return false;
}

/**
 * True when canonical list `outer` is implied by canonical list `inner`: every caveat of `outer`
 * has a counterpart in `inner` at least as strict. (`inner` ⊑ `outer` on the caveat component.)
 */
export function caveatsCover(outer: readonly Caveat[], inner: readonly Caveat[]): boolean {
  let j = 0;
  for (const a of outer) {
    while (j < inner.length && compareCaveats(inner[j], a) < 0) j++;
    if (j === inner.length) return false;
    const b = inner[j];
    if (compareCaveats(a, b) !== 0) return false;
    if (a.kind === 'max') {
      if ((b as MaxCaveat).limit > a.limit) return false;
    } else {
      const allowed = new Set(a.values);
      for (const v of (b as OneOfCaveat).values) if (!allowed.has(v)) return false;
    }
  }
  return true;
}

/** The meet of two canonical caveat lists (union of conditions, shared keys met). */
export function caveatsMeet(a: readonly Caveat[], b: readonly Caveat[]): Caveat[] {
  return normalizeCaveats([...a, ...b]);
}

/** True when `context` satisfies every caveat of the list. */
export function caveatsAllow(caveats: readonly Caveat[], context: CaveatContext | undefined): boolean {
  for (const caveat of caveats) {
    const value = context?.[caveat.key];
    if (caveat.kind === 'max') {
      if (typeof value !== 'number' || !(value <= caveat.limit)) return false;
    } else if (typeof value !== 'string' || !caveat.values.includes(value)) {
      return false;
    }
  }
  return true;
}
