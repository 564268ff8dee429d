/**
 * Adaptive spin, then park: how long a blocking wait re-checks the ring before it sleeps in
 * `Atomics.wait`. A spin that found work doubles the window (up to {@link MAX_SPIN_US}); a spin
 * that ran its whole window without finding work halves it, down to no spin. Without a spin, the
 * wait probes again with a full {@link MAX_SPIN_US} window after a number of short parks (woken
 * with work within {@link MAX_SPIN_US}) that doubles after every probe that failed, up to 1,024;
 * a probe that fails drops straight back to no spin. So a peer that
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
/**
 * Most short parks between two probes, once probes keep failing.
 *
 * A probe spins the full {@link MAX_SPIN_US}, not the starting window: a consumer parked at once
 * on every empty ring makes its producer pay a futex wake (a system call) every message or two,
 * which spaces the producer's messages by about that call's cost; a 10 µs probe then often
 * missed, confirming the collapse. Measured (256 B messages one way, unbatched, 1 MiB ring,
 * 200,000 per operation, Node 20, 2 cores at a load average of 6): consumer wakeups per
 * operation 990-1,043 with 10 µs probes, 393-441 with full ones; 16 B: 752-792 against 279-322.
 * A failed probe costs one full spin per probe interval (at most one per short park, one per
 * 1,024 once probes keep failing).
 */
const MAX_PROBE_INTERVAL = 1024;
/** Re-checks between two clock reads while spinning (a clock read costs more than a re-check). */
const CHECKS_PER_CLOCK_READ = 64;

/**
 * Read coalescing: a consumer whose last poll found a little work (less than
 * {@link COALESCE_BYTES}) pauses before its next poll looks at the ring, for
 * {@link COALESCE_MIN_TURNS} turns of {@link pause}, doubling while polls keep finding work, up
 * to {@link COALESCE_MAX_TURNS} (about 1 µs here). A poll that finds nothing, or finds the reader
 * far behind, drops the pause to none. A reader that polls the moment a frame lands reads the
 * cache lines its producer is still writing, and the tail word the producer stores for every
 * message: each such line crosses between the cores again for the producer's next store. Letting
 * a little work pile up first means each line crosses once. A ping-pong never grows the pause
 * (its poll after an echo finds nothing), so it adds at most the minimum, about 16 ns, to a round
 * trip. Measured in DESIGN.md, "Read coalescing" (16 B unbatched, Node 20, 2 cores: 8.5M to 9.0M
 * -> 12.8M msgs/s when the cores share data slowly, 33M -> 36M when fast).
 */
export const COALESCE_MIN_TURNS = 16;
/** Longest pause of read coalescing, in turns of {@link pause}. */
export const COALESCE_MAX_TURNS = 1024;
/** A poll that drained this much or more was behind: no pause before the next. */
export const COALESCE_BYTES = 4096;

/**
 * The next pause of read coalescing, in turns, after a poll that handled `frames` frames in
 * `drainedBytes` bytes with a pause of `turns` before it.
 */
export function nextCoalesceTurns(turns: number, frames: number, drainedBytes: number): number {
  if (frames === 0 || drainedBytes >= COALESCE_BYTES) return 0;
  return Math.min(COALESCE_MAX_TURNS, Math.max(COALESCE_MIN_TURNS, turns * 2));
}

/**
 * Spins `turns` turns of a dependent multiply chain that touches no shared memory (about 1 ns a
 * turn here) and returns its result, which the caller keeps so the JIT cannot drop the loop.
 */
export function pause(turns: number, seed: number): number {
  let x = seed | 0;
  for (let i = 0; i < turns; i++) x = (Math.imul(x, 31) + i) | 0;
  return x;
}

/** One waiting end's spin window, adapted after every wait. */
export class SpinWindow {
  /** Current spin window in microseconds, 0 to {@link MAX_SPIN_US}. */
  windowUs = START_SPIN_US;
  /** Short parks to go, with no spin, before the next probe. */
  #parksUntilProbe = 0;
  /** The current window is a probe: if it misses, back to no spin at once. */
  #probing = false;
  /** Short parks between probes: doubles after each probe that failed, reset by a hit. */
  #probeInterval = 1;
  /** This end's wakeup counters, and how many wakeups it had sent at its last wait. */
  readonly #stats: WakeStats | undefined;
  #wakesSeen = 0;

  /** `stats`: the waiting end's counters; a wakeup it sent since its last wait boosts the spin. */
  constructor(stats?: WakeStats) {
    this.#stats = stats;
  }

  /**
   * Milliseconds to spin before parking, within a wait of `timeoutMs`. When this end woke its
   * peer since its last wait, the peer is running towards the work this end waits for (a woken
   * producer will publish, a woken consumer will free space) within one wake-up latency, so the
   * spin is the full {@link MAX_SPIN_US} whatever the window. This breaks the convoy where
   * both ends of a stream park in turn: streaming 4 KiB frames through a 1 MiB ring, the
   * consumer parked and was woken 335 times per 2,048 frames (1.0 GB/s, each operation a
   * multiple of the scheduler's 4 ms tick; Node 20, 2 cores at a load average of 8); a ring
   * whose ends both busy-poll moved 19.5 GB/s on the same machine.
   */
  spinMs(timeoutMs: number): number {
    const stats = this.#stats;
    if (stats !== undefined && stats.wakes !== this.#wakesSeen) {
      this.#wakesSeen = stats.wakes;
      return Math.min(MAX_SPIN_US / 1000, timeoutMs);
    }
    return Math.min(this.windowUs / 1000, timeoutMs);
  }

  /**
   * A spin found work: spinning pays, so the window doubles (from at least the starting window,
   * after a boosted spin from none) and probing starts afresh.
   */
  hit(): void {
    this.windowUs = Math.min(MAX_SPIN_US, Math.max(START_SPIN_US / 2, this.windowUs) * 2);
    this.#probeInterval = 1;
    this.#probing = false;
  }

  /**
   * Adapts the window after a wait that spun its whole window (if any) and then parked for
   * `sleptMs`, ending with (`ready`) or without work. `backlog` says the wait woke to a quarter
   * of the ring or more of work (frames to read, room to write): the peer kept working all
   * through the sleep, so a spin would have found work at once. It counts as a hit; without it a
   * stream whose window had collapsed under load parked every few frames for as long as the
   * probes kept failing.
   */
  parked(sleptMs: number, ready: boolean, backlog = false): void {
    if (ready && backlog) {
      this.hit();
      return;
    }
    if (this.windowUs > 0) {
      this.windowUs = this.windowUs >= 2 && !this.#probing ? this.windowUs / 2 : 0;
      this.#probing = false;
      if (this.windowUs === 0) {
        this.#probeInterval = Math.min(MAX_PROBE_INTERVAL, this.#probeInterval * 2);
        this.#parksUntilProbe = this.#probeInterval;
      }
    } else if (ready && sleptMs * 1000 <= MAX_SPIN_US && --this.#parksUntilProbe <= 0) {
      this.windowUs = MAX_SPIN_US;
      this.#probing = true;
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
  backlog?: () => boolean,
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
  window.parked(performance.now() - parkedAt, result, result && backlog?.() === true);
  return result;
}
