/**
 * Preprocessing before the first search (SatELite, Eén and Biere 2005, as in MiniSat 2.2's
 * SimpSolver): backward subsumption, self-subsuming strengthening and bounded variable
 * elimination over occurrence lists, with level-0 units applied through the same lists.
 *
 * Every step keeps the DRAT proof valid: a strengthened clause and a resolvent are RUP (written
 * before what they replace is deleted), and deletions are always allowed. Eliminated clauses
 * are not deleted in the proof, so putting them back later needs no proof step. An eliminated
 * variable's clauses go to `SolverState.elimStack` (pivot literal first) for model
 * reconstruction (`_restore.ts`), which also puts them back when an eliminated variable is used
 * again (a later clause, an assumption).
 * @module
 */
import { allocClause, compact } from './_clause-db.js';
import { FLAG_DELETED, HEADER, type SolverState, toDimacs } from './_state.js';

/** Longest resolvent an elimination may create (MiniSat 2.2 clause_lim). */
export const ELIM_CLAUSE_LIMIT = 20;
/** A variable is not eliminated when both its polarities occur more often than this. */
export const ELIM_OCCURRENCE_LIMIT = 64;
/** Clauses whose rarest variable occurs more often than this are not used to subsume (MiniSat subsumption_lim). */
export const SUBSUME_OCCURRENCE_LIMIT = 1000;
/** Rounds of elimination over the variables touched by the previous round. */
export const ELIM_ROUNDS = 4;
/** Work ceiling in literal visits: a fixed part plus this many per literal of the formula. */
export const PREPROCESS_STEPS_PER_LITERAL = 10;
const PREPROCESS_STEPS_BASE = 2_000_000;

/** What one preprocessing pass did. */
export interface PreprocessReport {
  eliminated: number;
  subsumed: number;
  strengthened: number;
}

class Occurrences {
  /** Per literal: clause references (deleted clauses are skipped and dropped lazily). */
  readonly lists: number[][];
  /** Per literal: live occurrences. */
  readonly count: Int32Array;
  /** Per literal: stamp marks for subset and resolvent checks. */
  readonly mark: Int32Array;
  stamp = 0;
  /** Per variable: its occurrence counts changed in this round. */
  readonly touched: Uint8Array;
  readonly queue: number[] = [];
  readonly units: number[] = [];
  steps = 0;
  stepLimit: number;
  readonly old = new Int32Array(ELIM_CLAUSE_LIMIT * 4);
  /** Per clause reference: the set of its variables modulo 32 as bits (MiniSat's abstraction). */
  sig = new Int32Array(0);

  constructor(numVars: number, stepLimit: number) {
    this.lists = [];
    for (let l = 0; l < 2 * numVars; l++) this.lists.push([]);
    this.count = new Int32Array(2 * numVars);
    this.mark = new Int32Array(2 * numVars);
    this.touched = new Uint8Array(numVars);
    this.stepLimit = stepLimit;
  }
}

/**
 * Runs subsumption and bounded variable elimination at decision level 0 on the original
 * clauses (no learnt clause exists yet), then rebuilds the arena and the watches.
 * Sets `s.ok = false` (with the empty clause in the proof) when it derives a conflict.
 */
export function preprocess(s: SolverState): PreprocessReport {
  const report: PreprocessReport = { eliminated: 0, subsumed: 0, strengthened: 0 };
  let literals = 0;
  for (const cref of s.originals) literals += s.arena[cref];
  const o = new Occurrences(s.numVars, PREPROCESS_STEPS_BASE + PREPROCESS_STEPS_PER_LITERAL * literals);
  const before = { ...s.stats };
  o.sig = new Int32Array(s.arena.length);
  // Occurrence lists; level-0 false literals are stripped (the watches never needed them gone).
  for (const cref of s.originals) {
    const arena = s.arena;
    if (arena[cref + 1] & FLAG_DELETED) continue;
    const n = arena[cref];
    for (let k = 0; k < n; k++) {
      const l = arena[cref + HEADER + k];
      o.lists[l].push(cref);
      o.count[l]++;
    }
    setSignature(s, o, cref);
    o.queue.push(cref);
  }
  for (const cref of s.originals.slice()) {
    if (s.arena[cref + 1] & FLAG_DELETED) continue;
    for (let k = s.arena[cref] - 1; k >= 0 && (s.arena[cref + 1] & FLAG_DELETED) === 0; k--) {
      const l = s.arena[cref + HEADER + k];
      if (s.litVal[l] === 1) {
        removeClause(s, o, cref, true);
        break;
      }
      if (s.litVal[l] === -1) strengthen(s, o, cref, l, false);
    }
  }
  for (let i = 0; i < s.trailLen; i++) o.lists[s.trail[i] ^ 1] = [];
  if (processUnits(s, o)) {
    subsumeQueue(s, o);
    for (let round = 0; round < ELIM_ROUNDS && s.ok && o.steps < o.stepLimit; round++) {
      const candidates: number[] = [];
      for (let v = 0; v < s.numVars; v++) {
        if (round > 0 && o.touched[v] === 0) continue;
        if (s.frozen[v] || s.eliminated[v] || s.litVal[2 * v] !== 0) continue;
        candidates.push(v);
      }
      o.touched.fill(0);
      const cost = (v: number) => o.count[2 * v] * o.count[2 * v + 1] - o.count[2 * v] - o.count[2 * v + 1];
      candidates.sort((a, b) => cost(a) - cost(b) || a - b);
      let eliminated = 0;
      for (const v of candidates) {
        if (o.steps >= o.stepLimit || !s.ok) break;
        if (s.eliminated[v] || s.litVal[2 * v] !== 0) continue;
        if (eliminate(s, o, v)) eliminated++;
        if (!processUnits(s, o)) break;
        if (o.queue.length > 0) subsumeQueue(s, o);
      }
      if (eliminated === 0) break;
    }
  }
  report.eliminated = s.stats.eliminatedVariables - before.eliminatedVariables;
  report.subsumed = s.stats.subsumedClauses - before.subsumedClauses;
  report.strengthened = s.stats.strengthenedClauses - before.strengthenedClauses;
  let j = 0;
  for (const cref of s.originals) if ((s.arena[cref + 1] & FLAG_DELETED) === 0) s.originals[j++] = cref;
  s.originals.length = j;
  s.qhead = s.trailLen; // every unit's effect was applied through the occurrence lists
  s.simplifiedAt = -1;
  compact(s);
  return report;
}

function setSignature(s: SolverState, o: Occurrences, cref: number): void {
  if (cref >= o.sig.length) {
    const bigger = new Int32Array(Math.max(s.arena.length, cref + 1));
    bigger.set(o.sig);
    o.sig = bigger;
  }
  const n = s.arena[cref];
  let sig = 0;
  for (let k = 0; k < n; k++) sig |= 1 << ((s.arena[cref + HEADER + k] >> 1) & 31);
  o.sig[cref] = sig;
}

/** Marks a clause deleted and updates the counts; writes the deletion unless `proof` is false. */
function removeClause(s: SolverState, o: Occurrences, cref: number, proof: boolean): void {
  const arena = s.arena;
  const n = arena[cref];
  for (let k = 0; k < n; k++) {
    const l = arena[cref + HEADER + k];
    o.count[l]--;
    o.touched[l >> 1] = 1;
  }
  if (proof && s.proof) s.proofClause(cref, true);
  arena[cref + 1] |= FLAG_DELETED;
  s.wasted += HEADER + n;
}

/**
 * Removes literal `lit` from clause `cref` (implied by a subsuming clause or a false unit): the
 * shorter clause is added to the proof before the longer one is deleted. A clause left with
 * one literal becomes a unit on `o.units`. `unlink` drops `cref` from `lit`'s list now
 * (otherwise the caller purges that list).
 */
function strengthen(s: SolverState, o: Occurrences, cref: number, lit: number, unlink: boolean): void {
  const arena = s.arena;
  const n = arena[cref];
  const base = cref + HEADER;
  const old = n <= o.old.length ? o.old : new Int32Array(n);
  for (let k = 0; k < n; k++) old[k] = toDimacs(arena[base + k]);
  let k = 0;
  while (arena[base + k] !== lit) k++;
  arena[base + k] = arena[base + n - 1];
  arena[cref] = n - 1;
  s.wasted++;
  o.count[lit]--;
  o.touched[lit >> 1] = 1;
  if (unlink) {
    const list = o.lists[lit];
    const at = list.indexOf(cref);
    if (at >= 0) {
      list[at] = list[list.length - 1];
      list.pop();
    }
  }
  s.stats.strengthenedClauses++;
  o.steps += n;
  if (s.proof) {
    s.proofClause(cref, false);
    s.proof.delete(old, n);
  }
  if (n - 1 === 1) {
    // The unit is in the proof now; the clause itself leaves without a deletion line.
    o.units.push(arena[base]);
    removeClause(s, o, cref, false);
  } else {
    setSignature(s, o, cref);
    o.queue.push(cref);
  }
}

/** Applies queued level-0 units through the occurrence lists; false on a conflict. */
function processUnits(s: SolverState, o: Occurrences): boolean {
  while (o.units.length > 0 && s.ok) {
    const lit = o.units.pop()!;
    if (s.litVal[lit] === 1) continue;
    if (s.litVal[lit] === -1) {
      s.ok = false;
      s.proofAdd(o.old, 0);
      return false;
    }
    s.enqueue(lit, -1);
    for (const cref of o.lists[lit])
      if ((s.arena[cref + 1] & FLAG_DELETED) === 0) removeClause(s, o, cref, true);
    o.lists[lit] = [];
    const falsified = o.lists[lit ^ 1];
    o.lists[lit ^ 1] = [];
    for (const cref of falsified) {
      if ((s.arena[cref + 1] & FLAG_DELETED) === 0) strengthen(s, o, cref, lit ^ 1, false);
    }
  }
  return s.ok;
}

/** Live clauses of a literal, with deleted ones dropped from its list. */
function live(s: SolverState, o: Occurrences, lit: number): number[] {
  const list = o.lists[lit];
  let j = 0;
  for (let i = 0; i < list.length; i++) if ((s.arena[list[i] + 1] & FLAG_DELETED) === 0) list[j++] = list[i];
  list.length = j;
  return list;
}

/**
 * Backward subsumption with self-subsuming strengthening: each queued clause C is compared with
 * the clauses holding its rarest variable in either polarity; a superset is deleted, and a
 * clause D with exactly one literal whose negation is in C (and the rest of C in D) loses it.
 */
function subsumeQueue(s: SolverState, o: Occurrences): void {
  const mark = o.mark;
  while (o.queue.length > 0 && s.ok) {
    if (o.steps >= o.stepLimit) {
      o.queue.length = 0;
      return;
    }
    const c = o.queue.pop()!;
    let arena = s.arena;
    if (arena[c + 1] & FLAG_DELETED) continue;
    const n = arena[c];
    let best = -1;
    let bestCount = Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const l = arena[c + HEADER + k];
      const count = o.count[l] + o.count[l ^ 1];
      if (count < bestCount) {
        bestCount = count;
        best = l;
      }
    }
    if (bestCount > SUBSUME_OCCURRENCE_LIMIT) continue;
    const stamp = ++o.stamp;
    for (let k = 0; k < n; k++) mark[arena[c + HEADER + k]] = stamp;
    const sigC = o.sig[c];
    for (let sideIndex = 0; sideIndex < 2; sideIndex++) {
      const side = best ^ sideIndex;
      const list = live(s, o, side);
      let purge = false;
      o.steps += list.length;
      for (let i = 0; i < list.length; i++) {
        const d = list[i];
        if ((sigC & ~o.sig[d]) !== 0 || d === c) continue;
        arena = s.arena;
        if (arena[d + 1] & FLAG_DELETED) continue;
        const m = arena[d];
        if (m < n) continue;
        o.steps += m;
        let hits = 0;
        let flip = -1;
        for (let k = 0; k < m; k++) {
          const x = arena[d + HEADER + k];
          if (mark[x] === stamp) hits++;
          else if (mark[x ^ 1] === stamp) {
            if (flip >= 0) {
              flip = -2;
              break;
            }
            flip = x;
          }
        }
        if (flip === -2 || hits + (flip >= 0 ? 1 : 0) !== n) continue;
        if (flip < 0) {
          removeClause(s, o, d, true);
          s.stats.subsumedClauses++;
        } else {
          strengthen(s, o, d, flip, flip !== side);
          if (flip === side) purge = true;
        }
      }
      if (purge) {
        // Drop the clauses that lost `side` (they are still live, so `live` would keep them).
        let j = 0;
        for (let i = 0; i < list.length; i++) {
          const d = list[i];
          if (s.arena[d + 1] & FLAG_DELETED) continue;
          if (contains(s, d, side)) list[j++] = d;
        }
        list.length = j;
      }
      if ((s.arena[c + 1] & FLAG_DELETED) !== 0) break;
    }
    if (!processUnits(s, o)) return;
  }
}

function contains(s: SolverState, cref: number, lit: number): boolean {
  const n = s.arena[cref];
  for (let k = 0; k < n; k++) if (s.arena[cref + HEADER + k] === lit) return true;
  return false;
}

/**
 * Resolvent of `c` (holding `pivot`) and `d` (holding its negation) into `out`; returns its
 * length, or -1 for a tautology.
 */
function resolve(s: SolverState, o: Occurrences, c: number, d: number, pivot: number, out: number[]): number {
  const arena = s.arena;
  const mark = o.mark;
  const stamp = ++o.stamp;
  out.length = 0;
  const n = arena[c];
  for (let k = 0; k < n; k++) {
    const l = arena[c + HEADER + k];
    if (l !== pivot) {
      mark[l] = stamp;
      out.push(l);
    }
  }
  const m = arena[d];
  o.steps += n + m;
  for (let k = 0; k < m; k++) {
    const l = arena[d + HEADER + k];
    if (l === (pivot ^ 1) || mark[l] === stamp) continue;
    if (mark[l ^ 1] === stamp) return -1;
    out.push(l);
  }
  return out.length;
}

/**
 * Bounded variable elimination of `v`: when the non-tautological resolvents of its positive
 * and negative clauses are no more numerous than those clauses and none is longer than
 * {@link ELIM_CLAUSE_LIMIT}, the resolvents replace them.
 */
function eliminate(s: SolverState, o: Occurrences, v: number): boolean {
  const posLit = 2 * v;
  const pos = live(s, o, posLit);
  const neg = live(s, o, posLit + 1);
  if (pos.length === 0 && neg.length === 0) return false;
  if (pos.length > ELIM_OCCURRENCE_LIMIT && neg.length > ELIM_OCCURRENCE_LIMIT) return false;
  const bound = pos.length + neg.length;
  const resolvents: number[][] = [];
  const out: number[] = [];
  for (const c of pos) {
    for (const d of neg) {
      const len = resolve(s, o, c, d, posLit, out);
      if (len < 0) continue;
      if (len > ELIM_CLAUSE_LIMIT || resolvents.length + 1 > bound) return false;
      resolvents.push(out.slice());
    }
  }
  // Reconstruction entries first (pivot literal first), then resolvents, then deletions.
  const stack = s.elimStack;
  for (const [list, pivot] of [
    [pos, posLit],
    [neg, posLit + 1],
  ] as const) {
    for (const c of list) {
      const n = s.arena[c];
      stack.push(n, pivot);
      for (let k = 0; k < n; k++) {
        const l = s.arena[c + HEADER + k];
        if (l !== pivot) stack.push(l);
      }
    }
  }
  for (const r of resolvents) addResolvent(s, o, r);
  // No deletion lines: the proof keeps the eliminated clauses, so a restore (`_restore.ts`)
  // needs no proof step and every later lemma stays RUP against what the checker holds.
  for (const c of pos.slice()) if ((s.arena[c + 1] & FLAG_DELETED) === 0) removeClause(s, o, c, false);
  for (const c of neg.slice()) if ((s.arena[c + 1] & FLAG_DELETED) === 0) removeClause(s, o, c, false);
  o.lists[posLit] = [];
  o.lists[posLit + 1] = [];
  s.eliminated[v] = 1;
  s.stats.eliminatedVariables++;
  return true;
}

function addResolvent(s: SolverState, o: Occurrences, r: number[]): void {
  s.proofAdd(r, r.length);
  if (r.length === 0) {
    s.ok = false;
    return;
  }
  if (r.length === 1) {
    o.units.push(r[0]);
    return;
  }
  const cref = allocClause(s, r, r.length, false, 0);
  s.originals.push(cref);
  setSignature(s, o, cref);
  for (const l of r) {
    o.lists[l].push(cref);
    o.count[l]++;
    o.touched[l >> 1] = 1;
  }
  o.queue.push(cref);
}
