/**
 * Adaptive spin, then park: how long a blocking wait re-checks the ring before it sleeps in
 * `Atomics.wait`. A spin that found work doubles the window (up to {@link MAX_SPIN_US}); a spin
 * that ran its whole window without finding work halves it, down to no spin. Without a spin, the
 * wait probes again with a 10 µs window after a number of short parks (woken with work within
 * {@link MAX_SPIN_US}) that doubles after every probe that failed, up to 1,024. So a peer that
 * answers while this side spins keeps it spinning (round trips without a futex), and a machine
 * where spinning does not pay (the peer is descheduled, or answers late) drives the window to 0
 * and keeps it there: a wait then costs what parking at once costs, plus a rare probe.
 *
 * Measured (bench/latency.bench.ts, Node 20, 2 cores at a load average of 11 to 17, so threads
 * are often descheduled): fixed spins were fragile. Both sides of a ping-pong spinning a fixed
 * 10 µs gave a median round trip of 34 µs; 50 µs gave 0.29 µs in one run and 118 µs in another.
 * Once one side's wake-up outlasts the other's spin, both keep sleeping and each round trip pays
 * two spins and two wake-ups; spinning also costs a loaded machine's scheduler credit, so a
 * spinning thread is woken later. Growing the window whenever a park was short (KVM's
 * halt-polling rule) gave 61 µs here. Parking at once gave 9 µs, busy polling 0.28 µs.
 */
import { blockUntil, type Side, type WakeStats } from './_wake.js';
import type { RingMemory } from './layout.js';

/**
 * Longest spin of a blocking wait before it parks the thread, in microseconds: an idle thread
 * burns at most this much CPU each time it runs out of work.
 *
 * @example
 * ```ts
 * import { MAX_SPIN_US } from '@nexus/ion-rings';
 * const worstCaseSpinCpuShare = (wakeupsPerSecond: number) => (wakeupsPerSecond * MAX_SPIN_US) / 1e6;
 * ```
 */
export const MAX_SPIN_US = 100;
/** The window a wait starts with, and grows back to from no spin at all. */
const START_SPIN_US = 10;
/** Most short parks between two probes, once probes keep failing. */
const MAX_PROBE_INTERVAL = 1024;
/** Re-checks between two clock reads while spinning (a clock read costs more than a re-check). */
const CHECKS_PER_CLOCK_READ = 64;

/** One waiting end's spin window, adapted after every wait. */
export class SpinWindow {
  /** Current spin window in microseconds, 0 to {@link MAX_SPIN_US}. */
  windowUs = START_SPIN_US;
  /** Short parks to go, with no spin, before the next probe. */
  #parksUntilProbe = 0;
  /** Short parks between probes: doubles after each probe that failed, reset by a hit. */
  #probeInterval = 1;

  /** Milliseconds to spin before parking, within a wait of `timeoutMs`. */
  spinMs(timeoutMs: number): number {
    return Math.min(this.windowUs / 1000, timeoutMs);
  }

  /** A spin found work: spinning pays, so the window doubles and probing starts afresh. */
  hit(): void {
    this.windowUs = Math.min(MAX_SPIN_US, this.windowUs * 2);
    this.#probeInterval = 1;
  }

  /**
   * Adapts the window after a wait that spun its whole window (if any) and then parked for
   * `sleptMs`, ending with (`ready`) or without work.
   */
  parked(sleptMs: number, ready: boolean): void {
    if (this.windowUs > 0) {
      this.windowUs = this.windowUs >= 2 ? this.windowUs / 2 : 0;
      if (this.windowUs === 0) {
        this.#probeInterval = Math.min(MAX_PROBE_INTERVAL, this.#probeInterval * 2);
        this.#parksUntilProbe = this.#probeInterval;
      }
    } else if (ready && sleptMs * 1000 <= MAX_SPIN_US && --this.#parksUntilProbe <= 0) {
      this.windowUs = START_SPIN_US;
    }
  }
}

/**
 * Blocks until `ready()` holds, the peer closes or `timeoutMs` passes: re-checks for the
 * window's length, then parks (`blockUntil`), then adapts the window. With `spinCount` given, a
 * fixed number of re-checks replaces the adaptive window.
 */
export function spinThenPark(
  mem: RingMemory,
  side: Side,
  ready: () => boolean,
  timeoutMs: number,
  stats: WakeStats,
  window: SpinWindow,
  spinCount: number | undefined,
): boolean {
  if (ready()) return true;
  if (!mem.shared || spinCount !== undefined) {
    return blockUntil(mem, side, ready, timeoutMs, stats, spinCount ?? 0);
  }
  const spinMs = window.spinMs(timeoutMs);
  if (spinMs > 0) {
    const end = performance.now() + spinMs;
    for (let i = 1; ; i++) {
      if (ready()) {
        window.hit();
        return true;
      }
      if (i % CHECKS_PER_CLOCK_READ === 0 && performance.now() >= end) break;
    }
  }
  const parkedAt = performance.now();
  const result = blockUntil(mem, side, ready, timeoutMs - spinMs, stats);
  window.parked(performance.now() - parkedAt, result);
  return result;
}
