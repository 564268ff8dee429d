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

/** Magic number at offset 0: the bytes `I` `O` `N` `R` read as a little-endian u32. */
export const RING_MAGIC = 0x524e4f49;
/** Version of the header and frame layout described by SPEC.md. */
export const LAYOUT_VERSION = 1;
/** Size of the shared header in bytes; the data region starts here. */
export const HEADER_BYTES = 512;

/** Byte offsets of the header fields (SPEC.md, "Shared header"). */
export const Offset = {
  magic: 0,
  layoutVersion: 4,
  kind: 8,
  capacityBytes: 12,
  maxPayloadBytes: 16,
  initialPosition: 20,
  tail: 128,
  head: 256,
  consumerWaiting: 384,
  dataSignal: 388,
  producersWaiting: 392,
  spaceSignal: 396,
  state: 400,
} as const;

/** Ring kinds stored at offset 8 (SPEC.md, "Kinds"). */
export const Kind = { bytes: 1, spsc: 2, mpsc: 3 } as const;

/** Bits of the `state` word (SPEC.md, "State word"). */
export const State = { producerClosed: 1, consumerClosed: 2 } as const;

/** Frame header size; frames start on this alignment (SPEC.md, "Frames"). */
export const FRAME_HEADER_BYTES = 8;
/** Frame alignment in bytes. */
export const FRAME_ALIGNMENT = 8;
/** Frame type of a padding frame: skipped by consumers. */
export const PADDING_TYPE = 0;
/** Lowest frame type reserved for Nexus protocols (the service channel); user types are below. */
export const RESERVED_TYPE_MIN = 0x8000_0000;

/** Smallest capacity accepted, in bytes. */
export const MIN_CAPACITY_BYTES = 256;
/** Largest capacity accepted, in bytes: 2^30 keeps `tail - head` unambiguous in 32 bits. */
export const MAX_CAPACITY_BYTES = 1 << 30;

/** The name of a ring kind. */
export type RingKind = keyof typeof Kind;

/** Options of {@link createRingBuffer}. */
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

/** A validated view of a ring's memory, shared by every producer and consumer class. */
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

/** Rounds a frame length up to the frame alignment. */
export function alignFrame(lengthBytes: number): number {
  return (lengthBytes + FRAME_ALIGNMENT - 1) & ~(FRAME_ALIGNMENT - 1);
}
