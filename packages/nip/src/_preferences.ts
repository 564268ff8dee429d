/**
 * Preference levels 3 to 6 as one ordered list of *preference literals* (SOLVER.md,
 * "Preferences"), and two optimisers of their lexicographic maximum: the resolver's, which
 * settles most literals without a search of their own, and a slow reference, which asks one SAT
 * call per literal, kept to check the fast one (test/optimum-differential.test.ts).
 *
 * A preference literal `a` is a fresh variable with clauses `a → …`: true asks for the
 * preferred state, false leaves the state free. The lexicographic maximum of `a1 … an` is the
 * assignment in which `ai` is true exactly when the formula, with `a1 … a(i-1)` at their maximum
 * values, allows it. Settling `ai` true makes it hold in every later call; settling it false
 * needs nothing (a false literal asks nothing).
 *
 * Names are visited in the order of `_order.ts` (dependents before dependencies). Before the
 * first search the solver is *guided* ({@link guide}): candidates decided name by name in that
 * order, oldest first and false, so the first model already holds most names at their newest
 * allowed version. The guided optimiser then walks the literals in order with the last model
 * `M` in hand:
 *
 * 1. `M` has `ai` true, or `M`'s package variables satisfy what `ai` asks (its `meaning`; then
 *    `M` with `ai` set true is still a model): `M` satisfies everything settled, so `ai` can
 *    hold. Settle true; no call.
 * 2. `ai` is false at decision level 0 (the units settled so far propagate to `¬ai`). Settle
 *    false; no call.
 * 3. Otherwise one SAT call under the assumption `ai`: a model becomes the new `M` (settle
 *    true), UNSAT settles false.
 * 4. After a rung `rk` of a ladder is refuted, the model is at some rank `m > k + 1`: search
 *    the rung `r(m-1)` just stronger than the model's at once. UNSAT refutes every rung from
 *    `r(k+1)` to `r(m-1)` (each implies the next); a model settles `r(m-1)` true (every stronger
 *    rung still open either implies it or is given up, so it holds in the maximum either way)
 *    and the walk goes on at `r(k+1)`. A name held back by several versions costs two searches
 *    instead of one per version.
 *
 * Literals settled true are added as unit clauses in batches ({@link PENDING_UNITS}); until
 * then they ride along as assumptions. Every step keeps `M` a model of the settled prefix, so
 * the result is exactly the lexicographic maximum, the same as the reference's (checked by the
 * differential tests).
 * @module
 */
import { assert } from './_assert.js';
import { nameOrder } from './_order.js';
import type { Encoding } from './encode.js';
import { variantKey } from './encode.js';
import type { SolveResult, Solver } from './sat/solver.js';
import type { Universe } from './universe.js';

/** Which preference level a literal belongs to (SOLVER.md, "Preferences"). */
export type PreferenceLevel = 'newest' | 'fewest' | 'defaults' | 'sources';

/** The preference literals of an encoding, most important first. */
export interface Preferences {
  /** Preference variables (DIMACS, positive = preferred), in lexicographic order. */
  vars: number[];
  /** Level of each entry of `vars`. */
  levels: PreferenceLevel[];
  /** Package names of the cone in preference order (`_order.ts`), with their candidate ids. */
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
  /**
   * For a rung of a ladder (levels 3 and 6), the index in `vars` just past the ladder's last
   * rung; for any other literal, its own index plus one. Rungs of one ladder are consecutive,
   * strongest first, and each implies the next.
   */
  ladderEnd: Int32Array;
  /**
   * The cone's candidate variables, name by name in preference order, each name's oldest
   * candidate first, preceded by the name's variant-requirement variables in the same order:
   * given first pick with their false phase, the search rules out old versions before new ones,
   * so a name a dependency needs ends at its newest allowed candidate.
   */
  hint: Int32Array;
  /**
   * The default value's variable of each cone candidate's variants: decided after the
   * candidates, with the true phase, a chosen candidate gets its defaults unless something
   * rules them out.
   */
  defaults: Int32Array;
}

/**
 * Builds the preference literals of levels 3 to 6 over an encoding, adding their defining
 * clauses to its solver:
 *
 * - newest: per name in preference order (`_order.ts`), a ladder `r0, r1, …` where `rk` forbids every
 *   candidate of rank above `k` (`rk → r(k+1)`, `rk → ¬x` for rank `k+1`);
 * - fewest: per name not installed before, "no candidate of it";
 * - defaults: per cone candidate in discovery order and variant by name, "not chosen, or the
 *   default value";
 * - sources: per name whose versions come from sources of different priority, a ladder over
 *   source ranks like the version ladder.
 */
export function preferenceLiterals(universe: Universe, e: Encoding): Preferences {
  const solver = e.solver;
  const names = nameOrder(universe, e);
  const versionRank = new Map<number, number>();
  const sourceRank = new Map<number, number>();
  for (const name of names.keys()) rankCandidates(universe, name, versionRank, sourceRank);
  const vars: number[] = [];
  const levels: PreferenceLevel[] = [];
  const meaning: number[] = [];
  const meaningStart: number[] = [];
  const ladderEnd: number[] = [];
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
    const end = vars.length + top;
    for (let k = 0; k < top; k++) {
      ladderEnd.push(end);
      vars.push(rungs[k]);
      levels.push(level);
      define(ids.filter((id) => rankOf.get(id)! > k).map((id) => [-e.varOf[id]]));
    }
  };
  const hint: number[] = [];
  const requirementVarsOf = new Map<number, number[]>();
  for (let k = 0; k < e.requirementVars.length; k += 2) {
    const id = e.requirementVars[k + 1];
    const list = requirementVarsOf.get(id);
    if (list) list.push(e.requirementVars[k]);
    else requirementVarsOf.set(id, [e.requirementVars[k]]);
  }
  for (const ids of names.values()) {
    const oldestFirst = [...ids].sort((x, y) => versionRank.get(y)! - versionRank.get(x)! || y - x);
    // Variant-requirement variables first: ruling them out oldest first leaves a requirement
    // with variants its newest allowed candidate before the candidates themselves are decided.
    for (const id of oldestFirst) for (const v of requirementVarsOf.get(id) ?? []) hint.push(v);
    for (const id of oldestFirst) hint.push(e.varOf[id]);
  }
  for (const ids of names.values()) ladder(ids, versionRank, 'newest');
  const installedNames = new Set(e.installed.map((p) => p.name));
  for (const [name, ids] of names) {
    if (installedNames.has(name)) continue;
    const absent = solver.newVariable();
    for (const id of ids) solver.addClause([-absent, -e.varOf[id]]);
    ladderEnd.push(vars.length + 1);
    vars.push(absent);
    levels.push('fewest');
    define(ids.map((id) => [-e.varOf[id]]));
  }
  const defaults: number[] = [];
  for (const id of e.cone) {
    const variants = Object.entries(universe.packages[id].variants ?? {});
    variants.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [variant, spec] of variants) {
      const def = e.variantVar.get(variantKey(id, variant, spec.default));
      assert(def !== undefined, 'every cone candidate has its variant values encoded');
      defaults.push(def);
      const a = solver.newVariable();
      solver.addClause([-a, -e.varOf[id], def]);
      ladderEnd.push(vars.length + 1);
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
    ladderEnd: Int32Array.from(ladderEnd),
    hint: Int32Array.from(hint),
    defaults: Int32Array.from(defaults),
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

/**
 * Steers the solver's next searches towards the preferences' optimum without changing what is
 * satisfiable: the candidates (and the variables of variant requirements) get the false phase,
 * default variant values the true phase. With {@link decisionOrder} (candidates name by name
 * in preference order, each name's oldest first), a dependency then rules out old versions
 * before the newest, and a name nothing needs stays out. Called before the request's first
 * search, so that even that search lands near the optimum; {@link optimizeGuided} calls it
 * again.
 */
export function guide(solver: Solver, prefs: Preferences): void {
  for (const v of prefs.hint) solver.setPhase(-v);
  solver.setPhases(prefs.defaults);
}

/**
 * Every variable of the solver, the guided ones first ({@link guide}: candidates and
 * variant-requirement variables name by name in preference order, oldest first; then default
 * variant values), then the rest by number: the fixed decision order of the resolver's
 * searches. It lists every variable, so a search under it is complete (nothing is left to read
 * false, unlike distcheck's cone-restricted order); conflicts still learn clauses and backjump.
 * Measured on the bench's universe at 3 × 10^4 versions: the request's first search took 870
 * conflicts in this order against 12,348 with activity-based decisions guided only by phases
 * and an initial priority.
 */
export function decisionOrder(solver: Solver, prefs: Preferences): Int32Array {
  const n = solver.variableCount;
  const order = new Int32Array(n);
  const placed = new Uint8Array(n + 1);
  let k = 0;
  for (const list of [prefs.hint, prefs.defaults])
    for (const v of list) {
      if (placed[v]) continue;
      placed[v] = 1;
      order[k++] = v;
    }
  for (let v = 1; v <= n; v++) if (!placed[v]) order[k++] = v;
  return order;
}

/**
 * Conflicts a search first spends in the fixed decision order before it tries the solver's own
 * activity-based decisions (EVSIDS) for as many; then both budgets double, and so on until an
 * answer (learnt clauses carry over from one round to the next). On dependencies that evolve
 * release by release the fixed order rarely meets a conflict, and a search that needs a few
 * thousand should not be thrown to activity-based decisions, which wander on a cone of 10^5
 * candidates; on the adversarial universe whose versions draw unrelated dependencies the fixed
 * order thrashes, and activity-based decisions answer. Either way the search is complete.
 */
export const ORDERED_CONFLICT_BUDGET = 2000;

/**
 * One complete search: rounds of {@link ORDERED_CONFLICT_BUDGET} conflicts (doubling) in
 * `order` ({@link decisionOrder}), then as many with the solver's own decisions. With no
 * `order`, a plain search. `unknown` only when `timeLimitMs` runs out.
 */
export function solveOrdered(
  solver: Solver,
  order: Int32Array | undefined,
  options: { assumptions?: number[]; timeLimitMs?: number } = {},
): SolveResult {
  const deadline = performance.now() + (options.timeLimitMs ?? Number.POSITIVE_INFINITY);
  const left = () => Math.max(0, deadline - performance.now());
  if (order === undefined) return solver.solve({ assumptions: options.assumptions, timeLimitMs: left() });
  for (let budget = ORDERED_CONFLICT_BUDGET; ; budget *= 2) {
    for (const decisionOrder of [order, undefined]) {
      const r = solver.solve({
        assumptions: options.assumptions,
        timeLimitMs: left(),
        decisionOrder,
        conflictLimit: budget,
      });
      if (r !== 'unknown') return r;
      if (left() === 0) return 'unknown';
    }
  }
}

/** Work of {@link optimizeGuided}, for the bench and the plan's stats. */
export interface OptimizeStats {
  /** Literals the current model already satisfied (no call). */
  byModel: number;
  /** Literals refuted at decision level 0 by the units settled before them (no call). */
  byPropagation: number;
  /** SAT calls with search, one per literal neither of the above settled. */
  searches: number;
  /** Searches for the rung just stronger than the model's, after a refuted rung. */
  jumps: number;
  /** Rungs refuted by a jump's refutation (no call of their own). */
  byJump: number;
}

/**
 * Called after each search of {@link optimizeGuided} (scripts/resolve-profile.ts): the
 * literal's index and level, the answer, its time and conflicts, and the assumptions it ran
 * under (the settled literals not yet units, then the literal itself).
 */
export type SearchHook = (
  index: number,
  level: PreferenceLevel,
  result: SolveResult,
  ms: number,
  conflicts: number,
  assumptions: readonly number[],
) => void;

/**
 * Settled literals held as assumptions before they are added as unit clauses, at most this
 * many: a new unit makes the next call sweep the whole clause database at level 0, so units
 * are added in batches, and the literals settled since the last batch ride along as
 * assumptions (the same constraint for that call).
 */
const PENDING_UNITS = 256;

/**
 * The resolver's optimiser (module comment): settles the preference literals in order and
 * leaves the solver's model at the lexicographic maximum. Returns `unknown` when `timeLimitMs`
 * runs out first.
 */
export function optimizeGuided(
  solver: Solver,
  prefs: Preferences,
  options: { timeLimitMs?: number; onSearch?: SearchHook } = {},
): { result: 'sat' | 'unknown'; stats: OptimizeStats } {
  const stats: OptimizeStats = { byModel: 0, byPropagation: 0, searches: 0, jumps: 0, byJump: 0 };
  const deadline = performance.now() + (options.timeLimitMs ?? Number.POSITIVE_INFINITY);
  const remaining = () => Math.max(0, deadline - performance.now());
  const n = prefs.vars.length;
  const settled = new Int8Array(n); // 1 true, -1 false, 0 open
  guide(solver, prefs);
  const order = decisionOrder(solver, prefs);
  const first = solveOrdered(solver, order, { timeLimitMs: options.timeLimitMs });
  // From here on, saved phases (the last model) lead; the decision order stays.
  for (const v of prefs.hint) solver.clearPhase(v);
  assert(first !== 'unsat', 'the optimisation starts from a solution');
  if (first === 'unknown') return { result: 'unknown', stats };
  let model = snapshot(solver); // a model of everything settled so far
  const pending: number[] = []; // settled true, not yet unit clauses
  const hold = (a: number) => {
    pending.push(a);
    if (pending.length >= PENDING_UNITS) flush();
  };
  const flush = () => {
    for (const x of pending) solver.addClause([x]);
    pending.length = 0;
  };
  const search = (a: number, i: number) => {
    stats.searches++;
    pending.push(a);
    const t0 = performance.now();
    const c0 = solver.stats.conflicts;
    const r = solveOrdered(solver, order, { assumptions: pending, timeLimitMs: remaining() });
    options.onSearch?.(i, prefs.levels[i], r, performance.now() - t0, solver.stats.conflicts - c0, pending);
    pending.pop();
    if (r === 'sat') model = snapshot(solver);
    return r;
  };
  for (let i = 0; i < n; i++) {
    if (settled[i] !== 0) continue;
    const a = prefs.vars[i];
    // 1. The model satisfies what `a` asks: `a` can hold.
    if (model[a] === 1 || holds(prefs, i, model)) {
      settled[i] = 1;
      hold(a);
      stats.byModel++;
      continue;
    }
    // 2. Unit propagation of the settled prefix refutes `a`.
    if (solver.fixedValue(a) === false) {
      settled[i] = -1;
      stats.byPropagation++;
      continue;
    }
    // 3. One search under the assumption `a` (and the settled literals not yet units).
    if (performance.now() > deadline) return { result: 'unknown', stats };
    const r = search(a, i);
    if (r === 'unknown') return { result: 'unknown', stats };
    if (r === 'sat') {
      settled[i] = 1;
      hold(a);
      continue;
    }
    settled[i] = -1; // given up: asks nothing, so no clause is needed
    // 4. A rung refuted: search the rung just stronger than the model's (module comment).
    const end = prefs.ladderEnd[i];
    let j = i + 1;
    while (j < end && !holds(prefs, j, model)) j++;
    const target = j - 1; // rungs i+1 … target are open and the model satisfies none of them
    if (target <= i + 1 || settled[target] !== 0) continue;
    const t = prefs.vars[target];
    if (solver.fixedValue(t) === false) continue;
    stats.jumps++;
    const rj = search(t, target);
    if (rj === 'unknown') return { result: 'unknown', stats };
    if (rj === 'sat') {
      settled[target] = 1;
      hold(t);
    } else {
      // Each rung implies the next, so refuting the weakest open one refutes the stronger ones.
      for (let k = i + 1; k <= target; k++) settled[k] = -1;
      stats.byJump += target - i;
    }
  }
  flush();
  // Leave a model of everything settled (the last search's model may predate the last units).
  const last = solveOrdered(solver, order, { timeLimitMs: remaining() });
  if (last === 'unknown') return { result: 'unknown', stats };
  assert(last === 'sat', 'the optimum is satisfiable');
  solver.clearPhase();
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
 * already satisfy. Leaves the solver's model at the optimum; returns the number of those calls.
 */
export function optimizeOneByOne(solver: Solver, prefs: Preferences): number {
  assert(solver.solve() === 'sat', 'the optimisation starts from a solution');
  let calls = 0;
  for (const a of prefs.vars) {
    if (solver.value(a) === true) {
      solver.addClause([a]);
      continue;
    }
    calls++;
    if (solver.solve({ assumptions: [a] }) === 'sat') solver.addClause([a]);
    else {
      solver.addClause([-a]);
      assert(solver.solve() === 'sat', 'settled preferences stay satisfiable');
    }
  }
  return calls;
}

/** The preference literals' values in the solver's last model, as a string of `1`/`0`. */
export function preferenceVector(solver: Solver, prefs: Preferences): string {
  let s = '';
  for (const v of prefs.vars) s += solver.value(v) === true ? '1' : '0';
  return s;
}
