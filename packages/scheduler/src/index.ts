export type { ResponseTimeResult } from './admission.js';
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
export { type BreakerOptions, type BreakerState, CircuitBreaker, RestartIntensity } from './breaker.js';
export type { DecodedCheckpoint } from './checkpoint.js';
export {
  CHECKPOINT_DIGEST_BYTES,
  CHECKPOINT_HEADER_BYTES,
  CHECKPOINT_MAGIC,
  CHECKPOINT_PAYLOAD_OFFSET,
  CHECKPOINT_VERSION,
  type CheckpointStorage,
  CheckpointStore,
  decodeCheckpoint,
  encodeCheckpoint,
  MAX_CHECKPOINT_BYTES,
  MemoryCheckpointStorage,
  type RestoreResult,
} from './checkpoint.js';
export { type Clock, RealClock, VirtualClock } from './clock.js';
export {
  type ClassifierOptions,
  calibrate,
  MAX_UNITS,
  type Placement,
  type UnitClass,
  UnitClassifier,
  type UnitMeasurement,
} from './cores.js';
export { Baseline, type BaselineOptions, type DetectorMode, type Verdict } from './detector.js';
export {
  ERROR_BUFFER_HEADER_BYTES,
  ERROR_BUFFER_MAGIC,
  ERROR_CODES,
  ERROR_MESSAGE_BYTES,
  ERROR_RECORD_BYTES,
  ErrorBuffer,
  type ErrorRecord,
} from './error-buffer.js';
export { AdmissionError, SchedulerError, type SchedulerErrorCode } from './errors.js';
export { type EventSink, EventStream, type EventType, type SchedulerEvent } from './events.js';
export {
  Fiber,
  type FiberBody,
  type FiberContext,
  type FiberInfo,
  type FiberSpec,
  type FiberState,
  type MetricObserver,
  type SliceObserver,
} from './fiber.js';
export { GrubAccounting, type GrubServerParams, type GrubState } from './grub.js';
export { LowerObserver, type LowerObserverOptions } from './observer.js';
export { PARANOIA_FULL, PARANOIA_MINIMAL, PARANOIA_WATCHFUL, Paranoia, ParanoiaLevel } from './paranoia.js';
export { type Random, SeededRandom } from './random.js';
export { Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { MAX_SIMULATION_EVENTS, type SimulatedTask, simulate } from './simulate.js';
export type { HzPeriods } from './task.js';
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
export {
  CLEAN_SLICES_TO_FORGIVE,
  CLEAN_SLICES_TO_PROMOTE,
  checkTier,
  DEFAULT_TIER_BUDGETS_MS,
  STRIKES_TO_DEMOTE,
  TIER_COUNT,
  TIER_NAMES,
  Tier,
} from './tiers.js';
export { type Vote, vote } from './tmr.js';
export { Watchdog, type WatchdogOptions, type WatchdogVerdict } from './watchdog.js';
export { Welford } from './welford.js';
export {
  type FiberPort,
  selfPort,
  serveFiber,
  WorkerFiber,
  type WorkerFiberContext,
  type WorkerFiberOptions,
  type WorkerHandle,
  type WorkerMessage,
  webWorker,
} from './worker.js';
