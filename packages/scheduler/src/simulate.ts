/**
 * Reference discrete-event simulation of preemptive uniprocessor scheduling from the critical
 * instant (all tasks released together at t = 0, every job runs its full budget). It is the
 * oracle admission control is checked against: over a hyperperiod, the worst observed response
 * time of each task equals the analytic one.
 */
import { assert } from './_assert.js';
import type { Task } from './task.js';

/** Per-task outcome of a simulation. */
export interface SimulatedTask {
  /** The task's id. */
  readonly id: string;
  /** Finishing time of the job released at t = 0. */
  readonly firstResponse: number;
  /** Largest response time among the jobs released before the horizon. */
  readonly worstResponse: number;
  /** Jobs released before the horizon. */
  readonly jobs: number;
  /** Jobs that finished after their absolute deadline. */
  readonly misses: number;
}

/** Largest number of scheduling events a simulation runs (a limit). */
export const MAX_SIMULATION_EVENTS = 50_000_000;

/**
 * Simulates preemptive scheduling of `tasks` released synchronously at 0 up to `horizon`
 * (releases at k·T < horizon; every released job is run to completion). `policy` is `fixed`
 * (the array order is the priority order, highest first) or `edf` (earliest absolute deadline
 * first, ties to the earlier release and then the array order). FIFO within a task.
 *
 * @example
 * ```ts
 * import { simulate } from '@nexus/scheduler';
 * const tasks = [{ id: 'a', period: 4, budget: 1, deadline: 4 }, { id: 'b', period: 6, budget: 2, deadline: 6 }];
 * simulate(tasks, 12, 'fixed').map((t) => t.worstResponse); // [1, 3]
 * ```
 */
export function simulate(
  tasks: readonly Task[],
  horizon: number,
  policy: 'fixed' | 'edf' = 'fixed',
): SimulatedTask[] {
  const n = tasks.length;
  assert(n > 0, 'simulate: at least one task');
  const nextRelease = new Float64Array(n); // next release time per task
  const released = new Uint32Array(n);
  const queueRelease: number[][] = tasks.map(() => []); // pending job release times, FIFO
  const remaining = new Float64Array(n); // remaining work of the head job
  const first = new Float64Array(n).fill(Number.NaN);
  const worst = new Float64Array(n);
  const misses = new Uint32Array(n);
  let t = 0;
  let pendingJobs = 0;
  const release = (now: number): void => {
    for (let i = 0; i < n; i++) {
      while (nextRelease[i] <= now + 1e-12 && nextRelease[i] < horizon) {
        if (queueRelease[i].length === 0) remaining[i] = tasks[i].budget;
        queueRelease[i].push(nextRelease[i]);
        released[i]++;
        pendingJobs++;
        nextRelease[i] = released[i] * tasks[i].period;
      }
    }
  };
  release(0);
  for (let events = 0; ; events++) {
    assert(events < MAX_SIMULATION_EVENTS, 'simulate: event limit');
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (queueRelease[i].length === 0) continue;
      if (pick < 0) {
        pick = i;
        continue;
      }
      if (policy === 'edf') {
        const di = queueRelease[i][0] + tasks[i].deadline;
        const dp = queueRelease[pick][0] + tasks[pick].deadline;
        if (di < dp || (di === dp && queueRelease[i][0] < queueRelease[pick][0])) pick = i;
      }
    }
    let upcoming = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++)
      if (nextRelease[i] < horizon && nextRelease[i] < upcoming) upcoming = nextRelease[i];
    if (pick < 0) {
      if (upcoming === Number.POSITIVE_INFINITY) break;
      t = upcoming;
      release(t);
      continue;
    }
    const finish = t + remaining[pick];
    if (finish <= upcoming) {
      t = finish;
      const r = queueRelease[pick].shift() as number;
      pendingJobs--;
      const response = t - r;
      if (Number.isNaN(first[pick])) first[pick] = response;
      if (response > worst[pick]) worst[pick] = response;
      if (response > tasks[pick].deadline + 1e-9 * Math.max(1, tasks[pick].deadline)) misses[pick]++;
      if (queueRelease[pick].length > 0) remaining[pick] = tasks[pick].budget;
      if (finish === upcoming) release(t);
    } else {
      remaining[pick] -= upcoming - t;
      t = upcoming;
      release(t);
    }
  }
  assert(pendingJobs === 0, 'simulate: every released job completes');
  return tasks.map((task, i) => ({
    id: task.id,
    firstResponse: first[i],
    worstResponse: worst[i],
    jobs: released[i],
    misses: misses[i],
  }));
}
