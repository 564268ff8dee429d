export {
  type AdmissionOptions,
  type AdmissionReport,
  admit,
  analyze,
  ceilTolerant,
  isHarmonic,
  type Policy,
  priorityOrder,
  responseTime,
  type TaskAnalysis,
} from './admission.js';
export { type Clock, RealClock, VirtualClock } from './clock.js';
export { Baseline, type BaselineOptions, type DetectorMode, type Verdict } from './detector.js';
export { AdmissionError, SchedulerError, type SchedulerErrorCode } from './errors.js';
export { type Random, SeededRandom } from './random.js';
export { MAX_SIMULATION_EVENTS, type SimulatedTask, simulate } from './simulate.js';
export {
  checkTask,
  checkTaskSet,
  decimalScale,
  gcd,
  hyperperiod,
  lcm,
  MAX_HYPERPERIOD_TICKS,
  MAX_TASKS,
  periodsFromHz,
  type Task,
  type TaskParams,
} from './task.js';
export { Welford } from './welford.js';
