/**
 * The search state shared by the solver's parts: the clause arena, watch lists, assignment,
 * trail, heuristic scores and scratch buffers, all in typed arrays sized to the variable
 * capacity. The algorithms live beside it as functions over this state (`_propagate.ts`,
 * `_analyze.ts`, `_clause-db.ts`, `_search.ts`); `solver.ts` is the public door.
 *
 * Literal encoding: variable `v` (0-based) has literals `2v` (positive) and `2v+1` (negative);
 * the public API speaks DIMACS integers (`3`, `-3`).
 * @module
 */
import { VarHeap } from './_heap.js';
import { FIRST_MODE_CONFLICTS, REPHASE_INTERVAL } from './_restart.js';
import type { ProofSink } from './drat.js';
import type { SolverStats } from './solver.js';

/** Arena words before a clause's literals: `[size, flags]`. */
export const HEADER = 2;
/** Flags word: the clause was learnt. */
export const FLAG_LEARNT = 1;
/** Flags word: the clause is deleted (its watches are purged lazily). */
export const FLAG_DELETED = 2;
/** Flags word: two bits of recent use (`_clause-db.ts` reduceDb), at bits 2 and 3. */
export const USED_SHIFT = 2;
/** Flags word: the low bits that are not the LBD. */
export const FLAG_MASK = 15;
/** Flags word: the LBD sits above the flag and use bits. */
export const LBD_SHIFT = 4;

/** Core tier: learnt clauses of LBD <= 2 ("glue", Glucose) are never deleted. */
export const GLUE_KEEP = 2;
/** Tier 2: learnt clauses of LBD <= 6 survive two reductions after their last use (CaDiCaL reducetier2glue). */
export const TIER2_LBD = 6;
/** First reduction after 2000 conflicts (Glucose 3). */
export const REDUCE_FIRST = 2000;

export class SolverState {
  /** Work counters. */
  readonly stats: SolverStats = {
    solves: 0,
    conflicts: 0,
    decisions: 0,
    propagations: 0,
    restarts: 0,
    modeSwitches: 0,
    learnts: 0,
    deletedLearnts: 0,
    minimizedLiterals: 0,
    eliminatedVariables: 0,
    subsumedClauses: 0,
    strengthenedClauses: 0,
    restoredVariables: 0,
    walks: 0,
    walkModels: 0,
  };

  numVars = 0;
  capacity = 0;
  ok = true;
  readonly proof: ProofSink | undefined;
  readonly restartPolicy: 'modes' | 'ema' | 'luby';

  // Clause arena: flat Int32Array; a clause reference is the offset of its header.
  arena = new Int32Array(1 << 16);
  arenaTop = 0;
  wasted = 0;
  originals: number[] = [];
  learnts: number[] = [];

  // Watch lists: per literal, pairs (clause reference, blocking literal).
  watches: Int32Array[] = [];
  watchLen = new Int32Array(0);

  // Assignment.
  litVal = new Int8Array(0); // per literal: 1 true, -1 false, 0 unassigned
  level = new Int32Array(0);
  reason = new Int32Array(0);
  trail = new Int32Array(0);
  trailLen = 0;
  trailLim = new Int32Array(0);
  decisionLevel = 0;
  qhead = 0;
  unitsInProof = 0; // trail prefix at level 0 already written to the proof as units

  // Heuristics.
  activity = new Float64Array(0);
  varInc = 1;
  heap = new VarHeap(0, this.activity);
  phase = new Uint8Array(0); // saved sign bit per variable
  userPhase = new Uint8Array(0); // per variable: 0 none, 2 prefer positive, 3 prefer negative
  seen = new Uint8Array(0);
  levelStamp = new Int32Array(0);
  stamp = 0;

  // Scratch, reused.
  learnt = new Int32Array(64);
  learntLen = 0;
  /** Literals whose `seen` mark minimization must clear (each variable at most once). */
  toClear = new Int32Array(0);
  toClearLen = 0;
  /** Minimization's depth-first stack of (literal, next index) pairs, each variable at most once. */
  stack = new Int32Array(0);
  proofBuf = new Int32Array(64);

  model = new Int8Array(0);
  order: Int32Array | null = null;
  sparseModel: Set<number> | null = null;
  orderHead = 0;
  heapStale = false;
  keepModel = true;
  failed: number[] = [];
  simplifiedAt = -1;
  /** Propagation count before which the level-0 sweep waits (MiniSat's `simpDB_props`). */
  simplifyPropsAt = 0;
  nextReduce = REDUCE_FIRST;
  reductions = 0;
  // Restarts and modes (`_restart.ts`).
  emaFast = 0;
  lbdSum = 0;
  lbdCount = 0;
  restartConflicts = 0;
  lubyIndex = 0;
  lubyBudget = 0;
  stable = false;
  modeLength = FIRST_MODE_CONFLICTS;
  modeSwitchAt = FIRST_MODE_CONFLICTS;
  target = new Uint8Array(0); // target phase sign bit per variable (stable mode)
  targetAssigned = 0;
  best = new Uint8Array(0); // best phase sign bit per variable (the longest trail since the last rephase)
  bestAssigned = 0;
  nextRephase = REPHASE_INTERVAL;
  rephases = 0;
  /** Walk (`_walk.ts`): xorshift state, and the propagation count at the last walk. */
  walkSeed = 0x9e3779b9 | 0;
  walkPropagations = 0;
  // Preprocessing (`_eliminate.ts`, `_restore.ts`).
  /** Run bounded variable elimination and subsumption before the first search. */
  preprocess = false;
  /** Preprocessing has run (it runs once, before the first search). */
  preprocessed = false;
  /** Per variable: 1 when eliminated (its clauses live on `elimStack`). */
  eliminated = new Uint8Array(0);
  /** Per variable: 1 when it must never be eliminated (`Solver.freeze`, assumptions). */
  frozen = new Uint8Array(0);
  /** Eliminated clauses, flat: `[variable, size, pivot literal, other literals...]` per clause. */
  elimStack: number[] = [];

  constructor(proof: ProofSink | undefined, restartPolicy: 'modes' | 'ema' | 'luby') {
    this.proof = proof;
    this.restartPolicy = restartPolicy;
    if (restartPolicy === 'luby') this.lubyBudget = 100;
    if (restartPolicy !== 'modes') this.modeSwitchAt = Number.POSITIVE_INFINITY;
  }

  grow(capacity: number): void {
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
    this.toClear = new Int32Array(capacity + 1);
    this.stack = new Int32Array(2 * capacity + 2);
    const activity = new Float64Array(capacity);
    activity.set(this.activity.subarray(0, n));
    this.activity = activity;
    this.heap.grow(capacity, activity);
    const phase = new Uint8Array(capacity);
    phase.set(this.phase.subarray(0, n));
    this.phase = phase;
    const target = new Uint8Array(capacity).fill(1);
    target.set(this.target.subarray(0, n));
    this.target = target;
    const best = new Uint8Array(capacity).fill(1);
    best.set(this.best.subarray(0, n));
    this.best = best;
    const userPhase = new Uint8Array(capacity);
    userPhase.set(this.userPhase.subarray(0, n));
    this.userPhase = userPhase;
    const seen = new Uint8Array(capacity);
    seen.set(this.seen.subarray(0, n));
    this.seen = seen;
    const eliminated = new Uint8Array(capacity);
    eliminated.set(this.eliminated.subarray(0, n));
    this.eliminated = eliminated;
    const frozen = new Uint8Array(capacity);
    frozen.set(this.frozen.subarray(0, n));
    this.frozen = frozen;
    this.capacity = capacity;
  }

  enqueue(lit: number, reason: number): void {
    const v = lit >> 1;
    this.litVal[lit] = 1;
    this.litVal[lit ^ 1] = -1;
    this.level[v] = this.decisionLevel;
    this.reason[v] = reason;
    this.trail[this.trailLen++] = lit;
  }

  proofAdd(lits: ArrayLike<number>, n: number): void {
    if (!this.proof) return;
    if (this.proofBuf.length < n) this.proofBuf = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) this.proofBuf[i] = toDimacs(lits[i]);
    this.proof.add(this.proofBuf, n);
  }

  proofClause(cref: number, deletion: boolean): void {
    const n = this.arena[cref];
    if (this.proofBuf.length < n) this.proofBuf = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) this.proofBuf[i] = toDimacs(this.arena[cref + HEADER + i]);
    if (deletion) this.proof?.delete(this.proofBuf, n);
    else this.proof?.add(this.proofBuf, n);
  }
}

/** DIMACS integer to internal literal. */
export function toLit(x: number): number {
  return x > 0 ? 2 * (x - 1) : 2 * (-x - 1) + 1;
}

/** Internal literal to DIMACS integer. */
export function toDimacs(lit: number): number {
  return lit & 1 ? -((lit >> 1) + 1) : (lit >> 1) + 1;
}

function growInt32(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}
