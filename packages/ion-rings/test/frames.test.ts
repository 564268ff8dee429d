import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRingBuffer,
  FrameConsumer,
  FrameProducer,
  HEADER_BYTES,
  Offset,
  RingError,
} from '../src/index.js';
import { NEAR_WRAP, RING_VARIANTS } from './_variants.js';

function fill(payload: Uint8Array, seed: number): Uint8Array {
  for (let i = 0; i < payload.length; i++) payload[i] = (seed * 31 + i * 7) & 0xff;
  return payload;
}

describe.each(RING_VARIANTS)('$kind frames (shared: $shared)', ({ kind, shared }) => {
  it('moves random-size frames in order across the 2^32 wrap, with claims, aborts and batches', () => {
    let frames = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 9 })), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.integer({ min: 0, max: 512 }),
        (ops, startOffset) => {
          const sab = createRingBuffer({
            kind,
            capacityBytes: 2048,
            shared,
            initialPosition: (NEAR_WRAP + startOffset * 8) >>> 0,
          });
          const producer = new FrameProducer(sab);
          const consumer = new FrameConsumer(sab);
          const expected: { type: number; payload: Uint8Array }[] = [];
          let seq = 0;
          let received = 0;
          const check = (type: number, bytes: Uint8Array, offset: number, length: number) => {
            const want = expected[received++];
            expect(type).toBe(want.type);
            expect(length).toBe(want.payload.length);
            expect(bytes.subarray(offset, offset + length)).toEqual(want.payload);
          };
          for (const [size, action] of ops) {
            const payload = fill(new Uint8Array(size), seq++);
            const type = (payload[0] ?? 0) + 1;
            if (action <= 3) {
              if (producer.offer(payload, type)) expected.push({ type, payload });
            } else if (action === 4) {
              const claim = producer.tryClaim(size, type);
              if (claim) {
                claim.bytes.set(payload, claim.offset);
                claim.commit();
                expected.push({ type, payload });
              }
            } else if (action === 5) {
              const claim = producer.tryClaim(size, 77);
              if (claim) {
                claim.bytes.fill(0xee, claim.offset, claim.offset + size);
                claim.abort();
              }
            } else if (action === 6) {
              const batch = [payload, fill(new Uint8Array(size >> 1), seq++), fill(new Uint8Array(3), seq++)];
              const written = producer.offerBatch(batch, 9);
              for (let i = 0; i < written; i++) expected.push({ type: 9, payload: batch[i] });
            } else if (action === 7) {
              const frame = consumer.tryRead();
              if (frame) {
                check(frame.type, frame.bytes, frame.offset, frame.length);
                frame.release();
              }
            } else {
              consumer.poll(check, action === 8 ? 2 : Number.POSITIVE_INFINITY);
            }
          }
          consumer.poll(check);
          expect(received).toBe(expected.length);
          frames += received;
        },
      ),
      { numRuns: 500, seed: 8 },
    );
    console.log(`${kind} frames checked (shared: ${shared}): ${frames}`);
  });
});

describe.each(RING_VARIANTS)(
  '$kind: a reused encode buffer (word copy of small payloads)',
  ({ kind, shared }) => {
    it('copies the current bytes of a reused, odd-length, misaligned or resized payload', () => {
      const sab = createRingBuffer({ kind, capacityBytes: 4096, shared, initialPosition: NEAR_WRAP });
      const producer = new FrameProducer(sab);
      const consumer = new FrameConsumer(sab);
      const backing = new Uint8Array(64);
      // A resizable buffer (ES2024; the repo's TypeScript lib predates it): a length-tracking view.
      type Resizable = ArrayBuffer & { resize(byteLength: number): void };
      const ResizableBuffer = ArrayBuffer as unknown as new (
        byteLength: number,
        options: { maxByteLength: number },
      ) => Resizable;
      const resizable = new ResizableBuffer(32, { maxByteLength: 64 });
      const sources = [
        backing.subarray(0, 16),
        backing.subarray(0, 13),
        backing.subarray(1, 17),
        backing.subarray(4, 36),
        new Uint8Array(resizable),
      ];
      let checked = 0;
      for (let round = 0; round < 600; round++) {
        const source = sources[Math.floor(round / 40) % sources.length];
        if (source.buffer === resizable && round % 7 === 0) resizable.resize(4 + ((round * 4) % 60));
        fill(source, round);
        const expected = source.slice();
        const batch = [source, source];
        const sent = round % 3 === 0 ? producer.offerBatch(batch, 5) : Number(producer.offer(source, 5));
        expect(sent).toBeGreaterThan(0);
        for (let i = 0; i < sent; i++) {
          const frame = consumer.tryRead();
          expect(frame).not.toBeNull();
          expect(frame!.type).toBe(5);
          expect(frame!.view()).toEqual(expected);
          frame!.release();
          checked++;
        }
      }
      expect(consumer.tryRead()).toBeNull();
      expect(checked).toBeGreaterThan(600);
    });
  },
);

describe('frame ring boundaries', () => {
  it('pads at the end of the data region and never splits a frame', () => {
    const sab = createRingBuffer({
      kind: 'spsc',
      capacityBytes: 256,
      maxPayloadBytes: 120,
      initialPosition: 0xffff_ff00,
    });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    expect(producer.offer(new Uint8Array(40), 5)).toBe(true); // 48 bytes at index 0
    consumer.poll(() => {});
    expect(producer.offer(new Uint8Array(120), 5)).toBe(true); // 128 bytes at index 48
    consumer.poll(() => {});
    // 176 used; 80 left before the end: an 88-byte frame pads 80 and goes to index 0.
    expect(producer.offer(new Uint8Array(80), 6)).toBe(true);
    const i32 = new Int32Array(sab);
    expect(i32[(HEADER_BYTES + 176) >> 2]).toBe(80);
    expect(i32[(HEADER_BYTES + 180) >> 2]).toBe(0);
    const seen: number[] = [];
    consumer.poll((type, _b, offset) => seen.push(type, offset - HEADER_BYTES));
    expect(seen).toEqual([6, 8]);
    expect(Atomics.load(i32, Offset.head >> 2) >>> 0).toBe((0xffff_ff00 + 176 + 80 + 88) >>> 0);
  });

  it('fails fast when full and succeeds once the consumer releases', () => {
    for (const kind of ['spsc', 'mpsc'] as const) {
      const sab = createRingBuffer({ kind, capacityBytes: 256, initialPosition: 0xffff_fff8 });
      const producer = new FrameProducer(sab);
      const consumer = new FrameConsumer(sab);
      // 8 bytes to the end: the first frame pads them, then 7 frames of 32 fill 232 of 256.
      let n = 0;
      while (producer.offer(new Uint8Array(24), 1)) n++;
      expect(n).toBe(7);
      expect(producer.tryClaim(24, 1)).toBeNull();
      expect(consumer.poll(() => {}, 1)).toBe(1);
      expect(producer.offer(new Uint8Array(24), 1)).toBe(true);
      expect(consumer.poll(() => {})).toBe(7);
    }
  });

  it('rejects bad arguments at the door', () => {
    const sab = createRingBuffer({ kind: 'mpsc', capacityBytes: 1024 });
    const producer = new FrameProducer(sab);
    expect(() => producer.tryClaim(-1)).toThrow(RangeError);
    expect(() => producer.tryClaim(producer.maxPayloadBytes + 1)).toThrow(RangeError);
    expect(() => producer.tryClaim(1, 0)).toThrow(RangeError);
    expect(() => producer.tryClaim(1.5)).toThrow(RangeError);
    expect(() => createRingBuffer({ kind: 'spsc', capacityBytes: 1000 })).toThrow(RangeError);
    expect(() => createRingBuffer({ kind: 'spsc', capacityBytes: 1024, initialPosition: 3 })).toThrow(
      RangeError,
    );
    expect(() => new FrameProducer(new ArrayBuffer(2048))).toThrow(RingError);
  });

  it('one outstanding claim per producer is asserted', () => {
    const producer = new FrameProducer(createRingBuffer({ kind: 'spsc', capacityBytes: 1024 }));
    producer.tryClaim(4);
    expect(() => producer.tryClaim(4)).toThrow(/one outstanding claim/);
  });

  it('staged frames stay invisible until publish (batched publication)', () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    for (let i = 0; i < 3; i++) producer.tryClaim(8, 2)!.commit(false);
    expect(consumer.poll(() => {})).toBe(0);
    producer.publish();
    expect(consumer.poll(() => {})).toBe(3);
  });
});
