/**
 * `FileHandle`: an open file of a {@link Nexfs} volume, and the open-inode record its handles
 * share (one per open file: size, the page-map write buffer, or the chunked contents).
 */

import { NexfsError } from './errors.js';
import type { Nexfs } from './fs.js';
import type { ChunkedData } from './fs-chunked.js';
import type { Inode } from './records.js';

/** How a file is opened, as in Node's `fs.open`. */
export type OpenFlags = 'r' | 'r+' | 'w' | 'w+' | 'wx' | 'a' | 'a+';

/** What {@link FileHandle.stat} returns. */
export interface HandleStats {
  /** Size in bytes, including unsynced writes. */
  size: number;
  /** Inode number. */
  ino: number;
}

/** @internal One open file, shared by all its handles. */
export interface OpenInode {
  ino: number;
  path: string;
  refs: number;
  size: number;
  sizeDirty: boolean;
  bufIndex: number;
  buf: Uint8Array;
  bufLength: number;
  bufDirty: boolean;
  inode: Inode;
  /** The chunked contents (layout 1), or null for the page-map layout. */
  chunked: ChunkedData | null;
}

/**
 * An open file. Reads see every write made through any handle of the same file.
 *
 * @example
 * ```ts
 * const fh = await fs.open('/data.bin', 'w+');
 * await fh.write(new Uint8Array([1, 2, 3]));
 * const back = new Uint8Array(3);
 * await fh.read(back, 0, 3, 0);
 * await fh.sync();
 * await fh.close();
 * ```
 */
export class FileHandle {
  private readonly fs: Nexfs;
  /** @internal */
  readonly inode: OpenInode;
  private readonly flags: OpenFlags;
  private position = 0;
  private closed = false;

  /** @internal */
  constructor(fs: Nexfs, inode: OpenInode, flags: OpenFlags) {
    this.fs = fs;
    this.inode = inode;
    this.flags = flags;
  }

  /** Current size in bytes, including unsynced writes. */
  get size(): number {
    return this.inode.size;
  }

  /**
   * Reads up to `length` bytes into `buffer[offset..]` from `position` (default: the handle's
   * position, which then advances). Resolves to the number of bytes read (0 at end of file).
   */
  async read(
    buffer: Uint8Array,
    offset = 0,
    length = buffer.length - offset,
    position?: number,
  ): Promise<number> {
    this.check();
    checkBytes(buffer, 'buffer');
    if (!Number.isInteger(offset) || offset < 0 || offset > buffer.length)
      throw new RangeError('offset: outside the buffer');
    if (!Number.isInteger(length) || length < 0 || offset + length > buffer.length)
      throw new RangeError('length: outside the buffer');
    if (this.flags === 'w' || this.flags === 'wx' || this.flags === 'a')
      throw new NexfsError('EBADF', 'handle not open for reading', this.inode.path);
    const at = position ?? this.position;
    if (!Number.isSafeInteger(at) || at < 0) throw new RangeError('position: a non-negative integer');
    const n = this.fs.readAt(this.inode, buffer, offset, length, at);
    if (position === undefined) this.position += n;
    return n;
  }

  /**
   * Writes `data` at `position` (default: the handle's position; the end of file in append mode).
   * Not durable until {@link sync} or {@link close}; atomic up to `maxAtomicWriteBytes`.
   */
  async write(data: Uint8Array, position?: number): Promise<number> {
    this.check();
    checkBytes(data, 'data');
    if (this.flags === 'r') throw new NexfsError('EBADF', 'handle not open for writing', this.inode.path);
    const append = this.flags === 'a' || this.flags === 'a+';
    const at = append ? this.inode.size : (position ?? this.position);
    if (!Number.isSafeInteger(at) || at < 0) throw new RangeError('position: a non-negative integer');
    const n = this.fs.writeAt(this.inode, data, at);
    if (position === undefined || append) this.position = at + n;
    return n;
  }

  /** Sets the file's size. */
  async truncate(size = 0): Promise<void> {
    this.check();
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size: a non-negative integer');
    if (this.flags === 'r') throw new NexfsError('EBADF', 'handle not open for writing', this.inode.path);
    this.fs.truncateInode(this.inode, size);
  }

  /** Makes every write so far durable: after this resolves, the data survives any power cut. */
  async sync(): Promise<void> {
    this.check();
    this.fs.sync();
  }

  /** Syncs and closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fs.release(this.inode);
  }

  /** Size and kind of the open file. */
  async stat(): Promise<HandleStats> {
    this.check();
    return { size: this.inode.size, ino: this.inode.ino };
  }

  private check(): void {
    if (this.closed) throw new NexfsError('EBADF', 'file handle is closed', this.inode.path);
  }
}

/** @internal */
export function checkBytes(v: unknown, name: string): void {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name}: expected a Uint8Array`);
}
