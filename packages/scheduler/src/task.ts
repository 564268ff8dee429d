/**
 * Periodic task parameters and their checks at the door. Times are in one abstract unit (the
 * scheduler uses milliseconds; the published task sets use their own units).
 */

/** A periodic task as admission control sees it. */
export interface TaskParams {
  /** Unique name of the task. */
  id: string;
  /** Period T: time between releases. */
  period: number;
  /** Worst-case execution time C per job (the budget enforced per job). */
  budget: number;
  /** Relative deadline D (default: the period). Must satisfy budget ≤ period and D ≤ period. */
  deadline?: number;
}

/** A task after validation, deadline filled in. */
export interface Task {
  /** Unique name of the task. */
  readonly id: string;
  /** Period T. */
  readonly period: number;
  /** Worst-case execution time C. */
  readonly budget: number;
  /** Relative deadline D ≤ T. */
  readonly deadline: number;
}

/** Largest task set admission control accepts (a limit, not an accident). */
export const MAX_TASKS = 4096;

/**
 * Checks one task's parameters and fills in the deadline. Throws `TypeError`/`RangeError` naming
 * the field for NaN, infinities, zero or negative periods, budgets above the period and deadlines
 * outside (0, period].
 *
 * @example
 * ```ts
 * import { checkTask } from '@nexus/scheduler';
 * checkTask({ id: 'imu', period: 10, budget: 2 }); // { id: 'imu', period: 10, budget: 2, deadline: 10 }
 * ```
 */
export function checkTask(params: TaskParams): Task {
  if (params === null || typeof params !== 'object') throw new TypeError('task: an object is required');
  const { id, period, budget } = params;
  if (typeof id !== 'string' || id.length === 0)
    throw new TypeError('task.id: a non-empty string is required');
  const deadline = params.deadline ?? period;
  for (const [name, value] of [
    ['period', period],
    ['budget', budget],
    ['deadline', deadline],
  ] as const) {
    if (typeof value !== 'number' || Number.isNaN(value))
      throw new TypeError(`task ${id}: ${name} must be a number, got ${value}`);
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`task ${id}: ${name} must be finite and > 0, got ${value}`);
  }
  if (budget > period) throw new RangeError(`task ${id}: budget ${budget} is above the period ${period}`);
  if (deadline > period)
    throw new RangeError(
      `task ${id}: deadline ${deadline} is above the period ${period} (constrained deadlines only)`,
    );
  return { id, period, budget, deadline };
}

/**
 * Checks a whole task set: every task valid, ids unique, at most {@link MAX_TASKS}.
 *
 * @example
 * ```ts
 * import { checkTaskSet } from '@nexus/scheduler';
 * checkTaskSet([{ id: 'a', period: 4, budget: 1 }]).length; // 1
 * ```
 */
export function checkTaskSet(params: readonly TaskParams[]): Task[] {
  if (!Array.isArray(params)) throw new TypeError('tasks: an array is required');
  if (params.length > MAX_TASKS) throw new RangeError(`tasks: at most ${MAX_TASKS}, got ${params.length}`);
  const seen = new Set<string>();
  return params.map((p) => {
    const t = checkTask(p);
    if (seen.has(t.id)) throw new RangeError(`tasks: duplicate id ${t.id}`);
    seen.add(t.id);
    return t;
  });
}

/** Sensor rates on one common tick. */
export interface HzPeriods {
  /** The tick rate: lcm of the rates, Hz. */
  tickHz: number;
  /** Each rate's period in ticks. */
  periods: number[];
  /** The hyperperiod in ticks. */
  hyperperiodTicks: number;
}

/**
 * Converts sensor rates in Hz to integer periods on one common tick, so that every period and
 * the hyperperiod are exact integers: the tick is 1/lcm(rates) seconds, each period is
 * lcm/rate ticks and the hyperperiod is 1/gcd(rates) seconds.
 *
 * @example
 * ```ts
 * import { periodsFromHz } from '@nexus/scheduler';
 * periodsFromHz([100, 50, 25]); // { tickHz: 100, periods: [1, 2, 4], hyperperiodTicks: 4 }
 * ```
 */
export function periodsFromHz(ratesHz: readonly number[]): HzPeriods {
  if (ratesHz.length === 0) throw new RangeError('ratesHz: at least one rate is required');
  let tickHz = 1;
  for (const r of ratesHz) {
    if (!Number.isSafeInteger(r) || r <= 0)
      throw new RangeError(`ratesHz: positive integer rates are required, got ${r}`);
    tickHz = lcm(tickHz, r);
    if (tickHz > 2 ** 40) throw new RangeError('ratesHz: the common tick is above 2^40 Hz');
  }
  const periods = ratesHz.map((r) => tickHz / r);
  return { tickHz, periods, hyperperiodTicks: periods.reduce((a, b) => lcm(a, b), 1) };
}

/** Greatest common divisor of two non-negative safe integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Least common multiple of two positive safe integers. */
export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

/** Largest hyperperiod, in scaled integer ticks, that {@link hyperperiod} computes. */
export const MAX_HYPERPERIOD_TICKS = 2 ** 48;

/**
 * The least common multiple of the periods. Periods may be decimals with up to six fractional
 * digits; they are scaled to integers first so the result is exact. Throws `RangeError` when the
 * periods have no exact decimal scale or the hyperperiod exceeds {@link MAX_HYPERPERIOD_TICKS}.
 *
 * @example
 * ```ts
 * import { hyperperiod } from '@nexus/scheduler';
 * hyperperiod([10, 20, 30]); // 60
 * hyperperiod([2.5, 10]); // 10
 * ```
 */
export function hyperperiod(periods: readonly number[]): number {
  const scale = decimalScale(periods);
  if (scale === 0) throw new RangeError('periods: not exact decimals with at most 6 fractional digits');
  let h = 1;
  for (const p of periods) {
    h = lcm(h, Math.round(p * scale));
    if (h > MAX_HYPERPERIOD_TICKS)
      throw new RangeError(`periods: hyperperiod above ${MAX_HYPERPERIOD_TICKS} ticks`);
  }
  return h / scale;
}

/** Smallest power of ten (up to 10^6) that makes every value an integer, or 0 when none does. */
export function decimalScale(values: readonly number[]): number {
  for (let scale = 1; scale <= 1e6; scale *= 10) {
    if (
      values.every(
        (v) => Math.abs(v * scale - Math.round(v * scale)) <= 1e-9 * Math.max(1, Math.abs(v * scale)),
      )
    )
      return scale;
  }
  return 0;
}
