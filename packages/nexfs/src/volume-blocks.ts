/**
 * Block space of a volume: allocation, garbage collection, static wear levelling, bad blocks, and
 * the block table that records erase counts, live pages and block states. {@link Volume} builds the
 * journal and checkpoints on top. DESIGN.md explains the policies; SPEC.md gives the bytes.
 */
import { assert } from './_assert.js';
import { put16, put32, put64, u16, u32, u64 } from './_bytes.js';
import { crc32c } from './_crc32.js';
import type { BTree, NodeStore } from './btree.js';
import type { FlashDevice } from './device/flash.js';
import { NexfsError } from './errors.js';
import { MetaMagic, type PageIO, PageKind, type PageTag, ReadStatus } from './layout.js';
import {
  BlockState,
  BT,
  encodeFrameRun,
  encodePageMap,
  FRAMERUN,
  frameRunKey,
  KeyKind,
  PAGEMAP,
  type Superblock,
} from './records.js';

/** How a block is used right now (in memory only; the table stores live counts and states). */
export const Use = { Free: 0, Used: 1, Head: 2, Journal: 3, Reserved: 4 } as const;

/** Tuning of a volume; every limit is a number with a unit. */
export interface VolumeOptions {
  /** Clean B-tree nodes kept in RAM (default 64). */
  cacheNodes?: number;
  /** Dirty B-tree nodes that trigger a checkpoint at the next commit (default 128). */
  maxDirtyNodes?: number;
  /**
   * Dirty B-tree nodes a rebuild (rollback to a snapshot) holds before writing them to fresh pages
   * (default 512): more RAM, fewer rewrites of the paths it builds.
   */
  rebuildDirtyNodes?: number;
  /** Journal blocks that trigger a checkpoint (default 4, at format). */
  journalMaxBlocks?: number;
  /** Free blocks kept back for garbage collection (default: 4 + 1% of the blocks, at format). */
  reserveBlocks?: number;
  /** Superblock replicas beyond the two primaries, 0-10 (default: min(10, blocks / 64), at format). */
  superblockReplicas?: number;
  /** Blocks in the root register ring, 2-8 (default 4, at format). */
  registerBlocks?: number;
  /** Erase-count gap between the most and least worn blocks that triggers a static move (default 32). */
  wearLevelGap?: number;
  /** Mount without writing anything (writes fail with EROFS). */
  readOnly?: boolean;
}

/** Counters of the engine's work. */
export interface VolumeStats {
  /** Root register records written. */
  checkpoints: number;
  /** Journal page pairs written. */
  journalPages: number;
  /** Blocks garbage-collected (live pages moved out). */
  gcBlocks: number;
  /** Pages (data or nodes) moved by garbage collection. */
  gcPagesMoved: number;
  /** Chunk frame runs moved whole (garbage collection, static wear levelling, bad blocks). */
  frameRunsMoved: number;
  /** Cold blocks moved by static wear levelling. */
  staticMoves: number;
  /** Register ring blocks replaced by wear levelling. */
  registerMoves: number;
  /** Superblock copies moved by wear levelling. */
  superblockMoves: number;
  /** Blocks retired after a program failure. */
  retiredBlocks: number;
  /** Single-bit errors corrected on data reads. */
  correctedErrors: number;
  /** Metadata pages read from their mirror and rewritten. */
  repairedMetadata: number;
}

interface Head {
  block: number;
  nextPage: number;
}

/**
 * Block accounting and the policies over it; the journal and checkpoint live in {@link Volume}.
 */
export abstract class BlockSpace {
  readonly device: FlashDevice;
  readonly io: PageIO;
  readonly sb: Superblock;
  readonly ppb: number;
  readonly blockCount: number;
  readonly readOnly: boolean;
  readonly stats: VolumeStats = {
    checkpoints: 0,
    journalPages: 0,
    gcBlocks: 0,
    gcPagesMoved: 0,
    frameRunsMoved: 0,
    staticMoves: 0,
    registerMoves: 0,
    superblockMoves: 0,
    retiredBlocks: 0,
    correctedErrors: 0,
    repairedMetadata: 0,
  };
  tree!: BTree;

  // Block accounting.
  readonly eraseCounts: Uint32Array;
  readonly live: Uint32Array;
  readonly tableLive: Uint32Array;
  readonly state: Uint8Array;
  readonly use: Uint8Array;
  protected readonly tableDirty: Uint8Array;
  protected tableIndex: number[] = [];
  protected readonly entriesPerTablePage: number;
  protected freeCount = 0;
  protected dataHead: Head | null = null;
  protected metaHead: Head | null = null;
  /** Where static wear levelling puts cold data: the most worn free block, which it then rests. */
  protected coldHead: Head | null = null;
  /** Set while static wear levelling moves a block: metadata goes to the cold head too. */
  protected coldWrites = false;
  protected readonly gcSkip = new Set<number>();
  protected readonly retiring = new Set<number>();
  /** Node addresses whose primary copy failed: rewritten at the next commit. */
  protected repairQueue: number[] = [];
  protected allocationsSinceWearCheck = 0;
  /** Blocks allocated by this mount. */
  protected allocations = 0;
  /** Value of `allocations` when each block was last allocated (0: not since mount). */
  protected readonly allocatedAt: Uint32Array;

  protected readonly cacheNodes: number;
  protected readonly maxDirtyNodes: number;
  protected readonly wearLevelGap: number;

  protected constructor(device: FlashDevice, io: PageIO, sb: Superblock, options: VolumeOptions) {
    this.device = device;
    this.io = io;
    this.sb = sb;
    this.ppb = sb.pagesPerBlock;
    this.blockCount = sb.blockCount;
    this.readOnly = options.readOnly ?? false;
    this.cacheNodes = options.cacheNodes ?? 64;
    // A checkpoint after a power cut must fit in the GC reserve (less the journal's next block
    // and one block of slack): each dirty node costs a mirrored pair of pages.
    const tablePages = Math.ceil(
      sb.blockCount / Math.floor((io.metaBodyBytes - BT.headerBytes) / BT.entryBytes),
    );
    const fits = Math.floor(((sb.reserveBlocks - 2) * sb.pagesPerBlock) / 2) - tablePages;
    this.maxDirtyNodes = Math.max(4, Math.min(options.maxDirtyNodes ?? 128, fits));
    this.wearLevelGap = options.wearLevelGap ?? 32;
    if (!Number.isInteger(this.wearLevelGap) || this.wearLevelGap < 0)
      throw new RangeError('wearLevelGap: a non-negative integer');
    const n = sb.blockCount;
    this.eraseCounts = new Uint32Array(n);
    this.live = new Uint32Array(n);
    this.tableLive = new Uint32Array(n);
    this.state = new Uint8Array(n);
    this.use = new Uint8Array(n);
    this.allocatedAt = new Uint32Array(n);
    this.entriesPerTablePage = Math.floor((io.metaBodyBytes - BT.headerBytes) / BT.entryBytes);
    this.tableDirty = new Uint8Array(Math.ceil(n / this.entriesPerTablePage));
  }

  /** Makes every change so far durable (the journal layer). */
  abstract commit(): void;
  /** Writes a new checkpoint and root register record (the journal layer). */
  abstract checkpoint(): void;
  /** Applies a tree put and its block references without journaling it (the journal layer). */
  protected abstract applyPut(key: Uint8Array, val: Uint8Array): void;

  protected programData(payload: Uint8Array, ino: number, pageIndex: number, cold = false): number {
    for (let attempt = 0; attempt < RETRY_LIMIT; attempt++) {
      const head = this.headWithRoom(cold ? 'cold' : 'data', 1);
      const address = head.block * this.ppb + head.nextPage;
      head.nextPage++;
      if (this.io.write(address, payload, PageKind.Data, 0, ino, pageIndex)) return address;
      this.retire(head.block);
    }
    throw new NexfsError('EIO', 'data page program failed on every retry');
  }

  /**
   * Programs frame pages `first .. first + count - 1` of chunk `chunkNo` (page `i` of the call is
   * `pageAt(i)`) at the data head, or the cold head, contiguously while the head block has room,
   * and appends one run per block to `out`. A program failure retires the block (its pages so far
   * stay a run of their own) and the rest continues elsewhere. Each page's tag names the chunk
   * and its run's first page, so garbage collection finds the run's key from any of its pages.
   */
  protected programRuns(
    chunkNo: number,
    first: number,
    count: number,
    pageAt: (i: number) => Uint8Array,
    cold: boolean,
    out: { firstPage: number; address: number; pages: number }[],
  ): void {
    let failures = 0;
    for (let i = 0; i < count; ) {
      const head = this.headWithRoom(cold ? 'cold' : 'data', 1);
      const start = head.block * this.ppb + head.nextPage;
      const n = Math.min(this.ppb - head.nextPage, count - i);
      const runFirst = first + i;
      let done = 0;
      while (done < n) {
        head.nextPage++;
        if (!this.io.write(start + done, pageAt(i + done), PageKind.Frame, 0, chunkNo, runFirst)) break;
        done++;
      }
      if (done > 0) out.push({ firstPage: runFirst, address: start, pages: done });
      i += done;
      if (done < n) {
        if (++failures >= RETRY_LIMIT)
          throw new NexfsError('EIO', 'frame page program failed on every retry');
        this.retire(head.block);
      }
    }
  }

  /**
   * Moves one frame run out of its block as a whole: every page is read (ECC corrects what it can)
   * and programmed afresh, and the run's one key is replaced (a run split by the new head's block
   * end adds a key for its rest). A page that cannot be read intact keeps the run where it is; the
   * frame's name check then reports it to readers and scrub.
   */
  private relocateRun(
    chunkNo: number,
    firstPage: number,
    address: number,
    pages: number,
    cold: boolean,
  ): void {
    const P = this.io.payloadBytes;
    const data = new Uint8Array(pages * P);
    for (let j = 0; j < pages; j++) {
      const s = this.io.read(address + j, data.subarray(j * P, (j + 1) * P));
      if (s === ReadStatus.Uncorrectable || s === ReadStatus.Erased) return;
    }
    const runs: { firstPage: number; address: number; pages: number }[] = [];
    this.programRuns(chunkNo, firstPage, pages, (i) => data.subarray(i * P, (i + 1) * P), cold, runs);
    for (const r of runs)
      this.applyPut(frameRunKey(chunkNo, r.firstPage), encodeFrameRun(r.address, r.pages));
    this.stats.gcPagesMoved += pages;
    this.stats.frameRunsMoved++;
  }

  protected writeTablePage(p: number): void {
    const body = new Uint8Array(BT.headerBytes + this.entriesPerTablePage * BT.entryBytes);
    const first = p * this.entriesPerTablePage;
    const count = Math.min(this.entriesPerTablePage, this.blockCount - first);
    put64(body, BT.firstBlock, first);
    put32(body, BT.count, count);
    for (let i = 0; i < count; i++) {
      const b = first + i;
      const at = BT.headerBytes + i * BT.entryBytes;
      put32(body, at + BT.eraseCount, this.eraseCounts[b]);
      put16(body, at + BT.livePages, this.live[b] - this.tableLive[b]);
      body[at + BT.state] = this.state[b];
    }
    const bytes = BT.headerBytes + count * BT.entryBytes;
    const address = this.programMeta(body, bytes, PageKind.BlockTable, p);
    const old = this.tableIndex[p];
    this.tableDirty[p] = 0;
    if (old !== undefined) {
      const ob = this.io.blockOf(old);
      this.tableLive[ob] -= 2;
      this.unref(old, 2);
    }
    this.tableIndex[p] = address;
    this.tableLive[this.io.blockOf(address)] += 2;
    this.ref(address, 2);
  }

  protected loadTable(index: number[]): void {
    for (let p = 0; p < index.length; p++) {
      const status = { repaired: false };
      const body = this.io.readMeta(index[p], MetaMagic.BlockTable, status);
      if (body === null)
        throw new NexfsError('ECORRUPT', `block-table page ${p} is unreadable in both copies`);
      const first = u64(body, BT.firstBlock);
      const count = u32(body, BT.count);
      if (first !== p * this.entriesPerTablePage || first + count > this.blockCount)
        throw new NexfsError('ECORRUPT', `block-table page ${p} covers the wrong blocks`);
      for (let i = 0; i < count; i++) {
        const at = BT.headerBytes + i * BT.entryBytes;
        const b = first + i;
        this.eraseCounts[b] = u32(body, at + BT.eraseCount);
        this.live[b] = u16(body, at + BT.livePages);
        this.state[b] = body[at + BT.state];
        this.use[b] = this.live[b] > 0 ? Use.Used : Use.Free;
      }
      if (status.repaired) {
        this.tableDirty[p] = 1;
        this.stats.repairedMetadata++;
      }
    }
    this.tableIndex = index.slice();
    for (const a of index) {
      const b = this.io.blockOf(a);
      this.tableLive[b] += 2;
      this.live[b] += 2;
      this.use[b] = Use.Used;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // blocks: allocation, wear levelling, garbage collection, bad blocks

  /** Free blocks available to user data (beyond the GC reserve). */
  get freeBlocks(): number {
    return this.freeCount;
  }

  /** Bytes the user can still write, roughly (free blocks beyond the reserve). */
  get freeBytes(): number {
    return Math.max(0, this.freeCount - this.sb.reserveBlocks) * this.ppb * this.io.payloadBytes;
  }

  /**
   * Makes sure `pages` more data pages can be written without garbage collection inside the
   * coming operation: collects (and checkpoints) first, or throws ENOSPC.
   */
  ensureSpace(pages: number): void {
    this.writable();
    // Each data page also costs a journal record and a page-map entry written at the checkpoint,
    // both in mirrored metadata pages: about 2 x 2 x 40 bytes per data page (a bound: a frame run
    // costs one record and one entry for all its pages).
    const metaPages = Math.ceil((pages * 160) / this.io.metaBodyBytes);
    const blocksNeeded = Math.ceil((pages + metaPages) / this.ppb) + 2;
    for (let round = 0; round < this.blockCount + 8; round++) {
      if (this.freeCount >= this.sb.reserveBlocks + blocksNeeded) return;
      if (!this.collect()) throw new NexfsError('ENOSPC', `no room for ${pages} pages`);
    }
    throw new NexfsError('ENOSPC', `no room for ${pages} pages`);
  }

  /**
   * One garbage-collection round: commits, then either frees the blocks that died since the last
   * checkpoint or moves the live pages out of the emptiest blocks (greedy) until at least two
   * blocks' worth of dead pages are reclaimed, and checkpoints. Returns false when nothing could be
   * freed.
   */
  collect(): boolean {
    const before = this.freeCount;
    this.commit();
    let zombies = 0;
    for (let b = 0; b < this.blockCount; b++) if (this.isZombie(b)) zombies++;
    if (zombies === 0) {
      let reclaimed = 0;
      while (reclaimed < 2 * this.ppb && this.freeCount > 2) {
        let victim = -1;
        for (let b = 0; b < this.blockCount; b++) {
          if (this.use[b] !== Use.Used || this.gcSkip.has(b) || this.state[b] === BlockState.System) continue;
          if (this.state[b] === BlockState.Bad) continue;
          if (victim < 0 || this.live[b] < this.live[victim]) victim = b;
        }
        if (victim < 0 || this.live[victim] >= this.ppb) break;
        reclaimed += this.ppb - this.live[victim];
        this.relocateBlock(victim);
      }
      if (reclaimed === 0) return false;
    }
    this.checkpoint();
    return this.freeCount > before;
  }

  /** Moves the live pages out of `victim`; `cold` sends data pages to the cold head. */
  protected relocateBlock(victim: number, cold = false): void {
    this.gcSkip.add(victim);
    this.stats.gcBlocks++;
    // Block-table pages move by being rewritten at the next checkpoint.
    for (let t = 0; t < this.tableIndex.length; t++)
      if (this.io.blockOf(this.tableIndex[t]) === victim) this.tableDirty[t] = 1;
    const buf = new Uint8Array(this.io.payloadBytes);
    const tag: PageTag = { kind: 0, level: 0, a: 0, b: 0, valid: false };
    for (let p = 0; p < this.ppb && this.live[victim] > this.tableLive[victim]; p++) {
      const address = victim * this.ppb + p;
      const status = this.io.read(address, buf, tag);
      if (status === ReadStatus.Erased || !tag.valid) continue;
      if (tag.kind === PageKind.Data) {
        const key = pageKeyOf(tag.a, tag.b);
        const v = this.tree.get(key);
        if (v === undefined || u64(v, PAGEMAP.address) !== address) continue;
        const len = u32(v, PAGEMAP.lengthBytes);
        if (status === ReadStatus.Uncorrectable || crc32c(buf, 0, len) !== u32(v, PAGEMAP.crc)) {
          // The copy cannot be made intact: keep the block (reads will report EIO for the file).
          continue;
        }
        const moved = this.programData(buf.subarray(0, len), tag.a, tag.b, cold);
        this.applyPut(key, encodePageMap(moved, len, u32(v, PAGEMAP.crc)));
        this.stats.gcPagesMoved++;
      } else if (tag.kind === PageKind.Frame) {
        // A frame run lies wholly in this block: the first of its live pages met moves all of it.
        const v = this.tree.get(frameRunKey(tag.a, tag.b));
        if (v === undefined) continue;
        const start = u64(v, FRAMERUN.address);
        const pages = u16(v, FRAMERUN.pages);
        if (address < start || address >= start + pages) continue;
        this.relocateRun(tag.a, tag.b, start, pages, cold);
      } else if (tag.kind === PageKind.Node && tag.level === 0) {
        const status2 = { repaired: false };
        const body = this.io.readMeta(address, MetaMagic.Node, status2);
        if (body === null) continue;
        const level = body[0];
        const count = u16(body, 2);
        const firstKey = count > 0 ? body.slice(12, 12 + u16(body, 8)) : EMPTY;
        if (this.tree.relocate(address, level, firstKey)) this.stats.gcPagesMoved++;
      } else if (tag.kind === PageKind.BlockTable && tag.level === 0) {
        if (this.tableIndex[tag.a] === address) this.tableDirty[tag.a] = 1;
      }
    }
  }

  protected repairNodes(): void {
    const queue = this.repairQueue;
    this.repairQueue = [];
    for (const address of queue) {
      const body = this.io.readMeta(address, MetaMagic.Node);
      if (body === null || body.length < 8) continue;
      const count = u16(body, 2);
      const firstKey = count > 0 ? body.slice(12, 12 + u16(body, 8)) : EMPTY;
      this.tree.relocate(address, body[0], firstKey);
    }
  }

  /** The head metadata goes to: the cold head during a static move. */
  protected metaHeadKind(): 'meta' | 'cold' {
    return this.coldWrites ? 'cold' : 'meta';
  }

  protected headWithRoom(which: 'data' | 'meta' | 'cold', pages: number): Head {
    let head = which === 'data' ? this.dataHead : which === 'meta' ? this.metaHead : this.coldHead;
    if (head === null || head.nextPage + pages > this.ppb) {
      if (head !== null) this.use[head.block] = Use.Used;
      const block = this.allocateBlock(which === 'cold' ? 'worn' : 'young');
      // Flash address 0 means "no node" to the B-tree: block 0 starts at its second pair.
      head = { block, nextPage: block === 0 ? 2 : 0 };
      this.use[head.block] = Use.Head;
      if (which === 'data') this.dataHead = head;
      else if (which === 'meta') this.metaHead = head;
      else this.coldHead = head;
    }
    return head;
  }

  protected programMeta(body: Uint8Array, bytes: number, kind: number, a: number): number {
    for (let attempt = 0; attempt < RETRY_LIMIT; attempt++) {
      let head = this.headWithRoom(this.metaHeadKind(), 2);
      if (head.nextPage % 2 === 1) {
        // The cold head takes data pages too: metadata pairs start on an even page.
        head = this.headWithRoom(this.metaHeadKind(), 3);
        if (head.nextPage % 2 === 1) head.nextPage++;
      }
      const address = head.block * this.ppb + head.nextPage;
      head.nextPage += 2;
      const magic = kind === PageKind.Node ? MetaMagic.Node : MetaMagic.BlockTable;
      if (this.io.writeMeta(address, magic, body, bytes, kind, a)) return address;
      this.retire(head.block);
    }
    throw new NexfsError('EIO', 'metadata program failed on every retry');
  }

  /**
   * Takes the least-worn free block ('young': dynamic wear levelling) or the most worn ('worn':
   * for cold data, which rests it), erases it (retiring blocks that fail) and returns it.
   */
  protected allocateBlock(pick: 'young' | 'worn' = 'young'): number {
    for (let attempt = 0; attempt < this.blockCount; attempt++) {
      let best = -1;
      for (let b = 0; b < this.blockCount; b++) {
        if (this.use[b] !== Use.Free || this.state[b] !== BlockState.Good) continue;
        if (best < 0) best = b;
        else if (
          pick === 'young'
            ? this.eraseCounts[b] < this.eraseCounts[best]
            : this.eraseCounts[b] > this.eraseCounts[best]
        )
          best = b;
      }
      if (best < 0) throw new NexfsError('ENOSPC', 'no free erase block left');
      if (this.eraseBlock(best)) {
        this.use[best] = Use.Used;
        this.freeCount--;
        this.allocationsSinceWearCheck++;
        this.allocatedAt[best] = ++this.allocations;
        return best;
      }
      this.retireNow(best);
    }
    throw new NexfsError('ENOSPC', 'no erasable block left');
  }

  /** Sets aside an erased free block for the journal. */
  protected reserveBlock(): number {
    const b = this.allocateBlock();
    this.use[b] = Use.Reserved;
    return b;
  }

  protected eraseBlock(b: number): boolean {
    const ok = this.device.erase(b);
    if (ok) {
      this.eraseCounts[b]++;
      this.markTable(b);
    }
    return ok;
  }

  /** A program failed in block b: stop writing there; its live data moves out at the next commit. */
  protected retire(b: number): void {
    this.stats.retiredBlocks++;
    this.state[b] = BlockState.Retiring;
    this.markTable(b);
    if (this.dataHead?.block === b) this.dataHead = null;
    if (this.metaHead?.block === b) this.metaHead = null;
    if (this.coldHead?.block === b) this.coldHead = null;
    this.use[b] = Use.Used;
    this.retiring.add(b);
  }

  protected retireNow(b: number): void {
    this.state[b] = BlockState.Bad;
    this.use[b] = Use.Used;
    this.markTable(b);
    this.device.markBad(b);
  }

  protected ref(address: number, pages: number): void {
    const b = this.io.blockOf(address);
    if (this.use[b] === Use.Free) this.use[b] = Use.Used;
    this.live[b] += pages;
    this.markTable(b);
  }

  protected unref(address: number, pages: number): void {
    const b = this.io.blockOf(address);
    assert(this.live[b] >= pages, `live page count of block ${b} would go negative`);
    this.live[b] -= pages;
    this.markTable(b);
  }

  protected isZombie(b: number): boolean {
    const st = this.state[b];
    return (
      this.use[b] === Use.Used && this.live[b] === 0 && (st === BlockState.Good || st === BlockState.Retiring)
    );
  }

  protected markTable(b: number): void {
    this.tableDirty[Math.floor(b / this.entriesPerTablePage)] = 1;
  }

  protected recountFree(): void {
    let n = 0;
    for (let b = 0; b < this.blockCount; b++)
      if (this.use[b] === Use.Free && this.state[b] === BlockState.Good) n++;
    this.freeCount = n;
  }

  protected writable(): void {
    if (this.readOnly) throw new NexfsError('EROFS', 'the volume is mounted read-only');
  }

  protected nodeStore(): NodeStore {
    return {
      nodeBodyBytes: this.io.metaBodyBytes,
      load: (address) => {
        const status = { repaired: false };
        const body = this.io.readMeta(address, MetaMagic.Node, status);
        if (body === null)
          throw new NexfsError(
            'ECORRUPT',
            `B-tree node at flash page ${address} is unreadable in both copies`,
          );
        if (status.repaired) {
          // The mirror was good: the tree rewrites the node at the next checkpoint (repair).
          this.stats.repairedMetadata++;
          this.repairQueue.push(address);
        }
        return body;
      },
      write: (body, level) => {
        void level;
        const address = this.programMeta(body, body.length, PageKind.Node, 0);
        this.ref(address, 2);
        return address;
      },
      release: (address) => this.unref(address, 2),
    };
  }

  /** Block-use summary for fsck and the benches. */
  blockSummary(): { free: number; used: number; bad: number; system: number; journal: number } {
    const s = { free: 0, used: 0, bad: 0, system: 0, journal: 0 };
    for (let b = 0; b < this.blockCount; b++) {
      if (this.state[b] === BlockState.Bad) s.bad++;
      else if (this.state[b] === BlockState.System) s.system++;
      else if (this.use[b] === Use.Journal || this.use[b] === Use.Reserved) s.journal++;
      else if (this.use[b] === Use.Free) s.free++;
      else s.used++;
    }
    return s;
  }

  /** The table-page addresses of the committed checkpoint (fsck). */
  get tableAddresses(): readonly number[] {
    return this.tableIndex;
  }
}

export const EMPTY = new Uint8Array(0);
export const RETRY_LIMIT = 16;

export function pageKeyOf(ino: number, pageIndex: number): Uint8Array {
  const k = new Uint8Array(17);
  k[0] = KeyKind.Page;
  put64(k, 1, ino);
  put64(k, 9, pageIndex);
  return k;
}
