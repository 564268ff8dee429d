/**
 * `Nexfs`: the promise-based filesystem API over the synchronous {@link Volume} engine. Every
 * method runs its engine work in one synchronous step, so concurrent calls never interleave inside
 * the engine: each call is one transaction, and the durable state after a power cut is the state
 * after some prefix of the calls (at least up to the last one that synced).
 *
 * Mounting and the POSIX-style file API live here; the open-file table, the read and write paths
 * and path resolution are in `fs-base.ts`, the content-addressing API in `fs-content.ts`.
 */
import { ChunkSpace, describeChoice, type FileContentOptions } from './chunk-space.js';
import type { FlashDevice } from './device/flash.js';
import { NexfsError, PowerCutError } from './errors.js';
import { checkBytes, FileHandle, type OpenFlags } from './file-handle.js';
import {
  checkDevice,
  direntValue,
  EMPTY,
  equalBytes,
  MAX_PATH_DEPTH,
  type NexfsOptions,
  ROOT_INODE,
} from './fs-base.js';
import { NexfsContent } from './fs-content.js';
import { type FsckOptions, type FsckReport, fsckVolume } from './fsck.js';
import { direntKey, encodeInode, type Inode, inodeKey, orphanKey } from './records.js';
import { Volume, type VolumeStats } from './volume.js';

const decoder = new TextDecoder();

export { FileHandle, type HandleStats, type OpenFlags } from './file-handle.js';
export type { Clock, NexfsOptions } from './fs-base.js';

/** What {@link Nexfs.stat} returns. */
export interface Stats {
  /** Inode number. */
  ino: number;
  /** File or directory. */
  kind: 'file' | 'dir';
  /** Size in bytes (0 for directories). */
  size: number;
  /** Last modification, milliseconds since the epoch. */
  mtimeMs: number;
  /** How the file stores its data (layout, read checksum, compression); directories: the defaults. */
  content: Required<FileContentOptions>;
  /** True for a file. */
  isFile(): boolean;
  /** True for a directory. */
  isDirectory(): boolean;
}

/** Space and work figures of a mounted volume. */
export interface StatFs {
  /** Bytes in one file page. */
  pageBytes: number;
  /** Erase blocks on the device. */
  blocks: number;
  /** Free erase blocks. */
  freeBlocks: number;
  /** Bytes still writable by users (beyond the GC reserve). */
  freeBytes: number;
  /** Blocks marked bad. */
  badBlocks: number;
  /** Engine counters. */
  stats: VolumeStats;
}

/**
 * A mounted nexfs volume.
 *
 * @example
 * ```ts
 * const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
 * const fs = await Nexfs.format(flash);
 * await fs.mkdir('/etc');
 * await fs.writeFile('/etc/motd', new TextEncoder().encode('hello flash'));
 * const text = new TextDecoder().decode(await fs.readFile('/etc/motd'));
 * await fs.unmount();
 * ```
 */
export class Nexfs extends NexfsContent {
  /**
   * Formats `device` as an empty volume (skipping factory-bad blocks) and mounts it.
   *
   * @example
   * ```ts
   * const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['tiny-nor']));
   * ```
   */
  static async format(device: FlashDevice, options: NexfsOptions = {}): Promise<Nexfs> {
    checkDevice(device);
    const volume = Volume.format(device, options);
    const content = await ChunkSpace.open(volume, { ...options.content, zstdEngine: options.zstdEngine });
    const fs = new Nexfs(volume, content, options);
    const root: Inode = {
      kind: 'dir',
      checksumKind: 0,
      compression: 0,
      layout: 0,
      sizeBytes: 0,
      mtimeMs: fs.clock.now(),
      parent: ROOT_INODE,
    };
    volume.put(inodeKey(ROOT_INODE), encodeInode(root));
    volume.commit();
    volume.checkpoint();
    return fs;
  }

  /**
   * Mounts the volume on `device`: reads a superblock, the newest root register record, the block
   * table, and replays the journal. A foreign or corrupt image fails with a typed
   * {@link NexfsError} (`ENOTNEXFS`, `ECORRUPT`, `EGEOMETRY`).
   *
   * @example
   * ```ts
   * const fs = await Nexfs.mount(flash);
   * ```
   */
  static async mount(device: FlashDevice, options: NexfsOptions = {}): Promise<Nexfs> {
    checkDevice(device);
    let volume: Volume;
    try {
      volume = Volume.mount(device, options);
    } catch (e) {
      if (e instanceof NexfsError || e instanceof PowerCutError || e instanceof TypeError) throw e;
      throw new NexfsError('ECORRUPT', `mount failed on a damaged image: ${(e as Error).message}`);
    }
    const content = await ChunkSpace.open(volume, { ...options.content, zstdEngine: options.zstdEngine });
    const fs = new Nexfs(volume, content, options);
    if (volume.get(inodeKey(ROOT_INODE)) === undefined)
      throw new NexfsError('ECORRUPT', 'the root directory is missing');
    if (!volume.readOnly) {
      fs.removeOrphans();
      fs.resumeRecompression();
    }
    return fs;
  }

  /**
   * Makes everything durable, writes a checkpoint and detaches. Open handles become invalid.
   *
   * @example
   * ```ts
   * await fs.unmount();
   * ```
   */
  async unmount(): Promise<void> {
    this.live();
    if (!this.volume.readOnly) {
      this.volume.commit();
      this.volume.checkpoint();
    }
    this.openInodes.clear();
    this.mounted = false;
  }

  /**
   * Opens a file.
   *
   * @example
   * ```ts
   * const fh = await fs.open('/log', 'a');
   * await fh.write(new TextEncoder().encode('line\n'));
   * await fh.close();
   * ```
   */
  async open(path: string, flags: OpenFlags = 'r', options?: FileContentOptions): Promise<FileHandle> {
    this.live();
    if (!['r', 'r+', 'w', 'w+', 'wx', 'a', 'a+'].includes(flags))
      throw new TypeError(`flags: unknown open flags '${flags}'`);
    const choice = this.choose(options);
    const names = this.parse(path);
    if (names.length === 0) throw new NexfsError('EISDIR', 'cannot open the root directory as a file', path);
    const writable = flags !== 'r';
    if (writable) this.writable();
    const parent = this.resolveDir(names.slice(0, -1), path);
    const name = names[names.length - 1];
    let ent = this.lookupEntry(parent, name);
    if (ent && flags === 'wx') throw new NexfsError('EEXIST', 'file exists', path);
    if (!ent) {
      if (flags === 'r' || flags === 'r+') throw new NexfsError('ENOENT', 'no such file', path);
      if (this.handles >= this.maxOpenFiles)
        throw new NexfsError('EMFILE', `${this.maxOpenFiles} files are open`, path);
      this.ensureSpace(4);
      const ino = this.volume.nextInode++;
      this.volume.put(inodeKey(ino), encodeInode(this.newInode('file', parent, choice)));
      this.volume.put(direntKey(parent, name), direntValue(ino, 'file'));
      ent = { ino, kind: 'file' };
    }
    if (ent.kind !== 'file') throw new NexfsError('EISDIR', 'is a directory', path);
    if (this.handles >= this.maxOpenFiles)
      throw new NexfsError('EMFILE', `${this.maxOpenFiles} files are open`, path);
    const o = this.acquire(ent.ino, path);
    const fh = new FileHandle(this, o, flags);
    if (flags === 'w' || flags === 'w+') this.truncateInode(o, 0);
    return fh;
  }

  /**
   * Reads a whole file.
   *
   * @example
   * ```ts
   * const bytes = await fs.readFile('/etc/motd');
   * ```
   */
  async readFile(path: string): Promise<Uint8Array> {
    const fh = await this.open(path, 'r');
    try {
      const out = new Uint8Array(fh.size);
      this.readAt(fh.inode, out, 0, out.length, 0);
      return out;
    } finally {
      await fh.close();
    }
  }

  /**
   * Replaces a whole file atomically, at any size: the data goes to a hidden temporary file that is
   * synced and renamed over the target, so a power cut leaves the old or the new file.
   *
   * @example
   * ```ts
   * await fs.writeFile('/config.json', new TextEncoder().encode('{}'));
   * ```
   */
  async writeFile(path: string, data: Uint8Array, options?: FileContentOptions): Promise<void> {
    this.live();
    this.writable();
    checkBytes(data, 'data');
    const choice = this.choose(options);
    const names = this.parse(path);
    if (names.length === 0) throw new NexfsError('EISDIR', 'cannot write the root directory', path);
    const parent = this.resolveDir(names.slice(0, -1), path);
    const name = names[names.length - 1];
    const existing = this.lookupEntry(parent, name);
    if (existing && existing.kind !== 'file') throw new NexfsError('EISDIR', 'is a directory', path);
    if (existing && this.openInodes.has(existing.ino)) throw new NexfsError('EBUSY', 'file is open', path);
    if (this.handles >= this.maxOpenFiles)
      throw new NexfsError('EMFILE', `${this.maxOpenFiles} files are open`, path);
    // The new contents go to a fresh inode listed as an orphan (mount deletes orphans), then one
    // transaction links it in place of the old file: a power cut leaves the old or the new file.
    this.ensureSpace(4);
    const ino = this.volume.nextInode++;
    this.volume.put(inodeKey(ino), encodeInode(this.newInode('file', parent, choice)));
    this.volume.put(orphanKey(ino), EMPTY);
    const o = this.acquire(ino, path);
    try {
      this.writeAt(o, data, 0);
      this.flushBuffer(o);
      o.chunked?.flushTail();
      if (existing) this.removeFile(existing.ino);
      this.volume.put(direntKey(parent, name), direntValue(ino, 'file'));
      this.volume.del(orphanKey(ino));
    } catch (e) {
      if (e instanceof NexfsError && e.code === 'ENOSPC') {
        // Nothing was linked: drop the half-built file now rather than at the next mount.
        o.bufIndex = -1;
        o.sizeDirty = false;
        o.chunked = null;
        this.removeFile(ino);
        this.volume.del(orphanKey(ino));
      }
      throw e;
    } finally {
      o.refs--;
      this.handles--;
      this.volume.commit();
      if (o.refs === 0) this.openInodes.delete(ino);
    }
  }

  /**
   * Appends to a file, creating it if needed, and syncs.
   *
   * @example
   * ```ts
   * await fs.appendFile('/log', new TextEncoder().encode('event\n'));
   * ```
   */
  async appendFile(path: string, data: Uint8Array): Promise<void> {
    checkBytes(data, 'data');
    const fh = await this.open(path, 'a');
    try {
      await fh.write(data);
    } finally {
      await fh.close();
    }
  }

  /**
   * Creates a directory (durable when the promise resolves).
   *
   * @example
   * ```ts
   * await fs.mkdir('/var/log', { recursive: true });
   * ```
   */
  async mkdir(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    this.live();
    this.writable();
    const names = this.parse(path);
    if (names.length === 0) {
      if (options.recursive) return;
      throw new NexfsError('EEXIST', 'the root directory exists', path);
    }
    this.ensureSpace(4);
    let dir = ROOT_INODE;
    for (let i = 0; i < names.length; i++) {
      const ent = this.lookupEntry(dir, names[i]);
      const last = i === names.length - 1;
      if (ent) {
        if (ent.kind !== 'dir') throw new NexfsError('ENOTDIR', 'a path component is a file', path);
        if (last && !options.recursive) throw new NexfsError('EEXIST', 'directory exists', path);
        dir = ent.ino;
        continue;
      }
      if (!last && !options.recursive)
        throw new NexfsError('ENOENT', 'parent directory does not exist', path);
      const ino = this.volume.nextInode++;
      this.volume.put(inodeKey(ino), encodeInode(this.newInode('dir', dir)));
      this.volume.put(direntKey(dir, names[i]), direntValue(ino, 'dir'));
      dir = ino;
    }
    this.volume.commit();
  }

  /**
   * Lists a directory's names in byte order.
   *
   * @example
   * ```ts
   * const names = await fs.readdir('/');
   * ```
   */
  async readdir(path: string): Promise<string[]> {
    this.live();
    const dir = this.resolveDir(this.parse(path), path);
    const out: string[] = [];
    this.volume.tree.scan(direntKey(dir, EMPTY), direntKey(dir + 1, EMPTY), (k) => {
      out.push(decoder.decode(k.subarray(9)));
      return true;
    });
    return out;
  }

  /**
   * Removes an empty directory (durable when the promise resolves).
   *
   * @example
   * ```ts
   * await fs.rmdir('/scratch');
   * ```
   */
  async rmdir(path: string): Promise<void> {
    this.live();
    this.writable();
    const names = this.parse(path);
    if (names.length === 0) throw new NexfsError('EBUSY', 'cannot remove the root directory', path);
    const parent = this.resolveDir(names.slice(0, -1), path);
    const ent = this.lookupEntry(parent, names[names.length - 1]);
    if (!ent) throw new NexfsError('ENOENT', 'no such directory', path);
    if (ent.kind !== 'dir') throw new NexfsError('ENOTDIR', 'not a directory', path);
    if (!this.isEmptyDir(ent.ino)) throw new NexfsError('ENOTEMPTY', 'directory not empty', path);
    this.ensureSpace(4);
    this.volume.del(direntKey(parent, names[names.length - 1]));
    this.volume.del(inodeKey(ent.ino));
    this.volume.commit();
  }

  /**
   * Removes a file (durable when the promise resolves). An open file cannot be removed (EBUSY).
   *
   * @example
   * ```ts
   * await fs.unlink('/old.log');
   * ```
   */
  async unlink(path: string): Promise<void> {
    this.live();
    this.writable();
    const names = this.parse(path);
    if (names.length === 0) throw new NexfsError('EISDIR', 'cannot unlink the root directory', path);
    const parent = this.resolveDir(names.slice(0, -1), path);
    const ent = this.lookupEntry(parent, names[names.length - 1]);
    if (!ent) throw new NexfsError('ENOENT', 'no such file', path);
    if (ent.kind !== 'file') throw new NexfsError('EISDIR', 'is a directory', path);
    if (this.openInodes.has(ent.ino)) throw new NexfsError('EBUSY', 'file is open', path);
    this.ensureSpace(4);
    this.volume.del(direntKey(parent, names[names.length - 1]));
    this.removeFile(ent.ino);
    this.volume.commit();
  }

  /**
   * Renames atomically, also over an existing file or empty directory (durable on resolve).
   *
   * @example
   * ```ts
   * await fs.rename('/a.tmp', '/a');
   * ```
   */
  async rename(from: string, to: string): Promise<void> {
    this.live();
    this.writable();
    const src = this.parse(from);
    const dst = this.parse(to);
    if (src.length === 0 || dst.length === 0)
      throw new NexfsError('EBUSY', 'cannot rename the root directory', from);
    const srcParent = this.resolveDir(src.slice(0, -1), from);
    const dstParent = this.resolveDir(dst.slice(0, -1), to);
    const srcName = src[src.length - 1];
    const dstName = dst[dst.length - 1];
    const ent = this.lookupEntry(srcParent, srcName);
    if (!ent) throw new NexfsError('ENOENT', 'no such file or directory', from);
    if (srcParent === dstParent && equalBytes(srcName, dstName)) return;
    if (ent.kind === 'dir') {
      // A directory cannot move under itself.
      let d = dstParent;
      for (let depth = 0; depth < MAX_PATH_DEPTH && d !== ROOT_INODE; depth++) {
        if (d === ent.ino) throw new NexfsError('EINVAL', 'cannot move a directory into itself', to);
        d = this.inode(d, to).parent;
      }
    }
    const existing = this.lookupEntry(dstParent, dstName);
    if (existing) {
      if (existing.kind !== ent.kind)
        throw new NexfsError(
          existing.kind === 'dir' ? 'EISDIR' : 'ENOTDIR',
          'rename between a file and a directory',
          to,
        );
      if (existing.kind === 'dir' && !this.isEmptyDir(existing.ino))
        throw new NexfsError('ENOTEMPTY', 'target not empty', to);
      if (this.openInodes.has(existing.ino)) throw new NexfsError('EBUSY', 'target file is open', to);
    }
    this.ensureSpace(4);
    if (existing) {
      if (existing.kind === 'file') this.removeFile(existing.ino);
      else this.volume.del(inodeKey(existing.ino));
    }
    this.volume.del(direntKey(srcParent, srcName));
    this.volume.put(direntKey(dstParent, dstName), direntValue(ent.ino, ent.kind));
    if (ent.kind === 'dir' && srcParent !== dstParent) {
      const inode = this.inode(ent.ino, from);
      inode.parent = dstParent;
      this.volume.put(inodeKey(ent.ino), encodeInode(inode));
    }
    const o = this.openInodes.get(ent.ino);
    if (o) o.path = to;
    this.volume.commit();
  }

  /**
   * Describes a file or directory.
   *
   * @example
   * ```ts
   * const { size } = await fs.stat('/etc/motd');
   * ```
   */
  async stat(path: string): Promise<Stats> {
    this.live();
    const names = this.parse(path);
    let ino = ROOT_INODE;
    if (names.length > 0) {
      const parent = this.resolveDir(names.slice(0, -1), path);
      const ent = this.lookupEntry(parent, names[names.length - 1]);
      if (!ent) throw new NexfsError('ENOENT', 'no such file or directory', path);
      ino = ent.ino;
    }
    const inode = this.inode(ino, path);
    const o = this.openInodes.get(ino);
    const size = o ? o.size : inode.sizeBytes;
    const kind = inode.kind;
    const content = describeChoice(
      kind === 'dir'
        ? this.content.choice(undefined)
        : {
            layout: inode.layout,
            checksum: inode.checksumKind,
            codec: inode.compression,
            level: inode.level ?? 0,
          },
    );
    return {
      ino,
      kind,
      size: kind === 'dir' ? 0 : size,
      mtimeMs: inode.mtimeMs,
      content,
      isFile: () => kind === 'file',
      isDirectory: () => kind === 'dir',
    };
  }

  /**
   * Sets a file's size (durable when the promise resolves).
   *
   * @example
   * ```ts
   * await fs.truncate('/log', 0);
   * ```
   */
  async truncate(path: string, size = 0): Promise<void> {
    const fh = await this.open(path, 'r+');
    try {
      await fh.truncate(size);
    } finally {
      await fh.close();
    }
  }

  /**
   * Checks the whole volume: tree order, directory structure, block accounting and (optionally)
   * every data page's checksum.
   *
   * @example
   * ```ts
   * const report = await fs.fsck({ verifyData: true });
   * if (report.errors.length) console.error(report.errors);
   * ```
   */
  async fsck(options: FsckOptions = {}): Promise<FsckReport> {
    this.live();
    if (!this.volume.readOnly) this.volume.commit();
    return fsckVolume(this.volume, options);
  }

  /**
   * Space and work figures.
   *
   * @example
   * ```ts
   * const { freeBytes } = fs.statfs();
   * ```
   */
  statfs(): StatFs {
    const s = this.volume.blockSummary();
    return {
      pageBytes: this.pageBytes,
      blocks: this.volume.blockCount,
      freeBlocks: this.volume.freeBlocks,
      freeBytes: this.volume.freeBytes,
      badBlocks: s.bad,
      stats: {
        ...this.volume.stats,
        correctedErrors: this.volume.stats.correctedErrors + this.volume.io.correctedErrors,
      },
    };
  }
}
