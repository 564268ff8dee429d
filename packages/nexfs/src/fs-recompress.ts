/**
 * Volume-wide recompression in the background: after the volume's codec or level changes, every
 * chunked file is given the new codec and its chunks are rewritten with it, copy-on-write, in
 * slices on the event loop, pausable, with progress events.
 *
 * The task is a B-tree record (SPEC part 2, "Recompression task") holding the target codec and a
 * cursor: the next inode number to convert. Files are converted in inode order; each batch of
 * chunks is re-encoded under unchanged names (`ChunkSpace.recode`: the new frame goes to fresh
 * pages, the index entry is swapped in the batch's transaction), and the cursor moves past a file in
 * the transaction after its last batch. A power cut therefore leaves every chunk readable in its
 * old or its new frame, and a remount resumes at the cursor; a chunk already in the target codec is
 * skipped, so redoing a cut batch costs only reads. The task ends by deleting its record.
 *
 * The feature flag `backgroundRecompression` gates it at run time: off, a running task stops after
 * its slice (its record stays) and a new volume codec only applies to new chunks; on again, the
 * task resumes. Chunks held only by snapshots keep their frames (snapshot reads decode any codec).
 * @module
 */
import { put64, u64 } from './_bytes.js';
import { PauseGate } from './_pause-gate.js';
import { CODEC_IDS, type CodecName } from './content/codec.js';
import { ContentError } from './content/errors.js';
import { chunkKey, decodeChunkRef, decodeExtent, extentKey, Layout } from './content-records.js';
import { NexfsError } from './errors.js';
import { featuresOf } from './features.js';
import type { NexfsBase as Nexfs } from './fs-base.js';
import { decodeInode, inodeKey, KeyKind } from './records.js';

/** B-tree key of the recompression task record (a 2-byte key in the chunk-index kind). */
export const RECOMPRESS_KEY: Uint8Array = new Uint8Array([KeyKind.Chunk, 0x01]);

/** Byte offsets of the recompression task record (big-endian, as every B-tree value). */
export const RECOMPRESS = { version: 0, codec: 1, level: 2, cursor: 8, rewritten: 16, bytes: 24 } as const;

/** The task record. */
export interface RecompressRecord {
  /** Target codec id. */
  codec: number;
  /** Target zstd level (0 for other codecs). */
  level: number;
  /** Next inode number to convert. */
  cursor: number;
  /** Chunks rewritten so far (over every mount). */
  rewritten: number;
}

/** Encodes a task record. */
export function encodeRecompress(r: RecompressRecord): Uint8Array {
  const b = new Uint8Array(RECOMPRESS.bytes);
  b[RECOMPRESS.version] = 1;
  b[RECOMPRESS.codec] = r.codec;
  b[RECOMPRESS.level] = r.level;
  put64(b, RECOMPRESS.cursor, r.cursor);
  put64(b, RECOMPRESS.rewritten, r.rewritten);
  return b;
}

/** Decodes a task record; null when malformed. */
export function decodeRecompress(b: Uint8Array): RecompressRecord | null {
  if (b.length !== RECOMPRESS.bytes || b[RECOMPRESS.version] !== 1) return null;
  if (b[RECOMPRESS.codec] > CODEC_IDS.zstd || b[RECOMPRESS.level] > 22) return null;
  return {
    codec: b[RECOMPRESS.codec],
    level: b[RECOMPRESS.level],
    cursor: u64(b, RECOMPRESS.cursor),
    rewritten: u64(b, RECOMPRESS.rewritten),
  };
}

/** Progress of a volume recompression. */
export interface RecompressionProgress {
  /** Target codec. */
  compression: CodecName;
  /** Target zstd level (0 for other codecs). */
  level: number;
  /** Files converted by this run of the task. */
  files: number;
  /** Chunks visited by this run. */
  chunks: number;
  /** Chunks of the files still to convert when this run started (the denominator of progress). */
  chunksTotal: number;
  /** Chunks rewritten, over every mount since the task started. */
  rewritten: number;
  /** Frame bytes before and after the chunks this run rewrote. */
  bytesBefore: number;
  /** Frame bytes after rewriting. */
  bytesAfter: number;
  /** 'running', 'done' (every file converted, task record removed), or why it stopped. */
  state: 'running' | 'done' | 'disabled' | 'unmounted' | 'superseded';
}

/** A background volume recompression, as `Nexfs.setVolumeCompression` returns it. */
export interface RecompressionTask {
  /** Stops after the current slice until {@link RecompressionTask.resume}. */
  pause(): void;
  /** Continues a paused task. */
  resume(): void;
  /** True while paused. */
  readonly paused: boolean;
  /** Progress so far. */
  readonly progress: RecompressionProgress;
  /** Resolves when the task ends (done, or stopped: see `state`); rejects on an I/O error. */
  readonly done: Promise<RecompressionProgress>;
}

/** Options of a background recompression. */
export interface RecompressionOptions {
  /** Called after every slice and at the end. */
  onProgress?: (p: RecompressionProgress) => void;
  /** Chunks rewritten per slice (one commit each), default 16. */
  chunksPerSlice?: number;
}

/** The callbacks the file layer gives the task. */
export interface RecompressionHost {
  /** Gives chunked file `ino` the codec (its open handle too); false when it no longer exists. */
  retarget(ino: number, codec: number, level: number): boolean;
  /** True while the volume is mounted. */
  mounted(): boolean;
}

const running = new WeakMap<Nexfs, { task: RecompressionTask; stop: (why: 'superseded') => void }>();

/** The task record of the volume, or null. */
export function readRecompress(fs: Nexfs): RecompressRecord | null {
  const v = fs.volume.get(RECOMPRESS_KEY);
  if (v === undefined) return null;
  const r = decodeRecompress(v);
  if (r === null) throw new NexfsError('ECORRUPT', 'the recompression task record is malformed');
  return r;
}

/** The running task of `fs`, or null. */
export function runningRecompression(fs: Nexfs): RecompressionTask | null {
  return running.get(fs)?.task ?? null;
}

/**
 * Starts (or restarts) the task of the volume's record in the background; the record must exist.
 * A task already running on `fs` is stopped ('superseded').
 */
export function startRecompression(
  fs: Nexfs,
  host: RecompressionHost,
  options: RecompressionOptions = {},
): RecompressionTask {
  const perSlice = options.chunksPerSlice ?? 16;
  if (!Number.isInteger(perSlice) || perSlice < 1) throw new RangeError('chunksPerSlice: a positive integer');
  const first = readRecompress(fs);
  if (first === null) throw new NexfsError('ENOENT', 'no recompression task is recorded');
  running.get(fs)?.stop('superseded');
  const volume = fs.volume;
  const name = (Object.keys(CODEC_IDS) as CodecName[]).find((k) => CODEC_IDS[k] === first.codec) ?? 'none';
  const progress: RecompressionProgress = {
    compression: name,
    level: first.level,
    files: 0,
    chunks: 0,
    chunksTotal: 0,
    rewritten: first.rewritten,
    bytesBefore: 0,
    bytesAfter: 0,
    state: 'running',
  };
  volume.tree.scan(extentKey(first.cursor, 0), new Uint8Array([KeyKind.Extent + 1]), () => {
    progress.chunksTotal++;
    return true;
  });
  const gate = new PauseGate();
  let self: RecompressionTask | null = null;
  let stopped: RecompressionProgress['state'] | null = null;
  const codec = fs.content.codec(first.codec, first.level);

  /** One slice: converts up to `perSlice` chunks; returns false when the task has ended. */
  let file: { ino: number; names: Uint8Array[]; next: number } | null = null;
  const slice = (): boolean => {
    let budget = perSlice;
    while (budget > 0) {
      const rec = readRecompress(fs);
      if (rec === null || rec.codec !== first.codec || rec.level !== first.level) {
        progress.state = 'superseded';
        return false;
      }
      if (file === null) {
        const ino = nextChunkedInode(fs, rec.cursor);
        if (ino < 0) {
          fs.reserve(2);
          volume.del(RECOMPRESS_KEY);
          volume.commit();
          progress.state = 'done';
          return false;
        }
        if (!host.retarget(ino, first.codec, first.level)) {
          file = { ino, names: [], next: 0 };
        } else {
          const names: Uint8Array[] = [];
          volume.tree.scan(extentKey(ino, 0), extentKey(ino + 1, 0), (k, v) => {
            const e = decodeExtent(k, v);
            if (e !== null) names.push(e.name);
            return true;
          });
          file = { ino, names, next: 0 };
        }
      }
      const f = file;
      if (f.next < f.names.length) {
        const batch = f.names.slice(f.next, f.next + budget);
        let pages = 2;
        for (const n of batch) pages += framePages(fs, n) + 1;
        fs.reserve(pages);
        for (const n of batch) {
          const ref = volume.get(chunkKey(n));
          progress.chunks++;
          if (ref === undefined) continue; // the file changed since its extents were listed
          const before = frameBytesOf(fs, n);
          let changed: boolean;
          try {
            changed = fs.content.recode(n, codec, `inode ${f.ino}`);
          } catch (e) {
            if (e instanceof ContentError && e.code === 'ENOENT') continue;
            throw e;
          }
          if (changed) {
            rec.rewritten++;
            progress.rewritten = rec.rewritten;
            progress.bytesBefore += before;
            progress.bytesAfter += frameBytesOf(fs, n);
          }
        }
        f.next += batch.length;
        budget -= batch.length;
        volume.put(RECOMPRESS_KEY, encodeRecompress(rec));
        volume.commit();
      }
      if (f.next >= f.names.length) {
        fs.reserve(2);
        volume.put(RECOMPRESS_KEY, encodeRecompress({ ...rec, cursor: f.ino + 1 }));
        volume.commit();
        progress.files++;
        file = null;
        budget--;
      }
    }
    return true;
  };

  const done = (async () => {
    try {
      for (;;) {
        await gate.whilePaused(() => stopped !== null);
        if (stopped !== null) {
          progress.state = stopped;
          break;
        }
        if (!host.mounted() || volume.readOnly) {
          progress.state = 'unmounted';
          break;
        }
        if (!featuresOf(volume.sb.compatFlags).backgroundRecompression) {
          progress.state = 'disabled';
          break;
        }
        if (!slice()) break;
        options.onProgress?.({ ...progress });
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
      }
      options.onProgress?.({ ...progress });
      return { ...progress };
    } finally {
      if (running.get(fs)?.task === self) running.delete(fs);
    }
  })();
  // Awaited by whoever holds the task; an I/O error is theirs, never an unhandled rejection.
  done.catch(() => {});
  const task: RecompressionTask = {
    pause: () => gate.pause(),
    resume: () => gate.resume(),
    get paused() {
      return gate.paused;
    },
    get progress() {
      return { ...progress };
    },
    done,
  };
  self = task;
  running.set(fs, {
    task,
    stop: (why) => {
      stopped = why;
      gate.release();
    },
  });
  return task;
}

/** The smallest chunked file inode at or above `from`, or -1. */
function nextChunkedInode(fs: Nexfs, from: number): number {
  let found = -1;
  fs.volume.tree.scan(inodeKey(from), new Uint8Array([KeyKind.Inode + 1]), (k, v) => {
    const inode = decodeInode(v);
    if (inode !== null && inode.kind === 'file' && inode.layout === Layout.Chunked) {
      found = u64(k, 1);
      return false;
    }
    return true;
  });
  return found;
}

function frameBytesOf(fs: Nexfs, name: Uint8Array): number {
  const v = fs.volume.get(chunkKey(name));
  return (v && decodeChunkRef(v)?.frameBytes) ?? 0;
}

function framePages(fs: Nexfs, name: Uint8Array): number {
  return fs.content.pagesOf(frameBytesOf(fs, name) + 64);
}
