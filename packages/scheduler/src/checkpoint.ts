/**
 * Warm-restart checkpoints: a fiber saves at most 32 KiB at a safe point; the blob is stored
 * twice, each copy framed with a header and a BLAKE3 digest (SPEC.md, "Checkpoint copy").
 * Restore verifies both copies and takes the valid one with the highest sequence number; one bad
 * copy falls back to the other (and is repaired), two bad copies mean a cold restart.
 *
 * Copy A is written completely before copy B, so a crash between the two leaves one copy of the
 * new checkpoint and one of the previous one, both valid: restore picks the newer.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { assert } from './_assert.js';
import { SchedulerError } from './errors.js';

/** Largest checkpoint payload: 32 KiB. */
export const MAX_CHECKPOINT_BYTES = 32 * 1024;
/** "NXCK" read as a little-endian u32. */
export const CHECKPOINT_MAGIC = 0x4b43584e;
/** Format version of a checkpoint copy. */
export const CHECKPOINT_VERSION = 1;
/** Bytes of the fixed header before the digest. */
export const CHECKPOINT_HEADER_BYTES = 24;
/** Bytes of the BLAKE3 digest. */
export const CHECKPOINT_DIGEST_BYTES = 32;
/** Offset of the payload in a copy. */
export const CHECKPOINT_PAYLOAD_OFFSET = CHECKPOINT_HEADER_BYTES + CHECKPOINT_DIGEST_BYTES;

/** Where the two copies live: RAM that survives restarts, a file, a flash partition. */
export interface CheckpointStorage {
  /** The bytes of copy `slot` of `key`, or null when never written. */
  read(key: string, slot: 0 | 1): Uint8Array | null;
  /** Replaces copy `slot` of `key`. */
  write(key: string, slot: 0 | 1, bytes: Uint8Array): void;
}

/**
 * In-memory {@link CheckpointStorage}: survives fiber and scheduler restarts as long as the
 * object is kept by the layer below them.
 *
 * @example
 * ```ts
 * import { MemoryCheckpointStorage } from '@nexus/scheduler';
 * const storage = new MemoryCheckpointStorage();
 * storage.write('imu', 0, new Uint8Array([1]));
 * storage.read('imu', 0); // Uint8Array [1]
 * ```
 */
export class MemoryCheckpointStorage implements CheckpointStorage {
  private readonly copies = new Map<string, Uint8Array>();
  read(key: string, slot: 0 | 1): Uint8Array | null {
    return this.copies.get(`${slot}:${key}`) ?? null;
  }
  write(key: string, slot: 0 | 1, bytes: Uint8Array): void {
    this.copies.set(`${slot}:${key}`, bytes.slice());
  }
}

/** What a restore found. */
export interface RestoreResult {
  /** The payload, or null when neither copy is valid (cold restart). */
  readonly blob: Uint8Array | null;
  /** Sequence number of the restored checkpoint (0 when none). */
  readonly seq: number;
  /** Copies that failed verification (0, 1 or 2; a never-written key counts none). */
  readonly badCopies: number;
  /** The slot restored from, or -1. */
  readonly slot: number;
}

/**
 * Encodes one copy: header, BLAKE3(header ‖ payload), payload.
 *
 * @example
 * ```ts
 * import { encodeCheckpoint, decodeCheckpoint } from '@nexus/scheduler';
 * const copy = encodeCheckpoint(new Uint8Array([7, 7]), 1, 0);
 * decodeCheckpoint(copy)?.payload; // Uint8Array [7, 7]
 * ```
 */
export function encodeCheckpoint(payload: Uint8Array, seq: number, slot: 0 | 1): Uint8Array {
  if (!(payload instanceof Uint8Array)) throw new TypeError('checkpoint: a Uint8Array is required');
  if (payload.length > MAX_CHECKPOINT_BYTES)
    throw new SchedulerError(
      'ECHECKPOINT_SIZE',
      `checkpoint of ${payload.length} bytes is over the ${MAX_CHECKPOINT_BYTES}-byte limit`,
    );
  assert(Number.isSafeInteger(seq) && seq > 0, 'checkpoint sequence is a positive safe integer');
  const out = new Uint8Array(CHECKPOINT_PAYLOAD_OFFSET + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, CHECKPOINT_MAGIC, true);
  out[4] = CHECKPOINT_VERSION;
  out[5] = slot;
  view.setUint16(6, 0, true);
  view.setUint32(8, seq >>> 0, true);
  view.setUint32(12, Math.floor(seq / 2 ** 32), true);
  view.setUint32(16, payload.length, true);
  view.setUint32(20, 0, true);
  out.set(payload, CHECKPOINT_PAYLOAD_OFFSET);
  out.set(digestOf(out, payload.length), CHECKPOINT_HEADER_BYTES);
  return out;
}

/** A verified checkpoint copy. */
export interface DecodedCheckpoint {
  /** The fiber's blob. */
  payload: Uint8Array;
  /** Sequence number of the save. */
  seq: number;
  /** The slot the copy says it belongs to. */
  slot: number;
}

/**
 * Decodes and verifies one copy; null when anything is wrong (short, bad magic, version, slot,
 * length, reserved bytes or digest).
 *
 * @example
 * ```ts
 * import { decodeCheckpoint } from '@nexus/scheduler';
 * decodeCheckpoint(new Uint8Array(10)); // null
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array | null): DecodedCheckpoint | null {
  if (!bytes || bytes.length < CHECKPOINT_PAYLOAD_OFFSET) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== CHECKPOINT_MAGIC || bytes[4] !== CHECKPOINT_VERSION || bytes[5] > 1)
    return null;
  if (view.getUint16(6, true) !== 0 || view.getUint32(20, true) !== 0) return null;
  const length = view.getUint32(16, true);
  if (length > MAX_CHECKPOINT_BYTES || bytes.length !== CHECKPOINT_PAYLOAD_OFFSET + length) return null;
  const seq = view.getUint32(12, true) * 2 ** 32 + view.getUint32(8, true);
  if (seq === 0) return null;
  const digest = digestOf(bytes, length);
  let diff = 0;
  for (let i = 0; i < CHECKPOINT_DIGEST_BYTES; i++) diff |= digest[i] ^ bytes[CHECKPOINT_HEADER_BYTES + i];
  if (diff !== 0) return null;
  return { payload: bytes.slice(CHECKPOINT_PAYLOAD_OFFSET), seq, slot: bytes[5] };
}

function digestOf(copy: Uint8Array, length: number): Uint8Array {
  const h = blake3.create();
  h.update(copy.subarray(0, CHECKPOINT_HEADER_BYTES));
  h.update(copy.subarray(CHECKPOINT_PAYLOAD_OFFSET, CHECKPOINT_PAYLOAD_OFFSET + length));
  return h.digest();
}

/**
 * Saves and restores checkpoints, two verified copies per key.
 *
 * @example
 * ```ts
 * import { CheckpointStore } from '@nexus/scheduler';
 * const store = new CheckpointStore();
 * store.save('imu', new TextEncoder().encode('{"n":41}'));
 * store.restore('imu').blob; // the bytes of {"n":41}
 * ```
 */
export class CheckpointStore {
  private readonly seqs = new Map<string, number>();
  /** Checkpoints saved. */
  saves = 0;
  /** Copies found bad and rewritten from the good one. */
  repairs = 0;
  /** `storage` defaults to memory. */
  constructor(
    /** Where the copies live. */
    readonly storage: CheckpointStorage = new MemoryCheckpointStorage(),
  ) {}

  /** Stores `blob` twice; throws `SchedulerError('ECHECKPOINT_SIZE')` over 32 KiB. */
  save(key: string, blob: Uint8Array): number {
    const previous = this.seqs.get(key) ?? this.latestSeq(key);
    const seq = previous + 1;
    const a = encodeCheckpoint(blob, seq, 0);
    const b = encodeCheckpoint(blob, seq, 1);
    this.storage.write(key, 0, a);
    this.storage.write(key, 1, b);
    this.seqs.set(key, seq);
    this.saves++;
    return seq;
  }

  /** Verifies both copies and returns the newest valid one (repairing a bad copy). */
  restore(key: string): RestoreResult {
    const rawA = this.storage.read(key, 0);
    const rawB = this.storage.read(key, 1);
    const a = decodeCheckpoint(rawA);
    const b = decodeCheckpoint(rawB);
    const badCopies = (rawA && !a ? 1 : 0) + (rawB && !b ? 1 : 0);
    const slotOk = (d: typeof a, slot: number) => d !== null && d.slot === slot;
    const okA = slotOk(a, 0) ? a : null;
    const okB = slotOk(b, 1) ? b : null;
    const best = okA && okB ? (okB.seq > okA.seq ? okB : okA) : (okA ?? okB);
    if (!best)
      return {
        blob: null,
        seq: 0,
        badCopies: badCopies + (a && !okA ? 1 : 0) + (b && !okB ? 1 : 0),
        slot: -1,
      };
    // Repair the other copy so the next failure still has two.
    const other = best === okA ? 1 : 0;
    const otherCopy = other === 0 ? okA : okB;
    if (!otherCopy || otherCopy.seq !== best.seq) {
      this.storage.write(key, other, encodeCheckpoint(best.payload, best.seq, other));
      this.repairs++;
    }
    this.seqs.set(key, Math.max(best.seq, this.seqs.get(key) ?? 0));
    return { blob: best.payload, seq: best.seq, badCopies, slot: best.slot };
  }

  private latestSeq(key: string): number {
    const a = decodeCheckpoint(this.storage.read(key, 0));
    const b = decodeCheckpoint(this.storage.read(key, 1));
    return Math.max(a?.seq ?? 0, b?.seq ?? 0);
  }
}
