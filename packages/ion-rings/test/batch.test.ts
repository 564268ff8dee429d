import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRingBuffer,
  FrameConsumer,
  FrameProducer,
  HEADER_BYTES,
  PADDING_TYPE,
  RingError,
} from '../src/index.js';
import { NEAR_WRAP, RING_VARIANTS } from './_variants.js';

/** The bytes of record `serial`: every byte depends on the serial and its place. */
function recordByte(serial: number, i: number): number {
  return (serial * 131 + i * 7 + 1) & 0xff;
}

describe.each(RING_VARIANTS)('$kind batch claims (shared: $shared)', ({ kind, shared }) => {
  it('offerRecords and tryClaimBatch move every record in order, intact, across the 2^32 wrap', () => {
    let records = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.integer({ min: 0, max: 70 }),
            count: fc.integer({ min: 1, max: 40 }),
            how: fc.constantFrom('records', 'claim', 'abort', 'single', 'staged'),
            limit: fc.integer({ min: 0, max: 50 }),
          }),
          { minLength: 1, maxLength: 120 },
        ),
        fc.integer({ min: 0, max: 512 }),
        (steps, startOffset) => {
          const sab = createRingBuffer({
            kind,
            capacityBytes: 4096,
            shared,
            initialPosition: (NEAR_WRAP + startOffset * 8) >>> 0,
          });
          const producer = new FrameProducer(sab);
          const consumer = new FrameConsumer(sab);
          const sent: { serial: number; size: number; type: number }[] = [];
          let serial = 0;
          let received = 0;
          const check = (type: number, bytes: Uint8Array, offset: number, length: number) => {
            const expected = sent[received++];
            expect(type).toBe(expected.type);
            expect(length).toBe(expected.size);
            for (let i = 0; i < length; i++) {
              if (bytes[offset + i] !== recordByte(expected.serial, i)) {
                throw new Error(`record ${expected.serial}: byte ${i} differs`);
              }
            }
          };
          for (const { size, count: asked, how, limit } of steps) {
            const count = Math.min(asked, Math.floor(2048 / ((size + 15) & ~7)));
            const type = 1 + ((serial + size) % 9);
            if (how === 'records' || how === 'single') {
              const n = how === 'single' ? 1 : count;
              const source = new Uint8Array(size * n + 3).subarray(how === 'single' ? 1 : 0);
              for (let r = 0; r < n; r++) {
                for (let i = 0; i < size; i++) source[r * size + i] = recordByte(serial + r, i);
              }
              if (producer.offerRecords(source, size, n, type)) {
                for (let r = 0; r < n; r++) sent.push({ serial: serial++, size, type });
              }
            } else {
              const batch = producer.tryClaimBatch(count, size, type);
              if (batch !== null) {
                expect(batch.count).toBe(count);
                expect(batch.offset % 8).toBe(0);
                for (let r = 0; r < count; r++) {
                  const at = batch.offsetOf(r);
                  expect(at + size).toBeLessThanOrEqual(HEADER_BYTES + 4096);
                  for (let i = 0; i < size; i++) batch.bytes[at + i] = recordByte(serial + r, i);
                }
                if (how === 'abort') batch.abort();
                else {
                  batch.commit(how !== 'staged');
                  if (how === 'staged') producer.publish();
                  for (let r = 0; r < count; r++) sent.push({ serial: serial++, size, type });
                }
              }
            }
            consumer.poll(check, limit === 0 ? Number.POSITIVE_INFINITY : limit);
          }
          consumer.poll(check);
          expect(received).toBe(sent.length);
          records += received;
        },
      ),
      { numRuns: 60, seed: 8 },
    );
    console.log(`${kind} batched records checked (shared: ${shared}): ${records}`);
  });

  it('one outstanding claim per producer: a batch blocks every other claim until it ends', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    expect(producer.tryClaimBatch(20, 16)).not.toBeNull(); // 20 * 24 = 480 bytes
    expect(() => producer.tryClaimBatch(1, 16)).toThrow(/outstanding/);
    expect(() => producer.tryClaim(1)).toThrow(/outstanding/);
    expect(() => producer.offer(new Uint8Array(1))).toThrow(/outstanding/);
    expect(() => producer.offerBatch([new Uint8Array(1)])).toThrow(/outstanding/);
  });

  it('commits once and refuses a second commit or abort', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    const batch = producer.tryClaimBatch(3, 4, 2)!;
    batch.commit();
    expect(() => batch.commit()).toThrow(/not outstanding/);
    expect(() => batch.abort()).toThrow(/not outstanding/);
    expect(new FrameConsumer(sab).poll(() => {})).toBe(3);
  });

  it('fills the ring, returns null when full, and flows again once the consumer drains', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    const source = new Uint8Array(16 * 8).fill(5);
    let batches = 0;
    while (producer.offerRecords(source, 16, 8, 1)) batches++;
    // One record block of 8 + 8 + 8 * 16 = 144 bytes per call: seven fit in 1024, 16 bytes left.
    expect(batches).toBe(7);
    expect(producer.tryClaimBatch(1, 16)).toBeNull(); // a 24-byte frame does not fit
    expect(consumer.poll(() => {})).toBe(56);
    // Ordinary frames, 8 of 24 bytes per batch: padding of 16 bytes, then five batches fit.
    let frames = 0;
    for (let batch = producer.tryClaimBatch(8, 16); batch !== null; batch = producer.tryClaimBatch(8, 16)) {
      batch.commit();
      frames += 8;
    }
    expect(frames).toBe(40);
    expect(producer.offerRecords(source, 16, 8, 1)).toBe(false);
    expect(consumer.poll(() => {})).toBe(40);
    expect(producer.offerRecords(source, 16, 8, 1)).toBe(true);
  });

  it('a reused source block (views made once) stays exact when its contents, counts and record size change', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1 << 16, shared });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    const backing = new Uint8Array(64 * 100 + 1);
    for (const block of [backing.subarray(0, 64 * 100), backing.subarray(1)]) {
      let serial = 0;
      let received = 0;
      for (const [recordBytes, count] of [
        [64, 10],
        [64, 10],
        [64, 40],
        [40, 7],
        [40, 7],
        [100, 64],
        [100, 64],
        [36, 5],
      ]) {
        for (let r = 0; r < count; r++) {
          for (let i = 0; i < recordBytes; i++) block[r * recordBytes + i] = recordByte(serial + r, i);
        }
        expect(producer.offerRecords(block, recordBytes, count, 2)).toBe(true);
        const first = serial;
        serial += count;
        consumer.poll((_type, bytes, offset, length) => {
          expect(length).toBe(recordBytes);
          for (let i = 0; i < length; i++) {
            if (bytes[offset + i] !== recordByte(first + (received % count), i)) {
              throw new Error(`record ${received}: byte ${i} differs`);
            }
          }
          received++;
        });
        received = 0;
      }
    }
  });

  it('checks its arguments', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    expect(() => producer.tryClaimBatch(0, 16)).toThrow(RangeError);
    expect(() => producer.tryClaimBatch(1.5, 16)).toThrow(RangeError);
    expect(() => producer.tryClaimBatch(22, 16)).toThrow(/half the capacity/); // 22 * 24 > 512
    expect(() => producer.tryClaimBatch(1, producer.maxPayloadBytes + 1)).toThrow(RangeError);
    expect(() => producer.tryClaimBatch(1, 8, 0)).toThrow(RangeError);
    expect(() => producer.offerRecords(new Uint8Array(10), 4, 3)).toThrow(RangeError);
    expect(producer.tryClaimBatch(21, 16)).not.toBeNull();
  });
});

describe('mpsc batch claims and peers', () => {
  it('frames of an uncommitted batch stay invisible; abort turns them into padding', () => {
    const sab = createRingBuffer({ kind: 'mpsc', capacityBytes: 1024 });
    const first = new FrameProducer(sab);
    const second = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    const batch = first.tryClaimBatch(4, 8, 3)!;
    second.offer(new Uint8Array([9]), 6);
    expect(consumer.poll(() => {})).toBe(0);
    batch.abort();
    const i32 = new Int32Array(sab);
    expect(i32[(batch.offset >> 2) - 1]).toBe(PADDING_TYPE);
    const types: number[] = [];
    expect(consumer.poll((type) => types.push(type))).toBe(1);
    expect(types).toEqual([6]);
  });

  it('a producer dead mid-batch: unblock() recovers its frames one by one, a late commit is EREVOKED', () => {
    const sab = createRingBuffer({ kind: 'mpsc', capacityBytes: 1024, initialPosition: 0xffff_ff80 });
    const slow = new FrameProducer(sab);
    const live = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    const batch = slow.tryClaimBatch(3, 16, 1)!;
    live.offer(new Uint8Array([1, 2]), 5);
    expect(consumer.poll(() => {})).toBe(0);
    // unblock() recovers the frame at the head; the poll after it passes the padding.
    let recovered = 0;
    const seen: number[] = [];
    while (consumer.unblock()) {
      recovered++;
      consumer.poll((type, bytes, offset) => seen.push(type, bytes[offset + 1]));
    }
    expect(recovered).toBe(3);
    expect(seen).toEqual([5, 2]);
    expect(() => batch.commit()).toThrow(expect.objectContaining({ code: 'EREVOKED' }));
  });

  it('a batch commit that finds a revoked frame throws, and the frames before it stay delivered', () => {
    const sab = createRingBuffer({ kind: 'mpsc', capacityBytes: 1024 });
    const producer = new FrameProducer(sab);
    const batch = producer.tryClaimBatch(3, 8, 1)!;
    // Frame 1 recovered as padding by a consumer that judged the producer dead.
    const i32 = new Int32Array(sab);
    const frame1 = (batch.offsetOf(1) >> 2) - 2;
    i32[frame1 + 1] = PADDING_TYPE;
    i32[frame1] = batch.stride;
    expect(() => batch.commit()).toThrow(RingError);
    const consumer = new FrameConsumer(sab);
    expect(consumer.poll(() => {})).toBe(1);
    expect(consumer.unblock()).toBe(true); // frame 2, never committed
    expect(consumer.poll(() => {})).toBe(0);
    expect(consumer.pendingBytes).toBe(0);
  });
});
