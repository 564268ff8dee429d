/**
 * `NexfsBase`: the engine half of {@link Nexfs}. It holds the open-file table, the page-map and
 * chunked read and write paths, path resolution and the streams; `fs-content.ts` adds the
 * content-addressing API and `fs.ts` mounting and the POSIX-style file API.
 * Every method runs its engine work in one synchronous step (see `fs.ts`).
 */
import { assert } from './_assert.js';
import { u64 } from './_bytes.js';
import type { ChunkSpace, ContentChoice, ContentFormatOptions, FileContentOptions } from './chunk-space.js';
import type { ZstdEngine } from './content/zstd.js';
import { Layout } from './content-records.js';
import type { FlashDevice } from './device/flash.js';
import { NexfsError } from './errors.js';
import { checkBytes, type FileHandle, type OpenFlags, type OpenInode } from './file-handle.js';
import { ChunkedData } from './fs-chunked.js';
import { collectGarbage } from './fs-snapshot.js';
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
import type { Volume, VolumeOptions } from './volume.js';

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

/** @internal */
export const ROOT_INODE = 1;
/** @internal */
export const MAX_PATH_DEPTH = 256;
const MAX_ORPHANS_PER_MOUNT = 1024;
const encoder = new TextEncoder();
const _decoder = new TextDecoder();

/**
 * The engine half of a mounted volume; use {@link Nexfs.format} or {@link Nexfs.mount} to get one.
 *
 * @example
 * ```ts
 * const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']));
 * const snap = await fs.snapshot('empty');
 * ```
 */
export abstract class NexfsBase {
  /** @internal The engine underneath (for fsck, benches and tests). */
  readonly volume: Volume;
  /** @internal The chunk space (content-addressed chunks on this volume). */
  readonly content: ChunkSpace;
  /** @internal */
  protected readonly clock: Clock;
  /** @internal */
  protected readonly maxOpenFiles: number;
  /** @internal */
  protected readonly maxAtomicWriteBytes: number;
  /** @internal */
  protected readonly openInodes = new Map<number, OpenInode>();
  /** @internal */
  protected handles = 0;
  /** @internal */
  protected mounted = true;
  /** @internal */
  protected readonly pageBytes: number;

  /** @internal */
  protected constructor(volume: Volume, content: ChunkSpace, options: NexfsOptions) {
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
   * Opens a file ({@link Nexfs.open}).
   *
   * @example
   * ```ts
   * const fh = await fs.open('/log', 'a');
   * ```
   */
  abstract open(path: string, flags?: OpenFlags, options?: FileContentOptions): Promise<FileHandle>;

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

  /** @internal */
  protected acquire(ino: number, path: string): OpenInode {
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

  /** @internal */
  protected flushBuffer(o: OpenInode): void {
    if (o.bufIndex >= 0 && o.bufDirty) {
      this.volume.writeDataPage(o.ino, o.bufIndex, o.buf, Math.max(1, o.bufLength));
    }
    o.bufDirty = false;
    o.bufIndex = -1;
  }

  /** @internal */
  protected flushAll(): void {
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

  /** @internal Deletes the files an interrupted writeFile left unlinked (at most one per cut write). */
  protected removeOrphans(): void {
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

  /** @internal */
  protected removeFile(ino: number): void {
    const v = this.volume.get(inodeKey(ino));
    if (v !== undefined && decodeInode(v)?.layout === Layout.Chunked) ChunkedData.remove(this.content, ino);
    else this.volume.delRange(pageKey(ino, 0), pageKey(ino + 1, 0));
    this.volume.del(inodeKey(ino));
  }

  /** @internal */
  protected newInode(kind: 'file' | 'dir', parent: number, choice?: ContentChoice): Inode {
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

  /** @internal Validates per-file content options at the door (a bad level changes nothing). */
  protected choose(options: FileContentOptions | undefined): ContentChoice {
    const choice = this.content.choice(options);
    if (choice.layout === Layout.Chunked) this.content.codec(choice.codec, choice.level);
    return choice;
  }

  /** @internal Ensures room for `pages` data pages; on ENOSPC, sweeps unreferenced chunks once and retries. */
  protected ensureSpace(pages: number): void {
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

  /** @internal */
  protected writeChunked(o: OpenInode, c: ChunkedData, data: Uint8Array, position: number): number {
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

  /** @internal */
  protected inode(ino: number, path: string): Inode {
    const v = this.volume.get(inodeKey(ino));
    const inode = v && decodeInode(v);
    if (!inode) throw new NexfsError('ECORRUPT', `inode ${ino} is missing or damaged`, path);
    return inode;
  }

  /** @internal */
  protected isEmptyDir(ino: number): boolean {
    let empty = true;
    this.volume.tree.scan(direntKey(ino, EMPTY), direntKey(ino + 1, EMPTY), () => {
      empty = false;
      return false;
    });
    return empty;
  }

  /** @internal */
  protected lookupEntry(dir: number, name: Uint8Array): { ino: number; kind: 'file' | 'dir' } | undefined {
    const v = this.volume.get(direntKey(dir, name));
    if (v === undefined) return undefined;
    return { ino: u64(v, DIRENT.inode), kind: v[DIRENT.kind] === 2 ? 'dir' : 'file' };
  }

  /** @internal The inode at `names`, or -1 when a component is missing. */
  protected lookupPath(names: Uint8Array[]): number {
    let ino = ROOT_INODE;
    for (const name of names) {
      const ent = this.lookupEntry(ino, name);
      if (!ent) return -1;
      ino = ent.ino;
    }
    return ino;
  }

  /** @internal */
  protected resolveDir(names: Uint8Array[], path: string): number {
    let dir = ROOT_INODE;
    for (const name of names) {
      const ent = this.lookupEntry(dir, name);
      if (!ent) throw new NexfsError('ENOENT', 'no such directory', path);
      if (ent.kind !== 'dir') throw new NexfsError('ENOTDIR', 'a path component is a file', path);
      dir = ent.ino;
    }
    return dir;
  }

  /** @internal */
  protected parse(path: string): Uint8Array[] {
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

  /** @internal */
  protected live(): void {
    if (!this.mounted) throw new NexfsError('EBADF', 'the volume is unmounted');
  }

  /** @internal */
  protected writable(): void {
    if (this.volume.readOnly) throw new NexfsError('EROFS', 'the volume is mounted read-only');
  }
}

/** @internal */
export const EMPTY = new Uint8Array(0);

/** @internal */
export function direntValue(ino: number, kind: 'file' | 'dir'): Uint8Array {
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

/** @internal */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal */
export function checkCount(v: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${name}: an integer from ${min} to ${max}`);
  return v;
}

/** @internal */
export function checkDevice(device: FlashDevice): void {
  if (typeof device !== 'object' || device === null || typeof device.read !== 'function' || !device.geometry)
    throw new TypeError('device: expected a FlashDevice');
}

void assert;
void KeyKind;
