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
  for (let i = 1; i < n; i++) toClear[i - 1] = learnt[i];
  s.toClearLen = n - 1;
  let abstract = 0;
  for (let i = 1; i < n; i++) abstract |= 1 << (level[learnt[i] >> 1] & 31);
  let kept = 1;
  for (let i = 1; i < n; i++) {
    const l = learnt[i];
    if (s.reason[l >> 1] === -1 || !redundant(s, l, abstract)) learnt[kept++] = l;
  }
  s.stats.minimizedLiterals += n - kept;
  n = kept;
  for (let i = 0; i < s.toClearLen; i++) seen[toClear[i] >> 1] = 0;

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

/** `seen` marks during minimization: in the learnt clause, shown removable, shown not removable. */
const SEEN_SOURCE = 1;
const SEEN_REMOVABLE = 2;
const SEEN_FAILED = 3;

/**
 * Whether literal `start` of the learnt clause is implied by the clause's other literals: a
 * depth-first walk of its reasons (an explicit stack of (literal, next index) pairs). Results
 * are cached in `seen` for the rest of this analysis, failures too (MiniSat's later
 * `litRedundant`), so no part of the implication graph is walked twice.
 */
export function redundant(s: SolverState, start: number, abstract: number): boolean {
  const arena = s.arena;
  const seen = s.seen;
  const level = s.level;
  const reason = s.reason;
  const stack = s.stack;
  const toClear = s.toClear;
  let len = s.toClearLen;
  let sp = 0;
  let p = start;
  let cref = reason[p >> 1];
  let i = 1;
  for (;;) {
    if (i < arena[cref]) {
      const l = arena[cref + HEADER + i];
      const v = l >> 1;
      const mark = seen[v];
      if (level[v] === 0 || mark === SEEN_SOURCE || mark === SEEN_REMOVABLE) {
        i++;
        continue;
      }
      if (mark === SEEN_FAILED || reason[v] === -1 || ((1 << (level[v] & 31)) & abstract) === 0) {
        // p and every literal on the stack depend on a literal outside the clause.
        if (seen[p >> 1] === 0) {
          seen[p >> 1] = SEEN_FAILED;
          toClear[len++] = p;
        }
        for (let k = 0; k < sp; k += 2) {
          const q = stack[k];
          if (seen[q >> 1] === 0) {
            seen[q >> 1] = SEEN_FAILED;
            toClear[len++] = q;
          }
        }
        s.toClearLen = len;
        return false;
      }
      stack[sp++] = p;
      stack[sp++] = i + 1;
      p = l;
      cref = reason[v];
      i = 1;
    } else {
      if (seen[p >> 1] === 0) {
        seen[p >> 1] = SEEN_REMOVABLE;
        toClear[len++] = p;
      }
      if (sp === 0) break;
      i = stack[--sp];
      p = stack[--sp];
      cref = reason[p >> 1];
    }
  }
  s.toClearLen = len;
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
