/**
 * Encoders and decoders of the metadata records: superblock, root register, block table, journal,
 * and the values stored in the B-tree (inodes, directory entries, page maps). SPEC.md has one
 * table per record; test/spec.test.ts checks the offsets below against it.
 */
import { put16, put32, put64, u16, u32, u64 } from './_bytes.js';

/** Superblock body (SPEC.md "Superblock"). */
export interface Superblock {
  formatVersion: number;
  kind: 'nand' | 'nor';
  pageSizeBytes: number;
  pagesPerBlock: number;
  blockCount: number;
  spareBytesPerPage: number;
  payloadBytes: number;
  uuid: Uint8Array;
  nameMaxBytes: number;
  journalMaxBlocks: number;
  reserveBlocks: number;
  eraseBudget: number;
  /** Blocks holding a superblock copy: two primaries then the scattered replicas. */
  superblockBlocks: number[];
  /** Blocks of the root register ring. */
  registerBlocks: number[];
  /** Rewrite number: every rewrite writes generation + 1; mount takes the highest valid one. */
  generation: number;
  /** Features a reader must understand to mount (a set bit it does not know: EFEATURE). */
  incompatFlags: number;
  /** Features a reader may ignore. */
  compatFlags: number;
}

/**
 * Incompatible feature bits (a reader that does not know a set bit must refuse the volume).
 *
 * `frameRuns`: chunk frames are stored as runs of pages (key 0x08, page kind 7) with no per-page
 * CRC-32C, instead of one page-map entry per frame page. A reader without it would find no page map
 * for the frames and treat their pages as dead, so the bit is set (one superblock rewrite) before
 * the first frame of a volume is written.
 */
export const IncompatBits = Object.freeze({ frameRuns: 1 << 0 });

/** Incompatible feature bits this build understands; mount refuses any other set bit. */
export const KNOWN_INCOMPAT_FLAGS: number = IncompatBits.frameRuns;

/** Byte offsets of the superblock body. */
export const SB = {
  formatVersion: 0,
  kind: 4,
  superblockCount: 5,
  registerCount: 6,
  pageSizeBytes: 8,
  pagesPerBlock: 12,
  blockCount: 16,
  spareBytesPerPage: 24,
  payloadBytes: 28,
  uuid: 32,
  nameMaxBytes: 48,
  journalMaxBlocks: 52,
  reserveBlocks: 56,
  eraseBudget: 60,
  superblockBlocks: 64,
  registerBlocks: 160,
  generation: 224,
  incompatFlags: 232,
  compatFlags: 236,
  reserved: 240,
  bytes: 256,
  maxSuperblocks: 12,
  maxRegisterBlocks: 8,
} as const;

/** Superblock body length written before the generation and feature fields (they read as 0). */
const SB_LEGACY_BYTES = 224;

/** Encodes a superblock body. */
export function encodeSuperblock(sb: Superblock): Uint8Array {
  const b = new Uint8Array(SB.bytes);
  put32(b, SB.formatVersion, sb.formatVersion);
  b[SB.kind] = sb.kind === 'nand' ? 0 : 1;
  b[SB.superblockCount] = sb.superblockBlocks.length;
  b[SB.registerCount] = sb.registerBlocks.length;
  put32(b, SB.pageSizeBytes, sb.pageSizeBytes);
  put32(b, SB.pagesPerBlock, sb.pagesPerBlock);
  put64(b, SB.blockCount, sb.blockCount);
  put32(b, SB.spareBytesPerPage, sb.spareBytesPerPage);
  put32(b, SB.payloadBytes, sb.payloadBytes);
  b.set(sb.uuid, SB.uuid);
  put32(b, SB.nameMaxBytes, sb.nameMaxBytes);
  put32(b, SB.journalMaxBlocks, sb.journalMaxBlocks);
  put32(b, SB.reserveBlocks, sb.reserveBlocks);
  put32(b, SB.eraseBudget, sb.eraseBudget);
  for (let i = 0; i < sb.superblockBlocks.length; i++)
    put64(b, SB.superblockBlocks + 8 * i, sb.superblockBlocks[i]);
  for (let i = 0; i < sb.registerBlocks.length; i++)
    put64(b, SB.registerBlocks + 8 * i, sb.registerBlocks[i]);
  put64(b, SB.generation, sb.generation);
  put32(b, SB.incompatFlags, sb.incompatFlags);
  put32(b, SB.compatFlags, sb.compatFlags);
  return b;
}

/** Decodes a superblock body; null when malformed. */
export function decodeSuperblock(b: Uint8Array): Superblock | null {
  if (b.length < SB_LEGACY_BYTES) return null;
  const extended = b.length >= SB.bytes;
  const nsb = b[SB.superblockCount];
  const nreg = b[SB.registerCount];
  if (nsb < 1 || nsb > SB.maxSuperblocks || nreg < 2 || nreg > SB.maxRegisterBlocks || b[SB.kind] > 1)
    return null;
  const superblockBlocks: number[] = [];
  const registerBlocks: number[] = [];
  for (let i = 0; i < nsb; i++) superblockBlocks.push(u64(b, SB.superblockBlocks + 8 * i));
  for (let i = 0; i < nreg; i++) registerBlocks.push(u64(b, SB.registerBlocks + 8 * i));
  return {
    formatVersion: u32(b, SB.formatVersion),
    kind: b[SB.kind] === 0 ? 'nand' : 'nor',
    pageSizeBytes: u32(b, SB.pageSizeBytes),
    pagesPerBlock: u32(b, SB.pagesPerBlock),
    blockCount: u64(b, SB.blockCount),
    spareBytesPerPage: u32(b, SB.spareBytesPerPage),
    payloadBytes: u32(b, SB.payloadBytes),
    uuid: b.slice(SB.uuid, SB.uuid + 16),
    nameMaxBytes: u32(b, SB.nameMaxBytes),
    journalMaxBlocks: u32(b, SB.journalMaxBlocks),
    reserveBlocks: u32(b, SB.reserveBlocks),
    eraseBudget: u32(b, SB.eraseBudget),
    superblockBlocks,
    registerBlocks,
    generation: extended ? u64(b, SB.generation) : 0,
    incompatFlags: extended ? u32(b, SB.incompatFlags) : 0,
    compatFlags: extended ? u32(b, SB.compatFlags) : 0,
  };
}

/** Root register record: the committed state of the volume (SPEC.md "Root register record"). */
export interface RegisterRecord {
  epoch: number;
  treeRoot: number;
  treeHeight: number;
  journalEpoch: number;
  journalBlock: number;
  journalSeq: number;
  nextInode: number;
  snapshotRoot: number;
  chunkIndexRoot: number;
  /** Addresses of the block-table pages, in order. */
  tableIndex: number[];
}

/** Byte offsets of the register record body. */
export const REG = {
  epoch: 0,
  treeRoot: 8,
  treeHeight: 16,
  tablePages: 20,
  journalEpoch: 24,
  journalBlock: 32,
  journalSeq: 40,
  nextInode: 48,
  snapshotRoot: 56,
  chunkIndexRoot: 64,
  reserved: 72,
  tableIndex: 96,
} as const;

/** Encodes a register record body. */
export function encodeRegister(r: RegisterRecord): Uint8Array {
  const b = new Uint8Array(REG.tableIndex + 8 * r.tableIndex.length);
  put64(b, REG.epoch, r.epoch);
  put64(b, REG.treeRoot, r.treeRoot);
  b[REG.treeHeight] = r.treeHeight;
  put32(b, REG.tablePages, r.tableIndex.length);
  put64(b, REG.journalEpoch, r.journalEpoch);
  put64(b, REG.journalBlock, r.journalBlock);
  put64(b, REG.journalSeq, r.journalSeq);
  put64(b, REG.nextInode, r.nextInode);
  put64(b, REG.snapshotRoot, r.snapshotRoot);
  put64(b, REG.chunkIndexRoot, r.chunkIndexRoot);
  for (let i = 0; i < r.tableIndex.length; i++) put64(b, REG.tableIndex + 8 * i, r.tableIndex[i]);
  return b;
}

/** Decodes a register record body; null when malformed. */
export function decodeRegister(b: Uint8Array): RegisterRecord | null {
  if (b.length < REG.tableIndex) return null;
  const n = u32(b, REG.tablePages);
  if (b.length < REG.tableIndex + 8 * n) return null;
  const tableIndex: number[] = [];
  for (let i = 0; i < n; i++) tableIndex.push(u64(b, REG.tableIndex + 8 * i));
  return {
    epoch: u64(b, REG.epoch),
    treeRoot: u64(b, REG.treeRoot),
    treeHeight: b[REG.treeHeight],
    journalEpoch: u64(b, REG.journalEpoch),
    journalBlock: u64(b, REG.journalBlock),
    journalSeq: u64(b, REG.journalSeq),
    nextInode: u64(b, REG.nextInode),
    snapshotRoot: u64(b, REG.snapshotRoot),
    chunkIndexRoot: u64(b, REG.chunkIndexRoot),
    tableIndex,
  };
}

/** Block-table page: header and entry layout (SPEC.md "Block table"). */
export const BT = {
  firstBlock: 0,
  count: 8,
  headerBytes: 16,
  entryBytes: 8,
  eraseCount: 0,
  livePages: 4,
  state: 6,
} as const;

/** Block states stored in the table. */
export const BlockState = { Good: 0, Bad: 1, System: 2, Retiring: 3 } as const;

/** Journal page header and record layout (SPEC.md "Journal page"). */
export const JL = {
  epoch: 0,
  seq: 8,
  nextBlock: 16,
  recordCount: 24,
  headerBytes: 32,
  recordHeaderBytes: 6,
} as const;

/** Journal record operations. */
export const JournalOp = { Put: 1, Delete: 2, DeleteRange: 3, Nop: 4 } as const;
/** Journal record flag: last record of a transaction. */
export const TXN_END = 1;

/** Encodes the journal page header into `b`. */
export function putJournalHeader(
  b: Uint8Array,
  epoch: number,
  seq: number,
  nextBlock: number,
  count: number,
): void {
  put64(b, JL.epoch, epoch);
  put64(b, JL.seq, seq);
  put64(b, JL.nextBlock, nextBlock);
  put16(b, JL.recordCount, count);
  put16(b, JL.recordCount + 2, 0);
  put32(b, JL.recordCount + 4, 0);
}

/** A decoded journal record. */
export interface JournalRecord {
  op: number;
  flags: number;
  key: Uint8Array;
  /** Put: the value. DeleteRange: the exclusive upper key. */
  val: Uint8Array;
}

/** Decodes the records of a journal page body; null when malformed. */
export function decodeJournalRecords(b: Uint8Array): JournalRecord[] | null {
  if (b.length < JL.headerBytes) return null;
  const n = u16(b, JL.recordCount);
  const out: JournalRecord[] = [];
  let at = JL.headerBytes;
  for (let i = 0; i < n; i++) {
    if (at + JL.recordHeaderBytes > b.length) return null;
    const op = b[at];
    const flags = b[at + 1];
    const klen = u16(b, at + 2);
    const vlen = u16(b, at + 4);
    at += JL.recordHeaderBytes;
    if (at + klen + vlen > b.length || op < 1 || op > 4) return null;
    out.push({ op, flags, key: b.slice(at, at + klen), val: b.slice(at + klen, at + klen + vlen) });
    at += klen + vlen;
  }
  return out;
}

/** B-tree key prefixes. */
export const KeyKind = {
  Inode: 1,
  Dirent: 2,
  Page: 3,
  Orphan: 4,
  Chunk: 5,
  Extent: 6,
  Snapshot: 7,
  FrameRun: 8,
} as const;

/** Key of an orphan record: an inode being built by an atomic whole-file write, not yet linked. */
export function orphanKey(ino: number): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = KeyKind.Orphan;
  put64(k, 1, ino);
  return k;
}

/** Key of an inode record. */
export function inodeKey(ino: number): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = KeyKind.Inode;
  put64(k, 1, ino);
  return k;
}

/** Key of a directory entry. */
export function direntKey(parent: number, name: Uint8Array): Uint8Array {
  const k = new Uint8Array(9 + name.length);
  k[0] = KeyKind.Dirent;
  put64(k, 1, parent);
  k.set(name, 9);
  return k;
}

/** Key of a file page map entry. */
export function pageKey(ino: number, pageIndex: number): Uint8Array {
  const k = new Uint8Array(17);
  k[0] = KeyKind.Page;
  put64(k, 1, ino);
  put64(k, 9, pageIndex);
  return k;
}

/** Inode record (SPEC.md "Inode value"). */
export interface Inode {
  kind: 'file' | 'dir';
  checksumKind: number;
  compression: number;
  layout: number;
  /** zstd level (1..22) when `compression` is zstd, else 0. */
  level?: number;
  sizeBytes: number;
  mtimeMs: number;
  parent: number;
}

/** Byte offsets of the inode value. */
export const INODE = {
  kind: 0,
  checksumKind: 1,
  compression: 2,
  layout: 3,
  level: 4,
  flags: 5,
  sizeBytes: 8,
  mtimeMs: 16,
  parent: 24,
  bytes: 32,
} as const;

/** Encodes an inode value. */
export function encodeInode(n: Inode): Uint8Array {
  const b = new Uint8Array(INODE.bytes);
  b[INODE.kind] = n.kind === 'file' ? 1 : 2;
  b[INODE.checksumKind] = n.checksumKind;
  b[INODE.compression] = n.compression;
  b[INODE.layout] = n.layout;
  b[INODE.level] = n.level ?? 0;
  put64(b, INODE.sizeBytes, n.sizeBytes);
  put64(b, INODE.mtimeMs, Math.max(0, Math.floor(n.mtimeMs)));
  put64(b, INODE.parent, n.parent);
  return b;
}

/** Decodes an inode value; null when malformed. */
export function decodeInode(b: Uint8Array): Inode | null {
  if (b.length < INODE.bytes || (b[INODE.kind] !== 1 && b[INODE.kind] !== 2)) return null;
  return {
    kind: b[INODE.kind] === 1 ? 'file' : 'dir',
    checksumKind: b[INODE.checksumKind],
    compression: b[INODE.compression],
    layout: b[INODE.layout],
    level: b[INODE.level],
    sizeBytes: u64(b, INODE.sizeBytes),
    mtimeMs: u64(b, INODE.mtimeMs),
    parent: u64(b, INODE.parent),
  };
}

/** Byte offsets of the directory entry value. */
export const DIRENT = { inode: 0, kind: 8, bytes: 9 } as const;

/** Byte offsets of the page map value. */
export const PAGEMAP = { address: 0, lengthBytes: 8, crc: 12, bytes: 16 } as const;

/** Encodes a page map value. */
export function encodePageMap(address: number, lengthBytes: number, crc: number): Uint8Array {
  const b = new Uint8Array(PAGEMAP.bytes);
  put64(b, PAGEMAP.address, address);
  put32(b, PAGEMAP.lengthBytes, lengthBytes);
  put32(b, PAGEMAP.crc, crc);
  return b;
}

/** Byte offsets of a frame run value (key: 0x08, chunk number u64, first frame page u32). */
export const FRAMERUN = { address: 0, pages: 8, reserved: 10, bytes: 12 } as const;

/** Bytes of a frame run key. */
export const FRAMERUN_KEY_BYTES = 13;

/**
 * Key of the frame run of chunk `chunkNo` that starts at frame page `firstPage`: one key per run of
 * pages programmed contiguously in one erase block (usually one or two per frame).
 */
export function frameRunKey(chunkNo: number, firstPage: number): Uint8Array {
  const k = new Uint8Array(FRAMERUN_KEY_BYTES);
  k[0] = KeyKind.FrameRun;
  put64(k, 1, chunkNo);
  put32(k, 9, firstPage);
  return k;
}

/** Encodes a frame run value: `pages` pages from flash page `address` on, in one block. */
export function encodeFrameRun(address: number, pages: number): Uint8Array {
  const b = new Uint8Array(FRAMERUN.bytes);
  put64(b, FRAMERUN.address, address);
  put16(b, FRAMERUN.pages, pages);
  return b;
}

/** A decoded frame run. */
export interface FrameRun {
  /** Chunk number the run belongs to. */
  chunkNo: number;
  /** Index of the run's first page in the frame. */
  firstPage: number;
  /** Flash page address of the run's first page. */
  address: number;
  /** Pages in the run (all in the block of `address`). */
  pages: number;
}

/**
 * Decodes a frame run key and value; null when malformed (wrong lengths, no pages, a run that
 * leaves its erase block of `pagesPerBlock` pages, reserved bytes set).
 */
export function decodeFrameRun(key: Uint8Array, v: Uint8Array, pagesPerBlock: number): FrameRun | null {
  if (key.length !== FRAMERUN_KEY_BYTES || key[0] !== KeyKind.FrameRun || v.length !== FRAMERUN.bytes)
    return null;
  if (u16(v, FRAMERUN.reserved) !== 0 || u32(v, FRAMERUN.address) >= 0x20_0000) return null;
  const address = u64(v, FRAMERUN.address);
  const pages = u16(v, FRAMERUN.pages);
  if (pages === 0 || (address % pagesPerBlock) + pages > pagesPerBlock) return null;
  if (u32(key, 1) >= 0x20_0000) return null;
  return { chunkNo: u64(key, 1), firstPage: u32(key, 9), address, pages };
}
