/**
 * Merkle DAG commitments over a tree of files (SPEC.md part 2, "tree nodes"): file nodes list
 * their chunks, directory nodes list their entries, both in canonical DAG-CBOR, each named by the
 * BLAKE3-256 of its bytes. The root directory's hash therefore covers every directory, file and
 * chunk below it: a snapshot is a proof, not a bookmark. Identical subtrees share nodes, so diff
 * skips them and a snapshot costs only the nodes on changed paths.
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from './cbor';
import { Cid, CODEC_DAG_CBOR, CODEC_RAW } from './cid';
import { type Codec, noneCodec } from './codec';
import { assert, ContentError } from './errors';
import type { FastCdc } from './fastcdc';
import type { ChunkStore } from './store';

/** A file's content as chunk names and lengths. */
export interface FileEntry {
  /** Total length in bytes. */
  size: number;
  /** Chunk names (BLAKE3-256 of each chunk's plaintext), in order. */
  chunks: Uint8Array[];
  /** Chunk lengths, parallel to `chunks`. */
  lengths: number[];
}

/** Limits on trees (SPEC.md part 2). */
export const TREE_LIMITS = Object.freeze({
  /** Longest entry name, bytes of UTF-8 (as POSIX NAME_MAX). */
  nameBytesMax: 255,
  /** Deepest path, in components. */
  depthMax: 64,
  /** Most entries in one directory node. */
  entriesMax: 65_536,
  /** Most chunks in one file node (16 GiB at 256 KiB chunks). */
  chunksMax: 65_536,
});

const utf8 = new TextEncoder();

/**
 * Splits and checks an absolute path ('/a/b'); throws TypeError/RangeError naming the problem.
 *
 * @example
 * ```ts
 * import { splitPath } from '@nexus/nexfs';
 * console.log(splitPath('/etc/motd')); // ['etc', 'motd']
 * ```
 */
export function splitPath(path: string): string[] {
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw new TypeError(`path: must be absolute, got ${String(path)}`);
  const parts = path.split('/').slice(1);
  if (parts.length === 1 && parts[0] === '') return [];
  if (parts.length > TREE_LIMITS.depthMax) throw new RangeError(`path: deeper than ${TREE_LIMITS.depthMax}`);
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..') throw new TypeError(`path: bad component '${p}' in ${path}`);
    // A UTF-16 unit encodes to at most 3 UTF-8 bytes: only long names need encoding to check.
    if (p.length * 3 > TREE_LIMITS.nameBytesMax && utf8.encode(p).length > TREE_LIMITS.nameBytesMax)
      throw new RangeError(`path: component longer than 255 bytes in ${path}`);
  }
  return parts;
}

/**
 * Chunks `data` with `cdc`, stores every chunk (deduplicated) and returns the file entry.
 *
 * @example
 * ```ts
 * import { ChunkFramer, ChunkStore, createHasher, FastCdc, MemoryBlockStore, NEXFS_CDC_DEFAULTS, storeFile } from '@nexus/nexfs';
 * const framer = new ChunkFramer({ check: await createHasher('xxh3-64'), name: await createHasher('blake3-256') });
 * const store = new ChunkStore(new MemoryBlockStore(), framer);
 * const entry = storeFile(store, new FastCdc(NEXFS_CDC_DEFAULTS), new Uint8Array(1 << 20));
 * console.log(entry.chunks.length, store.stats.chunks); // 4 1
 * ```
 */
export function storeFile(
  store: ChunkStore,
  cdc: FastCdc,
  data: Uint8Array,
  codec: Codec = store.codec,
): FileEntry {
  const entry: FileEntry = { size: data.length, chunks: [], lengths: [] };
  // The whole input is in memory: cut it in place (a CdcStream would copy it through its window).
  for (let offset = 0; offset < data.length; ) {
    const length = cdc.cut(data, offset, data.length);
    entry.chunks.push(store.put(data.subarray(offset, offset + length), codec));
    entry.lengths.push(length);
    offset += length;
  }
  if (entry.chunks.length > TREE_LIMITS.chunksMax)
    throw new RangeError(`data: more than ${TREE_LIMITS.chunksMax} chunks`);
  return entry;
}

function fileNode(entry: FileEntry): CborValue {
  return {
    type: 'file',
    size: entry.size,
    chunks: entry.chunks.map((name) => new Cid(CODEC_RAW, name)),
    lengths: entry.lengths,
  };
}

/**
 * Stores the file node of `entry` and returns its CID (the building block of incremental commits).
 *
 * @example
 * ```ts
 * import type { ChunkStore } from '@nexus/nexfs';
 * import { putFileNode } from '@nexus/nexfs';
 * declare const store: ChunkStore;
 * const cid = putFileNode(store, { size: 0, chunks: [], lengths: [] });
 * ```
 */
export function putFileNode(store: ChunkStore, entry: FileEntry): Cid {
  if (entry.chunks.length > TREE_LIMITS.chunksMax)
    throw new ContentError('ELIMIT', `file: more than ${TREE_LIMITS.chunksMax} chunks`);
  return new Cid(CODEC_DAG_CBOR, store.put(encodeCbor(fileNode(entry)), noneCodec));
}

/**
 * Stores a directory node of `entries` (sorted here by the bytes of their UTF-8 names) and returns
 * its CID.
 *
 * @example
 * ```ts
 * import type { ChunkStore } from '@nexus/nexfs';
 * import { putDirNode } from '@nexus/nexfs';
 * declare const store: ChunkStore;
 * const empty = putDirNode(store, []);
 * ```
 */
export function putDirNode(store: ChunkStore, entries: DirEntry[]): Cid {
  if (entries.length > TREE_LIMITS.entriesMax)
    throw new ContentError('ELIMIT', `directory: more than ${TREE_LIMITS.entriesMax} entries`);
  const keyed = entries.map((e) => ({ name: e.name, key: utf8.encode(e.name), cid: e.cid }));
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  const node = { type: 'dir', entries: keyed.map((e) => ({ name: e.name, cid: e.cid })) };
  return new Cid(CODEC_DAG_CBOR, store.put(encodeCbor(node), noneCodec));
}

interface DirBuild {
  dirs: Map<string, DirBuild>;
  files: Map<string, FileEntry>;
}

/** What {@link commitTree} produced. */
export interface TreeCommit {
  /** CID of the root directory node: the commitment. */
  root: Cid;
  /** Files in the tree. */
  files: number;
  /** Directories in the tree, the root included. */
  directories: number;
  /** Sum of file sizes. */
  logicalBytes: number;
}

/**
 * Builds and stores the Merkle DAG of a set of files (paths to entries; directories are implied
 * by paths) and returns the root commitment. Nodes are stored through `store` (deduplicated: an
 * unchanged subtree stores nothing new).
 *
 * @example
 * ```ts
 * import { ChunkFramer, ChunkStore, commitTree, createHasher, FastCdc, MemoryBlockStore, NEXFS_CDC_DEFAULTS, storeFile } from '@nexus/nexfs';
 * const framer = new ChunkFramer({ check: await createHasher('xxh3-64'), name: await createHasher('blake3-256') });
 * const store = new ChunkStore(new MemoryBlockStore(), framer);
 * const cdc = new FastCdc(NEXFS_CDC_DEFAULTS);
 * const files = new Map([['/etc/motd', storeFile(store, cdc, new TextEncoder().encode('hi'))]]);
 * console.log(commitTree(store, files).root.toString());
 * ```
 */
export function commitTree(store: ChunkStore, files: Map<string, FileEntry>): TreeCommit {
  const root: DirBuild = { dirs: new Map(), files: new Map() };
  let logicalBytes = 0;
  for (const [path, entry] of files) {
    const parts = splitPath(path);
    if (parts.length === 0) throw new TypeError('path: a file cannot be the root');
    let dir = root;
    for (const p of parts.slice(0, -1)) {
      if (dir.files.has(p)) throw new TypeError(`path: ${path} passes through a file`);
      let next = dir.dirs.get(p);
      if (next === undefined) dir.dirs.set(p, (next = { dirs: new Map(), files: new Map() }));
      dir = next;
    }
    const leaf = parts[parts.length - 1];
    if (dir.dirs.has(leaf)) throw new TypeError(`path: ${path} is a directory`);
    dir.files.set(leaf, entry);
    logicalBytes += entry.size;
  }
  let directories = 0;
  const putNode = (node: CborValue): Cid => new Cid(CODEC_DAG_CBOR, store.put(encodeCbor(node), noneCodec));
  const build = (dir: DirBuild): Cid => {
    directories++;
    const entries: { name: string; key: Uint8Array; cid: Cid }[] = [];
    for (const [name, sub] of dir.dirs) entries.push({ name, key: utf8.encode(name), cid: build(sub) });
    for (const [name, entry] of dir.files)
      entries.push({ name, key: utf8.encode(name), cid: putNode(fileNode(entry)) });
    if (entries.length > TREE_LIMITS.entriesMax)
      throw new RangeError(`files: a directory has more than ${TREE_LIMITS.entriesMax} entries`);
    entries.sort((a, b) => compareBytes(a.key, b.key));
    return putNode({ type: 'dir', entries: entries.map((e) => ({ name: e.name, cid: e.cid })) });
  };
  const rootCid = build(root);
  return { root: rootCid, files: files.size, directories, logicalBytes };
}

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** One entry of a directory node. */
export interface DirEntry {
  /** Entry name (one path component). */
  name: string;
  /** CID of the entry's node. */
  cid: Cid;
}

/** A decoded directory node. */
export interface DirNode {
  /** Always 'dir'. */
  type: 'dir';
  /** Entries sorted by the bytes of their UTF-8 names. */
  entries: DirEntry[];
}

/** A decoded file node. */
export interface FileNode {
  /** Always 'file'. */
  type: 'file';
  /** File length in bytes. */
  size: number;
  /** Raw CIDs of the chunks, in order. */
  chunks: Cid[];
  /** Chunk lengths, parallel to `chunks`. */
  lengths: number[];
}

/** A decoded node. */
export type TreeNode = DirNode | FileNode;

function bad(message: string): never {
  throw new ContentError('EFORMAT', `node.${message}`);
}

/**
 * Decodes and validates a node's bytes (strict: canonical DAG-CBOR, the exact schema, the limits).
 *
 * @example
 * ```ts
 * import { decodeNode, encodeCbor } from '@nexus/nexfs';
 * console.log(decodeNode(encodeCbor({ type: 'dir', entries: [] }))); // { type: 'dir', entries: [] }
 * ```
 */
export function decodeNode(bytes: Uint8Array): TreeNode {
  const v = decodeCbor(bytes) as Record<string, CborValue>;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || v instanceof Cid)
    bad('root: not a map');
  const keys = Object.keys(v).sort().join(',');
  if (v.type === 'dir') {
    if (keys !== 'entries,type') bad(`dir: fields ${keys}`);
    const entries = v.entries;
    if (!Array.isArray(entries) || entries.length > TREE_LIMITS.entriesMax)
      bad('dir.entries: not a bounded array');
    const out: { name: string; cid: Cid }[] = [];
    let previous: Uint8Array | undefined;
    for (const e of entries as Record<string, CborValue>[]) {
      if (
        typeof e !== 'object' ||
        e === null ||
        Array.isArray(e) ||
        e instanceof Uint8Array ||
        e instanceof Cid
      )
        bad('dir.entry: not a map');
      if (Object.keys(e).sort().join(',') !== 'cid,name') bad('dir.entry: fields');
      if (typeof e.name !== 'string' || !(e.cid instanceof Cid)) bad('dir.entry: types');
      if (e.name === '' || e.name === '.' || e.name === '..' || e.name.includes('/'))
        bad(`dir.entry.name: '${e.name}'`);
      const key = utf8.encode(e.name);
      if (key.length > TREE_LIMITS.nameBytesMax) bad('dir.entry.name: too long');
      if (previous !== undefined && compareBytes(previous, key) >= 0)
        bad('dir.entries: not sorted or repeated');
      previous = key;
      if (e.cid.codec !== CODEC_DAG_CBOR) bad('dir.entry.cid: must name a node');
      out.push({ name: e.name, cid: e.cid });
    }
    return { type: 'dir', entries: out };
  }
  if (v.type === 'file') {
    if (keys !== 'chunks,lengths,size,type') bad(`file: fields ${keys}`);
    const { chunks, lengths, size } = v;
    if (typeof size !== 'number') bad('file.size: not an integer');
    if (!Array.isArray(chunks) || !Array.isArray(lengths) || chunks.length !== lengths.length)
      bad('file.chunks: arrays differ');
    if (chunks.length > TREE_LIMITS.chunksMax) bad('file.chunks: too many');
    let total = 0;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      const n = lengths[i];
      if (!(c instanceof Cid) || c.codec !== CODEC_RAW) bad('file.chunks: entry is not a raw CID');
      if (typeof n !== 'number' || n < 1) bad('file.lengths: entry is not a positive integer');
      total += n;
    }
    if (total !== size) bad(`file.size: ${size} != sum of lengths ${total}`);
    return { type: 'file', size, chunks: chunks as Cid[], lengths: lengths as number[] };
  }
  return bad(`type: ${String(v.type)}`);
}

/**
 * Reads a node by CID through the store (verified: frame check and name, then strict decoding).
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { readNode } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * const node = readNode(store, root);
 * if (node.type === 'dir') console.log(node.entries.map((e) => e.name));
 * ```
 */
export function readNode(store: ChunkStore, cid: Cid): TreeNode {
  if (cid.codec !== CODEC_DAG_CBOR) throw new ContentError('EFORMAT', 'node.cid: not a dag-cbor CID');
  return decodeNode(store.get(cid.digest));
}

/**
 * Every file of the tree under `root`, path to file-node CID, in path order.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { listTree } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * for (const [path] of listTree(store, root)) console.log(path);
 * ```
 */
export function listTree(store: ChunkStore, root: Cid): Map<string, Cid> {
  const out = new Map<string, Cid>();
  const walk = (cid: Cid, prefix: string, depth: number) => {
    if (depth > TREE_LIMITS.depthMax) throw new ContentError('ELIMIT', 'tree.depth: deeper than 64');
    const node = readNode(store, cid);
    if (node.type !== 'dir') throw new ContentError('EFORMAT', `tree: ${prefix || '/'} is not a directory`);
    for (const e of node.entries) {
      const path = `${prefix}/${e.name}`;
      const child = readNode(store, e.cid);
      if (child.type === 'dir') walk(e.cid, path, depth + 1);
      else out.set(path, e.cid);
    }
  };
  walk(root, '', 0);
  return out;
}

/**
 * Finds the node CID at `path` under `root`; throws `ContentError` `ENOENT` when absent.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { lookup } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * console.log(lookup(store, root, '/etc/motd').toString());
 * ```
 */
export function lookup(store: ChunkStore, root: Cid, path: string): Cid {
  let cid = root;
  for (const part of splitPath(path)) {
    const node = readNode(store, cid);
    if (node.type !== 'dir') throw new ContentError('ENOENT', `${path}: a component is a file`);
    const entry = node.entries.find((e) => e.name === part);
    if (entry === undefined) throw new ContentError('ENOENT', `${path}: no such entry`);
    cid = entry.cid;
  }
  return cid;
}

/**
 * Reads a whole file from the tree under `root`, verifying every chunk.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { readTreeFile } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * console.log(readTreeFile(store, root, '/etc/motd').length);
 * ```
 */
export function readTreeFile(store: ChunkStore, root: Cid, path: string): Uint8Array {
  const node = readNode(store, lookup(store, root, path));
  if (node.type !== 'file') throw new ContentError('ENOENT', `${path}: is a directory`);
  const out = new Uint8Array(node.size);
  let pos = 0;
  node.chunks.forEach((cid, i) => {
    const bytes = store.get(cid.digest);
    if (bytes.length !== node.lengths[i])
      throw new ContentError('EFORMAT', `${path}: chunk ${i} has the wrong length`);
    out.set(bytes, pos);
    pos += bytes.length;
  });
  assert(pos === node.size, 'file size equals the sum of its chunks');
  return out;
}

/** What {@link verifyTree} checked. */
export interface VerifyReport {
  /** Nodes read and verified. */
  nodes: number;
  /** Distinct chunks read and verified. */
  chunks: number;
  /** Plaintext bytes of those chunks. */
  chunkBytes: number;
}

/**
 * Recomputes the commitment: reads every node and chunk reachable from `root`, checks each
 * frame's XXH3, each block's BLAKE3 against its CID, and each node's schema. Throws
 * `ContentError` on the first tampered or missing byte.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { verifyTree } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * console.log(verifyTree(store, root).chunks);
 * ```
 */
export function verifyTree(store: ChunkStore, root: Cid): VerifyReport {
  const report: VerifyReport = { nodes: 0, chunks: 0, chunkBytes: 0 };
  const seen = new Set<string>();
  for (const cid of reachable(store, root)) {
    if (seen.has(cid.key)) continue;
    seen.add(cid.key);
    if (cid.codec === CODEC_RAW) {
      report.chunks++;
      report.chunkBytes += store.get(cid.digest).length;
    } else {
      report.nodes++;
    }
  }
  return report;
}

/**
 * Every CID reachable from `root` (nodes decoded and verified on the way), each once, depth-first:
 * the mark set for {@link ChunkStore.collect} and the block list of a CAR export.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { reachable } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * store.collect([...reachable(store, root)].map((cid) => cid.digest));
 * ```
 */
export function* reachable(store: ChunkStore, root: Cid): Generator<Cid> {
  const seen = new Set<string>();
  const stack: [Cid, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [cid, depth] = stack.pop()!;
    if (seen.has(cid.key)) continue;
    seen.add(cid.key);
    yield cid;
    if (cid.codec === CODEC_RAW) continue;
    if (depth > TREE_LIMITS.depthMax) throw new ContentError('ELIMIT', 'tree.depth: deeper than 64');
    const node = readNode(store, cid);
    if (node.type === 'dir')
      for (let i = node.entries.length - 1; i >= 0; i--) stack.push([node.entries[i].cid, depth + 1]);
    else for (let i = node.chunks.length - 1; i >= 0; i--) stack.push([node.chunks[i], depth + 1]);
  }
}

/** Paths that differ between two trees. */
export interface TreeDiff {
  /** In `to` only. */
  added: string[];
  /** In `from` only. */
  removed: string[];
  /** In both with different content. */
  changed: string[];
}

/**
 * Paths added, removed and changed from tree `from` to tree `to`. Subtrees with equal CIDs are
 * skipped without reading them, so the cost is proportional to what changed.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { diffTrees } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const a: Cid; declare const b: Cid;
 * console.log(diffTrees(store, a, b).changed);
 * ```
 */
export function diffTrees(store: ChunkStore, from: Cid, to: Cid): TreeDiff {
  const diff: TreeDiff = { added: [], removed: [], changed: [] };
  const files = (cid: Cid, prefix: string, into: string[]) => {
    const node = readNode(store, cid);
    if (node.type === 'file') into.push(prefix);
    else for (const e of node.entries) files(e.cid, `${prefix}/${e.name}`, into);
  };
  const walk = (a: Cid, b: Cid, prefix: string) => {
    if (a.equals(b)) return;
    const na = readNode(store, a);
    const nb = readNode(store, b);
    if (na.type === 'file' && nb.type === 'file') {
      diff.changed.push(prefix);
      return;
    }
    if (na.type !== nb.type) {
      files(a, prefix, diff.removed);
      files(b, prefix, diff.added);
      return;
    }
    const ea = new Map((na as { entries: { name: string; cid: Cid }[] }).entries.map((e) => [e.name, e.cid]));
    const eb = new Map((nb as { entries: { name: string; cid: Cid }[] }).entries.map((e) => [e.name, e.cid]));
    for (const [name, cid] of ea) {
      const other = eb.get(name);
      if (other === undefined) files(cid, `${prefix}/${name}`, diff.removed);
      else walk(cid, other, `${prefix}/${name}`);
    }
    for (const [name, cid] of eb) if (!ea.has(name)) files(cid, `${prefix}/${name}`, diff.added);
  };
  walk(from, to, '');
  diff.added.sort();
  diff.removed.sort();
  diff.changed.sort();
  return diff;
}
