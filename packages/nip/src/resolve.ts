/**
 * The resolver: encode, solve, then optimise the stated preferences exactly and in order
 * (SOLVER.md, "Preferences"):
 *
 * 1. satisfy the request (hard clauses);
 * 2. change as little of the installed set as possible (removed or re-versioned installed
 *    packages, plus newly installed names);
 * 3. prefer newer versions (sum over chosen packages of how many newer candidates were passed);
 * 4. prefer default variant values (count of non-default values);
 * 5. prefer higher-priority sources (count of priority steps below the best source).
 *
 * Each level is minimised exactly by linear SAT-UNSAT search over a totalizer, then fixed as a
 * hard bound before the next: the answer is lexicographically optimal and deterministic.
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

/** What to do to go from the installed set to the answer. */
export interface Plan {
  /** The whole resulting set, sorted by name. */
  packages: Selected[];
  /** Newly installed packages. */
  install: Selected[];
  /** Installed packages moved to a newer version. */
  upgrade: { from: LockedPackage; to: Selected }[];
  /** Installed packages moved to an older version. */
  downgrade: { from: LockedPackage; to: Selected }[];
  /** Installed packages removed. */
  remove: LockedPackage[];
  /** The optimum of each preference level, in order. */
  costs: { changes: number; staleness: number; nonDefaultVariants: number; sourceRank: number };
  /** Work done. */
  stats: { variables: number; clauses: number; conflicts: number; solves: number; cone: number };
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

  const levels = preferenceLevels(universe, e, request, installed);
  const costs = {
    changes: minimize(solver, levels.changes, []),
    staleness: minimize(solver, levels.staleness, []),
    nonDefaultVariants: minimize(solver, levels.nonDefault, []),
    sourceRank: minimize(solver, levels.sourceRank, []),
  };
  return planFrom(universe, e, installed, costs, solver.stats.solves);
}

interface Levels {
  changes: number[];
  staleness: number[];
  nonDefault: number[];
  sourceRank: number[];
}

function preferenceLevels(
  universe: Universe,
  e: Encoding,
  request: Request,
  installed: LockedPackage[],
): Levels {
  const solver = e.solver;
  const upgrade = new Set(request.upgrade === 'all' ? installed.map((p) => p.name) : (request.upgrade ?? []));
  const changes: number[] = [];
  const installedNames = new Set(installed.map((p) => p.name));
  const coneByName = new Map<string, number[]>();
  for (const id of e.cone) {
    const name = universe.packages[id].name;
    const list = coneByName.get(name);
    if (list) list.push(id);
    else coneByName.set(name, [id]);
  }
  for (const p of installed) {
    const ids = coneByName.get(p.name) ?? [];
    if (upgrade.has(p.name)) {
      // Only removal counts as a change: r ← no version installed.
      const r = solver.newVariable();
      solver.addClause([r, ...ids.map((id) => e.varOf[id])]);
      changes.push(r);
      continue;
    }
    const same = ids.filter((id) => universe.packages[id].version === p.version);
    if (same.length === 0) continue; // gone from the universe: changing it costs nothing extra
    const kept = solver.newVariable(); // kept → one of the same-version candidates
    solver.addClause([-kept, ...same.map((id) => e.varOf[id])]);
    changes.push(-kept);
  }
  for (const name of [...coneByName.keys()].sort()) {
    if (installedNames.has(name)) continue;
    const n = solver.newVariable(); // n ← any version of a new name
    for (const id of coneByName.get(name)!) solver.addClause([-e.varOf[id], n]);
    changes.push(n);
  }

  // Staleness: g(name, k) ← a chosen candidate with k or more newer versions in the universe.
  const staleness: number[] = [];
  for (const name of [...coneByName.keys()].sort()) {
    const all = universe.versionsOf(name);
    const distinct: string[] = [];
    for (const id of all) {
      const v = universe.packages[id].version;
      if (distinct.length === 0 || universe.scheme.compare(distinct[distinct.length - 1], v) !== 0)
        distinct.push(v);
    }
    const rankOf = (id: number) =>
      distinct.findIndex((v) => universe.scheme.compare(v, universe.packages[id].version) === 0);
    const ids = coneByName.get(name)!;
    const maxRank = Math.max(0, ...ids.map(rankOf));
    for (let k = 1; k <= maxRank; k++) {
      const g = solver.newVariable();
      for (const id of ids) if (rankOf(id) >= k) solver.addClause([-e.varOf[id], g]);
      staleness.push(g);
    }
  }

  const nonDefault: number[] = [];
  for (const id of e.cone) {
    for (const [variant, spec] of Object.entries(universe.packages[id].variants ?? {})) {
      for (const value of spec.values) {
        if (value !== spec.default) nonDefault.push(e.variantVar.get(variantKey(id, variant, value))!);
      }
    }
  }

  const sourceRank: number[] = [];
  const priorities = [...new Set(e.cone.map((id) => universe.priority(id)))].sort((a, b) => b - a);
  for (const id of e.cone) {
    const steps = priorities.indexOf(universe.priority(id));
    for (let s = 0; s < steps; s++) sourceRank.push(e.varOf[id]);
  }
  return { changes, staleness, nonDefault, sourceRank };
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
