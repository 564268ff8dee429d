/**
 * The other half of variable elimination (`_eliminate.ts`): model reconstruction, and putting
 * an eliminated variable's clauses back when the caller uses it again.
 * @module
 */

import { allocClause } from './_clause-db.js';
import { attach, propagate } from './_propagate.js';
import type { SolverState } from './_state.js';

/** Start offsets of the entries of `s.elimStack` (`[size, pivot, others...]`), in stack order. */
function entryStarts(stack: number[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < stack.length; i += 1 + stack[i]) starts.push(i);
  return starts;
}

/**
 * Extends a model of the simplified formula (eliminated variables unset or arbitrary) to one of
 * the original: walking the eliminated clauses from the last eliminated back, a clause the
 * model falsifies gets its pivot literal made true. Sound because every resolvent on a pivot is
 * satisfied, so the clauses of one side of a pivot never both need it (SatELite).
 * `model` holds 1 / -1 per variable.
 */
export function extendModel(s: SolverState, model: Int8Array): void {
  const stack = s.elimStack;
  if (stack.length === 0) return;
  const starts = entryStarts(stack);
  for (let e = starts.length - 1; e >= 0; e--) {
    const at = starts[e];
    const n = stack[at];
    let satisfied = false;
    for (let k = 1; k <= n && !satisfied; k++) {
      const l = stack[at + k];
      satisfied = model[l >> 1] === (l & 1 ? -1 : 1);
    }
    if (!satisfied) {
      const pivot = stack[at + 1];
      model[pivot >> 1] = pivot & 1 ? -1 : 1;
    }
  }
}

/**
 * Puts eliminated variables back: the given ones and, transitively, every eliminated variable
 * their clauses mention. Their clauses return as original clauses, the last eliminated
 * variable's first. The proof never deleted them (`_eliminate.ts`), so they need no proof
 * line; only a clause shortened by level-0 values is written (it is RUP). Called at decision
 * level 0.
 */
export function restoreVariables(s: SolverState, variables: ArrayLike<number>): void {
  const stack = s.elimStack;
  const pending: number[] = [];
  for (let i = 0; i < variables.length; i++) if (s.eliminated[variables[i]]) pending.push(variables[i]);
  if (pending.length === 0) return;
  const starts = entryStarts(stack);
  const byVar = new Map<number, number[]>();
  for (const at of starts) {
    const v = stack[at + 1] >> 1;
    let list = byVar.get(v);
    if (list === undefined) byVar.set(v, (list = []));
    list.push(at);
  }
  const wanted = new Set<number>();
  while (pending.length > 0) {
    const v = pending.pop()!;
    if (wanted.has(v)) continue;
    wanted.add(v);
    for (const at of byVar.get(v) ?? []) {
      for (let k = 2; k <= stack[at]; k++) {
        const u = stack[at + k] >> 1;
        if (s.eliminated[u] && !wanted.has(u)) pending.push(u);
      }
    }
  }
  for (const v of wanted) {
    s.eliminated[v] = 0;
    s.heap.insert(v);
  }
  s.stats.restoredVariables += wanted.size;
  s.stats.eliminatedVariables -= wanted.size;
  const kept: number[] = [];
  const lits: number[] = [];
  for (let e = starts.length - 1; e >= 0; e--) {
    const at = starts[e];
    if (!wanted.has(stack[at + 1] >> 1)) continue;
    lits.length = 0;
    for (let k = 1; k <= stack[at]; k++) lits.push(stack[at + k]);
    if (s.ok) addOriginal(s, lits);
  }
  for (const at of starts) {
    if (wanted.has(stack[at + 1] >> 1)) continue;
    for (let k = 0; k <= stack[at]; k++) kept.push(stack[at + k]);
  }
  s.elimStack = kept;
}

/** Adds a clause of internal literals at level 0, minding level-0 values (as `addClause`). */
function addOriginal(s: SolverState, clause: number[]): void {
  const lits: number[] = [];
  for (const l of clause) {
    const val = s.litVal[l];
    if (val === 1) return;
    if (val === 0) lits.push(l);
  }
  if (lits.length < clause.length) s.proofAdd(lits, lits.length);
  if (lits.length === 0) {
    s.ok = false;
    return;
  }
  if (lits.length === 1) {
    s.enqueue(lits[0], -1);
    if (propagate(s) >= 0) {
      s.ok = false;
      s.proofAdd(lits, 0);
    }
    return;
  }
  const cref = allocClause(s, lits, lits.length, false, 0);
  s.originals.push(cref);
  attach(s, cref);
}
