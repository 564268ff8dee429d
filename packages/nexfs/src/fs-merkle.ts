/**
 * The Merkle DAG of the live tree, built incrementally: a snapshot costs what changed since the
 * last commit, not the size of the volume.
 *
 * Every directory and file node is content-addressed and already stored once committed, so a
 * subtree whose keys did not change commits to the same CID as before. The {@link MerkleCache}
 * keeps, per inode, the CID of its node, the directory it was found in, and its subtree's counts.
 * The volume reports every key it changes (`Volume.keyChanged`); a change to an inode, its pages,
 * its extents or a directory entry drops that inode's entry and every entry up its parent chain.
 * A commit then re-encodes only the dropped nodes (one file node and the directories above it
 * after a one-file change) and reuses every other CID without reading the subtree.
 *
 * Invariant: a cached directory's children are all cached (a walk caches the children before the
 * directory, a change drops the whole chain above it, and anything else drops everything), so
 * dropping from a changed inode upwards always reaches every stale entry.
 *
 * The cache lives in memory, at most `MERKLE_CACHE_ENTRIES` entries (past that a commit stops
 * caching and the next one walks the whole tree again); the first commit after a mount walks the
 * whole tree. A collection that removes chunks drops everything (a cached node may name a node or
 * a page-map file's chunk that only the live tree held).
 * @module
 */
import { u64 } from './_bytes.js';
import type { Cid } from './content/cid.js';
import { ContentError } from './content/errors.js';
import { type DirEntry, type FileEntry, putDirNode, putFileNode } from './content/tree.js';
import { CHUNK_INO_BASE, decodeExtent, extentKey, Layout } from './content-records.js';
import { NexfsError } from './errors.js';
import type { NexfsBase as Nexfs } from './fs-base.js';
import { DIRENT, decodeInode, direntKey, type Inode, inodeKey, KeyKind } from './records.js';

/** Entries the Merkle cache holds at most (about 200 bytes each). */
export const MERKLE_CACHE_ENTRIES = 1 << 16;

const ROOT = 1;
/** Key kinds that node contents depend on. */
const NODE_KINDS: Record<number, true> = {
  [KeyKind.Inode]: true,
  [KeyKind.Dirent]: true,
  [KeyKind.Page]: true,
  [KeyKind.Extent]: true,
};
const EMPTY = new Uint8Array(0);
const utf8Decode = new TextDecoder();

/** Counts of a subtree. */
interface Totals {
  files: number;
  directories: number;
  logicalBytes: number;
}

interface Entry extends Totals {
  cid: Cid;
  /** The directory the inode was found in (the chain a change drops). */
  parent: number;
}

/** The root of the live tree and its counts. */
export interface Committed extends Totals {
  root: Cid;
}

/** Per-inode node CIDs of the live tree, invalidated by the volume's key changes. */
export class MerkleCache {
  private readonly entries = new Map<number, Entry>();
  /** File and directory nodes encoded and hashed, since the mount. */
  nodesEncoded = 0;
  /** Nodes encoded by the last commit. */
  lastEncoded = 0;
  /** Nodes reused from the cache by the last commit (each standing for its whole subtree). */
  lastReused = 0;

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
  }

  /** Drops `ino`'s entry and every entry up its parent chain. */
  invalidate(ino: number): void {
    let at = ino;
    for (let guard = 0; guard <= this.entries.size; guard++) {
      const e = this.entries.get(at);
      if (e === undefined) return;
      this.entries.delete(at);
      if (at === ROOT) return;
      at = e.parent;
    }
  }

  /** A key change reported by the volume. */
  changed(key: Uint8Array, value: Uint8Array | undefined, rangeEnd: Uint8Array | undefined): void {
    if (this.entries.size === 0 || key.length === 0) return;
    const kind = key[0];
    if (rangeEnd !== undefined) {
      // Key kinds the range spans: an end key of one byte excludes its own kind.
      const last = rangeEnd.length <= 1 ? (rangeEnd[0] ?? 0) - 1 : rangeEnd[0];
      let relevant = 0;
      for (let k = kind; k <= last; k++) if (k in NODE_KINDS) relevant++;
      if (relevant === 0) return;
      if (last === kind && key.length >= 9 && rangeEnd.length >= 9) {
        const lo = u64(key, 1);
        const hi = u64(rangeEnd, 1);
        if (kind === KeyKind.Page && lo >= CHUNK_INO_BASE) return;
        if ((kind === KeyKind.Page || kind === KeyKind.Extent) && (hi === lo || hi === lo + 1)) {
          this.invalidate(lo);
          return;
        }
      }
      this.clear();
      return;
    }
    if (key.length < 9 || !(kind in NODE_KINDS)) return;
    const ino = u64(key, 1);
    if (kind === KeyKind.Inode || kind === KeyKind.Extent) this.invalidate(ino);
    else if (kind === KeyKind.Page) {
      if (ino < CHUNK_INO_BASE) this.invalidate(ino);
    } else if (kind === KeyKind.Dirent) {
      this.invalidate(ino);
      // The child may have moved here: its entry's parent chain would be stale.
      if (value !== undefined && value.length >= DIRENT.bytes) this.invalidate(u64(value, DIRENT.inode));
    }
  }

  /**
   * Commits the live tree (open files flushed first) and returns its root: nodes of changed
   * inodes are encoded and stored, every other subtree is reused by its cached CID.
   */
  commit(fs: Nexfs): Committed {
    const volume = fs.volume;
    volume.commit();
    this.lastEncoded = 0;
    this.lastReused = 0;
    let overflow = false;
    const keep = (ino: number, e: Entry) => {
      if (overflow || this.entries.size >= MERKLE_CACHE_ENTRIES) overflow = true;
      else this.entries.set(ino, e);
    };
    const encoded = () => {
      this.nodesEncoded++;
      this.lastEncoded++;
    };
    const P = volume.io.payloadBytes;
    const page = new Uint8Array(P);
    const fileNode = (ino: number, parent: number, path: string): Entry => {
      const inode = readInode(fs, ino, path);
      const entry: FileEntry = { size: inode.sizeBytes, chunks: [], lengths: [] };
      if (inode.layout === Layout.Chunked) {
        volume.tree.scan(extentKey(ino, 0), extentKey(ino + 1, 0), (k, v) => {
          const e = decodeExtent(k, v);
          if (e === null) throw new NexfsError('ECORRUPT', 'a malformed extent', path);
          entry.chunks.push(e.name);
          entry.lengths.push(e.length);
          return true;
        });
      } else {
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
      }
      fs.reserve(2);
      const cid = putFileNode(fs.content.store, entry);
      encoded();
      return { cid, parent, files: 1, directories: 0, logicalBytes: inode.sizeBytes };
    };
    const dirNode = (ino: number, parent: number, path: string, depth: number): Entry => {
      if (depth > 64) throw new ContentError('ELIMIT', `${path}: deeper than 64 directories`, path);
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
      const totals: Totals = { files: 0, directories: 1, logicalBytes: 0 };
      for (const c of children) {
        let e = this.entries.get(c.ino);
        if (e !== undefined && e.parent === ino) this.lastReused++;
        else {
          const p = path === '/' ? `/${c.name}` : `${path}/${c.name}`;
          e = c.kind === 2 ? dirNode(c.ino, ino, p, depth + 1) : fileNode(c.ino, ino, p);
          keep(c.ino, e);
        }
        entries.push({ name: c.name, cid: e.cid });
        totals.files += e.files;
        totals.directories += e.directories;
        totals.logicalBytes += e.logicalBytes;
      }
      fs.reserve(2);
      const cid = putDirNode(fs.content.store, entries);
      encoded();
      return { cid, parent, ...totals };
    };
    let root = this.entries.get(ROOT);
    if (root !== undefined) this.lastReused++;
    else {
      root = dirNode(ROOT, ROOT, '/', 0);
      keep(ROOT, root);
    }
    if (overflow) this.clear();
    return {
      root: root.cid,
      files: root.files,
      directories: root.directories,
      logicalBytes: root.logicalBytes,
    };
  }
}

const caches = new WeakMap<Nexfs, MerkleCache>();

/** The Merkle cache of a mounted volume, attached to its key changes on first use. */
export function merkleCache(fs: Nexfs): MerkleCache {
  let cache = caches.get(fs);
  if (cache === undefined) {
    const c = new MerkleCache();
    caches.set(fs, c);
    fs.volume.keyChanged = (key, value, rangeEnd) => c.changed(key, value, rangeEnd);
    cache = c;
  }
  return cache;
}

function readInode(fs: Nexfs, ino: number, path: string): Inode {
  const v = fs.volume.get(inodeKey(ino));
  const inode = v && decodeInode(v);
  if (!inode) throw new NexfsError('ECORRUPT', `inode ${ino} is missing or damaged`, path);
  return inode;
}
