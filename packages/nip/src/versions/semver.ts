/**
 * Semantic Versioning 2.0.0 (https://semver.org) with npm's range grammar
 * (node-semver's README, "Ranges"): comparators `< <= > >= =`, caret `^`, tilde `~`, X-ranges
 * (`1.x`, `*`), hyphen ranges (`1.2 - 2.3.4`), space for AND, `||` for OR. As in npm, a
 * prerelease version satisfies a range only if some comparator names the same
 * `major.minor.patch` with a prerelease.
 * @module
 */
import type { VersionScheme } from './scheme.js';

interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: (string | number)[];
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const cache = new Map<string, SemVer | null>();
const CACHE_LIMIT = 1 << 16;

function parse(version: string): SemVer | null {
  let v = cache.get(version);
  if (v !== undefined) return v;
  const m = SEMVER.exec(version.trim());
  v = m
    ? {
        major: Number(m[1]),
        minor: Number(m[2]),
        patch: Number(m[3]),
        pre: m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [],
      }
    : null;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(version, v);
  return v;
}

function must(version: string): SemVer {
  const v = parse(version);
  if (!v) throw new RangeError(`version: "${version}" is not a semantic version`);
  return v;
}

function cmp(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  // semver §11: a version without prerelease sorts after one with.
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1; // §11.4.3: numeric identifiers sort before alphanumeric
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

type Op = '<' | '<=' | '>' | '>=' | '=';
interface Comparator {
  op: Op;
  v: SemVer;
}

function test(c: Comparator, v: SemVer): boolean {
  const r = cmp(v, c.v);
  switch (c.op) {
    case '<':
      return r < 0;
    case '<=':
      return r <= 0;
    case '>':
      return r > 0;
    case '>=':
      return r >= 0;
    default:
      return r === 0;
  }
}

const PARTIAL =
  /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

interface Partial {
  major: number | null;
  minor: number | null;
  patch: number | null;
  pre: (string | number)[];
}

function partial(text: string, range: string): Partial {
  const m = PARTIAL.exec(text);
  if (!m) throw new RangeError(`range: "${range}" has an invalid version "${text}"`);
  const num = (s: string | undefined) => (s === undefined || /^[xX*]$/.test(s) ? null : Number(s));
  const major = num(m[1]);
  const minor = major === null ? null : num(m[2]);
  const patch = minor === null ? null : num(m[3]);
  const pre = m[4] && patch !== null ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return { major, minor, patch, pre };
}

const v3 = (major: number, minor: number, patch: number, pre: (string | number)[] = []): SemVer => ({
  major,
  minor,
  patch,
  pre,
});
const LOWEST_PRE = [0];

/** Expands one space-separated comparator token into plain comparators. */
function expand(op: string, text: string, range: string): Comparator[] {
  const p = partial(text, range);
  const { major, minor, patch, pre } = p;
  if (op === '^') {
    if (major === null) return [];
    const lo = v3(major, minor ?? 0, patch ?? 0, pre);
    let hi: SemVer;
    if (major > 0 || minor === null) hi = v3(major + 1, 0, 0, LOWEST_PRE);
    else if (minor > 0 || patch === null) hi = v3(0, minor + 1, 0, LOWEST_PRE);
    else hi = v3(0, 0, patch + 1, LOWEST_PRE);
    return [
      { op: '>=', v: lo },
      { op: '<', v: hi },
    ];
  }
  if (op === '~') {
    if (major === null) return [];
    const lo = v3(major, minor ?? 0, patch ?? 0, pre);
    const hi = minor === null ? v3(major + 1, 0, 0, LOWEST_PRE) : v3(major, minor + 1, 0, LOWEST_PRE);
    return [
      { op: '>=', v: lo },
      { op: '<', v: hi },
    ];
  }
  if (major === null) return op === '<' || op === '>' ? [{ op: '<', v: v3(0, 0, 0, LOWEST_PRE) }] : [];
  if (patch !== null) return [{ op: (op || '=') as Op, v: v3(major, minor!, patch, pre) }];
  // X-range with a comparator or none.
  const lo = v3(major, minor ?? 0, 0);
  const hi = minor === null ? v3(major + 1, 0, 0, LOWEST_PRE) : v3(major, minor + 1, 0, LOWEST_PRE);
  switch (op) {
    case '':
    case '=':
      return [
        { op: '>=', v: lo },
        { op: '<', v: hi },
      ];
    case '>':
      return [{ op: '>=', v: v3(hi.major, hi.minor, hi.patch) }];
    case '>=':
      return [{ op: '>=', v: lo }];
    case '<':
      return [{ op: '<', v: v3(lo.major, lo.minor, lo.patch, LOWEST_PRE) }];
    default:
      return [{ op: '<', v: hi }];
  }
}

function compileSet(text: string, range: string): Comparator[] {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const lo = partial(hyphen[1], range);
    const hi = partial(hyphen[2], range);
    const out: Comparator[] = [];
    if (lo.major !== null) out.push({ op: '>=', v: v3(lo.major, lo.minor ?? 0, lo.patch ?? 0, lo.pre) });
    if (hi.major !== null) {
      if (hi.patch !== null) out.push({ op: '<=', v: v3(hi.major, hi.minor!, hi.patch, hi.pre) });
      else out.push(...expand('<=', hyphen[2], range));
    }
    return out;
  }
  const tokens = text
    .replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1')
    .split(/\s+/)
    .filter(Boolean);
  const out: Comparator[] = [];
  for (const tok of tokens) {
    const m = /^(<=|>=|<|>|=|\^|~>?)?(.*)$/.exec(tok)!;
    out.push(...expand((m[1] ?? '').replace('~>', '~'), m[2], range));
  }
  return out;
}

function satisfiesSet(set: Comparator[], v: SemVer): boolean {
  for (const c of set) if (!test(c, v)) return false;
  if (v.pre.length > 0) {
    // npm: prereleases only match when a comparator shares the tuple and has a prerelease.
    return set.some(
      (c) =>
        c.v.pre.length > 0 &&
        c.v.pre !== LOWEST_PRE &&
        c.v.major === v.major &&
        c.v.minor === v.minor &&
        c.v.patch === v.patch,
    );
  }
  return true;
}

/**
 * npm-compatible semantic versions and ranges.
 *
 * @example
 * ```ts
 * import { semver } from '@nexus/nip';
 * semver.compare('1.2.3', '1.10.0'); // < 0
 * semver.range('^1.2.0 || >=3')('1.9.9'); // true
 * ```
 */
export const semver: VersionScheme = {
  name: 'semver',
  compare: (a, b) => cmp(must(a), must(b)),
  valid: (v) => parse(v) !== null,
  range(expression) {
    if (typeof expression !== 'string') throw new TypeError('range: expected a string');
    const sets = expression
      .trim()
      .split('||')
      .map((s) => compileSet(s.trim(), expression));
    return (version) => {
      const v = parse(version);
      if (!v) return false;
      return sets.some((set) => satisfiesSet(set, v));
    };
  },
};
