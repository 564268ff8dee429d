/**
 * TimeWarp: snapshots of a mounted volume as Merkle DAG commitments, and the mark-and-sweep
 * collector that reclaims chunks no tree references.
 *
 * A snapshot is the CID of a root directory node (SPEC part 2 "Tree nodes") built from the live
 * B-tree: directory nodes from directory entries, file nodes from extents (chunked files) or from
 * the file's pages cut into chunks (page-map files). Every node and chunk is a chunk of the chunk
 * space, so a snapshot shares everything unchanged with the live tree and with other snapshots.
 * Its 128-byte record (SPEC part 2 "Snapshot record") is a B-tree value under key 0x07 + id.
 *
 * Rollback rebuilds the namespace from the DAG in ONE journal transaction: every inode, directory
 * entry, page map and extent key is replaced, and the transaction's last journal page (the one with
 * the TXN_END flag) is the commit point; a checkpoint then anchors it in a root-register record. A
 * power cut before that page leaves the old tree, after it the snapshot's tree.
 * @module
 */
import { u64 } from './_bytes.js';
import { exportCar, importCar, readCar } from './content/car.js';
import type { Cid } from './content/cid.js';
import { ContentError } from './content/errors.js';
import { decodeSnapshotRecord, encodeSnapshotRecord, type SnapshotRecord } from './content/snapshot.js';
import { nameKey } from './content/store.js';
import {
  type DirEntry,
  diffTrees,
  type FileEntry,
  putDirNode,
  putFileNode,
  reachable,
  readNode,
  readTreeFile,
  type TreeDiff,
  type TreeNode,
  type VerifyReport,
  verifyTree,
} from './content/tree.js';
import {
  CHUNK_INO_BASE,
  decodeExtent,
  encodeExtent,
  extentKey,
  Layout,
  snapshotKey,
} from './content-records.js';
import { NexfsError } from './errors.js';
import type { NexfsBase as Nexfs } from './fs-base.js';
import {
  DIRENT,
  decodeInode,
  direntKey,
  encodeInode,
  type Inode,
  inodeKey,
  KeyKind,
  pageKey,
} from './records.js';

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
const utf8Decode = new TextDecoder();
const SWEEP_BATCH = 64;
const EMPTY = new Uint8Array(0);
const ROOT = 1;

interface Committed {
  root: Cid;
  files: number;
  directories: number;
  logicalBytes: number;
}

/** Builds the Merkle DAG of the live tree (open files flushed first) and returns its root. */
export function commitLive(fs: Nexfs): Committed {
  const volume = fs.volume;
  volume.commit();
  const counts = { files: 0, directories: 0, logicalBytes: 0 };
  const P = volume.io.payloadBytes;
  const page = new Uint8Array(P);
  const dir = (ino: number, path: string, depth: number): Cid => {
    if (depth > 64) throw new ContentError('ELIMIT', `${path}: deeper than 64 directories`, path);
    counts.directories++;
    const children: { name: string; ino: number; kind: number }[] = [];
    volume.tree.scan(direntKey(ino, EMPTY), direntKey(ino + 1, EMPTY), (k, v) => {
      children.push({
        name: utf8Decode.decode(k.subarray(9)),
        ino: u64(v, DIRENT.inode),
        kind: v[DIRENT.kind],
      });
      return true;
    });
    const entries: DirEntry[] = [];
    for (const c of children) {
      const p = path === '/' ? `/${c.name}` : `${path}/${c.name}`;
      if (c.kind === 2) entries.push({ name: c.name, cid: dir(c.ino, p, depth + 1) });
      else entries.push({ name: c.name, cid: putFileNode(fs.content.store, fileEntry(c.ino, p)) });
    }
    return putDirNode(fs.content.store, entries);
  };
  const fileEntry = (ino: number, path: string): FileEntry => {
    const inode = readInode(fs, ino, path);
    counts.files++;
    counts.logicalBytes += inode.sizeBytes;
    const entry: FileEntry = { size: inode.sizeBytes, chunks: [], lengths: [] };
    if (inode.layout === Layout.Chunked) {
      volume.tree.scan(extentKey(ino, 0), extentKey(ino + 1, 0), (k, v) => {
        const e = decodeExtent(k, v);
        if (e === null) throw new NexfsError('ECORRUPT', 'a malformed extent', path);
        entry.chunks.push(e.name);
        entry.lengths.push(e.length);
        return true;
      });
      return entry;
    }
    // A page-map file: its bytes are cut into chunks of the chunk space (stored once).
    const data = new Uint8Array(inode.sizeBytes);
    for (let idx = 0; idx * P < data.length; idx++) {
      const n = volume.readDataPage(ino, idx, page, path);
      if (n > 0) data.set(page.subarray(0, Math.min(n, data.length - idx * P)), idx * P);
    }
    fs.reserve(Math.ceil(data.length / P) + Math.ceil(data.length / fs.content.record.minBytes) + 2);
    for (let off = 0; off < data.length; ) {
      const len = fs.content.cdc.cut(data, off, data.length);
      entry.chunks.push(fs.content.store.put(data.subarray(off, off + len)));
      entry.lengths.push(len);
      off += len;
    }
    return entry;
  };
  const root = withoutSweep(fs, () => dir(ROOT, '/', 0));
  return { root, ...counts };
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
 * Returns the live tree to snapshot `id` in one journal transaction (see the module comment).
 * Files come back as chunked files with BLAKE3-256 read checksums. Open files: `EBUSY`.
 */
export function rollback(fs: Nexfs, id: number): void {
  const record = snapshotRecord(fs, id);
  if (fs.openFiles > 0) throw new NexfsError('EBUSY', 'files are open: close them before a rollback');
  // Read and check the whole DAG first: nothing changes unless every node decodes.
  const plan = planTree(fs, record.root);
  fs.reserve(Math.ceil((plan.records * 80) / fs.volume.io.payloadBytes) + 8);
  const volume = fs.volume;
  // One transaction from here to the commit: no ensureSpace, no commit in between.
  volume.delRange(new Uint8Array([KeyKind.Inode]), new Uint8Array([KeyKind.Page]));
  volume.delRange(pageKey(0, 0), pageKey(CHUNK_INO_BASE, 0));
  volume.delRange(new Uint8Array([KeyKind.Orphan]), new Uint8Array([KeyKind.Chunk]));
  volume.delRange(new Uint8Array([KeyKind.Extent]), new Uint8Array([KeyKind.Snapshot]));
  volume.put(inodeKey(ROOT), encodeInode(dirInode(ROOT, fs.now())));
  writeTree(fs, plan.items, ROOT);
  volume.commit();
  volume.checkpoint();
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

/** Reads and checks a whole tree (every node decodes, every chunk is stored) before any change. */
function planTree(fs: Nexfs, root: Cid): { items: PlanItem[]; records: number } {
  const store = fs.content.store;
  const items: PlanItem[] = [];
  let records = 0;
  const walk = (cid: Cid, parentIndex: number, depth: number) => {
    if (depth > 64) throw new ContentError('ELIMIT', 'tree deeper than 64');
    const node = readNode(store, cid);
    if (node.type !== 'dir')
      throw new ContentError('EFORMAT', 'a tree root or directory entry names a file node');
    for (const e of node.entries) {
      const child = readNode(store, e.cid);
      items.push({ parent: parentIndex, name: utf8.encode(e.name), dir: child.type === 'dir', node: child });
      const index = items.length - 1;
      records += 2 + (child.type === 'file' ? child.chunks.length : 0);
      if (child.type === 'dir') walk(e.cid, index, depth + 1);
      else for (const c of child.chunks) if (!store.has(c.digest)) throw missing(c);
    }
  };
  walk(root, -1, 0);
  return { items, records };
}

/** Creates the planned entries under directory `top` (inside the caller's transaction). */
function writeTree(fs: Nexfs, items: PlanItem[], top: number): void {
  const volume = fs.volume;
  const now = fs.now();
  const choice = fs.content.choice(undefined);
  const inos: number[] = [];
  for (const it of items) {
    const parent = it.parent < 0 ? top : inos[it.parent];
    const ino = volume.nextInode++;
    inos.push(ino);
    const dirent = new Uint8Array(DIRENT.bytes);
    dirent.set(inodeKey(ino).subarray(1), DIRENT.inode);
    dirent[DIRENT.kind] = it.dir ? 2 : 1;
    volume.put(direntKey(parent, it.name), dirent);
    const node = it.node;
    if (node.type === 'dir') {
      volume.put(inodeKey(ino), encodeInode(dirInode(parent, now)));
      continue;
    }
    volume.put(
      inodeKey(ino),
      encodeInode({
        kind: 'file',
        checksumKind: 1,
        compression: choice.codec,
        level: choice.level,
        layout: Layout.Chunked,
        sizeBytes: node.size,
        mtimeMs: now,
        parent,
      }),
    );
    let offset = 0;
    node.chunks.forEach((c, i) => {
      const length = node.lengths[i];
      volume.put(extentKey(ino, offset), encodeExtent({ offset, length, name: c.digest, checksum: EMPTY }));
      offset += length;
    });
  }
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

function readInode(fs: Nexfs, ino: number, path: string): Inode {
  const v = fs.volume.get(inodeKey(ino));
  const inode = v && decodeInode(v);
  if (!inode) throw new NexfsError('ECORRUPT', `inode ${ino} is missing or damaged`, path);
  return inode;
}

function missing(c: Cid): ContentError {
  return new ContentError('ENOENT', `chunk ${nameKey(c.digest)} of the snapshot is not stored`);
}
