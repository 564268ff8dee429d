/**
 * The producing end of a frame ring: SPSC (`kind: 'spsc'`) or Aeron-style MPSC (`kind: 'mpsc'`).
 *
 * A frame is `[length i32][type u32][payload]`, 8-byte aligned, never split across the end of the
 * data region: when it would not fit before the end, a padding frame fills the rest (SPEC.md).
 *
 * - SPSC: the producer owns the tail. Frames are written with plain stores and become visible
 *   when the tail is stored (`Atomics.store`), once per frame or once per batch.
 * - MPSC: producers claim space with a compare-and-swap on the tail, write the header with a
 *   negative length (claimed, not committed), fill the payload and commit by swapping the length
 *   to positive. The consumer reads length words, not the tail, and zeroes what it consumed, so
 *   a zero length always means "not yet written" (Aeron's ManyToOneRingBuffer protocol).
 */
import { assert } from './_assert.js';
import { SpinWindow, spinThenPark } from './_spin.js';
import { closeSide, readState, signalData, type WakeStats, waitUntil } from './_wake.js';
import { BatchClaim, RecordSource } from './batch-claim.js';
import { RingError } from './errors.js';
import {
  HEADER_BYTES,
  MAX_FRAME_TYPE,
  Offset,
  openRing,
  PADDING_TYPE,
  RECORD_BLOCK_HEADER_BYTES,
  RECORD_BLOCK_TYPE,
  type RingMemory,
  State,
} from './layout.js';

const TAIL = Offset.tail >> 2;
const HEAD = Offset.head >> 2;
const CONSUMER_WAITING = Offset.consumerWaiting >> 2;
/** Compare-and-swap attempts per claim before reporting the ring as contended-full. */
const MAX_CLAIM_ATTEMPTS = 1 << 16;

/** True for a type a producer may give a frame: an integer from 1 to {@link MAX_FRAME_TYPE}. */
function isFrameType(type: number): boolean {
  return type >= 1 && type <= MAX_FRAME_TYPE && type % 1 === 0;
}

/** Throws the `RangeError` naming `type` unless it is a frame type ({@link isFrameType}). */
function checkType(type: number): void {
  if (!isFrameType(type)) throw new RangeError(`type: an integer from 1 to 2^32 - 2, got ${type}`);
}
/** Largest payload copied by 32-bit words rather than `TypedArray#set` (measured, see `#copy`). */
const WORD_COPY_MAX_BYTES = 32;
/** Successive head/tail snapshots more than a capacity apart before a claim reports corruption. */
const MAX_INCONSISTENT_READS = 1024;

/**
 * A claimed, writable region of the ring (a reusable flyweight: one per producer, no allocation).
 * Write `length` bytes at `bytes[offset ..]`, then `commit()` or `abort()`.
 *
 * @example
 * ```ts
 * import { createRingBuffer, FrameProducer } from '@nexus/ion-rings';
 * const producer = new FrameProducer(createRingBuffer({ kind: 'mpsc', capacityBytes: 4096 }));
 * const claim = producer.tryClaim(4, 7);
 * if (claim) {
 *   claim.bytes.set([1, 2, 3, 4], claim.offset);
 *   claim.commit();
 * }
 * ```
 */
export class Claim {
  /** The ring's whole memory as bytes; the payload lives at `offset`. */
  readonly bytes: Uint8Array;
  /** Byte offset of the payload in `bytes`. */
  offset = 0;
  /** Payload length in bytes. */
  length = 0;
  /** Frame type. */
  type = 0;
  /** @internal Word index of the frame header. */
  headerIndex = 0;
  /** @internal Frame length including the header. */
  frameLength = 0;
  /** @internal True between a claim and its commit or abort. */
  active = false;
  readonly #producer: FrameProducer;

  /** @internal */
  constructor(producer: FrameProducer, bytes: Uint8Array) {
    this.#producer = producer;
    this.bytes = bytes;
  }

  /** The payload as a view (allocates a view object; use `bytes`/`offset` on hot paths). */
  view(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.length);
  }

  /**
   * Makes the frame visible to the consumer. With `publish = false` (SPSC), the frame is staged
   * and becomes visible at the producer's next `publish()`: batched publication.
   */
  commit(publish = true): void {
    this.#producer.commitClaim(this, publish);
  }

  /** Gives the space back (SPSC) or turns it into padding (MPSC). */
  abort(): void {
    this.#producer.abortClaim(this);
  }
}

/**
 * The producing end of an `spsc` or `mpsc` frame ring. Open one per producing thread (any number
 * for `mpsc`, exactly one for `spsc`); each holds at most one outstanding claim.
 *
 * Backpressure: `offer`/`tryClaim` fail fast (return false/null) on a full ring; `put` blocks
 * (workers only) and `putAsync` awaits space, both with a timeout.
 *
 * @example
 * ```ts
 * import { createRingBuffer, FrameConsumer, FrameProducer } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 16 });
 * const producer = new FrameProducer(sab);
 * producer.offer(new TextEncoder().encode('hello'), 1);
 * new FrameConsumer(sab).poll((type, bytes, offset, length) => console.log(type, length));
 * ```
 */
export class FrameProducer {
  /** Slow-path counters: sleeps while the ring was full, wakeups sent to the consumer. */
  readonly stats: WakeStats = { sleeps: 0, lazySleeps: 0, woken: 0, wakes: 0 };
  readonly #mem: RingMemory;
  readonly #i32: Int32Array;
  readonly #u8: Uint8Array;
  readonly #capacity: number;
  readonly #mask: number;
  readonly #maxPayload: number;
  readonly #multi: boolean;
  readonly #claim: Claim;
  readonly #batch: BatchClaim;
  /** The source last given to `offerRecords` and the views made of it. */
  readonly #records = new RecordSource();
  /** SPSC: the producer's own tail (staged frames included); MPSC: unused. */
  #tail: number;
  /** Last head read from shared memory: a lower bound of the real head. */
  #headCache: number;
  /** Payload length the current wait is for, read by `#roomReady`. */
  #waitLength = 0;
  /** The payload last copied in, and the one copied by words through `#wordView` (see `#copy`). */
  #lastPayload: Uint8Array | null = null;
  #wordSource: Uint8Array | null = null;
  #wordView: Int32Array | null = null;
  /** The adaptive spin window of `waitForSpace`. */
  readonly #spin = new SpinWindow(this.stats);
  /** The wait condition, allocated once: waiting allocates nothing per call. */
  readonly #roomReady = (): boolean => this.#fits(this.#waitLength);
  /** After a wait: a quarter of the ring or more is free (the consumer drained while it slept). */
  readonly #roomBacklog = (): boolean => this.#fits(this.#capacity >> 2);

  /** Opens the producing end of a frame ring created by {@link createRingBuffer}. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    const mem = openRing(buffer);
    if (mem.kind === 'bytes') throw new TypeError('buffer: a byte ring; use ByteWriter');
    this.#mem = mem;
    this.#i32 = mem.i32;
    this.#u8 = mem.u8;
    this.#capacity = mem.capacity;
    this.#mask = mem.mask;
    this.#maxPayload = mem.maxPayload;
    this.#multi = mem.kind === 'mpsc';
    this.#tail = Atomics.load(mem.i32, TAIL) >>> 0;
    this.#headCache = Atomics.load(mem.i32, HEAD) >>> 0;
    this.#claim = new Claim(this, mem.u8);
    this.#batch = new BatchClaim(this, mem.u8, mem.i32);
  }

  /** Largest payload one frame may carry. */
  get maxPayloadBytes(): number {
    return this.#maxPayload;
  }

  /** True once the consumer closed its end. */
  get consumerClosed(): boolean {
    return (readState(this.#mem) & State.consumerClosed) !== 0;
  }

  /**
   * Claims room for one frame of `length` payload bytes and type `type` (1 to 2^32 - 2), or
   * returns null when the ring is full. The returned claim is this producer's flyweight.
   */
  tryClaim(length: number, type = 1): Claim | null {
    if (!(length >= 0 && length <= this.#maxPayload) || length !== (length | 0)) {
      throw new RangeError(`length: an integer from 0 to ${this.#maxPayload}, got ${length}`);
    }
    checkType(type);
    return this.#claimFrame(length, type);
  }

  /** One frame claimed (arguments already checked): the outstanding-claim rule, then the kind's claim. */
  #claimFrame(length: number, type: number): Claim | null {
    assert(
      !this.#claim.active && !this.#batch.active,
      'one outstanding claim per producer: commit or abort the previous one',
    );
    return this.#multi ? this.#claimMulti(length, type) : this.#claimSingle(length, type);
  }

  #freeBytes(tail: number): number {
    const used = (tail - this.#headCache) >>> 0;
    if (used > this.#capacity) {
      this.#headCache = Atomics.load(this.#i32, HEAD) >>> 0;
      const again = (tail - this.#headCache) >>> 0;
      if (again > this.#capacity)
        throw new RingError('EBADCOUNTER', `tail - head = ${again} exceeds capacity`, tail);
      return this.#capacity - again;
    }
    return this.#capacity - used;
  }

  #claimSingle(length: number, type: number): Claim | null {
    const frameLength = length + 8;
    const index = this.#reserveSingle((frameLength + 7) & ~7);
    if (index < 0) return null;
    const header = (HEADER_BYTES + index) >> 2;
    this.#i32[header] = frameLength;
    this.#i32[header + 1] = type | 0;
    return this.#fill(header, frameLength, length, type);
  }

  #claimMulti(length: number, type: number): Claim | null {
    const frameLength = length + 8;
    const index = this.#reserveMulti((frameLength + 7) & ~7);
    if (index < 0) return null;
    const header = (HEADER_BYTES + index) >> 2;
    this.#i32[header + 1] = type | 0;
    Atomics.store(this.#i32, header, -frameLength);
    return this.#fill(header, frameLength, length, type);
  }

  #fill(header: number, frameLength: number, length: number, type: number): Claim {
    const claim = this.#claim;
    claim.headerIndex = header;
    claim.frameLength = frameLength;
    claim.offset = (header << 2) + 8;
    claim.length = length;
    claim.type = type;
    claim.active = true;
    return claim;
  }

  /** @internal Called by {@link Claim.commit}. */
  commitClaim(claim: Claim, publish: boolean): void {
    assert(claim.active && claim === this.#claim, 'commit of a claim that is not outstanding');
    claim.active = false;
    if (this.#multi) {
      this.#markCommitted(claim);
      signalData(this.#mem, this.stats);
      return;
    }
    this.#tail = (this.#tail + ((claim.frameLength + 7) & ~7)) >>> 0;
    if (publish) this.publish();
  }

  /**
   * MPSC: flips the claimed frame's negative length to positive, making it visible. Throws
   * `EREVOKED` if the consumer already turned the claim into padding. Does not wake the consumer.
   */
  #markCommitted(claim: Claim): void {
    const prior = Atomics.compareExchange(
      this.#i32,
      claim.headerIndex,
      -claim.frameLength,
      claim.frameLength,
    );
    if (prior !== -claim.frameLength) {
      throw new RingError('EREVOKED', 'the consumer recovered this claim as padding before it was committed');
    }
  }

  /** @internal Called by {@link Claim.abort}. */
  abortClaim(claim: Claim): void {
    assert(claim.active && claim === this.#claim, 'abort of a claim that is not outstanding');
    claim.active = false;
    if (!this.#multi) return;
    const i32 = this.#i32;
    if (Atomics.load(i32, claim.headerIndex) !== -claim.frameLength) return;
    i32[claim.headerIndex + 1] = PADDING_TYPE;
    Atomics.compareExchange(i32, claim.headerIndex, -claim.frameLength, (claim.frameLength + 7) & ~7);
    signalData(this.#mem, this.stats);
  }

  /**
   * Claims room for `count` contiguous frames of `length` payload bytes and type `type`, with
   * one space check (SPSC) or one compare-and-swap on the tail (MPSC), and writes their headers
   * in one loop; returns null when the ring has no room for all of them. The frames together
   * (`count * stride` bytes) may span at most half the capacity. The returned batch is this
   * producer's flyweight; write the payloads, then `commit()` (one publication) or `abort()`.
   */
  tryClaimBatch(count: number, length: number, type = 1): BatchClaim | null {
    if (!(length >= 0 && length <= this.#maxPayload) || length !== (length | 0)) {
      throw new RangeError(`length: an integer from 0 to ${this.#maxPayload}, got ${length}`);
    }
    checkType(type);
    const stride = (length + 15) & ~7;
    const most = Math.floor(this.#capacity / 2 / stride);
    if (!(count >= 1 && count <= most) || count !== Math.floor(count)) {
      throw new RangeError(`count: an integer from 1 to ${most} (half the capacity), got ${count}`);
    }
    const batch = this.#batch;
    assert(
      !batch.active && !this.#claim.active,
      'one outstanding claim per producer: commit or abort the previous one',
    );
    const span = count * stride;
    const index = this.#multi ? this.#reserveMulti(span) : this.#reserveSingle(span);
    if (index < 0) return null;
    const i32 = this.#i32;
    const frameLength = length + 8;
    const strideWords = stride >> 2;
    const first = (HEADER_BYTES + index) >> 2;
    const t = type | 0;
    if (this.#multi) {
      // Claimed, not committed: negative lengths. Frame 0 last, by an atomic store: the frames
      // behind it are read only after the consumer has seen frame 0 committed.
      for (let i = 1, h = first + strideWords; i < count; i++, h += strideWords) {
        i32[h] = -frameLength;
        i32[h + 1] = t;
      }
      i32[first + 1] = t;
      Atomics.store(i32, first, -frameLength);
    } else {
      for (let i = 0, h = first; i < count; i++, h += strideWords) {
        i32[h] = frameLength;
        i32[h + 1] = t;
      }
    }
    batch.offset = (first << 2) + 8;
    batch.stride = stride;
    batch.count = count;
    batch.length = length;
    batch.type = type;
    batch.active = true;
    return batch;
  }

  /**
   * SPSC: finds room for `span` contiguous bytes after the staged frames, writing a padding
   * frame first when they would cross the end. Returns their index in the data region, or -1.
   */
  #reserveSingle(span: number): number {
    let tail = this.#tail;
    const index = tail & this.#mask;
    const toEnd = this.#capacity - index;
    const needed = span > toEnd ? toEnd + span : span;
    if (needed > this.#capacity - ((tail - this.#headCache) >>> 0)) {
      this.#headCache = Atomics.load(this.#i32, HEAD) >>> 0;
      if (needed > this.#freeBytes(tail)) return -1;
    }
    if (span <= toEnd) return index;
    const pad = (HEADER_BYTES + index) >> 2;
    this.#i32[pad] = toEnd;
    this.#i32[pad + 1] = PADDING_TYPE;
    tail = (tail + toEnd) >>> 0;
    this.#tail = tail;
    return 0;
  }

  /**
   * MPSC: claims `span` contiguous bytes with one compare-and-swap on the tail (padding the rest
   * of the data region first when they would cross the end). Returns their index, or -1.
   */
  #reserveMulti(span: number): number {
    const i32 = this.#i32;
    const capacity = this.#capacity;
    let inconsistent = 0;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const tail = Atomics.load(i32, TAIL) >>> 0;
      if ((tail & 7) !== 0) throw new RingError('EBADCOUNTER', `tail ${tail} is not 8-byte aligned`, tail);
      const index = tail & this.#mask;
      const toEnd = capacity - index;
      const needed = span > toEnd ? toEnd + span : span;
      let used = (tail - this.#headCache) >>> 0;
      if (used > capacity || needed > capacity - used) {
        this.#headCache = Atomics.load(i32, HEAD) >>> 0;
        used = (tail - this.#headCache) >>> 0;
        // Other producers and the consumer may have moved past this tail snapshot since it was
        // loaded (regression: "MPSC claim saw a stale tail behind a fresh head" threw
        // EBADCOUNTER under Bun). Retry with a fresh tail; only a gap that persists is corruption.
        if (used > capacity) {
          if (++inconsistent >= MAX_INCONSISTENT_READS) {
            throw new RingError('EBADCOUNTER', `tail - head = ${used} exceeds capacity`, tail);
          }
          continue;
        }
        if (needed > capacity - used) return -1;
      }
      if (Atomics.compareExchange(i32, TAIL, tail | 0, (tail + needed) | 0) !== (tail | 0)) continue;
      if (span <= toEnd) return index;
      const pad = (HEADER_BYTES + index) >> 2;
      i32[pad + 1] = PADDING_TYPE;
      Atomics.store(i32, pad, toEnd);
      return 0;
    }
    return -1;
  }

  /** @internal Called by {@link BatchClaim.commit}. */
  commitBatch(batch: BatchClaim, publish: boolean): void {
    assert(batch.active && batch === this.#batch, 'commit of a batch that is not outstanding');
    batch.active = false;
    const span = batch.count * batch.stride;
    if (!this.#multi) {
      this.#tail = (this.#tail + span) >>> 0;
      if (publish) this.publish();
      return;
    }
    const i32 = this.#i32;
    const frameLength = batch.length + 8;
    const strideWords = batch.stride >> 2;
    let h = (batch.offset >> 2) - 2;
    try {
      for (let i = 0; i < batch.count; i++, h += strideWords) {
        if (Atomics.compareExchange(i32, h, -frameLength, frameLength) !== -frameLength) {
          throw new RingError(
            'EREVOKED',
            `the consumer recovered frame ${i} of this batch as padding before it was committed`,
          );
        }
      }
    } finally {
      signalData(this.#mem, this.stats);
    }
  }

  /** @internal Called by {@link BatchClaim.abort}. */
  abortBatch(batch: BatchClaim): void {
    assert(batch.active && batch === this.#batch, 'abort of a batch that is not outstanding');
    batch.active = false;
    if (!this.#multi) return;
    const i32 = this.#i32;
    const frameLength = batch.length + 8;
    const strideWords = batch.stride >> 2;
    let h = (batch.offset >> 2) - 2;
    for (let i = 0; i < batch.count; i++, h += strideWords) {
      if (Atomics.load(i32, h) !== -frameLength) continue;
      i32[h + 1] = PADDING_TYPE;
      Atomics.compareExchange(i32, h, -frameLength, batch.stride);
    }
    signalData(this.#mem, this.stats);
  }

  /**
   * Copies `count` records of `recordBytes` each from `source` (record `i` at
   * `i * recordBytes`) into the ring as `count` messages of `type`, published at once; false,
   * with nothing written, when the ring has no room for all of them. Two records or more that
   * fit one frame go as one record block (SPEC.md, "Record blocks"): one frame header and one
   * 8-byte block header for all of them, the records back to back, one copy of the block. The
   * consumer hands them to its handler one by one, as it would separate frames. Otherwise (one
   * record, empty records, or more than a frame holds) they go as a batch of ordinary frames
   * ({@link FrameProducer.tryClaimBatch}).
   */
  offerRecords(
    source: Uint8Array,
    recordBytes: number,
    count = Math.floor(source.length / Math.max(1, recordBytes)),
    type = 1,
  ): boolean {
    if (!(count * recordBytes <= source.length)) {
      throw new RangeError(`source: ${count} records of ${recordBytes} B need more than ${source.length} B`);
    }
    const blockPayload = RECORD_BLOCK_HEADER_BYTES + count * recordBytes;
    const blockable = Number.isInteger(count) && Number.isInteger(recordBytes);
    if (blockable && count >= 2 && recordBytes >= 1 && blockPayload <= this.#maxPayload) {
      return this.#offerBlock(source, recordBytes, count, type);
    }
    const batch = this.tryClaimBatch(count, recordBytes, type);
    if (batch === null) return false;
    try {
      this.#records.copy(batch, source, recordBytes, count);
    } catch (error) {
      batch.abort();
      throw error;
    }
    this.commitBatch(batch, true);
    return true;
  }

  /**
   * `offerRecords` as one record block: the frame claimed as a single frame of type
   * {@link RECORD_BLOCK_TYPE}, the block header (record type, record size) and the records
   * written, then committed. Across two threads this moves 16 B messages in about 16 B each
   * instead of 24 (a frame header per message): DESIGN.md, "Record blocks".
   */
  #offerBlock(source: Uint8Array, recordBytes: number, count: number, type: number): boolean {
    checkType(type);
    const blockBytes = count * recordBytes;
    const claim = this.#claimFrame(RECORD_BLOCK_HEADER_BYTES + blockBytes, RECORD_BLOCK_TYPE);
    if (claim === null) return false;
    const word = claim.offset >> 2;
    this.#i32[word] = type | 0;
    this.#i32[word + 1] = recordBytes;
    this.#u8.set(this.#records.prefix(source, blockBytes), claim.offset + RECORD_BLOCK_HEADER_BYTES);
    this.commitClaim(claim, true);
    return true;
  }

  /**
   * Makes staged frames (`commit(false)`, `offerBatch`) visible with one tail store, then wakes
   * the consumer if it sleeps. A no-op for `mpsc`, where every commit is visible at once.
   */
  publish(): void {
    if (this.#multi) return;
    Atomics.store(this.#i32, TAIL, this.#tail | 0);
    signalData(this.#mem, this.stats);
  }

  /** Copies `payload` into one frame and publishes it; false when the ring is full. */
  offer(payload: Uint8Array, type = 1): boolean {
    if (!this.#multi) return this.#offerSingle(payload, type);
    const claim = this.tryClaim(payload.length, type);
    if (claim === null) return false;
    this.#copy(payload, claim.offset);
    this.commitClaim(claim, true);
    return true;
  }

  /**
   * SPSC fast path of `offer`: the claim, copy and commit inlined, with no flyweight traffic.
   * Publishes when `publish` is set.
   */
  #offerSingle(payload: Uint8Array, type: number, publish = true): boolean {
    if (this.#claim.active || this.#batch.active || !isFrameType(type)) {
      this.tryClaim(payload.length, type); // throws the argument error or the outstanding-claim assertion
    }
    if (!this.#stage(payload, type)) return false;
    if (publish) {
      const i32 = this.#i32;
      Atomics.store(i32, TAIL, this.#tail | 0);
      if (Atomics.load(i32, CONSUMER_WAITING) !== 0) signalData(this.#mem, this.stats);
    }
    return true;
  }

  /**
   * SPSC: writes one frame after the staged ones without publishing it; false when it does not
   * fit. The type and the outstanding claim are checked by the caller, once per call or batch
   * (hoisted out of `offerBatch`'s loop: 17.3 -> 14.6 ns per 16 B message, filling a 1 MiB ring
   * in one thread, best of 600 fills, Node 20).
   */
  #stage(payload: Uint8Array, type: number): boolean {
    const length = payload.length;
    if (length > this.#maxPayload) this.tryClaim(length, type); // throws the RangeError
    const frameLength = length + 8;
    const aligned = (frameLength + 7) & ~7;
    let tail = this.#tail;
    let index = tail & this.#mask;
    const toEnd = this.#capacity - index;
    const needed = aligned > toEnd ? toEnd + aligned : aligned;
    if (needed > this.#capacity - ((tail - this.#headCache) >>> 0)) {
      this.#headCache = Atomics.load(this.#i32, HEAD) >>> 0;
      if (needed > this.#freeBytes(tail)) return false;
    }
    const i32 = this.#i32;
    if (aligned > toEnd) {
      const pad = (HEADER_BYTES + index) >> 2;
      i32[pad] = toEnd;
      i32[pad + 1] = PADDING_TYPE;
      tail = (tail + toEnd) >>> 0;
      index = 0;
    }
    const header = (HEADER_BYTES + index) >> 2;
    i32[header] = frameLength;
    i32[header + 1] = type | 0;
    this.#copy(payload, HEADER_BYTES + index + 8);
    this.#tail = (tail + aligned) >>> 0;
    return true;
  }

  /**
   * Copies a payload into the ring at `offset` (8-byte aligned). `TypedArray#set` is a call into
   * the runtime, most of a 16 B offer's cost. A payload of at most {@link WORD_COPY_MAX_BYTES}
   * offered twice in a row (an encode buffer the caller reuses) gets a 32-bit view, made once,
   * and is copied by words: 14.6 -> 10.8 ns per 16 B message in `offerBatch` (same measurement
   * as `#stage`). Word copies lost to `set` from 64 B (20.0 against 18.7 ns), and byte loops
   * into shared memory lost at every size (22 ns for 16 B, 258 ns for 256 B), so `set` does
   * the rest. A payload never offered twice in a row always goes through `set`: no view is made
   * for it, nothing is allocated per message.
   */
  #copy(payload: Uint8Array, offset: number): void {
    const length = payload.length;
    if (length <= WORD_COPY_MAX_BYTES) {
      if (payload !== this.#wordSource && payload === this.#lastPayload) this.#adoptWordSource(payload);
      this.#lastPayload = payload;
      const words = this.#wordView;
      if (payload === this.#wordSource && words !== null && words.length === length >> 2) {
        const i32 = this.#i32;
        const base = offset >> 2;
        const count = words.length;
        for (let i = 0; i < count; i++) i32[base + i] = words[i];
        const u8 = this.#u8;
        for (let i = count << 2; i < length; i++) u8[offset + i] = payload[i];
        return;
      }
    }
    this.#u8.set(payload, offset);
  }

  /** Makes `payload` the word-copied source when its bytes start on a 4-byte boundary. */
  #adoptWordSource(payload: Uint8Array): void {
    if ((payload.byteOffset & 3) !== 0) return;
    this.#wordSource = payload;
    this.#wordView = new Int32Array(payload.buffer, payload.byteOffset, payload.length >> 2);
  }

  /**
   * Writes `payloads[start..end)` as frames of `type` and publishes them together (SPSC: one tail
   * store for the batch; MPSC: one claim per frame, one wakeup check per batch). Returns how
   * many frames were written from the front; fewer than asked when the ring filled.
   */
  offerBatch(payloads: readonly Uint8Array[], type = 1, start = 0, end = payloads.length): number {
    let i = start;
    if (this.#multi) {
      for (; i < end; i++) {
        const claim = this.tryClaim(payloads[i].length, type);
        if (claim === null) break;
        this.#copy(payloads[i], claim.offset);
        claim.active = false;
        this.#markCommitted(claim);
      }
      if (i > start) signalData(this.#mem, this.stats);
      return i - start;
    }
    if (i < end && (this.#claim.active || this.#batch.active || !isFrameType(type))) {
      this.tryClaim(payloads[i].length, type); // throws the argument error or the outstanding-claim assertion
    }
    for (; i < end; i++) if (!this.#stage(payloads[i], type)) break;
    if (i > start) this.publish();
    return i - start;
  }

  #fits(length: number): boolean {
    const aligned = (length + 15) & ~7;
    // Head before tail: the tail read second is never behind it in a healthy ring.
    this.#headCache = Atomics.load(this.#i32, HEAD) >>> 0;
    const tail = this.#multi ? Atomics.load(this.#i32, TAIL) >>> 0 : this.#tail;
    const index = tail & this.#mask;
    const toEnd = this.#capacity - index;
    const needed = aligned > toEnd ? toEnd + aligned : aligned;
    const used = (tail - this.#headCache) >>> 0;
    // A gap above the capacity (a race between the two reads, or corruption) is "no room yet":
    // the claim that follows re-reads both and reports corruption if it persists.
    return (used <= this.#capacity && needed <= this.#capacity - used) || this.consumerClosed;
  }

  /**
   * Blocks the thread (`Atomics.wait`; workers and Node's main thread) until a frame of `length`
   * payload bytes fits, or `timeoutMs` passes. Returns whether it fits. By default it first
   * re-checks for an adaptive window (up to {@link MAX_SPIN_US}); a `spinCount` replaces the
   * window with that many re-checks (`0`: sleep at once).
   */
  waitForSpace(length: number, timeoutMs = Number.POSITIVE_INFINITY, spinCount?: number): boolean {
    this.#waitLength = length;
    return spinThenPark(
      this.#mem,
      'space',
      this.#roomReady,
      timeoutMs,
      this.stats,
      this.#spin,
      spinCount,
      this.#roomBacklog,
    );
  }

  /** Like {@link FrameProducer.waitForSpace} without blocking the thread (`Atomics.waitAsync`). */
  waitForSpaceAsync(length: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.#waitLength = length;
    return waitUntil(this.#mem, 'space', this.#roomReady, timeoutMs, this.stats);
  }

  /** Why a `put`/`putAsync` wait ended without room: the consumer closed, or time ran out. */
  #putFailed(payload: Uint8Array, timeoutMs: number): never {
    if (this.consumerClosed) throw new RingError('ECLOSED', 'the consumer closed the ring');
    throw new RingError('ETIMEDOUT', `no room for ${payload.length} bytes within ${timeoutMs} ms`);
  }

  /**
   * Backpressure by waiting: offers `payload`, blocking while the ring is full. Throws
   * `ETIMEDOUT` after `timeoutMs` and `ECLOSED` when the consumer closed.
   */
  put(payload: Uint8Array, type = 1, timeoutMs = Number.POSITIVE_INFINITY): void {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.consumerClosed) throw new RingError('ECLOSED', 'the consumer closed the ring');
      if (this.offer(payload, type)) return;
      const remaining = deadline - performance.now();
      if (remaining <= 0 || !this.waitForSpace(payload.length, remaining))
        this.#putFailed(payload, timeoutMs);
    }
  }

  /** Like {@link FrameProducer.put} without blocking the thread. */
  async putAsync(payload: Uint8Array, type = 1, timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.consumerClosed) throw new RingError('ECLOSED', 'the consumer closed the ring');
      if (this.offer(payload, type)) return;
      const remaining = deadline - performance.now();
      if (remaining <= 0 || !(await this.waitForSpaceAsync(payload.length, remaining)))
        this.#putFailed(payload, timeoutMs);
    }
  }

  /** Marks the producing side closed (end of stream) and wakes the consumer. */
  close(): void {
    if (!this.#multi) this.publish();
    closeSide(this.#mem, State.producerClosed);
  }
}
