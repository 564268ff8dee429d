/**
 * Streaming FastCDC: chunk an input of any size with memory bounded by one `maxSize` buffer.
 *
 * A cut needs up to `maxSize` bytes ahead of the chunk start (or the end of input). The stream keeps
 * one window of `maxSize` bytes; when a write brings at least `maxSize` bytes and the window is
 * empty, chunks are cut straight from the caller's buffer with no copy. Chunks handed to the sink are
 * views valid only during the call; the async iterator yields owned copies.
 * @module
 */
import { assert } from './errors';
import { FastCdc, type FastCdcOptions } from './fastcdc';

/** Receives each chunk: `bytes` is a view valid only until the sink returns. */
export type ChunkSink = (bytes: Uint8Array, offset: number, hash: bigint) => void;

/** A chunk yielded by {@link chunkStream}: boundary plus an owned copy of its bytes. */
export interface StreamChunk {
  /** Offset of the chunk in the whole stream. */
  offset: number;
  /** Length in bytes (equals `data.length`). */
  length: number;
  /** Gear hash at the cut. */
  hash: bigint;
  /** The chunk's bytes (owned by the receiver). */
  data: Uint8Array;
}

/**
 * Push-style streaming chunker with a bounded window. Same cut points as {@link FastCdc.boundaries}
 * over the concatenated input, whatever the write sizes.
 *
 * @example
 * ```ts
 * import { CdcStream } from '@nexus/nexfs';
 * const s = new CdcStream({ minSize: 64, avgSize: 256, maxSize: 1024 });
 * const lengths: number[] = [];
 * s.write(new Uint8Array(3000), (bytes) => lengths.push(bytes.length));
 * s.end((bytes) => lengths.push(bytes.length));
 * console.log(lengths); // [1024, 1024, 952]
 * ```
 */
export class CdcStream {
  /** The chunker that finds the cut points. */
  readonly cdc: FastCdc;
  private readonly window: Uint8Array;
  /** Bytes held in `window[0, held)`. */
  private held = 0;
  /** Stream offset of `window[0]`. */
  private offset = 0;
  private ended = false;

  /** @param options - FastCDC parameters; the window is `maxSize` bytes. */
  constructor(options: FastCdcOptions | FastCdc) {
    this.cdc = options instanceof FastCdc ? options : new FastCdc(options);
    this.window = new Uint8Array(this.cdc.options.maxSize);
  }

  /** Bytes of memory this stream holds, whatever the input size. */
  get windowBytes(): number {
    return this.window.length;
  }

  /**
   * Feeds the next bytes of the stream; emits every chunk that is now certain.
   *
   * @example
   * ```ts
   * import { CdcStream } from '@nexus/nexfs';
   * const s = new CdcStream({ minSize: 64, avgSize: 256, maxSize: 1024 });
   * s.write(new Uint8Array(2048), (b, offset) => console.log(offset, b.length));
   * ```
   */
  write(bytes: Uint8Array, sink: ChunkSink): void {
    if (this.ended) throw new TypeError('write: stream already ended');
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes: expected a Uint8Array');
    const max = this.window.length;
    const cdc = this.cdc;
    let pos = 0;
    while (pos < bytes.length) {
      if (this.held === 0 && bytes.length - pos >= max) {
        // Zero-copy fast path: a full window is available in the caller's buffer.
        const length = cdc.cut(bytes, pos, pos + max);
        sink(bytes.subarray(pos, pos + length), this.offset, cdc.lastHash());
        this.offset += length;
        pos += length;
        continue;
      }
      const take = Math.min(max - this.held, bytes.length - pos);
      this.window.set(bytes.subarray(pos, pos + take), this.held);
      this.held += take;
      pos += take;
      if (this.held === max) this.drain(false, sink);
    }
  }

  /**
   * Ends the stream: emits the remaining chunks. The stream cannot be written after this.
   *
   * @example
   * ```ts
   * import { CdcStream } from '@nexus/nexfs';
   * const s = new CdcStream({ minSize: 64, avgSize: 256, maxSize: 1024 });
   * s.write(new Uint8Array(100), () => {});
   * s.end((b) => console.log(b.length)); // 100
   * ```
   */
  end(sink: ChunkSink): void {
    if (this.ended) return;
    this.ended = true;
    this.drain(true, sink);
    assert(this.held === 0, 'end drains the window');
  }

  /** Cuts chunks from the window while a cut is certain, then moves the tail to the front. */
  private drain(eof: boolean, sink: ChunkSink): void {
    const max = this.window.length;
    let start = 0;
    while (start < this.held && (eof || this.held - start >= max)) {
      const length = this.cdc.cut(this.window, start, this.held);
      sink(this.window.subarray(start, start + length), this.offset, this.cdc.lastHash());
      this.offset += length;
      start += length;
    }
    if (start > 0) {
      this.window.copyWithin(0, start, this.held);
      this.held -= start;
    }
  }
}

/** A byte source: a web ReadableStream or any (async) iterable of Uint8Array pieces. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

async function* pieces(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/**
 * Chunks a stream of any size with bounded memory (one `maxSize` window plus the chunks not yet
 * consumed from the current piece), yielding owned chunks in order.
 *
 * @example
 * ```ts
 * import { chunkStream, NEXFS_CDC_DEFAULTS } from '@nexus/nexfs';
 * const source = new Blob([new Uint8Array(1 << 20)]).stream();
 * for await (const chunk of chunkStream(source, NEXFS_CDC_DEFAULTS)) console.log(chunk.offset, chunk.length);
 * ```
 */
export async function* chunkStream(
  source: ByteSource,
  options: FastCdcOptions | FastCdc,
): AsyncGenerator<StreamChunk, void, undefined> {
  const stream = new CdcStream(options);
  const ready: StreamChunk[] = [];
  const sink: ChunkSink = (bytes, offset, hash) => {
    ready.push({ offset, length: bytes.length, hash, data: bytes.slice() });
  };
  for await (const piece of pieces(source)) {
    stream.write(piece, sink);
    while (ready.length > 0) yield ready.shift()!;
  }
  stream.end(sink);
  while (ready.length > 0) yield ready.shift()!;
}
