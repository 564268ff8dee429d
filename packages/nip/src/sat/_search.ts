/**
 * The CDCL loop: propagate, learn, backjump, restart (see `_restart.ts`), reduce, decide.
 * @module
 */
import { analyze, analyzeFinal, computeLbd } from './_analyze.js';
import { allocClause, reduceDb, simplify } from './_clause-db.js';
import { attach, cancelUntil, propagate } from './_propagate.js';
import {
  decisionPhase,
  onConflict,
  rephase,
  rephaseDue,
  restart,
  restartDue,
  updateBest,
  updateTarget,
} from './_restart.js';
import { extendModel } from './_restore.js';
import { REDUCE_FIRST, type SolverState } from './_state.js';
import type { SolveResult } from './solver.js';

const VAR_DECAY = 0.95; // MiniSat 2.2 default
const REDUCE_INCREMENT = 300; // Glucose 3: +300 conflicts per round

export function search(
  s: SolverState,
  assumptions: number[],
  conflictStop: number,
  deadlineMs: number,
): SolveResult {
  for (;;) {
    const conflict = propagate(s);
    if (conflict >= 0) {
      s.stats.conflicts++;
      s.restartConflicts++;
      if (s.decisionLevel === 0) {
        s.ok = false;
        s.proofAdd(s.learnt, 0);
        return 'unsat';
      }
      const back = analyze(s, conflict);
      const n = s.learntLen;
      const lbd = computeLbd(s, s.learnt, 0, n);
      if (s.stable) updateTarget(s);
      updateBest(s);
      cancelUntil(s, back);
      s.proofAdd(s.learnt, n);
      if (n === 1) {
        s.enqueue(s.learnt[0], -1);
      } else {
        const cref = allocClause(s, s.learnt, n, true, lbd);
        s.learnts.push(cref);
        s.stats.learnts++;
        attach(s, cref);
        s.enqueue(s.learnt[0], cref);
      }
      s.varInc *= 1 / VAR_DECAY;
      onConflict(s, lbd);
      if (s.stats.conflicts >= conflictStop) return 'unknown'; // a budget counts every conflict
      continue;
    }

    // No conflict: budgets, restarts, clean-up, then the next decision.
    if (s.stats.conflicts >= conflictStop) return 'unknown';
    if ((s.stats.conflicts & 63) === 0 && s.restartConflicts > 0 && performance.now() > deadlineMs) {
      return 'unknown';
    }
    if (s.decisionLevel > 0 && restartDue(s)) {
      restart(s);
      cancelUntil(s, 0);
      if (rephaseDue(s)) rephase(s);
      continue;
    }
    if (s.decisionLevel === 0 && s.trailLen !== s.simplifiedAt && s.stats.propagations >= s.simplifyPropsAt) {
      simplify(s);
      if (!s.ok) return 'unsat';
    }
    if (s.stats.conflicts >= s.nextReduce) {
      s.reductions++;
      s.nextReduce = s.stats.conflicts + REDUCE_FIRST + REDUCE_INCREMENT * s.reductions;
      reduceDb(s);
    }

    let next = -1;
    while (s.decisionLevel < assumptions.length) {
      const a = assumptions[s.decisionLevel];
      if (s.litVal[a] === 1) {
        s.trailLim[s.decisionLevel++] = s.trailLen; // already true: an empty level
      } else if (s.litVal[a] === -1) {
        analyzeFinal(s, a);
        return 'unsat';
      } else {
        next = a;
        break;
      }
    }
    if (next === -1) {
      const v = pickBranchVariable(s);
      if (v < 0) {
        saveModel(s);
        return 'sat';
      }
      next = 2 * v + decisionPhase(s, v);
    }
    s.stats.decisions++;
    s.trailLim[s.decisionLevel++] = s.trailLen;
    s.enqueue(next, -1);
  }
}

export function pickBranchVariable(s: SolverState): number {
  const order = s.order;
  if (order !== null) {
    while (s.orderHead < order.length) {
      const v = order[s.orderHead];
      if (s.litVal[2 * v] === 0) return v;
      s.orderHead++;
    }
    return -1;
  }
  const heap = s.heap;
  while (heap.size > 0) {
    const v = heap.removeMax();
    if (s.litVal[2 * v] === 0 && s.eliminated[v] === 0) return v;
  }
  return -1;
}

export function saveModel(s: SolverState): void {
  if (!s.keepModel) return;
  if (s.order !== null) {
    // Cone-restricted search: the true variables, kept sparse; every other one reads false.
    const trueVars: number[] = [];
    for (let i = 0; i < s.trailLen; i++) {
      const l = s.trail[i];
      if ((l & 1) === 0) trueVars.push(l >> 1);
    }
    s.sparseModel = new Set(trueVars);
    return;
  }
  s.sparseModel = null;
  const model = new Int8Array(s.numVars);
  for (let v = 0; v < s.numVars; v++) {
    const val = s.litVal[2 * v];
    model[v] = val === 0 ? -1 : val;
  }
  extendModel(s, model);
  s.model = model;
}
