/**
 * Conflict analysis: first-UIP learning, recursive minimization (MiniSat 2.2 "ccmin-mode 2"),
 * LBD, EVSIDS bumping, and the final conflict over assumptions.
 * @module
 */
import { assert } from './_assert.js';
import { FLAG_LEARNT, GLUE_KEEP, HEADER, LBD_SHIFT, type SolverState, toDimacs } from './_state.js';

const RESCALE_LIMIT = 1e100; // MiniSat 2.2: rescale activities past 1e100

export function bumpVar(s: SolverState, v: number, by = s.varInc): void {
  const act = s.activity;
  if ((act[v] += by) > RESCALE_LIMIT) {
    for (let u = 0; u < s.numVars; u++) act[u] *= 1 / RESCALE_LIMIT;
    s.varInc *= 1 / RESCALE_LIMIT;
  }
  s.heap.increase(v);
}

export function computeLbd(s: SolverState, lits: ArrayLike<number>, from: number, n: number): number {
  const stamp = ++s.stamp;
  let lbd = 0;
  for (let i = from; i < from + n; i++) {
    const lv = s.level[lits[i] >> 1];
    if (s.levelStamp[lv] !== stamp) {
      s.levelStamp[lv] = stamp;
      lbd++;
    }
  }
  return lbd;
}

/** First-UIP analysis into `s.learnt`; returns the backjump level. */
export function analyze(s: SolverState, conflict: number): number {
  const arena = s.arena;
  const seen = s.seen;
  const level = s.level;
  if (s.learnt.length < s.numVars + 1) s.learnt = new Int32Array(s.numVars + 1);
  const learnt = s.learnt;
  let n = 1; // learnt[0] is the asserting literal, filled at the end
  let pathCount = 0;
  let p = -1;
  let index = s.trailLen - 1;
  let cref = conflict;
  do {
    assert(cref >= 0, 'analyze: a reason clause');
    const flags = arena[cref + 1];
    if (flags & FLAG_LEARNT && flags >> LBD_SHIFT > GLUE_KEEP) {
      const lbd = computeLbd(s, arena, cref + HEADER, arena[cref]);
      if (lbd < flags >> LBD_SHIFT) arena[cref + 1] = (flags & 3) | (lbd << LBD_SHIFT);
    }
    const size = arena[cref];
    for (let k = p === -1 ? 0 : 1; k < size; k++) {
      const q = arena[cref + HEADER + k];
      const v = q >> 1;
      if (seen[v] === 0 && level[v] > 0) {
        bumpVar(s, v);
        seen[v] = 1;
        if (level[v] >= s.decisionLevel) pathCount++;
        else learnt[n++] = q;
      }
    }
    while (seen[s.trail[index--] >> 1] === 0);
    p = s.trail[index + 1];
    cref = s.reason[p >> 1];
    seen[p >> 1] = 0;
    pathCount--;
  } while (pathCount > 0);
  learnt[0] = p ^ 1;

  // Recursive minimization (MiniSat 2.2 "ccmin-mode 2").
  const toClear = s.toClear;
  toClear.length = 0;
  for (let i = 1; i < n; i++) toClear.push(learnt[i]);
  let abstract = 0;
  for (let i = 1; i < n; i++) abstract |= 1 << (level[learnt[i] >> 1] & 31);
  let kept = 1;
  for (let i = 1; i < n; i++) {
    const l = learnt[i];
    if (s.reason[l >> 1] === -1 || !redundant(s, l, abstract)) learnt[kept++] = l;
  }
  s.stats.minimizedLiterals += n - kept;
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
  s.learntLen = n;
  return back;
}

export function redundant(s: SolverState, start: number, abstract: number): boolean {
  const arena = s.arena;
  const seen = s.seen;
  const stack = s.stack;
  const toClear = s.toClear;
  stack.length = 0;
  stack.push(start);
  const top = toClear.length;
  while (stack.length > 0) {
    const q = stack.pop()!;
    const cref = s.reason[q >> 1];
    const size = arena[cref];
    for (let k = 1; k < size; k++) {
      const l = arena[cref + HEADER + k];
      const v = l >> 1;
      if (seen[v] === 0 && s.level[v] > 0) {
        if (s.reason[v] !== -1 && ((1 << (s.level[v] & 31)) & abstract) !== 0) {
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
export function analyzeFinal(s: SolverState, lit: number): void {
  const failed = [lit];
  const seen = s.seen;
  if (s.decisionLevel > 0) {
    seen[lit >> 1] = 1;
    for (let i = s.trailLen - 1; i >= s.trailLim[0]; i--) {
      const x = s.trail[i];
      const v = x >> 1;
      if (seen[v] === 0) continue;
      const cref = s.reason[v];
      if (cref === -1) {
        failed.push(x); // a decision below the assumption levels is an assumption
      } else {
        const size = s.arena[cref];
        for (let k = 1; k < size; k++) {
          const u = s.arena[cref + HEADER + k] >> 1;
          if (s.level[u] > 0) seen[u] = 1;
        }
      }
      seen[v] = 0;
    }
    seen[lit >> 1] = 0;
  }
  s.failed = failed.map(toDimacs);
}
