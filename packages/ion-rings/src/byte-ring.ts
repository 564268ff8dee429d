/**
 * The SPSC byte ring: a pipe. The writer owns the tail, the reader owns the head; both are u32
 * byte positions compared with wrap-safe subtraction (SPEC.md, "Counters"). Bytes are copied in
 * and out in at most two pieces (before and after the end of the data region).
 *
 * Two APIs over the same ends: non-blocking `write`/`read` that move what fits, and the
 * pipe-like `writeAll`/`readSome` (and their blocking `Sync` forms for workers) that wait.
 */
import { SpinWindow, spinThenPark } from './_spin.js';
import { closeSide, readState, signalData, signalSpace, type WakeStats, waitUntil } from './_wake.js';
import { RingError } from './errors.js';
import { HEADER_BYTES, Offset, openRing, type RingMemory, State } from './layout.js';

const TAIL = Offset.tail >> 2;
const HEAD = Offset.head >> 2;

function openBytes(buffer: SharedArrayBuffer | ArrayBuffer): RingMemory {
  const mem = openRing(buffer);
  if (mem.kind !== 'bytes')
    throw new TypeError(`buffer: a ${mem.kind} frame ring; use FrameProducer/FrameConsumer`);
  return mem;
}

function checkedUsed(tail: number, head: number, capacity: number): number {
  const used = (tail - head) >>> 0;
  if (used > capacity)
    throw new RingError('EBADCOUNTER', `tail - head = ${used} exceeds capacity ${capacity}`, tail);
  return used;
}

function checkMaxBytes(maxBytes: number): void {
  if (!(maxBytes >= 1) || maxBytes !== Math.floor(maxBytes))
    throw new RangeError(`maxBytes: a positive integer, got ${maxBytes}`);
}

/**
 * The writing end of a byte ring.
 *
 * @example
 * ```ts
 * import { ByteReader, ByteWriter, createRingBuffer } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 1024 });
 * const writer = new ByteWriter(sab);
 * writer.write(new Uint8Array([1, 2, 3]));
 * const into = new Uint8Array(8);
 * new ByteReader(sab).read(into); // 3
 * ```
 */
export class ByteWriter {
  /** Slow-path counters: sleeps while full, wakeups sent to the reader. */
  readonly stats: WakeStats = { sleeps: 0, lazySleeps: 0, woken: 0, wakes: 0 };
  /** The adaptive spin window of the blocking waits. */
  readonly #spin = new SpinWindow(this.stats);
  readonly #mem: RingMemory;
  readonly #u8: Uint8Array;
  readonly #capacity: number;
  readonly #mask: number;
  #tail: number;
  /** The wait condition, allocated once. */
  readonly #roomReady = (): boolean => this.availableWrite > 0;
  /** After a wait: a quarter of the ring or more is free. */
  readonly #roomBacklog = (): boolean => this.availableWrite >= this.#capacity >> 2;

  /** Opens the writing end of a byte ring created by {@link createRingBuffer}. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.#mem = openBytes(buffer);
    this.#u8 = this.#mem.u8;
    this.#capacity = this.#mem.capacity;
    this.#mask = this.#mem.mask;
    this.#tail = Atomics.load(this.#mem.i32, TAIL) >>> 0;
  }

  /** Bytes that can be written now without waiting. */
  get availableWrite(): number {
    return this.#capacity - checkedUsed(this.#tail, Atomics.load(this.#mem.i32, HEAD) >>> 0, this.#capacity);
  }

  /** True once the reader closed its end. */
  get readerClosed(): boolean {
    return (readState(this.#mem) & State.consumerClosed) !== 0;
  }

  /**
   * Copies as much of `source` as fits and returns the count. With `publish = false` the bytes
   * are staged and become visible at the next `publish()` (batched publication).
   */
  write(source: Uint8Array, publish = true): number {
    const n = Math.min(source.length, this.availableWrite);
    if (n === 0) return 0;
    const index = this.#tail & this.#mask;
    const first = Math.min(n, this.#capacity - index);
    this.#u8.set(first === source.length ? source : source.subarray(0, first), HEADER_BYTES + index);
    if (first < n) this.#u8.set(source.subarray(first, n), HEADER_BYTES);
    this.#tail = (this.#tail + n) >>> 0;
    if (publish) this.publish();
    return n;
  }

  /** Makes staged bytes visible with one tail store and wakes a sleeping reader. */
  publish(): void {
    Atomics.store(this.#mem.i32, TAIL, this.#tail | 0);
    signalData(this.#mem, this.stats);
  }

  #writeAllCheck(): void {
    if (this.readerClosed) throw new RingError('ECLOSED', 'the reader closed the ring');
  }

  /** Why a `writeAll` wait ended with bytes left: the reader closed, or time ran out. */
  #writeAllFailed(unwritten: number, timeoutMs: number): never {
    this.#writeAllCheck();
    throw new RingError('ETIMEDOUT', `${unwritten} bytes still unwritten after ${timeoutMs} ms`);
  }

  /**
   * Pipe-style write: waits (without blocking the thread) until every byte of `source` is in the
   * ring. Throws `ECLOSED` if the reader closes first and `ETIMEDOUT` after `timeoutMs`.
   */
  async writeAll(source: Uint8Array, timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let done = 0;
    while (done < source.length) {
      this.#writeAllCheck();
      done += this.write(done === 0 ? source : source.subarray(done));
      if (done === source.length) return;
      const remaining = deadline - performance.now();
      if (remaining <= 0 || !(await waitUntil(this.#mem, 'space', this.#roomReady, remaining, this.stats)))
        this.#writeAllFailed(source.length - done, timeoutMs);
    }
  }

  /** Like {@link ByteWriter.writeAll}, blocking the thread (workers, Node's main thread). */
  writeAllSync(source: Uint8Array, timeoutMs = Number.POSITIVE_INFINITY): void {
    const deadline = performance.now() + timeoutMs;
    let done = 0;
    while (done < source.length) {
      this.#writeAllCheck();
      done += this.write(done === 0 ? source : source.subarray(done));
      if (done === source.length) return;
      const remaining = deadline - performance.now();
      if (
        remaining <= 0 ||
        !spinThenPark(
          this.#mem,
          'space',
          this.#roomReady,
          remaining,
          this.stats,
          this.#spin,
          undefined,
          this.#roomBacklog,
        )
      )
        this.#writeAllFailed(source.length - done, timeoutMs);
    }
  }

  /** Ends the stream: the reader drains what is left, then sees end of stream. */
  close(): void {
    this.publish();
    closeSide(this.#mem, State.producerClosed);
  }
}

/**
 * The reading end of a byte ring.
 *
 * @example
 * ```ts
 * import { ByteReader, ByteWriter, createRingBuffer } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 1024 });
 * const writer = new ByteWriter(sab);
 * writer.write(new TextEncoder().encode('ping'));
 * writer.close();
 * const reader = new ByteReader(sab);
 * const chunk = await reader.readSome(64); // 'ping' as bytes; null at end of stream
 * ```
 */
export class ByteReader {
  /** Slow-path counters: sleeps while empty, wakeups sent to the writer. */
  readonly stats: WakeStats = { sleeps: 0, lazySleeps: 0, woken: 0, wakes: 0 };
  /** The adaptive spin window of the blocking waits. */
  readonly #spin = new SpinWindow(this.stats);
  readonly #mem: RingMemory;
  readonly #u8: Uint8Array;
  readonly #capacity: number;
  readonly #mask: number;
  #head: number;
  /** The wait condition, allocated once. */
  readonly #dataReady = (): boolean => this.availableRead > 0;
  /** After a wait: a quarter of the ring or more is waiting to be read. */
  readonly #dataBacklog = (): boolean => this.availableRead >= this.#capacity >> 2;

  /** Opens the reading end of a byte ring created by {@link createRingBuffer}. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.#mem = openBytes(buffer);
    this.#u8 = this.#mem.u8;
    this.#capacity = this.#mem.capacity;
    this.#mask = this.#mem.mask;
    this.#head = Atomics.load(this.#mem.i32, HEAD) >>> 0;
  }

  /** Bytes that can be read now. */
  get availableRead(): number {
    return checkedUsed(Atomics.load(this.#mem.i32, TAIL) >>> 0, this.#head, this.#capacity);
  }

  /** True once the writer closed (bytes already in the ring can still be read). */
  get writerClosed(): boolean {
    return (readState(this.#mem) & State.producerClosed) !== 0;
  }

  /** Copies up to `target.length` bytes into `target` and returns the count (0 when empty). */
  read(target: Uint8Array): number {
    const n = Math.min(target.length, this.availableRead);
    if (n === 0) return 0;
    const index = this.#head & this.#mask;
    const first = Math.min(n, this.#capacity - index);
    target.set(this.#u8.subarray(HEADER_BYTES + index, HEADER_BYTES + index + first));
    if (first < n) target.set(this.#u8.subarray(HEADER_BYTES, HEADER_BYTES + n - first), first);
    this.#head = (this.#head + n) >>> 0;
    Atomics.store(this.#mem.i32, HEAD, this.#head | 0);
    signalSpace(this.#mem, this.stats);
    return n;
  }

  /**
   * Pipe-style read: waits (without blocking the thread) for at least one byte and returns up to
   * `maxBytes` of them in a new array, or null at end of stream. Throws `ETIMEDOUT`.
   */
  async readSome(maxBytes: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<Uint8Array | null> {
    checkMaxBytes(maxBytes);
    const ready = await waitUntil(this.#mem, 'data', this.#dataReady, timeoutMs, this.stats);
    return this.#take(maxBytes, ready, timeoutMs);
  }

  /** Like {@link ByteReader.readSome}, blocking the thread (workers, Node's main thread). */
  readSomeSync(maxBytes: number, timeoutMs = Number.POSITIVE_INFINITY): Uint8Array | null {
    checkMaxBytes(maxBytes);
    const ready = spinThenPark(
      this.#mem,
      'data',
      this.#dataReady,
      timeoutMs,
      this.stats,
      this.#spin,
      undefined,
      this.#dataBacklog,
    );
    return this.#take(maxBytes, ready, timeoutMs);
  }

  #take(maxBytes: number, ready: boolean, timeoutMs: number): Uint8Array | null {
    const available = this.availableRead;
    if (available === 0) {
      if (this.writerClosed) return null;
      if (!ready) throw new RingError('ETIMEDOUT', `no bytes within ${timeoutMs} ms`);
    }
    const out = new Uint8Array(Math.min(maxBytes, available));
    this.read(out);
    return out;
  }

  /** Stops reading: a writer waiting for space wakes and sees `ECLOSED`. */
  close(): void {
    closeSide(this.#mem, State.consumerClosed);
  }
}
