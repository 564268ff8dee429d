/**
 * `Nexfs`: the promise-based filesystem API over the synchronous {@link Volume} engine. Every
 * method runs its engine work in one synchronous step, so concurrent calls never interleave inside
 * the engine: each call is one transaction, and the durable state after a power cut is the state
 * after some prefix of the calls (at least up to the last one that synced).
 *
 * This file is past 700 lines on purpose: the `Nexfs` class alone is most of it, and its methods
 * share one private open-inode table and path walk, and the one-transaction-per-call rule above
 * is easiest to check when every method that touches the engine is in one place.
 */
import { assert } from './_assert.js';
import { u64 } from './_bytes.js';
import {
  ChunkSpace,
  type ContentChoice,
  type ContentFormatOptions,
  describeChoice,
  type FileContentOptions,
} from './chunk-space.js';
import type { TreeDiff, VerifyReport } from './content/tree.js';
import type { ZstdEngine } from './content/zstd.js';
import { Layout } from './content-records.js';
import type { FlashDevice } from './device/flash.js';
import { NexfsError, PowerCutError } from './errors.js';
import { checkBytes, FileHandle, type OpenFlags, type OpenInode } from './file-handle.js';
import { ChunkedData } from './fs-chunked.js';
import { type ScrubTask, type ScrubVolumeOptions, startScrub } from './fs-scrub.js';
import {
  type CarVolumeImport,
  type CollectGarbageReport,
  collectGarbage,
  createSnapshot,
  deleteSnapshot,
  diffSnapshots,
  exportSnapshotCar,
  importCarInto,
  listSnapshots,
  readSnapshotFile,
  rollback,
  type SnapshotInfo,
  verifySnapshot,
} from './fs-snapshot.js';
import { type FsckOptions, type FsckReport, fsckVolume } from './fsck.js';
import {
  DIRENT,
  decodeInode,
  direntKey,
  encodeInode,
  type Inode,
  inodeKey,
  KeyKind,
  orphanKey,
  pageKey,
} from './records.js';
import { Volume, type VolumeOptions, type VolumeStats } from './volume.js';

export { FileHandle, type HandleStats, type OpenFlags } from './file-handle.js';

/** The time port: milliseconds since the epoch. */
export interface Clock {
  /** Current time in milliseconds. */
  now(): number;
}

/** Options of {@link Nexfs.format} and {@link Nexfs.mount}. */
export interface NexfsOptions extends VolumeOptions {
  /** Time source for modification times (default `Date.now`). */
  clock?: Clock;
  /** Files open at once (default 64); each holds one page buffer. */
  maxOpenFiles?: number;
  /** A write call up to this size is atomic under power loss (default 1 MiB). */
  maxAtomicWriteBytes?: number;
  /**
   * Content addressing: the default layout, checksum and compression of new files, and (at format
   * only) the FastCDC chunk sizes. Recorded on flash; a mount reads them back.
   */
  content?: ContentFormatOptions;
  /** A zstd encoder to use instead of loading @bokuweb/zstd-wasm (browsers inject their own). */
  zstdEngine?: ZstdEngine;
}

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

const ROOT_INODE = 1;
const MAX_PATH_DEPTH = 256;
const MAX_ORPHANS_PER_MOUNT = 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

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
export class Nexfs {
  /** @internal The engine underneath (for fsck, benches and tests). */
  readonly volume: Volume;
  /** @internal The chunk space (content-addressed chunks on this volume). */
  readonly content: ChunkSpace;
  private readonly clock: Clock;
  private readonly maxOpenFiles: number;
  private readonly maxAtomicWriteBytes: number;
  private readonly openInodes = new Map<number, OpenInode>();
  private handles = 0;
  private mounted = true;
  private readonly pageBytes: number;

  private constructor(volume: Volume, content: ChunkSpace, options: NexfsOptions) {
    this.volume = volume;
    this.content = content;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxOpenFiles = checkCount(options.maxOpenFiles ?? 64, 'maxOpenFiles', 1, 1 << 16);
    this.maxAtomicWriteBytes = checkCount(
      options.maxAtomicWriteBytes ?? 1 << 20,
      'maxAtomicWriteBytes',
      1,
      1 << 30,
    );
    this.pageBytes = volume.io.payloadBytes;
    volume.beforeCommit = () => this.flushAll();
    this.sweepHook = () => collectGarbage(this).removed;
  }

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
    if (!volume.readOnly) fs.removeOrphans();
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
   * await fs.rmdir('/tmp');
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
   * Takes a snapshot of the whole tree (TimeWarp): a Merkle DAG whose root CID covers every
   * directory, file and chunk. Durable when the promise resolves.
   *
   * @example
   * ```ts
   * const snap = await fs.snapshot('before upgrade');
   * console.log(snap.id, snap.root);
   * ```
   */
  async snapshot(label = ''): Promise<SnapshotInfo> {
    this.live();
    this.writable();
    return createSnapshot(this, label);
  }

  /**
   * Lists the snapshots, oldest first.
   *
   * @example
   * ```ts
   * for (const s of await fs.snapshots()) console.log(s.id, s.label, s.files);
   * ```
   */
  async snapshots(): Promise<SnapshotInfo[]> {
    this.live();
    return listSnapshots(this);
  }

  /**
   * Paths added, removed and changed between two snapshots, or from a snapshot to the live tree.
   *
   * @example
   * ```ts
   * const { added, removed, changed } = await fs.diff(1);
   * ```
   */
  async diff(from: number, to?: number): Promise<TreeDiff> {
    this.live();
    return diffSnapshots(this, from, to);
  }

  /**
   * Reads a file as a snapshot holds it (every chunk verified against its name).
   *
   * @example
   * ```ts
   * const old = await fs.readSnapshotFile(1, '/etc/motd');
   * ```
   */
  async readSnapshotFile(id: number, path: string): Promise<Uint8Array> {
    this.live();
    return readSnapshotFile(this, id, path);
  }

  /**
   * Deletes a snapshot; its chunks are reclaimed by the next {@link collectGarbage}.
   *
   * @example
   * ```ts
   * await fs.deleteSnapshot(1);
   * ```
   */
  async deleteSnapshot(id: number): Promise<void> {
    this.live();
    this.writable();
    deleteSnapshot(this, id);
  }

  /**
   * Returns the whole tree to a snapshot in one atomic step (all files must be closed).
   *
   * @example
   * ```ts
   * await fs.rollback(1);
   * ```
   */
  async rollback(id: number): Promise<void> {
    this.live();
    this.writable();
    rollback(this, id);
  }

  /**
   * Recomputes a snapshot's root from flash and fails with a typed error on any tampered byte.
   *
   * @example
   * ```ts
   * const { nodes, chunks } = await fs.verifySnapshot(1);
   * ```
   */
  async verifySnapshot(id: number): Promise<VerifyReport> {
    this.live();
    return verifySnapshot(this, id);
  }

  /**
   * Reclaims chunks that neither the live tree nor any snapshot references (mark-and-sweep; safe
   * to interrupt). Also runs by itself when a write meets ENOSPC.
   *
   * @example
   * ```ts
   * const { removed, freedBytes } = await fs.collectGarbage();
   * ```
   */
  async collectGarbage(): Promise<CollectGarbageReport> {
    this.live();
    this.writable();
    return collectGarbage(this);
  }

  /**
   * Changes a chunked file's compression and rewrites its chunks copy-on-write: each chunk's new
   * frame goes to fresh pages and its index entry is swapped in a transaction, so a power cut at any
   * point leaves every chunk readable in its old or its new frame. Chunks are shared by name, so a
   * chunk another file shares takes the new codec too. Resolves to the number of chunks rewritten.
   *
   * @example
   * ```ts
   * await fs.setCompression('/logs/archive.bin', { compression: 'zstd', level: 19 });
   * ```
   */
  async setCompression(
    path: string,
    options: { compression: 'none' | 'rle' | 'zstd'; level?: number },
  ): Promise<number> {
    this.live();
    this.writable();
    const choice = this.choose({ layout: 'chunked', compression: options.compression, level: options.level });
    const fh = await this.open(path, 'r+');
    try {
      const o = fh.inode;
      const c = o.chunked;
      if (c === null) throw new NexfsError('EINVAL', 'page-map files are not compressed', path);
      c.flushTail();
      c.choice = { ...c.choice, codec: choice.codec, level: choice.level };
      o.inode.compression = choice.codec;
      o.inode.level = choice.level;
      this.volume.put(inodeKey(o.ino), encodeInode(o.inode));
      const codec = c.codec();
      let rewritten = 0;
      for (const e of [...c.extents]) {
        this.ensureSpace(this.content.pagesOf(e.length + 64) + 2);
        if (this.content.recode(e.name, codec, path)) rewritten++;
      }
      return rewritten;
    } finally {
      await fh.close();
    }
  }

  /**
   * Scrubs the volume in the background: every metadata page pair copy by copy (superblock copies,
   * register ring, block table, B-tree nodes, journal), every data page against its CRC-32C and
   * every chunk through its frame check and name. Bad B-tree node copies are rewritten from their
   * mirror; bad chunks from `options.redundant` when it holds a copy that verifies. Pause and resume
   * through the returned task; `done` resolves with the report (bytes checked, errors, repaired,
   * paths that lost data).
   *
   * @example
   * ```ts
   * const task = fs.scrub({ onProgress: (p) => console.log(`${p.done}/${p.total}`) });
   * const report = await task.done;
   * if (report.lostPaths.length) console.error('lost:', report.lostPaths);
   * ```
   */
  scrub(options: ScrubVolumeOptions = {}): ScrubTask {
    this.live();
    return startScrub(this, options);
  }

  /**
   * Exports a snapshot as a CAR v1 archive: blocks addressed by CIDv1 with the BLAKE3 multihash
   * (0x1e), chunks as raw and nodes as dag-cbor, readable by `@ipld/car`.
   *
   * @example
   * ```ts
   * const car = await fs.exportCar(1);
   * ```
   */
  async exportCar(id: number): Promise<Uint8Array> {
    this.live();
    return exportSnapshotCar(this, id);
  }

  /**
   * Imports a CAR v1 archive (as {@link exportCar} writes) as files under `dir` (created when
   * missing, else it must be empty), storing only the chunks the volume lacks. The archive is
   * verified completely first: a truncated or corrupt CAR is a typed error and changes nothing.
   *
   * @example
   * ```ts
   * const { files, newBlocks } = await fs.importCar(car, '/restored');
   * ```
   */
  async importCar(car: Uint8Array, dir: string): Promise<CarVolumeImport> {
    this.live();
    this.writable();
    checkBytes(car, 'car');
    const names = this.parse(dir);
    // Check the target before anything is written; the archive is verified before it is created.
    let at = ROOT_INODE;
    for (const name of names) {
      const ent = this.lookupEntry(at, name);
      if (!ent) break;
      if (ent.kind !== 'dir') throw new NexfsError('ENOTDIR', 'a path component is a file', dir);
      at = ent.ino;
    }
    if (!this.isEmptyDir(at) && this.lookupPath(names) === at)
      throw new NexfsError('ENOTEMPTY', 'the import target is not empty', dir);
    return importCarInto(this, car, () => {
      let ino = ROOT_INODE;
      for (const name of names) {
        const ent = this.lookupEntry(ino, name);
        if (ent && ent.kind !== 'dir') throw new NexfsError('ENOTDIR', 'a path component is a file', dir);
        if (ent) ino = ent.ino;
        else {
          const child = this.volume.nextInode++;
          this.volume.put(inodeKey(child), encodeInode(this.newInode('dir', ino)));
          this.volume.put(direntKey(ino, name), direntValue(child, 'dir'));
          ino = child;
        }
      }
      return ino;
    });
  }

  /** @internal Files open now. */
  get openFiles(): number {
    return this.openInodes.size;
  }

  /** @internal The volume clock. */
  now(): number {
    return this.clock.now();
  }

  /** @internal Ensures room for `pages` data pages (sweeping chunks on ENOSPC). */
  reserve(pages: number): void {
    this.ensureSpace(pages);
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

  /**
   * A WHATWG readable stream of a file's bytes.
   *
   * @example
   * ```ts
   * for await (const chunk of fs.createReadStream('/big.bin')) consume(chunk);
   * ```
   */
  createReadStream(path: string, options: { chunkBytes?: number } = {}): ReadableStream<Uint8Array> {
    const chunkBytes = checkCount(options.chunkBytes ?? 64 * 1024, 'chunkBytes', 1, 1 << 26);
    let fh: FileHandle | null = null;
    let position = 0;
    return new ReadableStream<Uint8Array>({
      start: async () => {
        fh = await this.open(path, 'r');
      },
      pull: async (controller) => {
        const h = fh!;
        const buf = new Uint8Array(chunkBytes);
        const n = await h.read(buf, 0, chunkBytes, position);
        position += n;
        if (n > 0) controller.enqueue(buf.subarray(0, n));
        if (n < chunkBytes) {
          await h.close();
          controller.close();
        }
      },
      cancel: async () => {
        await fh?.close();
      },
    });
  }

  /**
   * A WHATWG writable stream that replaces a file; it is synced when the stream closes.
   *
   * @example
   * ```ts
   * await new Blob([bytes]).stream().pipeTo(fs.createWriteStream('/copy.bin'));
   * ```
   */
  createWriteStream(path: string): WritableStream<Uint8Array> {
    let fh: FileHandle | null = null;
    return new WritableStream<Uint8Array>({
      start: async () => {
        fh = await this.open(path, 'w');
      },
      write: async (chunk) => {
        checkBytes(chunk, 'chunk');
        await fh!.write(chunk);
      },
      close: async () => {
        await fh!.close();
      },
      abort: async () => {
        await fh?.close();
      },
    });
  }

  // ---------------------------------------------------------------------------------------------
  // internals used by FileHandle

  /** @internal */
  readAt(o: OpenInode, out: Uint8Array, offset: number, length: number, position: number): number {
    this.live();
    if (o.chunked !== null)
      return o.chunked.read(out, offset, Math.max(0, Math.min(length, o.size - position)), position);
    const end = Math.min(o.size, position + length);
    const P = this.pageBytes;
    let done = 0;
    const scratch = new Uint8Array(P);
    for (let pos = position; pos < end; ) {
      const idx = Math.floor(pos / P);
      const off = pos - idx * P;
      const n = Math.min(P - off, end - pos);
      const dst = out.subarray(offset + done, offset + done + n);
      if (o.bufIndex === idx) {
        copyPage(o.buf, o.bufLength, off, dst);
      } else {
        const len = this.volume.readDataPage(o.ino, idx, scratch, o.path);
        copyPage(scratch, Math.max(0, len), off, dst);
      }
      pos += n;
      done += n;
    }
    return done;
  }

  /** @internal */
  writeAt(o: OpenInode, data: Uint8Array, position: number): number {
    this.live();
    this.writable();
    if (o.chunked !== null) return this.writeChunked(o, o.chunked, data, position);
    const P = this.pageBytes;
    let done = 0;
    while (done < data.length) {
      const chunk = Math.min(this.maxAtomicWriteBytes, data.length - done);
      this.ensureSpace(Math.ceil(chunk / P) + 2);
      const end = position + done + chunk;
      for (let pos = position + done; pos < end; ) {
        const idx = Math.floor(pos / P);
        const off = pos - idx * P;
        const n = Math.min(P - off, end - pos);
        const src = data.subarray(pos - position, pos - position + n);
        if (o.bufIndex !== idx && off === 0 && n === P) {
          this.volume.writeDataPage(o.ino, idx, src, P);
        } else {
          if (o.bufIndex !== idx) {
            this.flushBuffer(o);
            const len = this.volume.readDataPage(o.ino, idx, o.buf, o.path);
            o.buf.fill(0, Math.max(0, len));
            o.bufIndex = idx;
            o.bufLength = Math.max(0, len);
          }
          o.buf.set(src, off);
          o.bufLength = Math.max(o.bufLength, off + n);
          o.bufDirty = true;
        }
        pos += n;
        if (pos > o.size) {
          o.size = pos;
          o.sizeDirty = true;
        }
      }
      o.sizeDirty = true;
      done += chunk;
    }
    return done;
  }

  /** @internal */
  truncateInode(o: OpenInode, size: number): void {
    this.writable();
    if (o.chunked !== null) {
      this.ensureSpace(o.chunked.pagesFor(Math.max(0, size - o.size)));
      o.chunked.truncate(size);
      o.size = size;
      o.sizeDirty = true;
      return;
    }
    this.ensureSpace(4);
    this.flushBuffer(o);
    const P = this.pageBytes;
    const keep = Math.ceil(size / P);
    this.volume.delRange(pageKey(o.ino, keep), pageKey(o.ino + 1, 0));
    const tail = size % P;
    if (tail !== 0 && size < o.size) {
      const idx = keep - 1;
      const len = this.volume.readDataPage(o.ino, idx, o.buf, o.path);
      if (len > tail) this.volume.writeDataPage(o.ino, idx, o.buf, tail);
    }
    o.bufIndex = -1;
    o.size = size;
    o.sizeDirty = true;
  }

  /** @internal */
  sync(): void {
    this.live();
    this.volume.commit();
  }

  /** @internal */
  release(o: OpenInode): void {
    if (!this.mounted) return;
    if (!this.volume.readOnly) this.volume.commit();
    o.refs--;
    this.handles--;
    if (o.refs === 0) this.openInodes.delete(o.ino);
  }

  private acquire(ino: number, path: string): OpenInode {
    let o = this.openInodes.get(ino);
    if (!o) {
      const inode = this.inode(ino, path);
      o = {
        ino,
        path,
        refs: 0,
        size: inode.sizeBytes,
        sizeDirty: false,
        bufIndex: -1,
        buf: new Uint8Array(this.pageBytes),
        bufLength: 0,
        bufDirty: false,
        inode,
        chunked:
          inode.layout === Layout.Chunked
            ? new ChunkedData(
                this.content,
                ino,
                {
                  layout: inode.layout,
                  checksum: inode.checksumKind,
                  codec: inode.compression,
                  level: inode.level ?? 0,
                },
                path,
              )
            : null,
      };
      this.openInodes.set(ino, o);
    }
    o.refs++;
    this.handles++;
    return o;
  }

  private flushBuffer(o: OpenInode): void {
    if (o.bufIndex >= 0 && o.bufDirty) {
      this.volume.writeDataPage(o.ino, o.bufIndex, o.buf, Math.max(1, o.bufLength));
    }
    o.bufDirty = false;
    o.bufIndex = -1;
  }

  private flushAll(): void {
    for (const o of this.openInodes.values()) {
      this.flushBuffer(o);
      o.chunked?.flushTail();
      if (o.sizeDirty) {
        o.inode.sizeBytes = o.size;
        o.inode.mtimeMs = this.clock.now();
        this.volume.put(inodeKey(o.ino), encodeInode(o.inode));
        o.sizeDirty = false;
      }
    }
    this.content.flush();
  }

  /** Deletes the files an interrupted writeFile left unlinked (at most one per cut write). */
  private removeOrphans(): void {
    const orphans: number[] = [];
    this.volume.tree.scan(orphanKey(0), orphanKey(Number.MAX_SAFE_INTEGER), (k) => {
      orphans.push(u64(k, 1));
      return orphans.length < MAX_ORPHANS_PER_MOUNT;
    });
    if (orphans.length === 0) return;
    for (const ino of orphans) {
      this.removeFile(ino);
      this.volume.del(orphanKey(ino));
    }
    this.volume.commit();
  }

  private removeFile(ino: number): void {
    const v = this.volume.get(inodeKey(ino));
    if (v !== undefined && decodeInode(v)?.layout === Layout.Chunked) ChunkedData.remove(this.content, ino);
    else this.volume.delRange(pageKey(ino, 0), pageKey(ino + 1, 0));
    this.volume.del(inodeKey(ino));
  }

  private newInode(kind: 'file' | 'dir', parent: number, choice?: ContentChoice): Inode {
    const chunked = choice !== undefined && choice.layout === Layout.Chunked;
    return {
      kind,
      checksumKind: chunked ? choice.checksum : 0,
      compression: chunked ? choice.codec : 0,
      layout: chunked ? Layout.Chunked : Layout.Pages,
      level: chunked ? choice.level : 0,
      sizeBytes: 0,
      mtimeMs: this.clock.now(),
      parent,
    };
  }

  /** Validates per-file content options at the door (a bad level changes nothing). */
  private choose(options: FileContentOptions | undefined): ContentChoice {
    const choice = this.content.choice(options);
    if (choice.layout === Layout.Chunked) this.content.codec(choice.codec, choice.level);
    return choice;
  }

  /** Ensures room for `pages` data pages; on ENOSPC, sweeps unreferenced chunks once and retries. */
  private ensureSpace(pages: number): void {
    try {
      this.volume.ensureSpace(pages);
    } catch (e) {
      if (!(e instanceof NexfsError) || e.code !== 'ENOSPC' || this.sweepHook === null) throw e;
      if (this.sweepHook() === 0) throw e;
      this.volume.ensureSpace(pages);
    }
  }

  /** @internal Set by the snapshot layer: reclaims unreferenced chunks, returns how many. */
  sweepHook: (() => number) | null = null;

  private writeChunked(o: OpenInode, c: ChunkedData, data: Uint8Array, position: number): number {
    let done = 0;
    while (done < data.length) {
      const n = Math.min(this.maxAtomicWriteBytes, data.length - done);
      this.ensureSpace(c.pagesFor(n + Math.max(0, position + done - o.size)));
      c.write(data.subarray(done, done + n), position + done);
      done += n;
      if (c.size > o.size) o.size = c.size;
      o.sizeDirty = true;
    }
    return done;
  }

  private inode(ino: number, path: string): Inode {
    const v = this.volume.get(inodeKey(ino));
    const inode = v && decodeInode(v);
    if (!inode) throw new NexfsError('ECORRUPT', `inode ${ino} is missing or damaged`, path);
    return inode;
  }

  private isEmptyDir(ino: number): boolean {
    let empty = true;
    this.volume.tree.scan(direntKey(ino, EMPTY), direntKey(ino + 1, EMPTY), () => {
      empty = false;
      return false;
    });
    return empty;
  }

  private lookupEntry(dir: number, name: Uint8Array): { ino: number; kind: 'file' | 'dir' } | undefined {
    const v = this.volume.get(direntKey(dir, name));
    if (v === undefined) return undefined;
    return { ino: u64(v, DIRENT.inode), kind: v[DIRENT.kind] === 2 ? 'dir' : 'file' };
  }

  /** The inode at `names`, or -1 when a component is missing. */
  private lookupPath(names: Uint8Array[]): number {
    let ino = ROOT_INODE;
    for (const name of names) {
      const ent = this.lookupEntry(ino, name);
      if (!ent) return -1;
      ino = ent.ino;
    }
    return ino;
  }

  private resolveDir(names: Uint8Array[], path: string): number {
    let dir = ROOT_INODE;
    for (const name of names) {
      const ent = this.lookupEntry(dir, name);
      if (!ent) throw new NexfsError('ENOENT', 'no such directory', path);
      if (ent.kind !== 'dir') throw new NexfsError('ENOTDIR', 'a path component is a file', path);
      dir = ent.ino;
    }
    return dir;
  }

  private parse(path: string): Uint8Array[] {
    if (typeof path !== 'string') throw new TypeError('path: expected a string');
    if (!path.startsWith('/')) throw new TypeError(`path: '${path}' is not absolute`);
    const parts = path.split('/').filter((p) => p.length > 0);
    if (parts.length > MAX_PATH_DEPTH) throw new RangeError(`path: deeper than ${MAX_PATH_DEPTH} components`);
    return parts.map((p) => {
      if (p === '.' || p === '..')
        throw new NexfsError('EINVAL', "'.' and '..' are not supported in paths", path);
      if (p.includes('\0')) throw new TypeError('path: contains a NUL character');
      const bytes = encoder.encode(p);
      if (bytes.length > this.volume.sb.nameMaxBytes)
        throw new NexfsError(
          'ENAMETOOLONG',
          `a name is longer than ${this.volume.sb.nameMaxBytes} bytes`,
          path,
        );
      return bytes;
    });
  }

  private live(): void {
    if (!this.mounted) throw new NexfsError('EBADF', 'the volume is unmounted');
  }

  private writable(): void {
    if (this.volume.readOnly) throw new NexfsError('EROFS', 'the volume is mounted read-only');
  }
}

const EMPTY = new Uint8Array(0);

function direntValue(ino: number, kind: 'file' | 'dir'): Uint8Array {
  const v = new Uint8Array(DIRENT.bytes);
  const k = inodeKey(ino);
  v.set(k.subarray(1), DIRENT.inode);
  v[DIRENT.kind] = kind === 'file' ? 1 : 2;
  return v;
}

function copyPage(page: Uint8Array, length: number, off: number, dst: Uint8Array): void {
  const avail = Math.max(0, Math.min(dst.length, length - off));
  if (avail > 0) dst.set(page.subarray(off, off + avail));
  if (avail < dst.length) dst.fill(0, avail);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkCount(v: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${name}: an integer from ${min} to ${max}`);
  return v;
}

function checkDevice(device: FlashDevice): void {
  if (typeof device !== 'object' || device === null || typeof device.read !== 'function' || !device.geometry)
    throw new TypeError('device: expected a FlashDevice');
}

void assert;
void KeyKind;
