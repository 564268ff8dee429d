/**
 * A conflict-driven clause-learning SAT solver (MiniSat's architecture with Glucose's clause
 * management): two watched literals with blocking literals, first-UIP learning with recursive
 * clause minimization, EVSIDS decisions with phase saving, EMA (glucose-style) restarts blended
 * with a Luby fallback, learnt-clause reduction by LBD, incremental solving under assumptions
 * with a final-conflict core, DRAT proof output, and conflict/time budgets.
 *
 * This file passes the ~400-line guide on purpose: the hot loop (propagate, analyze, search)
 * shares a dozen typed arrays, and splitting it would cost either indirection in the loop or a
 * wide internal interface; it is one concept, the search engine.
 *
 * Literal encoding: variable `v` (0-based) has literals `2v` (positive) and `2v+1` (negative);
 * the public API speaks DIMACS integers (`3`, `-3`).
 * @module
 */
import { assert } from './_assert.js';
import { VarHeap } from './_heap.js';
import type { ProofSink } from './drat.js';

/** Answer of a search: a model exists, none exists, or the budget ran out first. */
export type SolveResult = 'sat' | 'unsat' | 'unknown';

/** Options of a {@link Solver}. */
export interface SolverOptions {
  /** Receives every learnt and deleted clause (DRAT). */
  proof?: ProofSink;
  /** Restart policy: `ema` (Glucose-style, default) or `luby` (MiniSat 2.2). */
  restarts?: 'ema' | 'luby';
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
  /** Learnt clauses currently kept. */
  learnts: number;
  /** Learnt clauses deleted by database reduction. */
  deletedLearnts: number;
  /** Literals removed from learnt clauses by minimization. */
  minimizedLiterals: number;
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

const HEADER = 2; // arena words before a clause's literals: [size, flags]
const FLAG_LEARNT = 1;
const FLAG_DELETED = 2;
const LBD_SHIFT = 2;
const VAR_DECAY = 0.95; // MiniSat 2.2 default
const RESCALE_LIMIT = 1e100;
const REDUCE_FIRST = 2000; // Glucose 3: first reduction after 2000 conflicts
const REDUCE_INCREMENT = 300; // Glucose 3: +300 conflicts per round
const GLUE_KEEP = 2; // Glucose: clauses of LBD <= 2 ("glue") are never deleted
const LUBY_UNIT = 100; // MiniSat 2.2: restart_first = 100
const EMA_FAST = 1 / 32; // CaDiCaL emagluefast
const EMA_SLOW = 1 / 4096;
const EMA_MARGIN = 1.1; // CaDiCaL restartmargin 10%
const RESTART_MIN_CONFLICTS = 2; // CaDiCaL restartint

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
  /** Work counters. */
  readonly stats: SolverStats = {
    solves: 0,
    conflicts: 0,
    decisions: 0,
    propagations: 0,
    restarts: 0,
    learnts: 0,
    deletedLearnts: 0,
    minimizedLiterals: 0,
  };

  private numVars = 0;
  private capacity = 0;
  private ok = true;
  private readonly proof: ProofSink | undefined;
  private readonly restartPolicy: 'ema' | 'luby';

  // Clause arena: flat Int32Array; a clause reference is the offset of its header.
  private arena = new Int32Array(1 << 16);
  private arenaTop = 0;
  private wasted = 0;
  private originals: number[] = [];
  private learnts: number[] = [];

  // Watch lists: per literal, pairs (clause reference, blocking literal).
  private watches: Int32Array[] = [];
  private watchLen = new Int32Array(0);

  // Assignment.
  private litVal = new Int8Array(0); // per literal: 1 true, -1 false, 0 unassigned
  private level = new Int32Array(0);
  private reason = new Int32Array(0);
  private trail = new Int32Array(0);
  private trailLen = 0;
  private trailLim = new Int32Array(0);
  private decisionLevel = 0;
  private qhead = 0;
  private unitsInProof = 0; // trail prefix at level 0 already written to the proof as units

  // Heuristics.
  private activity = new Float64Array(0);
  private varInc = 1;
  private heap = new VarHeap(0, this.activity);
  private phase = new Uint8Array(0); // saved sign bit per variable
  private userPhase = new Uint8Array(0); // per variable: 0 none, 2 prefer positive, 3 prefer negative
  private seen = new Uint8Array(0);
  private levelStamp = new Int32Array(0);
  private stamp = 0;

  // Scratch, reused.
  private learnt = new Int32Array(64);
  private learntLen = 0;
  private toClear: number[] = [];
  private stack: number[] = [];
  private proofBuf = new Int32Array(64);

  private model = new Int8Array(0);
  private order: Int32Array | null = null;
  private sparseModel: Set<number> | null = null;
  private orderHead = 0;
  private heapStale = false;
  private keepModel = true;
  private failed: number[] = [];
  private simplifiedAt = -1;
  private nextReduce = REDUCE_FIRST;
  private reductions = 0;
  private emaFast = 0;
  private emaSlow = 0;

  constructor(options: SolverOptions = {}) {
    this.proof = options.proof;
    this.restartPolicy = options.restarts ?? 'ema';
  }

  /** Number of variables known (the highest DIMACS variable seen or reserved). */
  get variableCount(): number {
    return this.numVars;
  }

  /** False once the clauses are known unsatisfiable without assumptions. */
  get okay(): boolean {
    return this.ok;
  }

  /** Reserves a fresh variable and returns its DIMACS number. */
  newVariable(): number {
    this.reserve(this.numVars + 1);
    return this.numVars;
  }

  /** Makes variables 1..count exist (adding clauses does this implicitly). */
  reserve(count: number): void {
    if (!Number.isInteger(count) || count < 0 || count > MAX_VARIABLES) {
      throw new RangeError(`count: ${count} is not a variable count in 0..${MAX_VARIABLES}`);
    }
    if (count <= this.numVars) return;
    if (count > this.capacity) this.grow(Math.max(count, this.capacity * 2, 16));
    for (let v = this.numVars; v < count; v++) {
      this.reason[v] = -1;
      this.level[v] = 0;
      this.phase[v] = 1; // MiniSat: branch on the negative literal first
      this.heap.insert(v);
    }
    this.numVars = count;
  }

  /**
   * Adds a clause of DIMACS literals. Returns false when the clause set is now known UNSAT.
   * Duplicate literals are merged and tautologies dropped.
   */
  addClause(clause: ArrayLike<number>): boolean {
    assert(this.decisionLevel === 0, 'addClause at decision level 0');
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
    if (!this.ok) return false;
    const lits: number[] = [];
    for (let i = 0; i < clause.length; i++) lits.push(toLit(clause[i]));
    lits.sort((a, b) => a - b);
    let n = 0;
    let shortened = false;
    for (let i = 0; i < lits.length; i++) {
      const l = lits[i];
      if (n > 0 && lits[n - 1] === l) continue;
      if (n > 0 && lits[n - 1] === (l ^ 1)) return true; // tautology
      const val = this.litVal[l];
      if (val === 1) return true; // satisfied at level 0
      if (val === -1) {
        shortened = true;
        continue;
      }
      lits[n++] = l;
    }
    lits.length = n;
    if (shortened) this.proofAdd(lits, n);
    if (n === 0) {
      this.ok = false;
      if (!shortened) this.proofAdd(lits, 0);
      return false;
    }
    if (n === 1) {
      this.enqueue(lits[0], -1);
      if (this.propagate() >= 0) {
        this.ok = false;
        this.proofAdd(lits, 0);
        return false;
      }
      return true;
    }
    const cref = this.allocClause(lits, n, false, 0);
    this.originals.push(cref);
    this.attach(cref);
    return true;
  }

  /**
   * Searches for a model. Returns `unknown` only when a budget in `options` ran out.
   * After `unsat` with assumptions, {@link failedAssumptions} names a subset of them that
   * cannot hold together.
   */
  solve(options: SolveOptions = {}): SolveResult {
    this.failed = [];
    this.stats.solves++;
    if (!this.ok) return 'unsat';
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
        if (!Number.isInteger(x) || x <= 0 || x > this.numVars) {
          throw new RangeError(`decisionOrder: ${x} at index ${i} is not a known variable`);
        }
        order[i] = x - 1;
      }
    }
    const startMs = performance.now();
    const startConflicts = this.stats.conflicts;
    this.order = order;
    this.orderHead = 0;
    this.keepModel = options.model !== false;
    if (order === null && this.heapStale) {
      for (let v = 0; v < this.numVars; v++) if (this.litVal[2 * v] === 0) this.heap.insert(v);
      this.heapStale = false;
    }
    const result = this.search(assumptions, startConflicts + conflictLimit, startMs + timeLimitMs);
    this.cancelUntil(0);
    this.order = null;
    return result;
  }

  /** Value of a DIMACS variable in the last model (`undefined` if there is none). */
  value(variable: number): boolean | undefined {
    if (this.sparseModel !== null)
      return variable >= 1 && variable <= this.numVars ? this.sparseModel.has(variable - 1) : undefined;
    const m = this.model[variable - 1];
    return m === 1 ? true : m === -1 ? false : undefined;
  }

  /** The last model as DIMACS literals, one per variable (`[1, -2, 3]`). */
  modelLiterals(): number[] {
    const out: number[] = [];
    if (this.sparseModel !== null) {
      for (let v = 0; v < this.numVars; v++) out.push(this.sparseModel.has(v) ? v + 1 : -(v + 1));
      return out;
    }
    for (let v = 0; v < this.model.length; v++) {
      if (this.model[v] !== 0) out.push(this.model[v] === 1 ? v + 1 : -(v + 1));
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
    this.userPhase[Math.abs(lit) - 1] = lit > 0 ? 2 : 3;
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
      this.userPhase.fill(0);
      return;
    }
    if (!Number.isInteger(variable) || variable < 1 || variable > MAX_VARIABLES) {
      throw new RangeError(`variable: ${variable} is not a DIMACS variable`);
    }
    if (variable <= this.numVars) this.userPhase[variable - 1] = 0;
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
    this.bumpVar(variable - 1, amount * this.varInc);
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
    for (let v = 0; v < this.numVars; v++) if (this.activity[v] > top) top = this.activity[v];
    for (let i = 0; i < variables.length; i++) {
      const x = variables[i];
      if (!Number.isInteger(x) || x < 1 || x > MAX_VARIABLES) {
        throw new RangeError(`variables: ${x} at index ${i} is not a DIMACS variable`);
      }
    }
    let maxVar = 0;
    for (let i = 0; i < variables.length; i++) if (variables[i] > maxVar) maxVar = variables[i];
    this.reserve(maxVar);
    for (let i = variables.length - 1; i >= 0; i--) {
      const v = variables[i] - 1;
      this.bumpVar(v, top + this.varInc - this.activity[v]);
      top = this.activity[v]; // re-read: the bump may have rescaled every activity
    }
  }

  /** After an `unsat` under assumptions: the assumptions (DIMACS) that together failed. */
  failedAssumptions(): number[] {
    return this.failed.slice();
  }

  // ---------------------------------------------------------------------------------------
  // Storage

  private grow(capacity: number): void {
    const n = this.numVars;
    const litVal = new Int8Array(2 * capacity);
    litVal.set(this.litVal.subarray(0, 2 * n));
    this.litVal = litVal;
    const watchLen = new Int32Array(2 * capacity);
    watchLen.set(this.watchLen.subarray(0, 2 * n));
    this.watchLen = watchLen;
    for (let l = this.watches.length; l < 2 * capacity; l++) this.watches.push(new Int32Array(8));
    this.level = growInt32(this.level, capacity);
    this.reason = growInt32(this.reason, capacity);
    this.trail = growInt32(this.trail, capacity);
    this.trailLim = growInt32(this.trailLim, capacity + 1);
    this.levelStamp = growInt32(this.levelStamp, capacity + 1);
    const activity = new Float64Array(capacity);
    activity.set(this.activity.subarray(0, n));
    this.activity = activity;
    this.heap.grow(capacity, activity);
    const phase = new Uint8Array(capacity);
    phase.set(this.phase.subarray(0, n));
    this.phase = phase;
    const userPhase = new Uint8Array(capacity);
    userPhase.set(this.userPhase.subarray(0, n));
    this.userPhase = userPhase;
    const seen = new Uint8Array(capacity);
    seen.set(this.seen.subarray(0, n));
    this.seen = seen;
    this.capacity = capacity;
  }

  private allocClause(lits: ArrayLike<number>, n: number, learnt: boolean, lbd: number): number {
    const need = this.arenaTop + HEADER + n;
    if (need > this.arena.length) {
      let size = this.arena.length * 2;
      while (size < need) size *= 2;
      const arena = new Int32Array(size);
      arena.set(this.arena.subarray(0, this.arenaTop));
      this.arena = arena;
    }
    const cref = this.arenaTop;
    const arena = this.arena;
    arena[cref] = n;
    arena[cref + 1] = (learnt ? FLAG_LEARNT : 0) | (lbd << LBD_SHIFT);
    for (let i = 0; i < n; i++) arena[cref + HEADER + i] = lits[i];
    this.arenaTop = need;
    return cref;
  }

  private attach(cref: number): void {
    const a = this.arena[cref + HEADER];
    const b = this.arena[cref + HEADER + 1];
    this.watch(a, cref, b);
    this.watch(b, cref, a);
  }

  private watch(lit: number, cref: number, blocker: number): void {
    let list = this.watches[lit];
    const len = this.watchLen[lit];
    if (len + 2 > list.length) {
      const bigger = new Int32Array(list.length * 2);
      bigger.set(list);
      this.watches[lit] = list = bigger;
    }
    list[len] = cref;
    list[len + 1] = blocker;
    this.watchLen[lit] = len + 2;
  }

  // ---------------------------------------------------------------------------------------
  // Assignment and propagation

  private enqueue(lit: number, reason: number): void {
    const v = lit >> 1;
    this.litVal[lit] = 1;
    this.litVal[lit ^ 1] = -1;
    this.level[v] = this.decisionLevel;
    this.reason[v] = reason;
    this.trail[this.trailLen++] = lit;
  }

  private cancelUntil(target: number): void {
    if (this.decisionLevel <= target) return;
    const stop = this.trailLim[target];
    const litVal = this.litVal;
    // Cone-restricted solves never read the heap: refill it once when a heap solve comes back
    // (distcheck of Debian bookworm: 5.1 M heap insertions avoided).
    const heapMode = this.order === null;
    for (let i = this.trailLen - 1; i >= stop; i--) {
      const lit = this.trail[i];
      const v = lit >> 1;
      litVal[lit] = 0;
      litVal[lit ^ 1] = 0;
      this.phase[v] = lit & 1;
      if (heapMode) this.heap.insert(v);
    }
    if (!heapMode) this.heapStale = true;
    this.trailLen = stop;
    this.qhead = stop;
    this.decisionLevel = target;
    this.orderHead = 0;
  }

  /** Unit propagation over the watch lists; returns a conflicting clause or -1. */
  private propagate(): number {
    const litVal = this.litVal;
    const watches = this.watches;
    const watchLen = this.watchLen;
    const trail = this.trail;
    let conflict = -1;
    let propagations = 0;
    while (this.qhead < this.trailLen) {
      const p = trail[this.qhead++];
      const falseLit = p ^ 1;
      const list = watches[falseLit];
      const len = watchLen[falseLit];
      const arena = this.arena; // may not grow during propagation
      propagations++;
      let i = 0;
      let j = 0;
      while (i < len) {
        const cref = list[i];
        const blocker = list[i + 1];
        i += 2;
        if (litVal[blocker] === 1) {
          list[j++] = cref;
          list[j++] = blocker;
          continue;
        }
        const base = cref + HEADER;
        if (arena[base] === falseLit) {
          arena[base] = arena[base + 1];
          arena[base + 1] = falseLit;
        }
        const first = arena[base];
        if (first !== blocker && litVal[first] === 1) {
          list[j++] = cref;
          list[j++] = first;
          continue;
        }
        const size = arena[cref];
        let found = false;
        for (let k = 2; k < size; k++) {
          const l = arena[base + k];
          if (litVal[l] !== -1) {
            arena[base + 1] = l;
            arena[base + k] = falseLit;
            this.watch(l, cref, first);
            found = true;
            break;
          }
        }
        if (found) continue;
        list[j++] = cref;
        list[j++] = first;
        if (litVal[first] === -1) {
          conflict = cref;
          while (i < len) list[j++] = list[i++];
          this.qhead = this.trailLen;
        } else {
          this.enqueue(first, cref);
        }
      }
      watchLen[falseLit] = j;
      if (conflict >= 0) break;
    }
    this.stats.propagations += propagations;
    return conflict;
  }

  // ---------------------------------------------------------------------------------------
  // Conflict analysis

  private bumpVar(v: number, by = this.varInc): void {
    const act = this.activity;
    if ((act[v] += by) > RESCALE_LIMIT) {
      for (let u = 0; u < this.numVars; u++) act[u] *= 1 / RESCALE_LIMIT;
      this.varInc *= 1 / RESCALE_LIMIT;
    }
    this.heap.increase(v);
  }

  private computeLbd(lits: ArrayLike<number>, from: number, n: number): number {
    const stamp = ++this.stamp;
    let lbd = 0;
    for (let i = from; i < from + n; i++) {
      const lv = this.level[lits[i] >> 1];
      if (this.levelStamp[lv] !== stamp) {
        this.levelStamp[lv] = stamp;
        lbd++;
      }
    }
    return lbd;
  }

  /** First-UIP analysis into `this.learnt`; returns the backjump level. */
  private analyze(conflict: number): number {
    const arena = this.arena;
    const seen = this.seen;
    const level = this.level;
    if (this.learnt.length < this.numVars + 1) this.learnt = new Int32Array(this.numVars + 1);
    const learnt = this.learnt;
    let n = 1; // learnt[0] is the asserting literal, filled at the end
    let pathCount = 0;
    let p = -1;
    let index = this.trailLen - 1;
    let cref = conflict;
    do {
      assert(cref >= 0, 'analyze: a reason clause');
      const flags = arena[cref + 1];
      if (flags & FLAG_LEARNT && flags >> LBD_SHIFT > GLUE_KEEP) {
        const lbd = this.computeLbd(arena, cref + HEADER, arena[cref]);
        if (lbd < flags >> LBD_SHIFT) arena[cref + 1] = (flags & 3) | (lbd << LBD_SHIFT);
      }
      const size = arena[cref];
      for (let k = p === -1 ? 0 : 1; k < size; k++) {
        const q = arena[cref + HEADER + k];
        const v = q >> 1;
        if (seen[v] === 0 && level[v] > 0) {
          this.bumpVar(v);
          seen[v] = 1;
          if (level[v] >= this.decisionLevel) pathCount++;
          else learnt[n++] = q;
        }
      }
      while (seen[this.trail[index--] >> 1] === 0);
      p = this.trail[index + 1];
      cref = this.reason[p >> 1];
      seen[p >> 1] = 0;
      pathCount--;
    } while (pathCount > 0);
    learnt[0] = p ^ 1;

    // Recursive minimization (MiniSat 2.2 "ccmin-mode 2").
    const toClear = this.toClear;
    toClear.length = 0;
    for (let i = 1; i < n; i++) toClear.push(learnt[i]);
    let abstract = 0;
    for (let i = 1; i < n; i++) abstract |= 1 << (level[learnt[i] >> 1] & 31);
    let kept = 1;
    for (let i = 1; i < n; i++) {
      const l = learnt[i];
      if (this.reason[l >> 1] === -1 || !this.redundant(l, abstract)) learnt[kept++] = l;
    }
    this.stats.minimizedLiterals += n - kept;
    n = kept;
    for (const l of toClear) seen[l >> 1] = 0;

    // Backjump level: the highest level among the rest, moved to position 1.
    let back = 0;
    if (n > 1) {
      let maxI = 1;
      for (let i = 2; i < n; i++) if (level[learnt[i] >> 1] > level[learnt[maxI] >> 1]) maxI = i;
      const t = learnt[1];
      learnt[1] = learnt[maxI];
      learnt[maxI] = t;
      back = level[learnt[1] >> 1];
    }
    this.learntLen = n;
    return back;
  }

  private redundant(start: number, abstract: number): boolean {
    const arena = this.arena;
    const seen = this.seen;
    const stack = this.stack;
    const toClear = this.toClear;
    stack.length = 0;
    stack.push(start);
    const top = toClear.length;
    while (stack.length > 0) {
      const q = stack.pop()!;
      const cref = this.reason[q >> 1];
      const size = arena[cref];
      for (let k = 1; k < size; k++) {
        const l = arena[cref + HEADER + k];
        const v = l >> 1;
        if (seen[v] === 0 && this.level[v] > 0) {
          if (this.reason[v] !== -1 && ((1 << (this.level[v] & 31)) & abstract) !== 0) {
            seen[v] = 1;
            stack.push(l);
            toClear.push(l);
          } else {
            for (let j = top; j < toClear.length; j++) seen[toClear[j] >> 1] = 0;
            toClear.length = top;
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Collects the assumptions responsible for `lit` (an assumption) being false. */
  private analyzeFinal(lit: number): void {
    const failed = [lit];
    const seen = this.seen;
    if (this.decisionLevel > 0) {
      seen[lit >> 1] = 1;
      for (let i = this.trailLen - 1; i >= this.trailLim[0]; i--) {
        const x = this.trail[i];
        const v = x >> 1;
        if (seen[v] === 0) continue;
        const cref = this.reason[v];
        if (cref === -1) {
          failed.push(x); // a decision below the assumption levels is an assumption
        } else {
          const size = this.arena[cref];
          for (let k = 1; k < size; k++) {
            const u = this.arena[cref + HEADER + k] >> 1;
            if (this.level[u] > 0) seen[u] = 1;
          }
        }
        seen[v] = 0;
      }
      seen[lit >> 1] = 0;
    }
    this.failed = failed.map(toDimacs);
  }

  // ---------------------------------------------------------------------------------------
  // Search

  private search(assumptions: number[], conflictStop: number, deadlineMs: number): SolveResult {
    let restartConflicts = 0;
    let lubyIndex = 0;
    let lubyBudget = LUBY_UNIT * luby(lubyIndex);
    for (;;) {
      const conflict = this.propagate();
      if (conflict >= 0) {
        this.stats.conflicts++;
        restartConflicts++;
        if (this.decisionLevel === 0) {
          this.ok = false;
          this.proofAdd(this.learnt, 0);
          return 'unsat';
        }
        const back = this.analyze(conflict);
        const n = this.learntLen;
        const lbd = this.computeLbd(this.learnt, 0, n);
        this.cancelUntil(back);
        this.proofAdd(this.learnt, n);
        if (n === 1) {
          this.enqueue(this.learnt[0], -1);
        } else {
          const cref = this.allocClause(this.learnt, n, true, lbd);
          this.learnts.push(cref);
          this.stats.learnts++;
          this.attach(cref);
          this.enqueue(this.learnt[0], cref);
        }
        this.varInc *= 1 / VAR_DECAY;
        this.emaFast += EMA_FAST * (lbd - this.emaFast);
        this.emaSlow += EMA_SLOW * (lbd - this.emaSlow);
        continue;
      }

      // No conflict: budgets, restarts, clean-up, then the next decision.
      if (this.stats.conflicts >= conflictStop) return 'unknown';
      if ((this.stats.conflicts & 63) === 0 && restartConflicts > 0 && performance.now() > deadlineMs) {
        return 'unknown';
      }
      if (this.restartDue(restartConflicts, lubyBudget)) {
        this.stats.restarts++;
        restartConflicts = 0;
        lubyBudget = LUBY_UNIT * luby(++lubyIndex);
        this.cancelUntil(0);
        continue;
      }
      if (this.decisionLevel === 0 && this.trailLen !== this.simplifiedAt) {
        this.simplify();
        if (!this.ok) return 'unsat';
      }
      if (this.stats.conflicts >= this.nextReduce) {
        this.reductions++;
        this.nextReduce = this.stats.conflicts + REDUCE_FIRST + REDUCE_INCREMENT * this.reductions;
        this.reduceDb();
      }

      let next = -1;
      while (this.decisionLevel < assumptions.length) {
        const a = assumptions[this.decisionLevel];
        if (this.litVal[a] === 1) {
          this.trailLim[this.decisionLevel++] = this.trailLen; // already true: an empty level
        } else if (this.litVal[a] === -1) {
          this.analyzeFinal(a);
          return 'unsat';
        } else {
          next = a;
          break;
        }
      }
      if (next === -1) {
        const v = this.pickBranchVariable();
        if (v < 0) {
          this.saveModel();
          return 'sat';
        }
        const preferred = this.userPhase[v];
        next = 2 * v + (preferred !== 0 ? preferred & 1 : this.phase[v]);
      }
      this.stats.decisions++;
      this.trailLim[this.decisionLevel++] = this.trailLen;
      this.enqueue(next, -1);
    }
  }

  private restartDue(conflicts: number, lubyBudget: number): boolean {
    if (this.decisionLevel === 0) return false;
    if (this.restartPolicy === 'luby') return conflicts >= lubyBudget;
    return conflicts >= RESTART_MIN_CONFLICTS && this.emaFast > EMA_MARGIN * this.emaSlow;
  }

  private pickBranchVariable(): number {
    const order = this.order;
    if (order !== null) {
      while (this.orderHead < order.length) {
        const v = order[this.orderHead];
        if (this.litVal[2 * v] === 0) return v;
        this.orderHead++;
      }
      return -1;
    }
    const heap = this.heap;
    while (heap.size > 0) {
      const v = heap.removeMax();
      if (this.litVal[2 * v] === 0) return v;
    }
    return -1;
  }

  private saveModel(): void {
    if (!this.keepModel) return;
    if (this.order !== null) {
      // Cone-restricted search: the true variables, kept sparse; every other one reads false.
      const trueVars: number[] = [];
      for (let i = 0; i < this.trailLen; i++) {
        const l = this.trail[i];
        if ((l & 1) === 0) trueVars.push(l >> 1);
      }
      this.sparseModel = new Set(trueVars);
      return;
    }
    this.sparseModel = null;
    const model = new Int8Array(this.numVars);
    for (let v = 0; v < this.numVars; v++) {
      const val = this.litVal[2 * v];
      model[v] = val === 0 ? -1 : val;
    }
    this.model = model;
  }

  // ---------------------------------------------------------------------------------------
  // Clause database maintenance

  private isLocked(cref: number): boolean {
    const first = this.arena[cref + HEADER];
    return this.reason[first >> 1] === cref && this.litVal[first] === 1;
  }

  private deleteClause(cref: number): void {
    const arena = this.arena;
    arena[cref + 1] |= FLAG_DELETED;
    this.wasted += HEADER + arena[cref];
    if (this.proof) this.proofClause(cref, true);
  }

  /** Level 0: drop satisfied clauses (writing level-0 units to the proof first). */
  private simplify(): void {
    assert(this.decisionLevel === 0, 'simplify at level 0');
    if (this.propagate() >= 0) {
      this.ok = false;
      this.proofAdd(this.learnt, 0);
      return;
    }
    const start = this.unitsInProof;
    for (let i = start; i < this.trailLen; i++) {
      const lit = this.trail[i];
      if (this.reason[lit >> 1] !== -1) {
        this.proofBuf[0] = toDimacs(lit);
        this.proof?.add(this.proofBuf, 1);
      }
      this.reason[lit >> 1] = -1; // level-0 reasons are never consulted: the clause may go
    }
    this.unitsInProof = this.trailLen;
    const arena = this.arena;
    const satisfied = (cref: number) => {
      const size = arena[cref];
      for (let k = 0; k < size; k++) if (this.litVal[arena[cref + HEADER + k]] === 1) return true;
      return false;
    };
    let removed = 0;
    for (const list of [this.originals, this.learnts]) {
      let j = 0;
      for (let i = 0; i < list.length; i++) {
        const cref = list[i];
        if (satisfied(cref)) {
          this.deleteClause(cref);
          removed++;
        } else list[j++] = cref;
      }
      list.length = j;
    }
    this.stats.learnts = this.learnts.length;
    if (removed > 0) this.purgeWatches();
    this.simplifiedAt = this.trailLen;
  }

  /** Glucose's reduction: delete the worse half of learnt clauses by LBD, keeping glue. */
  private reduceDb(): void {
    const arena = this.arena;
    const lbdOf = (c: number) => arena[c + 1] >> LBD_SHIFT;
    this.learnts.sort((a, b) => lbdOf(b) - lbdOf(a) || arena[b] - arena[a] || a - b);
    const half = this.learnts.length >> 1;
    let j = 0;
    let deleted = 0;
    for (let i = 0; i < this.learnts.length; i++) {
      const cref = this.learnts[i];
      if (i < half && lbdOf(cref) > GLUE_KEEP && !this.isLocked(cref)) {
        this.deleteClause(cref);
        deleted++;
      } else this.learnts[j++] = cref;
    }
    this.learnts.length = j;
    this.stats.learnts = j;
    this.stats.deletedLearnts += deleted;
    this.purgeWatches();
  }

  private purgeWatches(): void {
    if (this.wasted > this.arenaTop >> 1) {
      this.compact();
      return;
    }
    const arena = this.arena;
    for (let l = 0; l < 2 * this.numVars; l++) {
      const list = this.watches[l];
      const len = this.watchLen[l];
      let j = 0;
      for (let i = 0; i < len; i += 2) {
        if ((arena[list[i] + 1] & FLAG_DELETED) === 0) {
          list[j++] = list[i];
          list[j++] = list[i + 1];
        }
      }
      this.watchLen[l] = j;
    }
  }

  /** Copies live clauses into a fresh arena and rebuilds the watch lists. */
  private compact(): void {
    const old = this.arena;
    const fresh = new Int32Array(Math.max(1 << 16, (this.arenaTop - this.wasted) * 2));
    let top = 0;
    const move = (list: number[]) => {
      for (let i = 0; i < list.length; i++) {
        const cref = list[i];
        const size = HEADER + old[cref];
        fresh.set(old.subarray(cref, cref + size), top);
        old[cref + 1] = top; // forwarding address, read below for reasons
        list[i] = top;
        top += size;
      }
    };
    // Reasons must be forwarded before the headers are overwritten: record them first.
    const reasonOf: number[] = [];
    for (let i = 0; i < this.trailLen; i++) {
      const v = this.trail[i] >> 1;
      const r = this.reason[v];
      if (r >= 0 && (old[r + 1] & FLAG_DELETED) === 0) reasonOf.push(v, r);
      else this.reason[v] = -1;
    }
    move(this.originals);
    move(this.learnts);
    for (let i = 0; i < reasonOf.length; i += 2) this.reason[reasonOf[i]] = old[reasonOf[i + 1] + 1];
    this.arena = fresh;
    this.arenaTop = top;
    this.wasted = 0;
    this.watchLen.fill(0);
    for (const cref of this.originals) this.attach(cref);
    for (const cref of this.learnts) this.attach(cref);
  }

  // ---------------------------------------------------------------------------------------
  // Proof output

  private proofAdd(lits: ArrayLike<number>, n: number): void {
    if (!this.proof) return;
    if (this.proofBuf.length < n) this.proofBuf = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) this.proofBuf[i] = toDimacs(lits[i]);
    this.proof.add(this.proofBuf, n);
  }

  private proofClause(cref: number, deletion: boolean): void {
    const n = this.arena[cref];
    if (this.proofBuf.length < n) this.proofBuf = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) this.proofBuf[i] = toDimacs(this.arena[cref + HEADER + i]);
    if (deletion) this.proof?.delete(this.proofBuf, n);
    else this.proof?.add(this.proofBuf, n);
  }
}

function toLit(x: number): number {
  return x > 0 ? 2 * (x - 1) : 2 * (-x - 1) + 1;
}

function toDimacs(lit: number): number {
  return lit & 1 ? -((lit >> 1) + 1) : (lit >> 1) + 1;
}

function growInt32(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

/**
 * The Luby sequence 1 1 2 1 1 2 4 ... (Luby, Sinclair, Zuckerman 1993), 0-based.
 *
 * @example
 * ```ts
 * import { luby } from '@nexus/nip/sat';
 * luby(6); // 4
 * ```
 */
export function luby(index: number): number {
  let size = 1;
  let seq = 0;
  while (size < index + 1) {
    seq++;
    size = 2 * size + 1;
  }
  let x = index;
  while (size - 1 !== x) {
    size = (size - 1) >> 1;
    seq--;
    x = x % size;
  }
  return 2 ** seq;
}
