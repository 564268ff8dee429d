/**
 * Debian version ordering, Debian Policy §5.6.12: `[epoch:]upstream_version[-debian_revision]`.
 * Epochs compare numerically; upstream and revision compare by alternating non-digit and digit
 * runs, where in non-digit runs `~` sorts before everything (even the end of the string),
 * letters sort before non-letters, and digit runs compare numerically. Ranges are Debian
 * relations (`<< <= = >= >>`, Policy §7.1), joined by `,` (and) or `|` (or) in this module.
 * @module
 */
import type { VersionScheme } from './scheme.js';

function order(c: string): number {
  if (c === '~') return -1;
  if (c === '') return 0;
  const code = c.charCodeAt(0);
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return code;
  return code + 256;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Compares two upstream or revision strings by Policy §5.6.12's algorithm. */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = i < a.length && !isDigit(a.charCodeAt(i)) ? order(a[i]) : 0;
      const bc = j < b.length && !isDigit(b.charCodeAt(j)) ? order(b[j]) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && isDigit(a.charCodeAt(i)) && j < b.length && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const cache = new Map<string, DebVersion>();
const CACHE_LIMIT = 1 << 17;

function split(version: string): DebVersion {
  let v = cache.get(version);
  if (v) return v;
  const colon = version.indexOf(':');
  const epoch = colon >= 0 ? Number(version.slice(0, colon)) : 0;
  const rest = colon >= 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf('-');
  v = {
    epoch,
    upstream: dash >= 0 ? rest.slice(0, dash) : rest,
    revision: dash >= 0 ? rest.slice(dash + 1) : '',
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(version, v);
  return v;
}

/**
 * Compares two Debian versions (Policy §5.6.12).
 *
 * @example
 * ```ts
 * import { compareDebian } from '@nexus/nip';
 * compareDebian('1.0~rc1', '1.0'); // < 0
 * compareDebian('1:0.9', '2.0'); // > 0 (epoch)
 * ```
 */
export function compareDebian(a: string, b: string): number {
  if (a === b) return 0;
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

const VALID = /^(?:\d+:)?[0-9A-Za-z][0-9A-Za-z.+~:-]*$/;

/**
 * Tests one Debian relation (`>= 1.2`, `<< 2`, `= 1.0-1`, plus the obsolete `<` and `>`).
 *
 * @example
 * ```ts
 * import { debianRelation } from '@nexus/nip';
 * debianRelation('<<', '2.0')('1.9'); // true
 * ```
 */
export function debianRelation(op: string, reference: string): (version: string) => boolean {
  switch (op) {
    case '<<':
      return (v) => compareDebian(v, reference) < 0;
    case '<=':
    case '<': // obsolete form of <= (Policy §7.1)
      return (v) => compareDebian(v, reference) <= 0;
    case '=':
      return (v) => compareDebian(v, reference) === 0;
    case '>=':
    case '>': // obsolete form of >=
      return (v) => compareDebian(v, reference) >= 0;
    case '>>':
      return (v) => compareDebian(v, reference) > 0;
    default:
      throw new RangeError(`relation: "${op}" is not a Debian relation`);
  }
}

/**
 * Debian versions; ranges are relations like `>= 1.2, << 2` (`,` = and, `|` = or).
 *
 * @example
 * ```ts
 * import { debian } from '@nexus/nip';
 * debian.range('>= 1:1.0~rc1')('1:1.0'); // true
 * ```
 */
export const debian: VersionScheme = {
  name: 'debian',
  compare: compareDebian,
  valid: (v) => VALID.test(v),
  range(expression) {
    const alternatives = expression.split('|').map((alt) =>
      alt
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((rel) => {
          const m = /^(<<|<=|>=|>>|=|<|>)\s*(\S+)$/.exec(rel);
          if (!m) throw new RangeError(`range: "${expression}" has an invalid relation "${rel}"`);
          return debianRelation(m[1], m[2]);
        }),
    );
    return (v) => alternatives.some((all) => all.every((t) => t(v)));
  },
};
