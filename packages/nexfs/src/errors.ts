/**
 * Typed operating errors. Programmer errors (broken invariants) are asserts; API misuse is a
 * `TypeError`/`RangeError` naming the argument; everything that can go wrong with a device or a
 * volume is a `NexfsError` with a POSIX-flavoured `code`.
 */

/** The codes a {@link NexfsError} can carry. */
export type NexfsErrorCode =
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'ENOTEMPTY'
  | 'ENOSPC'
  | 'EIO'
  | 'EBADF'
  | 'EROFS'
  | 'EINVAL'
  | 'ENAMETOOLONG'
  | 'EMFILE'
  | 'EBUSY'
  | 'ECORRUPT'
  | 'ENOTNEXFS'
  | 'EGEOMETRY'
  | 'EPOWER'
  /** Content layer: input ended before a field the format requires. */
  | 'ETRUNCATED'
  /** Content layer: a field holds a value the format does not allow. */
  | 'EFORMAT'
  /** Content layer: a checksum or content hash does not match the bytes it covers. */
  | 'ECHECKSUM'
  /** Content layer: a size or count limit was exceeded. */
  | 'ELIMIT'
  /** Content layer: a codec or hash id this build does not know. */
  | 'EUNSUPPORTED'
  /** An image carries an incompatible feature this build does not know. */
  | 'EFEATURE';

/**
 * An operating error of the filesystem or its device.
 *
 * @example
 * ```ts
 * try { await fs.stat('/missing'); } catch (e) { if (e instanceof NexfsError && e.code === 'ENOENT') {} }
 * ```
 */
export class NexfsError extends Error {
  /** What went wrong, POSIX-style. */
  readonly code: NexfsErrorCode;
  /** The path the operation was about, when there is one. */
  readonly path: string | undefined;
  /**
   * @param code what went wrong
   * @param message a sentence for humans
   * @param path the file or directory concerned
   */
  constructor(code: NexfsErrorCode, message: string, path?: string) {
    super(path === undefined ? `${code}: ${message}` : `${code}: ${message}: ${path}`);
    this.name = 'NexfsError';
    this.code = code;
    this.path = path;
  }
}

/**
 * Thrown by {@link EmulatedFlash} for every operation after a simulated power cut, and by the
 * filesystem when it meets one: the in-memory state is then gone and the volume must be mounted
 * again.
 *
 * @example
 * ```ts
 * try { await fs.writeFile('/a', data); } catch (e) { if (e instanceof PowerCutError) flash.restorePower(); }
 * ```
 */
export class PowerCutError extends Error {
  /** The device operation number at which power was cut. */
  readonly operation: number;
  /** @param operation the device operation number at which power was cut */
  constructor(operation: number) {
    super(`power cut at device operation ${operation}`);
    this.name = 'PowerCutError';
    this.operation = operation;
  }
}
