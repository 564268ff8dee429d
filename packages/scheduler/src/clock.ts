/**
 * Injected time. The scheduler never reads a global clock: a {@link VirtualClock} makes a run a
 * deterministic discrete-event simulation, a {@link RealClock} runs against `performance.now()`
 * and sleeps with timers (or `Atomics.wait` inside a worker) when nothing is ready.
 */

/** The time source and sleeper the scheduler is built on. Times are milliseconds. */
export interface Clock {
  /** Current time in milliseconds. */
  now(): number;
  /**
   * Waits until `timeMs` (no busy waiting). A virtual clock jumps there at once; a real clock
   * arms a timer.
   */
  sleepUntil(timeMs: number): Promise<void>;
  /** True for a simulated clock whose time moves only when told to. */
  readonly virtual: boolean;
  /**
   * Charges `ms` of simulated CPU time to the running slice. A virtual clock advances; a real
   * clock ignores it, since real work already costs real time.
   */
  spend(ms: number): void;
}

/**
 * A clock whose time moves only by {@link VirtualClock.advance}, `spend` and `sleepUntil`: a
 * discrete-event simulation runs as fast as the CPU allows and replays exactly.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@nexus/scheduler';
 * const clock = new VirtualClock();
 * clock.advance(5);
 * clock.now(); // 5
 * ```
 */
export class VirtualClock implements Clock {
  readonly virtual = true;
  private timeMs: number;
  /** Starts at `startMs` (default 0). */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError('startMs: a finite number is required');
    this.timeMs = startMs;
  }
  now(): number {
    return this.timeMs;
  }
  /** Moves time forward by `ms` (never backward). */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`ms: a finite non-negative number is required, got ${ms}`);
    this.timeMs += ms;
  }
  spend(ms: number): void {
    this.advance(ms);
  }
  sleepUntil(timeMs: number): Promise<void> {
    if (timeMs > this.timeMs) this.timeMs = timeMs;
    return Promise.resolve();
  }
}

/**
 * Wall time from `performance.now()`. Sleeping arms one `setTimeout`, or, when `atomicsWait` is
 * set and the runtime allows blocking (inside a worker), parks the thread on `Atomics.wait` with
 * a timeout, which wakes with sub-millisecond precision.
 *
 * @example
 * ```ts
 * import { RealClock } from '@nexus/scheduler';
 * const clock = new RealClock();
 * await clock.sleepUntil(clock.now() + 1);
 * ```
 */
export class RealClock implements Clock {
  readonly virtual = false;
  private readonly cell: Int32Array | null;
  /** `atomicsWait`: block with `Atomics.wait` instead of a timer (only where blocking is allowed). */
  constructor(options: { atomicsWait?: boolean } = {}) {
    this.cell = options.atomicsWait ? new Int32Array(new SharedArrayBuffer(4)) : null;
  }
  now(): number {
    return performance.now();
  }
  spend(_ms: number): void {}
  sleepUntil(timeMs: number): Promise<void> {
    const delayMs = timeMs - performance.now();
    if (delayMs <= 0) return Promise.resolve();
    if (this.cell) {
      Atomics.wait(this.cell, 0, 0, delayMs);
      return Promise.resolve();
    }
    return new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
