/**
 * Watches and unit propagation: two watched literals per clause with a blocking literal in each
 * watch entry (MiniSat 2.2), the trail, and backtracking with phase saving.
 * @module
 */
import { HEADER, type SolverState } from './_state.js';

/**
 * Watches a clause's first two literals. A binary clause is watched under the tag `~cref`
 * (negative) with the other literal as its blocker, so propagation settles it from the watch
 * entry alone, without reading the clause (CaDiCaL's binary watches).
 */
export function attach(s: SolverState, cref: number): void {
  const a = s.arena[cref + HEADER];
  const b = s.arena[cref + HEADER + 1];
  const tag = s.arena[cref] === 2 ? ~cref : cref;
  watch(s, a, tag, b);
  watch(s, b, tag, a);
}

export function watch(s: SolverState, lit: number, cref: number, blocker: number): void {
  let list = s.watches[lit];
  const len = s.watchLen[lit];
  if (len + 2 > list.length) {
    const bigger = new Int32Array(list.length * 2);
    bigger.set(list);
    s.watches[lit] = list = bigger;
  }
  list[len] = cref;
  list[len + 1] = blocker;
  s.watchLen[lit] = len + 2;
}

export function cancelUntil(s: SolverState, target: number): void {
  if (s.decisionLevel <= target) return;
  const stop = s.trailLim[target];
  const litVal = s.litVal;
  // Cone-restricted solves never read the heap: refill it once when a heap solve comes back
  // (distcheck of Debian bookworm: 5.1 M heap insertions avoided).
  const heapMode = s.order === null;
  for (let i = s.trailLen - 1; i >= stop; i--) {
    const lit = s.trail[i];
    const v = lit >> 1;
    litVal[lit] = 0;
    litVal[lit ^ 1] = 0;
    s.phase[v] = lit & 1;
    if (heapMode) s.heap.insert(v);
  }
  if (!heapMode) s.heapStale = true;
  s.trailLen = stop;
  s.qhead = stop;
  s.decisionLevel = target;
  s.orderHead = 0;
}

/** Unit propagation over the watch lists; returns a conflicting clause or -1. */
export function propagate(s: SolverState): number {
  const litVal = s.litVal;
  const watches = s.watches;
  const watchLen = s.watchLen;
  const trail = s.trail;
  let conflict = -1;
  let propagations = 0;
  while (s.qhead < s.trailLen) {
    const p = trail[s.qhead++];
    const falseLit = p ^ 1;
    const list = watches[falseLit];
    const len = watchLen[falseLit];
    const arena = s.arena; // may not grow during propagation
    propagations++;
    let i = 0;
    let j = 0;
    while (i < len) {
      const cref = list[i];
      const blocker = list[i + 1];
      i += 2;
      const blockerVal = litVal[blocker];
      if (blockerVal === 1) {
        list[j++] = cref;
        list[j++] = blocker;
        continue;
      }
      if (cref < 0) {
        // Binary clause: the blocker is the other literal; no clause visit.
        list[j++] = cref;
        list[j++] = blocker;
        const c = ~cref;
        if (blockerVal === -1) {
          conflict = c;
          while (i < len) list[j++] = list[i++];
          s.qhead = s.trailLen;
        } else {
          if (arena[c + HEADER] !== blocker) {
            arena[c + HEADER + 1] = arena[c + HEADER];
            arena[c + HEADER] = blocker; // a reason's implied literal comes first
          }
          s.enqueue(blocker, c);
        }
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
          watch(s, l, cref, first);
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
        s.qhead = s.trailLen;
      } else {
        s.enqueue(first, cref);
      }
    }
    watchLen[falseLit] = j;
    if (conflict >= 0) break;
  }
  s.stats.propagations += propagations;
  return conflict;
}
