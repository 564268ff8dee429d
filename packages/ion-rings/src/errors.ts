/**
 * Typed operating errors. A ring shared with another thread is an input like any other: what the
 * peer wrote is validated, and what is wrong with it is reported with a code, never as an
 * out-of-bounds read, a loop or a hang.
 */

/**
 * What went wrong, by name.
 *
 * - `EBADMAGIC`: the buffer does not start with the ring magic (not a ring, or overwritten).
 * - `EBADVERSION`: the layout version in the header is not one this code reads.
 * - `EBADHEADER`: a header field (kind, capacity, frame limit) is out of its range.
 * - `EBADCOUNTER`: head and tail are further apart than the capacity, or misaligned.
 * - `EBADFRAME`: a frame header has an impossible length, crosses the end of the ring or the
 *   published tail, or carries a reserved type.
 * - `ECLOSED`: the other end closed the ring.
 * - `ETIMEDOUT`: a bounded wait ran out.
 * - `EWOULDBLOCK`: a blocking wait was asked for where it would deadlock (a ring over a plain
 *   `ArrayBuffer`, or a thread that may not block).
 * - `EREVOKED`: a claim was turned into padding by dead-producer recovery before it committed.
 * - `EABI`: the service channel peer speaks an ABI version this side refuses.
 */
export type RingErrorCode =
  | 'EBADMAGIC'
  | 'EBADVERSION'
  | 'EBADHEADER'
  | 'EBADCOUNTER'
  | 'EBADFRAME'
  | 'ECLOSED'
  | 'ETIMEDOUT'
  | 'EWOULDBLOCK'
  | 'EREVOKED'
  | 'EABI';

/**
 * The one error class of ion-rings for operating errors; `code` says what went wrong.
 *
 * @example
 * ```ts
 * import { RingError } from '@nexus/ion-rings';
 * try {
 *   // consumer.poll(handler)
 * } catch (e) {
 *   if (e instanceof RingError && e.code === 'EBADFRAME') console.error('peer corrupted the ring');
 * }
 * ```
 */
export class RingError extends Error {
  /** Machine-readable reason. */
  readonly code: RingErrorCode;
  /** Byte position (ring counter) where the problem was seen, when there is one. */
  readonly position: number | undefined;

  /**
   * @param code - what went wrong
   * @param message - human-readable detail
   * @param position - ring position (u32 counter) involved, if any
   */
  constructor(code: RingErrorCode, message: string, position?: number) {
    super(`${code}: ${message}`);
    this.name = 'RingError';
    this.code = code;
    this.position = position;
  }
}
