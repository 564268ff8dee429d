/**
 * Volume scrub: reads every metadata page pair (superblock copies, register ring, block table,
 * B-tree nodes, journal) copy by copy, every data page against its CRC-32C, and every chunk through
 * its frame XXH3-64 and its BLAKE3-256 name. A metadata pair with one bad copy is repaired from the
 * good one (B-tree nodes are rewritten at a checkpoint); a chunk is repaired from a caller-supplied
 * redundant copy when one verifies. What cannot be repaired is reported with the paths that lost
 * data. The work is a generator of small steps, so it runs in the background, pauses and reports
 * progress (see {@link ScrubTask}).
 * @module
 */
import { put32, u16, u32, u64 } from './_bytes.js';
import { crc32c } from './_crc32.js';
import { PauseGate } from './_pause-gate.js';
import { ContentError } from './content/errors.js';
import { nameKey } from './content/store.js';
import { reachable } from './content/tree.js';
import { CHUNK_INO_BASE, decodeChunkRef, decodeExtent, extentKey } from './content-records.js';
import { NexfsError } from './errors.js';
import type { NexfsBase as Nexfs } from './fs-base.js';
import { listSnapshots, snapshotRecord } from './fs-snapshot.js';
import { META_HEADER_BYTES, MetaMagic, ReadStatus } from './layout.js';
import { DIRENT, direntKey, KeyKind, PAGEMAP, pageKey } from './records.js';

/** One problem a scrub found. */
export interface VolumeScrubError {
  /** What was checked: 'superblock', 'register', 'block-table', 'node', 'journal', 'data', 'chunk'. */
  area: string;
  /** Flash page address (first page of the pair for metadata); -1 for a chunk. */
  address: number;
  /** What failed, e.g. 'EIO' or 'ECHECKSUM'. */
  code: string;
  /** True when it was repaired from a redundant copy. */
  repaired: boolean;
}

/** What a scrub found (also its progress while it runs). */
export interface VolumeScrubReport {
  /** Bytes read and verified (every copy counts). */
  bytesChecked: number;
  /** Metadata page pairs checked. */
  metadataPairs: number;
  /** Data pages of page-map files checked. */
  dataPages: number;
  /** Chunks checked (frame and name). */
  chunks: number;
  /** Problems found, repaired or not. */
  errors: VolumeScrubError[];
  /** How many of `errors` were repaired. */
  repaired: number;
  /** Files (live paths, and `snapshot N:/path` for snapshots) that lost data. */
  lostPaths: string[];
  /** Work units done so far and in all (for progress bars). */
  done: number;
  /** Work units in all, known when the scrub starts. */
  total: number;
}

/** Where a scrub finds verified copies of damaged chunks. */
export interface RedundantChunks {
  /** The frame stored under a chunk's hex name, or undefined. */
  get(key: string): Uint8Array | undefined;
}

/** Options of {@link Nexfs.scrub}. */
export interface ScrubVolumeOptions {
  /** A redundant copy of chunks (hex name to frame), e.g. another volume's or a CAR's blocks. */
  redundant?: RedundantChunks;
  /** Called after every slice of work with the report so far. */
  onProgress?: (progress: VolumeScrubReport) => void;
  /** Work units per slice before yielding to the event loop (default 64). */
  unitsPerSlice?: number;
}

/** A scrub running in the background. */
export interface ScrubTask {
  /** Stops after the current slice until {@link ScrubTask.resume}. */
  pause(): void;
  /** Continues a paused scrub. */
  resume(): void;
  /** True while paused. */
  readonly paused: boolean;
  /** The report so far. */
  readonly progress: VolumeScrubReport;
  /** Resolves with the final report. */
  readonly done: Promise<VolumeScrubReport>;
}

interface Unit {
  area: string;
  address: number;
  magic?: number;
  ino?: number;
  index?: number;
  name?: Uint8Array;
}

/** The scrub as steps: yields after every unit of work; returns the final report. */
export function* scrubSteps(
  fs: Nexfs,
  options: ScrubVolumeOptions = {},
): Generator<VolumeScrubReport, VolumeScrubReport, undefined> {
  const volume = fs.volume;
  if (!volume.readOnly) volume.commit();
  const io = volume.io;
  const ppb = volume.ppb;
  const units: Unit[] = [];
  // Metadata pairs: superblock copies and register ring (every written pair of their blocks).
  for (const b of volume.sb.superblockBlocks)
    units.push({ area: 'superblock', address: b * ppb, magic: MetaMagic.Superblock });
  for (const b of volume.sb.registerBlocks)
    for (let p = 0; p < ppb; p += 2)
      units.push({ area: 'register', address: b * ppb + p, magic: MetaMagic.Register });
  for (const a of volume.tableAddresses)
    units.push({ area: 'block-table', address: a, magic: MetaMagic.BlockTable });
  volume.tree.walk((address, node) => {
    if (address > 0) units.push({ area: 'node', address, magic: MetaMagic.Node, index: node.level });
  });
  for (const j of volume.journalHoldings)
    for (let p = 0; p < j.pages; p += 2)
      units.push({ area: 'journal', address: j.block * ppb + p, magic: MetaMagic.Journal });
  volume.tree.scan(new Uint8Array([KeyKind.Page]), new Uint8Array([KeyKind.Orphan]), (k, v) => {
    const ino = u64(k, 1);
    if (ino < CHUNK_INO_BASE)
      units.push({ area: 'data', address: u64(v, PAGEMAP.address), ino, index: u64(k, 9) });
    return ino < CHUNK_INO_BASE;
  });
  fs.content.scanChunks((name) => units.push({ area: 'chunk', address: -1, name }));
  const report = emptyReport(units.length);
  const page = new Uint8Array(io.payloadBytes);
  const lostInodes = new Set<number>();
  const lostChunks = new Set<string>();
  let nodesRepaired = false;
  const check = (u: Unit): void => {
    if (u.magic !== undefined) {
      const good = [false, false];
      let written = false;
      for (let copy = 0; copy < 2; copy++) {
        const s = io.read(u.address + copy, page);
        if (s === ReadStatus.Erased) return;
        written = true;
        report.bytesChecked += io.payloadBytes;
        const n = u32(page, 4);
        good[copy] =
          s !== ReadStatus.Uncorrectable &&
          u32(page, 0) === u.magic &&
          n <= io.metaBodyBytes &&
          metaCrcMatches(page.subarray(0, META_HEADER_BYTES + n));
      }
      // An erased pair of a ring or copy block is unused space, not an error.
      if (!written) return;
      report.metadataPairs++;
      if (good[0] && good[1]) return;
      // Ring and journal pairs can be torn by a power cut after the record that mattered; only
      // pairs the volume still uses are errors (nodes, table pages, the superblock copies).
      if ((u.area === 'register' || u.area === 'journal') && !good[0] && !good[1]) return;
      let repaired = false;
      if (u.area === 'node' && (good[0] || good[1]) && !volume.readOnly) {
        const body = io.readMeta(u.address, MetaMagic.Node);
        if (body !== null) {
          const count = u16(body, 2);
          const firstKey = count > 0 ? body.slice(12, 12 + u16(body, 8)) : new Uint8Array(0);
          repaired = volume.tree.relocate(u.address, body[0], firstKey);
          nodesRepaired ||= repaired;
        }
      }
      report.errors.push({
        area: u.area,
        address: u.address,
        code: good[0] || good[1] ? 'EMIRROR' : 'EIO',
        repaired,
      });
      if (repaired) report.repaired++;
    } else if (u.area === 'data') {
      const v = volume.get(pageKey(u.ino!, u.index!));
      if (v === undefined || u64(v, PAGEMAP.address) !== u.address) return; // moved since listed
      const s = io.read(u.address, page);
      report.dataPages++;
      report.bytesChecked += io.payloadBytes;
      const len = u32(v, PAGEMAP.lengthBytes);
      const crc = u32(v, PAGEMAP.crc);
      if (s === ReadStatus.Uncorrectable || s === ReadStatus.Erased || crc32c(page, 0, len) !== crc) {
        report.errors.push({ area: 'data', address: u.address, code: 'EIO', repaired: false });
        lostInodes.add(u.ino!);
      }
    } else {
      const name = u.name!;
      report.chunks++;
      const code = verifyChunk(fs, name, report);
      if (code === undefined) return;
      const key = nameKey(name);
      const copy = options.redundant?.get(key);
      let repaired = false;
      if (copy !== undefined && !volume.readOnly) {
        try {
          fs.content.store.framer.decode(copy, name);
          fs.reserve(fs.content.pagesOf(copy.length) + 2);
          fs.content.writeFrame(name, copy.slice());
          repaired = true;
          report.repaired++;
        } catch (e) {
          if (!(e instanceof NexfsError)) throw e;
        }
      }
      report.errors.push({ area: 'chunk', address: -1, code, repaired });
      if (!repaired) lostChunks.add(key);
    }
  };
  for (const u of units) {
    report.done++;
    check(u);
    yield report;
  }
  if (nodesRepaired || report.repaired > 0) volume.commit();
  if (nodesRepaired) volume.checkpoint();
  report.lostPaths = lostPaths(fs, lostInodes, lostChunks);
  return report;
}

/** Runs {@link scrubSteps} in slices on the event loop: pausable, with progress callbacks. */
export function startScrub(fs: Nexfs, options: ScrubVolumeOptions = {}): ScrubTask {
  const steps = scrubSteps(fs, options);
  const perSlice = options.unitsPerSlice ?? 64;
  if (!Number.isInteger(perSlice) || perSlice < 1) throw new RangeError('unitsPerSlice: a positive integer');
  const gate = new PauseGate();
  let progress: VolumeScrubReport | undefined;
  const done = (async () => {
    for (;;) {
      for (let i = 0; i < perSlice; i++) {
        const r = steps.next();
        progress = r.value;
        if (r.done) {
          options.onProgress?.(r.value);
          return r.value;
        }
      }
      options.onProgress?.(progress!);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      await gate.whilePaused();
    }
  })();
  return {
    pause: () => gate.pause(),
    resume: () => gate.resume(),
    get paused() {
      return gate.paused;
    },
    get progress() {
      return progress ?? emptyReport(0);
    },
    done,
  };
}

function verifyChunk(fs: Nexfs, name: Uint8Array, report: VolumeScrubReport): string | undefined {
  try {
    const v = fs.volume.get(new Uint8Array([KeyKind.Chunk, ...name]));
    const ref = v && decodeChunkRef(v);
    if (ref) report.bytesChecked += ref.frameBytes;
    const frame = fs.content.readFrame(name, undefined);
    if (frame === undefined) return 'ENOENT';
    fs.content.store.framer.decode(frame, name);
    return undefined;
  } catch (e) {
    if (e instanceof ContentError || e instanceof NexfsError) return e.code;
    throw e;
  }
}

/** Live paths of damaged inodes and chunks, then snapshot paths of damaged chunks. */
function lostPaths(fs: Nexfs, inodes: Set<number>, chunks: Set<string>): string[] {
  if (inodes.size === 0 && chunks.size === 0) return [];
  const out: string[] = [];
  const volume = fs.volume;
  const walk = (dir: number, prefix: string, depth: number) => {
    if (depth > 256) return;
    const children: { name: string; ino: number; kind: number }[] = [];
    volume.tree.scan(direntKey(dir, new Uint8Array(0)), direntKey(dir + 1, new Uint8Array(0)), (k, v) => {
      children.push({
        name: new TextDecoder().decode(k.subarray(9)),
        ino: u64(v, DIRENT.inode),
        kind: v[DIRENT.kind],
      });
      return true;
    });
    for (const c of children) {
      const path = `${prefix}/${c.name}`;
      if (c.kind === 2) walk(c.ino, path, depth + 1);
      else if (inodes.has(c.ino) || usesChunk(fs, c.ino, chunks)) out.push(path);
    }
  };
  walk(1, '', 0);
  for (const s of listSnapshots(fs)) {
    const root = snapshotRecord(fs, s.id).root;
    try {
      for (const cid of reachable(fs.content.store, root))
        if (chunks.has(nameKey(cid.digest))) {
          out.push(`snapshot ${s.id}`);
          break;
        }
    } catch {
      out.push(`snapshot ${s.id}`);
    }
  }
  return out;
}

function usesChunk(fs: Nexfs, ino: number, chunks: Set<string>): boolean {
  if (chunks.size === 0) return false;
  let hit = false;
  fs.volume.tree.scan(extentKey(ino, 0), extentKey(ino + 1, 0), (k, v) => {
    const e = decodeExtent(k, v);
    if (e !== null && chunks.has(nameKey(e.name))) hit = true;
    return !hit;
  });
  return hit;
}

/** The metadata page checksum (SPEC "Metadata page header"): CRC-32C with bytes 8-11 as zero. */
function metaCrcMatches(buf: Uint8Array): boolean {
  const stored = u32(buf, 8);
  put32(buf, 8, 0);
  const c = crc32c(buf);
  put32(buf, 8, stored);
  return c === stored;
}

/** A report with nothing checked yet, out of `total` units. */
function emptyReport(total: number): VolumeScrubReport {
  return {
    bytesChecked: 0,
    metadataPairs: 0,
    dataPages: 0,
    chunks: 0,
    errors: [],
    repaired: 0,
    lostPaths: [],
    done: 0,
    total,
  };
}
