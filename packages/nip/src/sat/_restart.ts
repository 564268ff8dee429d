/**
 * Restarts and decision phases. Two modes alternate, as in CaDiCaL and Kissat:
 *
 * - **focused**: Glucose restarts (restart when the recent LBD average, an EMA over ~32
 *   conflicts, exceeds the running average by 25 %, at least 50 conflicts apart) with saved
 *   phases: short descents that chase good clauses, the strength on UNSAT instances.
 * - **stable**: Luby restarts in units of {@link STABLE_LUBY_UNIT} conflicts with target phases
 *   (the polarity each variable had in the longest conflict-free trail since the last restart,
 *   Biere and Fleury, "Chasing Target Phases", 2020): long descents that home in on a model,
 *   the strength on satisfiable instances.
 *
 * The first focused phase lasts {@link FIRST_MODE_CONFLICTS} conflicts (CaDiCaL stabilizeinit),
 * each stable phase as long as the focused phase before it, and the pair doubles after each
 * stable phase (CaDiCaL stabilizefactor 200 %). `restarts: 'ema'` or `'luby'` keeps one mode.
 * A preferred polarity set with `Solver.setPhase` beats both saved and target phases.
 *
 * Rephasing: at the first restart after {@link REPHASE_INTERVAL} conflicts (then 2×, 3×, ...
 * that many more), saved and target phases are reset to the best phases, the polarities of the
 * longest trail prefix seen in either mode since the last rephase (CaDiCaL's "best" rephase).
 * Then a local-search walk starts from them (`_walk.ts`); when it finds a model of the
 * irredundant clauses, that model becomes the phases and the next descent follows it.
 * @module
 */
import type { SolverState } from './_state.js';
import { walk } from './_walk.js';

/** Conflicts of the first focused phase (CaDiCaL stabilizeinit = 1000). */
export const FIRST_MODE_CONFLICTS = 1000;
/**
 * Stable-mode Luby unit in conflicts: MiniSat 2.2's 100. Measured against 512 and 1024
 * (CaDiCaL's reluctant doubling base): 125k / 181k / 154k conflicts on five uf250 instances,
 * 198k / 252k / 265k on eleven industrial ones.
 */
export const STABLE_LUBY_UNIT = 100;
/** Luby unit of the single-mode `restarts: 'luby'` policy (MiniSat 2.2 restart_first = 100). */
const LUBY_UNIT = 100;
const EMA_FAST = 1 / 32; // Glucose's 50-conflict LBD queue, as an EMA (CaDiCaL emagluefast 33)
const RESTART_MARGIN = 1.25; // Glucose K = 0.8: restart when fast * 0.8 > average
const RESTART_MIN_CONFLICTS = 50; // Glucose: the LBD queue (50) must refill after a restart

/** Records a learnt clause's LBD in the restart averages and switches mode when due. */
export function onConflict(s: SolverState, lbd: number): void {
  s.lbdSum += lbd;
  s.lbdCount++;
  s.emaFast += EMA_FAST * (lbd - s.emaFast);
  if (s.restartPolicy === 'modes' && s.stats.conflicts >= s.modeSwitchAt) {
    s.stable = !s.stable;
    s.stats.modeSwitches++;
    if (!s.stable) s.modeLength *= 2;
    s.modeSwitchAt = s.stats.conflicts + s.modeLength;
    s.restartConflicts = 1 << 30; // restart at the next opportunity, into the new mode
    s.lubyIndex = 0;
    s.lubyBudget = STABLE_LUBY_UNIT;
  }
}

/**
 * Conflicts before the first rephase; the k-th waits k times as long (arithmetic, as CaDiCaL's
 * rephaseint). Measured against 1,000, 5,000 and 10,000 on the slow sets (DESIGN.md).
 */
export const REPHASE_INTERVAL = 3000;

/** Before backjumping from a conflict (either mode): remember the longest trail since the last rephase. */
export function updateBest(s: SolverState): void {
  const assigned = s.trailLim[s.decisionLevel - 1];
  if (assigned <= s.bestAssigned) return;
  const trail = s.trail;
  const best = s.best;
  for (let i = 0; i < assigned; i++) {
    const lit = trail[i];
    best[lit >> 1] = lit & 1;
  }
  s.bestAssigned = assigned;
}

/** Whether the saved and target phases are due to be reset to the best phases (at a restart). */
export function rephaseDue(s: SolverState): boolean {
  return s.stats.conflicts >= s.nextRephase;
}

/**
 * Rephasing to the best phases (CaDiCaL's "B" rephase): saved and target phases become the
 * polarities of the longest conflict-free trail prefix seen since the last rephase, so a search
 * that wandered off returns to its most complete partial assignment.
 */
export function rephase(s: SolverState): void {
  s.rephases++;
  s.nextRephase = s.stats.conflicts + REPHASE_INTERVAL * (s.rephases + 1);
  const n = s.numVars;
  const best = s.best;
  for (let v = 0; v < n; v++) {
    s.phase[v] = best[v];
    s.target[v] = best[v];
  }
  s.bestAssigned = 0;
  s.targetAssigned = 0;
  // A cone-restricted search decides in its given order with its own phases: no walk there.
  if (s.order === null) walk(s);
}

/** Whether the search should restart now (called between conflicts, above level 0). */
export function restartDue(s: SolverState): boolean {
  if (s.stable || s.restartPolicy === 'luby') return s.restartConflicts >= s.lubyBudget;
  return s.restartConflicts >= RESTART_MIN_CONFLICTS && s.emaFast > RESTART_MARGIN * (s.lbdSum / s.lbdCount);
}

/** Book-keeping of a restart (the caller backtracks to level 0). */
export function restart(s: SolverState): void {
  s.stats.restarts++;
  s.restartConflicts = 0;
  s.targetAssigned = 0;
  const unit = s.restartPolicy === 'luby' ? LUBY_UNIT : STABLE_LUBY_UNIT;
  s.lubyBudget = unit * luby(++s.lubyIndex);
}

/**
 * Stable mode, before backjumping from a conflict: when the trail is the longest since the last
 * restart, its polarities become the target phases.
 */
export function updateTarget(s: SolverState): void {
  // The conflict level's literals are part of a failed descent: keep the prefix below it.
  const assigned = s.trailLim[s.decisionLevel - 1];
  if (assigned <= s.targetAssigned) return;
  const trail = s.trail;
  const target = s.target;
  for (let i = 0; i < assigned; i++) {
    const lit = trail[i];
    target[lit >> 1] = lit & 1;
  }
  s.targetAssigned = assigned;
}

/** The sign bit to branch on for variable `v`: preferred, else target (stable), else saved. */
export function decisionPhase(s: SolverState, v: number): number {
  const preferred = s.userPhase[v];
  if (preferred !== 0) return preferred & 1;
  return s.stable ? s.target[v] : s.phase[v];
}

/**
 * The Luby sequence 1 1 2 1 1 2 4 ... (Luby, Sinclair, Zuckerman 1993), 0-based.
 *
 * @example
 * ```ts
 * import { luby } from '@nexus/nip/sat';
 * luby(6); // 4
 * ```
 */
export function luby(index: number): number {
  let size = 1;
  let seq = 0;
  while (size < index + 1) {
    seq++;
    size = 2 * size + 1;
  }
  let x = index;
  while (size - 1 !== x) {
    size = (size - 1) >> 1;
    seq--;
    x = x % size;
  }
  return 2 ** seq;
}
