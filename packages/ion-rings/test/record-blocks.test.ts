/**
 * Record blocks (SPEC.md, "Record blocks"): `offerRecords` writes N messages of one type and
 * size as one frame; the consumer hands them out one by one through `poll` and `tryRead`, with
 * limits, throwing handlers and hostile rewrites of the block header.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRingBuffer,
  FrameConsumer,
  FrameProducer,
  HEADER_BYTES,
  RECORD_BLOCK_HEADER_BYTES,
  RECORD_BLOCK_TYPE,
  RingError,
} from '../src/index.js';
import { NEAR_WRAP, RING_VARIANTS } from './_variants.js';

/** A block of `count` records of `size` bytes, record `i` starting with byte `first + i`. */
function block(first: number, count: number, size: number): Uint8Array {
  const bytes = new Uint8Array(count * size);
  for (let i = 0; i < count; i++)
    for (let k = 0; k < size; k++) bytes[i * size + k] = (first + i + k * 3) & 0xff;
  return bytes;
}

describe.each(RING_VARIANTS)('$kind record blocks (shared: $shared)', ({ kind, shared }) => {
  it('lays out one frame: frame header, block header, records back to back', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    expect(new FrameProducer(sab).offerRecords(block(10, 3, 5), 5, 3, 42)).toBe(true);
    const words = new Int32Array(sab, HEADER_BYTES, 4);
    expect(words[0]).toBe(8 + RECORD_BLOCK_HEADER_BYTES + 15);
    expect(words[1] >>> 0).toBe(RECORD_BLOCK_TYPE);
    expect(words[2]).toBe(42);
    expect(words[3]).toBe(5);
    expect([...new Uint8Array(sab, HEADER_BYTES + 16, 15)]).toEqual([...block(10, 3, 5)]);
  });

  it('one record, empty records or a block above the payload limit go as ordinary frames', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared, maxPayloadBytes: 64 });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    const types = () => new Int32Array(sab, HEADER_BYTES + 4, 1)[0] >>> 0;
    expect(producer.offerRecords(block(0, 1, 16), 16, 1, 3)).toBe(true);
    expect(types()).toBe(3);
    expect(consumer.poll(() => {})).toBe(1);
    expect(producer.offerRecords(new Uint8Array(0), 0, 4, 3)).toBe(true);
    expect(consumer.poll((_t, _b, _o, length) => expect(length).toBe(0))).toBe(4);
    const got: number[] = [];
    expect(producer.offerRecords(block(0, 5, 16), 16, 5, 3)).toBe(true); // 8 + 80 > 64
    expect(consumer.poll((_t, bytes, offset) => got.push(bytes[offset]))).toBe(5);
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('poll with a limit stops inside a block and resumes at the next record', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    producer.offerRecords(block(0, 10, 4), 4, 10, 7);
    producer.offer(new Uint8Array([99]), 8);
    const got: number[] = [];
    const take = (type: number, bytes: Uint8Array, offset: number) => got.push(type * 1000 + bytes[offset]);
    expect(consumer.poll(take, 3)).toBe(3);
    expect(consumer.pendingBytes).toBeGreaterThan(0); // the block's space is still held
    expect(consumer.poll(take, 6)).toBe(6);
    expect(consumer.poll(take, 1)).toBe(1); // the block's last record
    expect(consumer.poll(take)).toBe(1);
    expect(got).toEqual([...Array.from({ length: 10 }, (_, i) => 7000 + i), 8099]);
    expect(consumer.pendingBytes).toBe(0);
  });

  it('tryRead hands out one record at a time; the block is released with its last record', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    producer.offerRecords(block(20, 4, 8), 8, 4, 5);
    const held = consumer.pendingBytes;
    for (let i = 0; i < 4; i++) {
      const frame = consumer.tryRead();
      expect(frame).not.toBeNull();
      expect([frame!.type, frame!.length, frame!.bytes[frame!.offset]]).toEqual([5, 8, 20 + i]);
      expect(() => consumer.tryRead()).toThrow(/held/);
      frame!.release();
      expect(consumer.pendingBytes).toBe(i < 3 ? held : 0);
    }
    expect(consumer.tryRead()).toBeNull();
  });

  it('a handler that throws consumes its record; the next poll starts after it', () => {
    const sab = createRingBuffer({ kind, capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    producer.offerRecords(block(0, 5, 4), 4, 5, 1);
    producer.offerRecords(block(50, 2, 4), 4, 2, 1);
    const got: number[] = [];
    const failOn = (bad: number) => (_t: number, bytes: Uint8Array, offset: number) => {
      got.push(bytes[offset]);
      if (bytes[offset] === bad) throw new Error(`record ${bad}`);
    };
    expect(() => consumer.poll(failOn(2))).toThrow('record 2');
    expect(() => consumer.poll(failOn(4))).toThrow('record 4'); // the block's last record
    expect(consumer.poll(failOn(-1))).toBe(2);
    expect(got).toEqual([0, 1, 2, 3, 4, 50, 51]);
  });

  it('moves random blocks, frames and partial polls in order, intact, across the 2^32 wrap', () => {
    let records = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.integer({ min: 1, max: 30 }),
            count: fc.integer({ min: 1, max: 30 }), // at most 900 B: one block (payload limit 1016 B)
            limit: fc.integer({ min: 0, max: 20 }),
            read: fc.boolean(),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        (steps) => {
          const sab = createRingBuffer({ kind, capacityBytes: 4096, shared, initialPosition: NEAR_WRAP });
          const producer = new FrameProducer(sab);
          const consumer = new FrameConsumer(sab);
          const sent: { first: number; size: number }[] = [];
          let received = 0;
          const check = (type: number, bytes: Uint8Array, offset: number, length: number) => {
            const { first, size } = sent[received++];
            expect([type, length]).toEqual([size, size]);
            for (let k = 0; k < size; k++) expect(bytes[offset + k]).toBe((first + k * 3) & 0xff);
          };
          let serial = 0;
          for (const { size, count, limit, read } of steps) {
            if (producer.offerRecords(block(serial, count, size), size, count, size)) {
              for (let i = 0; i < count; i++) sent.push({ first: serial + i, size });
              serial += count;
            }
            if (read) {
              const frame = consumer.tryRead();
              if (frame) {
                check(frame.type, frame.bytes, frame.offset, frame.length);
                frame.release();
              }
            } else consumer.poll(check, limit === 0 ? Number.POSITIVE_INFINITY : limit);
          }
          consumer.poll(check);
          expect(received).toBe(sent.length);
          records += received;
        },
      ),
      { numRuns: 150, seed: 20261123 },
    );
    console.log(`${kind} record-block records checked (shared: ${shared}): ${records}`);
  });
});

describe.each(['spsc', 'mpsc'] as const)('%s record blocks from a hostile peer', (kind) => {
  /** A ring holding one block of 4 records of 8 bytes, and the block's header words. */
  function ringWithBlock(): { consumer: FrameConsumer; words: Int32Array } {
    const sab = createRingBuffer({ kind, capacityBytes: 1024 });
    new FrameProducer(sab).offerRecords(block(0, 4, 8), 8, 4, 9);
    return { consumer: new FrameConsumer(sab), words: new Int32Array(sab, HEADER_BYTES, 4) };
  }

  const cases: [string, (words: Int32Array) => void, RegExp][] = [
    ['a record type of 0 (padding)', (w) => (w[2] = 0), /record type 0/],
    ['a record type that is a block', (w) => (w[2] = RECORD_BLOCK_TYPE | 0), /record type 4294967295/],
    ['a record size of 0', (w) => (w[3] = 0), /whole records of 0/],
    ['a negative record size', (w) => (w[3] = -8), /whole records of -8/],
    ['a record size that does not divide the block', (w) => (w[3] = 5), /whole records of 5/],
    ['a record size above the block', (w) => (w[3] = 40), /whole records of 40/],
    ['a frame too short for the block header', (w) => (w[0] = 12), /whole records/],
  ];
  for (const [name, corrupt, message] of cases) {
    it(`${name}: EBADFRAME through poll and tryRead, nothing handed out`, () => {
      for (const read of [false, true]) {
        const { consumer, words } = ringWithBlock();
        corrupt(words);
        let handled = 0;
        const attempt = () => (read ? consumer.tryRead() : consumer.poll(() => handled++));
        expect(attempt).toThrow(RingError);
        expect(attempt).toThrow(message);
        expect(handled).toBe(0);
      }
    });
  }

  it('a block rewritten to fewer records than were already read: EBADFRAME, no record twice', () => {
    const { consumer, words } = ringWithBlock();
    expect(consumer.poll(() => {}, 3)).toBe(3);
    words[3] = 16; // the same 32 bytes now hold 2 records
    expect(() => consumer.poll(() => {})).toThrow(/now holds 2 records, 3 were already read/);
  });
});
