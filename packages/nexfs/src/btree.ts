/**
 * A copy-on-write B+tree over byte-string keys, stored one node per metadata page pair.
 *
 * Definitions: a leaf holds (key, value) entries in key order; an internal node holds (low key,
 * child) entries where child i covers keys from its low key up to the next entry's low key (the
 * first entry covers everything below, whatever its key). Clean nodes live on flash and in a
 * bounded LRU cache; a modified node is dirty, has no address, and is held by its (also dirty)
 * parent until the checkpoint writes the dirty nodes bottom-up and the new root address is
 * committed by the root register. Nothing on flash is ever overwritten.
 *
 * Costs: a lookup reads at most `height` pages (0 when cached); a change dirties the path; a
 * checkpoint writes each dirty node once. Underfull nodes are not merged (an empty node is
 * removed): DESIGN.md gives the space bound.
 */
import { assert } from './_assert.js';
import { compareBytes, put16, put64, u16, u64 } from './_bytes.js';
import { NexfsError } from './errors.js';

/** Where the tree's nodes come from and go. */
export interface NodeStore {
  /** Reads and decodes the node body at `address`; throws a typed error if both copies are bad. */
  load(address: number): Uint8Array;
  /** Writes an encoded node body (a fresh metadata pair) and returns its address. */
  write(body: Uint8Array, level: number): number;
  /** A clean node at `address` became dirty: its pages are no longer referenced. */
  release(address: number): void;
  /** Largest node body in bytes. */
  readonly nodeBodyBytes: number;
}

/** One node in memory. */
export interface TreeNode {
  level: number;
  keys: Uint8Array[];
  /** Leaf values. */
  vals: Uint8Array[];
  /** Internal: child addresses (0 while the child is dirty). */
  childAddr: number[];
  /** Internal: dirty children, held in memory until the checkpoint. */
  child: (TreeNode | null)[];
  /** Flash address of a clean node, 0 for a dirty one. */
  address: number;
  /** Encoded size in bytes. */
  bytes: number;
}

const NODE_HEADER_BYTES = 8;
const ENTRY_OVERHEAD_BYTES = 4;
const CHILD_BYTES = 8;

/** Encoded size of a node header plus its per-entry lengths (for SPEC and limits). */
export const NODE_LAYOUT = {
  headerBytes: NODE_HEADER_BYTES,
  entryOverheadBytes: ENTRY_OVERHEAD_BYTES,
  childBytes: CHILD_BYTES,
};

function newNode(level: number): TreeNode {
  return { level, keys: [], vals: [], childAddr: [], child: [], address: 0, bytes: NODE_HEADER_BYTES };
}

function entryBytes(n: TreeNode, i: number): number {
  return ENTRY_OVERHEAD_BYTES + n.keys[i].length + (n.level === 0 ? n.vals[i].length : CHILD_BYTES);
}

/** The B+tree. */
export class BTree {
  rootAddress: number;
  height: number;
  dirtyNodes = 0;
  private root: TreeNode | null = null;
  private readonly cache = new Map<number, TreeNode>();
  private readonly store: NodeStore;
  private readonly cacheNodes: number;

  constructor(store: NodeStore, rootAddress: number, height: number, cacheNodes: number) {
    this.store = store;
    this.rootAddress = rootAddress;
    this.height = height;
    this.cacheNodes = cacheNodes;
    if (height === 0) {
      this.root = newNode(0);
      this.root.address = 0;
      this.dirtyNodes = 1;
      this.height = 1;
    }
  }

  /** Clean nodes held in the cache. */
  get cachedNodes(): number {
    return this.cache.size;
  }

  /** Drops every clean node from the cache. */
  dropCache(): void {
    this.cache.clear();
    if (this.root && this.root.address !== 0) this.root = null;
  }

  /** The value stored under `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    let node = this.rootNode();
    while (node.level > 0) node = this.childOf(node, childIndex(node, key));
    const i = search(node.keys, key);
    return i >= 0 ? node.vals[i] : undefined;
  }

  /** Inserts or replaces; returns the previous value. */
  put(key: Uint8Array, val: Uint8Array): Uint8Array | undefined {
    const path = this.dirtyPath(key);
    // The first child takes every key below an internal node's low key. Keep that low key the
    // smallest key below it (a range delete can leave it stale), or a split's separator would be
    // inserted out of order.
    for (let d = 0; d < path.length - 1; d++) {
      const node = path[d];
      if (compareBytes(key, node.keys[0]) < 0) {
        node.bytes += key.length - node.keys[0].length;
        node.keys[0] = key;
      }
    }
    const leaf = path[path.length - 1];
    const i = search(leaf.keys, key);
    let old: Uint8Array | undefined;
    if (i >= 0) {
      old = leaf.vals[i];
      leaf.bytes += val.length - old.length;
      leaf.vals[i] = val;
    } else {
      const at = ~i;
      leaf.keys.splice(at, 0, key);
      leaf.vals.splice(at, 0, val);
      leaf.bytes += ENTRY_OVERHEAD_BYTES + key.length + val.length;
    }
    this.splitUp(path);
    return old;
  }

  /** Removes `key`; returns the removed value. */
  delete(key: Uint8Array): Uint8Array | undefined {
    if (this.get(key) === undefined) return undefined;
    const path = this.dirtyPath(key);
    const leaf = path[path.length - 1];
    const i = search(leaf.keys, key);
    assert(i >= 0, 'btree: key vanished between lookup and delete');
    const old = leaf.vals[i];
    leaf.bytes -= entryBytes(leaf, i);
    leaf.keys.splice(i, 1);
    leaf.vals.splice(i, 1);
    this.pruneUp(path);
    return old;
  }

  /** Removes every key in [lo, hi), calling `removed` for each. Returns the number removed. */
  deleteRange(lo: Uint8Array, hi: Uint8Array, removed?: (key: Uint8Array, val: Uint8Array) => void): number {
    let count = 0;
    for (;;) {
      const first = this.firstAtLeast(lo);
      if (first === undefined || compareBytes(first, hi) >= 0) return count;
      const path = this.dirtyPath(first);
      const leaf = path[path.length - 1];
      let i = search(leaf.keys, lo);
      if (i < 0) i = ~i;
      let j = i;
      while (j < leaf.keys.length && compareBytes(leaf.keys[j], hi) < 0) {
        removed?.(leaf.keys[j], leaf.vals[j]);
        leaf.bytes -= entryBytes(leaf, j);
        j++;
      }
      assert(j > i, 'btree: range delete made no progress');
      leaf.keys.splice(i, j - i);
      leaf.vals.splice(i, j - i);
      count += j - i;
      this.pruneUp(path);
    }
  }

  /** Calls `fn` for each entry with lo <= key < hi in order until it returns false. */
  scan(lo: Uint8Array, hi: Uint8Array, fn: (key: Uint8Array, val: Uint8Array) => boolean | undefined): void {
    this.scanNode(this.rootNode(), lo, hi, fn);
  }

  /** The smallest key >= `key`, or undefined. */
  firstAtLeast(key: Uint8Array): Uint8Array | undefined {
    let found: Uint8Array | undefined;
    this.scanNode(this.rootNode(), key, MAX_KEY, (k) => {
      found = k;
      return false;
    });
    return found;
  }

  /**
   * Garbage collection support: if the node at `address` (level, first key) is part of the tree,
   * makes it dirty so the next checkpoint writes it elsewhere, and returns true.
   */
  relocate(address: number, level: number, firstKey: Uint8Array): boolean {
    let node = this.rootNode();
    if (level > node.level) return false;
    const path: TreeNode[] = [node];
    const idx: number[] = [];
    while (node.level > level) {
      const i = childIndex(node, firstKey);
      idx.push(i);
      node = this.childOf(node, i);
      path.push(node);
    }
    if (node.address !== address) return false;
    this.makeDirty(path, idx);
    return true;
  }

  /** Writes every dirty node bottom-up; returns the number written. */
  flush(): number {
    const root = this.rootNode();
    const written = this.writeNode(root);
    this.rootAddress = root.address;
    this.dirtyNodes = 0;
    return written;
  }

  /** Visits every node (for fsck): address, level, keys. */
  walk(fn: (address: number, node: TreeNode) => void): void {
    const visit = (node: TreeNode) => {
      fn(node.address, node);
      if (node.level > 0) for (let i = 0; i < node.keys.length; i++) visit(this.childOf(node, i));
    };
    visit(this.rootNode());
  }

  private scanNode(
    node: TreeNode,
    lo: Uint8Array,
    hi: Uint8Array,
    fn: (key: Uint8Array, val: Uint8Array) => boolean | undefined,
  ): boolean {
    if (node.level === 0) {
      let i = search(node.keys, lo);
      if (i < 0) i = ~i;
      for (; i < node.keys.length; i++) {
        if (compareBytes(node.keys[i], hi) >= 0) return false;
        if (fn(node.keys[i], node.vals[i]) === false) return false;
      }
      return true;
    }
    for (let i = childIndex(node, lo); i < node.keys.length; i++) {
      if (i > 0 && compareBytes(node.keys[i], hi) >= 0) return false;
      if (!this.scanNode(this.childOf(node, i), lo, hi, fn)) return false;
    }
    return true;
  }

  private rootNode(): TreeNode {
    if (this.root === null) {
      this.root = this.loadNode(this.rootAddress);
    }
    return this.root;
  }

  private childOf(node: TreeNode, i: number): TreeNode {
    const c = node.child[i];
    if (c) return c;
    const address = node.childAddr[i];
    const hit = this.cache.get(address);
    if (hit) {
      this.cache.delete(address);
      this.cache.set(address, hit);
      return hit;
    }
    const loaded = this.loadNode(address);
    this.cache.set(address, loaded);
    if (this.cache.size > this.cacheNodes) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
    return loaded;
  }

  private loadNode(address: number): TreeNode {
    assert(address > 0, 'btree: load of a null node address');
    const body = this.store.load(address);
    let node: TreeNode;
    try {
      node = decodeNode(body);
    } catch (e) {
      throw new NexfsError('ECORRUPT', `B-tree node at flash page ${address}: ${(e as Error).message}`);
    }
    node.address = address;
    return node;
  }

  private dirtyPath(key: Uint8Array): TreeNode[] {
    let node = this.rootNode();
    const path = [node];
    const idx: number[] = [];
    while (node.level > 0) {
      const i = childIndex(node, key);
      idx.push(i);
      node = this.childOf(node, i);
      path.push(node);
    }
    this.makeDirty(path, idx);
    return path;
  }

  private makeDirty(path: TreeNode[], idx: number[]): void {
    for (let d = 0; d < path.length; d++) {
      const node = path[d];
      if (node.address !== 0) {
        this.cache.delete(node.address);
        this.store.release(node.address);
        node.address = 0;
        this.dirtyNodes++;
      }
      if (d > 0) {
        const parent = path[d - 1];
        parent.child[idx[d - 1]] = node;
        parent.childAddr[idx[d - 1]] = 0;
      }
    }
    this.root = path[0];
  }

  private splitUp(path: TreeNode[]): void {
    const max = this.store.nodeBodyBytes;
    for (let d = path.length - 1; d >= 0; d--) {
      const node = path[d];
      if (node.bytes <= max) return;
      assert(node.keys.length >= 2, 'btree: a single entry larger than a node');
      // Split by bytes, not count: entries are of variable length.
      let acc = NODE_HEADER_BYTES;
      let mid = 0;
      while (mid < node.keys.length - 1 && acc + entryBytes(node, mid) <= node.bytes / 2)
        acc += entryBytes(node, mid++);
      if (mid === 0) mid = 1;
      const right = newNode(node.level);
      right.keys = node.keys.splice(mid);
      if (node.level === 0) right.vals = node.vals.splice(mid);
      else {
        right.childAddr = node.childAddr.splice(mid);
        right.child = node.child.splice(mid);
      }
      right.bytes = NODE_HEADER_BYTES;
      for (let i = 0; i < right.keys.length; i++) right.bytes += entryBytes(right, i);
      node.bytes -= right.bytes - NODE_HEADER_BYTES;
      this.dirtyNodes++;
      const sep = right.keys[0];
      if (d === 0) {
        const root = newNode(node.level + 1);
        root.keys = [node.keys[0], sep];
        root.childAddr = [0, 0];
        root.child = [node, right];
        root.bytes =
          NODE_HEADER_BYTES + 2 * (ENTRY_OVERHEAD_BYTES + CHILD_BYTES) + node.keys[0].length + sep.length;
        this.root = root;
        this.height++;
        this.dirtyNodes++;
        return;
      }
      const parent = path[d - 1];
      const at = parent.child.indexOf(node) + 1;
      assert(at > 0, 'btree: split node not found in its parent');
      parent.keys.splice(at, 0, sep);
      parent.childAddr.splice(at, 0, 0);
      parent.child.splice(at, 0, right);
      parent.bytes += ENTRY_OVERHEAD_BYTES + sep.length + CHILD_BYTES;
    }
  }

  private pruneUp(path: TreeNode[]): void {
    for (let d = path.length - 1; d > 0; d--) {
      const node = path[d];
      if (node.keys.length > 0) break;
      const parent = path[d - 1];
      const at = parent.child.indexOf(node);
      assert(at >= 0, 'btree: empty node not found in its parent');
      parent.bytes -= entryBytes(parent, at);
      parent.keys.splice(at, 1);
      parent.childAddr.splice(at, 1);
      parent.child.splice(at, 1);
      this.dirtyNodes--;
    }
    let root = path[0];
    while (root.level > 0 && root.keys.length === 1) {
      const only = root.child[0] ?? this.childOf(root, 0);
      if (root.address === 0) this.dirtyNodes--;
      root = only;
      this.height--;
    }
    if (root.address !== 0) {
      this.cache.delete(root.address);
      this.rootAddress = root.address;
    }
    if (root.level > 0 && root.keys.length === 0) {
      root = newNode(0);
      this.height = 1;
    }
    this.root = root;
  }

  private writeNode(node: TreeNode): number {
    if (node.address !== 0) return 0;
    let written = 0;
    if (node.level > 0) {
      for (let i = 0; i < node.child.length; i++) {
        const c = node.child[i];
        if (c) {
          written += this.writeNode(c);
          node.childAddr[i] = c.address;
          node.child[i] = null;
          this.cache.set(c.address, c);
        }
      }
    }
    node.address = this.store.write(encodeNode(node), node.level);
    while (this.cache.size > this.cacheNodes) this.cache.delete(this.cache.keys().next().value as number);
    return written + 1;
  }
}

const MAX_KEY = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

function search(keys: Uint8Array[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareBytes(keys[mid], key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return ~lo;
}

function childIndex(node: TreeNode, key: Uint8Array): number {
  // The last child whose low key is <= key; the first child takes everything below.
  let lo = 1;
  let hi = node.keys.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(node.keys[mid], key) <= 0) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Encodes a node body (SPEC.md, "B-tree node"). */
export function encodeNode(node: TreeNode): Uint8Array {
  const out = new Uint8Array(node.bytes);
  out[0] = node.level;
  out[1] = 0;
  put16(out, 2, node.keys.length);
  let at = NODE_HEADER_BYTES;
  for (let i = 0; i < node.keys.length; i++) {
    const k = node.keys[i];
    const vlen = node.level === 0 ? node.vals[i].length : CHILD_BYTES;
    put16(out, at, k.length);
    put16(out, at + 2, vlen);
    out.set(k, at + 4);
    if (node.level === 0) out.set(node.vals[i], at + 4 + k.length);
    else put64(out, at + 4 + k.length, node.childAddr[i]);
    at += 4 + k.length + vlen;
  }
  assert(at === node.bytes, 'btree: node size bookkeeping is off');
  return out;
}

/** Decodes a node body; throws a plain Error on malformed input (callers map it to ECORRUPT). */
export function decodeNode(body: Uint8Array): TreeNode {
  if (body.length < NODE_HEADER_BYTES) throw new Error('node body too short');
  const node = newNode(body[0]);
  const count = u16(body, 2);
  let at = NODE_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + 4 > body.length) throw new Error('node entry header past the end');
    const klen = u16(body, at);
    const vlen = u16(body, at + 2);
    if (at + 4 + klen + vlen > body.length) throw new Error('node entry past the end');
    node.keys.push(body.slice(at + 4, at + 4 + klen));
    if (node.level === 0) node.vals.push(body.slice(at + 4 + klen, at + 4 + klen + vlen));
    else {
      if (vlen !== CHILD_BYTES) throw new Error('internal node entry without an address');
      node.childAddr.push(u64(body, at + 4 + klen));
      node.child.push(null);
    }
    at += 4 + klen + vlen;
  }
  node.bytes = at;
  return node;
}
