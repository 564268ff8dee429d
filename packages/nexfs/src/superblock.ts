/**
 * The superblock copies: where they may sit, how mount finds the newest generation, and how a
 * rewrite replaces them one copy at a time. DESIGN.md ("Superblock") explains why; SPEC.md
 * ("Superblock") gives the bytes.
 */
import { NexfsError } from './errors.js';
import { MetaMagic, type PageIO, PageKind, ReadStatus } from './layout.js';
import { decodeSuperblock, encodeSuperblock, KNOWN_INCOMPAT_FLAGS, type Superblock } from './records.js';

/** How far past its nominal position a superblock replica may sit (skipping bad or worn blocks). */
export const SEARCH_WINDOW = 8;
/** The two primaries sit anywhere in blocks 0 to PRIMARY_WINDOW - 1. */
export const PRIMARY_WINDOW = 2 * SEARCH_WINDOW;
/** Most copies a superblock lists (two primaries and ten replicas). */
export const MAX_REPLICAS = 10;

/** Nominal block of superblock replica k (1-10): spread evenly over the device. */
export function replicaStart(blockCount: number, k: number): number {
  return Math.floor((blockCount * k) / 11);
}

/**
 * The blocks copy `index` of the superblock list may occupy, as [first, end): the primaries
 * (indexes 0 and 1) share blocks 0-15; replica k (index k + 1) has the 8 blocks from its nominal
 * position. Mount reads exactly these windows, so a copy moved inside its window is still found.
 */
export function copyWindow(blockCount: number, index: number): [number, number] {
  if (index < 2) return [0, Math.min(blockCount, PRIMARY_WINDOW)];
  const start = replicaStart(blockCount, index - 1);
  return [start, Math.min(blockCount, start + SEARCH_WINDOW)];
}

/** Where one block's superblock copy stands. */
export interface CopyState {
  /** Generation of the newest valid copy in the block (-1: none). */
  generation: number;
  /** Next page pair to program (pages per block / 2: the block must be erased first). */
  nextPair: number;
  /** The block was read whole and is a programmed prefix followed by erased pages. */
  verified: boolean;
}

/** What a superblock scan found. */
export interface SuperblockScan {
  /** The newest valid superblock (highest generation among copies of its volume). */
  sb: Superblock;
  /** State of every block in the search windows that holds a copy of this volume's superblock. */
  copies: Map<number, CopyState>;
}

/** Every block mount may read for a superblock copy, in order, without repeats. */
function candidateBlocks(blockCount: number): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < 2 + MAX_REPLICAS; i++) {
    const [a, b] = copyWindow(blockCount, i);
    for (let x = a; x < b; x++) seen.add(x);
  }
  return [...seen];
}

function readCopy(io: PageIO, address: number): Uint8Array | null {
  try {
    return io.readMeta(address, MetaMagic.Superblock);
  } catch {
    return null;
  }
}

/**
 * The newest copy in one block. Copies are appended pair by pair with a barrier after each, so
 * the valid pairs are a prefix and the newest is found by binary search (log2(pages per block / 2)
 * reads); a torn last pair is skipped. An erase cut midway can leave any mix of old pages: then
 * the search may find an older copy of this block, never a newer one, and the block is rewritten
 * from its first pair before it is appended to again ({@link SuperblockCopies.writeCopy}).
 */
function newestInBlock(
  io: PageIO,
  block: number,
): { sb: Superblock | null; foreign: boolean; state: CopyState } {
  const ppb = io.geometry.pagesPerBlock;
  const none: CopyState = { generation: -1, nextPair: ppb / 2, verified: false };
  if (readCopy(io, block * ppb) === null) return { sb: null, foreign: false, state: none };
  let lo = 0;
  let hi = ppb / 2 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (readCopy(io, block * ppb + mid * 2) !== null) lo = mid;
    else hi = mid - 1;
  }
  for (let pair = lo; pair >= 0; pair--) {
    const body = readCopy(io, block * ppb + pair * 2);
    const sb = body && decodeSuperblock(body);
    if (sb)
      return { sb, foreign: false, state: { generation: sb.generation, nextPair: lo + 1, verified: false } };
  }
  return { sb: null, foreign: true, state: none };
}

/**
 * Reads every superblock window and returns the highest valid generation. Bounded: page pair 0
 * of at most 16 + 10 x 8 blocks, plus a binary search in each block that holds a copy.
 */
export function scanSuperblocks(io: PageIO): SuperblockScan {
  const found: { block: number; sb: Superblock; state: CopyState }[] = [];
  let sawForeign = false;
  for (const b of candidateBlocks(io.geometry.blockCount)) {
    const r = newestInBlock(io, b);
    if (r.foreign) sawForeign = true;
    if (r.sb !== null) found.push({ block: b, sb: r.sb, state: r.state });
  }
  if (found.length === 0)
    throw new NexfsError(sawForeign ? 'ECORRUPT' : 'ENOTNEXFS', 'no valid nexfs superblock found');
  let best = found[0];
  for (const f of found) if (f.sb.generation > best.sb.generation) best = f;
  const sb = best.sb;
  if (sb.formatVersion !== 1)
    throw new NexfsError('ENOTNEXFS', `format version ${sb.formatVersion} is not supported`);
  const unknown = (sb.incompatFlags & ~KNOWN_INCOMPAT_FLAGS) >>> 0;
  if (unknown !== 0)
    throw new NexfsError(
      'EFEATURE',
      `the volume uses incompatible features 0x${unknown.toString(16)} this version does not know`,
    );
  const copies = new Map<number, CopyState>();
  for (const f of found) if (sameVolume(f.sb, sb)) copies.set(f.block, f.state);
  return { sb, copies };
}

function sameVolume(a: Superblock, b: Superblock): boolean {
  for (let i = 0; i < 16; i++) if (a.uuid[i] !== b.uuid[i]) return false;
  return true;
}

/**
 * The highest generation of any nexfs superblock left in the windows (from an earlier format), or
 * -1: a new format starts above it so that a stale copy can never win a mount.
 */
export function staleGeneration(io: PageIO): number {
  let g = -1;
  for (const b of candidateBlocks(io.geometry.blockCount)) {
    const r = newestInBlock(io, b);
    if (r.sb !== null && r.sb.generation > g) g = r.sb.generation;
  }
  return g;
}

/**
 * Writes superblock bodies to their blocks, one copy at a time with a barrier after each, each in
 * the next erased page pair of its block; a full block is erased and starts again at pair 0, so a
 * copy block is erased once per pages-per-block / 2 rewrites. At every instant at least one copy
 * of the old or the new generation is intact.
 */
export class SuperblockCopies {
  private readonly io: PageIO;
  private readonly ppb: number;
  private readonly erase: (block: number) => boolean;
  private readonly sync: () => void;
  /** Where each copy block stands. */
  readonly state = new Map<number, CopyState>();

  constructor(io: PageIO, erase: (block: number) => boolean, sync: () => void) {
    this.io = io;
    this.ppb = io.geometry.pagesPerBlock;
    this.erase = erase;
    this.sync = sync;
  }

  /**
   * Writes `sb` to the copy at `block`. Returns false when the block cannot take it (erase or
   * program failed); the caller moves that copy elsewhere.
   */
  writeCopy(block: number, sb: Superblock): boolean {
    const half = this.ppb / 2;
    const body = encodeSuperblock(sb);
    let st = this.state.get(block) ?? { generation: -1, nextPair: half, verified: false };
    // Appending needs a clean block: a programmed prefix, then erased pages (an erase cut midway
    // leaves anything). Checked once per mount by reading the block.
    if (st.nextPair < half && !st.verified && !this.cleanPrefix(block, st.nextPair))
      st = { ...st, nextPair: half };
    for (let attempt = 0; attempt < 2; attempt++) {
      if (st.nextPair >= half) {
        this.state.set(block, { generation: -1, nextPair: half, verified: false });
        if (!this.erase(block)) return false;
        st = { generation: -1, nextPair: 0, verified: true };
      }
      const address = block * this.ppb + st.nextPair * 2;
      const ok = this.io.writeMeta(address, MetaMagic.Superblock, body, body.length, PageKind.Superblock, 0);
      this.sync();
      if (ok) {
        this.state.set(block, { generation: sb.generation, nextPair: st.nextPair + 1, verified: true });
        return true;
      }
      st = { generation: -1, nextPair: half, verified: false };
    }
    this.state.set(block, st);
    return false;
  }

  /** True when pages 0 .. 2 x pairs - 1 of `block` are programmed and the rest erased. */
  private cleanPrefix(block: number, pairs: number): boolean {
    const scratch = new Uint8Array(this.io.payloadBytes);
    for (let p = 0; p < this.ppb; p++) {
      const erased = this.io.read(block * this.ppb + p, scratch) === ReadStatus.Erased;
      if (erased !== p >= 2 * pairs) return false;
    }
    return true;
  }

  /** Blocks of `sb`'s list whose copy is not at `sb`'s generation (an interrupted rewrite). */
  stale(sb: Superblock): number[] {
    return sb.superblockBlocks.filter((b) => this.state.get(b)?.generation !== sb.generation);
  }
}

/** A random volume id. */
export function randomUuid(): Uint8Array {
  const u = new Uint8Array(16);
  globalThis.crypto.getRandomValues(u);
  return u;
}
