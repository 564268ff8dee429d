/**
 * fsck: a full consistency check of a mounted volume. It walks every B-tree node, checks key order
 * and the directory structure, recomputes every block's live page count from scratch and compares
 * it with the engine's accounting, and (optionally) reads every data page and checks its checksum.
 * Cost: one read of every metadata page, plus every data page with `verifyData`.
 */
import { compareBytes, u32, u64 } from './_bytes.js';
import { crc32c } from './_crc32.js';
import { nameKey } from './content/store.js';
import { CHUNK_INO_BASE, CHUNKREF, decodeExtent } from './content-records.js';
import { NexfsError } from './errors.js';
import { ReadStatus } from './layout.js';
import {
  BlockState,
  DIRENT,
  decodeFrameRun,
  decodeInode,
  type FrameRun,
  KeyKind,
  PAGEMAP,
} from './records.js';
import type { Volume } from './volume.js';

/** Options of a check. */
export interface FsckOptions {
  /** Read every data page and check its checksum (default false). */
  verifyData?: boolean;
  /** Stop after this many errors (default 100). */
  maxErrors?: number;
}

/** What a check found. */
export interface FsckReport {
  /** Problems found; empty when the volume is consistent. */
  errors: string[];
  /** Regular files. */
  files: number;
  /** Directories, the root included. */
  directories: number;
  /** B-tree nodes. */
  nodes: number;
  /** Mapped data pages. */
  dataPages: number;
  /** Data pages whose checksum failed (with `verifyData`). */
  badDataPages: number;
}

/**
 * Checks a volume.
 *
 * @example
 * ```ts
 * const report = fsckVolume(fs.volume, { verifyData: true });
 * ```
 */
export function fsckVolume(volume: Volume, options: FsckOptions = {}): FsckReport {
  const maxErrors = options.maxErrors ?? 100;
  const report: FsckReport = {
    errors: [],
    files: 0,
    directories: 0,
    nodes: 0,
    dataPages: 0,
    badDataPages: 0,
  };
  const err = (m: string) => {
    if (report.errors.length < maxErrors) report.errors.push(m);
  };
  const ppb = volume.ppb;
  const expected = new Uint32Array(volume.blockCount);
  const inodes = new Map<number, { kind: 'file' | 'dir'; size: number; parent: number; links: number }>();
  const dirents: { parent: number; child: number; kind: number }[] = [];
  const pages: { ino: number; index: number; address: number; length: number; crc: number }[] = [];
  const seenPages = new Set<number>();
  const orphans = new Set<number>();
  const chunkFrames = new Map<number, number>();
  const runs: FrameRun[] = [];
  const chunkNames = new Set<string>();
  const extents: { ino: number; name: string }[] = [];
  let prev: Uint8Array | null = null;
  try {
    volume.tree.walk((address, node) => {
      report.nodes++;
      if (address > 0) expected[Math.floor(address / ppb)] += 2;
      for (let i = 1; i < node.keys.length; i++)
        if (compareBytes(node.keys[i - 1], node.keys[i]) >= 0) err(`node at ${address}: keys out of order`);
      if (node.level !== 0) return;
      for (let i = 0; i < node.keys.length; i++) {
        const k = node.keys[i];
        const v = node.vals[i];
        if (prev !== null && compareBytes(prev, k) >= 0) err('leaf keys out of global order');
        prev = k;
        if (k[0] === KeyKind.Inode && k.length === 9) {
          const inode = decodeInode(v);
          if (!inode) err(`inode ${u64(k, 1)}: damaged record`);
          else
            inodes.set(u64(k, 1), {
              kind: inode.kind,
              size: inode.sizeBytes,
              parent: inode.parent,
              links: 0,
            });
        } else if (k[0] === KeyKind.Dirent && k.length > 9 && v.length === DIRENT.bytes) {
          dirents.push({ parent: u64(k, 1), child: u64(v, DIRENT.inode), kind: v[DIRENT.kind] });
        } else if (k[0] === KeyKind.Page && k.length === 17 && v.length === PAGEMAP.bytes) {
          const address = u64(v, PAGEMAP.address);
          if (seenPages.has(address)) err(`flash page ${address} is mapped twice`);
          seenPages.add(address);
          expected[Math.floor(address / ppb)] += 1;
          pages.push({
            ino: u64(k, 1),
            index: u64(k, 9),
            address,
            length: u32(v, PAGEMAP.lengthBytes),
            crc: u32(v, PAGEMAP.crc),
          });
        } else if (k[0] === KeyKind.FrameRun) {
          const run = decodeFrameRun(k, v, ppb);
          if (run === null) err(`frame run key of length ${k.length}: malformed`);
          else {
            for (let a = run.address; a < run.address + run.pages; a++) {
              if (seenPages.has(a)) err(`flash page ${a} is mapped twice`);
              seenPages.add(a);
            }
            expected[Math.floor(run.address / ppb)] += run.pages;
            runs.push(run);
          }
        } else if (k[0] === KeyKind.Orphan && k.length === 9) {
          orphans.add(u64(k, 1));
        } else if (k[0] === KeyKind.Chunk && k.length === 33 && v.length === CHUNKREF.bytes) {
          chunkFrames.set(u64(v, CHUNKREF.chunkNo), u32(v, CHUNKREF.frameBytes));
          chunkNames.add(nameKey(k.subarray(1)));
        } else if (k[0] === KeyKind.Extent && decodeExtent(k, v) !== null) {
          extents.push({ ino: u64(k, 1), name: nameKey(v.subarray(0, 32)) });
        } else if (
          (k[0] === KeyKind.Chunk && (k.length === 1 || k.length === 2)) ||
          (k[0] === KeyKind.Snapshot && k.length === 9)
        ) {
          // the content record, the recompression task and snapshot records: checked by verify/scrub
        } else {
          err(`unknown key kind ${k[0]} of length ${k.length}`);
        }
      }
    });
  } catch (e) {
    if (e instanceof NexfsError) err(`tree walk failed: ${e.message}`);
    else throw e;
  }
  for (const d of dirents) {
    const child = inodes.get(d.child);
    const parent = inodes.get(d.parent);
    if (parent?.kind !== 'dir') err(`directory entry under ${d.parent}, which is not a directory`);
    if (!child) {
      err(`directory entry in ${d.parent} names missing inode ${d.child}`);
      continue;
    }
    child.links++;
    if ((d.kind === 2) !== (child.kind === 'dir')) err(`directory entry kind differs from inode ${d.child}`);
    if (child.kind === 'dir' && child.parent !== d.parent)
      err(`directory ${d.child} records parent ${child.parent}, lives in ${d.parent}`);
  }
  for (const [ino, n] of inodes) {
    if (ino === 1) {
      if (n.kind !== 'dir') err('the root is not a directory');
    } else if (n.links !== (orphans.has(ino) ? 0 : 1)) err(`inode ${ino} has ${n.links} directory entries`);
    if (n.kind === 'file') report.files++;
    else report.directories++;
  }
  if (!inodes.has(1)) err('the root directory is missing');
  const P = volume.io.payloadBytes;
  const buf = new Uint8Array(P);
  for (const p of pages) {
    report.dataPages++;
    const owner = inodes.get(p.ino);
    if (p.ino >= CHUNK_INO_BASE) err(`page-mapped frame page of chunk ${p.ino - CHUNK_INO_BASE}`);
    else if (owner?.kind !== 'file') err(`data page of missing file ${p.ino}`);
    else if (p.index * P >= owner.size)
      err(`file ${p.ino}: page ${p.index} lies past its size ${owner.size}`);
    if (p.length === 0 || p.length > P) err(`file ${p.ino}: page ${p.index} has length ${p.length}`);
    if (options.verifyData) {
      const s = volume.io.read(p.address, buf);
      if (s === ReadStatus.Uncorrectable || s === ReadStatus.Erased || crc32c(buf, 0, p.length) !== p.crc) {
        report.badDataPages++;
        err(`file ${p.ino}: page ${p.index} fails its checksum`);
      }
    }
  }
  // Frame runs: every run belongs to an indexed chunk, and each chunk's runs cover its frame page
  // by page from page 0 (runs come in key order: chunk number, then first page).
  const covered = new Map<number, number>();
  for (const r of runs) {
    const frameBytes = chunkFrames.get(r.chunkNo);
    if (frameBytes === undefined) {
      err(`frame run of unindexed chunk ${r.chunkNo}`);
      continue;
    }
    const have = covered.get(r.chunkNo) ?? 0;
    if (r.firstPage !== have) err(`chunk ${r.chunkNo}: run at frame page ${r.firstPage}, expected ${have}`);
    covered.set(r.chunkNo, r.firstPage + r.pages);
    report.dataPages += r.pages;
    if (options.verifyData) {
      for (let j = 0; j < r.pages; j++) {
        const s = volume.io.read(r.address + j, buf);
        if (s === ReadStatus.Uncorrectable || s === ReadStatus.Erased) {
          report.badDataPages++;
          err(`chunk ${r.chunkNo}: frame page ${r.firstPage + j} is unreadable`);
        }
      }
    }
  }
  for (const [chunkNo, frameBytes] of chunkFrames)
    if ((covered.get(chunkNo) ?? 0) !== Math.ceil(frameBytes / P))
      err(
        `chunk ${chunkNo}: runs cover ${covered.get(chunkNo) ?? 0} of ${Math.ceil(frameBytes / P)} frame pages`,
      );
  for (const e of extents) {
    if (inodes.get(e.ino)?.kind !== 'file') err(`extent of missing file ${e.ino}`);
    if (!chunkNames.has(e.name)) err(`file ${e.ino}: extent names missing chunk ${e.name}`);
  }
  for (const a of volume.tableAddresses) expected[Math.floor(a / ppb)] += 2;
  for (const j of volume.journalHoldings) expected[j.block] += j.pages;
  for (let b = 0; b < volume.blockCount; b++) {
    if (expected[b] !== volume.live[b])
      err(`block ${b}: ${volume.live[b]} live pages accounted, ${expected[b]} found`);
    if (expected[b] > 0 && (volume.state[b] === BlockState.System || volume.state[b] === BlockState.Bad))
      err(`block ${b}: live pages in a ${volume.state[b] === BlockState.Bad ? 'bad' : 'system'} block`);
  }
  return report;
}
