/**
 * The clause database: allocation in the flat arena, level-0 simplification, learnt-clause
 * reduction by LBD (Glucose), lazy watch purging and arena compaction.
 * @module
 */
import { assert } from './_assert.js';
import { attach, propagate } from './_propagate.js';
import {
  FLAG_DELETED,
  FLAG_LEARNT,
  GLUE_KEEP,
  HEADER,
  LBD_SHIFT,
  type SolverState,
  toDimacs,
} from './_state.js';

export function allocClause(
  s: SolverState,
  lits: ArrayLike<number>,
  n: number,
  learnt: boolean,
  lbd: number,
): number {
  const need = s.arenaTop + HEADER + n;
  if (need > s.arena.length) {
    let size = s.arena.length * 2;
    while (size < need) size *= 2;
    const arena = new Int32Array(size);
    arena.set(s.arena.subarray(0, s.arenaTop));
    s.arena = arena;
  }
  const cref = s.arenaTop;
  const arena = s.arena;
  arena[cref] = n;
  arena[cref + 1] = (learnt ? FLAG_LEARNT : 0) | (lbd << LBD_SHIFT);
  for (let i = 0; i < n; i++) arena[cref + HEADER + i] = lits[i];
  s.arenaTop = need;
  return cref;
}

export function isLocked(s: SolverState, cref: number): boolean {
  const first = s.arena[cref + HEADER];
  return s.reason[first >> 1] === cref && s.litVal[first] === 1;
}

export function deleteClause(s: SolverState, cref: number): void {
  const arena = s.arena;
  arena[cref + 1] |= FLAG_DELETED;
  s.wasted += HEADER + arena[cref];
  if (s.proof) s.proofClause(cref, true);
}

/** Level 0: drop satisfied clauses (writing level-0 units to the proof first). */
export function simplify(s: SolverState): void {
  assert(s.decisionLevel === 0, 'simplify at level 0');
  if (propagate(s) >= 0) {
    s.ok = false;
    s.proofAdd(s.learnt, 0);
    return;
  }
  const start = s.unitsInProof;
  for (let i = start; i < s.trailLen; i++) {
    const lit = s.trail[i];
    if (s.reason[lit >> 1] !== -1) {
      s.proofBuf[0] = toDimacs(lit);
      s.proof?.add(s.proofBuf, 1);
    }
    s.reason[lit >> 1] = -1; // level-0 reasons are never consulted: the clause may go
  }
  s.unitsInProof = s.trailLen;
  const arena = s.arena;
  const satisfied = (cref: number) => {
    const size = arena[cref];
    for (let k = 0; k < size; k++) if (s.litVal[arena[cref + HEADER + k]] === 1) return true;
    return false;
  };
  let removed = 0;
  for (const list of [s.originals, s.learnts]) {
    let j = 0;
    for (let i = 0; i < list.length; i++) {
      const cref = list[i];
      if (satisfied(cref)) {
        deleteClause(s, cref);
        removed++;
      } else list[j++] = cref;
    }
    list.length = j;
  }
  s.stats.learnts = s.learnts.length;
  if (removed > 0) purgeWatches(s);
  s.simplifiedAt = s.trailLen;
  // The next sweep waits for as many propagations as the clause arena holds words (MiniSat's
  // simpDB_props). Resolving 10^5 versions learns one unit in each of ~2,150 short searches and
  // swept every clause after each: 61% of a 3 x 10^4 profile; gated, the optimiser went
  // 72.8 -> 3.6 s at 10^5 with the same searches and conflicts.
  s.simplifyPropsAt = s.stats.propagations + (s.arenaTop - s.wasted);
}

/** Glucose's reduction: delete the worse half of learnt clauses by LBD, keeping glue. */
export function reduceDb(s: SolverState): void {
  const arena = s.arena;
  const lbdOf = (c: number) => arena[c + 1] >> LBD_SHIFT;
  s.learnts.sort((a, b) => lbdOf(b) - lbdOf(a) || arena[b] - arena[a] || a - b);
  const half = s.learnts.length >> 1;
  let j = 0;
  let deleted = 0;
  for (let i = 0; i < s.learnts.length; i++) {
    const cref = s.learnts[i];
    if (i < half && lbdOf(cref) > GLUE_KEEP && !isLocked(s, cref)) {
      deleteClause(s, cref);
      deleted++;
    } else s.learnts[j++] = cref;
  }
  s.learnts.length = j;
  s.stats.learnts = j;
  s.stats.deletedLearnts += deleted;
  purgeWatches(s);
}

export function purgeWatches(s: SolverState): void {
  if (s.wasted > s.arenaTop >> 1) {
    compact(s);
    return;
  }
  const arena = s.arena;
  for (let l = 0; l < 2 * s.numVars; l++) {
    const list = s.watches[l];
    const len = s.watchLen[l];
    let j = 0;
    for (let i = 0; i < len; i += 2) {
      const tag = list[i];
      if ((arena[(tag < 0 ? ~tag : tag) + 1] & FLAG_DELETED) === 0) {
        list[j++] = list[i];
        list[j++] = list[i + 1];
      }
    }
    s.watchLen[l] = j;
  }
}

/** Copies live clauses into a fresh arena and rebuilds the watch lists. */
export function compact(s: SolverState): void {
  const old = s.arena;
  const fresh = new Int32Array(Math.max(1 << 16, (s.arenaTop - s.wasted) * 2));
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
  for (let i = 0; i < s.trailLen; i++) {
    const v = s.trail[i] >> 1;
    const r = s.reason[v];
    if (r >= 0 && (old[r + 1] & FLAG_DELETED) === 0) reasonOf.push(v, r);
    else s.reason[v] = -1;
  }
  move(s.originals);
  move(s.learnts);
  for (let i = 0; i < reasonOf.length; i += 2) s.reason[reasonOf[i]] = old[reasonOf[i + 1] + 1];
  s.arena = fresh;
  s.arenaTop = top;
  s.wasted = 0;
  s.watchLen.fill(0);
  for (const cref of s.originals) attach(s, cref);
  for (const cref of s.learnts) attach(s, cref);
}
