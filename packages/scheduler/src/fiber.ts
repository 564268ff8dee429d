/**
 * Fibers: the body and context types, the per-fiber record the scheduler keeps, and the
 * ring-buffer run queue of one tier. The mechanism that runs them is in `scheduler.ts`.
 */
import type { Scheduler } from './scheduler.js';
import type { Tier } from './tiers.js';

/**
 * A fiber's body. It returns an iterator (a generator fiber: each `yield` ends a slice), a promise
 * (an async fiber: each `await ctx.slice()` ends a slice), or anything else (the work is done in
 * one slice).
 */
export type FiberBody = (ctx: FiberContext) => unknown;

/** What a running fiber sees of the scheduler. */
export interface FiberContext {
  /** The fiber's name. */
  readonly name: string;
  /** On a warm restart: what `restore` returned for the checkpoint (or the raw blob). Else null. */
  readonly restored: unknown;
  /** Restarts of this fiber so far. */
  readonly restarts: number;
  /** Release time of the current job (periodic fibers), else the spawn time. */
  readonly releaseMs: number;
  /** Current clock time in milliseconds. */
  now(): number;
  /** Charges simulated CPU time to this slice (advances a virtual clock; no-op on a real one). */
  spend(ms: number): void;
  /** Saves at most 32 KiB for a warm restart (throws `SchedulerError('ECHECKPOINT_SIZE')` above). */
  checkpoint(blob: Uint8Array): void;
  /** Reports a metric value to the watchdog's baselines. */
  report(metric: string, value: number): void;
  /** Async fibers: ends the slice; resolves when the fiber is scheduled again. */
  slice(): Promise<void>;
}

/** How to spawn a fiber. */
export interface FiberSpec {
  /** Unique name. */
  name: string;
  /**
   * The body. For periodic fibers it is called once per job (release); for the others once per
   * start or restart.
   */
  body: FiberBody;
  /** Home tier (default Matter; periodic fibers are always Photon). */
  tier?: Tier;
  /** Trusted kernel fiber: never struck, never demoted, never terminated. */
  kernel?: boolean;
  /**
   * Parses and validates a checkpoint blob on a warm restart. Throwing or returning undefined
   * means the blob is unusable and the restart falls back to cold.
   */
  restore?: (blob: Uint8Array) => unknown;
  /** Periodic: the period in milliseconds (makes this a periodic task, subject to admission). */
  periodMs?: number;
  /** Periodic: the rate in Hz, instead of `periodMs` (period = 1000 / rateHz ms). */
  rateHz?: number;
  /** Periodic: the CPU budget per job in milliseconds. */
  budgetMs?: number;
  /** Periodic: the relative deadline (default the period). */
  deadlineMs?: number;
}

/** Lifecycle state of a fiber. */
export type FiberState = 'ready' | 'waiting' | 'done' | 'crashed' | 'quarantined' | 'stopped';

/** Read-only view of a fiber's counters. */
export interface FiberInfo {
  /** Name. */
  readonly name: string;
  /** Current tier. */
  readonly tier: Tier;
  /** Tier it was spawned in (the ceiling for promotion). */
  readonly homeTier: Tier;
  /** Kernel fiber. */
  readonly kernel: boolean;
  /** Lifecycle state. */
  readonly state: FiberState;
  /** Current strikes (0..2). */
  readonly strikes: number;
  /** Slices run. */
  readonly slices: number;
  /** CPU time consumed, ms. */
  readonly cpuMs: number;
  /** Overruns (strikes ever earned). */
  readonly overruns: number;
  /** Demotions. */
  readonly demotions: number;
  /** Promotions. */
  readonly promotions: number;
  /** Restarts. */
  readonly restarts: number;
  /** Periodic: jobs completed. */
  readonly jobs: number;
  /** Periodic: jobs that finished after their deadline. */
  readonly deadlineMisses: number;
  /** Periodic: worst observed response time, ms. */
  readonly worstResponseMs: number;
  /** The last error thrown by the fiber. */
  readonly lastError: string | null;
}

/** Called for every slice (the watchdog's hot path). */
export type SliceObserver = (fiber: Fiber, durationMs: number) => void;
/** Called for every reported metric. */
export type MetricObserver = (fiber: Fiber, metric: string, value: number) => void;

/** A fiber: internal record, exposed read-only through {@link FiberInfo}. */
export class Fiber implements FiberInfo {
  tier: Tier;
  state: FiberState = 'ready';
  strikes = 0;
  /** @internal */
  cleanRun = 0;
  /** @internal */
  promoteRun = 0;
  slices = 0;
  cpuMs = 0;
  overruns = 0;
  demotions = 0;
  promotions = 0;
  restarts = 0;
  jobs = 0;
  deadlineMisses = 0;
  worstResponseMs = 0;
  lastError: string | null = null;
  /** @internal */
  queued = false;
  /** @internal */
  iterator: Iterator<unknown, unknown, undefined> | null = null;
  /** @internal */
  asyncPromise: Promise<unknown> | null = null;
  /** @internal */
  asyncResume: (() => void) | null = null;
  /** @internal */
  asyncSliceEnd: (() => void) | null = null;
  /** @internal */
  asyncSettled: { error: unknown } | null = null;
  /** @internal */
  sliceRequested = false;
  /** @internal */
  body: FiberBody;
  /** @internal */
  restored: unknown = null;
  // periodic state
  /** @internal */
  nextReleaseMs = 0;
  /** @internal */
  readonly pending: number[] = [];
  /** @internal */
  jobCpuMs = 0;
  /** @internal */
  jobStruck = false;
  /** @internal */
  ctx: FiberContext;
  /** @internal Incarnation: bumped by every restart, so an abandoned body cannot touch the new one. */
  generation = 0;
  /** @internal */
  constructor(
    /** The scheduler running the fiber. */
    readonly scheduler: Scheduler,
    /** How it was spawned. */
    readonly spec: FiberSpec,
    /** Tier it was spawned in. */
    readonly homeTier: Tier,
    /** Kernel fiber. */
    readonly kernel: boolean,
    /** Period (0 for aperiodic fibers). */
    readonly periodMs: number,
    /** Budget per job (periodic). */
    readonly budgetMs: number,
    /** Relative deadline (periodic). */
    readonly deadlineMs: number,
  ) {
    this.tier = homeTier;
    this.body = spec.body;
    this.ctx = this.makeContext();
  }

  /** @internal A context bound to the current incarnation; an older one is inert and its slice() never returns. */
  makeContext(): FiberContext {
    const fiber = this;
    const scheduler = this.scheduler;
    const generation = this.generation;
    const live = () => fiber.generation === generation;
    return {
      name: this.spec.name,
      get restored() {
        return fiber.restored;
      },
      get restarts() {
        return fiber.restarts;
      },
      get releaseMs() {
        return fiber.pending.length > 0 ? fiber.pending[0] : fiber.nextReleaseMs;
      },
      now: () => scheduler.clock.now(),
      spend: (ms: number) => scheduler.clock.spend(ms),
      checkpoint: (blob: Uint8Array) => {
        if (live()) scheduler.saveCheckpoint(fiber, blob);
      },
      report: (metric: string, value: number) => {
        if (live()) scheduler.reportMetric(fiber, metric, value);
      },
      slice: () =>
        new Promise<void>((resolve) => {
          if (!live()) return; // an abandoned incarnation parks here for good
          fiber.asyncResume = resolve;
          const end = fiber.asyncSliceEnd;
          fiber.asyncSliceEnd = null;
          // The first slice of an async body ends before the scheduler has seen its promise.
          if (end) end();
          else fiber.sliceRequested = true;
        }),
    };
  }
  /** Name of the fiber. */
  get name(): string {
    return this.spec.name;
  }
  /** True for a periodic task. */
  get periodic(): boolean {
    return this.periodMs > 0;
  }
}

/**
 * A ring-buffer FIFO of fibers (one per tier).
 *
 * @internal
 */
export class FiberQueue {
  private items: (Fiber | undefined)[] = new Array(16);
  private head = 0;
  size = 0;
  push(f: Fiber): void {
    if (this.size === this.items.length) {
      const grown: (Fiber | undefined)[] = new Array(this.items.length * 2);
      for (let i = 0; i < this.size; i++) grown[i] = this.items[(this.head + i) % this.items.length];
      this.items = grown;
      this.head = 0;
    }
    this.items[(this.head + this.size) % this.items.length] = f;
    this.size++;
  }
  /** True when some queued fiber satisfies `test` (O(size): for checks, not the hot path). */
  some(test: (f: Fiber) => boolean): boolean {
    for (let i = 0; i < this.size; i++)
      if (test(this.items[(this.head + i) % this.items.length] as Fiber)) return true;
    return false;
  }
  shift(): Fiber | undefined {
    if (this.size === 0) return undefined;
    const f = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return f;
  }
}
