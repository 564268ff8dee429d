/**
 * `OpfsFlash`: raw flash in a file of the browser's Origin Private File System, through a
 * synchronous access handle (available in dedicated workers).
 */
import type { FlashGeometry } from './geometry.js';
import { ImageFlash } from './image.js';

/** The part of `FileSystemSyncAccessHandle` that OpfsFlash uses. */
export interface SyncAccessHandle {
  /** Reads into `buffer` at byte `options.at`; returns the bytes read. */
  read(buffer: Uint8Array, options: { at: number }): number;
  /** Writes `buffer` at byte `options.at`; returns the bytes written. */
  write(buffer: Uint8Array, options: { at: number }): number;
  /** Makes earlier writes durable. */
  flush(): void;
  /** Releases the handle. */
  close(): void;
}

/**
 * Flash kept in an OPFS file. Create it in a worker with {@link OpfsFlash.open}.
 *
 * @example
 * ```ts
 * // inside a dedicated worker
 * const flash = await OpfsFlash.open('nand.img', GEOMETRIES['spi-nand']);
 * const fs = await Nexfs.format(flash);
 * ```
 */
export class OpfsFlash extends ImageFlash {
  private readonly handle: SyncAccessHandle;

  /**
   * @param geometry the part's shape
   * @param handle an open `FileSystemSyncAccessHandle`
   */
  constructor(geometry: FlashGeometry, handle: SyncAccessHandle) {
    super(geometry, {
      read: (buffer, offset) => handle.read(buffer, { at: offset }),
      write: (buffer, offset) => {
        handle.write(buffer, { at: offset });
      },
      flush: () => handle.flush(),
    });
    this.handle = handle;
  }

  /**
   * Opens (creating if needed) an image file in the origin's private file system. Must run in a
   * dedicated worker, where sync access handles exist.
   */
  static async open(name: string, geometry: FlashGeometry): Promise<OpfsFlash> {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('name: expected a file name');
    const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<unknown> } } })
      .navigator?.storage;
    if (!storage?.getDirectory)
      throw new TypeError('OpfsFlash: the Origin Private File System is not available here');
    const root = (await storage.getDirectory()) as {
      getFileHandle(
        name: string,
        o: { create: boolean },
      ): Promise<{ createSyncAccessHandle(): Promise<SyncAccessHandle> }>;
    };
    const file = await root.getFileHandle(name, { create: true });
    return new OpfsFlash(geometry, await file.createSyncAccessHandle());
  }

  /** Releases the file's sync access handle. */
  close(): void {
    this.handle.close();
  }
}
