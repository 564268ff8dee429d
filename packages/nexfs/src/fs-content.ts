/**
 * `NexfsContent`: the content-addressing API of {@link Nexfs} (TimeWarp snapshots, collection,
 * recompression, scrub, CAR), thin entry points over `fs-snapshot.ts` and `fs-scrub.ts` that check
 * the volume is mounted (and writable) first.
 */
import type { TreeDiff, VerifyReport } from './content/tree.js';
import { Layout } from './content-records.js';
import { NexfsError } from './errors.js';
import { type Features, featuresOf, withFeatures } from './features.js';
import { checkBytes } from './file-handle.js';
import { direntValue, NexfsBase, ROOT_INODE } from './fs-base.js';
import {
  encodeRecompress,
  RECOMPRESS_KEY,
  type RecompressionOptions,
  type RecompressionTask,
  readRecompress,
  runningRecompression,
  startRecompression,
} from './fs-recompress.js';
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
import { decodeInode, direntKey, encodeInode, inodeKey } from './records.js';

/**
 * The content-addressing half of a mounted volume; use {@link Nexfs.format} or {@link Nexfs.mount}.
 *
 * @example
 * ```ts
 * const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']));
 * const snap = await fs.snapshot('empty');
 * ```
 */
export abstract class NexfsContent extends NexfsBase {
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
   * The content features of this volume, from the superblock's compatible flags.
   *
   * @example
   * ```ts
   * const { compression, dedup } = fs.features();
   * ```
   */
  features(): Features {
    this.live();
    return featuresOf(this.volume.sb.compatFlags);
  }

  /**
   * Turns content features on or off at run time, without reformatting: one power-loss-safe
   * superblock rewrite (a cut leaves the old or the new flags). Unknown compatible bits are kept.
   *
   * @example
   * ```ts
   * await fs.setFeatures({ compression: false }); // new chunks are stored uncompressed
   * ```
   */
  async setFeatures(changes: Partial<Features>): Promise<Features> {
    this.live();
    this.writable();
    if (typeof changes !== 'object' || changes === null) throw new TypeError('changes: expected an object');
    const compat = withFeatures(this.volume.sb.compatFlags, changes);
    this.volume.commit();
    this.volume.setFeatures(this.volume.sb.incompatFlags, compat);
    // Background recompression on again: a recorded task continues.
    if (changes.backgroundRecompression === true) this.resumeRecompression();
    return featuresOf(compat);
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
      if (!featuresOf(this.volume.sb.compatFlags).backgroundRecompression) return 0;
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
   * Changes the volume's compression: new files take it, and (when the `backgroundRecompression`
   * feature is on) a background task gives every chunked file the new codec and rewrites its
   * chunks copy-on-write, in slices on the event loop. The task is recorded on flash with its
   * progress, so a power cut loses nothing and the next read-write mount resumes it; it stops
   * while the feature is off and resumes when it is turned on. Returns the task, or null when the
   * feature is off (then only new chunks take the codec). A zstd level out of 1..22 is a
   * RangeError and changes nothing.
   *
   * @example
   * ```ts
   * const task = fs.setVolumeCompression({ compression: 'zstd', level: 19 }, {
   *   onProgress: (p) => console.log(`${p.chunks}/${p.chunksTotal} chunks`),
   * });
   * const report = await task?.done;
   * ```
   */
  setVolumeCompression(
    options: { compression: 'none' | 'rle' | 'zstd'; level?: number },
    task: RecompressionOptions = {},
  ): RecompressionTask | null {
    this.live();
    this.writable();
    if (typeof options !== 'object' || options === null) throw new TypeError('options: expected an object');
    const choice = this.choose({ layout: 'chunked', compression: options.compression, level: options.level });
    const record = this.content.record;
    record.codec = choice.codec;
    record.level = choice.level;
    this.content.touch();
    this.reserve(2);
    if (!featuresOf(this.volume.sb.compatFlags).backgroundRecompression) {
      this.volume.commit();
      return null;
    }
    this.volume.put(
      RECOMPRESS_KEY,
      encodeRecompress({ codec: choice.codec, level: choice.level, cursor: 0, rewritten: 0 }),
    );
    this.volume.commit();
    return startRecompression(this, this.recompressionHost(), task);
  }

  /**
   * The volume recompression running in the background (started by {@link setVolumeCompression},
   * or resumed by a mount or by turning the feature back on), or null.
   *
   * @example
   * ```ts
   * const pending = fs.recompression();
   * if (pending) await pending.done;
   * ```
   */
  recompression(): RecompressionTask | null {
    this.live();
    return runningRecompression(this);
  }

  /** @internal Resumes a recorded volume recompression (mount, feature turned on). */
  resumeRecompression(): void {
    if (this.volume.readOnly || runningRecompression(this) !== null) return;
    if (!featuresOf(this.volume.sb.compatFlags).backgroundRecompression) return;
    if (readRecompress(this) === null) return;
    startRecompression(this, this.recompressionHost());
  }

  private recompressionHost() {
    return {
      mounted: () => this.mounted,
      retarget: (ino: number, codec: number, level: number): boolean => {
        const v = this.volume.get(inodeKey(ino));
        const inode = v && decodeInode(v);
        if (inode?.kind !== 'file' || inode.layout !== Layout.Chunked) return false;
        const open = this.openInodes.get(ino);
        if (open?.chunked) {
          open.chunked.flushTail();
          open.chunked.choice = { ...open.chunked.choice, codec, level };
          open.inode.compression = codec;
          open.inode.level = level;
        }
        if (inode.compression !== codec || (inode.level ?? 0) !== level) {
          inode.compression = codec;
          inode.level = level;
          this.volume.put(inodeKey(ino), encodeInode(inode));
        }
        return true;
      },
    };
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
}
