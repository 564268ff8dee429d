/**
 * The volume engine: allocation, wear levelling, bad blocks, the journal, checkpoints and the root
 * register, under a synchronous API that the promise-based {@link Nexfs} wraps. DESIGN.md explains
 * the design; SPEC.md gives the bytes.
 *
 * This file is past 700 lines on purpose: block accounting, the journal and the checkpoint share
 * one set of invariants (live page counts, block uses, the commit order) that reads best in one
 * place.
 */
import { assert } from './_assert.js';
import { put16, put32, put64, u16, u32, u64 } from './_bytes.js';
import { crc32c } from './_crc32.js';
import { BTree, type NodeStore } from './btree.js';
import type { FlashDevice } from './device/flash.js';
import { NexfsError } from './errors.js';
import { MetaMagic, PageIO, PageKind, type PageTag, ReadStatus } from './layout.js';
import {
  BlockState,
  BT,
  decodeJournalRecords,
  decodeRegister,
  decodeSuperblock,
  encodePageMap,
  encodeRegister,
  encodeSuperblock,
  JL,
  JournalOp,
  type JournalRecord,
  KeyKind,
  PAGEMAP,
  putJournalHeader,
  type RegisterRecord,
  type Superblock,
  TXN_END,
} from './records.js';

/** How a block is used right now (in memory only; the table stores live counts and states). */
const Use = { Free: 0, Used: 1, Head: 2, Journal: 3, Reserved: 4 } as const;

/** Tuning of a volume; every limit is a number with a unit. */
export interface VolumeOptions {
  /** Clean B-tree nodes kept in RAM (default 64). */
  cacheNodes?: number;
  /** Dirty B-tree nodes that trigger a checkpoint at the next commit (default 128). */
  maxDirtyNodes?: number;
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
  /** Cold blocks moved by static wear levelling. */
  staticMoves: number;
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
 * The synchronous volume engine.
 */
export class Volume {
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
    staticMoves: 0,
    retiredBlocks: 0,
    correctedErrors: 0,
    repairedMetadata: 0,
  };
  tree!: BTree;
  nextInode = 2;
  /** Called at every commit before the journal is written (the file layer flushes buffers). */
  beforeCommit: () => void = () => {};

  // Block accounting.
  readonly eraseCounts: Uint32Array;
  readonly live: Uint32Array;
  readonly tableLive: Uint32Array;
  readonly state: Uint8Array;
  readonly use: Uint8Array;
  private readonly tableDirty: Uint8Array;
  private tableIndex: number[] = [];
  private readonly entriesPerTablePage: number;
  private freeCount = 0;
  private dataHead: Head | null = null;
  private metaHead: Head | null = null;
  private readonly gcSkip = new Set<number>();
  private readonly retiring = new Set<number>();
  /** Node addresses whose primary copy failed: rewritten at the next commit. */
  private repairQueue: number[] = [];
  private allocationsSinceWearCheck = 0;

  // Register.
  private epoch = 0;
  private registerSlot = 0;
  private registerPair = 0;

  // Journal.
  private journalEpoch = 0;
  private journalStartBlock = 0;
  private journalStartSeq = 0;
  private journalBlock = -1;
  private journalPair = 0;
  private journalNext = -1;
  private journalSeq = 0;
  private journalBlocks: { block: number; pages: number }[] = [];
  private readonly jbuf: Uint8Array;
  private jlen: number = JL.headerBytes;
  private jcount = 0;
  private jlastRecord = -1;
  private txnOpen = false;
  private replaying = false;

  private readonly cacheNodes: number;
  private readonly maxDirtyNodes: number;
  private readonly wearLevelGap: number;

  private constructor(device: FlashDevice, io: PageIO, sb: Superblock, options: VolumeOptions) {
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
    const n = sb.blockCount;
    this.eraseCounts = new Uint32Array(n);
    this.live = new Uint32Array(n);
    this.tableLive = new Uint32Array(n);
    this.state = new Uint8Array(n);
    this.use = new Uint8Array(n);
    this.entriesPerTablePage = Math.floor((io.metaBodyBytes - BT.headerBytes) / BT.entryBytes);
    this.tableDirty = new Uint8Array(Math.ceil(n / this.entriesPerTablePage));
    this.jbuf = new Uint8Array(io.metaBodyBytes);
  }

  // ---------------------------------------------------------------------------------------------
  // format and mount

  /** Writes a fresh, empty volume. */
  static format(device: FlashDevice, options: VolumeOptions & { uuid?: Uint8Array } = {}): Volume {
    const io = new PageIO(device);
    const g = device.geometry;
    const n = g.blockCount;
    const good: number[] = [];
    for (let b = 0; b < n; b++) if (!device.isBad(b)) good.push(b);
    const replicas = options.superblockReplicas ?? Math.min(10, Math.floor(n / 64));
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 10)
      throw new RangeError('superblockReplicas: an integer from 0 to 10');
    const registerCount = options.registerBlocks ?? 4;
    if (!Number.isInteger(registerCount) || registerCount < 2 || registerCount > 8)
      throw new RangeError('registerBlocks: an integer from 2 to 8');
    const isGood = (b: number) => b < n && !device.isBad(b);
    const taken = new Set<number>();
    const takeFrom = (start: number): number => {
      for (let b = start; b < Math.min(n, start + SEARCH_WINDOW); b++) {
        if (isGood(b) && !taken.has(b)) {
          taken.add(b);
          return b;
        }
      }
      throw new NexfsError('EGEOMETRY', `no good block within ${SEARCH_WINDOW} blocks of block ${start}`);
    };
    const superblockBlocks = [takeFrom(0), 0];
    superblockBlocks[1] = takeFrom(superblockBlocks[0] + 1);
    for (let k = 1; k <= replicas; k++) superblockBlocks.push(takeFrom(replicaStart(n, k)));
    const registerBlocks: number[] = [];
    for (let i = 0; i < registerCount; i++) registerBlocks.push(takeFrom(superblockBlocks[1] + 1));
    const journalMaxBlocks = options.journalMaxBlocks ?? 4;
    const reserveBlocks = options.reserveBlocks ?? 4 + Math.floor(n / 100);
    if (good.length < taken.size + reserveBlocks + journalMaxBlocks + 8)
      throw new NexfsError('EGEOMETRY', `${good.length} good blocks are too few for a volume`);
    const nodeBody = io.metaBodyBytes;
    const nameMaxBytes = Math.min(255, Math.floor((nodeBody - 8) / 2) - 4 - 9 - 40);
    if (nameMaxBytes < 32) throw new NexfsError('EGEOMETRY', 'pages too small for 32-byte names');
    const uuid = options.uuid ?? randomUuid();
    const sb: Superblock = {
      formatVersion: 1,
      kind: g.kind,
      pageSizeBytes: g.pageSizeBytes,
      pagesPerBlock: g.pagesPerBlock,
      blockCount: n,
      spareBytesPerPage: g.spareBytesPerPage,
      payloadBytes: io.payloadBytes,
      uuid,
      nameMaxBytes,
      journalMaxBlocks,
      reserveBlocks,
      eraseBudget: g.eraseBudget,
      superblockBlocks,
      registerBlocks,
    };
    const v = new Volume(device, io, sb, options);
    const registerRecordBytes = 96 + 8 * v.tableDirty.length;
    if (registerRecordBytes > io.metaBodyBytes)
      throw new NexfsError(
        'EGEOMETRY',
        `block table needs ${v.tableDirty.length} pages, the register holds fewer`,
      );
    for (let b = 0; b < n; b++) {
      if (device.isBad(b)) v.state[b] = BlockState.Bad;
      else if (taken.has(b)) v.state[b] = BlockState.System;
    }
    const body = encodeSuperblock(sb);
    for (const b of superblockBlocks) {
      v.eraseBlock(b);
      if (!io.writeMeta(b * v.ppb, MetaMagic.Superblock, body, body.length, PageKind.Superblock, 0))
        throw new NexfsError('EIO', `program failed writing the superblock to block ${b}`);
    }
    for (const b of registerBlocks) v.eraseBlock(b);
    v.recountFree();
    v.tree = new BTree(v.nodeStore(), 0, 0, v.cacheNodes);
    v.epoch = 0;
    v.registerSlot = registerBlocks.length - 1;
    v.registerPair = v.ppb / 2;
    v.journalEpoch = 0;
    v.journalSeq = 1;
    v.tableDirty.fill(1);
    v.journalStartBlock = v.reserveBlock();
    v.checkpoint();
    return v;
  }

  /** Mounts an existing volume: superblock, register, block table, journal replay. */
  static mount(device: FlashDevice, options: VolumeOptions = {}): Volume {
    const io = new PageIO(device);
    const sb = findSuperblock(io);
    const g = device.geometry;
    if (
      sb.kind !== g.kind ||
      sb.pageSizeBytes !== g.pageSizeBytes ||
      sb.pagesPerBlock !== g.pagesPerBlock ||
      sb.blockCount !== g.blockCount ||
      sb.payloadBytes !== io.payloadBytes
    )
      throw new NexfsError('EGEOMETRY', 'the superblock describes a different flash geometry');
    for (const b of [...sb.superblockBlocks, ...sb.registerBlocks])
      if (b >= g.blockCount) throw new NexfsError('ECORRUPT', 'superblock lists a block outside the device');
    const v = new Volume(device, io, sb, options);
    const reg = v.readRegister();
    if (reg.tableIndex.length !== v.tableDirty.length)
      throw new NexfsError('ECORRUPT', 'register lists the wrong number of block-table pages');
    v.loadTable(reg.tableIndex);
    for (const b of sb.superblockBlocks) v.state[b] = BlockState.System;
    for (const b of sb.registerBlocks) v.state[b] = BlockState.System;
    v.epoch = reg.epoch;
    v.nextInode = reg.nextInode;
    v.tree = new BTree(v.nodeStore(), reg.treeRoot, reg.treeHeight, v.cacheNodes);
    v.journalEpoch = reg.journalEpoch;
    v.journalStartBlock = reg.journalBlock;
    v.journalStartSeq = reg.journalSeq;
    v.journalSeq = reg.journalSeq;
    if (reg.journalBlock >= g.blockCount)
      throw new NexfsError('ECORRUPT', 'journal start outside the device');
    v.use[reg.journalBlock] = Use.Reserved;
    v.recountFree();
    v.replayJournal();
    // A read-write mount always starts a fresh journal: the old one may end in a torn page.
    if (!v.readOnly) v.checkpoint();
    return v;
  }

  // ---------------------------------------------------------------------------------------------
  // tree operations that go through the journal

  /** Inserts or replaces a key, journaled. */
  put(key: Uint8Array, val: Uint8Array): void {
    this.writable();
    this.journalRecord(JournalOp.Put, key, val);
    this.applyPut(key, val);
  }

  /** Deletes a key, journaled. */
  del(key: Uint8Array): void {
    this.writable();
    this.journalRecord(JournalOp.Delete, key, EMPTY);
    this.applyDelete(key);
  }

  /** Deletes a key range, journaled. */
  delRange(lo: Uint8Array, hi: Uint8Array): void {
    this.writable();
    this.journalRecord(JournalOp.DeleteRange, lo, hi);
    this.applyDeleteRange(lo, hi);
  }

  /** Looks a key up. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.tree.get(key);
  }

  private applyPut(key: Uint8Array, val: Uint8Array): void {
    const old = this.tree.put(key, val);
    if (key[0] === KeyKind.Page) {
      if (old) this.unref(u64(old, PAGEMAP.address), 1);
      this.ref(u64(val, PAGEMAP.address), 1);
    } else if (key[0] === KeyKind.Inode) {
      const ino = u64(key, 1);
      if (ino >= this.nextInode) this.nextInode = ino + 1;
    }
  }

  private applyDelete(key: Uint8Array): void {
    const old = this.tree.delete(key);
    if (old && key[0] === KeyKind.Page) this.unref(u64(old, PAGEMAP.address), 1);
  }

  private applyDeleteRange(lo: Uint8Array, hi: Uint8Array): void {
    this.tree.deleteRange(lo, hi, (k, v) => {
      if (k[0] === KeyKind.Page) this.unref(u64(v, PAGEMAP.address), 1);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // data pages

  /** Writes one data page for (inode, pageIndex) and maps it, journaled. */
  writeDataPage(ino: number, pageIndex: number, data: Uint8Array, lengthBytes: number): void {
    this.writable();
    assert(lengthBytes > 0 && lengthBytes <= this.io.payloadBytes, 'data page length out of range');
    const payload = data.subarray(0, lengthBytes);
    const crc = crc32c(payload);
    const address = this.programData(payload, ino, pageIndex);
    this.put(pageKeyOf(ino, pageIndex), encodePageMap(address, lengthBytes, crc));
  }

  /**
   * Reads the data page mapped at (inode, pageIndex) into `out`; returns its length, or -1 for a
   * hole. Throws EIO naming `path` when the page cannot be read back intact.
   */
  readDataPage(ino: number, pageIndex: number, out: Uint8Array, path: string): number {
    const v = this.tree.get(pageKeyOf(ino, pageIndex));
    if (v === undefined) return -1;
    const address = u64(v, PAGEMAP.address);
    const len = u32(v, PAGEMAP.lengthBytes);
    const status = this.io.read(address, out);
    if (status === ReadStatus.Corrected) this.stats.correctedErrors++;
    if (
      status === ReadStatus.Uncorrectable ||
      status === ReadStatus.Erased ||
      crc32c(out, 0, len) !== u32(v, PAGEMAP.crc)
    )
      throw new NexfsError('EIO', `page ${pageIndex} (flash page ${address}) is unreadable`, path);
    return len;
  }

  private programData(payload: Uint8Array, ino: number, pageIndex: number): number {
    for (let attempt = 0; attempt < RETRY_LIMIT; attempt++) {
      const head = this.headWithRoom('data', 1);
      const address = head.block * this.ppb + head.nextPage;
      head.nextPage++;
      if (this.io.write(address, payload, PageKind.Data, 0, ino, pageIndex)) return address;
      this.retire(head.block);
    }
    throw new NexfsError('EIO', 'data page program failed on every retry');
  }

  // ---------------------------------------------------------------------------------------------
  // commit, journal, checkpoint

  /** Makes every change so far durable (a flush point). */
  commit(): void {
    if (this.readOnly) return;
    this.beforeCommit();
    if (this.txnOpen || this.jcount > 0) {
      if (this.jcount === 0) this.appendRecord(JournalOp.Nop, EMPTY, EMPTY);
      this.jbuf[this.jlastRecord + 1] |= TXN_END;
      this.device.sync(); // data pages before the journal page that maps them
      this.writeJournalPage();
      this.device.sync();
      this.txnOpen = false;
    }
    if (this.repairQueue.length > 0) this.repairNodes();
    if (this.retiring.size > 0) {
      // Runtime bad blocks: move their live data out, then commit so they can be marked bad.
      for (const b of [...this.retiring]) {
        this.retiring.delete(b);
        if (this.use[b] === Use.Used && this.live[b] > 0) this.relocateBlock(b);
      }
      this.checkpoint();
    } else if (
      this.tree.dirtyNodes > this.maxDirtyNodes ||
      this.journalBlocks.length >= this.sb.journalMaxBlocks
    ) {
      this.checkpoint();
    }
    this.maybeStaticWearLevel();
  }

  private journalRecord(op: number, key: Uint8Array, val: Uint8Array): void {
    if (this.replaying) return;
    this.txnOpen = true;
    this.appendRecord(op, key, val);
  }

  private appendRecord(op: number, key: Uint8Array, val: Uint8Array): void {
    const need = JL.recordHeaderBytes + key.length + val.length;
    assert(JL.headerBytes + need <= this.jbuf.length, 'journal record larger than a page');
    if (this.jlen + need > this.jbuf.length) this.writeJournalPage();
    const b = this.jbuf;
    const at = this.jlen;
    b[at] = op;
    b[at + 1] = 0;
    put16(b, at + 2, key.length);
    put16(b, at + 4, val.length);
    b.set(key, at + 6);
    b.set(val, at + 6 + key.length);
    this.jlastRecord = at;
    this.jlen += need;
    this.jcount++;
  }

  private writeJournalPage(): void {
    for (let attempt = 0; attempt < RETRY_LIMIT; attempt++) {
      if (this.journalBlock < 0) {
        this.journalBlock = this.journalStartBlock;
        this.openJournalBlock();
      } else if (this.journalPair * 2 >= this.ppb) {
        this.journalBlock = this.journalNext;
        this.openJournalBlock();
      }
      putJournalHeader(this.jbuf, this.journalEpoch, this.journalSeq, this.journalNext, this.jcount);
      const address = this.journalBlock * this.ppb + this.journalPair * 2;
      this.journalPair++;
      if (this.io.writeMeta(address, MetaMagic.Journal, this.jbuf, this.jlen, PageKind.Journal, 0)) {
        this.ref(address, 2);
        this.journalBlocks[this.journalBlocks.length - 1].pages += 2;
        this.journalSeq++;
        this.stats.journalPages++;
        this.jlen = JL.headerBytes;
        this.jcount = 0;
        this.jlastRecord = -1;
        return;
      }
      // The walk continues in the next block when a page is bad: retire this one, move on.
      this.state[this.journalBlock] = BlockState.Retiring;
      this.markTable(this.journalBlock);
      this.journalPair = this.ppb / 2;
    }
    throw new NexfsError('EIO', 'journal program failed on every retry');
  }

  private openJournalBlock(): void {
    // Reserved blocks were erased when reserved, before any record could name them.
    const b = this.journalBlock;
    this.use[b] = Use.Journal;
    this.journalBlocks.push({ block: b, pages: 0 });
    this.journalPair = 0;
    this.journalNext = this.reserveBlock();
  }

  private replayJournal(): void {
    let block = this.journalStartBlock;
    let pair = 0;
    let seq = this.journalStartSeq;
    let pending: JournalRecord[] = [];
    const pages: { block: number; pair: number }[] = [];
    let next = -1;
    let lastGood: { block: number; pair: number } | null = null;
    for (let guard = 0; guard < this.sb.journalMaxBlocks * 4 * this.ppb; guard++) {
      let body =
        pair * 2 < this.ppb ? this.io.readMeta(block * this.ppb + pair * 2, MetaMagic.Journal) : null;
      if (body !== null && !this.journalPageMatches(body, seq)) body = null;
      if (body === null) {
        // Continue in the next block when this one is full or was abandoned after a failure.
        if (next < 0 || next >= this.blockCount || block === next) break;
        const first = this.io.readMeta(next * this.ppb, MetaMagic.Journal);
        if (first === null || !this.journalPageMatches(first, seq)) break;
        block = next;
        pair = 0;
        body = first;
      }
      const records = decodeJournalRecords(body);
      if (records === null) break;
      next = u64(body, JL.nextBlock);
      pages.push({ block, pair });
      lastGood = { block, pair };
      seq++;
      pair++;
      for (const r of records) {
        pending.push(r);
        if (r.flags & TXN_END) {
          this.replaying = true;
          try {
            for (const p of pending) this.applyRecord(p);
          } finally {
            this.replaying = false;
          }
          pending = [];
        }
      }
    }
    for (const p of pages) {
      if (this.use[p.block] !== Use.Journal) {
        this.use[p.block] = Use.Journal;
        this.journalBlocks.push({ block: p.block, pages: 0 });
      }
      this.ref(p.block * this.ppb + p.pair * 2, 2);
      this.journalBlocks[this.journalBlocks.length - 1].pages += 2;
    }
    if (next >= 0 && next < this.blockCount && this.use[next] === Use.Free) {
      this.use[next] = Use.Reserved;
      this.journalNext = next;
    }
    this.journalSeq = seq;
    void lastGood;
    this.recountFree();
  }

  private journalPageMatches(body: Uint8Array, seq: number): boolean {
    return (
      body.length >= JL.headerBytes && u64(body, JL.epoch) === this.journalEpoch && u64(body, JL.seq) === seq
    );
  }

  private applyRecord(r: JournalRecord): void {
    if (r.op === JournalOp.Put) this.applyPut(r.key, r.val);
    else if (r.op === JournalOp.Delete) this.applyDelete(r.key);
    else if (r.op === JournalOp.DeleteRange) this.applyDeleteRange(r.key, r.val);
  }

  /** Writes every dirty node and block-table page and commits a new root register record. */
  checkpoint(): void {
    this.writable();
    assert(!this.txnOpen, 'checkpoint inside an open transaction');
    this.tree.flush();
    // The old journal dies with this checkpoint; a fresh reserved block starts the next one.
    for (const j of this.journalBlocks) {
      this.unref(j.block * this.ppb, j.pages);
      this.use[j.block] = Use.Used;
    }
    const oldStart = this.journalStartBlock;
    const oldNext = this.journalNext;
    const newStart = this.reserveBlock();
    // Block-table pages: room first, so that opening a head block cannot dirty a written page.
    for (let round = 0; round < 8; round++) {
      const dirty = this.tableDirty.reduce((s, d) => s + d, 0);
      if (dirty === 0) break;
      this.headWithRoom('meta', 2 * Math.min(dirty, this.ppb / 2));
      for (let p = 0; p < this.tableDirty.length; p++) if (this.tableDirty[p]) this.writeTablePage(p);
    }
    this.device.sync();
    this.epoch++;
    const record: RegisterRecord = {
      epoch: this.epoch,
      treeRoot: this.tree.rootAddress,
      treeHeight: this.tree.height,
      journalEpoch: this.epoch,
      journalBlock: newStart,
      journalSeq: this.journalSeq,
      nextInode: this.nextInode,
      snapshotRoot: 0,
      chunkIndexRoot: 0,
      tableIndex: this.tableIndex,
    };
    this.writeRegister(encodeRegister(record));
    this.device.sync();
    this.stats.checkpoints++;
    // Committed: blocks no longer referenced become free; journal state restarts.
    if (this.use[oldStart] === Use.Reserved) this.use[oldStart] = Use.Free;
    if (oldNext >= 0 && this.use[oldNext] === Use.Reserved) this.use[oldNext] = Use.Free;
    this.journalBlocks = [];
    this.journalBlock = -1;
    this.journalNext = -1;
    this.journalEpoch = this.epoch;
    this.journalStartBlock = newStart;
    this.journalStartSeq = this.journalSeq;
    for (let b = 0; b < this.blockCount; b++) {
      if (this.isZombie(b)) {
        if (this.state[b] === BlockState.Retiring) this.retireNow(b);
        else this.use[b] = Use.Free;
      }
    }
    this.gcSkip.clear();
    this.recountFree();
  }

  private writeTablePage(p: number): void {
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
    if (old !== undefined && old > 0) {
      const ob = this.io.blockOf(old);
      this.tableLive[ob] -= 2;
      this.unref(old, 2);
    }
    this.tableIndex[p] = address;
    this.tableLive[this.io.blockOf(address)] += 2;
    this.ref(address, 2);
  }

  private loadTable(index: number[]): void {
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

  private writeRegister(body: Uint8Array): void {
    const regs = this.sb.registerBlocks;
    for (let attempt = 0; attempt < regs.length * 2; attempt++) {
      if (this.registerPair * 2 >= this.ppb) {
        this.registerSlot = (this.registerSlot + 1) % regs.length;
        this.registerPair = 0;
        if (!this.eraseBlock(regs[this.registerSlot])) {
          this.registerPair = this.ppb / 2;
          continue;
        }
      }
      const address = regs[this.registerSlot] * this.ppb + this.registerPair * 2;
      this.registerPair++;
      if (this.io.writeMeta(address, MetaMagic.Register, body, body.length, PageKind.Register, 0)) return;
      this.registerPair = this.ppb / 2;
    }
    throw new NexfsError('EIO', 'every root register block failed');
  }

  private readRegister(): RegisterRecord {
    const regs = this.sb.registerBlocks;
    let best: { slot: number; epoch: number } | null = null;
    for (let slot = 0; slot < regs.length; slot++) {
      const body = this.io.readMeta(regs[slot] * this.ppb, MetaMagic.Register);
      const r = body && decodeRegister(body);
      if (r && (best === null || r.epoch > best.epoch)) best = { slot, epoch: r.epoch };
    }
    if (best === null) throw new NexfsError('ECORRUPT', 'no valid root register record');
    // Records fill a register block in order, each followed by a barrier: the valid pairs are a
    // prefix, so the newest is found by binary search (log2(pages per block) reads).
    const block = regs[best.slot];
    let lo = 0;
    let hi = this.ppb / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.io.readMeta(block * this.ppb + mid * 2, MetaMagic.Register) !== null) lo = mid;
      else hi = mid - 1;
    }
    let found: RegisterRecord | null = null;
    for (let pair = lo; pair >= 0 && found === null; pair--) {
      const body = this.io.readMeta(block * this.ppb + pair * 2, MetaMagic.Register);
      found = body && decodeRegister(body);
      if (found) lo = pair;
    }
    if (found === null) throw new NexfsError('ECORRUPT', 'root register block holds no valid record');
    this.registerSlot = best.slot;
    // Never program over a torn pair: continue after it only if the next pair is still erased.
    const scratch = new Uint8Array(this.io.payloadBytes);
    const nextPair = lo + 1;
    const erased =
      nextPair * 2 < this.ppb &&
      this.io.read(block * this.ppb + nextPair * 2, scratch) === ReadStatus.Erased &&
      this.io.read(block * this.ppb + nextPair * 2 + 1, scratch) === ReadStatus.Erased;
    this.registerPair = erased ? nextPair : this.ppb / 2;
    return found;
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
    // both in mirrored metadata pages: about 2 x 2 x 40 bytes per data page.
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

  private relocateBlock(victim: number): void {
    this.gcSkip.add(victim);
    this.stats.gcBlocks++;
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
        const moved = this.programData(buf.subarray(0, len), tag.a, tag.b);
        this.applyPut(key, encodePageMap(moved, len, u32(v, PAGEMAP.crc)));
        this.stats.gcPagesMoved++;
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

  private repairNodes(): void {
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

  private maybeStaticWearLevel(): void {
    if (this.allocationsSinceWearCheck < 4) return;
    this.allocationsSinceWearCheck = 0;
    let maxEc = 0;
    let coldest = -1;
    for (let b = 0; b < this.blockCount; b++) {
      if (this.state[b] !== BlockState.Good) continue;
      if (this.eraseCounts[b] > maxEc) maxEc = this.eraseCounts[b];
      if (this.use[b] === Use.Used && (coldest < 0 || this.eraseCounts[b] < this.eraseCounts[coldest]))
        coldest = b;
    }
    if (coldest < 0 || maxEc - this.eraseCounts[coldest] <= this.wearLevelGap) return;
    if (this.freeCount < this.sb.reserveBlocks + 2) return;
    // Static wear levelling: move cold data off a young block so it joins the free pool.
    this.stats.staticMoves++;
    this.relocateBlock(coldest);
    this.checkpoint();
  }

  private headWithRoom(which: 'data' | 'meta', pages: number): Head {
    let head = which === 'data' ? this.dataHead : this.metaHead;
    if (head === null || head.nextPage + pages > this.ppb) {
      if (head !== null) this.use[head.block] = Use.Used;
      head = { block: this.allocateBlock(), nextPage: 0 };
      this.use[head.block] = Use.Head;
      if (which === 'data') this.dataHead = head;
      else this.metaHead = head;
    }
    return head;
  }

  private programMeta(body: Uint8Array, bytes: number, kind: number, a: number): number {
    for (let attempt = 0; attempt < RETRY_LIMIT; attempt++) {
      const head = this.headWithRoom('meta', 2);
      const address = head.block * this.ppb + head.nextPage;
      head.nextPage += 2;
      const magic = kind === PageKind.Node ? MetaMagic.Node : MetaMagic.BlockTable;
      if (this.io.writeMeta(address, magic, body, bytes, kind, a)) return address;
      this.retire(head.block);
    }
    throw new NexfsError('EIO', 'metadata program failed on every retry');
  }

  /** Takes the least-worn free block, erases it (retiring blocks that fail) and returns it. */
  private allocateBlock(): number {
    for (let attempt = 0; attempt < this.blockCount; attempt++) {
      let best = -1;
      for (let b = 0; b < this.blockCount; b++) {
        if (this.use[b] !== Use.Free || this.state[b] !== BlockState.Good) continue;
        if (best < 0 || this.eraseCounts[b] < this.eraseCounts[best]) best = b;
      }
      if (best < 0) throw new NexfsError('ENOSPC', 'no free erase block left');
      if (this.eraseBlock(best)) {
        this.use[best] = Use.Used;
        this.freeCount--;
        this.allocationsSinceWearCheck++;
        return best;
      }
      this.retireNow(best);
    }
    throw new NexfsError('ENOSPC', 'no erasable block left');
  }

  /** Sets aside an erased free block for the journal. */
  private reserveBlock(): number {
    const b = this.allocateBlock();
    this.use[b] = Use.Reserved;
    return b;
  }

  private eraseBlock(b: number): boolean {
    const ok = this.device.erase(b);
    if (ok) {
      this.eraseCounts[b]++;
      this.markTable(b);
    }
    return ok;
  }

  /** A program failed in block b: stop writing there; its live data moves out at the next commit. */
  private retire(b: number): void {
    this.stats.retiredBlocks++;
    this.state[b] = BlockState.Retiring;
    this.markTable(b);
    if (this.dataHead?.block === b) this.dataHead = null;
    if (this.metaHead?.block === b) this.metaHead = null;
    this.use[b] = Use.Used;
    this.retiring.add(b);
  }

  private retireNow(b: number): void {
    this.state[b] = BlockState.Bad;
    this.use[b] = Use.Used;
    this.markTable(b);
    this.device.markBad(b);
  }

  private ref(address: number, pages: number): void {
    const b = this.io.blockOf(address);
    if (this.use[b] === Use.Free) this.use[b] = Use.Used;
    this.live[b] += pages;
    this.markTable(b);
  }

  private unref(address: number, pages: number): void {
    const b = this.io.blockOf(address);
    assert(this.live[b] >= pages, `live page count of block ${b} would go negative`);
    this.live[b] -= pages;
    this.markTable(b);
  }

  private isZombie(b: number): boolean {
    const st = this.state[b];
    return (
      this.use[b] === Use.Used && this.live[b] === 0 && (st === BlockState.Good || st === BlockState.Retiring)
    );
  }

  private markTable(b: number): void {
    this.tableDirty[Math.floor(b / this.entriesPerTablePage)] = 1;
  }

  private recountFree(): void {
    let n = 0;
    for (let b = 0; b < this.blockCount; b++)
      if (this.use[b] === Use.Free && this.state[b] === BlockState.Good) n++;
    this.freeCount = n;
  }

  private writable(): void {
    if (this.readOnly) throw new NexfsError('EROFS', 'the volume is mounted read-only');
  }

  private nodeStore(): NodeStore {
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

  /** Journal pages held by the current journal, per block (fsck). */
  get journalHoldings(): readonly { block: number; pages: number }[] {
    return this.journalBlocks;
  }
}

const EMPTY = new Uint8Array(0);
const RETRY_LIMIT = 16;
/** How far past its nominal position a superblock copy may sit (skipping bad blocks). */
export const SEARCH_WINDOW = 8;

function pageKeyOf(ino: number, pageIndex: number): Uint8Array {
  const k = new Uint8Array(17);
  k[0] = KeyKind.Page;
  put64(k, 1, ino);
  put64(k, 9, pageIndex);
  return k;
}

/** Nominal block of superblock replica k (1-10): spread evenly over the device. */
export function replicaStart(blockCount: number, k: number): number {
  return Math.floor((blockCount * k) / 11);
}

function findSuperblock(io: PageIO): Superblock {
  const n = io.geometry.blockCount;
  const ppb = io.geometry.pagesPerBlock;
  const candidates: number[] = [];
  for (let b = 0; b < Math.min(n, SEARCH_WINDOW * 2); b++) candidates.push(b);
  for (let k = 1; k <= 10; k++)
    for (let b = replicaStart(n, k); b < Math.min(n, replicaStart(n, k) + SEARCH_WINDOW); b++)
      candidates.push(b);
  let sawForeign = false;
  for (const b of candidates) {
    let body: Uint8Array | null;
    try {
      body = io.readMeta(b * ppb, MetaMagic.Superblock);
    } catch {
      body = null;
    }
    if (body === null) continue;
    const sb = decodeSuperblock(body);
    if (sb === null) {
      sawForeign = true;
      continue;
    }
    if (sb.formatVersion !== 1)
      throw new NexfsError('ENOTNEXFS', `format version ${sb.formatVersion} is not supported`);
    return sb;
  }
  throw new NexfsError(sawForeign ? 'ECORRUPT' : 'ENOTNEXFS', 'no valid nexfs superblock found');
}

function randomUuid(): Uint8Array {
  const u = new Uint8Array(16);
  globalThis.crypto.getRandomValues(u);
  return u;
}
