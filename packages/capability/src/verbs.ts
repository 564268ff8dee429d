/**
 * The verb hierarchy: a declared forest where a verb implies exactly its descendants.
 *
 * A forest (each verb has at most one verb that directly implies it) is what makes the meet of two
 * verbs a single verb or nothing: two down-sets in a forest are nested or disjoint. A DAG would
 * force capabilities to carry verb sets; DESIGN.md §"Verbs" has the argument.
 *
 * Coverage is O(1): verbs are numbered by an Euler tour, and `a` covers `b` iff b's interval lies
 * inside a's.
 */
import { assert } from './_assert.js';

/** Longest verb in UTF-8 bytes (the encoding stores it behind a u8 length). */
export const MAX_VERB_BYTES = 64;
/** Most verbs one hierarchy may declare. */
export const MAX_VERBS = 4096;

const VERB_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;

/**
 * True when `verb` is well formed: dot-separated lowercase words, at most {@link MAX_VERB_BYTES}.
 *
 * @example
 * ```ts
 * import { isVerb } from '@nexus/capability';
 * isVerb('fs.read'); // true
 * isVerb('FS READ'); // false
 * ```
 */
export function isVerb(verb: string): boolean {
  return (
    typeof verb === 'string' && verb.length > 0 && verb.length <= MAX_VERB_BYTES && VERB_PATTERN.test(verb)
  );
}

/**
 * A declared verb hierarchy. `implies` maps a verb to the verbs it directly implies; a verb may be
 * implied by at most one other verb, and no cycles are allowed. Verbs never declared are isolated:
 * they cover only themselves.
 *
 * @example
 * ```ts
 * import { VerbHierarchy } from '@nexus/capability';
 * const verbs = new VerbHierarchy({ 'fs.admin': ['fs.read', 'fs.write'], 'fs.write': ['fs.append'] });
 * verbs.covers('fs.admin', 'fs.append'); // true
 * verbs.covers('fs.write', 'fs.read'); // false: not declared
 * ```
 */
export class VerbHierarchy {
  private readonly enter = new Map<string, number>();
  private readonly leave = new Map<string, number>();
  private readonly parentOf = new Map<string, string>();

  constructor(implies: Readonly<Record<string, readonly string[]>> = {}) {
    const children = new Map<string, string[]>();
    const all = new Set<string>();
    for (const [parent, kids] of Object.entries(implies)) {
      if (!isVerb(parent)) throw new TypeError(`implies: malformed verb ${JSON.stringify(parent)}`);
      all.add(parent);
      if (!Array.isArray(kids)) throw new TypeError(`implies[${parent}]: an array of verbs`);
      for (const kid of kids) {
        if (!isVerb(kid)) throw new TypeError(`implies[${parent}]: malformed verb ${JSON.stringify(kid)}`);
        if (kid === parent) throw new TypeError(`implies[${parent}]: a verb cannot imply itself`);
        const previous = this.parentOf.get(kid);
        if (previous !== undefined && previous !== parent) {
          throw new TypeError(
            `implies: ${kid} is implied by both ${previous} and ${parent} (the hierarchy is a forest)`,
          );
        }
        if (previous === undefined) {
          this.parentOf.set(kid, parent);
          let list = children.get(parent);
          if (!list) children.set(parent, (list = []));
          list.push(kid);
        }
        all.add(kid);
      }
    }
    if (all.size > MAX_VERBS) throw new RangeError(`implies: more than ${MAX_VERBS} verbs`);
    // Cycle check: walking up from any verb must reach a root within |verbs| steps.
    for (const verb of all) {
      let cursor: string | undefined = verb;
      for (let steps = 0; cursor !== undefined; steps++) {
        if (steps > all.size) throw new TypeError(`implies: cycle through ${verb}`);
        cursor = this.parentOf.get(cursor);
      }
    }
    let clock = 0;
    const visit = (verb: string): void => {
      // Iterative-depth bound: depth ≤ |verbs| ≤ MAX_VERBS, checked above, so recursion is bounded.
      this.enter.set(verb, clock++);
      for (const kid of children.get(verb) ?? []) visit(kid);
      this.leave.set(verb, clock++);
    };
    for (const verb of [...all].sort()) if (!this.parentOf.has(verb)) visit(verb);
    assert(this.enter.size === all.size, 'every verb numbered');
  }

  /** True when `verb` was declared in this hierarchy. */
  has(verb: string): boolean {
    return this.enter.has(verb);
  }

  /** The verb that directly implies `verb`, if any. */
  parent(verb: string): string | undefined {
    return this.parentOf.get(verb);
  }

  /** True when holding `a` grants `b`: `a === b` or `b` descends from `a`. */
  covers(a: string, b: string): boolean {
    if (a === b) return true;
    const enterA = this.enter.get(a);
    const enterB = this.enter.get(b);
    if (enterA === undefined || enterB === undefined) return false;
    return enterA < enterB && (this.leave.get(b) as number) < (this.leave.get(a) as number);
  }

  /** The greatest verb both `a` and `b` cover, or `null` when their down-sets are disjoint. */
  meet(a: string, b: string): string | null {
    if (this.covers(a, b)) return b;
    if (this.covers(b, a)) return a;
    return null;
  }

  /** Every declared verb, sorted. */
  verbs(): string[] {
    return [...this.enter.keys()].sort();
  }
}
