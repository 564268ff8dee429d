import { exportCar, importCar, readCar } from './content/car.js';
import type { Cid } from './content/cid.js';
import { ContentError } from './content/errors.js';
import { decodeSnapshotRecord, encodeSnapshotRecord, type SnapshotRecord } from './content/snapshot.js';
import { nameKey } from './content/store.js';
import {
  diffTrees,
  reachable,
  readNode,
  readTreeFile,
  type TreeDiff,
  type TreeNode,
  type VerifyReport,
  verifyTree,
} from './content/tree.js';
import { CHUNK_INO_BASE, encodeExtent, extentKey, Layout, snapshotKey } from './content-records.js';
import { NexfsError } from './errors.js';
import type { NexfsBase as Nexfs } from './fs-base.js';
import { type Committed, merkleCache } from './fs-merkle.js';
import { DIRENT, direntKey, encodeInode, type Inode, inodeKey, KeyKind, pageKey } from './records.js';
import type { Volume } from './volume.js';

/** A snapshot as {@link Nexfs.snapshots} lists it. */
export interface SnapshotInfo {
  /** Snapshot id (1, 2, ... in creation order). */
  id: number;
  /** Id of the snapshot taken before it (0 for none). */
  parentId: number;
  /** Creation time, ms since the epoch (the volume's clock). */
  createdMs: number;
  /** The root commitment: CIDv1 (dag-cbor, BLAKE3-256) of the root directory node. */
  root: string;
  /** Files in the snapshot. */
  files: number;
  /** Directories in the snapshot, the root included. */
  directories: number;
  /** Sum of file sizes. */
  logicalBytes: number;
  /** Label given at creation (at most 32 bytes of UTF-8). */
  label: string;
}

/** What a mark-and-sweep collection did. */
export interface CollectGarbageReport {
  /** Chunks still referenced (live tree or a snapshot). */
  kept: number;
  /** Chunks removed. */
  removed: number;
  /** Frame bytes removed. */
  freedBytes: number;
}

const utf8 = new TextEncoder();
const SWEEP_BATCH = 64;
const EMPTY = new Uint8Array(0);
const ROOT = 1;

/** Commits the live tree incrementally (`fs-merkle.ts`) and returns its root and counts. */
export function commitLive(fs: Nexfs): Committed {
  return withoutSweep(fs, () => merkleCache(fs).commit(fs));
}

/** Creates a snapshot of the live tree; durable when it returns. */
export function createSnapshot(fs: Nexfs, label: string): SnapshotInfo {
  if (typeof label !== 'string') throw new TypeError('label: expected a string');
  if (utf8.encode(label).length > 32) throw new RangeError('label: longer than 32 bytes of UTF-8');
  return withoutSweep(fs, () => {
    const c = commitLive(fs);
    const record = fs.content.record;
    const id = record.nextSnapshot;
    const snap: SnapshotRecord = {
      id: BigInt(id),
      parentId: BigInt(record.lastSnapshot),
      createdMs: fs.now(),
      root: c.root,
      logicalBytes: c.logicalBytes,
      files: c.files,
      directories: c.directories,
      label,
    };
    const bytes = encodeSnapshotRecord(snap);
    fs.reserve(2);
    record.nextSnapshot = id + 1;
    record.lastSnapshot = id;
    fs.content.touch();
    fs.volume.put(snapshotKey(id), bytes);
    fs.volume.commit();
    return info(snap);
  });
}

/** Every snapshot, oldest first. */
export function listSnapshots(fs: Nexfs): SnapshotInfo[] {
  const out: SnapshotInfo[] = [];
  fs.volume.tree.scan(snapshotKey(0), new Uint8Array([KeyKind.Snapshot + 1]), (_k, v) => {
    out.push(info(decodeSnapshotRecord(v)));
    return true;
  });
  return out;
}

/** The record of snapshot `id`; `ENOENT` when there is none. */
export function snapshotRecord(fs: Nexfs, id: number): SnapshotRecord {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError('id: a positive integer');
  const v = fs.volume.get(snapshotKey(id));
  if (v === undefined) throw new NexfsError('ENOENT', `snapshot ${id} does not exist`);
  return decodeSnapshotRecord(v);
}

/** Paths added, removed and changed from snapshot `from` to snapshot `to` (the live tree when omitted). */
export function diffSnapshots(fs: Nexfs, from: number, to?: number): TreeDiff {
  const a = snapshotRecord(fs, from).root;
  if (to !== undefined) return diffTrees(fs.content.store, a, snapshotRecord(fs, to).root);
  return withoutSweep(fs, () => diffTrees(fs.content.store, a, commitLive(fs).root));
}

/** A file's bytes as snapshot `id` holds them (verified on the way). */
export function readSnapshotFile(fs: Nexfs, id: number, path: string): Uint8Array {
  return readTreeFile(fs.content.store, snapshotRecord(fs, id).root, path);
}

/** Deletes snapshot `id` (its chunks go at the next collection); durable when it returns. */
export function deleteSnapshot(fs: Nexfs, id: number): void {
  snapshotRecord(fs, id);
  fs.reserve(2);
  fs.volume.del(snapshotKey(id));
  fs.volume.commit();
}

/**
 * Recomputes snapshot `id` from flash: every node and chunk is read, its frame checked and its
 * hash recomputed against its name, up to the root CID, and the record's counts re-derived.
 * Throws a typed error on any mismatch.
 */
export function verifySnapshot(fs: Nexfs, id: number): VerifyReport {
  const record = snapshotRecord(fs, id);
  const report = verifyTree(fs.content.store, record.root);
  // Counts with multiplicity (identical subtrees share nodes, so walk by CID with a memo).
  const memo = new Map<string, { files: number; directories: number; bytes: number }>();
  const count = (cid: Cid, depth: number): { files: number; directories: number; bytes: number } => {
    const seen = memo.get(cid.key);
    if (seen !== undefined) return seen;
    if (depth > 64) throw new ContentError('ELIMIT', `snapshot ${id}: deeper than 64`);
    const node = readNode(fs.content.store, cid);
    const c = { files: 0, directories: 0, bytes: 0 };
    if (node.type === 'file') {
      c.files = 1;
      c.bytes = node.size;
    } else {
      c.directories = 1;
      for (const e of node.entries) {
        const sub = count(e.cid, depth + 1);
        c.files += sub.files;
        c.directories += sub.directories;
        c.bytes += sub.bytes;
      }
    }
    memo.set(cid.key, c);
    return c;
  };
  const totals = count(record.root, 0);
  if (
    totals.files !== record.files ||
    totals.directories !== record.directories ||
    totals.bytes !== record.logicalBytes
  )
    throw new ContentError('ECHECKSUM', `snapshot ${id}: the tree does not match the record's counts`);
  return report;
}

/**
 * Returns the live tree to snapshot `id` by one root-register append (see the module comment).
 * Files come back as chunked files with BLAKE3-256 read checksums. Open files: `EBUSY`.
 */
export function rollback(fs: Nexfs, id: number): void {
  const record = snapshotRecord(fs, id);
  if (fs.openFiles > 0) throw new NexfsError('EBUSY', 'files are open: close them before a rollback');
  // Read and check the whole DAG first: nothing changes unless every node decodes.
  const plan = planTree(fs, record.root);
  const volume = fs.volume;
  fs.reserve(rebuildPages(volume, plan.records));
  volume.rebuild(() => {
    volume.delRange(new Uint8Array([KeyKind.Inode]), new Uint8Array([KeyKind.Page]));
    volume.delRange(pageKey(0, 0), pageKey(CHUNK_INO_BASE, 0));
    volume.delRange(new Uint8Array([KeyKind.Orphan]), new Uint8Array([KeyKind.Chunk]));
    volume.delRange(new Uint8Array([KeyKind.Extent]), new Uint8Array([KeyKind.Snapshot]));
    volume.put(inodeKey(ROOT), encodeInode(dirInode(ROOT, fs.now())));
    writeTree(fs, plan.items, ROOT);
  });
}

/**
 * Pages a rebuild writing `records` tree entries may program: entries of about 80 bytes appended
 * in key order (leaves split half full), a quarter more for internal nodes, every node mirrored;
 * each flush (interim, once per `rebuildDirtyNodes` nodes, and the two checkpoints) also rewrites
 * the right-edge path it is appending to, and the range deletes dirty four paths; plus the
 * block-table pages. Measured (SPI NAND and NOR, 63 to 1,957 entries): 44-50% of it is used.
 */
function rebuildPages(volume: Volume, records: number): number {
  const leaves = Math.ceil((records * 80 * 2) / volume.io.metaBodyBytes);
  const nodes = Math.ceil(leaves * 1.25);
  const flushes = Math.ceil(nodes / volume.rebuildDirtyNodes) + 2;
  return 2 * (nodes + (flushes + 4) * (volume.tree.height + 2)) + 2 * volume.tableAddresses.length + 8;
}

/** What a CAR import into the volume did. */
export interface CarVolumeImport {
  /** Root CID of the imported tree. */
  root: string;
  /** Blocks in the archive. */
  blocks: number;
  /** Blocks written because the volume lacked them. */
  newBlocks: number;
  /** Blocks already stored (deduplicated). */
  existingBlocks: number;
  /** Files created. */
  files: number;
  /** Directories created (below the target). */
  directories: number;
}

/**
 * Imports a CAR v1 archive (first root: a tree of nexfs nodes) into the volume as files under the
 * directory `target` resolves (called once the archive has verified), deduplicating blocks against the chunk space. The archive
 * is verified completely before anything is written: a truncated or corrupt CAR changes nothing.
 */
export function importCarInto(fs: Nexfs, bytes: Uint8Array, target: () => number): CarVolumeImport {
  return withoutSweep(fs, () => {
    const P = fs.volume.io.payloadBytes;
    const hasher = fs.content.store.framer.hashers.name;
    const { blocks } = readCar(bytes, hasher);
    fs.reserve(Math.ceil(bytes.length / P) + 2 * blocks.length + 4);
    const report = importCar(bytes, fs.content.store);
    const root = report.roots[0];
    const plan = planTree(fs, root);
    const dir = target();
    fs.reserve(Math.ceil((plan.records * 80) / P) + 8);
    writeTree(fs, plan.items, dir);
    fs.volume.commit();
    return {
      root: root.toString(),
      blocks: report.blocks,
      newBlocks: report.newBlocks,
      existingBlocks: report.existingBlocks,
      files: plan.items.filter((i) => !i.dir).length,
      directories: plan.items.filter((i) => i.dir).length,
    };
  });
}

/** A snapshot as a CAR v1 archive (CIDv1, BLAKE3 multihash 0x1e; chunks raw, nodes dag-cbor). */
export function exportSnapshotCar(fs: Nexfs, id: number): Uint8Array {
  return exportCar(fs.content.store, snapshotRecord(fs, id).root);
}

interface PlanItem {
  parent: number;
  name: Uint8Array;
  dir: boolean;
  node: TreeNode;
}

/**
 * Reads and checks a whole tree (every node decodes, every chunk is stored) before any change.
 * Items come breadth-first, each directory's entries in name order, so that inode numbers handed
 * out in item order make every key range the tree gets (inodes, directory entries, extents) grow
 * in key order.
 */
function planTree(fs: Nexfs, root: Cid): { items: PlanItem[]; records: number } {
  const store = fs.content.store;
  const items: PlanItem[] = [];
  let records = 0;
  const queue: { cid: Cid; index: number; depth: number }[] = [{ cid: root, index: -1, depth: 0 }];
  for (let q = 0; q < queue.length; q++) {
    const { cid, index: parentIndex, depth } = queue[q];
    if (depth > 64) throw new ContentError('ELIMIT', 'tree deeper than 64');
    const node = readNode(store, cid);
    if (node.type !== 'dir')
      throw new ContentError('EFORMAT', 'a tree root or directory entry names a file node');
    for (const e of node.entries) {
      const child = readNode(store, e.cid);
      items.push({ parent: parentIndex, name: utf8.encode(e.name), dir: child.type === 'dir', node: child });
      records += 2 + (child.type === 'file' ? child.chunks.length : 0);
      if (child.type === 'dir') queue.push({ cid: e.cid, index: items.length - 1, depth: depth + 1 });
      else for (const c of child.chunks) if (!store.has(c.digest)) throw missing(c);
    }
  }
  return { items, records };
}

/**
 * Creates the planned entries under directory `top` (inside the caller's transaction or rebuild):
 * inode records, then directory entries, then extents, each range in key order, so the B-tree
 * grows at the right edge of one range at a time and a flush rewrites one path, not three.
 */
function writeTree(fs: Nexfs, items: PlanItem[], top: number): void {
  const volume = fs.volume;
  const now = fs.now();
  const choice = fs.content.choice(undefined);
  const inos: number[] = [];
  const parents: number[] = [];
  for (const it of items) {
    const parent = it.parent < 0 ? top : inos[it.parent];
    const ino = volume.nextInode++;
    inos.push(ino);
    parents.push(parent);
    const node = it.node;
    volume.put(
      inodeKey(ino),
      encodeInode(
        node.type === 'dir'
          ? dirInode(parent, now)
          : {
              kind: 'file',
              checksumKind: 1,
              compression: choice.codec,
              level: choice.level,
              layout: Layout.Chunked,
              sizeBytes: node.size,
              mtimeMs: now,
              parent,
            },
      ),
    );
  }
  items.forEach((it, i) => {
    const dirent = new Uint8Array(DIRENT.bytes);
    dirent.set(inodeKey(inos[i]).subarray(1), DIRENT.inode);
    dirent[DIRENT.kind] = it.dir ? 2 : 1;
    volume.put(direntKey(parents[i], it.name), dirent);
  });
  items.forEach((it, i) => {
    const node = it.node;
    if (node.type !== 'file') return;
    let offset = 0;
    node.chunks.forEach((c, j) => {
      const length = node.lengths[j];
      volume.put(
        extentKey(inos[i], offset),
        encodeExtent({ offset, length, name: c.digest, checksum: EMPTY }),
      );
      offset += length;
    });
  });
}

function dirInode(parent: number, now: number): Inode {
  return { kind: 'dir', checksumKind: 0, compression: 0, layout: 0, sizeBytes: 0, mtimeMs: now, parent };
}

/**
 * Mark-and-sweep: marks every chunk named by a live extent or reachable from a snapshot root, then
 * deletes the rest in small durable batches. A power cut mid-sweep leaves garbage for the next
 * collection and never a live chunk deleted (only unmarked chunks are ever deleted).
 */
export function collectGarbage(fs: Nexfs): CollectGarbageReport {
  const volume = fs.volume;
  volume.commit();
  const marked = new Set<string>();
  volume.tree.scan(new Uint8Array([KeyKind.Extent]), new Uint8Array([KeyKind.Snapshot]), (k, v) => {
    if (k.length === 17 && v.length >= 32) marked.add(nameKey(v.subarray(0, 32)));
    return true;
  });
  for (const s of listSnapshots(fs))
    for (const cid of reachable(fs.content.store, snapshotRecord(fs, s.id).root))
      marked.add(nameKey(cid.digest));
  const garbage: { name: Uint8Array; bytes: number }[] = [];
  let kept = 0;
  fs.content.scanChunks((name, frameBytes) => {
    if (marked.has(nameKey(name))) kept++;
    else garbage.push({ name, bytes: frameBytes });
  });
  let freedBytes = 0;
  for (let i = 0; i < garbage.length; i += SWEEP_BATCH) {
    volume.ensureSpace(2);
    for (const g of garbage.slice(i, i + SWEEP_BATCH)) {
      fs.content.deleteChunk(g.name);
      freedBytes += g.bytes;
    }
    volume.commit();
  }
  // A cached live-tree node may name a node or chunk only the live tree held: commit afresh.
  if (garbage.length > 0) merkleCache(fs).clear();
  return { kept, removed: garbage.length, freedBytes };
}

function withoutSweep<T>(fs: Nexfs, fn: () => T): T {
  const hook = fs.sweepHook;
  fs.sweepHook = null;
  try {
    return fn();
  } finally {
    fs.sweepHook = hook;
  }
}

function info(r: SnapshotRecord): SnapshotInfo {
  return {
    id: Number(r.id),
    parentId: Number(r.parentId),
    createdMs: r.createdMs,
    root: r.root.toString(),
    files: r.files,
    directories: r.directories,
    logicalBytes: r.logicalBytes,
    label: r.label,
  };
}

function missing(c: Cid): ContentError {
  return new ContentError('ENOENT', `chunk ${nameKey(c.digest)} of the snapshot is not stored`);
}
