/**
 * The resolver: encode, solve, then optimise the stated preferences exactly and in order
 * (SOLVER.md, "Preferences"):
 *
 * 1. satisfy the request (hard clauses);
 * 2. change as little of the installed set as possible: the number of installed packages
 *    removed or moved to another version, minimised by linear SAT-UNSAT search over a
 *    totalizer, then held as a hard bound;
 * 3. prefer newer versions: for each package name of the cone in discovery order (nearest
 *    the request first), if it is installed, the newest version still possible;
 * 4. install no package that is not needed: for each name in the same order, "not installed"
 *    if still possible;
 * 5. prefer default variant values: for each chosen candidate and variant, the default if
 *    still possible;
 * 6. prefer higher-priority sources: for each chosen name, the best source still possible.
 *
 * Levels 3 to 6 are lexicographic over single literals: each step is one incremental SAT call
 * under the choices already fixed, asked only when the current model is not already best
 * (solution-guided), and its answer is fixed as a unit clause. The result is the unique
 * lexicographic optimum of that order: deterministic for the same inputs.
 * @module
 */
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
  };
}

/** Options of {@link resolve}. */
export interface ResolveOptions {
  /** The installed set the plan starts from. */
  installed?: LockedPackage[];
  /** Give up after this long (the failure says so). */
  timeLimitMs?: number;
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
  const e = encode(universe, request, { installed });
  const solver = e.solver;
  const first = solver.solve({ timeLimitMs: options.timeLimitMs });
  if (first === 'unknown') throw new RangeError(`timeLimitMs: no answer within ${options.timeLimitMs} ms`);
  if (first === 'unsat') throw new SolveFailure(explain(universe, e));

  const changes = minimize(solver, changeCosts(universe, e, request, installed), []);
  const costs = { changes, staleness: 0, newPackages: 0, nonDefaultVariants: 0, sourceRank: 0 };
  lexicographic(universe, e, costs);
  return planFrom(universe, e, installed, costs, solver.stats.solves);
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

/** Levels 3 to 6, each literal by literal (see the module comment). */
function lexicographic(universe: Universe, e: Encoding, costs: Plan['costs']): void {
  const solver = e.solver;
  const isTrue = (v: number) => solver.value(v) === true;
  /** Fixes all of `units` if satisfiable with what is fixed so far; returns whether it was. */
  const tryFix = (units: number[][]): boolean => {
    const guard = solver.newVariable();
    for (const clause of units) solver.addClause([-guard, ...clause]);
    if (solver.solve({ assumptions: [guard] }) === 'sat') {
      solver.addClause([guard]);
      return true;
    }
    solver.addClause([-guard]);
    if (solver.solve() !== 'sat')
      throw new Error('nip: assertion failed: fixed preferences stay satisfiable');
    return false;
  };
  const names: string[] = [];
  const byName = new Map<string, number[]>();
  for (const id of e.cone) {
    const name = universe.packages[id].name;
    const list = byName.get(name);
    if (list) list.push(id);
    else {
      byName.set(name, [id]);
      names.push(name);
    }
  }
  const installedNames = new Set(e.installed.map((p) => p.name));
  // Level 3: newest possible version, name by name ("not installed" stays allowed).
  for (const name of names) {
    const ids = byName.get(name)!;
    const ranked = distinctRanks(universe, ids);
    const installedVar = solver.newVariable(); // installedVar ← any version of the name
    for (const id of ids) solver.addClause([-e.varOf[id], installedVar]);
    for (;;) {
      const chosen = ids.find((id) => isTrue(e.varOf[id]));
      if (chosen === undefined) {
        // Not installed now: if a later choice installs it, only its newest version will do.
        solver.addClause([
          -installedVar,
          ...ids.filter((id) => ranked.get(id) === 0).map((id) => e.varOf[id]),
        ]);
        break;
      }
      const rank = ranked.get(chosen)!;
      const better = ids.filter((id) => ranked.get(id)! < rank).map((id) => e.varOf[id]);
      if (better.length > 0 && tryFix([[-installedVar, ...better]])) continue;
      for (const id of ids) if (ranked.get(id)! > rank) solver.addClause([-e.varOf[id]]); // hold rank r or better
      break;
    }
  }
  // Level 4: no unneeded new package.
  for (const name of names) {
    if (installedNames.has(name)) continue;
    const ids = byName.get(name)!;
    const absent = ids.map((id) => [-e.varOf[id]]);
    if (!ids.some((id) => isTrue(e.varOf[id]))) for (const unit of absent) solver.addClause(unit);
    else if (!tryFix(absent)) costs.newPackages++;
  }
  for (const name of names) {
    const ids = byName.get(name)!;
    const chosen = ids.find((id) => isTrue(e.varOf[id]));
    if (chosen !== undefined) costs.staleness += distinctRanks(universe, ids).get(chosen)!;
  }
  // Level 5: default variant values.
  for (const id of e.cone) {
    if (!isTrue(e.varOf[id])) continue;
    for (const [variant, spec] of Object.entries(universe.packages[id].variants ?? {}).sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      const def = e.variantVar.get(variantKey(id, variant, spec.default))!;
      if (isTrue(def)) {
        solver.addClause([-e.varOf[id], def]);
        continue;
      }
      if (tryFix([[-e.varOf[id], def]])) continue;
      costs.nonDefaultVariants++;
      for (const value of spec.values) {
        const x = e.variantVar.get(variantKey(id, variant, value))!;
        if (isTrue(x)) solver.addClause([-e.varOf[id], x]);
      }
    }
  }
  // Level 6: the highest-priority source among the chosen version's candidates.
  for (const name of names) {
    const ids = byName.get(name)!;
    const chosen = ids.find((id) => isTrue(e.varOf[id]));
    if (chosen === undefined) continue;
    const version = universe.packages[chosen].version;
    const same = ids.filter((id) => universe.scheme.compare(universe.packages[id].version, version) === 0);
    const best = Math.max(...same.map((id) => universe.priority(id)));
    if (universe.priority(chosen) === best) continue;
    const top = same.filter((id) => universe.priority(id) === best).map((id) => e.varOf[id]);
    if (tryFix([top])) continue;
    costs.sourceRank++;
    solver.addClause([e.varOf[chosen]]);
  }
  if (solver.solve() !== 'sat') throw new Error('nip: assertion failed: the optimum is satisfiable');
}

/** Rank of each candidate among the distinct versions of its name (0 = newest). */
function distinctRanks(universe: Universe, ids: number[]): Map<number, number> {
  const all = universe.versionsOf(universe.packages[ids[0]].name);
  const ranks = new Map<number, number>();
  let rank = -1;
  let previous: string | null = null;
  for (const id of all) {
    const v = universe.packages[id].version;
    if (previous === null || universe.scheme.compare(previous, v) !== 0) rank++;
    previous = v;
    ranks.set(id, rank);
  }
  return ranks;
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
    stats: {
      variables: solver.variableCount,
      clauses: e.clauses.length,
      conflicts: solver.stats.conflicts,
      solves,
      cone: e.cone.length,
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
