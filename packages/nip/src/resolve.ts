/**
 * The resolver: encode, solve, then optimise the stated preferences exactly and in order
 * (SOLVER.md, "Preferences"):
 *
 * 1. satisfy the request (hard clauses);
 * 2. change as little of the installed set as possible: the number of installed packages
 *    removed or moved to another version, minimised by linear SAT-UNSAT search over a
 *    totalizer, then held as a hard bound;
 * 3. prefer newer versions: for each package name of the cone in preference order
 *    (dependents before their dependencies, ties by discovery order; `_order.ts`), if it is
 *    installed, the newest version still possible;
 * 4. install no package that is not needed: for each name in the same order, "not installed"
 *    if still possible;
 * 5. prefer default variant values: for each chosen candidate and variant, the default if
 *    still possible;
 * 6. prefer higher-priority sources: for each chosen name, the best source still possible.
 *
 * Levels 3 to 6 are lexicographic over single literals: each step is one incremental SAT call
 * under the choices already fixed, asked only when the current model (found in a fixed
 * decision order that rules out old versions first) is not already best and unit propagation
 * does not already refute it. The result is the unique lexicographic optimum of that order:
 * deterministic for the same inputs.
 * @module
 */

import {
  decisionOrder,
  guide,
  optimizeGuided,
  optimizeOneByOne,
  type Preferences,
  preferenceLiterals,
  preferenceVector,
  solveOrdered,
} from './_preferences.js';
import { minimize } from './_totalizer.js';
import { type Encoding, encode, type LockedPackage, type Request, variantKey } from './encode.js';
import { type Explanation, explain } from './explain.js';
import type { Universe, VariantValue } from './universe.js';

/** A chosen package in a plan or lockfile. */
export interface Selected {
  /** Package name. */
  name: string;
  /** Chosen version. */
  version: string;
  /** Source it comes from. */
  source: string;
  /** Chosen variant values, by variant name (sorted). */
  variants: Record<string, VariantValue>;
  /** Build flags of the candidate. */
  flags: string[];
}

/** An installed package moved to another version. */
export interface VersionChange {
  /** As installed. */
  from: LockedPackage;
  /** As chosen. */
  to: Selected;
}

/** What to do to go from the installed set to the answer. */
export interface Plan {
  /** The whole resulting set, sorted by name. */
  packages: Selected[];
  /** Newly installed packages. */
  install: Selected[];
  /** Installed packages moved to a newer version. */
  upgrade: VersionChange[];
  /** Installed packages moved to an older version. */
  downgrade: VersionChange[];
  /** Installed packages removed. */
  remove: LockedPackage[];
  /** What each preference level settled at, in order (see SOLVER.md, "Preferences"). */
  costs: {
    /** Installed packages removed or moved to another version (level 2, minimised). */
    changes: number;
    /** Versions behind the newest, summed over the chosen packages (level 3). */
    staleness: number;
    /** Packages not installed before that the answer needs (level 4). */
    newPackages: number;
    /** Variant values other than the default (level 5). */
    nonDefaultVariants: number;
    /** Chosen packages not from their best source (level 6). */
    sourceRank: number;
  };
  /**
   * The preference literals of levels 3 to 6 at the optimum, in their lexicographic order, as
   * `1` (held) and `0` (given up): two plans with the same string made the same choice at
   * every step (see SOLVER.md, "Preferences").
   */
  preferences: string;
  /** Work done. */
  stats: {
    /** SAT variables. */
    variables: number;
    /** Clauses of the encoding (before the preference levels). */
    clauses: number;
    /** SAT conflicts. */
    conflicts: number;
    /** SAT calls. */
    solves: number;
    /** Candidates in the request's cone. */
    cone: number;
    /** Preference literals (levels 3 to 6) that needed a search of their own. */
    searches: number;
    /** Preference literals settled by the current model, without a call. */
    byModel: number;
    /** Preference literals refuted by unit propagation of those settled before, without a call. */
    byPropagation: number;
  };
}

/** Options of {@link resolve}. */
export interface ResolveOptions {
  /** The installed set the plan starts from. */
  installed?: LockedPackage[];
  /** Give up after this long (the failure says so). */
  timeLimitMs?: number;
  /**
   * How preference levels 3 to 6 are optimised: `guided` (default), most literals settled by
   * the current model or by unit propagation, a SAT call only for the rest; `one-by-one`, one
   * SAT call per literal the current model does not already satisfy (the slow reference, same
   * answer).
   */
  optimizer?: 'guided' | 'one-by-one';
}

/**
 * No installation satisfies the request. Carries the explanation: a numbered derivation in
 * words, from a minimal unsatisfiable core of the request.
 *
 * @example
 * ```ts
 * import { Universe, semver, resolve, SolveFailure } from '@nexus/nip';
 * const u = new Universe(semver);
 * u.add({ name: 'lib', version: '1.0.0' });
 * try { resolve(u, { install: [{ name: 'lib', range: '>=2' }] }); }
 * catch (e) { if (e instanceof SolveFailure) console.log(e.explanation.text); }
 * ```
 */
export class SolveFailure extends Error {
  /** Why: the derivation and the core it came from. */
  readonly explanation: Explanation;
  constructor(explanation: Explanation) {
    super(explanation.text);
    this.name = 'SolveFailure';
    this.explanation = explanation;
  }
}

/**
 * Resolves a request to a plan, or throws {@link SolveFailure} with an explanation.
 *
 * @example
 * ```ts
 * import { Universe, semver, resolve } from '@nexus/nip';
 * const u = new Universe(semver);
 * u.add({ name: 'lib', version: '1.0.0' });
 * u.add({ name: 'lib', version: '2.0.0' });
 * resolve(u, { install: [{ name: 'lib' }] }).install[0].version; // '2.0.0'
 * ```
 */
export function resolve(universe: Universe, request: Request, options: ResolveOptions = {}): Plan {
  const installed = options.installed ?? [];
  const e = encode(universe, request, { installed, ranges: true });
  const solver = e.solver;
  const prefs = preferenceLiterals(universe, e); // new variables only: satisfiability unchanged
  const guided = options.optimizer !== 'one-by-one';
  if (guided) guide(solver, prefs);
  const first = solveOrdered(solver, guided ? decisionOrder(solver, prefs) : undefined, options);
  if (first === 'unknown') throw new RangeError(`timeLimitMs: no answer within ${options.timeLimitMs} ms`);
  if (first === 'unsat') throw new SolveFailure(explain(universe, e));

  const changes = minimize(
    solver,
    changeCosts(universe, e, request, installed),
    [],
    guided ? (assumptions) => solveOrdered(solver, decisionOrder(solver, prefs), { assumptions }) : undefined,
  );
  let work = { searches: 0, byModel: 0, byPropagation: 0 };
  if (options.optimizer === 'one-by-one') work.searches = optimizeOneByOne(solver, prefs);
  else {
    const r = optimizeGuided(solver, prefs, options);
    if (r.result === 'unknown')
      throw new RangeError(`timeLimitMs: no optimum within ${options.timeLimitMs} ms`);
    work = r.stats;
  }
  const plan = planFrom(universe, e, installed, costsOf(universe, e, prefs, changes), solver.stats.solves);
  plan.stats.searches = work.searches;
  plan.stats.byModel = work.byModel;
  plan.stats.byPropagation = work.byPropagation;
  plan.preferences = preferenceVector(solver, prefs);
  return plan;
}

/** Cost literals of level 2: installed packages removed or re-versioned. */
function changeCosts(
  universe: Universe,
  e: Encoding,
  request: Request,
  installed: LockedPackage[],
): number[] {
  const solver = e.solver;
  const upgrade = new Set(request.upgrade === 'all' ? installed.map((p) => p.name) : (request.upgrade ?? []));
  const costs: number[] = [];
  for (const p of installed) {
    const ids = universe.versionsOf(p.name).filter((id) => e.varOf[id] !== 0);
    if (upgrade.has(p.name)) {
      const r = solver.newVariable(); // r ← no version installed: only removal counts
      solver.addClause([r, ...ids.map((id) => e.varOf[id])]);
      costs.push(r);
      continue;
    }
    const same = ids.filter((id) => universe.packages[id].version === p.version);
    if (same.length === 0) continue; // gone from the universe: it has to change anyway
    const kept = solver.newVariable(); // kept → one of the same-version candidates
    solver.addClause([-kept, ...same.map((id) => e.varOf[id])]);
    costs.push(-kept);
  }
  return costs;
}

/** What each level settled at, read from the model at the optimum. */
function costsOf(universe: Universe, e: Encoding, prefs: Preferences, changes: number): Plan['costs'] {
  const solver = e.solver;
  const costs = { changes, staleness: 0, newPackages: 0, nonDefaultVariants: 0, sourceRank: 0 };
  const installedNames = new Set(e.installed.map((p) => p.name));
  for (const [name, ids] of prefs.names) {
    const chosen = ids.find((id) => solver.value(e.varOf[id]) === true);
    if (chosen === undefined) continue;
    costs.staleness += prefs.versionRank.get(chosen)!;
    if (!installedNames.has(name)) costs.newPackages++;
    if (prefs.sourceRank.get(chosen)! > 0) costs.sourceRank++;
    for (const [variant, spec] of Object.entries(universe.packages[chosen].variants ?? {}))
      if (solver.value(e.variantVar.get(variantKey(chosen, variant, spec.default))!) !== true)
        costs.nonDefaultVariants++;
  }
  return costs;
}

function planFrom(
  universe: Universe,
  e: Encoding,
  installed: LockedPackage[],
  costs: Plan['costs'],
  solves: number,
): Plan {
  const solver = e.solver;
  const packages: Selected[] = [];
  for (const id of e.cone) {
    if (solver.value(e.varOf[id]) !== true) continue;
    const pkg = universe.packages[id];
    const variants: Record<string, VariantValue> = {};
    for (const [variant, spec] of Object.entries(pkg.variants ?? {}).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      for (const value of spec.values) {
        if (solver.value(e.variantVar.get(variantKey(id, variant, value))!) === true)
          variants[variant] = value;
      }
    }
    packages.push({
      name: pkg.name,
      version: pkg.version,
      source: pkg.source ?? 'default',
      variants,
      flags: [...(pkg.flags ?? [])].sort(),
    });
  }
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chosen = new Map(packages.map((p) => [p.name, p]));
  const before = new Map(installed.map((p) => [p.name, p]));
  const plan: Plan = {
    packages,
    install: packages.filter((p) => !before.has(p.name)),
    upgrade: [],
    downgrade: [],
    remove: installed.filter((p) => !chosen.has(p.name)),
    costs,
    preferences: '',
    stats: {
      variables: solver.variableCount,
      clauses: e.clauses.length,
      conflicts: solver.stats.conflicts,
      solves,
      cone: e.cone.length,
      searches: 0,
      byModel: 0,
      byPropagation: 0,
    },
  };
  for (const p of installed) {
    const to = chosen.get(p.name);
    if (!to) continue;
    const c = universe.scheme.compare(to.version, p.version);
    if (c > 0) plan.upgrade.push({ from: p, to });
    else if (c < 0) plan.downgrade.push({ from: p, to });
  }
  return plan;
}
