/**
 * The lower observer: a minimal layer below the scheduler that watches its heartbeat. When the
 * scheduler hangs (the heartbeat stops) or panics (its loop throws), the observer restarts it,
 * within its own restart intensity; when that is exceeded, the last-resort reset hook runs
 * ("Phoenix"). It also holds the quarantine list: when the two observers disagree about a
 * fiber, the lower layer's quarantine wins and survives scheduler restarts.
 */
import { RestartIntensity } from './breaker.js';
import type { Clock } from './clock.js';
import type { Scheduler } from './scheduler.js';

/** Configuration of a {@link LowerObserver}. */
export interface LowerObserverOptions {
  /** The clock of the lower layer (may be the scheduler's). */
  clock: Clock;
  /** Returns the scheduler currently running (it may be rebuilt by `restartScheduler`). */
  scheduler: () => Scheduler;
  /** Restarts a hung or panicked scheduler (default: `scheduler.restartSelf()`). */
  restartScheduler?: (scheduler: Scheduler) => void;
  /** The last-resort reset ("Phoenix"): a board reset, a process restart, a page reload. */
  phoenix: () => void;
  /** Heartbeat silence that declares the scheduler hung, ms (default 100). */
  heartbeatTimeoutMs?: number;
  /** Scheduler restarts allowed in `periodMs` before Phoenix (default 3). */
  maxRestarts?: number;
  /** Window of the restart intensity, ms (default 10,000). */
  periodMs?: number;
}

/**
 * The lower observer.
 *
 * @example
 * ```ts
 * import { LowerObserver, Scheduler, VirtualClock } from '@nexus/scheduler';
 * const clock = new VirtualClock();
 * const s = new Scheduler({ clock });
 * const lower = new LowerObserver({ clock, scheduler: () => s, phoenix: () => {} });
 * s.hung = true; // a fiber wedged the loop
 * lower.check();
 * clock.advance(200);
 * lower.check(); // 'restarted'
 * ```
 */
export class LowerObserver {
  /** Scheduler restarts done. */
  schedulerRestarts = 0;
  /** Times Phoenix ran. */
  phoenixRuns = 0;
  private readonly quarantined = new Map<string, string>();
  private lastBeat = -1;
  private lastBeatAtMs: number;
  private intensity: RestartIntensity;
  private readonly timeoutMs: number;

  constructor(private readonly options: LowerObserverOptions) {
    this.timeoutMs = options.heartbeatTimeoutMs ?? 100;
    if (!(this.timeoutMs > 0)) throw new RangeError('heartbeatTimeoutMs: > 0 is required');
    this.intensity = new RestartIntensity(options.maxRestarts ?? 3, options.periodMs ?? 10_000);
    this.lastBeatAtMs = options.clock.now();
  }

  /** Checks the heartbeat; restarts the scheduler when it has been silent too long. */
  check(): 'ok' | 'restarted' | 'phoenix' {
    const s = this.options.scheduler();
    const now = this.options.clock.now();
    const beat = s.stats.heartbeat;
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      this.lastBeatAtMs = now;
      return 'ok';
    }
    if (now - this.lastBeatAtMs < this.timeoutMs) return 'ok';
    s.events.emit('heartbeat-lost', undefined, { silentMs: now - this.lastBeatAtMs });
    return this.recover('heartbeat lost');
  }

  /** Reports a scheduler panic (its loop threw); restarts it. */
  panic(error: unknown): 'restarted' | 'phoenix' {
    void error;
    return this.recover('panic');
  }

  /** Quarantines a fiber; the verdict survives scheduler restarts and beats the watchdog's. */
  quarantine(name: string, reason: string): void {
    this.quarantined.set(name, reason);
    const s = this.options.scheduler();
    if (s.fiber(name)) s.quarantine(name, reason);
  }

  /**
   * The upper observer's opinion of a fiber. When it says healthy and the lower layer has it
   * quarantined, that is a disagreement: the event is emitted and the quarantine stays.
   */
  verdict(name: string, upper: 'healthy' | 'quarantine'): 'healthy' | 'quarantine' {
    const lower = this.quarantined.has(name) ? 'quarantine' : 'healthy';
    if (upper !== lower) this.options.scheduler().events.emit('disagreement', name, { upper, lower });
    return lower === 'quarantine' ? 'quarantine' : upper;
  }

  /** Names quarantined by the lower layer. */
  quarantinedNames(): string[] {
    return [...this.quarantined.keys()];
  }

  private recover(reason: string): 'restarted' | 'phoenix' {
    const now = this.options.clock.now();
    if (!this.intensity.record(now)) {
      this.phoenixRuns++;
      this.options.scheduler().events.emit('phoenix', undefined, { reason });
      this.options.phoenix();
      this.intensity = new RestartIntensity(this.intensity.maxRestarts, this.intensity.periodMs);
      this.lastBeatAtMs = this.options.clock.now();
      return 'phoenix';
    }
    const s = this.options.scheduler();
    if (this.options.restartScheduler) this.options.restartScheduler(s);
    else s.restartSelf();
    this.schedulerRestarts++;
    const current = this.options.scheduler();
    for (const [name, why] of this.quarantined)
      if (current.fiber(name) && !current.isQuarantined(name)) current.quarantine(name, why);
    this.lastBeat = current.stats.heartbeat;
    this.lastBeatAtMs = this.options.clock.now();
    return 'restarted';
  }
}
