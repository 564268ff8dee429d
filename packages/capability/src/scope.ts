/**
 * Path scopes: a scope covers itself and everything below it, by whole path segment. `/etc/nexus`
 * covers `/etc/nexus/notes/a.txt` and never `/etc/nexus2`.
 */

/** Longest scope in UTF-8 bytes. */
export const MAX_SCOPE_BYTES = 1024;
/** Deepest scope in segments. */
export const MAX_SCOPE_SEGMENTS = 64;

const textEncoder = new TextEncoder();

/**
 * Why `path` is not a canonical scope, or `null` when it is. Canonical: `/` or `/seg(/seg)*` with
 * no empty, `.` or `..` segment, no NUL, no trailing slash, within the limits above.
 *
 * @example
 * ```ts
 * import { scopeProblem } from '@nexus/capability';
 * scopeProblem('/etc/nexus'); // null
 * scopeProblem('/etc/../passwd'); // 'segment ".." is not allowed'
 * ```
 */
export function scopeProblem(path: string): string | null {
  if (typeof path !== 'string') return 'not a string';
  if (path === '/') return null;
  if (!path.startsWith('/')) return 'must start with "/"';
  if (path.length > MAX_SCOPE_BYTES || textEncoder.encode(path).length > MAX_SCOPE_BYTES) {
    return `longer than ${MAX_SCOPE_BYTES} bytes`;
  }
  const segments = path.split('/');
  if (segments.length - 1 > MAX_SCOPE_SEGMENTS) return `deeper than ${MAX_SCOPE_SEGMENTS} segments`;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '') return i === segments.length - 1 ? 'trailing "/"' : 'empty segment';
    if (segment === '.' || segment === '..') return `segment "${segment}" is not allowed`;
    if (segment.includes('\0')) return 'NUL in segment';
  }
  return null;
}

/**
 * True when `path` is a canonical scope (see {@link scopeProblem}).
 *
 * @example
 * ```ts
 * import { isScope } from '@nexus/capability';
 * isScope('/etc/nexus'); // true
 * isScope('/etc/nexus/'); // false
 * ```
 */
export function isScope(path: string): boolean {
  return scopeProblem(path) === null;
}

/**
 * True when scope `outer` covers path `inner`: equal, or `inner` lies below `outer` by whole segment.
 *
 * @example
 * ```ts
 * import { scopeCovers } from '@nexus/capability';
 * scopeCovers('/etc/nexus', '/etc/nexus/notes/a.txt'); // true
 * scopeCovers('/etc/nexus', '/etc/nexus2'); // false
 * ```
 */
export function scopeCovers(outer: string, inner: string): boolean {
  if (outer === '/') return true;
  if (inner.length === outer.length) return inner === outer;
  return inner.length > outer.length && inner.charCodeAt(outer.length) === 47 && inner.startsWith(outer);
}

/**
 * The meet of two scopes: the deeper one when one covers the other, else `null` (disjoint).
 *
 * @example
 * ```ts
 * import { scopeMeet } from '@nexus/capability';
 * scopeMeet('/etc', '/etc/nexus'); // '/etc/nexus'
 * scopeMeet('/etc', '/var'); // null
 * ```
 */
export function scopeMeet(a: string, b: string): string | null {
  if (scopeCovers(a, b)) return b;
  if (scopeCovers(b, a)) return a;
  return null;
}

/**
 * Fast canonical-path test for the hot path: `/` or `/seg(/seg)*` with no empty, `.` or `..`
 * segment and no NUL. A request for `/etc/nexus/../passwd` must never match a grant on
 * `/etc/nexus`, so every check refuses non-canonical paths outright.
 *
 * @example
 * ```ts
 * import { isCanonicalPath } from '@nexus/capability';
 * isCanonicalPath('/etc/nexus/a.txt'); // true
 * isCanonicalPath('/etc/nexus/../passwd'); // false
 * ```
 */
export function isCanonicalPath(path: string): boolean {
  const length = path.length;
  if (length === 0 || path.charCodeAt(0) !== 47) return false;
  if (length === 1) return true;
  if (length > MAX_SCOPE_BYTES) return false;
  let segmentStart = 1;
  for (let i = 1; i <= length; i++) {
    const code = i < length ? path.charCodeAt(i) : 47;
    if (code === 0) return false;
    if (code !== 47) continue;
    const segmentLength = i - segmentStart;
    if (segmentLength === 0) return false;
    if (
      path.charCodeAt(segmentStart) === 46 &&
      (segmentLength === 1 || (segmentLength === 2 && path.charCodeAt(segmentStart + 1) === 46))
    ) {
      return false;
    }
    segmentStart = i + 1;
  }
  return true;
}
