/**
 * Typed operating errors of the content-addressing layer.
 *
 * Programmer errors (a broken invariant) throw plain `Error` from `assert`; bad public arguments throw
 * `TypeError`/`RangeError` naming the argument; everything that bad *data* can cause (a corrupt
 * frame, a truncated CAR, a chunk whose bytes do not match its name) throws a {@link ContentError}
 * with a stable `code`, so callers can branch on it and fuzzers can tell "rejected" from "crashed".
 * @module
 */
import { NexfsError } from '../errors.js';

/** The stable codes a {@link ContentError} carries. */
export type ContentErrorCode =
  /** Input ended before a field that the format requires. */
  | 'ETRUNCATED'
  /** A field holds a value the format does not allow (bad magic, version, varint, length). */
  | 'EFORMAT'
  /** A checksum or content hash did not match the bytes it covers. */
  | 'ECHECKSUM'
  /** A named chunk, block or snapshot does not exist. */
  | 'ENOENT'
  /** A size or count limit of the format or the configuration was exceeded. */
  | 'ELIMIT'
  /** A compression codec or hash algorithm id that this build does not know. */
  | 'EUNSUPPORTED';

/**
 * An operating error of nexfs content addressing: a {@link NexfsError} with a content code. `code` is stable; the message names the field.
 *
 * @example
 * ```ts
 * import { ContentError } from '@nexus/nexfs';
 * try {
 *   throw new ContentError('ECHECKSUM', 'frame.compressedHash: mismatch');
 * } catch (e) {
 *   if (e instanceof ContentError && e.code === 'ECHECKSUM') console.log('corrupt chunk');
 * }
 * ```
 */
export class ContentError extends NexfsError {
  /** What went wrong, as a stable code. */
  declare readonly code: ContentErrorCode;

  /**
   * @param code - the stable error code
   * @param message - names the field or object at fault
   * @param path - the file concerned, when the chunk belongs to one
   */
  constructor(code: ContentErrorCode, message: string, path?: string) {
    super(code, message, path);
    this.name = 'ContentError';
  }
}

/** Throws a plain Error when an internal invariant does not hold (a bug, never bad input). */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`nexfs assertion failed: ${message}`);
}
