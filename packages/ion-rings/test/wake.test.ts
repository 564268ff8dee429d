import { describe, expect, it } from 'vitest';
import { createRingBuffer, FrameConsumer, FrameProducer, Offset } from '../src/index.js';

const WAITING = Offset.consumerWaiting >> 2;
const SIGNAL = Offset.dataSignal >> 2;

describe('the lost-wakeup rule', () => {
  for (const kind of ['spsc', 'mpsc'] as const) {
    it(`${kind}: a publish after the consumer announced its sleep bumps the signal, so the wait cannot sleep`, () => {
      const sab = createRingBuffer({ kind, capacityBytes: 1024 });
      const i32 = new Int32Array(sab);
      const producer = new FrameProducer(sab);
      // The consumer's steps, interleaved by hand: read the signal, announce the sleep...
      const seen = Atomics.load(i32, SIGNAL);
      Atomics.store(i32, WAITING, 1);
      // ...the producer publishes between the announcement and the wait...
      producer.offer(new Uint8Array(4), 1);
      expect(producer.stats.wakes).toBe(1);
      // ...and the wait returns at once instead of sleeping through the frame.
      expect(Atomics.wait(i32, SIGNAL, seen, 5_000)).toBe('not-equal');
    });

    it(`${kind}: a publish before the announcement is seen by the re-check: no sleep at all`, () => {
      const sab = createRingBuffer({ kind, capacityBytes: 1024 });
      const producer = new FrameProducer(sab);
      const consumer = new FrameConsumer(sab);
      producer.offer(new Uint8Array(4), 1);
      expect(producer.stats.wakes).toBe(0);
      expect(consumer.waitForData(5_000)).toBe(true);
      expect(consumer.stats.sleeps).toBe(0);
    });
  }

  for (const kind of ['spsc', 'mpsc'] as const) {
    it(`${kind}: a consumer still waking gets one wakeup, not one per publication (regression: a notify per message)`, () => {
      const sab = createRingBuffer({ kind, capacityBytes: 1024 });
      const i32 = new Int32Array(sab);
      const producer = new FrameProducer(sab);
      const seen = Atomics.load(i32, SIGNAL);
      Atomics.store(i32, WAITING, 1); // the consumer announced its sleep and has not run since
      for (let i = 0; i < 10; i++) producer.offer(new Uint8Array(4), 1);
      producer.offerBatch([new Uint8Array(4), new Uint8Array(4)], 1);
      expect(producer.stats.wakes).toBe(1);
      expect(Atomics.load(i32, SIGNAL)).toBe(seen + 1);
      expect(Atomics.load(i32, WAITING)).toBe(0);
      // A second producer sees the flag clear too: the consumer was already woken.
      const other = new FrameProducer(sab);
      if (kind === 'mpsc') {
        other.offer(new Uint8Array(4), 1);
        expect(other.stats.wakes).toBe(0);
      }
      const consumer = new FrameConsumer(sab);
      expect(consumer.poll(() => {})).toBe(kind === 'mpsc' ? 13 : 12);
    });
  }

  it('without a sleeper the producer sends no wakeup (no notify on the fast path)', () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
    const producer = new FrameProducer(sab);
    for (let i = 0; i < 10; i++) producer.offer(new Uint8Array(4), 1);
    expect(producer.stats.wakes).toBe(0);
  });

  it('waitForDataAsync wakes on a later publish (waitAsync) and on close', async () => {
    for (const shared of [true, false]) {
      const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024, shared });
      const producer = new FrameProducer(sab);
      const consumer = new FrameConsumer(sab);
      const waiting = consumer.waitForDataAsync(5_000);
      setTimeout(() => producer.offer(new Uint8Array(1), 1), 5);
      expect(await waiting).toBe(true);
      expect(consumer.poll(() => {})).toBe(1);
      const closed = consumer.waitForDataAsync(5_000);
      setTimeout(() => producer.close(), 5);
      expect(await closed).toBe(false);
      expect(consumer.producerClosed).toBe(true);
    }
  });

  it('a producer waiting for space wakes when the consumer releases, and put() fails fast on timeout', async () => {
    const sab = createRingBuffer({ kind: 'mpsc', capacityBytes: 256 });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    while (producer.offer(new Uint8Array(56), 1)) {}
    expect(() => producer.put(new Uint8Array(56), 1, 10)).toThrow(
      expect.objectContaining({ code: 'ETIMEDOUT' }),
    );
    const waiting = producer.putAsync(new Uint8Array(56), 1, 5_000);
    setTimeout(() => consumer.poll(() => {}, 1), 5);
    await waiting;
    expect(producer.stats.sleeps).toBeGreaterThan(0);
    consumer.close();
    await expect(producer.putAsync(new Uint8Array(56), 1, 5_000)).rejects.toMatchObject({ code: 'ECLOSED' });
  });
});
