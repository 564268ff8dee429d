/** Codes of the operating errors the scheduler reports. */
export type SchedulerErrorCode =
  | 'EADMISSION'
  | 'ECHECKPOINT_SIZE'
  | 'ECHECKPOINT_CORRUPT'
  | 'EINTENSITY'
  | 'EBREAKER_OPEN'
  | 'EQUARANTINED'
  | 'EFIBER'
  | 'ELIMIT';

/**
 * An operating error of the scheduler or its watchdog, named by `code`.
 *
 * @example
 * ```ts
 * import { SchedulerError } from '@nexus/scheduler';
 * const e = new SchedulerError('ELIMIT', 'too many fibers');
 * e.code; // 'ELIMIT'
 * ```
 */
export class SchedulerError extends Error {
  /** What went wrong. */
  readonly code: SchedulerErrorCode;
  constructor(code: SchedulerErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SchedulerError';
    this.code = code;
  }
}

/**
 * A task set refused by admission control: `taskId` is the first task (in priority order) that
 * would miss its deadline and `responseTime` its computed worst-case response time (the fixed
 * point of the response-time recurrence, or the first iterate past the deadline when the
 * recurrence diverges).
 *
 * @example
 * ```ts
 * import { admit, AdmissionError } from '@nexus/scheduler';
 * try {
 *   admit([{ id: 'a', period: 2, budget: 2 }, { id: 'b', period: 4, budget: 1 }]);
 * } catch (e) {
 *   if (e instanceof AdmissionError) console.log(e.taskId, e.responseTime); // b Infinity-free iterate
 * }
 * ```
 */
export class AdmissionError extends SchedulerError {
  /** The task that would miss its deadline. */
  readonly taskId: string;
  /** Its computed response time, in the task set's time unit. */
  readonly responseTime: number;
  /** Its relative deadline. */
  readonly deadline: number;
  constructor(taskId: string, responseTime: number, deadline: number, policy: string) {
    super(
      'EADMISSION',
      `task ${taskId} would miss its deadline under ${policy}: response time ${responseTime} > deadline ${deadline}`,
    );
    this.name = 'AdmissionError';
    this.taskId = taskId;
    this.responseTime = responseTime;
    this.deadline = deadline;
  }
}
