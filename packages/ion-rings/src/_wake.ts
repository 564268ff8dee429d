/**
 * Sleeping and waking without spinning, and without lost wakeups.
 *
 * The rule (DESIGN.md, "Wakeups"): a side that publishes (tail, frame length, head) does so with
 * a sequentially consistent `Atomics` store and only then loads the peer's sleeper word; a side
 * about to sleep stores its sleeper word and only then re-checks the ring. JavaScript's
 * `Atomics` operations are sequentially consistent, so the pair is Dekker's: at least one of the
 * two sees the other's store, and a wakeup is never lost. The futex word is a signal counter
 * read before announcing the sleep, so a notify that lands between the re-check and the wait
 * makes `Atomics.wait` return `not-equal` at once.
 */
import { RingError } from './errors.js';
import { Offset, type RingMemory, State } from './layout.js';

const CONSUMER_WAITING = Offset.consumerWaiting >> 2;
const DATA_SIGNAL = Offset.dataSignal >> 2;
const PRODUCERS_WAITING = Offset.producersWaiting >> 2;
const SPACE_SIGNAL = Offset.spaceSignal >> 2;
const STATE = Offset.state >> 2;
const TAIL = Offset.tail >> 2;
const HEAD = Offset.head >> 2;

/** Shortest and longest sleep of the polling fallback (no `Atomics.waitAsync`), in ms. */
const FALLBACK_MIN_MS = 1;
const FALLBACK_MAX_MS = 16;

type WaitResult = 'ok' | 'not-equal' | 'timed-out';
type WaitAsyncFn = (
  array: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: boolean; value: WaitResult | Promise<WaitResult> };

const waitAsyncNative: WaitAsyncFn | undefined = (Atomics as unknown as { waitAsync?: WaitAsyncFn })
  .waitAsync;

/** In-thread waiters of rings over a plain ArrayBuffer (the single-thread variant). */
const localWaiters = new WeakMap<ArrayBuffer | SharedArrayBuffer, Map<number, Set<() => void>>>();

/**
 * Counts of the slow path, for tests and benches.
 *
 * @example
 * ```ts
 * import { createRingBuffer, FrameConsumer } from '@nexus/ion-rings';
 * const { sleeps, woken, wakes } = new FrameConsumer(createRingBuffer({ kind: 'spsc', capacityBytes: 1024 })).stats;
 * ```
 */
export interface WakeStats {
  /** Times this end announced it was going to sleep. */
  sleeps: number;
  /**
   * Of those, lazy sleeps (consumers only): woken early only by a quarter of the ring pending,
   * else ended by the consumer itself after 0.2 ms at most (DESIGN.md, "Lazy sleep").
   */
  lazySleeps: number;
  /**
   * Times a blocking sleep ended because a peer's notify woke it (`Atomics.wait` returned
   * `'ok'`): the thread really slept in the futex and was woken, a full sleep/notify cycle. A
   * sleep that found the signal already bumped (`'not-equal'`) or timed out is not counted.
   */
  woken: number;
  /** Times this end woke a sleeping peer. */
  wakes: number;
}

function notifyWord(mem: RingMemory, index: number): void {
  if (mem.shared) {
    Atomics.notify(mem.i32, index);
    return;
  }
  const byIndex = localWaiters.get(mem.buffer);
  const set = byIndex?.get(index);
  if (!set || set.size === 0) return;
  const resolvers = [...set];
  set.clear();
  for (const resolve of resolvers) resolve();
}

/**
 * `consumerWaiting` of a consumer that sleeps lazily (DESIGN.md, "Lazy sleep"): it asked to be
 * woken once {@link lazyWakeBytes} are pending, and re-checks the ring by itself after
 * {@link LAZY_SLEEP_MS} at most.
 */
export const LAZY_WAITING = 2;

/**
 * Longest lazy sleep of a consumer, in ms: the most a message published below the low-water mark
 * waits for its reader. After one lazy sleep the consumer sleeps eagerly again.
 */
export const LAZY_SLEEP_MS = 0.2;

/** Pending bytes that wake a lazily sleeping consumer: a quarter of the ring. */
export function lazyWakeBytes(capacity: number): number {
  return capacity >>> 2;
}

/**
 * Called by producers after publishing: wakes the consumer if it announced a sleep. The producer
 * that swaps `consumerWaiting` from 1 to 0 sends the one wakeup; publications made before the
 * woken consumer runs find the word clear and send none. With a plain load, every publication
 * during the consumer's wake-up latency notified again: 3.9M notifies for 4M unbatched 16 B
 * messages under load, and 1.4M msgs/s (Node 20, 2 cores, load average 19).
 *
 * A consumer sleeping lazily ({@link LAZY_WAITING}) is woken only once a quarter of the ring is
 * pending (or by `force`, from a producer about to sleep for space): below that it wakes itself.
 */
export function signalData(mem: RingMemory, stats: WakeStats, force = false): void {
  const waiting = Atomics.load(mem.i32, CONSUMER_WAITING);
  if (waiting === 0) return;
  if (waiting === LAZY_WAITING && !force) {
    const pending = (Atomics.load(mem.i32, TAIL) - Atomics.load(mem.i32, HEAD)) >>> 0;
    if (pending < lazyWakeBytes(mem.capacity)) return;
  }
  if (Atomics.compareExchange(mem.i32, CONSUMER_WAITING, waiting, 0) === waiting) {
    Atomics.add(mem.i32, DATA_SIGNAL, 1);
    notifyWord(mem, DATA_SIGNAL);
    stats.wakes++;
  }
}

/** Called by the consumer after moving the head: wakes producers waiting for space. */
export function signalSpace(mem: RingMemory, stats: WakeStats): void {
  if (Atomics.load(mem.i32, PRODUCERS_WAITING) !== 0) {
    Atomics.add(mem.i32, SPACE_SIGNAL, 1);
    notifyWord(mem, SPACE_SIGNAL);
    stats.wakes++;
  }
}

/** Sets a state bit and wakes every sleeper on both sides, so nobody waits on a closed ring. */
export function closeSide(mem: RingMemory, bit: number): void {
  Atomics.or(mem.i32, STATE, bit);
  Atomics.add(mem.i32, DATA_SIGNAL, 1);
  Atomics.add(mem.i32, SPACE_SIGNAL, 1);
  notifyWord(mem, DATA_SIGNAL);
  notifyWord(mem, SPACE_SIGNAL);
}

/** The state word's bits. */
export function readState(mem: RingMemory): number {
  return Atomics.load(mem.i32, STATE);
}

/** Which side of the ring a wait is for. */
export type Side = 'data' | 'space';

function enter(mem: RingMemory, side: Side, lazy = false): void {
  if (side === 'data') Atomics.store(mem.i32, CONSUMER_WAITING, lazy ? LAZY_WAITING : 1);
  else Atomics.add(mem.i32, PRODUCERS_WAITING, 1);
}

function leave(mem: RingMemory, side: Side): void {
  if (side === 'data') Atomics.store(mem.i32, CONSUMER_WAITING, 0);
  else Atomics.sub(mem.i32, PRODUCERS_WAITING, 1);
}

function peerClosed(mem: RingMemory, side: Side): boolean {
  const bit = side === 'data' ? State.producerClosed : State.consumerClosed;
  return (Atomics.load(mem.i32, STATE) & bit) !== 0;
}

function now(): number {
  return performance.now();
}

/**
 * Registers the caller as a waiter on `side`. Returns false (registration undone) when there is
 * no reason to sleep: `ready()` already holds or the peer closed.
 */
function arm(mem: RingMemory, side: Side, ready: () => boolean, lazy = false): boolean {
  enter(mem, side, lazy);
  if (ready() || peerClosed(mem, side)) {
    leave(mem, side);
    return false;
  }
  return true;
}

/** After a sleep: true or false to return that, undefined to sleep again. */
function afterSleep(
  mem: RingMemory,
  side: Side,
  ready: () => boolean,
  deadline: number,
): boolean | undefined {
  if (ready()) return true;
  if (peerClosed(mem, side) || now() >= deadline) return false;
  return undefined;
}

/**
 * Blocks the calling thread until `ready()` holds, the peer closes or `timeoutMs` passes.
 * Returns `ready()`'s last value. Throws `EWOULDBLOCK` where blocking is impossible. With `lazy`
 * (consumers only), the first sleep is lazy: at most {@link LAZY_SLEEP_MS}, woken early only by a
 * quarter of the ring pending; the sleeps after it are eager.
 */
export function blockUntil(
  mem: RingMemory,
  side: Side,
  ready: () => boolean,
  timeoutMs: number,
  stats: WakeStats,
  spinCount = 0,
  lazy = false,
): boolean {
  if (ready()) return true;
  // Bounded spin before parking (Aeron's BackoffIdleStrategy): a peer that publishes within a
  // few microseconds is seen without a futex round trip on either side.
  if (!mem.shared)
    throw new RingError('EWOULDBLOCK', 'a ring over a plain ArrayBuffer cannot block: use the async methods');
  for (let i = 0; i < spinCount; i++) if (ready()) return true;
  const signal = side === 'data' ? DATA_SIGNAL : SPACE_SIGNAL;
  const deadline = now() + timeoutMs;
  let lazySleep = lazy && side === 'data';
  // A producer about to sleep for space wakes a lazily sleeping consumer first: the ring it
  // waits on is the consumer's low-water mark or near it, so nobody is left to publish.
  if (side === 'space') signalData(mem, stats, true);
  for (;;) {
    const seen = Atomics.load(mem.i32, signal);
    if (!arm(mem, side, ready, lazySleep)) return ready();
    stats.sleeps++;
    if (lazySleep) stats.lazySleeps++;
    const remaining = lazySleep ? Math.min(LAZY_SLEEP_MS, deadline - now()) : deadline - now();
    lazySleep = false;
    try {
      if (remaining > 0 && Atomics.wait(mem.i32, signal, seen, remaining) === 'ok') stats.woken++;
    } catch (cause) {
      leave(mem, side);
      throw new RingError(
        'EWOULDBLOCK',
        `this thread may not block (${String(cause)}): use the async methods`,
      );
    }
    leave(mem, side);
    const outcome = afterSleep(mem, side, ready, deadline);
    if (outcome !== undefined) return outcome;
  }
}

function waitLocal(mem: RingMemory, index: number, timeoutMs: number): Promise<void> {
  let byIndex = localWaiters.get(mem.buffer);
  if (!byIndex) localWaiters.set(mem.buffer, (byIndex = new Map()));
  let set = byIndex.get(index);
  if (!set) byIndex.set(index, (set = new Set()));
  const waiters = set;
  return new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      waiters.delete(done);
      resolve();
    };
    waiters.add(done);
    if (Number.isFinite(timeoutMs)) timer = setTimeout(done, Math.max(0, timeoutMs));
  });
}

async function waitShared(mem: RingMemory, index: number, seen: number, timeoutMs: number): Promise<void> {
  if (waitAsyncNative) {
    const r = waitAsyncNative(mem.i32, index, seen, Number.isFinite(timeoutMs) ? timeoutMs : undefined);
    if (!r.async) return;
    if (!Number.isFinite(timeoutMs)) {
      await r.value;
      return;
    }
    // A timer beside the wait: Node schedules waitAsync's own timeout as an unref'd task, which
    // neither keeps the event loop alive nor reliably fires while it idles (nodejs/node#44409).
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([r.value, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return;
  }
  // Fallback where Atomics.waitAsync is missing: sleep on timers with exponential backoff from
  // 1 ms to 16 ms, re-reading the signal word. Latency rises to at most 16 ms; no thread blocks.
  const deadline = now() + timeoutMs;
  let delay = FALLBACK_MIN_MS;
  while (Atomics.load(mem.i32, index) === seen && now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - now()))));
    delay = Math.min(FALLBACK_MAX_MS, delay * 2);
  }
}

/**
 * Waits without blocking the thread (`Atomics.waitAsync`, an in-thread waiter list for plain
 * ArrayBuffers, or timer polling) until `ready()` holds, the peer closes or `timeoutMs` passes.
 */
export async function waitUntil(
  mem: RingMemory,
  side: Side,
  ready: () => boolean,
  timeoutMs: number,
  stats: WakeStats,
): Promise<boolean> {
  if (ready()) return true;
  const signal = side === 'data' ? DATA_SIGNAL : SPACE_SIGNAL;
  const deadline = now() + timeoutMs;
  if (side === 'space') signalData(mem, stats, true);
  for (;;) {
    const seen = Atomics.load(mem.i32, signal);
    if (!arm(mem, side, ready)) return ready();
    stats.sleeps++;
    const remaining = deadline - now();
    try {
      if (remaining > 0) {
        if (mem.shared) await waitShared(mem, signal, seen, remaining);
        else await waitLocal(mem, signal, remaining);
      }
    } finally {
      leave(mem, side);
    }
    const outcome = afterSleep(mem, side, ready, deadline);
    if (outcome !== undefined) return outcome;
  }
}
