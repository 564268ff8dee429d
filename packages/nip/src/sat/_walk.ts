/**
 * Local search for phases (CaDiCaL's "walk" rephase, Kissat's walker): ProbSAT (Balint and
 * Schöning, 2012) over the irredundant clauses, started from the saved phases, for a budget of
 * occurrence visits proportional to the search's propagations since the last walk. When it
 * finds an assignment that falsifies no clause, that model becomes the saved, target and best
 * phases, and the next descent of the CDCL search follows it to `sat` without a conflict (every
 * learnt clause is implied by the irredundant ones, so propagation agrees with a model of
 * them). A walk that ends short of a model changes nothing.
 *
 * The walk only proposes phases: it never assigns, learns or deletes, so answers, proofs and
 * cores are those of the search. It runs at level 0, respects the level-0 units and skips
 * eliminated variables (their clauses are off the clause list).
 *
 * Flip choice (ProbSAT's break-only rule): pick a falsified clause uniformly, then a literal
 * of it with probability proportional to f(break), where `break` counts the clauses that
 * literal's flip would falsify. With clauses of 3 literals or fewer on average, f is ProbSAT's
 * polynomial (0.9 + break)^-2.06; with longer ones, its exponential cb^-break with cb = 2.85,
 * 3.7, 5.1 and 5.4 for 4, 5, 6 and more literals (ProbSAT's defaults by clause length, here
 * chosen by the average length rather than the maximum, since industrial formulas mix lengths).
 * @module
 */
import { assert } from './_assert.js';
import { HEADER, type SolverState } from './_state.js';

/**
 * Occurrence visits per propagation of the search since the last walk. Measured as (visits per
 * propagation, floor) → CPU s on uf250 ×20 / uuf250 ×6, against 15.2 / 17.6 without walks:
 * (0.5, 2·10^5) → 10.1 / –; (1, 10^6) → 4.8 / 18.0; (2, 2·10^6) → 3.0 / 18.6; (5, 5·10^6) →
 * 1.9 / 19.3. Under the 2·10^6 floor, 1 and 2 give the same uf250 search (2.8–3.0 s), and 1
 * halves the walk's share on industrial instances (4 % of AProVE09-20 at 2).
 */
export const WALK_EFFORT = 1;
/** Occurrence visits of the smallest walk, so that an early walk gets somewhere (a 3·10^5 floor: uf250 ×20 5.9 s). */
export const WALK_MIN_TICKS = 2_000_000;
/** Break counts up to this have a tabled probability; larger ones share the last entry. */
const BREAK_TABLE = 64;
/** ProbSAT's polynomial rule for 3-SAT: (ε + break)^-cb. */
const POLY_EPSILON = 0.9;
const POLY_CB = 2.06;

/** Result of one walk (for stats and tests). */
export interface WalkResult {
  /** Falsified clauses under the best assignment found (0: a model of the irredundant clauses). */
  unsat: number;
  /** Variables flipped. */
  flips: number;
}

/** Runs one ProbSAT walk at level 0 and writes its best assignment into the phases. */
export function walk(s: SolverState): WalkResult {
  assert(s.decisionLevel === 0, 'walk at level 0');
  const n = s.numVars;
  const arena = s.arena;
  const litVal = s.litVal;
  // Irredundant clauses, level-0 satisfied ones dropped, level-0 false literals dropped.
  const starts: number[] = [0];
  const lits: number[] = [];
  const occCount = new Int32Array(2 * n + 1);
  for (const cref of s.originals) {
    const size = arena[cref];
    let satisfied = false;
    const from = lits.length;
    for (let k = 0; k < size; k++) {
      const l = arena[cref + HEADER + k];
      const v = litVal[l];
      if (v === 1) {
        satisfied = true;
        break;
      }
      if (v === 0) lits.push(l);
    }
    if (satisfied || lits.length === from) {
      lits.length = from;
      continue;
    }
    for (let k = from; k < lits.length; k++) occCount[lits[k]]++;
    starts.push(lits.length);
  }
  const clauses = starts.length - 1;
  if (clauses === 0) return { unsat: 0, flips: 0 };
  const clauseLits = Int32Array.from(lits);
  const clauseStart = Int32Array.from(starts);
  // Occurrence lists in one array (CSR), per literal.
  const occStart = new Int32Array(2 * n + 1);
  for (let l = 0; l < 2 * n; l++) occStart[l + 1] = occStart[l] + occCount[l];
  const occ = new Int32Array(occStart[2 * n]);
  const fill = occStart.slice(0, 2 * n);
  for (let c = 0; c < clauses; c++) {
    for (let k = clauseStart[c]; k < clauseStart[c + 1]; k++) occ[fill[clauseLits[k]]++] = c;
  }
  // Assignment from the saved phases: value[v] is the sign bit of v's true literal.
  const value = new Uint8Array(n);
  for (let v = 0; v < n; v++) value[v] = litVal[2 * v] === 0 ? s.phase[v] : litVal[2 * v] === 1 ? 0 : 1;
  const trueCount = new Int32Array(clauses);
  const unsatList = new Int32Array(clauses);
  const unsatPos = new Int32Array(clauses).fill(-1);
  let unsat = 0;
  for (let c = 0; c < clauses; c++) {
    let t = 0;
    for (let k = clauseStart[c]; k < clauseStart[c + 1]; k++) {
      const l = clauseLits[k];
      if ((l & 1) === value[l >> 1]) t++;
    }
    trueCount[c] = t;
    if (t === 0) {
      unsatPos[c] = unsat;
      unsatList[unsat++] = c;
    }
  }
  // ProbSAT's break rule for the average clause length.
  const avgLen = clauseLits.length / clauses;
  const score = new Float64Array(BREAK_TABLE);
  if (avgLen <= 3) {
    for (let b = 0; b < BREAK_TABLE; b++) score[b] = (POLY_EPSILON + b) ** -POLY_CB;
  } else {
    const cb = avgLen <= 4 ? 2.85 : avgLen <= 5 ? 3.7 : avgLen <= 6 ? 5.1 : 5.4;
    for (let b = 0; b < BREAK_TABLE; b++) score[b] = cb ** -b;
  }
  let maxLen = 0;
  for (let c = 0; c < clauses; c++) maxLen = Math.max(maxLen, clauseStart[c + 1] - clauseStart[c]);
  const candidates = new Float64Array(maxLen);

  // Best assignment: `best` lags `value` by the variables listed in `dirty` since the last best.
  const best = value.slice();
  const dirtyMark = new Uint8Array(n);
  const dirty: number[] = [];
  let bestUnsat = unsat;
  const propagations = s.stats.propagations - s.walkPropagations;
  let ticks = Math.max(WALK_MIN_TICKS, Math.floor(WALK_EFFORT * propagations));
  let rng = s.walkSeed;
  let flips = 0;
  while (unsat > 0 && ticks > 0) {
    // xorshift32
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    const c = unsatList[(rng >>> 0) % unsat];
    const from = clauseStart[c];
    const to = clauseStart[c + 1];
    let sum = 0;
    for (let k = from; k < to; k++) {
      // Flipping this (false) literal's variable breaks the clauses where its negation is the only true literal.
      const falsified = clauseLits[k] ^ 1;
      let breaks = 0;
      for (let o = occStart[falsified]; o < occStart[falsified + 1]; o++)
        if (trueCount[occ[o]] === 1) breaks++;
      ticks -= occStart[falsified + 1] - occStart[falsified] + 1;
      sum += score[breaks < BREAK_TABLE ? breaks : BREAK_TABLE - 1];
      candidates[k - from] = sum;
    }
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    const pick = ((rng >>> 0) / 4294967296) * sum;
    let k = from;
    while (k < to - 1 && candidates[k - from] <= pick) k++;
    const made = clauseLits[k];
    const v = made >> 1;
    value[v] = made & 1;
    flips++;
    if (dirtyMark[v] === 0) {
      dirtyMark[v] = 1;
      dirty.push(v);
    }
    for (let o = occStart[made]; o < occStart[made + 1]; o++) {
      const d = occ[o];
      if (trueCount[d]++ === 0) {
        const p = unsatPos[d];
        const last = unsatList[--unsat];
        unsatList[p] = last;
        unsatPos[last] = p;
        unsatPos[d] = -1;
      }
    }
    const broken = made ^ 1;
    for (let o = occStart[broken]; o < occStart[broken + 1]; o++) {
      const d = occ[o];
      if (--trueCount[d] === 0) {
        unsatPos[d] = unsat;
        unsatList[unsat++] = d;
      }
    }
    ticks -= occStart[made + 1] - occStart[made] + occStart[broken + 1] - occStart[broken];
    if (unsat < bestUnsat) {
      bestUnsat = unsat;
      for (const u of dirty) {
        best[u] = value[u];
        dirtyMark[u] = 0;
      }
      dirty.length = 0;
    }
  }
  s.walkSeed = rng === 0 ? 1 : rng;
  s.walkPropagations = s.stats.propagations;
  s.stats.walks++;
  // Only a model is imported: phases of a near-miss measured worse than the best-trail phases
  // on structured instances (DESIGN.md, "SAT speed log").
  if (bestUnsat > 0) return { unsat: bestUnsat, flips };
  s.stats.walkModels++;
  for (let v = 0; v < n; v++) {
    if (litVal[2 * v] !== 0) continue;
    s.phase[v] = best[v];
    s.target[v] = best[v];
    s.best[v] = best[v];
  }
  return { unsat: bestUnsat, flips };
}
