/**
 * Lazy sleep (DESIGN.md, "Lazy sleep"): a consumer that has just freed space for a producer that
 * found the ring full sleeps with `consumerWaiting` = 2, asking to be woken only once a quarter of
 * the ring is pending, and wakes itself after LAZY_SLEEP_MS at most. The unit tests step the
 * protocol by hand; the stress runs it across a real worker thread with bursts that fill the
 * ring and bursts that end below the mark, and fails on a lost wakeup (a 10 s wait that ends
 * without data) or a frame lost, reordered or corrupted.
 */
import { describe, expect, it } from 'vitest';
import { LAZY_SLEEP_MS, LAZY_WAITING, lazyWakeBytes, signalData } from '../src/_wake.js';
import { createRingBuffer, FrameConsumer, FrameProducer, Offset } from '../src/index.js';
import { openRing } from '../src/layout.js';
import { frameLength, patternByte } from './workers/roles.js';
import { spawn } from './workers/spawn.js';

const WAITING = Offset.consumerWaiting >> 2;
const SIGNAL = Offset.dataSignal >> 2;

describe('lazy sleep', () => {
  it('a lazily sleeping consumer is not woken below a quarter of the ring, and woken once at it', () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024, initialPosition: 0xffff_ff00 });
    const i32 = new Int32Array(sab);
    const producer = new FrameProducer(sab);
    expect(lazyWakeBytes(1024)).toBe(256);
    const seen = Atomics.load(i32, SIGNAL);
    Atomics.store(i32, WAITING, LAZY_WAITING);
    // 3 frames of 64 + 8 bytes: 216 pending, below the mark.
    for (let i = 0; i < 3; i++) expect(producer.offer(new Uint8Array(64), 1)).toBe(true);
    expect(producer.stats.wakes).toBe(0);
    expect(Atomics.load(i32, SIGNAL)).toBe(seen);
    expect(Atomics.load(i32, WAITING)).toBe(LAZY_WAITING);
    // The fourth crosses it (288 pending, across 2^32): one wakeup, the word cleared.
    producer.offer(new Uint8Array(64), 1);
    producer.offer(new Uint8Array(64), 1);
    expect(producer.stats.wakes).toBe(1);
    expect(Atomics.load(i32, SIGNAL)).toBe(seen + 1);
    expect(Atomics.load(i32, WAITING)).toBe(0);
    expect(Atomics.wait(i32, SIGNAL, seen, 5_000)).toBe('not-equal');
  });

  it('a producer about to sleep for space wakes a lazy consumer whatever is pending', () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
    const i32 = new Int32Array(sab);
    const stats = { sleeps: 0, lazySleeps: 0, woken: 0, wakes: 0 };
    Atomics.store(i32, WAITING, LAZY_WAITING);
    signalData(openRing(sab), stats);
    expect(stats.wakes).toBe(0);
    signalData(openRing(sab), stats, true);
    expect(stats.wakes).toBe(1);
    expect(Atomics.load(i32, WAITING)).toBe(0);
  });

  it('a consumer that freed space for a waiting producer sleeps lazily once, then eagerly', () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
    const i32 = new Int32Array(sab);
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    producer.offer(new Uint8Array(8), 1);
    Atomics.store(i32, Offset.producersWaiting >> 2, 1); // a producer sleeps for space
    expect(consumer.poll(() => {})).toBe(1);
    expect(consumer.stats.wakes).toBe(1);
    Atomics.store(i32, Offset.producersWaiting >> 2, 0);
    // Nothing arrives: the first sleep is lazy and ends by itself, the next ones are eager.
    expect(consumer.waitForData(20, 0)).toBe(false); // a spinCount bypasses the lazy rule
    expect(consumer.stats.lazySleeps).toBe(0);
    expect(consumer.waitForData(4 * LAZY_SLEEP_MS + 20)).toBe(false);
    expect(consumer.stats.lazySleeps).toBe(1);
    expect(consumer.stats.sleeps).toBeGreaterThanOrEqual(2);
    expect(consumer.waitForData(5)).toBe(false);
    expect(consumer.stats.lazySleeps).toBe(1);
  });

  it('stress across a worker: bursts that fill the ring and end below the mark, never a lost wakeup', async () => {
    const FRAMES = 300_000;
    const sab = createRingBuffer({
      kind: 'spsc',
      capacityBytes: 4096,
      initialPosition: 0xffff_f000,
    }) as SharedArrayBuffer;
    const consumer = new FrameConsumer(sab);
    const worker = spawn('burster', { sab, frames: FRAMES, seed: 0x5eed });
    let next = 0;
    let done = false;
    let bad = '';
    const read = (type: number, bytes: Uint8Array, offset: number, length: number) => {
      if (type === 2) {
        done = true;
        return;
      }
      const seq =
        (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>>
        0;
      if (seq !== next || length !== frameLength(0, seq))
        bad ||= `frame ${seq} (length ${length}) where ${next} was due`;
      for (let j = 4; j < length; j++) {
        if (bytes[offset + j] !== patternByte(0, seq, j)) bad ||= `frame ${seq} corrupt at byte ${j}`;
      }
      next++;
    };
    while (!done) {
      if (consumer.poll(read) > 0) continue;
      if (!consumer.waitForData(10_000))
        throw new Error(`lost wakeup: no frame for 10 s after frame ${next}`);
    }
    const result = await worker.result;
    await worker.worker.terminate();
    expect(bad).toBe('');
    expect(next).toBe(FRAMES);
    console.log(
      `lazy-sleep stress: ${next} frames, ${consumer.stats.lazySleeps} lazy sleeps, ${consumer.stats.sleeps} sleeps, ${String(result.sleeps)} producer sleeps`,
    );
    expect(consumer.stats.lazySleeps).toBeGreaterThan(0);
  }, 120_000);
});
