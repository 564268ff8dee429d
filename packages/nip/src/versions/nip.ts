/**
 * nip's own version scheme (SPEC.md, "Versions"): dot-separated non-negative integers of any
 * length (`1`, `2.10`, `3.0.0.1`), compared numerically component by component with missing
 * components equal to 0, so `1.2` = `1.2.0`. Ranges: `*`, or comparators `= != < <= > >=`
 * joined by `,` (and), alternatives joined by `|` (or); `1.2.*` means `>=1.2, <1.3`.
 * @module
 */
import type { VersionScheme } from './scheme.js';

const VERSION = /^\d+(?:\.\d+)*$/;

function components(v: string): number[] {
  if (!VERSION.test(v)) throw new RangeError(`version: "${v}" is not a nip version`);
  return v.split('.').map(Number);
}

/**
 * Compares two nip versions.
 *
 * @example
 * ```ts
 * import { compareNip } from '@nexus/nip';
 * compareNip('1.10', '1.9'); // > 0
 * compareNip('1.2', '1.2.0'); // 0
 * ```
 */
export function compareNip(a: string, b: string): number {
  const x = components(a);
  const y = components(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function comparator(text: string, expression: string): (v: string) => boolean {
  const m = /^(=|!=|<=|>=|<|>)?\s*(\d+(?:\.\d+)*)(\.\*)?$/.exec(text);
  if (!m) throw new RangeError(`range: "${expression}" has an invalid comparator "${text}"`);
  const op = m[1] ?? '=';
  const ref = m[2];
  if (m[3]) {
    if (op !== '=') throw new RangeError(`range: "${expression}": a wildcard takes no operator`);
    const parts = components(ref);
    const next = [...parts.slice(0, -1), parts[parts.length - 1] + 1].join('.');
    return (v) => compareNip(v, ref) >= 0 && compareNip(v, next) < 0;
  }
  switch (op) {
    case '=':
      return (v) => compareNip(v, ref) === 0;
    case '!=':
      return (v) => compareNip(v, ref) !== 0;
    case '<':
      return (v) => compareNip(v, ref) < 0;
    case '<=':
      return (v) => compareNip(v, ref) <= 0;
    case '>':
      return (v) => compareNip(v, ref) > 0;
    default:
      return (v) => compareNip(v, ref) >= 0;
  }
}

/**
 * nip's own version scheme.
 *
 * @example
 * ```ts
 * import { nipVersions } from '@nexus/nip';
 * nipVersions.range('>=1.2, <2 | 3.*')('3.4'); // true
 * ```
 */
export const nipVersions: VersionScheme = {
  name: 'nip',
  compare: compareNip,
  valid: (v) => VERSION.test(v),
  range(expression) {
    if (typeof expression !== 'string') throw new TypeError('range: expected a string');
    const alternatives = expression.split('|').map((alt) => {
      const parts = alt
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (parts.length === 1 && parts[0] === '*') return [() => true];
      if (parts.length === 0) throw new RangeError(`range: "${expression}" has an empty alternative`);
      return parts.map((p) => comparator(p, expression));
    });
    return (v) => VERSION.test(v) && alternatives.some((all) => all.every((t) => t(v)));
  },
};
