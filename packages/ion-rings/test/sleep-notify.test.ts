/**
 * 10^7 sleep/notify cycles across real threads, alone in this file so nothing else competes for
 * the cores while it runs.
 *
 * A cycle, as counted here: one side published a frame (Atomics.store of the tail, then the
 * sequentially consistent load of the peer's sleeper word, then Atomics.add of the signal and
 * Atomics.notify), and the peer, which had announced its sleep (store of the sleeper word,
 * re-check of the ring) and entered Atomics.wait, returned from it with 'ok': it really slept in
 * the futex and that notify woke it. Sleeps that ended 'not-equal' (the notify landed between the
 * re-check and the wait) are exercised too but not counted. A lost wakeup shows as a 10 s
 * timeout, and every frame carries the next round number, checked on both sides.
 */
import { describe, expect, it } from 'vitest';
import { createRingBuffer } from '../src/index.js';
import { spawn } from './workers/spawn.js';

/** Woken sleeps to reach, over all pairs; the issue asks for 10^7. */
const TARGET_CYCLES = Number(process.env.ION_SLEEP_CYCLES ?? 10_000_000);
/**
 * Independent ping-pong pairs. One pair leaves a core idle while both of its threads sleep and
 * pays an idle-core wakeup per cycle; two pairs keep both cores of a 2-core machine busy with
 * cycles. Four pairs measured no better than two (cycles are kernel-bound: about 7 µs of CPU each,
 * mostly in futex and scheduler system calls).
 */
const PAIRS = 2;
/** A run that has not reached the target after this long fails (the machine is too loaded). */
const DEADLINE_MS = Math.max(240_000, (TARGET_CYCLES / 1e7) * 240_000);

describe('sleep/notify across real worker threads', () => {
  it(
    `${TARGET_CYCLES} woken sleeps, never a lost wakeup`,
    async () => {
      const control = new SharedArrayBuffer(8);
      const started = performance.now();
      const workers = [];
      for (let pair = 0; pair < PAIRS; pair++) {
        // Counters seeded so the rings cross 2^32 within the first rounds.
        const ping = createRingBuffer({
          kind: 'spsc',
          capacityBytes: 4096,
          initialPosition: 0xffff_f000,
        }) as SharedArrayBuffer;
        const pong = createRingBuffer({
          kind: 'spsc',
          capacityBytes: 4096,
          initialPosition: 0xffff_f800,
        }) as SharedArrayBuffer;
        const common = { control, targetCycles: TARGET_CYCLES, deadlineMs: DEADLINE_MS };
        workers.push(spawn('sleeper', { ...common, input: pong, output: ping, initiator: true }));
        workers.push(spawn('sleeper', { ...common, input: ping, output: pong, initiator: false }));
      }
      const results = await Promise.all(workers.map((w) => w.result));
      await Promise.all(workers.map((w) => w.worker.terminate()));
      const seconds = (performance.now() - started) / 1000;
      const sum = (key: string) => results.reduce((total, r) => total + Number(r[key]), 0);
      const woken = sum('woken');
      expect(woken).toBe(Atomics.load(new Int32Array(control), 0));
      console.log(`sleep/notify cycles: ${woken}`);
      console.log(
        `sleep/notify detail: ${PAIRS} pairs, ${sum('rounds')} frames, ${sum('sleeps')} sleeps announced, ` +
          `${sum('wakes')} notifies, ${seconds.toFixed(1)} s (${Math.round(woken / seconds)} woken/s)`,
      );
      expect(woken).toBeGreaterThanOrEqual(TARGET_CYCLES);
    },
    DEADLINE_MS + 30_000,
  );
});
