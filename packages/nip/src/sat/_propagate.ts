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

/**
 * Unit propagation over the watch lists; returns a conflicting clause or -1.
 *
 * The trail head and length live in locals and `enqueue`/`watch` are written out in the loop
 * (measured: see DESIGN.md, "SAT speed log").
 */
export function propagate(s: SolverState): number {
  const litVal = s.litVal;
  const watches = s.watches;
  const watchLen = s.watchLen;
  const trail = s.trail;
  const level = s.level;
  const reason = s.reason;
  const arena = s.arena; // never grows during propagation
  const decisionLevel = s.decisionLevel;
  let qhead = s.qhead;
  let trailLen = s.trailLen;
  const start = qhead;
  let conflict = -1;
  while (qhead < trailLen) {
    const falseLit = trail[qhead++] ^ 1;
    const list = watches[falseLit];
    const len = watchLen[falseLit];
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
        } else {
          if (arena[c + HEADER] !== blocker) {
            arena[c + HEADER + 1] = arena[c + HEADER];
            arena[c + HEADER] = blocker; // a reason's implied literal comes first
          }
          litVal[blocker] = 1;
          litVal[blocker ^ 1] = -1;
          level[blocker >> 1] = decisionLevel;
          reason[blocker >> 1] = c;
          trail[trailLen++] = blocker;
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
      let k = 2;
      while (k < size && litVal[arena[base + k]] === -1) k++;
      if (k < size) {
        // A new watch: move it to literal l's list (never `list` itself: l is not false).
        const l = arena[base + k];
        arena[base + 1] = l;
        arena[base + k] = falseLit;
        let other = watches[l];
        const otherLen = watchLen[l];
        if (otherLen + 2 > other.length) {
          const bigger = new Int32Array(other.length * 2);
          bigger.set(other);
          watches[l] = other = bigger;
        }
        other[otherLen] = cref;
        other[otherLen + 1] = first;
        watchLen[l] = otherLen + 2;
        continue;
      }
      list[j++] = cref;
      list[j++] = first;
      if (litVal[first] === -1) {
        conflict = cref;
        while (i < len) list[j++] = list[i++];
      } else {
        litVal[first] = 1;
        litVal[first ^ 1] = -1;
        level[first >> 1] = decisionLevel;
        reason[first >> 1] = cref;
        trail[trailLen++] = first;
      }
    }
    watchLen[falseLit] = j;
    if (conflict >= 0) break;
  }
  s.stats.propagations += qhead - start;
  s.qhead = conflict >= 0 ? trailLen : qhead;
  s.trailLen = trailLen;
  return conflict;
}
