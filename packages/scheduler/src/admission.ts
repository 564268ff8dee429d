/**
 * Admission control: exact response-time analysis (RTA) for fixed priorities (Joseph & Pandya
 * 1986; Audsley et al. 1993), the utilisation test for EDF with implicit deadlines (Liu & Layland
 * 1973) and the processor-demand criterion for constrained deadlines (Baruah, Rosier & Howell
 * 1990), and recognition of harmonic sets (Kuo & Mok 1991: rate monotonic is optimal and
 * schedulable up to U = 1 when every period divides the next).
 *
 * The algorithm, its definitions and worked examples are in DESIGN.md ("Admission").
 */
import { AdmissionError, SchedulerError } from './errors.js';
import { checkTaskSet, type Task, type TaskParams } from './task.js';

/** Scheduling policies admission can analyse. */
export type Policy = 'rm' | 'dm' | 'edf' | 'fixed';

/** Options of {@link analyze} and {@link admit}. */
export interface AdmissionOptions {
  /**
   * `rm` (rate monotonic: shorter period first), `dm` (deadline monotonic: shorter deadline
   * first), `fixed` (the listing order is the priority order) or `edf`. Default: `rm` when every
   * deadline equals its period, else `dm`.
   */
  policy?: Policy;
  /** Iteration limit of one response-time recurrence (default 1,000,000). */
  maxIterations?: number;
  /**
   * Blocking term B added to every fixed-priority recurrence: the longest stretch a release
   * may wait for lower-priority work that cannot be preempted (in a cooperative scheduler, the
   * longest slice of any lower-priority fiber). Default 0, the fully preemptive model.
   */
  blocking?: number;
}

/** What admission computed for one task. */
export interface TaskAnalysis {
  /** The task. */
  readonly task: Task;
  /** 0 for the highest priority (fixed-priority policies); the listing index under EDF. */
  readonly priority: number;
  /**
   * Worst-case response time from RTA (fixed priority). When the recurrence converges past the
   * deadline it is the finishing time of the critical-instant job; when it diverges (the
   * utilisation of this and higher-priority tasks is above 1) it is the first iterate past the
   * deadline. `null` under EDF, where admission is decided by demand, not response times.
   */
  readonly responseTime: number | null;
  /** True when the task meets its deadline. */
  readonly schedulable: boolean;
  /** False when the recurrence diverged (no fixed point). */
  readonly converged: boolean;
}

/** The verdict of admission control. */
export interface AdmissionReport {
  /** The policy analysed. */
  readonly policy: Policy;
  /** Total utilisation Σ C/T. */
  readonly utilization: number;
  /** True when every period divides every longer one. */
  readonly harmonic: boolean;
  /** The test that decided: exact RTA, the harmonic U ≤ 1 bound, EDF utilisation or EDF demand. */
  readonly test: 'rta' | 'harmonic' | 'edf-utilization' | 'edf-demand';
  /** True when every task meets its deadline. */
  readonly schedulable: boolean;
  /** Per-task results, highest priority first (listing order under EDF). */
  readonly tasks: readonly TaskAnalysis[];
  /** The first task that misses, if any. */
  readonly miss: TaskAnalysis | null;
}

/** Relative tolerance of the ceiling in the recurrence, against float rounding of decimal inputs. */
const CEIL_TOLERANCE = 1e-9;

/** ⌈x⌉ that treats x within a relative 1e-9 of an integer as that integer. */
export function ceilTolerant(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x - r) <= CEIL_TOLERANCE * Math.max(1, Math.abs(x))) return r;
  return Math.ceil(x);
}

function dividesTolerant(small: number, large: number): boolean {
  const q = large / small;
  return Math.abs(q - Math.round(q)) <= CEIL_TOLERANCE * Math.max(1, q);
}

/**
 * True when the periods are harmonic: sorted ascending, each divides the next.
 *
 * @example
 * ```ts
 * import { isHarmonic } from '@nexus/scheduler';
 * isHarmonic([10, 20, 40, 40, 80]); // true
 * isHarmonic([10, 15]); // false
 * ```
 */
export function isHarmonic(periods: readonly number[]): boolean {
  const sorted = [...periods].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (!dividesTolerant(sorted[i - 1], sorted[i])) return false;
  return true;
}

/**
 * Orders tasks by priority under a fixed-priority policy (stable: ties keep listing order).
 *
 * @example
 * ```ts
 * import { priorityOrder } from '@nexus/scheduler';
 * priorityOrder([{ id: 'slow', period: 20, budget: 1, deadline: 20 }, { id: 'fast', period: 5, budget: 1, deadline: 5 }], 'rm')
 *   .map((t) => t.id); // ['fast', 'slow']
 * ```
 */
export function priorityOrder(tasks: readonly Task[], policy: Policy): Task[] {
  const indexed = tasks.map((task, index) => ({ task, index }));
  if (policy === 'rm') indexed.sort((a, b) => a.task.period - b.task.period || a.index - b.index);
  else if (policy === 'dm')
    indexed.sort(
      (a, b) => a.task.deadline - b.task.deadline || a.task.period - b.task.period || a.index - b.index,
    );
  return indexed.map((e) => e.task);
}

/** The outcome of one response-time recurrence. */
export interface ResponseTimeResult {
  /** The fixed point, or the first iterate past the deadline when the recurrence diverges. */
  value: number;
  /** False when the recurrence diverged. */
  converged: boolean;
  /** Iterations taken. */
  iterations: number;
}

/**
 * Worst-case response time of `task` under the higher-priority tasks `higher`: the least fixed
 * point of R = C + B + Σ_{j ∈ hp} ⌈R / T_j⌉ · C_j, starting from R = C + B (B the blocking term,
 * default 0). Returns the fixed point, or
 * when the utilisation of `task` and `higher` exceeds 1 (no fixed point), the first iterate
 * past the deadline with `converged: false`.
 *
 * @example
 * ```ts
 * import { responseTime } from '@nexus/scheduler';
 * const hp = [{ id: 'a', period: 7, budget: 3, deadline: 7 }, { id: 'b', period: 12, budget: 3, deadline: 12 }];
 * responseTime({ id: 'c', period: 20, budget: 5, deadline: 20 }, hp).value; // 20
 * ```
 */
export function responseTime(
  task: Task,
  higher: readonly Task[],
  maxIterations = 1_000_000,
  blocking = 0,
): ResponseTimeResult {
  let u = task.budget / task.period;
  for (const h of higher) u += h.budget / h.period;
  const bounded = u <= 1 + CEIL_TOLERANCE;
  let r = task.budget + blocking;
  for (let k = 1; k <= maxIterations; k++) {
    let next = task.budget + blocking;
    for (const h of higher) next += ceilTolerant(r / h.period) * h.budget;
    if (Math.abs(next - r) <= CEIL_TOLERANCE * Math.max(1, r))
      return { value: next, converged: true, iterations: k };
    r = next;
    if (!bounded && r > task.deadline) return { value: r, converged: false, iterations: k };
  }
  throw new SchedulerError(
    'ELIMIT',
    `response-time recurrence of ${task.id} did not settle in ${maxIterations} iterations`,
  );
}

/**
 * Analyses a task set and reports, without throwing on a miss, what admission would decide.
 * Parameters are checked at the door (`TypeError`/`RangeError`).
 *
 * @example
 * ```ts
 * import { analyze } from '@nexus/scheduler';
 * const r = analyze([{ id: 'a', period: 2, budget: 1 }, { id: 'b', period: 4, budget: 1 }, { id: 'c', period: 8, budget: 2 }]);
 * r.harmonic; // true
 * r.tasks.map((t) => t.responseTime); // [1, 2, 8]
 * ```
 */
export function analyze(params: readonly TaskParams[], options: AdmissionOptions = {}): AdmissionReport {
  const tasks = checkTaskSet(params);
  const implicit = tasks.every((t) => t.deadline === t.period);
  const policy: Policy = options.policy ?? (implicit ? 'rm' : 'dm');
  const maxIterations = options.maxIterations ?? 1_000_000;
  const blocking = options.blocking ?? 0;
  if (typeof blocking !== 'number' || !(blocking >= 0) || !Number.isFinite(blocking))
    throw new RangeError(`blocking: a finite number ≥ 0 is required, got ${blocking}`);
  let utilization = 0;
  for (const t of tasks) utilization += t.budget / t.period;
  const harmonic = isHarmonic(tasks.map((t) => t.period));
  if (policy === 'edf') return analyzeEdf(tasks, utilization, harmonic, implicit);
  if (policy !== 'rm' && policy !== 'dm' && policy !== 'fixed')
    throw new RangeError(`policy: rm, dm, fixed or edf, got ${String(policy)}`);
  const ordered = priorityOrder(tasks, policy);
  const results: TaskAnalysis[] = [];
  let miss: TaskAnalysis | null = null;
  for (let i = 0; i < ordered.length; i++) {
    const task = ordered[i];
    const r = responseTime(task, ordered.slice(0, i), maxIterations, blocking);
    const schedulable = r.converged && r.value <= task.deadline * (1 + CEIL_TOLERANCE);
    const analysis: TaskAnalysis = {
      task,
      priority: i,
      responseTime: r.value,
      schedulable,
      converged: r.converged,
    };
    results.push(analysis);
    if (!schedulable && miss === null) miss = analysis;
  }
  // Kuo & Mok: a harmonic set with implicit deadlines is RM-schedulable iff U ≤ 1. RTA agrees
  // (a test checks both); the report names the cheaper test that suffices.
  const test = harmonic && implicit && policy === 'rm' ? 'harmonic' : 'rta';
  return { policy, utilization, harmonic, test, schedulable: miss === null, tasks: results, miss };
}

function analyzeEdf(
  tasks: Task[],
  utilization: number,
  harmonic: boolean,
  implicit: boolean,
): AdmissionReport {
  const base = { policy: 'edf' as const, utilization, harmonic };
  const analysis = (
    task: Task,
    i: number,
    schedulable: boolean,
    responseTime: number | null,
  ): TaskAnalysis => ({
    task,
    priority: i,
    responseTime,
    schedulable,
    converged: true,
  });
  if (utilization > 1 + CEIL_TOLERANCE) {
    // Over-utilised: the demand on [0, H) exceeds H; name the task with the longest deadline.
    const results = tasks.map((t, i) => analysis(t, i, false, null));
    return {
      ...base,
      test: implicit ? 'edf-utilization' : 'edf-demand',
      schedulable: false,
      tasks: results,
      miss: results[0],
    };
  }
  if (implicit) {
    const results = tasks.map((t, i) => analysis(t, i, true, null));
    return { ...base, test: 'edf-utilization', schedulable: true, tasks: results, miss: null };
  }
  // Processor-demand criterion: h(t) = Σ max(0, ⌊(t − D_i)/T_i⌋ + 1)·C_i ≤ t at every absolute
  // deadline t up to the synchronous busy period L (the fixed point of L = Σ ⌈L/T_i⌉·C_i).
  let busy = tasks.reduce((s, t) => s + t.budget, 0);
  for (let k = 0; k < 1_000_000; k++) {
    const next = tasks.reduce((s, t) => s + ceilTolerant(busy / t.period) * t.budget, 0);
    if (Math.abs(next - busy) <= CEIL_TOLERANCE * busy) break;
    busy = next;
  }
  const deadlines: { at: number; index: number }[] = [];
  for (let i = 0; i < tasks.length; i++) {
    for (let at = tasks[i].deadline; at <= busy * (1 + CEIL_TOLERANCE); at += tasks[i].period) {
      deadlines.push({ at, index: i });
      if (deadlines.length > 4_000_000)
        throw new SchedulerError(
          'ELIMIT',
          'EDF demand check: more than 4,000,000 deadlines in the busy period',
        );
    }
  }
  deadlines.sort((a, b) => a.at - b.at);
  for (const { at, index } of deadlines) {
    let demand = 0;
    for (const t of tasks) {
      const jobs = Math.floor((at - t.deadline) / t.period + CEIL_TOLERANCE) + 1;
      if (jobs > 0) demand += jobs * t.budget;
    }
    if (demand > at * (1 + CEIL_TOLERANCE)) {
      const task = tasks[index];
      const release = at - task.deadline;
      const results = tasks.map((t, i) => analysis(t, i, i !== index, null));
      const missed = analysis(task, index, false, demand - release);
      results[index] = missed;
      return { ...base, test: 'edf-demand', schedulable: false, tasks: results, miss: missed };
    }
  }
  const results = tasks.map((t, i) => analysis(t, i, true, null));
  return { ...base, test: 'edf-demand', schedulable: true, tasks: results, miss: null };
}

/**
 * Admits a task set or refuses it with an {@link AdmissionError} naming the task that would miss
 * and its computed response time.
 *
 * @example
 * ```ts
 * import { admit } from '@nexus/scheduler';
 * const report = admit([{ id: 'gyro', period: 1, budget: 0.5 }, { id: 'baro', period: 2, budget: 1 }]);
 * report.utilization; // 1
 * ```
 */
export function admit(params: readonly TaskParams[], options: AdmissionOptions = {}): AdmissionReport {
  const report = analyze(params, options);
  if (report.miss) {
    const m = report.miss;
    throw new AdmissionError(m.task.id, m.responseTime ?? Number.NaN, m.task.deadline, report.policy);
  }
  return report;
}
