/**
 * Explanations of failure (SOLVER.md, "Explaining a failure"):
 *
 * 1. Rebuild the request's CNF with one selector literal per fact; solving under all
 *    selectors gives an unsatisfiable core of facts (the final-conflict analysis).
 * 2. Shrink it to a *minimal* unsatisfiable core by deletion: drop each fact in turn and keep
 *    it out when the rest stays UNSAT, refining to the new core each time.
 * 3. Derive the failure from the core's facts alone with PubGrub's conflict resolution over
 *    package terms (incompatibilities), which records a derivation graph, and write it out
 *    with PubGrub's error-reporting rules (numbered lines for shared derivations).
 *
 * The derivation runs in `_pubgrub.ts`; this file owns the core and the translation of facts to
 * incompatibilities.
 * @module
 */
import { type Cause, PubGrub, type Term, type VersionSpace } from './_pubgrub.js';
import { VariantTerms } from './_variant-terms.js';
import type { Encoding, Fact } from './encode.js';
import { Solver } from './sat/solver.js';
import { formatRequirement, type Universe } from './universe.js';

/** Why a request has no answer. */
export interface Explanation {
  /** The derivation in words, lines numbered where PubGrub's rules number them. */
  text: string;
  /** The lines of `text`. */
  lines: string[];
  /** The facts of the minimal unsatisfiable core, in words. */
  core: string[];
  /** Facts in the whole encoding, for scale (the core is a subset of these). */
  factCount: number;
  /** SAT calls spent minimising the core. */
  solves: number;
  /** SAT conflicts spent finding and minimising the core. */
  conflicts: number;
}

/** A minimal unsatisfiable set of facts. */
export interface MinimalCore {
  /** Indices into {@link Encoding.facts}. */
  facts: number[];
  /** SAT calls spent. */
  solves: number;
  /** SAT conflicts spent. */
  conflicts: number;
}

/**
 * Ceiling on SAT calls spent shrinking a core (each fact costs one).
 *
 * @example
 * ```ts
 * import { CORE_MINIMIZATION_LIMIT } from '@nexus/nip';
 * CORE_MINIMIZATION_LIMIT; // 4096
 * ```
 */
export const CORE_MINIMIZATION_LIMIT = 4096;

/**
 * Explains why an encoding is unsatisfiable.
 *
 * @example
 * ```ts
 * import { Universe, semver, encode, explain } from '@nexus/nip';
 * const u = new Universe(semver);
 * u.add({ name: 'lib', version: '1.0.0' });
 * const e = encode(u, { install: [{ name: 'lib', range: '^2.0.0' }] });
 * e.solver.solve(); // 'unsat'
 * explain(u, e).text; // 'Because root depends on lib ^2.0.0 which doesn't match any versions, version solving failed.'
 * ```
 */
export function explain(universe: Universe, e: Encoding): Explanation {
  const core = minimalCore(e);
  const lines = derive(universe, e, core.facts);
  return {
    text: lines.join('\n'),
    lines,
    core: core.facts.map((f) => describeFact(universe, e.facts[f])),
    factCount: e.facts.length,
    solves: core.solves,
    conflicts: core.conflicts,
  };
}

/**
 * Deletion-based minimal unsatisfiable subset of the facts (structural clauses always on).
 *
 * @example
 * ```ts
 * import { Universe, semver, encode, minimalCore } from '@nexus/nip';
 * const u = new Universe(semver);
 * u.add({ name: 'a', version: '1.0.0', depends: [{ anyOf: [{ name: 'b' }] }] });
 * minimalCore(encode(u, { install: [{ name: 'a' }] })).facts.length; // 2
 * ```
 */
export function minimalCore(e: Encoding): MinimalCore {
  const s = new Solver();
  s.reserve(e.solver.variableCount);
  const selector = e.facts.map(() => s.newVariable());
  for (let i = 0; i < e.clauses.length; i++) {
    const f = e.clauseFact[i];
    s.addClause(f < 0 ? e.clauses[i] : [...e.clauses[i], -selector[f]]);
  }
  const factOf = new Map(selector.map((v, f) => [v, f]));
  let solves = 1;
  if (s.solve({ assumptions: selector }) !== 'unsat') {
    throw new Error('nip: assertion failed: the encoding to explain is unsatisfiable');
  }
  let core = s.failedAssumptions().map((v) => factOf.get(v)!);
  if (!s.okay) return { facts: [], solves, conflicts: s.stats.conflicts }; // structural clauses alone conflict
  core.sort((a, b) => a - b);
  // Deletion: try each fact; keep refining to the solver's (smaller) core.
  for (let i = 0; i < core.length && solves < CORE_MINIMIZATION_LIMIT; ) {
    const without = core.filter((_, k) => k !== i);
    solves++;
    if (s.solve({ assumptions: without.map((f) => selector[f]) }) === 'unsat') {
      const refined = new Set(s.failedAssumptions().map((v) => factOf.get(v)!));
      core = without.filter((f) => refined.has(f));
    } else i++;
  }
  return { facts: core, solves, conflicts: s.stats.conflicts };
}

/**
 * A fact in plain words.
 *
 * @example
 * ```ts
 * import { Universe, semver, encode, describeFact } from '@nexus/nip';
 * const u = new Universe(semver);
 * u.add({ name: 'a', version: '1.0.0' });
 * const e = encode(u, { install: [{ name: 'a' }] });
 * describeFact(u, e.facts[0]); // 'the request asks for a'
 * ```
 */
export function describeFact(universe: Universe, fact: Fact): string {
  const who = fact.pkg === 'root' ? 'root' : versionsText(universe, fact.ids);
  const alts = fact.anyOf.map(formatRequirement).join(' or ');
  switch (fact.kind) {
    case 'request':
      return `the request asks for ${alts}`;
    case 'depends':
      return `${who}${whenText(fact)} depends on ${alts}`;
    case 'conflicts':
      return `${who} conflicts with ${alts}`;
    case 'remove':
      return `the request removes ${fact.pkg}`;
    case 'keep':
      return `${fact.pkg} must stay as installed`;
    case 'lock':
      return `${fact.pkg} is locked`;
    default:
      return `${fact.pkg} is pinned to one source`;
  }
}

function whenText(fact: Fact): string {
  const when = Object.entries(fact.when ?? {});
  if (when.length === 0) return '';
  return ` with ${when.map(([k, v]) => (v === true ? `+${k}` : v === false ? `~${k}` : `${k}=${v}`)).join(' ')}`;
}

function versionsText(universe: Universe, ids: number[]): string {
  if (ids.length === 0) return '';
  const name = universe.packages[ids[0]].name;
  return `${name} ${ids.map((id) => universe.packages[id].version).join(', ')}`;
}

/** Runs PubGrub over the core's facts and writes the derivation. */
function derive(universe: Universe, e: Encoding, core: number[]): string[] {
  // Version spaces: the cone's candidates of each name, oldest first.
  const spaces = new Map<string, VersionSpace>();
  spaces.set('root', { name: 'root', versions: [''], ids: [-1] });
  const byName = new Map<string, number[]>();
  for (const id of e.cone) {
    const name = universe.packages[id].name;
    const list = byName.get(name);
    if (list) list.push(id);
    else byName.set(name, [id]);
  }
  for (const [name, ids] of byName) {
    ids.sort(
      (a, b) => universe.scheme.compare(universe.packages[a].version, universe.packages[b].version) || a - b,
    );
    spaces.set(name, { name, versions: ids.map((id) => universe.packages[id].version), ids });
  }
  const space = (name: string): VersionSpace => {
    let s = spaces.get(name);
    if (!s) {
      s = { name, versions: [], ids: [] };
      spaces.set(name, s);
    }
    return s;
  };
  const setOf = (name: string, ids: Iterable<number>): bigint => {
    const s = space(name);
    let bits = 0n;
    for (const id of ids) {
      const k = s.ids.indexOf(id);
      if (k >= 0) bits |= 1n << BigInt(k);
    }
    return bits;
  };
  const variants = new VariantTerms(spaces);
  // Terms for "not any of these alternatives", grouped by real package name; an alternative
  // with variant values is a term on its variant package (`openmpi+cuda`).
  const negatives = (fact: Fact): Term[] => {
    const terms: Term[] = [];
    for (const req of fact.anyOf) {
      const matched = universe.matching(req).filter((id) => e.varOf[id] !== 0);
      const groups = new Map<string, number[]>();
      for (const id of matched) {
        const n = universe.packages[id].name;
        const g = groups.get(n);
        if (g) g.push(id);
        else groups.set(n, [id]);
      }
      const assignment = req.variants ?? {};
      if (groups.size === 0) {
        const pkg = variants.name(req.name, assignment);
        space(req.name);
        if (pkg !== req.name) variants.declare(req.name, assignment);
        terms.push({ pkg, positive: false, set: 0n, display: req.range ?? 'any', missing: true });
      }
      for (const [n, ids] of groups) {
        const pkg = variants.declare(n, assignment);
        terms.push({
          pkg,
          positive: false,
          set: setOf(n, ids),
          display: n === req.name ? (req.range ?? 'any') : undefined,
        });
      }
    }
    return terms;
  };
  const incompatibilities: [Term[], Cause][] = [];
  for (const f of core) {
    const fact = e.facts[f];
    const self: Term =
      fact.pkg === 'root'
        ? { pkg: 'root', positive: true, set: 1n }
        : {
            pkg: variants.declare(fact.pkg, fact.when ?? {}),
            positive: true,
            set: setOf(fact.pkg, fact.ids),
          };
    switch (fact.kind) {
      case 'request':
      case 'depends':
        incompatibilities.push([[self, ...negatives(fact)], { kind: 'dependency' }]);
        break;
      case 'conflicts':
        for (const t of negatives(fact))
          incompatibilities.push([[self, { ...t, positive: true }], { kind: 'conflict' }]);
        break;
      case 'remove':
        incompatibilities.push([
          [{ pkg: fact.pkg, positive: true, set: setOf(fact.pkg, byName.get(fact.pkg) ?? []) }],
          { kind: 'removed' },
        ]);
        break;
      default: {
        const allowed = e.clauses
          .filter((c, i) => e.clauseFact[i] === f && c.length >= 1 && c.every((l) => l > 0))
          .flat()
          .map((v) => e.cone.find((id) => e.varOf[id] === v))
          .filter((id): id is number => id !== undefined);
        const all = setOf(fact.pkg, byName.get(fact.pkg) ?? []);
        const kept = fact.kind === 'pin' ? all : setOf(fact.pkg, allowed);
        incompatibilities.push([[{ pkg: fact.pkg, positive: false, set: kept }], { kind: fact.kind }]);
      }
    }
  }
  const pg = new PubGrub(spaces);
  for (const [terms, cause] of variants.links(universe)) pg.add(terms, cause);
  for (const [terms, cause] of incompatibilities) pg.add(terms, cause);
  const failure = pg.solve();
  if (failure) return pg.report(failure);
  // The package-level abstraction (variants are not terms) found no conflict: list the core.
  return [
    'These facts cannot all hold (a minimal set: dropping any one of them allows a solution):',
    ...core.map((f, i) => `${i + 1}. ${describeFact(universe, e.facts[f])}.`),
  ];
}
