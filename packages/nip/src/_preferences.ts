/**
 * Preference levels 3 to 6 as one ordered list of *preference literals* (SOLVER.md,
 * "Preferences"), and two optimisers of their lexicographic maximum: the resolver's, which
 * settles most literals without a search of their own, and a slow reference, which asks one SAT
 * call per literal, kept to check the fast one (test/optimum-differential.test.ts).
 *
 * A preference literal `a` is a fresh variable with clauses `a → …`: true asks for the
 * preferred state, false leaves the state free. The lexicographic maximum of `a1 … an` is the
 * assignment in which `ai` is true exactly when the formula, with `a1 … a(i-1)` at their maximum
 * values, allows it. Settling `ai` adds it (or its negation) as a unit clause.
 *
 * The guided optimiser walks the literals in order with the last model `M` in hand (the solver
 * prefers every preference literal's true phase, so `M` is usually good):
 *
 * 1. `M` has `ai` true, or `M`'s package variables satisfy what `ai` asks (its `meaning`; then
 *    `M` with `ai` set true, and its mirror false, is still a model): `M` satisfies everything
 *    settled, so `ai` can hold. Settle true; no call.
 * 2. `ai` is false at level 0, i.e. unit propagation of the settled prefix refutes it. Settle
 *    false; no call. Each literal has a *mirror* `ni ↔ ¬ai`, so one probe (a search that decides
 *    nothing, returning the level-0 true literals) reveals every literal refuted so far; a
 *    refutation stays valid as the prefix grows, so one probe settles all of them at once.
 * 3. A failed-literal test: assume `ai`, propagate, decide nothing. A conflict refutes `ai`
 *    (settle false, and the solver keeps what it learnt); no call with search.
 * 4. Otherwise one SAT call under the assumption `ai`: a model becomes the new `M` (settle
 *    true), UNSAT settles false.
 *
 * Every step keeps `M` a model of the settled prefix, so the result is exactly the lexicographic
 * maximum, the same as the reference's (checked by the differential test).
 * @module
 */
import { assert } from './_assert.js';
import type { Encoding } from './encode.js';
import { variantKey } from './encode.js';
import type { Solver } from './sat/solver.js';
import type { Universe } from './universe.js';

/** Which preference level a literal belongs to (SOLVER.md, "Preferences"). */
export type PreferenceLevel = 'newest' | 'fewest' | 'defaults' | 'sources';

/** The preference literals of an encoding, most important first. */
export interface Preferences {
  /** Preference variables (DIMACS, positive = preferred), in lexicographic order. */
  vars: number[];
  /** Level of each entry of `vars`. */
  levels: PreferenceLevel[];
  /** Package names of the cone in discovery order, with their candidate ids (newest first). */
  names: Map<string, number[]>;
  /** Rank of each cone candidate among its name's distinct versions (0 = newest). */
  versionRank: Map<number, number>;
  /** Rank of each cone candidate's source among the candidates of the same version (0 = best). */
  sourceRank: Map<number, number>;
  /**
   * What each literal asks, as clauses over the encoding's variables (DIMACS literals, each
   * clause ended by 0): literal `i` asks `meaning[meaningStart[i] .. meaningStart[i + 1])`.
   * A model whose package variables satisfy them can set literal `i` true without changing
   * anything else, whatever value the model gave the literal itself.
   */
  meaning: Int32Array;
  /** Start of each literal's clauses in `meaning` (length `vars.length + 1`). */
  meaningStart: Int32Array;
}

/**
 * Builds the preference literals of levels 3 to 6 over an encoding, adding their defining
 * clauses to its solver:
 *
 * - newest: per name in discovery order, a ladder `r0, r1, …` where `rk` forbids every
 *   candidate of rank above `k` (`rk → r(k+1)`, `rk → ¬x` for rank `k+1`);
 * - fewest: per name not installed before, "no candidate of it";
 * - defaults: per cone candidate in discovery order and variant by name, "not chosen, or the
 *   default value";
 * - sources: per name whose versions come from sources of different priority, a ladder over
 *   source ranks like the version ladder.
 */
export function preferenceLiterals(universe: Universe, e: Encoding): Preferences {
  const solver = e.solver;
  const names = new Map<string, number[]>();
  for (const id of e.cone) {
    const name = universe.packages[id].name;
    const list = names.get(name);
    if (list) list.push(id);
    else names.set(name, [id]);
  }
  const versionRank = new Map<number, number>();
  const sourceRank = new Map<number, number>();
  for (const name of names.keys()) rankCandidates(universe, name, versionRank, sourceRank);
  const vars: number[] = [];
  const levels: PreferenceLevel[] = [];
  const meaning: number[] = [];
  const meaningStart: number[] = [];
  const define = (clauses: number[][]) => {
    meaningStart.push(meaning.length);
    for (const c of clauses) meaning.push(...c, 0);
  };
  const ladder = (ids: number[], rankOf: Map<number, number>, level: PreferenceLevel) => {
    let top = 0;
    for (const id of ids) top = Math.max(top, rankOf.get(id)!);
    if (top === 0) return;
    const rungs: number[] = [];
    for (let k = 0; k < top; k++) rungs.push(solver.newVariable());
    for (let k = 0; k + 1 < top; k++) solver.addClause([-rungs[k], rungs[k + 1]]);
    for (const id of ids) {
      const r = rankOf.get(id)!;
      if (r > 0) solver.addClause([-rungs[r - 1], -e.varOf[id]]); // rung r-1 allows ranks < r
    }
    for (let k = 0; k < top; k++) {
      vars.push(rungs[k]);
      levels.push(level);
      define(ids.filter((id) => rankOf.get(id)! > k).map((id) => [-e.varOf[id]]));
    }
  };
  for (const ids of names.values()) ladder(ids, versionRank, 'newest');
  const installedNames = new Set(e.installed.map((p) => p.name));
  for (const [name, ids] of names) {
    if (installedNames.has(name)) continue;
    const absent = solver.newVariable();
    for (const id of ids) solver.addClause([-absent, -e.varOf[id]]);
    vars.push(absent);
    levels.push('fewest');
    define(ids.map((id) => [-e.varOf[id]]));
  }
  for (const id of e.cone) {
    const variants = Object.entries(universe.packages[id].variants ?? {});
    variants.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [variant, spec] of variants) {
      const def = e.variantVar.get(variantKey(id, variant, spec.default));
      assert(def !== undefined, 'every cone candidate has its variant values encoded');
      const a = solver.newVariable();
      solver.addClause([-a, -e.varOf[id], def]);
      vars.push(a);
      levels.push('defaults');
      define([[-e.varOf[id], def]]);
    }
  }
  for (const ids of names.values()) ladder(ids, sourceRank, 'sources');
  meaningStart.push(meaning.length);
  return {
    vars,
    levels,
    names,
    versionRank,
    sourceRank,
    meaning: Int32Array.from(meaning),
    meaningStart: Int32Array.from(meaningStart),
  };
}

/** Ranks of a name's candidates: distinct versions (0 = newest), and sources within a version. */
function rankCandidates(
  universe: Universe,
  name: string,
  versionRank: Map<number, number>,
  sourceRank: Map<number, number>,
): void {
  const all = universe.versionsOf(name); // newest first; same version: higher priority first
  let rank = -1;
  let sRank = 0;
  let previous: string | null = null;
  let previousPriority = 0;
  for (const id of all) {
    const v = universe.packages[id].version;
    const p = universe.priority(id);
    if (previous === null || universe.scheme.compare(previous, v) !== 0) {
      rank++;
      sRank = 0;
    } else if (p !== previousPriority) sRank++;
    previous = v;
    previousPriority = p;
    versionRank.set(id, rank);
    sourceRank.set(id, sRank);
  }
}

/** Work of {@link optimizeGuided}, for the bench and the plan's stats. */
export interface OptimizeStats {
  /** Literals the current model already satisfied (no call). */
  byModel: number;
  /** Literals refuted by unit propagation, found by a probe (no call of their own). */
  byPropagation: number;
  /** Level-0 probes. */
  probes: number;
  /** Failed-literal tests (assume the literal, propagate, decide nothing). */
  failedLiteralTests: number;
  /** Literals refuted by a failed-literal test (no search). */
  byFailedLiteral: number;
  /** SAT calls with search, one per literal neither of the above settled. */
  searches: number;
}

/**
 * The resolver's optimiser (module comment): settles the preference literals in order and
 * leaves the solver's model at the lexicographic maximum. Returns `unknown` when `timeLimitMs`
 * runs out first.
 */
export function optimizeGuided(
  solver: Solver,
  prefs: Preferences,
  options: { timeLimitMs?: number } = {},
): { result: 'sat' | 'unknown'; stats: OptimizeStats } {
  const stats: OptimizeStats = {
    byModel: 0,
    byPropagation: 0,
    probes: 0,
    failedLiteralTests: 0,
    byFailedLiteral: 0,
    searches: 0,
  };
  const deadline = performance.now() + (options.timeLimitMs ?? Number.POSITIVE_INFINITY);
  const n = prefs.vars.length;
  const mirror = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = prefs.vars[i];
    const m = solver.newVariable();
    solver.addClause([a, m]);
    solver.addClause([-a, -m]);
    mirror[i] = m;
  }
  const settled = new Int8Array(n); // 1 true, -1 false, 0 open
  const noDecisions = new Int32Array(0);
  solver.setPhases(prefs.vars);
  const first = solver.solve({ timeLimitMs: options.timeLimitMs });
  assert(first !== 'unsat', 'the optimisation starts from a solution');
  if (first === 'unknown') return { result: 'unknown', stats };
  // The model of the last search; probes overwrite the solver's, so it is kept here.
  let model = snapshot(solver);
  let probedAt = -1; // units added when the last probe ran: a new probe only after new units
  let unitsAdded = 0;
  for (let i = 0; i < n; i++) {
    if (settled[i] !== 0) continue;
    const a = prefs.vars[i];
    if (model[a] === 1 || holds(prefs, i, model)) {
      settled[i] = 1;
      solver.addClause([a]);
      unitsAdded++;
      stats.byModel++;
      continue;
    }
    if (probedAt !== unitsAdded) {
      // Probe: no decisions, so the answer's true literals are exactly level 0's.
      stats.probes++;
      probedAt = unitsAdded;
      const r = solver.solve({ decisionOrder: noDecisions });
      assert(r === 'sat', 'the settled prefix stays satisfiable');
      for (let k = i; k < n; k++) {
        if (settled[k] === 0 && solver.value(mirror[k]) === true) {
          settled[k] = -1;
          stats.byPropagation++;
        }
      }
      if (settled[i] !== 0) continue;
    }
    // Failed-literal test: assume `ai` and propagate, deciding nothing else. A conflict refutes
    // it (the solver learns why); no conflict says nothing, and a search follows.
    stats.failedLiteralTests++;
    if (solver.solve({ assumptions: [a], decisionOrder: noDecisions, model: false }) === 'unsat') {
      settled[i] = -1;
      solver.addClause([-a]);
      unitsAdded++;
      stats.byFailedLiteral++;
      continue;
    }
    if (performance.now() > deadline) return { result: 'unknown', stats };
    stats.searches++;
    const r = solver.solve({ assumptions: [a], timeLimitMs: Math.max(0, deadline - performance.now()) });
    if (r === 'unknown') return { result: 'unknown', stats };
    if (r === 'sat') {
      model = snapshot(solver);
      settled[i] = 1;
      solver.addClause([a]);
    } else {
      settled[i] = -1;
      solver.addClause([-a]);
    }
    unitsAdded++;
  }
  // Leave a model of everything settled (the last search's model may predate the last units).
  const last = solver.solve({ timeLimitMs: Math.max(0, deadline - performance.now()) });
  if (last === 'unknown') return { result: 'unknown', stats };
  assert(last === 'sat', 'the optimum is satisfiable');
  for (const v of prefs.vars) solver.clearPhase(v);
  return { result: 'sat', stats };
}

/** The solver's last model, indexed by DIMACS variable (1 true, -1 false). */
function snapshot(solver: Solver): Int8Array {
  const n = solver.variableCount;
  const m = new Int8Array(n + 1);
  for (let v = 1; v <= n; v++) m[v] = solver.value(v) === true ? 1 : -1;
  return m;
}

/** Whether `model` satisfies what preference literal `i` asks (its `meaning` clauses). */
function holds(prefs: Preferences, i: number, model: Int8Array): boolean {
  const m = prefs.meaning;
  let satisfied = false;
  for (let k = prefs.meaningStart[i]; k < prefs.meaningStart[i + 1]; k++) {
    const x = m[k];
    if (x === 0) {
      if (!satisfied) return false;
      satisfied = false;
    } else if ((x > 0 ? model[x] : -model[-x]) === 1) satisfied = true;
  }
  return true;
}

/**
 * The reference optimiser: for each preference literal in order, keep it if the current model
 * already has it, else ask one SAT call whether it can hold with the ones settled so far, and
 * settle it as a unit clause. Exact by construction; one call per literal the model does not
 * already satisfy. Leaves the solver's model at the optimum.
 */
export function optimizeOneByOne(solver: Solver, prefs: Preferences): void {
  assert(solver.solve() === 'sat', 'the optimisation starts from a solution');
  for (const a of prefs.vars) {
    if (solver.value(a) === true) {
      solver.addClause([a]);
      continue;
    }
    if (solver.solve({ assumptions: [a] }) === 'sat') solver.addClause([a]);
    else {
      solver.addClause([-a]);
      assert(solver.solve() === 'sat', 'settled preferences stay satisfiable');
    }
  }
}

/** The preference literals' values in the solver's last model, as a string of `1`/`0`. */
export function preferenceVector(solver: Solver, prefs: Preferences): string {
  let s = '';
  for (const v of prefs.vars) s += solver.value(v) === true ? '1' : '0';
  return s;
}
