/**
 * The capability algebra: a capability is (verb, scope, window, caveats); it denotes the set of
 * requests it allows. The order `a ⊑ b` (a grants nothing b does not), the meet `a ⊓ b`, and
 * `check` are defined componentwise; DESIGN.md §"The algebra" states the laws and the tests in
 * test/algebra.property.test.ts check them.
 *
 * The bottom element (a capability that allows nothing: an empty window, disjoint verbs or scopes,
 * an empty `oneOf`) is represented by `null`.
 */
import {
  type Caveat,
  type CaveatContext,
  caveatsAllow,
  caveatsCover,
  caveatsEmpty,
  caveatsMeet,
  normalizeCaveats,
} from './caveats.js';
import { isCanonicalPath, scopeCovers, scopeMeet, scopeProblem } from './scope.js';
import { isVerb, type VerbHierarchy } from './verbs.js';

/** Largest time the encoding carries: 2^53 − 1 ms (the safe-integer limit), about year 287396. */
export const MAX_TIME_MS = Number.MAX_SAFE_INTEGER;

/** A half-open validity window `[notBeforeMs, notAfterMs)` in Unix milliseconds. */
export interface Window {
  /** First instant the capability is valid. */
  readonly notBeforeMs: number;
  /** First instant it is no longer valid. */
  readonly notAfterMs: number;
}

/** One capability: what may be done (verb), where (scope), when (window), and under which caveats. */
export interface Cap {
  /** The verb, e.g. `fs.read`. */
  readonly verb: string;
  /** The path scope, e.g. `/etc/nexus`. */
  readonly scope: string;
  /** The validity window. */
  readonly window: Window;
  /** Canonical caveats (sorted, one per kind and key). */
  readonly caveats: readonly Caveat[];
}

/** What a capability is checked against. */
export interface Request {
  /** The verb requested. */
  readonly verb: string;
  /** The path the request touches. */
  readonly path: string;
  /** When the request happens, Unix milliseconds. */
  readonly atMs: number;
  /** Fields the caveats read (sizes, hosts). */
  readonly context?: CaveatContext;
}

/** Input to {@link makeCap}. */
export interface CapInit {
  /** The verb. */
  verb: string;
  /** The scope. */
  scope: string;
  /** Window start (default 0). */
  notBeforeMs?: number;
  /** Window end (exclusive, required). */
  notAfterMs: number;
  /** Caveats in any order (default none). */
  caveats?: readonly Caveat[];
}

/**
 * Builds a canonical capability, rejecting malformed input with `TypeError`/`RangeError`.
 *
 * @example
 * ```ts
 * import { makeCap } from '@nexus/capability';
 * const cap = makeCap({ verb: 'fs.read', scope: '/etc/nexus', notBeforeMs: 0, notAfterMs: 60_000 });
 * ```
 */
export function makeCap(init: CapInit): Cap {
  if (typeof init !== 'object' || init === null) throw new TypeError('cap: an object');
  if (!isVerb(init.verb)) throw new TypeError(`verb: malformed ${JSON.stringify(init.verb)}`);
  const problem = scopeProblem(init.scope);
  if (problem !== null) throw new TypeError(`scope: ${problem}`);
  const notBeforeMs = init.notBeforeMs ?? 0;
  const { notAfterMs } = init;
  for (const [name, value] of [
    ['notBeforeMs', notBeforeMs],
    ['notAfterMs', notAfterMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`${name}: a non-negative safe integer`);
  }
  return freezeCap({
    verb: init.verb,
    scope: init.scope,
    window: { notBeforeMs, notAfterMs },
    caveats: normalizeCaveats(init.caveats ?? []),
  });
}

/**
 * Deep-freezes a capability (its window, caveat list, caveats and value lists) and returns it.
 * Capabilities handed out by CSpaces, verifiers and decoders are frozen, so no holder can widen a
 * shared capability object by mutating it.
 *
 * @example
 * ```ts
 * import { freezeCap, makeCap } from '@nexus/capability';
 * const cap = freezeCap(makeCap({ verb: 'fs.read', scope: '/etc', notAfterMs: 1 }));
 * Object.isFrozen(cap.window); // true
 * ```
 */
export function freezeCap<T extends Cap>(cap: T): T {
  if (Object.isFrozen(cap)) return cap;
  for (const caveat of cap.caveats) {
    if (caveat.kind === 'oneOf') Object.freeze(caveat.values);
    Object.freeze(caveat);
  }
  Object.freeze(cap.caveats);
  Object.freeze(cap.window);
  return Object.freeze(cap);
}

/** True when the window contains no instant. */
export function windowEmpty(window: Window): boolean {
  return window.notBeforeMs >= window.notAfterMs;
}

/** True when `outer` contains every instant of `inner` (an empty `inner` is inside anything). */
export function windowCovers(outer: Window, inner: Window): boolean {
  if (windowEmpty(inner)) return true;
  return outer.notBeforeMs <= inner.notBeforeMs && inner.notAfterMs <= outer.notAfterMs;
}

/** True when `atMs` lies in the window. */
export function windowContains(window: Window, atMs: number): boolean {
  return window.notBeforeMs <= atMs && atMs < window.notAfterMs;
}

/**
 * The capability algebra over one verb hierarchy.
 *
 * @example
 * ```ts
 * import { Algebra, makeCap, VerbHierarchy } from '@nexus/capability';
 * const algebra = new Algebra(new VerbHierarchy({ 'fs.admin': ['fs.read', 'fs.write'] }));
 * const a = makeCap({ verb: 'fs.admin', scope: '/etc', notAfterMs: 100 });
 * const b = makeCap({ verb: 'fs.read', scope: '/etc/nexus', notAfterMs: 50 });
 * algebra.leq(b, a); // true
 * algebra.check(b, { verb: 'fs.read', path: '/etc/nexus/a.txt', atMs: 10 }); // true
 * ```
 */
export class Algebra {
  /** The verb hierarchy coverage is decided by. */
  readonly verbs: VerbHierarchy;

  constructor(verbs: VerbHierarchy) {
    this.verbs = verbs;
  }

  /** True when the capability allows no request at all (the bottom element). */
  isBottom(cap: Cap | null): boolean {
    return cap === null || windowEmpty(cap.window) || caveatsEmpty(cap.caveats);
  }

  /** The order: `a ⊑ b` iff every request `a` allows, `b` allows. Bottom is below everything. */
  leq(a: Cap | null, b: Cap | null): boolean {
    if (this.isBottom(a)) return true;
    if (this.isBottom(b)) return false;
    const x = a as Cap;
    const y = b as Cap;
    return (
      this.verbs.covers(y.verb, x.verb) &&
      scopeCovers(y.scope, x.scope) &&
      windowCovers(y.window, x.window) &&
      caveatsCover(y.caveats, x.caveats)
    );
  }

  /** Both `a ⊑ b` and `b ⊑ a`: the two capabilities allow exactly the same requests. */
  equivalent(a: Cap | null, b: Cap | null): boolean {
    return this.leq(a, b) && this.leq(b, a);
  }

  /** The meet `a ⊓ b`: the greatest capability below both, or `null` (bottom). */
  meet(a: Cap | null, b: Cap | null): Cap | null {
    if (this.isBottom(a) || this.isBottom(b)) return null;
    const x = a as Cap;
    const y = b as Cap;
    const verb = this.verbs.meet(x.verb, y.verb);
    if (verb === null) return null;
    const scope = scopeMeet(x.scope, y.scope);
    if (scope === null) return null;
    const window = {
      notBeforeMs: Math.max(x.window.notBeforeMs, y.window.notBeforeMs),
      notAfterMs: Math.min(x.window.notAfterMs, y.window.notAfterMs),
    };
    if (windowEmpty(window)) return null;
    const caveats = caveatsMeet(x.caveats, y.caveats);
    if (caveatsEmpty(caveats)) return null;
    return freezeCap({ verb, scope, window, caveats });
  }

  /**
   * True when `cap` allows `request`: verb covered, path canonical and inside the scope, time in
   * the window, caveats met.
   */
  check(cap: Cap | null, request: Request): boolean {
    if (cap === null) return false;
    return (
      isCanonicalPath(request.path) &&
      this.verbs.covers(cap.verb, request.verb) &&
      scopeCovers(cap.scope, request.path) &&
      windowContains(cap.window, request.atMs) &&
      caveatsAllow(cap.caveats, request.context)
    );
  }
}

/**
 * A short human form of a capability, used in denials and the ledger: `fs.read /etc/nexus`.
 *
 * @example
 * ```ts
 * import { describeCap, makeCap } from '@nexus/capability';
 * describeCap(makeCap({ verb: 'fs.read', scope: '/etc', notAfterMs: 1 })); // 'fs.read /etc'
 * ```
 */
export function describeCap(cap: Pick<Cap, 'verb' | 'scope'>): string {
  return `${cap.verb} ${cap.scope}`;
}
