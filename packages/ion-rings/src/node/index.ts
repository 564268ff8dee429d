/**
 * Node.js streams over rings (`@nexus/ion-rings/node`): a `Readable` of a consumer and a
 * `Writable` into a producer, for code that speaks `stream.pipeline`.
 *
 * @module
 */
import { Readable, Writable } from 'node:stream';
import { type ReadAdapterOptions, readableStream } from '../adapters.js';
import { type ByteReader, ByteWriter } from '../byte-ring.js';
import type { FrameConsumer } from '../frame-consumer.js';
import type { FrameProducer } from '../frame-producer.js';

/**
 * A Node `Readable` of frame payloads (frame rings) or byte chunks (byte rings).
 *
 * @example
 * ```ts
 * import { ByteReader, createRingBuffer } from '@nexus/ion-rings';
 * import { nodeReadable } from '@nexus/ion-rings/node';
 * const readable = nodeReadable(new ByteReader(createRingBuffer({ kind: 'bytes', capacityBytes: 4096 })));
 * ```
 */
export function nodeReadable(source: FrameConsumer | ByteReader, options: ReadAdapterOptions = {}): Readable {
  return Readable.fromWeb(
    readableStream(source, options) as import('node:stream/web').ReadableStream<Uint8Array>,
  );
}

/**
 * A Node `Writable` into a ring: each chunk is one frame of `type` (frame rings) or is written
 * whole (byte rings). Ending the stream closes the producing side.
 *
 * @example
 * ```ts
 * import { ByteWriter, createRingBuffer } from '@nexus/ion-rings';
 * import { nodeWritable } from '@nexus/ion-rings/node';
 * const writable = nodeWritable(new ByteWriter(createRingBuffer({ kind: 'bytes', capacityBytes: 4096 })));
 * writable.end(Buffer.from('hello'));
 * ```
 */
export function nodeWritable(target: FrameProducer | ByteWriter, type = 1): Writable {
  return new Writable({
    write(chunk: Uint8Array, _encoding, callback) {
      const done = target instanceof ByteWriter ? target.writeAll(chunk) : target.putAsync(chunk, type);
      done.then(() => callback(), callback);
    },
    final(callback) {
      target.close();
      callback();
    },
  });
}
