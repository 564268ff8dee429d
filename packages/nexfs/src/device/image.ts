/**
 * `ImageFlash`: raw flash kept in a flat image (a file, an OPFS file, any random-access store).
 * Image layout: block b, page p at byte (b * pagesPerBlock + p) * (pageSize + spare), main area
 * then spare; after the last block, one byte per block of bad-block marks (0xFF good). Bytes past
 * the end of the store read as erased (0xFF), so a new image can start empty and sparse.
 */
import { checkAddress, type FlashDevice } from './flash.js';
import { checkGeometry, type FlashGeometry } from './geometry.js';

/** A synchronous random-access byte store (a file descriptor, an OPFS sync access handle). */
export interface ImageStore {
  /** Reads into `buffer` from byte `offset`; returns the bytes read (fewer at the end). */
  read(buffer: Uint8Array, offset: number): number;
  /** Writes `buffer` at byte `offset`, growing the store as needed. */
  write(buffer: Uint8Array, offset: number): void;
  /** Makes earlier writes durable. */
  flush(): void;
}

/**
 * Flash in an image store. Programs AND into the stored bits (as charge only leaves a cell), an
 * erase writes 0xFF over the block.
 *
 * @example
 * ```ts
 * const store = { bytes: new Uint8Array(0), read: ..., write: ..., flush() {} };
 * const flash = new ImageFlash(GEOMETRIES['tiny-nor'], store);
 * ```
 */
export class ImageFlash implements FlashDevice {
  /** The part's shape. */
  readonly geometry: FlashGeometry;
  private readonly store: ImageStore;
  private readonly stride: number;
  private readonly scratch: Uint8Array;
  private readonly blockBytes: number;

  /**
   * @param geometry the part's shape
   * @param store where the image lives
   */
  constructor(geometry: FlashGeometry, store: ImageStore) {
    this.geometry = checkGeometry(geometry);
    if (typeof store !== 'object' || store === null || typeof store.read !== 'function')
      throw new TypeError('store: expected an ImageStore');
    this.store = store;
    this.stride = geometry.pageSizeBytes + geometry.spareBytesPerPage;
    this.scratch = new Uint8Array(this.stride);
    this.blockBytes = this.stride * geometry.pagesPerBlock;
  }

  /** Bytes of a complete image of this geometry. */
  get imageBytes(): number {
    return this.blockBytes * this.geometry.blockCount + this.geometry.blockCount;
  }

  /** Reads one page. */
  read(block: number, page: number, data: Uint8Array, spare?: Uint8Array): void {
    checkAddress(this.geometry, block, page);
    const s = this.scratch;
    const n = this.store.read(s, block * this.blockBytes + page * this.stride);
    if (n < s.length) s.fill(0xff, Math.max(0, n));
    data.set(s.subarray(0, this.geometry.pageSizeBytes));
    spare?.set(s.subarray(this.geometry.pageSizeBytes));
  }

  /** Programs one page (AND into the stored bits). */
  program(block: number, page: number, data: Uint8Array, spare?: Uint8Array): boolean {
    checkAddress(this.geometry, block, page);
    const g = this.geometry;
    if (data.length !== g.pageSizeBytes)
      throw new RangeError(`data: ${data.length} bytes, the page holds ${g.pageSizeBytes}`);
    const s = this.scratch;
    const at = block * this.blockBytes + page * this.stride;
    const n = this.store.read(s, at);
    if (n < s.length) s.fill(0xff, Math.max(0, n));
    for (let i = 0; i < data.length; i++) s[i] &= data[i];
    if (spare) for (let i = 0; i < spare.length; i++) s[g.pageSizeBytes + i] &= spare[i];
    this.store.write(s, at);
    return true;
  }

  /** Erases one block (writes 0xFF over it). */
  erase(block: number): boolean {
    checkAddress(this.geometry, block);
    this.store.write(new Uint8Array(this.blockBytes).fill(0xff), block * this.blockBytes);
    return true;
  }

  /** True when the block's bad mark is set. */
  isBad(block: number): boolean {
    checkAddress(this.geometry, block);
    const b = new Uint8Array(1);
    const n = this.store.read(b, this.blockBytes * this.geometry.blockCount + block);
    return n === 1 && b[0] !== 0xff;
  }

  /** Sets the block's bad mark. */
  markBad(block: number): void {
    checkAddress(this.geometry, block);
    this.store.write(new Uint8Array([0]), this.blockBytes * this.geometry.blockCount + block);
  }

  /** Flushes the store. */
  sync(): void {
    this.store.flush();
  }
}
