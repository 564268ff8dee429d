/**
 * The on-flash byte layout shared by every record: page addresses, the page tag, the spare-area
 * layout (NAND) or in-page trailer (NOR), and the metadata page header. SPEC.md gives the same
 * numbers in tables; test/spec.test.ts checks them against these constants.
 */
import { assert } from './_assert.js';
import { put16, put32, put64, u16, u32, u64 } from './_bytes.js';
import { crc32c } from './_crc32.js';
import { type FlashDevice, OnDieEccStatus } from './device/flash.js';
import type { FlashGeometry } from './device/geometry.js';
import { EccResult, eccBytes, eccCorrect, eccEncode } from './ecc.js';

/** Bytes of the page tag (kind, level, checksum, two 64-bit owner fields). */
export const TAG_BYTES = 24;
/** Spare-area offset of the tag on NAND (bytes 0-3 hold the bad-block marker and reserved 0xFF). */
export const SPARE_TAG_OFFSET = 4;
/** Spare-area offset of the ECC on NAND: 2 bytes per 512 B of main area, then 2 for the tag. */
export const SPARE_ECC_OFFSET = SPARE_TAG_OFFSET + TAG_BYTES;
/** Bytes of the metadata page header. */
export const META_HEADER_BYTES = 16;

/** Page kinds, byte 0 of the tag. 0xFF is an erased page. */
export const PageKind = {
  /** File data. */
  Data: 1,
  /** B-tree node. */
  Node: 2,
  /** Journal page. */
  Journal: 3,
  /** Block-table page. */
  BlockTable: 4,
  /** Root register record. */
  Register: 5,
  /** Superblock. */
  Superblock: 6,
  /** Chunk frame page (tag a: chunk number, b: first frame page of its run). */
  Frame: 7,
} as const;

/** Magic numbers of the metadata page header, one per kind (ASCII, big-endian). */
export const MetaMagic = {
  /** "nxSB" */
  Superblock: 0x6e785342,
  /** "nxRG" */
  Register: 0x6e785247,
  /** "nxJL" */
  Journal: 0x6e784a4c,
  /** "nxND" */
  Node: 0x6e784e44,
  /** "nxBT" */
  BlockTable: 0x6e784254,
} as const;

/** Current on-flash format version. */
export const FORMAT_VERSION = 1;

/** The owner fields of a page, from its tag. */
export interface PageTag {
  /** {@link PageKind} value, 0xFF when erased. */
  kind: number;
  /** Node level, or copy number (0 primary, 1 mirror) for metadata. */
  level: number;
  /** Data: inode number. Block table: page index. */
  a: number;
  /** Data: page index inside the file. */
  b: number;
  /** False when the tag's checksum does not match. */
  valid: boolean;
}

/** Outcome of reading one page. */
export const ReadStatus = { Ok: 0, Corrected: 1, Uncorrectable: 2, Erased: 3 } as const;
/** One of the {@link ReadStatus} values. */
export type ReadStatus = (typeof ReadStatus)[keyof typeof ReadStatus];

/**
 * Page-level I/O with tags, ECC and mirrored metadata. Owns one scratch page and spare buffer.
 */
export class PageIO {
  readonly device: FlashDevice;
  readonly geometry: FlashGeometry;
  /** Bytes of payload per page: the whole main area on NAND, minus the tag trailer on NOR. */
  readonly payloadBytes: number;
  readonly hasSpare: boolean;
  /** True when the part corrects its own bit errors (on-die ECC): the host writes and checks none. */
  readonly onDieEcc: boolean;
  /** Corrected single-bit errors seen. */
  correctedErrors = 0;
  /** Pages that could not be corrected. */
  uncorrectableErrors = 0;
  private readonly page: Uint8Array;
  private readonly spare: Uint8Array | undefined;
  private readonly tagScratch = new Uint8Array(TAG_BYTES);
  /** The tag of the last write, its owner fields, and its ECC code (reused while they repeat). */
  private readonly writeTag = new Uint8Array(TAG_BYTES);
  private readonly tagWritten = { kind: -1, level: -1, a: -1, b: -1 };
  private readonly writeTagCode = new Uint8Array(eccBytes(TAG_BYTES));

  constructor(device: FlashDevice) {
    this.device = device;
    const g = device.geometry;
    this.geometry = g;
    this.hasSpare = g.kind === 'nand';
    this.onDieEcc = this.hasSpare && (g.onDieEccBits ?? 0) > 0;
    this.payloadBytes = this.hasSpare ? g.pageSizeBytes : g.pageSizeBytes - TAG_BYTES;
    if (this.hasSpare) {
      const need = SPARE_ECC_OFFSET + eccBytes(g.pageSizeBytes) + eccBytes(TAG_BYTES);
      assert(g.spareBytesPerPage >= need, 'spare area too small for tag and ECC');
    }
    this.page = new Uint8Array(g.pageSizeBytes);
    this.spare = this.hasSpare ? new Uint8Array(g.spareBytesPerPage) : undefined;
  }

  /** Splits a 64-bit page address. */
  blockOf(address: number): number {
    return Math.floor(address / this.geometry.pagesPerBlock);
  }

  /**
   * Programs one page: `payload` (at most payloadBytes, padded with 0xFF) under a tag.
   * Returns false on a program failure reported by the part.
   */
  write(address: number, payload: Uint8Array, kind: number, level: number, a: number, b: number): boolean {
    assert(payload.length <= this.payloadBytes, 'payload larger than a page');
    const g = this.geometry;
    // A whole NAND page is programmed straight from the caller's bytes (the part copies them into
    // its cells): no copy into the scratch page. Chunk frames are such pages all but the last;
    // measured on a 32 MiB chunked write (two runs, load 7): 0.46-0.48 -> 0.49-0.50 of raw BLAKE3.
    const page = this.hasSpare && payload.length === this.page.length ? payload : this.page;
    if (page !== payload) {
      page.set(payload);
      if (payload.length < page.length) page.fill(0xff, payload.length);
    }
    // The tag, its checksum and its code depend only on (kind, level, a, b), which every page of a
    // frame run shares: they are computed once per run, not once per page (a 32 MiB chunked write
    // took 5-17% longer computing them per page: median of 20 paired writes, two runs).
    const tag = this.writeTag;
    const tw = this.tagWritten;
    if (kind !== tw.kind || level !== tw.level || a !== tw.a || b !== tw.b) {
      tag[0] = kind;
      tag[1] = level;
      put16(tag, 2, 0);
      put64(tag, 8, a);
      put64(tag, 16, b);
      put32(tag, 4, tagCrc(tag));
      if (this.hasSpare && !this.onDieEcc) eccEncode(tag, this.writeTagCode, 0);
      tw.kind = kind;
      tw.level = level;
      tw.a = a;
      tw.b = b;
    }
    let spare: Uint8Array | undefined;
    if (this.hasSpare) {
      spare = this.spare!;
      spare.fill(0xff);
      spare.set(tag, SPARE_TAG_OFFSET);
      if (!this.onDieEcc) {
        // Raw NAND: the host's code, in the spare area. On-die ECC parts keep their own parity in
        // a hidden area; these bytes stay erased.
        eccEncode(page, spare, SPARE_ECC_OFFSET);
        spare.set(this.writeTagCode, SPARE_ECC_OFFSET + eccBytes(g.pageSizeBytes));
      }
    } else {
      page.set(tag, this.payloadBytes);
    }
    const block = Math.floor(address / g.pagesPerBlock);
    return this.device.program(block, address - block * g.pagesPerBlock, page, spare);
  }

  /**
   * Reads one page: payload into `out` (payloadBytes), the tag into `tag`. ECC corrects what it
   * can on NAND.
   */
  read(address: number, out: Uint8Array, tag?: PageTag): ReadStatus {
    const g = this.geometry;
    const block = Math.floor(address / g.pagesPerBlock);
    const page = this.page;
    const onDie = this.device.read(block, address - block * g.pagesPerBlock, page, this.spare);
    const t = this.tagScratch;
    let status: ReadStatus = ReadStatus.Ok;
    if (this.hasSpare) {
      const spare = this.spare!;
      t.set(spare.subarray(SPARE_TAG_OFFSET, SPARE_TAG_OFFSET + TAG_BYTES));
      if (t[0] === 0xff && isAllFF(page) && isAllFF(spare)) status = ReadStatus.Erased;
      else if (this.onDieEcc) {
        if (onDie === OnDieEccStatus.Uncorrectable) {
          status = ReadStatus.Uncorrectable;
          this.uncorrectableErrors++;
        } else if (onDie === OnDieEccStatus.Corrected) {
          status = ReadStatus.Corrected;
          this.correctedErrors++;
        }
      } else {
        const r1 = eccCorrect(page, spare, SPARE_ECC_OFFSET);
        const r2 = eccCorrect(t, spare, SPARE_ECC_OFFSET + eccBytes(g.pageSizeBytes));
        if (r1 === EccResult.Uncorrectable || r2 === EccResult.Uncorrectable) {
          status = ReadStatus.Uncorrectable;
          this.uncorrectableErrors++;
        } else if (r1 === EccResult.Corrected || r2 === EccResult.Corrected) {
          status = ReadStatus.Corrected;
          this.correctedErrors++;
        }
      }
    } else {
      t.set(page.subarray(this.payloadBytes, this.payloadBytes + TAG_BYTES));
      if (isAllFF(page)) status = ReadStatus.Erased;
    }
    out.set(page.subarray(0, this.payloadBytes));
    if (tag) {
      tag.kind = t[0];
      tag.level = t[1];
      tag.valid = u32(t, 4) === tagCrc(t);
      tag.a = tag.valid ? safeU64(t, 8) : 0;
      tag.b = tag.valid ? safeU64(t, 16) : 0;
    }
    return status;
  }

  /** Capacity of a metadata page body. */
  get metaBodyBytes(): number {
    return this.payloadBytes - META_HEADER_BYTES;
  }

  /**
   * Writes a metadata page and its mirror at `address` and `address + 1` (same block).
   * Returns false on a program failure.
   */
  writeMeta(
    address: number,
    magic: number,
    body: Uint8Array,
    bodyBytes: number,
    kind: number,
    a: number,
  ): boolean {
    assert(bodyBytes <= this.metaBodyBytes, 'metadata body larger than a page');
    assert(address % 2 === 0, 'metadata pairs start on even pages');
    const buf = new Uint8Array(META_HEADER_BYTES + bodyBytes);
    put32(buf, 0, magic);
    put32(buf, 4, bodyBytes);
    put16(buf, 12, FORMAT_VERSION);
    put16(buf, 14, 0);
    buf.set(body.subarray(0, bodyBytes), META_HEADER_BYTES);
    put32(buf, 8, metaCrc(buf));
    if (!this.write(address, buf, kind, 0, a, 0)) return false;
    return this.write(address + 1, buf, kind, 1, a, 0);
  }

  /**
   * Reads a metadata pair: the primary copy, or the mirror when the primary is damaged. Returns
   * the body (a fresh array) or null when neither copy is valid. `repaired` tells the caller the
   * primary was bad.
   */
  readMeta(address: number, magic: number, status?: { repaired: boolean }): Uint8Array | null {
    const out = new Uint8Array(this.payloadBytes);
    for (let copy = 0; copy < 2; copy++) {
      const s = this.read(address + copy, out);
      if (s === ReadStatus.Erased || s === ReadStatus.Uncorrectable) continue;
      if (u32(out, 0) !== magic) continue;
      const n = u32(out, 4);
      if (n > this.metaBodyBytes) continue;
      if (u32(out, 8) !== metaCrc(out.subarray(0, META_HEADER_BYTES + n))) continue;
      if (status) status.repaired = copy === 1;
      return out.slice(META_HEADER_BYTES, META_HEADER_BYTES + n);
    }
    return null;
  }
}

function isAllFF(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) return false;
  return true;
}

function safeU64(b: Uint8Array, at: number): number {
  return u32(b, at) < 0x20_0000 ? u64(b, at) : 0;
}

const tagCrcScratch = new Uint8Array(20);
function tagCrc(tag: Uint8Array): number {
  // Over bytes 0-3 and 8-23 (the checksum field itself excluded), in one reused scratch array.
  const t = tagCrcScratch;
  t.set(tag.subarray(0, 4), 0);
  t.set(tag.subarray(8, 24), 4);
  return crc32c(t);
}

function metaCrc(buf: Uint8Array): number {
  // Over the header without its checksum field (bytes 0-7, 12-15) and the body.
  const saved = u32(buf, 8);
  put32(buf, 8, 0);
  const c = crc32c(buf);
  put32(buf, 8, saved);
  return c;
}

/** Reads the u16 at `at` (re-exported for record decoders). */
export const readU16 = u16;
