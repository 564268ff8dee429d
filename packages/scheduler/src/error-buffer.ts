/**
 * The boot error buffer: a fixed-size ring of error records in one ArrayBuffer that the layer
 * below the scheduler owns, so it survives fiber and scheduler restarts (and, when the buffer
 * is a SharedArrayBuffer or a retained RAM region, the restart of the thread that wrote it).
 * Layout in SPEC.md ("Boot error buffer"). Writing a record allocates nothing but the encoded
 * message.
 */

/** "NXEB" read as a little-endian u32. */
export const ERROR_BUFFER_MAGIC = 0x4245584e;
/** Bytes of the buffer header. */
export const ERROR_BUFFER_HEADER_BYTES = 16;
/** Bytes of one record. */
export const ERROR_RECORD_BYTES = 48;
/** Bytes of a record's message field (UTF-8, truncated at a character boundary, zero padded). */
export const ERROR_MESSAGE_BYTES = 32;

/** Numeric codes of the records, stable across versions (SPEC.md). */
export const ERROR_CODES = {
  /** A fiber threw. */
  crash: 1,
  /** A periodic job ran past its budget. */
  overrun: 2,
  /** A job finished after its deadline. */
  'deadline-miss': 3,
  /** A baseline detected a change. */
  anomaly: 4,
  /** A fiber was rebuilt from its factory. */
  'restart-cold': 5,
  /** A checkpoint could not be restored. */
  'restore-failed': 6,
  /** The scheduler stopped beating. */
  'heartbeat-lost': 7,
  /** The last-resort reset ran. */
  phoenix: 8,
  /** Restarts exceeded their intensity; escalated. */
  'intensity-exceeded': 9,
  /** A circuit breaker opened. */
  'breaker-open': 10,
  /** A checkpoint copy failed verification. */
  'checkpoint-copy-bad': 11,
  /** A fiber stopped making progress. */
  hung: 12,
  /** A TMR replica dissented. */
  'tmr-disagreement': 13,
  /** A fiber was quarantined. */
  quarantine: 14,
  /** The scheduler was restarted. */
  'scheduler-restart': 15,
} as const;

/** A record read back from the buffer. */
export interface ErrorRecord {
  /** Sequence number of the record, from 1, counting every record ever written. */
  readonly seq: number;
  /** Clock time of the error in milliseconds. */
  readonly timeMs: number;
  /** Numeric code (see {@link ERROR_CODES}). */
  readonly code: number;
  /** The message, at most 32 bytes of UTF-8. */
  readonly message: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A fixed-capacity ring of error records over a caller-owned buffer.
 *
 * @example
 * ```ts
 * import { ErrorBuffer, ERROR_CODES } from '@nexus/scheduler';
 * const memory = new ArrayBuffer(ErrorBuffer.bytesFor(8));
 * new ErrorBuffer(memory).write(0, ERROR_CODES.crash, 'imu: boom');
 * new ErrorBuffer(memory).records()[0].message; // 'imu: boom' (it survived)
 * ```
 */
export class ErrorBuffer {
  /** Records the buffer holds. */
  readonly capacity: number;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;

  /** Bytes needed for `capacity` records. */
  static bytesFor(capacity: number): number {
    return ERROR_BUFFER_HEADER_BYTES + capacity * ERROR_RECORD_BYTES;
  }

  /**
   * Adopts `memory` when it already holds a valid buffer of the same capacity (a restart), else
   * formats it.
   */
  constructor(memory: ArrayBufferLike) {
    if (memory.byteLength < ErrorBuffer.bytesFor(1)) throw new RangeError('memory: too small for one record');
    this.capacity = Math.floor((memory.byteLength - ERROR_BUFFER_HEADER_BYTES) / ERROR_RECORD_BYTES);
    if (this.capacity > 0xffff) throw new RangeError('memory: at most 65535 records');
    this.view = new DataView(memory);
    this.bytes = new Uint8Array(memory);
    const valid =
      this.view.getUint32(0, true) === ERROR_BUFFER_MAGIC && this.view.getUint32(4, true) === this.capacity;
    if (!valid) {
      this.bytes.fill(0);
      this.view.setUint32(0, ERROR_BUFFER_MAGIC, true);
      this.view.setUint32(4, this.capacity, true);
    }
  }

  /** Records written since the buffer was formatted (older ones are overwritten). */
  get written(): number {
    return this.view.getUint32(8, true);
  }

  /** Appends one record, overwriting the oldest when full. */
  write(timeMs: number, code: number, message: string): void {
    const seq = this.written + 1;
    const at = ERROR_BUFFER_HEADER_BYTES + ((seq - 1) % this.capacity) * ERROR_RECORD_BYTES;
    this.view.setFloat64(at, timeMs, true);
    this.view.setUint32(at + 8, seq, true);
    this.view.setUint16(at + 12, code & 0xffff, true);
    this.view.setUint16(at + 14, 0, true);
    const field = this.bytes.subarray(at + 16, at + 16 + ERROR_MESSAGE_BYTES);
    field.fill(0);
    const { written } = encoder.encodeInto(message, field);
    field.fill(0, written);
    this.view.setUint32(8, seq, true);
  }

  /** The records still held, oldest first. */
  records(): ErrorRecord[] {
    const total = this.written;
    const out: ErrorRecord[] = [];
    for (let seq = Math.max(1, total - this.capacity + 1); seq <= total; seq++) {
      const at = ERROR_BUFFER_HEADER_BYTES + ((seq - 1) % this.capacity) * ERROR_RECORD_BYTES;
      const field = this.bytes.subarray(at + 16, at + 16 + ERROR_MESSAGE_BYTES);
      let end = field.indexOf(0);
      if (end < 0) end = ERROR_MESSAGE_BYTES;
      out.push({
        seq: this.view.getUint32(at + 8, true),
        timeMs: this.view.getFloat64(at, true),
        code: this.view.getUint16(at + 12, true),
        message: decoder.decode(field.subarray(0, end)),
      });
    }
    return out;
  }
}
