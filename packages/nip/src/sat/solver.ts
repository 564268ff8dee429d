/**
 * A conflict-driven clause-learning SAT solver (MiniSat's architecture with Glucose's clause
 * management): two watched literals with blocking literals, first-UIP learning with recursive
 * clause minimization, EVSIDS decisions with phase saving, EMA (glucose-style) restarts blended
 * with a Luby fallback, learnt-clause reduction by LBD, incremental solving under assumptions
 * with a final-conflict core, DRAT proof output, and conflict/time budgets.
 *
 * This file is the public door; the engine is split by concept beside it: `_state.ts` (the
 * typed-array state), `_propagate.ts` (watches, propagation, backtracking), `_analyze.ts`
 * (learning and minimization), `_clause-db.ts` (arena, simplification, reduction) and
 * `_search.ts` (the CDCL loop, restarts, decisions).
 *
 * Literal encoding: variable `v` (0-based) has literals `2v` (positive) and `2v+1` (negative);
 * the public API speaks DIMACS integers (`3`, `-3`).
 * @module
 */

import { bumpVar } from './_analyze.js';
import { assert } from './_assert.js';
import { allocClause, simplify } from './_clause-db.js';
import { preprocess } from './_eliminate.js';
import { attach, cancelUntil, propagate } from './_propagate.js';
import { restoreVariables } from './_restore.js';
import { search } from './_search.js';
import { SolverState, toLit } from './_state.js';
import type { ProofSink } from './drat.js';

/** Answer of a search: a model exists, none exists, or the budget ran out first. */
export type SolveResult = 'sat' | 'unsat' | 'unknown';

/** Options of a {@link Solver}. */
export interface SolverOptions {
  /** Receives every learnt and deleted clause (DRAT). */
  proof?: ProofSink;
  /**
   * Restart policy: `modes` (default: focused Glucose-style restarts alternating with stable
   * Luby restarts and target phases, as in CaDiCaL), `ema` (focused only) or `luby` (MiniSat
   * 2.2, saved phases only).
   */
  restarts?: 'modes' | 'ema' | 'luby';
  /**
   * Simplify the clauses before the first search (default false): subsumption, self-subsuming
   * strengthening and bounded variable elimination (SatELite). Models are extended back to
   * every variable and proofs stay valid. An eliminated variable comes back with its clauses
   * as soon as it is used again (a clause, an assumption, a phase, {@link Solver.freeze}), so
   * incremental use stays correct; freeze the variables you will use later to keep them from
   * being eliminated at all. Off by default: on the SATLIB and SAT-2009 sets it did not
   * measure faster (DESIGN.md, "SAT speed log"), and incremental callers that reuse most
   * variables would pay for the restores.
   */
  preprocess?: boolean;
}

/** Options of one {@link Solver.solve} call. */
export interface SolveOptions {
  /** DIMACS literals assumed true for this call only. */
  assumptions?: ArrayLike<number>;
  /** Stop with `unknown` after this many conflicts. */
  conflictLimit?: number;
  /** Stop with `unknown` after this many milliseconds (checked every 64 conflicts). */
  timeLimitMs?: number;
  /**
   * Branch only on these DIMACS variables, in this order (negative phase first unless saved
   * otherwise), and report `sat` once they are all assigned without conflict. Sound only when
   * every clause not fully over these variables is satisfied by setting the others false, as
   * for a dependency cone (see DESIGN.md, "Cone-restricted search"); the model then holds
   * these variables, and every other variable reads false.
   */
  decisionOrder?: ArrayLike<number>;
  /** Keep the model of a `sat` answer (default true); false saves its copy when only the answer matters. */
  model?: boolean;
}

/** Counters of a solver's work since construction. */
export interface SolverStats {
  /** Calls to `solve`. */
  solves: number;
  /** Conflicts analysed. */
  conflicts: number;
  /** Branching decisions (assumptions included). */
  decisions: number;
  /** Literals assigned by unit propagation. */
  propagations: number;
  /** Restarts performed. */
  restarts: number;
  /** Switches between focused and stable search (`restarts: 'modes'`). */
  modeSwitches: number;
  /** Learnt clauses currently kept. */
  learnts: number;
  /** Learnt clauses deleted by database reduction. */
  deletedLearnts: number;
  /** Literals removed from learnt clauses by minimization. */
  minimizedLiterals: number;
  /** Variables currently eliminated by preprocessing. */
  eliminatedVariables: number;
  /** Clauses deleted by preprocessing because another clause subsumed them. */
  subsumedClauses: number;
  /** Literals removed from clauses by self-subsuming resolution or level-0 units in preprocessing. */
  strengthenedClauses: number;
  /** Eliminated variables put back because they were used again. */
  restoredVariables: number;
  /** Local-search walks run at rephases (ProbSAT over the irredundant clauses). */
  walks: number;
  /** Walks that found a model of the irredundant clauses (the next descent follows it). */
  walkModels: number;
}

/**
 * Hard ceiling on variables: literals must fit an Int32 with room for flags (2^28).
 *
 * @example
 * ```ts
 * import { MAX_VARIABLES } from '@nexus/nip/sat';
 * MAX_VARIABLES; // 268435456
 * ```
 */
export const MAX_VARIABLES = 1 << 28;

/**
 * A CDCL SAT solver. Variables are DIMACS numbers from 1; clauses are arrays of non-zero
 * integers. Clauses may be added between `solve` calls (incremental use).
 *
 * @example
 * ```ts
 * import { Solver } from '@nexus/nip/sat';
 * const s = new Solver();
 * s.addClause([1, 2]);
 * s.addClause([-1, 2]);
 * s.solve(); // 'sat'
 * s.value(2); // true
 * s.solve({ assumptions: [-2] }); // 'unsat'
 * s.failedAssumptions(); // [-2]
 * ```
 */
export class Solver {
  private readonly s: SolverState;

  constructor(options: SolverOptions = {}) {
    this.s = new SolverState(options.proof, options.restarts ?? 'modes');
    this.s.preprocess = options.preprocess === true;
  }

  /** Work counters since construction. */
  get stats(): SolverStats {
    return this.s.stats;
  }

  /** Number of variables known (the highest DIMACS variable seen or reserved). */
  get variableCount(): number {
    return this.s.numVars;
  }

  /** False once the clauses are known unsatisfiable without assumptions. */
  get okay(): boolean {
    return this.s.ok;
  }

  /** Reserves a fresh variable and returns its DIMACS number. */
  newVariable(): number {
    this.reserve(this.s.numVars + 1);
    return this.s.numVars;
  }

  /** Makes variables 1..count exist (adding clauses does this implicitly). */
  reserve(count: number): void {
    if (!Number.isInteger(count) || count < 0 || count > MAX_VARIABLES) {
      throw new RangeError(`count: ${count} is not a variable count in 0..${MAX_VARIABLES}`);
    }
    if (count <= this.s.numVars) return;
    if (count > this.s.capacity) this.s.grow(Math.max(count, this.s.capacity * 2, 16));
    for (let v = this.s.numVars; v < count; v++) {
      this.s.reason[v] = -1;
      this.s.level[v] = 0;
      this.s.phase[v] = 1; // MiniSat: branch on the negative literal first
      this.s.heap.insert(v);
    }
    this.s.numVars = count;
  }

  /**
   * Adds a clause of DIMACS literals. Returns false when the clause set is now known UNSAT.
   * Duplicate literals are merged and tautologies dropped.
   */
  addClause(clause: ArrayLike<number>): boolean {
    assert(this.s.decisionLevel === 0, 'addClause at decision level 0');
    let maxVar = 0;
    for (let i = 0; i < clause.length; i++) {
      const x = clause[i];
      if (!Number.isInteger(x) || x === 0 || Math.abs(x) > MAX_VARIABLES) {
        throw new RangeError(
          `clause: literal ${x} at index ${i} is not a non-zero integer within ±${MAX_VARIABLES}`,
        );
      }
      const v = Math.abs(x);
      if (v > maxVar) maxVar = v;
    }
    this.reserve(maxVar);
    if (!this.s.ok) return false;
    if (this.s.elimStack.length > 0) this.restore(clause);
    if (!this.s.ok) return false;
    const lits: number[] = [];
    for (let i = 0; i < clause.length; i++) lits.push(toLit(clause[i]));
    lits.sort((a, b) => a - b);
    let n = 0;
    let shortened = false;
    for (let i = 0; i < lits.length; i++) {
      const l = lits[i];
      if (n > 0 && lits[n - 1] === l) continue;
      if (n > 0 && lits[n - 1] === (l ^ 1)) return true; // tautology
      const val = this.s.litVal[l];
      if (val === 1) return true; // satisfied at level 0
      if (val === -1) {
        shortened = true;
        continue;
      }
      lits[n++] = l;
    }
    lits.length = n;
    if (shortened) this.s.proofAdd(lits, n);
    if (n === 0) {
      this.s.ok = false;
      if (!shortened) this.s.proofAdd(lits, 0);
      return false;
    }
    if (n === 1) {
      this.s.enqueue(lits[0], -1);
      if (propagate(this.s) >= 0) {
        this.s.ok = false;
        this.s.proofAdd(lits, 0);
        return false;
      }
      return true;
    }
    const cref = allocClause(this.s, lits, n, false, 0);
    this.s.originals.push(cref);
    attach(this.s, cref);
    return true;
  }

  /**
   * Searches for a model. Returns `unknown` only when a budget in `options` ran out.
   * After `unsat` with assumptions, {@link failedAssumptions} names a subset of them that
   * cannot hold together.
   */
  solve(options: SolveOptions = {}): SolveResult {
    this.s.failed = [];
    this.s.stats.solves++;
    if (!this.s.ok) return 'unsat';
    const assumptions: number[] = [];
    const given = options.assumptions ?? [];
    for (let i = 0; i < given.length; i++) {
      const x = given[i];
      if (!Number.isInteger(x) || x === 0 || Math.abs(x) > MAX_VARIABLES) {
        throw new RangeError(`assumptions: ${x} at index ${i} is not a DIMACS literal`);
      }
      this.reserve(Math.abs(x));
      assumptions.push(toLit(x));
    }
    const conflictLimit = options.conflictLimit ?? Number.POSITIVE_INFINITY;
    const timeLimitMs = options.timeLimitMs ?? Number.POSITIVE_INFINITY;
    if (conflictLimit < 0 || timeLimitMs < 0) throw new RangeError('budget: limits must be non-negative');
    let order: Int32Array | null = null;
    if (options.decisionOrder) {
      order = new Int32Array(options.decisionOrder.length);
      for (let i = 0; i < order.length; i++) {
        const x = options.decisionOrder[i];
        if (!Number.isInteger(x) || x <= 0 || x > this.s.numVars) {
          throw new RangeError(`decisionOrder: ${x} at index ${i} is not a known variable`);
        }
        order[i] = x - 1;
      }
    }
    if (this.s.elimStack.length > 0) {
      this.restore(given);
      if (options.decisionOrder) this.restore(options.decisionOrder);
    }
    if (this.s.stats.solves === 1 && this.s.preprocess && order === null && this.s.ok) {
      this.runPreprocess(assumptions);
    }
    if (!this.s.ok) return 'unsat';
    const startMs = performance.now();
    const startConflicts = this.s.stats.conflicts;
    this.s.order = order;
    this.s.orderHead = 0;
    this.s.keepModel = options.model !== false;
    if (order === null && this.s.heapStale) {
      for (let v = 0; v < this.s.numVars; v++) if (this.s.litVal[2 * v] === 0) this.s.heap.insert(v);
      this.s.heapStale = false;
    }
    const result = search(this.s, assumptions, startConflicts + conflictLimit, startMs + timeLimitMs);
    cancelUntil(this.s, 0);
    this.s.order = null;
    return result;
  }

  /** Value of a DIMACS variable in the last model (`undefined` if there is none). */
  value(variable: number): boolean | undefined {
    if (this.s.sparseModel !== null)
      return variable >= 1 && variable <= this.s.numVars ? this.s.sparseModel.has(variable - 1) : undefined;
    const m = this.s.model[variable - 1];
    return m === 1 ? true : m === -1 ? false : undefined;
  }

  /** The last model as DIMACS literals, one per variable (`[1, -2, 3]`). */
  modelLiterals(): number[] {
    const out: number[] = [];
    if (this.s.sparseModel !== null) {
      for (let v = 0; v < this.s.numVars; v++) out.push(this.s.sparseModel.has(v) ? v + 1 : -(v + 1));
      return out;
    }
    for (let v = 0; v < this.s.model.length; v++) {
      if (this.s.model[v] !== 0) out.push(this.s.model[v] === 1 ? v + 1 : -(v + 1));
    }
    return out;
  }

  /**
   * Prefers the polarity of DIMACS literal `lit` whenever the search branches on its variable,
   * instead of the saved phase, until {@link clearPhase} (or another `setPhase`). This steers
   * the search, never the answer: a preferred literal may still be false in the model.
   *
   * For solution-guided optimisation, set the phases of a whole objective at once with
   * {@link setPhases}, and give the objective's variables first pick with {@link prioritize}:
   * the next `solve` then tries the preferred assignment first and departs from it only where
   * conflicts force it to.
   *
   * @example
   * ```ts
   * import { Solver } from '@nexus/nip/sat';
   * const s = new Solver();
   * s.addClause([1, 2]);
   * s.setPhase(1);
   * s.setPhase(-2);
   * s.solve(); // 'sat'
   * s.modelLiterals(); // [1, -2]
   * ```
   */
  setPhase(lit: number): void {
    if (!Number.isInteger(lit) || lit === 0 || Math.abs(lit) > MAX_VARIABLES) {
      throw new RangeError(`lit: ${lit} is not a DIMACS literal`);
    }
    this.reserve(Math.abs(lit));
    if (this.s.eliminated[Math.abs(lit) - 1]) restoreVariables(this.s, [Math.abs(lit) - 1]);
    this.s.userPhase[Math.abs(lit) - 1] = lit > 0 ? 2 : 3;
  }

  /**
   * {@link setPhase} for each literal of `lits` (a batch, e.g. an objective's preferred values).
   *
   * @example
   * ```ts
   * import { Solver } from '@nexus/nip/sat';
   * const s = new Solver();
   * s.addClause([1, 2, 3]);
   * s.setPhases([-1, -2, 3]);
   * s.solve(); // 'sat'
   * s.modelLiterals(); // [-1, -2, 3]
   * ```
   */
  setPhases(lits: ArrayLike<number>): void {
    for (let i = 0; i < lits.length; i++) this.setPhase(lits[i]);
  }

  /**
   * Forgets the preferred polarity of DIMACS `variable` (the saved phase rules again); with no
   * argument, forgets every preferred polarity.
   *
   * @example
   * ```ts
   * import { Solver } from '@nexus/nip/sat';
   * const s = new Solver();
   * s.addClause([1, 2]);
   * s.setPhase(-1);
   * s.clearPhase(1);
   * s.clearPhase(); // all of them
   * ```
   */
  clearPhase(variable?: number): void {
    if (variable === undefined) {
      this.s.userPhase.fill(0);
      return;
    }
    if (!Number.isInteger(variable) || variable < 1 || variable > MAX_VARIABLES) {
      throw new RangeError(`variable: ${variable} is not a DIMACS variable`);
    }
    if (variable <= this.s.numVars) this.s.userPhase[variable - 1] = 0;
  }

  /**
   * Raises the decision priority of DIMACS `variable` by `amount` conflicts' worth of activity
   * (EVSIDS: one conflict bumps each variable it involves by one unit, and units grow as older
   * conflicts fade). A large amount makes the variable among the first decided after the next
   * restart; conflicts keep adjusting it afterwards.
   *
   * @example
   * ```ts
   * import { Solver } from '@nexus/nip/sat';
   * const s = new Solver();
   * s.addClause([1, 2, 3]);
   * s.boostActivity(3, 100);
   * s.solve(); // 'sat'
   * ```
   */
  boostActivity(variable: number, amount: number): void {
    if (!Number.isInteger(variable) || variable < 1 || variable > MAX_VARIABLES) {
      throw new RangeError(`variable: ${variable} is not a DIMACS variable`);
    }
    if (!Number.isFinite(amount) || amount < 0) {
      throw new RangeError(`amount: ${amount} is not a finite non-negative number`);
    }
    this.reserve(variable);
    if (this.s.eliminated[variable - 1]) restoreVariables(this.s, [variable - 1]);
    bumpVar(this.s, variable - 1, amount * this.s.varInc);
  }

  /**
   * Puts DIMACS `variables` ahead of every other variable in the decision order, the first of
   * the list first: the next search decides them before anything else (with their preferred
   * polarity, see {@link setPhase}), then conflicts re-rank them as usual. Together with
   * {@link setPhases} this asks the solver to "try this assignment first", the step of
   * solution-guided lexicographic optimisation.
   *
   * @example
   * ```ts
   * import { Solver } from '@nexus/nip/sat';
   * const s = new Solver();
   * s.addClause([-1, -2]);
   * s.prioritize([2, 1]);
   * s.setPhases([1, 2]);
   * s.solve(); // 'sat'
   * s.value(2); // true (decided first)
   * s.value(1); // false
   * ```
   */
  prioritize(variables: ArrayLike<number>): void {
    let top = 0;
    for (let v = 0; v < this.s.numVars; v++) if (this.s.activity[v] > top) top = this.s.activity[v];
    for (let i = 0; i < variables.length; i++) {
      const x = variables[i];
      if (!Number.isInteger(x) || x < 1 || x > MAX_VARIABLES) {
        throw new RangeError(`variables: ${x} at index ${i} is not a DIMACS variable`);
      }
    }
    let maxVar = 0;
    for (let i = 0; i < variables.length; i++) if (variables[i] > maxVar) maxVar = variables[i];
    this.reserve(maxVar);
    if (this.s.elimStack.length > 0) this.restore(variables);
    for (let i = variables.length - 1; i >= 0; i--) {
      const v = variables[i] - 1;
      bumpVar(this.s, v, top + this.s.varInc - this.s.activity[v]);
      top = this.s.activity[v]; // re-read: the bump may have rescaled every activity
    }
  }

  /**
   * Keeps DIMACS `variable` from being eliminated by preprocessing (`frozen` true, the default)
   * or lets it be eliminated again (false). Freezing an eliminated variable puts its clauses
   * back. Assumptions of the first `solve` are frozen for its preprocessing automatically; a
   * variable used later (clause, assumption, phase) is restored on use, so freezing is an
   * optimisation, never needed for correctness.
   *
   * @example
   * ```ts
   * import { Solver } from '@nexus/nip/sat';
   * const s = new Solver({ preprocess: true });
   * s.addClause([1, 2]);
   * s.addClause([-1, 3]);
   * s.freeze(1);
   * s.solve(); // 'sat'
   * s.solve({ assumptions: [-1] }); // 'sat'
   * ```
   */
  freeze(variable: number, frozen = true): void {
    if (!Number.isInteger(variable) || variable < 1 || variable > MAX_VARIABLES) {
      throw new RangeError(`variable: ${variable} is not a DIMACS variable`);
    }
    this.reserve(variable);
    this.s.frozen[variable - 1] = frozen ? 1 : 0;
    if (frozen) restoreVariables(this.s, [variable - 1]);
  }

  /** Whether DIMACS `variable` is currently eliminated by preprocessing. */
  isEliminated(variable: number): boolean {
    return variable >= 1 && variable <= this.s.numVars && this.s.eliminated[variable - 1] === 1;
  }

  private restore(lits: ArrayLike<number>): void {
    const vars: number[] = [];
    for (let i = 0; i < lits.length; i++) {
      const v = Math.abs(lits[i]) - 1;
      if (this.s.eliminated[v]) vars.push(v);
    }
    if (vars.length > 0) restoreVariables(this.s, vars);
  }

  private runPreprocess(assumptions: number[]): void {
    const thawed: number[] = [];
    for (const a of assumptions) {
      const v = a >> 1;
      if (this.s.frozen[v] === 0) {
        this.s.frozen[v] = 1;
        thawed.push(v);
      }
    }
    simplify(this.s);
    if (this.s.ok) preprocess(this.s);
    for (const v of thawed) this.s.frozen[v] = 0;
  }

  /** After an `unsat` under assumptions: the assumptions (DIMACS) that together failed. */
  failedAssumptions(): number[] {
    return this.s.failed.slice();
  }

  /**
   * Value of DIMACS `variable` fixed at decision level 0: by unit clauses, by what unit
   * propagation derives from them, and by learnt units; `undefined` when not fixed. Needs no
   * `solve` call: {@link addClause} propagates a unit at once.
   *
   * @example
   * ```ts
   * import { Solver } from '@nexus/nip/sat';
   * const s = new Solver();
   * s.addClause([-1, 2]);
   * s.addClause([1]);
   * s.fixedValue(2); // true
   * ```
   */
  fixedValue(variable: number): boolean | undefined {
    if (!Number.isInteger(variable) || variable < 1 || variable > MAX_VARIABLES) {
      throw new RangeError(`variable: ${variable} is not a DIMACS variable`);
    }
    if (variable > this.s.numVars) return undefined;
    const v = this.s.litVal[2 * (variable - 1)];
    return v === 1 ? true : v === -1 ? false : undefined;
  }

  // ---------------------------------------------------------------------------------------
  // Storage

  // ---------------------------------------------------------------------------------------
  // Assignment and propagation

  // ---------------------------------------------------------------------------------------
  // Conflict analysis

  // ---------------------------------------------------------------------------------------
  // Search

  // ---------------------------------------------------------------------------------------
  // Clause database maintenance

  // ---------------------------------------------------------------------------------------
  // Proof output
}
