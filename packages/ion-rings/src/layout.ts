/**
 * The shared header and frame layout, byte for byte as SPEC.md gives it. Every offset here is
 * checked against SPEC.md's tables by test/spec.test.ts.
 *
 * ```
 *  0        128       256       384       512                      512 + capacity
 *  +--------+---------+---------+---------+------------------------+
 *  |identity| producer| consumer|  wakeup |   data (power of two)  |
 *  +--------+---------+---------+---------+------------------------+
 * ```
 *
 * Each block is 128 bytes: one cache line on x86 and Apple M-series 128-byte lines, and two lines
 * on x86 so the adjacent-line prefetcher never couples the tail with the head (the reason Aeron
 * and the Disruptor pad to 128 bytes as well).
 */
import { RingError } from './errors.js';

/**
 * Magic number at offset 0: the bytes `I` `O` `N` `R` read as a little-endian u32.
 *
 * @example
 * ```ts
 * import { RING_MAGIC } from '@nexus/ion-rings';
 * const isRing = (sab: SharedArrayBuffer) => new Uint32Array(sab, 0, 1)[0] === RING_MAGIC;
 * ```
 */
export const RING_MAGIC = 0x524e4f49;
/**
 * Version of the header and frame layout described by SPEC.md.
 *
 * @example
 * ```ts
 * import { LAYOUT_VERSION } from '@nexus/ion-rings';
 * LAYOUT_VERSION; // 1
 * ```
 */
export const LAYOUT_VERSION = 1;
/**
 * Size of the shared header in bytes; the data region starts here.
 *
 * @example
 * ```ts
 * import { HEADER_BYTES } from '@nexus/ion-rings';
 * const bufferBytes = HEADER_BYTES + 4096; // a ring of 4 KiB
 * ```
 */
export const HEADER_BYTES = 512;

/**
 * Byte offsets of the header fields (SPEC.md, "Shared header").
 *
 * @example
 * ```ts
 * import { createRingBuffer, Offset } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
 * Atomics.load(new Int32Array(sab), Offset.tail >> 2); // the producer's position
 * ```
 */
export const Offset = {
  /** u32 magic number, {@link RING_MAGIC}. */
  magic: 0,
  /** u32 layout version, {@link LAYOUT_VERSION}. */
  layoutVersion: 4,
  /** u32 ring kind, see {@link Kind}. */
  kind: 8,
  /** u32 size of the data region in bytes. */
  capacityBytes: 12,
  /** u32 largest frame payload (frame kinds). */
  maxPayloadBytes: 16,
  /** u32 value both counters started from. */
  initialPosition: 20,
  /** u32 producer position (atomic), alone in its 128-byte block. */
  tail: 128,
  /** u32 consumer position (atomic), alone in its 128-byte block. */
  head: 256,
  /** 1 while the consumer announces or performs a sleep (atomic). */
  consumerWaiting: 384,
  /** Futex word the consumer sleeps on; producers add 1 to wake it (atomic). */
  dataSignal: 388,
  /** Number of producers sleeping for space (atomic). */
  producersWaiting: 392,
  /** Futex word producers sleep on; the consumer adds 1 to wake them (atomic). */
  spaceSignal: 396,
  /** Closed bits, see {@link State} (atomic). */
  state: 400,
} as const;

/**
 * Ring kinds stored at offset 8 (SPEC.md, "Kinds").
 *
 * @example
 * ```ts
 * import { Kind } from '@nexus/ion-rings';
 * Kind.mpsc; // 3
 * ```
 */
export const Kind = {
  /** SPSC byte stream. */
  bytes: 1,
  /** SPSC frames, published by the tail. */
  spsc: 2,
  /** Multi-producer frames, published by their length word. */
  mpsc: 3,
} as const;

/**
 * Bits of the `state` word (SPEC.md, "State word").
 *
 * @example
 * ```ts
 * import { Offset, State } from '@nexus/ion-rings';
 * const closed = (i32: Int32Array) => (Atomics.load(i32, Offset.state >> 2) & State.producerClosed) !== 0;
 * ```
 */
export const State = {
  /** The producing side ended the stream. */
  producerClosed: 1,
  /** The consuming side stopped reading. */
  consumerClosed: 2,
} as const;

/**
 * Frame header size: `[length i32][type u32]` (SPEC.md, "Frames").
 *
 * @example
 * ```ts
 * import { FRAME_HEADER_BYTES } from '@nexus/ion-rings';
 * const frameBytes = FRAME_HEADER_BYTES + 16; // a 16-byte message
 * ```
 */
export const FRAME_HEADER_BYTES = 8;
/**
 * Frame alignment in bytes: every frame starts on a multiple of it.
 *
 * @example
 * ```ts
 * import { FRAME_ALIGNMENT } from '@nexus/ion-rings';
 * FRAME_ALIGNMENT; // 8
 * ```
 */
export const FRAME_ALIGNMENT = 8;
/**
 * Frame type of a padding frame: skipped by consumers.
 *
 * @example
 * ```ts
 * import { PADDING_TYPE } from '@nexus/ion-rings';
 * PADDING_TYPE; // 0
 * ```
 */
export const PADDING_TYPE = 0;
/**
 * Lowest frame type reserved for Nexus protocols (the service channel); user types are below.
 *
 * @example
 * ```ts
 * import { RESERVED_TYPE_MIN } from '@nexus/ion-rings';
 * const isApplicationType = (type: number) => type > 0 && type < RESERVED_TYPE_MIN;
 * ```
 */
export const RESERVED_TYPE_MIN = 0x8000_0000;
/**
 * Frame type of a record block: one frame holding several messages of one type and one size
 * (SPEC.md, "Record blocks"), written by `offerRecords` and read by consumers as that many
 * messages. The largest u32, never an application or service type.
 *
 * @example
 * ```ts
 * import { RECORD_BLOCK_TYPE } from '@nexus/ion-rings';
 * RECORD_BLOCK_TYPE; // 0xffffffff
 * ```
 */
export const RECORD_BLOCK_TYPE = 0xffff_ffff;
/** Bytes of a record block's own header after the frame header: record type, record size. */
export const RECORD_BLOCK_HEADER_BYTES = 8;
/** Largest frame type a producer may give: every u32 but padding and {@link RECORD_BLOCK_TYPE}. */
export const MAX_FRAME_TYPE = 0xffff_fffe;

/**
 * Smallest capacity accepted, in bytes.
 *
 * @example
 * ```ts
 * import { MIN_CAPACITY_BYTES } from '@nexus/ion-rings';
 * MIN_CAPACITY_BYTES; // 256
 * ```
 */
export const MIN_CAPACITY_BYTES = 256;
/**
 * Largest capacity accepted, in bytes: 2^30 keeps `tail - head` unambiguous in 32 bits.
 *
 * @example
 * ```ts
 * import { MAX_CAPACITY_BYTES } from '@nexus/ion-rings';
 * MAX_CAPACITY_BYTES; // 1073741824
 * ```
 */
export const MAX_CAPACITY_BYTES = 1 << 30;

/**
 * The name of a ring kind.
 *
 * @example
 * ```ts
 * import type { RingKind } from '@nexus/ion-rings';
 * const kind: RingKind = 'mpsc';
 * ```
 */
export type RingKind = keyof typeof Kind;

/**
 * Options of {@link createRingBuffer}.
 *
 * @example
 * ```ts
 * import type { RingOptions } from '@nexus/ion-rings';
 * const options: RingOptions = { kind: 'spsc', capacityBytes: 1 << 16, shared: false };
 * ```
 */
export interface RingOptions {
  /** `bytes` (SPSC byte stream), `spsc` (SPSC frames) or `mpsc` (multi-producer frames). */
  kind: RingKind;
  /** Data capacity in bytes: a power of two from 256 to 2^30. */
  capacityBytes: number;
  /** Largest frame payload; frame kinds only. Default: a quarter of the capacity minus a header. */
  maxPayloadBytes?: number;
  /**
   * Use a `SharedArrayBuffer` (default: when the runtime offers one). `false` makes the
   * single-thread variant over a plain `ArrayBuffer`, with the same API.
   */
  shared?: boolean;
  /** First value of both counters (u32). Tests seed it near 2^32 so every run crosses the wrap. */
  initialPosition?: number;
}

/**
 * A validated view of a ring's memory, shared by every producer and consumer class.
 *
 * @example
 * ```ts
 * import { createRingBuffer, openRing } from '@nexus/ion-rings';
 * const { kind, capacity, shared } = openRing(createRingBuffer({ kind: 'mpsc', capacityBytes: 4096 }));
 * ```
 */
export interface RingMemory {
  /** The buffer holding header and data. */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  /** True when `buffer` is a `SharedArrayBuffer` (blocking waits are possible). */
  readonly shared: boolean;
  /** The whole buffer as 32-bit words (counters, frame headers). */
  readonly i32: Int32Array;
  /** The whole buffer as bytes. */
  readonly u8: Uint8Array;
  /** Ring kind from the header. */
  readonly kind: RingKind;
  /** Data capacity in bytes (power of two). */
  readonly capacity: number;
  /** `capacity - 1`. */
  readonly mask: number;
  /** Largest payload a frame may carry. */
  readonly maxPayload: number;
}

const kindNames: Record<number, RingKind> = { 1: 'bytes', 2: 'spsc', 3: 'mpsc' };

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/**
 * Allocates and formats a ring: header written, counters at `initialPosition`, data zeroed.
 * Hand the returned buffer to another thread (postMessage) and open ends on both sides.
 *
 * @example
 * ```ts
 * import { createRingBuffer, FrameProducer, FrameConsumer } from '@nexus/ion-rings';
 * const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 16 });
 * const producer = new FrameProducer(sab);
 * const consumer = new FrameConsumer(sab);
 * ```
 */
export function createRingBuffer(options: RingOptions): SharedArrayBuffer | ArrayBuffer {
  const { kind, capacityBytes } = options;
  if (!(kind in Kind)) throw new TypeError(`kind: expected 'bytes', 'spsc' or 'mpsc', got ${String(kind)}`);
  if (
    !isPowerOfTwo(capacityBytes) ||
    capacityBytes < MIN_CAPACITY_BYTES ||
    capacityBytes > MAX_CAPACITY_BYTES
  ) {
    throw new RangeError(
      `capacityBytes: a power of two from ${MIN_CAPACITY_BYTES} to 2^30, got ${capacityBytes}`,
    );
  }
  const defaultMax = kind === 'bytes' ? 0 : capacityBytes / 4 - FRAME_HEADER_BYTES;
  const maxPayload = options.maxPayloadBytes ?? defaultMax;
  if (
    kind !== 'bytes' &&
    (!Number.isInteger(maxPayload) || maxPayload < 0 || maxPayload > capacityBytes / 2 - 8)
  ) {
    throw new RangeError(`maxPayloadBytes: an integer from 0 to capacityBytes / 2 - 8, got ${maxPayload}`);
  }
  const initial = options.initialPosition ?? 0;
  if (
    !Number.isInteger(initial) ||
    initial < 0 ||
    initial > 0xffff_ffff ||
    (kind !== 'bytes' && initial % 8 !== 0)
  ) {
    throw new RangeError(`initialPosition: a u32 (a multiple of 8 for frame rings), got ${initial}`);
  }
  const canShare = typeof SharedArrayBuffer === 'function';
  const shared = options.shared ?? canShare;
  if (shared && !canShare) {
    throw new TypeError('shared: SharedArrayBuffer is unavailable here (browsers need COOP/COEP headers)');
  }
  const total = HEADER_BYTES + capacityBytes;
  const buffer = shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
  const i32 = new Int32Array(buffer);
  i32[Offset.magic >> 2] = RING_MAGIC;
  i32[Offset.layoutVersion >> 2] = LAYOUT_VERSION;
  i32[Offset.kind >> 2] = Kind[kind];
  i32[Offset.capacityBytes >> 2] = capacityBytes;
  i32[Offset.maxPayloadBytes >> 2] = maxPayload;
  i32[Offset.initialPosition >> 2] = initial | 0;
  Atomics.store(i32, Offset.head >> 2, initial | 0);
  Atomics.store(i32, Offset.tail >> 2, initial | 0);
  return buffer;
}

/**
 * Reads and validates a ring's header. Every producer and consumer constructor calls it; a
 * buffer that is not a well-formed ring is refused with a {@link RingError}.
 *
 * @example
 * ```ts
 * import { createRingBuffer, openRing } from '@nexus/ion-rings';
 * const memory = openRing(createRingBuffer({ kind: 'bytes', capacityBytes: 1024 }));
 * memory.capacity; // 1024
 * ```
 */
export function openRing(buffer: SharedArrayBuffer | ArrayBuffer): RingMemory {
  const shared = typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
  if (!shared && !(buffer instanceof ArrayBuffer))
    throw new TypeError('buffer: expected a SharedArrayBuffer or ArrayBuffer');
  if (buffer.byteLength < HEADER_BYTES + MIN_CAPACITY_BYTES || buffer.byteLength % 8 !== 0) {
    throw new RingError('EBADHEADER', `buffer of ${buffer.byteLength} bytes cannot hold a ring`);
  }
  const i32 = new Int32Array(buffer);
  if (i32[Offset.magic >> 2] !== RING_MAGIC)
    throw new RingError('EBADMAGIC', 'buffer does not start with the ring magic');
  const version = i32[Offset.layoutVersion >> 2];
  if (version !== LAYOUT_VERSION)
    throw new RingError('EBADVERSION', `layout version ${version}, this code reads ${LAYOUT_VERSION}`);
  const kind = kindNames[i32[Offset.kind >> 2]];
  if (!kind) throw new RingError('EBADHEADER', `unknown kind ${i32[Offset.kind >> 2]}`);
  const capacity = i32[Offset.capacityBytes >> 2];
  if (!isPowerOfTwo(capacity) || capacity < MIN_CAPACITY_BYTES || capacity > MAX_CAPACITY_BYTES) {
    throw new RingError('EBADHEADER', `capacity ${capacity} is not a power of two in range`);
  }
  if (HEADER_BYTES + capacity !== buffer.byteLength) {
    throw new RingError(
      'EBADHEADER',
      `capacity ${capacity} does not match a buffer of ${buffer.byteLength} bytes`,
    );
  }
  const maxPayload = i32[Offset.maxPayloadBytes >> 2];
  if (kind !== 'bytes' && (maxPayload < 0 || maxPayload > capacity / 2 - 8)) {
    throw new RingError('EBADHEADER', `maxPayloadBytes ${maxPayload} out of range`);
  }
  return { buffer, shared, i32, u8: new Uint8Array(buffer), kind, capacity, mask: capacity - 1, maxPayload };
}

/**
 * Rounds a frame length up to the frame alignment: the bytes a frame occupies in the ring.
 *
 * @example
 * ```ts
 * import { alignFrame } from '@nexus/ion-rings';
 * alignFrame(8 + 13); // 24
 * ```
 */
export function alignFrame(lengthBytes: number): number {
  return (lengthBytes + FRAME_ALIGNMENT - 1) & ~(FRAME_ALIGNMENT - 1);
}
