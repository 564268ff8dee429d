/**
 * Cardinality bound by a totalizer (Bailleux, Boufkhad: "Efficient CNF Encoding of Boolean
 * Cardinality Constraints", CP 2003), one direction only (inputs force outputs), with outputs
 * capped at `cap`: output j (1-based) is implied true whenever at least j inputs are true.
 * Assuming output j false then bounds the sum to j-1. Clauses: O(n·cap).
 */
import type { SolveResult, Solver } from './sat/solver.js';

/** Builds a capped totalizer over `inputs` (DIMACS literals); returns outputs 1..cap. */
export function totalizer(solver: Solver, inputs: readonly number[], cap: number): number[] {
  if (inputs.length === 0 || cap <= 0) return [];
  const build = (lo: number, hi: number): number[] => {
    if (hi - lo === 1) return [inputs[lo]];
    const mid = (lo + hi) >> 1;
    const a = build(lo, mid);
    const b = build(mid, hi);
    const size = Math.min(a.length + b.length, cap);
    const out: number[] = [];
    for (let i = 0; i < size; i++) out.push(solver.newVariable());
    for (let i = 0; i <= a.length; i++) {
      for (let j = 0; j <= b.length; j++) {
        if (i + j === 0) continue;
        const k = Math.min(i + j, size);
        const clause: number[] = [out[k - 1]];
        if (i > 0) clause.push(-a[i - 1]);
        if (j > 0) clause.push(-b[j - 1]);
        solver.addClause(clause);
        if (i + j >= size && j < b.length && i < a.length) break;
      }
    }
    return out;
  };
  return build(0, inputs.length);
}

/** Number of true literals among `lits` in the solver's last model. */
export function costOf(solver: Solver, lits: readonly number[]): number {
  let c = 0;
  for (const l of lits) if (solver.value(Math.abs(l)) === l > 0) c++;
  return c;
}

/**
 * Minimises the number of true `costs` literals exactly (linear SAT-UNSAT search from a first
 * solution), fixes the optimum as a hard bound, and leaves a model at the optimum. `search`,
 * when given, runs each complete search instead of a plain `solve` (the resolver's guided
 * search). With no costs, nothing is searched.
 */
export function minimize(
  solver: Solver,
  costs: readonly number[],
  assumptions: number[],
  search: (assumptions: number[]) => SolveResult = (a) => solver.solve({ assumptions: a }),
): number {
  if (costs.length === 0) return 0;
  // A fresh model: variables created since the last solve have no value yet.
  if (search(assumptions) !== 'sat')
    throw new Error('nip: assertion failed: minimize starts from a solution');
  let best = costOf(solver, costs);
  if (best === 0 || costs.length === 0) {
    for (const l of costs) solver.addClause([-l]);
    return 0;
  }
  const outputs = totalizer(solver, costs, best + 1);
  for (;;) {
    if (best === 0) break;
    const r = search([...assumptions, -outputs[best - 1]]);
    if (r !== 'sat') break;
    const c = costOf(solver, costs);
    if (c >= best) throw new Error('nip: assertion failed: a bounded model must be cheaper');
    best = c;
  }
  if (best === 0) for (const l of costs) solver.addClause([-l]);
  else if (best < outputs.length) solver.addClause([-outputs[best]]);
  // Re-establish a model satisfying the bound for the caller.
  const r = search(assumptions);
  if (r !== 'sat') throw new Error('nip: assertion failed: the optimum stays satisfiable');
  return best;
}
