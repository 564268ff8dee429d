/**
 * The harmonic scheduler: cooperative fibers in four strict-priority tiers with slice budgets,
 * strikes, demotion and promotion, plus admitted periodic tasks that run ahead of every
 * aperiodic fiber in Photon. One JS thread cannot preempt a fiber inside a slice: an overrun is
 * detected when the slice ends (the next `yield`), and a fiber that never yields needs the
 * worker-backed mode (`worker.ts`). DESIGN.md explains the model; this file is the mechanism.
 *
 * The hot path (pick, run a slice, account) allocates nothing for generator fibers: run queues
 * are rings of fiber references and the per-fiber counters are plain number fields.
 *
 * This file passes the ~400-line guide on purpose: it is one class whose hot path (pick,
 * runSlice, endSlice, account) works on the same private queues and counters, and splitting it
 * would need either indirection in that path or a wide internal interface.
 */
import { assert } from './_assert.js';
import { type AdmissionReport, admit, type Policy } from './admission.js';
import { CheckpointStore } from './checkpoint.js';
import { type Clock, VirtualClock } from './clock.js';
import { SchedulerError } from './errors.js';
import { EventStream } from './events.js';
import {
  Fiber,
  type FiberBody,
  type FiberInfo,
  FiberQueue,
  type FiberSpec,
  type MetricObserver,
  type SliceObserver,
} from './fiber.js';
import {
  CLEAN_SLICES_TO_FORGIVE,
  CLEAN_SLICES_TO_PROMOTE,
  checkTier,
  DEFAULT_TIER_BUDGETS_MS,
  STRIKES_TO_DEMOTE,
  TIER_COUNT,
  Tier,
} from './tiers.js';
/** Options of a {@link Scheduler}. */
export interface SchedulerOptions {
  /** Time source (default a new {@link VirtualClock}). */
  clock?: Clock;
  /** Slice budget per tier in ms (default {@link DEFAULT_TIER_BUDGETS_MS}); must not decrease. */
  tierBudgetsMs?: readonly number[];
  /** Policy for periodic tasks: `rm`, `dm` or `edf` (default: rm, or dm when a deadline is shorter than its period). */
  policy?: Exclude<Policy, 'fixed'>;
  /** Event stream (default a new one on the clock). */
  events?: EventStream;
  /** Checkpoint store (default in memory). */
  checkpoints?: CheckpointStore;
  /** Largest number of fibers (default 65,536). */
  maxFibers?: number;
  /** Releases queued per periodic fiber before further releases are skipped (default 4). */
  maxPendingJobs?: number;
  /**
   * Blocking term of admission, ms: the longest slice of lower-priority work a release may wait
   * for (a cooperative scheduler cannot preempt inside a slice). Default 0: fibers are trusted to
   * yield often; an overrun is struck and demoted.
   */
  blockingMs?: number;
  /** Cold-restart hook: returns the body of a rebuilt fiber (a fresh capability space). */
  coldRestart?: (name: string) => FiberBody | undefined;
}

/** Counters of the scheduler as a whole. */
export interface SchedulerStats {
  /** Scheduling decisions taken (slices started). */
  decisions: number;
  /** Times nothing was ready and the scheduler slept ("Silence"). */
  silences: number;
  /** Time spent asleep, ms. */
  idleMs: number;
  /** Loop iterations: the heartbeat the lower observer watches. */
  heartbeat: number;
  /** Scheduler restarts. */
  restarts: number;
}

/**
 * The scheduler.
 *
 * @example
 * ```ts
 * import { Scheduler, Tier, VirtualClock } from '@nexus/scheduler';
 * const clock = new VirtualClock();
 * const s = new Scheduler({ clock });
 * s.spawn({ name: 'worker', tier: Tier.Matter, *body(ctx) { for (let i = 0; i < 3; i++) { ctx.spend(1); yield; } } });
 * s.spawn({ name: 'imu', periodMs: 10, budgetMs: 2, body: (ctx) => ctx.spend(1) });
 * s.runSync(100);
 * s.fiber('imu')?.jobs; // 10
 * ```
 */
export class Scheduler {
  /** The injected clock. */
  readonly clock: Clock;
  /** The event stream. */
  readonly events: EventStream;
  /** The checkpoint store. */
  readonly checkpoints: CheckpointStore;
  /** Slice budgets per tier, ms. */
  readonly tierBudgetsMs: readonly number[];
  /** Counters. */
  readonly stats: SchedulerStats = { decisions: 0, silences: 0, idleMs: 0, heartbeat: 0, restarts: 0 };
  /** The latest admission report of the periodic set. */
  admission: AdmissionReport | null = null;
  /** Set by fault injection or a real hang detector: the loop makes no progress while true. */
  hung = false;
  private readonly fibers = new Map<string, Fiber>();
  private readonly queues: FiberQueue[] = [];
  private periodic: Fiber[] = [];
  private readonly policy: Exclude<Policy, 'fixed'> | undefined;
  private readonly blockingMs: number;
  private readonly maxFibers: number;
  private readonly maxPendingJobs: number;
  private readonly coldRestart: ((name: string) => FiberBody | undefined) | undefined;
  private readonly quarantined = new Set<string>();
  private readonly sliceObservers: SliceObserver[] = [];
  private readonly metricObservers: MetricObserver[] = [];
  private readonly decisionObservers: ((fiber: Fiber) => void)[] = [];
  private nextReleaseMs = Number.POSITIVE_INFINITY;
  /** Time of construction: the origin of every periodic task's release grid. */
  readonly epochMs: number;
  private current: Fiber | null = null;
  private kick: (() => void) | null = null;

  constructor(options: SchedulerOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.events = options.events ?? new EventStream(() => this.clock.now());
    this.checkpoints = options.checkpoints ?? new CheckpointStore();
    const budgets = options.tierBudgetsMs ?? DEFAULT_TIER_BUDGETS_MS;
    if (budgets.length !== TIER_COUNT)
      throw new RangeError(`tierBudgetsMs: ${TIER_COUNT} budgets are required`);
    for (let i = 0; i < TIER_COUNT; i++) {
      if (!(budgets[i] > 0) || !Number.isFinite(budgets[i]))
        throw new RangeError(`tierBudgetsMs[${i}]: a finite number > 0 is required`);
      if (i > 0 && budgets[i] < budgets[i - 1])
        throw new RangeError('tierBudgetsMs: a lower tier must not get less time per slice');
    }
    this.tierBudgetsMs = [...budgets];
    this.policy = options.policy;
    this.blockingMs = options.blockingMs ?? 0;
    this.maxFibers = options.maxFibers ?? 65_536;
    this.maxPendingJobs = options.maxPendingJobs ?? 4;
    this.coldRestart = options.coldRestart;
    this.epochMs = this.clock.now();
    for (let i = 0; i < TIER_COUNT; i++) this.queues.push(new FiberQueue());
  }

  /**
   * Spawns a fiber. A periodic fiber (with `periodMs`) is admitted first: the whole periodic set
   * is re-analysed and a set that would miss is refused with an {@link AdmissionError}; nothing
   * changes then.
   */
  spawn(spec: FiberSpec): FiberInfo {
    if (spec === null || typeof spec !== 'object') throw new TypeError('spec: an object is required');
    if (typeof spec.name !== 'string' || spec.name.length === 0)
      throw new TypeError('spec.name: a non-empty string is required');
    if (typeof spec.body !== 'function') throw new TypeError(`fiber ${spec.name}: body must be a function`);
    if (this.fibers.has(spec.name)) throw new RangeError(`fiber ${spec.name}: the name is taken`);
    if (this.fibers.size >= this.maxFibers)
      throw new SchedulerError('ELIMIT', `at most ${this.maxFibers} fibers`);
    const kernel = spec.kernel === true;
    let fiber: Fiber;
    if (spec.rateHz !== undefined) {
      if (spec.periodMs !== undefined)
        throw new TypeError(`fiber ${spec.name}: give periodMs or rateHz, not both`);
      if (typeof spec.rateHz !== 'number' || !(spec.rateHz > 0) || !Number.isFinite(spec.rateHz))
        throw new RangeError(`fiber ${spec.name}: rateHz must be a finite number > 0, got ${spec.rateHz}`);
      spec = { ...spec, periodMs: 1000 / spec.rateHz };
    }
    if (spec.periodMs !== undefined) {
      const task = {
        id: spec.name,
        period: spec.periodMs,
        budget: spec.budgetMs as number,
        deadline: spec.deadlineMs,
      };
      const others = this.periodic.map((f) => ({
        id: f.name,
        period: f.periodMs,
        budget: f.budgetMs,
        deadline: f.deadlineMs,
      }));
      try {
        this.admission = admit([...others, task], { policy: this.policy, blocking: this.blockingMs });
      } catch (e) {
        this.events.emit('admission-refused', spec.name, { reason: (e as Error).message });
        throw e;
      }
      const checked = this.admission.tasks.find((t) => t.task.id === spec.name);
      assert(checked !== undefined, 'admitted task is in the report');
      fiber = new Fiber(
        this,
        spec,
        Tier.Photon,
        kernel,
        checked.task.period,
        checked.task.budget,
        checked.task.deadline,
      );
      fiber.state = 'waiting';
      // Every periodic task releases on one grid from the scheduler's epoch, so the set is
      // aligned to its common hyperperiod whenever each task was spawned.
      const sinceEpoch = this.clock.now() - this.epochMs;
      fiber.nextReleaseMs = this.epochMs + Math.ceil(sinceEpoch / fiber.periodMs - 1e-9) * fiber.periodMs;
      this.periodic.push(fiber);
      this.sortPeriodic();
      this.nextReleaseMs = Math.min(this.nextReleaseMs, fiber.nextReleaseMs);
    } else {
      fiber = new Fiber(this, spec, checkTier(spec.tier ?? Tier.Matter), kernel, 0, 0, 0);
      this.enqueue(fiber);
    }
    this.fibers.set(spec.name, fiber);
    this.events.emit('spawn', spec.name, { tier: fiber.tier, periodic: fiber.periodic, kernel });
    return fiber;
  }

  /** The fiber named `name`. */
  fiber(name: string): FiberInfo | undefined {
    return this.fibers.get(name);
  }
  /** All fibers. */
  list(): FiberInfo[] {
    return [...this.fibers.values()];
  }
  /** Adds a per-slice observer (the watchdog). */
  onSlice(observer: SliceObserver): void {
    this.sliceObservers.push(observer);
  }
  /** Adds a metric observer (the watchdog). */
  onMetric(observer: MetricObserver): void {
    this.metricObservers.push(observer);
  }
  /** Adds an observer called with each fiber just before its slice runs (checks, tracing). */
  onDecision(observer: (fiber: Fiber) => void): void {
    this.decisionObservers.push(observer);
  }

  /**
   * The highest tier holding a ready fiber other than the one running, or `TIER_COUNT` when none
   * does; -1 when an admitted periodic job is pending in Photon. O(fibers): meant for invariant
   * checks (a lower tier must never run while this is lower than its tier).
   */
  highestReadyTier(): number {
    for (const f of this.periodic)
      if (f !== this.current && f.tier === Tier.Photon && f.pending.length > 0 && f.state === 'ready')
        return -1;
    for (let t = 0; t < TIER_COUNT; t++) {
      const ready = (f: Fiber) =>
        f !== this.current && f.state === 'ready' && f.tier === t && (!f.periodic || f.pending.length > 0);
      if (this.queues[t].some(ready)) return t;
    }
    return TIER_COUNT;
  }

  /** Stops a fiber for good (kernel fibers cannot be stopped). */
  stop(name: string): void {
    const f = this.get(name);
    if (f.kernel) throw new SchedulerError('EFIBER', `kernel fiber ${name} cannot be stopped`);
    f.state = 'stopped';
    f.iterator = null;
  }

  /**
   * Quarantines a fiber: it never runs again and restarts are refused. The lower observer calls
   * this; its verdict wins over the watchdog's.
   */
  quarantine(name: string, reason = 'quarantined'): void {
    const f = this.get(name);
    if (this.quarantined.has(name)) return;
    this.quarantined.add(name);
    f.state = 'quarantined';
    f.iterator = null;
    this.events.emit('quarantine', name, { reason });
  }
  /** True when `name` is quarantined. */
  isQuarantined(name: string): boolean {
    return this.quarantined.has(name);
  }

  /**
   * Restarts a fiber. `warm` restores the latest checkpoint (verified; one bad copy falls back to
   * the other) and passes it through the fiber's `restore`; no checkpoint, both copies bad or a
   * failing `restore` fall back to `cold`, which rebuilds the body through the cold-restart hook.
   * Returns what was done, or `refused` for a quarantined fiber.
   */
  restart(name: string, mode: 'warm' | 'cold'): 'warm' | 'cold' | 'refused' {
    const f = this.get(name);
    if (this.quarantined.has(name)) return 'refused';
    let done: 'warm' | 'cold' = 'cold';
    let restored: unknown = null;
    if (mode === 'warm') {
      const r = this.checkpoints.restore(name);
      if (r.badCopies > 0)
        this.events.emit('checkpoint-copy-bad', name, { badCopies: r.badCopies, seq: r.seq });
      if (r.blob) {
        restored = r.blob;
        if (f.spec.restore) {
          try {
            restored = f.spec.restore(r.blob);
            if (restored === undefined) throw new TypeError('restore returned undefined');
          } catch (e) {
            this.events.emit('restore-failed', name, { reason: errorText(e) });
            restored = null;
          }
        }
        if (restored !== null) done = 'warm';
      }
    }
    if (done === 'cold') {
      let body: FiberBody | undefined;
      try {
        body = this.coldRestart?.(name);
      } catch (e) {
        this.events.emit('restore-failed', name, { reason: `cold restart hook: ${errorText(e)}` });
      }
      f.body = body ?? f.spec.body;
    }
    f.restored = done === 'warm' ? restored : null;
    f.restarts++;
    f.generation++;
    f.ctx = f.makeContext();
    if (this.current === f) {
      // Restarting the fiber whose async slice is in flight: abandon that slice.
      this.current = null;
      this.kick?.();
    }
    f.iterator = null;
    f.asyncPromise = null;
    f.asyncResume = null;
    f.asyncSliceEnd = null;
    f.asyncSettled = null;
    f.sliceRequested = false;
    f.jobCpuMs = 0;
    f.jobStruck = false;
    f.pending.length = 0;
    if (f.periodic) {
      f.state = 'waiting';
      // Re-align to the period grid: the next release is the next multiple after now.
      const now = this.clock.now();
      if (f.nextReleaseMs < now)
        f.nextReleaseMs += Math.ceil((now - f.nextReleaseMs) / f.periodMs) * f.periodMs;
      this.nextReleaseMs = Math.min(this.nextReleaseMs, f.nextReleaseMs);
    } else {
      f.state = 'ready';
      this.enqueue(f);
    }
    this.events.emit(done === 'warm' ? 'restart-warm' : 'restart-cold', name, { restarts: f.restarts });
    return done;
  }

  /**
   * Restarts the scheduler itself after a hang or panic (the lower observer calls this): run
   * queues are rebuilt, every live fiber is warm-restarted, quarantines stay.
   */
  restartSelf(): void {
    this.hung = false;
    this.current = null;
    this.kick?.();
    this.stats.restarts++;
    for (const q of this.queues) while (q.shift());
    this.events.emit('scheduler-restart', undefined, { restarts: this.stats.restarts });
    for (const f of this.fibers.values()) {
      f.queued = false;
      if (f.state === 'done' || f.state === 'stopped' || f.state === 'quarantined') continue;
      this.restart(f.name, 'warm');
    }
  }

  /**
   * One turn of the run loop up to the slice: `null` when the loop should stop (hung, or
   * `untilMs` reached), the time to sleep until when nothing is ready, else the fiber to run.
   */
  private turn(untilMs: number): Fiber | number | null {
    if (this.hung) return null;
    this.stats.heartbeat++;
    const now = this.clock.now();
    if (now >= untilMs) return null;
    if (now >= this.nextReleaseMs) this.releaseDue(now);
    const f = this.pick();
    if (f) return f;
    const wake = Math.min(this.nextReleaseMs, untilMs);
    this.silence(now, wake);
    return wake;
  }

  /** Runs generator fibers until `untilMs` on the clock (virtual or real). */
  runSync(untilMs: number): void {
    if (!this.clock.virtual)
      throw new TypeError('runSync: needs a virtual clock (a real clock must sleep: use run())');
    for (;;) {
      const f = this.turn(untilMs);
      if (f === null) return;
      if (typeof f === 'number') {
        void this.clock.sleepUntil(f);
        continue;
      }
      if (this.runSlice(f)) throw new TypeError(`runSync: fiber ${f.name} is async: use run()`);
    }
  }

  /** Runs generator and async fibers until `untilMs`, sleeping (no busy waiting) when nothing is ready. */
  async run(untilMs: number): Promise<void> {
    for (;;) {
      const f = this.turn(untilMs);
      if (f === null) return;
      if (typeof f === 'number') {
        await this.clock.sleepUntil(f);
        continue;
      }
      const pending = this.runSlice(f);
      if (pending) {
        // A restart of a hung async fiber (or of the scheduler) kicks the loop free.
        await Promise.race([pending, new Promise<void>((resolve) => (this.kick = resolve))]);
        this.kick = null;
      }
    }
  }

  /** Called by a fiber's context. */
  saveCheckpoint(fiber: Fiber, blob: Uint8Array): void {
    try {
      const seq = this.checkpoints.save(fiber.name, blob);
      this.events.emit('checkpoint', fiber.name, { seq, bytes: blob.length });
    } catch (e) {
      this.events.emit('checkpoint-refused', fiber.name, { reason: errorText(e) });
      throw e;
    }
  }
  /** Called by a fiber's context. */
  reportMetric(fiber: Fiber, metric: string, value: number): void {
    for (const o of this.metricObservers) o(fiber, metric, value);
  }

  private get(name: string): Fiber {
    const f = this.fibers.get(name);
    if (!f) throw new RangeError(`fiber ${name}: no such fiber`);
    return f;
  }

  private sortPeriodic(): void {
    const order = new Map((this.admission?.tasks ?? []).map((t, i) => [t.task.id, i]));
    this.periodic.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  }

  private enqueue(f: Fiber): void {
    // Admitted periodic fibers in Photon are picked from the priority-ordered periodic list.
    if (f.queued || (f.periodic && f.tier === Tier.Photon)) return;
    f.queued = true;
    this.queues[f.tier].push(f);
  }

  private silence(now: number, wake: number): void {
    this.stats.silences++;
    if (wake > now && Number.isFinite(wake)) this.stats.idleMs += wake - now;
    if (!Number.isFinite(wake))
      throw new SchedulerError(
        'EFIBER',
        'nothing is ready and nothing will be released: the run would sleep forever',
      );
  }

  private releaseDue(now: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const f of this.periodic) {
      if (f.state === 'done' || f.state === 'stopped' || f.state === 'quarantined' || f.state === 'crashed')
        continue;
      while (f.nextReleaseMs <= now) {
        if (f.pending.length < this.maxPendingJobs) f.pending.push(f.nextReleaseMs);
        else this.events.emit('job-skipped', f.name, { releaseMs: f.nextReleaseMs });
        f.nextReleaseMs += f.periodMs;
      }
      if (f.pending.length > 0) {
        f.state = 'ready';
        if (f.tier !== Tier.Photon) this.enqueue(f);
      }
      if (f.nextReleaseMs < next) next = f.nextReleaseMs;
    }
    this.nextReleaseMs = next;
  }

  /** The next fiber to run: admitted periodic jobs first, then tiers in strict order. */
  private pick(): Fiber | null {
    let best: Fiber | null = null;
    for (const f of this.periodic) {
      if (f.tier !== Tier.Photon || f.pending.length === 0 || f.state !== 'ready') continue;
      if (this.admission?.policy !== 'edf') {
        best = f;
        break;
      }
      if (best === null || f.pending[0] + f.deadlineMs < best.pending[0] + best.deadlineMs) best = f;
    }
    if (best) return best;
    for (let t = 0; t < TIER_COUNT; t++) {
      const q = this.queues[t];
      while (q.size > 0) {
        const f = q.shift() as Fiber;
        f.queued = false;
        if (f.state !== 'ready' || f.tier !== t) {
          if (f.state === 'ready') this.enqueue(f); // moved tier while queued
          continue;
        }
        if (f.periodic && f.pending.length === 0) continue;
        return f;
      }
    }
    return null;
  }

  /** Runs one slice; returns a promise when the fiber is async and the slice is still running. */
  private runSlice(f: Fiber): Promise<void> | undefined {
    this.stats.decisions++;
    this.current = f;
    for (const o of this.decisionObservers) o(f);
    const start = this.clock.now();
    if (f.asyncPromise === null && f.iterator === null) {
      // Start (or start the next job of) the fiber.
      let result: unknown;
      try {
        result = f.body(f.ctx);
      } catch (e) {
        return this.endSlice(f, start, 'crash', e);
      }
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return this.startAsync(f, start, result as Promise<unknown>);
      }
      if (result && typeof (result as Iterator<unknown>).next === 'function')
        f.iterator = result as Iterator<unknown, unknown, undefined>;
      else return this.endSlice(f, start, 'done', null);
    }
    if (f.asyncPromise !== null) return this.resumeAsync(f, start);
    let outcome: 'yield' | 'done' | 'crash' = 'yield';
    let error: unknown = null;
    try {
      if ((f.iterator as Iterator<unknown, unknown, undefined>).next().done) outcome = 'done';
    } catch (e) {
      outcome = 'crash';
      error = e;
    }
    return this.endSlice(f, start, outcome, error);
  }

  private startAsync(f: Fiber, start: number, promise: Promise<unknown>): Promise<void> {
    f.asyncPromise = promise;
    const generation = f.generation;
    const sliceEnded = new Promise<void>((resolve) => {
      f.asyncSliceEnd = resolve;
    });
    promise.then(
      () => {
        if (f.generation !== generation) return;
        f.asyncSettled = { error: null };
        const end = f.asyncSliceEnd;
        f.asyncSliceEnd = null;
        end?.();
      },
      (e: unknown) => {
        if (f.generation !== generation) return;
        f.asyncSettled = { error: e ?? new Error('rejected') };
        const end = f.asyncSliceEnd;
        f.asyncSliceEnd = null;
        end?.();
      },
    );
    if (f.sliceRequested) {
      f.sliceRequested = false;
      const end = f.asyncSliceEnd;
      f.asyncSliceEnd = null;
      end?.();
    }
    return sliceEnded.then(() => {
      if (f.generation === generation) this.finishAsync(f, start);
    });
  }

  private resumeAsync(f: Fiber, start: number): Promise<void> {
    const sliceEnded = new Promise<void>((resolve) => {
      f.asyncSliceEnd = resolve;
    });
    const resume = f.asyncResume;
    f.asyncResume = null;
    resume?.();
    const generation = f.generation;
    return sliceEnded.then(() => {
      if (f.generation === generation) this.finishAsync(f, start);
    });
  }

  private finishAsync(f: Fiber, start: number): void {
    const settled = f.asyncSettled;
    if (settled === null) {
      this.endSlice(f, start, 'yield', null);
      return;
    }
    f.asyncPromise = null;
    f.asyncSettled = null;
    this.endSlice(f, start, settled.error === null ? 'done' : 'crash', settled.error);
  }

  private endSlice(f: Fiber, start: number, outcome: 'yield' | 'done' | 'crash', error: unknown): undefined {
    const end = this.clock.now();
    const d = end - start;
    this.current = null;
    f.slices++;
    f.cpuMs += d;
    for (const o of this.sliceObservers) o(f, d);
    if (f.periodic) f.jobCpuMs += d;
    if (!f.kernel) this.account(f, d);
    if (outcome === 'crash') {
      f.iterator = null;
      f.state = 'crashed';
      f.lastError = errorText(error);
      f.pending.length = 0;
      this.events.emit('crash', f.name, { error: f.lastError, tier: f.tier });
      return undefined;
    }
    if (outcome === 'done') {
      f.iterator = null;
      if (f.periodic) {
        const release = f.pending.shift() as number;
        const response = end - release;
        f.jobs++;
        if (response > f.worstResponseMs) f.worstResponseMs = response;
        if (response > f.deadlineMs + 1e-9) {
          f.deadlineMisses++;
          this.events.emit('deadline-miss', f.name, { responseMs: response, deadlineMs: f.deadlineMs });
        }
        f.jobCpuMs = 0;
        f.jobStruck = false;
        if (f.pending.length === 0) {
          f.state = 'waiting';
          return undefined;
        }
      } else {
        f.state = 'done';
        this.events.emit('exit', f.name, { slices: f.slices });
        return undefined;
      }
    }
    if (f.state === 'ready' && (!f.periodic || f.tier !== Tier.Photon)) this.enqueue(f);
    return undefined;
  }

  private account(f: Fiber, d: number): void {
    let overrun = false;
    if (f.periodic) {
      if (!f.jobStruck && f.jobCpuMs > f.budgetMs + 1e-9) {
        f.jobStruck = true;
        overrun = true;
        this.events.emit('overrun', f.name, { jobCpuMs: f.jobCpuMs, budgetMs: f.budgetMs });
      }
    } else if (d > this.tierBudgetsMs[f.tier]) {
      overrun = true;
    }
    if (overrun) {
      f.strikes++;
      f.overruns++;
      f.cleanRun = 0;
      f.promoteRun = 0;
      this.events.emit('strike', f.name, { strikes: f.strikes, sliceMs: d, tier: f.tier });
      if (f.strikes >= STRIKES_TO_DEMOTE) {
        f.strikes = 0;
        if (f.tier < Tier.Void) {
          f.tier = (f.tier + 1) as Tier;
          f.demotions++;
          this.events.emit('demote', f.name, { tier: f.tier });
        }
      }
      return;
    }
    f.cleanRun++;
    if (f.strikes > 0 && f.cleanRun % CLEAN_SLICES_TO_FORGIVE === 0) f.strikes--;
    if (f.tier > f.homeTier) {
      // A demoted fiber earns its way back with a run of slices that would have been clean in
      // the tier above (periodic fibers: jobs within budget, counted per slice).
      const fitsAbove = f.periodic ? f.jobCpuMs <= f.budgetMs : d <= this.tierBudgetsMs[f.tier - 1];
      if (fitsAbove) {
        f.promoteRun++;
        if (f.promoteRun >= CLEAN_SLICES_TO_PROMOTE) {
          f.promoteRun = 0;
          f.tier = (f.tier - 1) as Tier;
          f.promotions++;
          this.events.emit('promote', f.name, { tier: f.tier });
        }
      } else {
        f.promoteRun = 0;
      }
    }
  }

  /** The fiber running now (inside a slice), for the watchdog and hooks. */
  get running(): FiberInfo | null {
    return this.current;
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  try {
    return String(e);
  } catch {
    return 'unprintable error';
  }
}
