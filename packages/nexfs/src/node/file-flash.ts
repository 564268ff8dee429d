/**
 * `FileFlash`: raw flash in an image file through Node's synchronous file API (works in Deno and
 * Bun through their Node compatibility).
 */
import { closeSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { FlashGeometry } from '../device/geometry.js';
import { ImageFlash } from '../device/image.js';

/**
 * Flash kept in an image file (created if missing; a missing tail reads as erased).
 *
 * @example
 * ```ts
 * import { FileFlash } from '@nexus/nexfs/node';
 * const flash = new FileFlash('nand.img', GEOMETRIES['spi-nand']);
 * const fs = await Nexfs.format(flash);
 * await fs.unmount();
 * flash.close();
 * ```
 */
export class FileFlash extends ImageFlash {
  private fd: number;

  /**
   * @param path image file path
   * @param geometry the part's shape
   */
  constructor(path: string, geometry: FlashGeometry) {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError('path: expected a file path');
    const fd = openSync(path, 'a+');
    closeSync(fd);
    const rw = openSync(path, 'r+');
    super(geometry, {
      read: (buffer, offset) => readSync(rw, buffer, 0, buffer.length, offset),
      write: (buffer, offset) => {
        let done = 0;
        while (done < buffer.length) done += writeSync(rw, buffer, done, buffer.length - done, offset + done);
      },
      flush: () => fdatasyncSync(rw),
    });
    this.fd = rw;
  }

  /** Closes the image file. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
