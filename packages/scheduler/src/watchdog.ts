/**
 * The watchdog (FDIR: fault detection, isolation and recovery). It learns each fiber's normal
 * behaviour with {@link Baseline}s, notices changes, restarts what fails (warm from a checkpoint
 * when it can) under an Erlang-style restart intensity and a circuit breaker, logs to the boot
 * error buffer, correlates anomalies across fibers into a verdict ring, audits restarts through
 * the capability-space hook and runs TMR votes, each mechanism switched by a paranoia flag.
 */
import { type BreakerOptions, CircuitBreaker, RestartIntensity } from './breaker.js';
import { Baseline, type BaselineOptions } from './detector.js';
import { ERROR_CODES, ErrorBuffer } from './error-buffer.js';
import { SchedulerError } from './errors.js';
import type { SchedulerEvent } from './events.js';
import type { Fiber } from './fiber.js';
import { PARANOIA_WATCHFUL, Paranoia, ParanoiaLevel } from './paranoia.js';
import type { Scheduler } from './scheduler.js';
import { type Vote, vote } from './tmr.js';

/** Watchdog configuration. */
export interface WatchdogOptions {
  /** Boot paranoia mask, the floor (default {@link PARANOIA_WATCHFUL}). */
  paranoia?: number;
  /** Options of every baseline. */
  baseline?: BaselineOptions;
  /** Restart mode after a crash (default `warm`, which falls back to cold by itself). */
  restartMode?: 'warm' | 'cold';
  /** Restart intensity R: at most this many restarts of one fiber in `restartPeriodMs` (default 3). */
  maxRestarts?: number;
  /** Restart intensity T, ms (default 5,000). */
  restartPeriodMs?: number;
  /** Circuit-breaker options. */
  breaker?: BreakerOptions;
  /** The boot error buffer (default: a 64-record buffer of the watchdog's own). */
  errorBuffer?: ErrorBuffer;
  /** Capability-space audit hook: returns false to refuse (quarantine) a restart. */
  audit?: (fiber: string, action: 'restart-warm' | 'restart-cold') => boolean;
  /** Escalation to the parent supervisor when the restart intensity is exceeded. */
  escalate?: (fiber: string, reason: string) => void;
  /** What an anomaly does: `report` (event only, default) or `restart`. */
  anomalyAction?: 'report' | 'restart';
  /** Anomalies on two fibers within this window are correlated (default 50 ms). */
  correlationWindowMs?: number;
  /** Capacity of the verdict ring (default 64). */
  verdictRingSize?: number;
  /** Consecutive skipped releases that declare a periodic fiber hung (default 2). */
  hangAfterSkippedJobs?: number;
}

/** One verdict of the correlator. */
export interface WatchdogVerdict {
  /** Clock time, ms. */
  readonly timeMs: number;
  /** The fiber. */
  readonly fiber: string;
  /** What was concluded. */
  readonly verdict: 'anomaly' | 'correlated' | 'crash' | 'hung';
  /** The metric concerned, if any. */
  readonly metric?: string;
}

interface Watch {
  slice: Baseline;
  metrics: Map<string, Baseline>;
  perJob: Baseline | null;
  jobsSeen: number;
  slicesThisJob: number;
  breaker: CircuitBreaker;
  intensity: RestartIntensity;
  givenUp: boolean;
  deferredUntilMs: number;
  skipped: number;
  lastAnomalyMs: number;
}

/**
 * Supervises one scheduler.
 *
 * @example
 * ```ts
 * import { Scheduler, Watchdog, PARANOIA_WATCHFUL } from '@nexus/scheduler';
 * const s = new Scheduler();
 * const w = new Watchdog(s, { paranoia: PARANOIA_WATCHFUL, baseline: { lockAfter: 100 } });
 * s.spawn({ name: 'flaky', *body(ctx) { ctx.spend(1); yield; throw new Error('boom'); } });
 * s.runSync(10);
 * w.restarts; // ≥ 1: the crash was trapped and the fiber restarted
 * ```
 */
export class Watchdog {
  /** The paranoia mask over its boot floor. */
  readonly paranoia: ParanoiaLevel;
  /** The boot error buffer. */
  readonly errorBuffer: ErrorBuffer;
  /** Restarts done. */
  restarts = 0;
  /** Anomalies detected. */
  anomalies = 0;
  private readonly watches = new Map<Fiber, Watch>();
  private readonly options: WatchdogOptions;
  private readonly verdicts: (WatchdogVerdict | undefined)[];
  private verdictCount = 0;
  private nextDeferredMs = Number.POSITIVE_INFINITY;
  private readonly correlationWindowMs: number;

  constructor(
    /** The supervised scheduler. */
    readonly scheduler: Scheduler,
    options: WatchdogOptions = {},
  ) {
    this.options = options;
    this.paranoia = new ParanoiaLevel(options.paranoia ?? PARANOIA_WATCHFUL);
    this.errorBuffer = options.errorBuffer ?? new ErrorBuffer(new ArrayBuffer(ErrorBuffer.bytesFor(64)));
    this.verdicts = new Array(options.verdictRingSize ?? 64);
    this.correlationWindowMs = options.correlationWindowMs ?? 50;
    scheduler.onSlice((f, d) => this.slice(f, d));
    scheduler.onMetric((f, metric, value) => {
      if (!this.paranoia.has(Paranoia.BASELINES)) return;
      const w = this.watch(f);
      let b = w.metrics.get(metric);
      if (!b) {
        if (w.metrics.size >= 64) throw new SchedulerError('ELIMIT', `fiber ${f.name}: at most 64 metrics`);
        b = new Baseline(this.options.baseline);
        w.metrics.set(metric, b);
      }
      if (b.observe(value) === 'anomaly') this.anomaly(f, metric, value, b);
    });
    scheduler.events.subscribe((e) => this.event(e));
  }

  /** Raises paranoia at run time (never below the boot floor). */
  raise(flags: number): void {
    const before = this.paranoia.mask;
    const after = this.paranoia.raise(flags);
    if (after !== before) this.scheduler.events.emit('paranoia', undefined, { mask: after });
  }

  /** The baseline of a fiber's slice duration, once the fiber has run. */
  baseline(name: string, metric = 'slice-ms'): Baseline | undefined {
    for (const [f, w] of this.watches)
      if (f.name === name)
        return metric === 'slice-ms'
          ? w.slice
          : metric === 'slices-per-job'
            ? (w.perJob ?? undefined)
            : w.metrics.get(metric);
    return undefined;
  }

  /** The verdict ring, oldest first. */
  verdictRing(): WatchdogVerdict[] {
    const n = this.verdicts.length;
    const out: WatchdogVerdict[] = [];
    for (let i = Math.max(0, this.verdictCount - n); i < this.verdictCount; i++)
      out.push(this.verdicts[i % n] as WatchdogVerdict);
    return out;
  }

  /**
   * Runs a deterministic step under TMR when the TMR flag is on (three replicas, majority wins, a
   * disagreement is an event), else once. Without a majority it throws `SchedulerError('EFIBER')`.
   */
  replicate<I, T>(
    name: string,
    step: (input: I, replica: number) => T,
    input: I,
    equal?: (a: T, b: T) => boolean,
  ): T {
    if (!this.paranoia.has(Paranoia.TMR)) return step(input, 0);
    const v: Vote<T> = vote(step, input, equal);
    if (v.dissent !== -1) {
      this.scheduler.events.emit('tmr-disagreement', name, { dissent: v.dissent, majority: v.majority });
      this.log('tmr-disagreement', `${name}: replica ${v.dissent}`);
    }
    if (!v.majority) throw new SchedulerError('EFIBER', `TMR step ${name}: no two replicas agree`);
    return v.value as T;
  }

  /** Runs deferred work (restarts waiting for a breaker's cooldown). Called by the lower layer. */
  poll(): void {
    const now = this.scheduler.clock.now();
    if (now < this.nextDeferredMs) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [f, w] of this.watches) {
      if (w.deferredUntilMs === Number.POSITIVE_INFINITY) continue;
      if (now >= w.deferredUntilMs && w.breaker.allow(now)) {
        w.deferredUntilMs = Number.POSITIVE_INFINITY;
        this.scheduler.events.emit('breaker-half-open', f.name);
        if (f.state === 'crashed') this.tryRestart(f, w);
      } else if (w.deferredUntilMs < next) next = w.deferredUntilMs;
    }
    this.nextDeferredMs = next;
  }

  private watch(f: Fiber): Watch {
    let w = this.watches.get(f);
    if (!w) {
      w = {
        slice: new Baseline(this.options.baseline),
        metrics: new Map(),
        perJob: f.periodic ? new Baseline(this.options.baseline) : null,
        jobsSeen: f.jobs,
        slicesThisJob: 0,
        breaker: new CircuitBreaker(this.options.breaker),
        intensity: new RestartIntensity(this.options.maxRestarts ?? 3, this.options.restartPeriodMs ?? 5_000),
        givenUp: false,
        deferredUntilMs: Number.POSITIVE_INFINITY,
        skipped: 0,
        lastAnomalyMs: Number.NEGATIVE_INFINITY,
      };
      this.watches.set(f, w);
    }
    return w;
  }

  private slice(f: Fiber, durationMs: number): void {
    const w = this.watch(f);
    if (w.breaker.state === 'half-open' && f.state !== 'crashed' && w.breaker.success() === 'closed') {
      this.scheduler.events.emit('breaker-closed', f.name);
    }
    if ((this.paranoia.mask & Paranoia.BASELINES) !== 0) {
      if (w.slice.observe(durationMs) === 'anomaly') this.anomaly(f, 'slice-ms', durationMs, w.slice);
      if (w.perJob) {
        w.slicesThisJob++;
        if (f.jobs !== w.jobsSeen) {
          w.jobsSeen = f.jobs;
          w.skipped = 0;
          const n = w.slicesThisJob;
          w.slicesThisJob = 0;
          if (w.perJob.observe(n) === 'anomaly') this.anomaly(f, 'slices-per-job', n, w.perJob);
        }
      }
    }
    if (this.nextDeferredMs !== Number.POSITIVE_INFINITY && this.scheduler.clock.now() >= this.nextDeferredMs)
      this.poll();
  }

  private anomaly(f: Fiber, metric: string, value: number, b: Baseline): void {
    this.anomalies++;
    const now = this.scheduler.clock.now();
    this.scheduler.events.emit('anomaly', f.name, { metric, value, mean: b.mean, stddev: b.stddev });
    this.log('anomaly', `${f.name}: ${metric}`);
    const w = this.watch(f);
    if (this.paranoia.has(Paranoia.CORRELATOR)) {
      this.verdict({ timeMs: now, fiber: f.name, verdict: 'anomaly', metric });
      for (const [other, ow] of this.watches) {
        if (other !== f && now - ow.lastAnomalyMs <= this.correlationWindowMs) {
          this.scheduler.events.emit('correlated', f.name, { with: other.name, metric });
          this.verdict({ timeMs: now, fiber: f.name, verdict: 'correlated', metric });
          // Several fibers changing together suggests a common cause (a throttled unit):
          // watch harder from now on.
          this.raise(Paranoia.HEARTBEAT | Paranoia.BASELINES);
          break;
        }
      }
    }
    w.lastAnomalyMs = now;
    if (this.options.anomalyAction === 'restart' && this.paranoia.has(Paranoia.RESTART_TRAP) && !f.kernel)
      this.tryRestart(f, w);
  }

  private verdict(v: WatchdogVerdict): void {
    this.verdicts[this.verdictCount % this.verdicts.length] = v;
    this.verdictCount++;
  }

  private log(type: keyof typeof ERROR_CODES, message: string): void {
    if (this.paranoia.has(Paranoia.ERROR_BUFFER))
      this.errorBuffer.write(this.scheduler.clock.now(), ERROR_CODES[type], message);
  }

  private event(e: SchedulerEvent): void {
    if (e.type in ERROR_CODES && e.type !== 'anomaly' && e.type !== 'tmr-disagreement') {
      const d = e.detail;
      const why =
        d?.error ??
        d?.reason ??
        (d?.badCopies !== undefined
          ? `${d.badCopies} bad copies`
          : d?.restarts !== undefined
            ? `restart ${d.restarts}`
            : e.type);
      this.log(e.type as keyof typeof ERROR_CODES, `${e.fiber ?? 'scheduler'}: ${String(why)}`);
    }
    if (!e.fiber) return;
    if (e.type === 'crash') {
      const f = this.fiberNamed(e.fiber);
      if (!f || f.kernel) return;
      const w = this.watch(f);
      if (this.paranoia.has(Paranoia.CORRELATOR))
        this.verdict({ timeMs: e.timeMs, fiber: f.name, verdict: 'crash' });
      if (this.paranoia.has(Paranoia.CIRCUIT_BREAKER)) {
        const before = w.breaker.state;
        if (w.breaker.failure(e.timeMs) === 'open') {
          if (before !== 'open')
            this.scheduler.events.emit('breaker-open', f.name, { reopenAtMs: w.breaker.reopenAtMs });
          w.deferredUntilMs = w.breaker.reopenAtMs;
          this.nextDeferredMs = Math.min(this.nextDeferredMs, w.deferredUntilMs);
          return;
        }
      }
      if (this.paranoia.has(Paranoia.RESTART_TRAP)) this.tryRestart(f, w);
    } else if (e.type === 'job-skipped' && this.paranoia.has(Paranoia.HEARTBEAT)) {
      const f = this.fiberNamed(e.fiber);
      if (!f || f.kernel) return;
      const w = this.watch(f);
      if (++w.skipped >= (this.options.hangAfterSkippedJobs ?? 2)) {
        w.skipped = 0;
        this.scheduler.events.emit('hung', f.name, { pending: f.pending.length });
        if (this.paranoia.has(Paranoia.CORRELATOR))
          this.verdict({ timeMs: e.timeMs, fiber: f.name, verdict: 'hung' });
        if (this.paranoia.has(Paranoia.RESTART_TRAP)) this.tryRestart(f, w);
      }
    }
  }

  private fiberNamed(name: string): Fiber | undefined {
    return this.scheduler.fiber(name) as Fiber | undefined;
  }

  private tryRestart(f: Fiber, w: Watch): void {
    if (w.givenUp) return;
    if (this.scheduler.isQuarantined(f.name)) {
      // The lower layer quarantined it: its verdict wins over ours.
      this.scheduler.events.emit('disagreement', f.name, { upper: 'restart', lower: 'quarantine' });
      return;
    }
    const now = this.scheduler.clock.now();
    if (!w.intensity.record(now)) {
      w.givenUp = true;
      this.scheduler.events.emit('intensity-exceeded', f.name, {
        maxRestarts: w.intensity.maxRestarts,
        periodMs: w.intensity.periodMs,
      });
      this.options.escalate?.(
        f.name,
        `more than ${w.intensity.maxRestarts} restarts in ${w.intensity.periodMs} ms`,
      );
      return;
    }
    const mode = this.options.restartMode ?? 'warm';
    if (this.paranoia.has(Paranoia.CSPACE_AUDIT) && this.options.audit) {
      let ok = false;
      try {
        ok = this.options.audit(f.name, mode === 'warm' ? 'restart-warm' : 'restart-cold');
      } catch {
        ok = false;
      }
      if (!ok) {
        this.scheduler.quarantine(f.name, 'capability audit refused the restart');
        return;
      }
    }
    if (this.scheduler.restart(f.name, mode) !== 'refused') this.restarts++;
  }
}
