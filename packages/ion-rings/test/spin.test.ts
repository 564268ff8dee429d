import { describe, expect, it } from 'vitest';
import {
  COALESCE_BYTES,
  COALESCE_MAX_TURNS,
  COALESCE_MIN_TURNS,
  MAX_SPIN_US,
  nextCoalesceTurns,
  pause,
  SpinWindow,
} from '../src/_spin.js';
import { createRingBuffer, FrameConsumer, FrameProducer } from '../src/index.js';

describe('adaptive spin window', () => {
  it('doubles on a hit up to MAX_SPIN_US, halves on a miss down to no spin', () => {
    const window = new SpinWindow();
    expect(window.windowUs).toBe(10);
    for (let i = 0; i < 10; i++) window.hit();
    expect(window.windowUs).toBe(MAX_SPIN_US);
    const seen: number[] = [];
    while (window.windowUs > 0) {
      window.parked(0.005, true);
      seen.push(window.windowUs);
    }
    expect(seen).toEqual([50, 25, 12.5, 6.25, 3.125, 1.5625, 0]);
    expect(window.spinMs(1_000)).toBe(0);
  });

  it('probes again after short parks, backing off while probes fail, afresh after a hit', () => {
    const window = new SpinWindow();
    const parksBeforeProbe = (): number => {
      let parks = 0;
      while (window.windowUs === 0) {
        window.parked(0.005, true); // a short park that ended with work
        parks++;
      }
      return parks;
    };
    const failProbe = (): void => {
      expect(window.windowUs).toBe(MAX_SPIN_US); // a probe spins the full window
      window.parked(0.005, true); // and a failed one drops back to no spin at once
      expect(window.windowUs).toBe(0);
    };
    while (window.windowUs > 0) window.parked(0.005, true);
    const intervals = [];
    for (let i = 0; i < 12; i++) {
      intervals.push(parksBeforeProbe());
      failProbe();
    }
    expect(intervals).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1024, 1024]);
    // Long parks and timeouts never start a probe: an idle peer costs no spinning.
    for (let i = 0; i < 5_000; i++) window.parked(50, true);
    for (let i = 0; i < 5_000; i++) window.parked(0.001, false);
    expect(window.windowUs).toBe(0);
    window.parked(0.005, true);
    expect(parksBeforeProbe()).toBeGreaterThan(0);
    window.hit(); // the probe found work: the full window stays
    expect(window.windowUs).toBe(MAX_SPIN_US);
    while (window.windowUs > 0) window.parked(0.005, true); // halving again, as after any hit
    expect(parksBeforeProbe()).toBe(2);
  });

  it('spins the full window once after this end woke its peer, whatever the window', () => {
    const stats = { sleeps: 0, lazySleeps: 0, woken: 0, wakes: 0 };
    const window = new SpinWindow(stats);
    while (window.windowUs > 0) window.parked(0.005, true); // collapsed: no spin
    expect(window.spinMs(1_000)).toBe(0);
    stats.wakes++; // this end woke its peer: the peer answers within one wake-up latency
    expect(window.spinMs(1_000)).toBe(MAX_SPIN_US / 1000);
    expect(window.spinMs(1_000)).toBe(0); // once per wakeup sent
    stats.wakes++;
    expect(window.spinMs(0.02)).toBe(0.02); // still never past the timeout
    window.hit(); // the boosted spin found work: the window restarts
    expect(window.windowUs).toBe(10);
  });

  it('a wait that woke to a backlog (a quarter of the ring) counts as a hit', () => {
    const window = new SpinWindow();
    while (window.windowUs > 0) window.parked(0.005, true);
    window.parked(0.05, true, true);
    expect(window.windowUs).toBe(10);
    window.parked(0.05, true, true);
    expect(window.windowUs).toBe(20);
    window.parked(0.05, false, true); // timed out: no backlog to speak of
    expect(window.windowUs).toBe(10);
  });

  it('never spins past the wait timeout', () => {
    const window = new SpinWindow();
    expect(window.spinMs(0.001)).toBe(0.001);
    expect(window.spinMs(Number.POSITIVE_INFINITY)).toBe(0.01);
  });

  it('default waits on a shared ring return frames published before or during them', () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    expect(consumer.waitForData(1)).toBe(false); // spins its window, parks, times out
    producer.offer(new Uint8Array(3), 1);
    expect(consumer.waitForData(1_000)).toBe(true);
    expect(consumer.poll(() => {})).toBe(1);
    while (producer.offer(new Uint8Array(200), 1)) {}
    expect(producer.waitForSpace(200, 1)).toBe(false);
    consumer.poll(() => {}, 1);
    expect(producer.waitForSpace(200, 1_000)).toBe(true);
  });
});

describe('read coalescing', () => {
  it('starts at the minimum after a poll that found frames and doubles up to the maximum', () => {
    let turns = 0;
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      turns = nextCoalesceTurns(turns, 3, 72);
      seen.push(turns);
    }
    expect(seen[0]).toBe(COALESCE_MIN_TURNS);
    expect(seen[1]).toBe(COALESCE_MIN_TURNS * 2);
    expect(seen.at(-1)).toBe(COALESCE_MAX_TURNS);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
  });

  it('drops to no pause after a poll that found nothing or found the reader behind', () => {
    expect(nextCoalesceTurns(COALESCE_MAX_TURNS, 0, 0)).toBe(0);
    expect(nextCoalesceTurns(COALESCE_MAX_TURNS, 100, COALESCE_BYTES)).toBe(0);
    expect(nextCoalesceTurns(COALESCE_MAX_TURNS, 1, COALESCE_BYTES - 8)).toBe(COALESCE_MAX_TURNS);
  });

  it('pause is deterministic in its result (the JIT cannot drop it) and 0 turns is a no-op', () => {
    expect(pause(0, 42)).toBe(42);
    expect(pause(64, 1)).toBe(pause(64, 1));
    expect(pause(64, 1)).not.toBe(pause(63, 1));
  });

  it('a polling loop still sees every frame, in order, across pauses that grow and reset', () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 12 });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    const got: number[] = [];
    let next = 0;
    for (let round = 0; round < 200; round++) {
      const burst = round % 7;
      for (let i = 0; i < burst; i++) expect(producer.offer(new Uint8Array([next++ & 255]), 1)).toBe(true);
      consumer.poll((_type, bytes, offset) => got.push(bytes[offset]));
    }
    consumer.poll((_type, bytes, offset) => got.push(bytes[offset]));
    expect(got).toEqual(Array.from({ length: next }, (_, i) => i & 255));
  });
});
