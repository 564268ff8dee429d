/**
 * A circuit breaker (Nygard, "Release It!", 2007) guarding a fiber's restarts: closed lets
 * restarts through; `failureThreshold` failures within `windowMs` open it; after `cooldownMs`
 * it is half-open and lets one trial through; `trialSlices` clean slices of the trial close it,
 * a failure during the trial opens it again.
 */
import { positive, positiveInt } from './_options.js';

/** Breaker states. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Breaker configuration. */
export interface BreakerOptions {
  /** Failures within the window that open the breaker (default 3). */
  failureThreshold?: number;
  /** The window, ms (default 10,000). */
  windowMs?: number;
  /** Time open before half-open, ms (default 1,000). */
  cooldownMs?: number;
  /** Clean slices that close a half-open breaker (default 16). */
  trialSlices?: number;
}

/**
 * One circuit breaker.
 *
 * @example
 * ```ts
 * import { CircuitBreaker } from '@nexus/scheduler';
 * const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100 });
 * b.failure(0); b.failure(1);
 * b.state; // 'open'
 * b.allow(50); // false
 * b.allow(101); // true: half-open trial
 * ```
 */
export class CircuitBreaker {
  /** Current state. */
  state: BreakerState = 'closed';
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly cooldownMs: number;
  private readonly trialSlices: number;
  private readonly failures: number[] = [];
  private openedAtMs = 0;
  private clean = 0;
  /** Times the breaker opened. */
  opened = 0;

  constructor(options: BreakerOptions = {}) {
    this.threshold = positiveInt(options.failureThreshold ?? 3, 'failureThreshold');
    this.windowMs = positive(options.windowMs ?? 10_000, 'windowMs');
    this.cooldownMs = positive(options.cooldownMs ?? 1_000, 'cooldownMs');
    this.trialSlices = positiveInt(options.trialSlices ?? 16, 'trialSlices');
  }
  /** Time at which an open breaker turns half-open. */
  get reopenAtMs(): number {
    return this.openedAtMs + this.cooldownMs;
  }
  /** Records a failure at `nowMs`; returns the state after it. */
  failure(nowMs: number): BreakerState {
    if (this.state === 'half-open') return this.open(nowMs);
    this.failures.push(nowMs);
    while (this.failures.length > 0 && this.failures[0] <= nowMs - this.windowMs) this.failures.shift();
    if (this.failures.length > this.threshold) this.failures.shift();
    if (this.state === 'closed' && this.failures.length >= this.threshold) return this.open(nowMs);
    return this.state;
  }
  /** Records a clean slice; returns the state after it. */
  success(): BreakerState {
    if (this.state === 'half-open' && ++this.clean >= this.trialSlices) {
      this.state = 'closed';
      this.failures.length = 0;
    }
    return this.state;
  }
  /** May a restart go through at `nowMs`? (An open breaker past its cooldown turns half-open.) */
  allow(nowMs: number): boolean {
    if (this.state === 'open' && nowMs >= this.reopenAtMs) {
      this.state = 'half-open';
      this.clean = 0;
    }
    return this.state !== 'open';
  }
  private open(nowMs: number): BreakerState {
    this.state = 'open';
    this.openedAtMs = nowMs;
    this.opened++;
    this.failures.length = 0;
    return this.state;
  }
}

/**
 * Erlang/OTP restart intensity: at most `maxRestarts` restarts in any `periodMs`; the next one
 * exceeds the intensity and the supervisor escalates to its parent.
 *
 * @example
 * ```ts
 * import { RestartIntensity } from '@nexus/scheduler';
 * const i = new RestartIntensity(2, 1000);
 * i.record(0); i.record(10); // true, true
 * i.record(20); // false: a third restart within 1 s
 * ```
 */
export class RestartIntensity {
  private readonly times: number[] = [];
  /** `maxRestarts` (R) in `periodMs` (T), like OTP's `intensity` and `period`. */
  constructor(
    /** R: restarts allowed in the window. */
    readonly maxRestarts = 3,
    /** T: the window, ms. */
    readonly periodMs = 5_000,
  ) {
    if (!Number.isSafeInteger(maxRestarts) || maxRestarts < 0)
      throw new RangeError('maxRestarts: a non-negative integer is required');
    positive(periodMs, 'periodMs');
  }
  /** Records a restart at `nowMs`; false when it exceeds the intensity. */
  record(nowMs: number): boolean {
    while (this.times.length > 0 && this.times[0] <= nowMs - this.periodMs) this.times.shift();
    if (this.times.length >= this.maxRestarts) return false;
    this.times.push(nowMs);
    return true;
  }
  /** Restarts inside the current window. */
  get recent(): number {
    return this.times.length;
  }
}
