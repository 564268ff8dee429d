/**
 * Adapters from ring ends to the standard ways of moving data in JavaScript: async iterators,
 * WHATWG streams and a pipe-like `read(n)`/`write(bytes)`. Each costs something over the raw
 * ring (a copy per chunk, a promise per chunk): bench/adapters.bench.ts measures how much.
 */
import { ByteReader, ByteWriter } from './byte-ring.js';
import { RingError } from './errors.js';
import type { FrameConsumer } from './frame-consumer.js';
import type { FrameProducer } from './frame-producer.js';

/** How often a closed ring with claims still in progress is re-checked, in ms. */
const CLOSED_POLL_MS = 5;

/**
 * A frame copied out of the ring by the adapters.
 *
 * @example
 * ```ts
 * import type { FrameChunk } from '@nexus/ion-rings';
 * const describe = (chunk: FrameChunk) => `${chunk.type}: ${chunk.payload.length} bytes`;
 * ```
 */
export interface FrameChunk {
  /** Frame type. */
  type: number;
  /** The payload (a copy: stays valid after the ring moves on). */
  payload: Uint8Array;
}

/**
 * Options of the reading adapters.
 *
 * @example
 * ```ts
 * import type { ReadAdapterOptions } from '@nexus/ion-rings';
 * const options: ReadAdapterOptions = { idleTimeoutMs: 5000, deadProducerTimeoutMs: 1000 };
 * ```
 */
export interface ReadAdapterOptions {
  /** Give up when no data arrives for this long, in ms (default: wait forever). */
  idleTimeoutMs?: number;
  /**
   * MPSC only: when the head frame stays claimed-but-uncommitted this long, in ms, call
   * {@link FrameConsumer.unblock} (dead-producer recovery). Default: never.
   */
  deadProducerTimeoutMs?: number;
}

/**
 * Yields every frame (copied) until the producing side closes and the ring is drained.
 *
 * @example
 * ```ts
 * import { createRingBuffer, FrameConsumer, FrameProducer, frames } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 4096 });
 * const producer = new FrameProducer(sab);
 * producer.offer(new Uint8Array([1]), 5);
 * producer.close();
 * for await (const { type, payload } of frames(new FrameConsumer(sab))) console.log(type, payload);
 * ```
 */
export async function* frames(
  consumer: FrameConsumer,
  options: ReadAdapterOptions = {},
): AsyncGenerator<FrameChunk> {
  const idle = options.idleTimeoutMs ?? Number.POSITIVE_INFINITY;
  const dead = options.deadProducerTimeoutMs;
  let lastProgress = performance.now();
  /** When the head frame was first seen claimed but not committed, or -1. */
  let stuckSince = -1;
  for (;;) {
    const frame = consumer.tryRead();
    if (frame !== null) {
      const chunk = {
        type: frame.type,
        payload: frame.bytes.slice(frame.offset, frame.offset + frame.length),
      };
      frame.release();
      lastProgress = performance.now();
      stuckSince = -1;
      yield chunk;
      continue;
    }
    // Claimed space with nothing readable: a claim in progress (or a dead producer), which the
    // end of the stream must wait for.
    const pending = consumer.pendingBytes > 0;
    if (consumer.producerClosed && !pending) return;
    const now = performance.now();
    if (!pending) stuckSince = -1;
    else if (stuckSince < 0) stuckSince = now;
    if (dead !== undefined && pending && now - stuckSince >= dead && consumer.unblock()) {
      stuckSince = -1;
      continue;
    }
    if (now - lastProgress >= idle) throw new RingError('ETIMEDOUT', `no frame within ${idle} ms`);
    let waitMs = idle - (now - lastProgress);
    if (dead !== undefined && pending) waitMs = Math.min(waitMs, Math.max(1, dead - (now - stuckSince)));
    // Once the producing side closed, waits return at once; sleep on a timer for the last claims.
    if (consumer.producerClosed)
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, CLOSED_POLL_MS)));
    else await consumer.waitForDataAsync(waitMs);
  }
}

/**
 * Yields chunks of up to `chunkBytes` from a byte ring until the writer closes.
 *
 * @example
 * ```ts
 * import { ByteReader, ByteWriter, chunks, createRingBuffer } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 4096 });
 * const writer = new ByteWriter(sab);
 * writer.write(new Uint8Array(10));
 * writer.close();
 * for await (const chunk of chunks(new ByteReader(sab))) console.log(chunk.length);
 * ```
 */
export async function* chunks(
  reader: ByteReader,
  chunkBytes = 65_536,
  options: ReadAdapterOptions = {},
): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = await reader.readSome(chunkBytes, options.idleTimeoutMs);
    if (chunk === null) return;
    yield chunk;
  }
}

/**
 * A WHATWG `ReadableStream` of the frames' payloads (frame rings) or of byte chunks (byte rings).
 *
 * @example
 * ```ts
 * import { ByteReader, createRingBuffer, readableStream } from '@nexus/ion-rings';
 * const stream = readableStream(new ByteReader(createRingBuffer({ kind: 'bytes', capacityBytes: 4096 })));
 * ```
 */
export function readableStream(
  source: FrameConsumer | ByteReader,
  options: ReadAdapterOptions = {},
): ReadableStream<Uint8Array> {
  const iterator: AsyncGenerator<Uint8Array> =
    source instanceof ByteReader
      ? chunks(source, 65_536, options)
      : (async function* () {
          for await (const chunk of frames(source, options)) yield chunk.payload;
        })();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      source.close();
      await iterator.return(undefined);
    },
  });
}

/**
 * A WHATWG `WritableStream` into a ring: each chunk becomes one frame of `type` (frame rings,
 * chunks up to the ring's payload limit) or is written whole (byte rings). Closing the stream
 * closes the producing side.
 *
 * @example
 * ```ts
 * import { ByteWriter, createRingBuffer, writableStream } from '@nexus/ion-rings';
 * const sink = writableStream(new ByteWriter(createRingBuffer({ kind: 'bytes', capacityBytes: 4096 })));
 * const writer = sink.getWriter();
 * await writer.write(new Uint8Array([1, 2, 3]));
 * ```
 */
export function writableStream(target: FrameProducer | ByteWriter, type = 1): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      if (target instanceof ByteWriter) await target.writeAll(chunk);
      else await target.putAsync(chunk, type);
    },
    close() {
      target.close();
    },
    abort() {
      target.close();
    },
  });
}

/**
 * The reading end of a pipe: `read(n)` resolves with up to `n` bytes, or null at end of stream.
 *
 * @example
 * ```ts
 * import { createRingBuffer, PipeReader, PipeWriter } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 4096 });
 * await new PipeWriter(sab).write(new Uint8Array([1, 2]));
 * const bytes = await new PipeReader(sab).read(16); // Uint8Array [1, 2]
 * ```
 */
export class PipeReader {
  readonly #reader: ByteReader;
  /** Opens the reading end of a byte ring. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.#reader = new ByteReader(buffer);
  }
  /** Up to `n` bytes once at least one is there; null at end of stream. */
  read(n: number, timeoutMs?: number): Promise<Uint8Array | null> {
    return this.#reader.readSome(n, timeoutMs);
  }
  /** Stops reading (the writer sees `ECLOSED`). */
  close(): void {
    this.#reader.close();
  }
}

/**
 * The writing end of a pipe: `write(bytes)` resolves once every byte is in the ring.
 *
 * @example
 * ```ts
 * import { createRingBuffer, PipeWriter } from '@nexus/ion-rings';
 * const pipe = new PipeWriter(createRingBuffer({ kind: 'bytes', capacityBytes: 4096 }));
 * await pipe.write(new TextEncoder().encode('hello'));
 * pipe.close();
 * ```
 */
export class PipeWriter {
  readonly #writer: ByteWriter;
  /** Opens the writing end of a byte ring. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.#writer = new ByteWriter(buffer);
  }
  /** Resolves once all of `bytes` is in the ring (waits for room as needed). */
  write(bytes: Uint8Array, timeoutMs?: number): Promise<void> {
    return this.#writer.writeAll(bytes, timeoutMs);
  }
  /** Ends the stream: the reader gets null after the remaining bytes. */
  close(): void {
    this.#writer.close();
  }
}
