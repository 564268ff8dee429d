/**
 * The volume engine: the journal, checkpoints and the root register over the block space of
 * {@link BlockSpace}, under a synchronous API that the promise-based {@link Nexfs} wraps.
 * DESIGN.md explains the design; SPEC.md gives the bytes.
 */
import { assert } from './_assert.js';
import { put16, u16, u32, u64 } from './_bytes.js';
import { crc32c } from './_crc32.js';
import { BTree } from './btree.js';
import type { FlashDevice } from './device/flash.js';
import { NexfsError } from './errors.js';
import { MetaMagic, PageIO, PageKind, type PageTag, ReadStatus } from './layout.js';
import {
  BlockState,
  decodeFrameRun,
  decodeJournalRecords,
  encodeFrameRun,
  encodePageMap,
  encodeRegister,
  FRAMERUN,
  frameRunKey,
  IncompatBits,
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
import {
  MAX_REPLICAS,
  randomUuid,
  replicaStart,
  SEARCH_WINDOW,
  SuperblockCopies,
  scanSuperblocks,
  staleGeneration,
} from './superblock.js';
import { EMPTY, pageKeyOf, RETRY_LIMIT, Use, type VolumeOptions } from './volume-blocks.js';
import { SystemSpace } from './volume-system.js';

export { replicaStart, SEARCH_WINDOW } from './superblock.js';
export type { VolumeOptions, VolumeStats } from './volume-blocks.js';

/**
 * The synchronous volume engine.
 */
export class Volume extends SystemSpace {
  nextInode = 2;
  /** Called at every commit before the journal is written (the file layer flushes buffers). */
  beforeCommit: () => void = () => {};

  // Register.
  private epoch = 0;

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
  private readonly runScratch: { firstPage: number; address: number; pages: number }[] = [];
  private readonly framePage: Uint8Array;
  private readonly frameTag: PageTag = { kind: 0, level: 0, a: 0, b: 0, valid: false };
  private jlen: number = JL.headerBytes;
  private jcount = 0;
  private jlastRecord = -1;
  private txnOpen = false;
  private replaying = false;
  /** Inside {@link rebuild}: changes go to the tree only, never to the journal. */
  private shadowing = false;
  /** Rebuilds ({@link rebuild}) committed by this mount. */
  rebuilds = 0;
  /** Dirty nodes a {@link rebuild} holds before writing them to fresh pages. */
  readonly rebuildDirtyNodes: number;
  /**
   * Told of every change made through {@link put}, {@link del} and {@link delRange} (the value for
   * a put, the range end for a range delete); the snapshot layer invalidates its Merkle cache here.
   */
  keyChanged:
    | ((key: Uint8Array, value: Uint8Array | undefined, rangeEnd: Uint8Array | undefined) => void)
    | null = null;

  private constructor(device: FlashDevice, io: PageIO, sb: Superblock, options: VolumeOptions) {
    super(device, io, sb, options);
    const rebuild = options.rebuildDirtyNodes ?? 512;
    if (!Number.isInteger(rebuild) || rebuild < 4) throw new RangeError('rebuildDirtyNodes: an integer >= 4');
    this.rebuildDirtyNodes = rebuild;
    this.jbuf = new Uint8Array(io.metaBodyBytes);
    this.framePage = new Uint8Array(io.payloadBytes);
    this.copies = new SuperblockCopies(
      io,
      (b) => this.eraseBlock(b),
      () => device.sync(),
    );
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
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS)
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
      // Above any superblock an earlier format left in the windows, so none of those can win.
      generation: staleGeneration(io) + 1,
      incompatFlags: 0,
      compatFlags: 0,
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
    for (const b of superblockBlocks)
      if (!v.copies.writeCopy(b, sb))
        throw new NexfsError('EIO', `program failed writing the superblock to block ${b}`);
    for (const b of registerBlocks) v.eraseBlock(b);
    v.recountFree();
    v.tree = new BTree(v.nodeStore(), 0, 0, v.cacheNodes);
    v.epoch = 0;
    v.register.startFresh();
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
    const scan = scanSuperblocks(io);
    const sb = scan.sb;
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
    for (const [b, st] of scan.copies) v.copies.state.set(b, st);
    const reg = v.register.read();
    if (reg.tableIndex.length !== v.tableDirty.length)
      throw new NexfsError('ECORRUPT', 'register lists the wrong number of block-table pages');
    v.loadTable(reg.tableIndex);
    v.reconcileSystemBlocks();
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
    // A read-write mount finishes an interrupted superblock rewrite and always starts a fresh
    // journal: the old one may end in a torn page.
    if (!v.readOnly) {
      v.completeSuperblock();
      v.checkpoint();
    }
    return v;
  }

  // ---------------------------------------------------------------------------------------------
  // tree operations that go through the journal

  /** Inserts or replaces a key, journaled. */
  put(key: Uint8Array, val: Uint8Array): void {
    this.writable();
    this.journalRecord(JournalOp.Put, key, val);
    this.applyPut(key, val);
    this.keyChanged?.(key, val, undefined);
    this.shadowFlush();
  }

  /** Deletes a key, journaled. */
  del(key: Uint8Array): void {
    this.writable();
    this.journalRecord(JournalOp.Delete, key, EMPTY);
    this.applyDelete(key);
    this.keyChanged?.(key, undefined, undefined);
    this.shadowFlush();
  }

  /** Deletes a key range, journaled. */
  delRange(lo: Uint8Array, hi: Uint8Array): void {
    this.writable();
    this.journalRecord(JournalOp.DeleteRange, lo, hi);
    this.applyDeleteRange(lo, hi);
    this.keyChanged?.(lo, undefined, hi);
    this.shadowFlush();
  }

  /**
   * Replaces the committed state in one atomic step: commits and checkpoints (so the newest
   * register record alone is the old state, with an empty journal), runs `build` with journaling
   * off (its tree changes go to dirty nodes, flushed to fresh pages when more than
   * `rebuildDirtyNodes` are held; nothing the committed record reaches is overwritten or erased),
   * then checkpoints: the one register-record append of that checkpoint is the commit point.
   * A power cut before it mounts the old state, after it the new one; no journal is replayed in
   * either case. `build` must not commit, and must have reserved the space it needs (nothing may
   * collect garbage inside). If `build` or the final checkpoint throws before the append, the
   * flash still holds the old state and this mount turns read-only on it (a remount continues
   * from there).
   */
  rebuild(build: () => void): void {
    this.writable();
    assert(!this.shadowing, 'rebuild inside a rebuild');
    this.commit();
    this.checkpoint();
    const before = { root: this.tree.rootAddress, height: this.tree.height, nextInode: this.nextInode };
    const committed = this.stats.checkpoints;
    this.shadowing = true;
    try {
      build();
      this.shadowing = false;
      this.checkpoint();
    } catch (e) {
      this.shadowing = false;
      if (this.stats.checkpoints === committed) {
        // The register append did not happen: the flash holds the old state; so does this mount.
        this.tree = new BTree(this.nodeStore(), before.root, before.height, this.cacheNodes);
        this.nextInode = before.nextInode;
        (this as { readOnly: boolean }).readOnly = true;
      }
      throw e;
    }
    this.rebuilds++;
  }

  /** During {@link rebuild}: bounds the dirty nodes by writing them to fresh pages (no commit). */
  private shadowFlush(): void {
    if (this.shadowing && this.tree.dirtyNodes > this.rebuildDirtyNodes) this.tree.flush();
  }

  /** Looks a key up. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.tree.get(key);
  }

  protected applyPut(key: Uint8Array, val: Uint8Array): void {
    const old = this.tree.put(key, val);
    if (key[0] === KeyKind.Page) {
      if (old) this.unref(u64(old, PAGEMAP.address), 1);
      this.ref(u64(val, PAGEMAP.address), 1);
    } else if (key[0] === KeyKind.FrameRun) {
      if (old) this.unref(u64(old, FRAMERUN.address), u16(old, FRAMERUN.pages));
      this.ref(u64(val, FRAMERUN.address), u16(val, FRAMERUN.pages));
    } else if (key[0] === KeyKind.Inode) {
      const ino = u64(key, 1);
      if (ino >= this.nextInode) this.nextInode = ino + 1;
    }
  }

  private applyDelete(key: Uint8Array): void {
    const old = this.tree.delete(key);
    if (old) this.unrefValue(key, old);
  }

  private applyDeleteRange(lo: Uint8Array, hi: Uint8Array): void {
    this.tree.deleteRange(lo, hi, (k, v) => this.unrefValue(k, v));
  }

  /** Drops the flash pages a removed page-map entry or frame run held. */
  private unrefValue(key: Uint8Array, v: Uint8Array): void {
    if (key[0] === KeyKind.Page) this.unref(u64(v, PAGEMAP.address), 1);
    else if (key[0] === KeyKind.FrameRun) this.unref(u64(v, FRAMERUN.address), u16(v, FRAMERUN.pages));
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

  /**
   * Writes the `pages` pages of chunk frame `chunkNo` (page `i` is `pageAt(i)`, at most a page of
   * payload) as runs of contiguous pages and maps each run with one journaled key. No per-page
   * checksum is kept: the frame is verified as a whole by its name (and, compressed, its XXH3-64).
   * Against a page-map entry with a CRC-32C per page, a 32 MiB chunked write on SPI NAND programs
   * 16,705 pages instead of 18,683, writes 36 journal page pairs instead of 352, leaves 1,503 B-tree
   * keys instead of 17,445, and runs at 0.48-0.50 of raw BLAKE3 instead of 0.26-0.29 (same runs,
   * load 6-7; the CRC alone was 0.43 of a BLAKE3 pass).
   */
  writeFrameRuns(chunkNo: number, pages: number, pageAt: (i: number) => Uint8Array): void {
    this.writable();
    assert((this.sb.incompatFlags & IncompatBits.frameRuns) !== 0, 'frame runs need their feature bit');
    const runs = this.runScratch;
    runs.length = 0;
    this.programRuns(chunkNo, 0, pages, pageAt, false, runs);
    for (const r of runs) this.put(frameRunKey(chunkNo, r.firstPage), encodeFrameRun(r.address, r.pages));
  }

  /**
   * Reads the frame of chunk `chunkNo` (`frameBytes` long) from its runs. Throws ECORRUPT when
   * the runs do not cover the frame page by page, EIO naming `path` when a page is unreadable or
   * its tag names another owner (the caller still verifies the frame's name).
   */
  readFrameRuns(chunkNo: number, frameBytes: number, path: string): Uint8Array {
    const P = this.io.payloadBytes;
    const total = Math.ceil(frameBytes / P);
    const frame = new Uint8Array(frameBytes);
    const tag = this.frameTag;
    let next = 0;
    let bad: NexfsError | undefined;
    this.tree.scan(frameRunKey(chunkNo, 0), frameRunKey(chunkNo + 1, 0), (k, v) => {
      const run = decodeFrameRun(k, v, this.ppb);
      if (
        run === null ||
        run.firstPage !== next ||
        next + run.pages > total ||
        run.address + run.pages > this.blockCount * this.ppb
      ) {
        bad = new NexfsError('ECORRUPT', `frame run ${next} of chunk ${chunkNo} is malformed`, path);
        return false;
      }
      for (let j = 0; j < run.pages; j++, next++) {
        const at = next * P;
        const whole = at + P <= frameBytes;
        const out = whole ? frame.subarray(at, at + P) : this.framePage;
        const status = this.io.read(run.address + j, out, tag);
        if (status === ReadStatus.Corrected) this.stats.correctedErrors++;
        if (
          status === ReadStatus.Uncorrectable ||
          status === ReadStatus.Erased ||
          !tag.valid ||
          tag.kind !== PageKind.Frame ||
          tag.a !== chunkNo ||
          tag.b !== run.firstPage
        ) {
          bad = new NexfsError(
            'EIO',
            `frame page ${next} (flash page ${run.address + j}) is unreadable`,
            path,
          );
          return false;
        }
        if (!whole) frame.set(out.subarray(0, frameBytes - at), at);
      }
      return true;
    });
    if (bad !== undefined) throw bad;
    if (next !== total)
      throw new NexfsError('ECORRUPT', `chunk ${chunkNo}: runs cover ${next} of ${total} frame pages`, path);
    return frame;
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
    if (this.replaying || this.shadowing) return;
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
      this.headWithRoom(this.metaHeadKind(), 2 * Math.min(dirty, this.ppb / 2));
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
    this.register.write(encodeRegister(record));
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

  /** Journal pages held by the current journal, per block (fsck). */
  get journalHoldings(): readonly { block: number; pages: number }[] {
    return this.journalBlocks;
  }
}
