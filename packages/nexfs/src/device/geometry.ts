/**
 * Flash geometry: the shape of a raw NAND or NOR part, and the named geometries nexfs is tested on.
 */

/** The shape and endurance of a raw flash part. */
export interface FlashGeometry {
  /** NAND (pages programmed once per erase, in order, with a spare area) or NOR (bitwise programs). */
  readonly kind: 'nand' | 'nor';
  /** Bytes in one program unit (the main area of a NAND page, the program buffer of a NOR part). */
  readonly pageSizeBytes: number;
  /** Pages in one erase block (NAND block, NOR sector). */
  readonly pagesPerBlock: number;
  /** Erase blocks in the part. */
  readonly blockCount: number;
  /** Spare (out-of-band) bytes per page; 0 for NOR. */
  readonly spareBytesPerPage: number;
  /** Erase cycles a block is rated for before it may start failing. */
  readonly eraseBudget: number;
  /**
   * ECC inside the part (NAND only): bit errors it corrects per 512-byte sector of a page, as SPI
   * NAND parts with on-die ECC specify (1 to 8 in common datasheets). The part corrects up to this
   * many flipped bits per sector on every read and reports the page uncorrectable beyond; the host
   * then writes no ECC of its own. Absent or 0: raw NAND, whose errors the host corrects (nexfs's
   * SEC-DED code in the spare area). The mode is a property of the part, not recorded on flash:
   * an image written on an on-die part carries no host code, so mounted as raw NAND its pages read
   * as uncorrectable and the mount is refused; a raw image reads on an on-die part (its host code
   * is ignored).
   */
  readonly onDieEccBits?: number;
}

/** Names of the built-in geometries. */
export type GeometryName = 'tiny-nor' | 'nor-4m' | 'spi-nand' | 'spi-nand-ecc' | 'nand-large';

/**
 * The built-in geometries, from a microcontroller-class image to a 4 GiB raw NAND:
 *
 * | name         | kind | page    | spare | pages/block | blocks | size    | budget  |
 * |--------------|------|---------|-------|-------------|--------|---------|---------|
 * | `tiny-nor`   | NOR  | 512 B   | 0     | 8 (4 KiB)   | 64     | 256 KiB | 100,000 |
 * | `nor-4m`     | NOR  | 512 B   | 0     | 8 (4 KiB)   | 1024   | 4 MiB   | 100,000 |
 * | `spi-nand`   | NAND | 2 KiB   | 64 B  | 64          | 1024   | 128 MiB | 100,000 |
 * | `spi-nand-ecc` | NAND, on-die ECC 8 bits/512 B | 2 KiB | 64 B | 64 | 1024 | 128 MiB | 100,000 |
 * | `nand-large` | NAND | 4 KiB   | 224 B | 256         | 4096   | 4 GiB   | 3,000   |
 *
 * NOR figures follow serial NOR parts with 4 KiB sectors and a 512-byte program buffer; the SPI
 * NAND is the common 1 Gbit SLC part (2 KiB + 64 B, 64 pages per block, 1024 blocks), raw or with
 * the 8-bit-per-512-byte on-die ECC of parts such as GigaDevice GD5F1GQ4 or Micron MT29F1G01; the large
 * NAND is a 32 Gbit MLC die (4 KiB + 224 B, 256 pages per block, 4096 blocks, 3k cycles).
 *
 * @example
 * ```ts
 * const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
 * ```
 */
export const GEOMETRIES: Readonly<Record<GeometryName, FlashGeometry>> = {
  'tiny-nor': {
    kind: 'nor',
    pageSizeBytes: 512,
    pagesPerBlock: 8,
    blockCount: 64,
    spareBytesPerPage: 0,
    eraseBudget: 100_000,
  },
  'nor-4m': {
    kind: 'nor',
    pageSizeBytes: 512,
    pagesPerBlock: 8,
    blockCount: 1024,
    spareBytesPerPage: 0,
    eraseBudget: 100_000,
  },
  'spi-nand': {
    kind: 'nand',
    pageSizeBytes: 2048,
    pagesPerBlock: 64,
    blockCount: 1024,
    spareBytesPerPage: 64,
    eraseBudget: 100_000,
  },
  'spi-nand-ecc': {
    kind: 'nand',
    pageSizeBytes: 2048,
    pagesPerBlock: 64,
    blockCount: 1024,
    spareBytesPerPage: 64,
    eraseBudget: 100_000,
    onDieEccBits: 8,
  },
  'nand-large': {
    kind: 'nand',
    pageSizeBytes: 4096,
    pagesPerBlock: 256,
    blockCount: 4096,
    spareBytesPerPage: 224,
    eraseBudget: 3_000,
  },
};

/**
 * Checks a geometry and returns it; throws a `RangeError`/`TypeError` naming the bad field.
 *
 * @example
 * ```ts
 * const g = checkGeometry({ ...GEOMETRIES['spi-nand'], blockCount: 256 });
 * ```
 */
export function checkGeometry(g: FlashGeometry): FlashGeometry {
  if (typeof g !== 'object' || g === null) throw new TypeError('geometry: expected an object');
  if (g.kind !== 'nand' && g.kind !== 'nor') throw new TypeError("geometry.kind: expected 'nand' or 'nor'");
  const pow2 = (v: number) => Number.isInteger(v) && v > 0 && (v & (v - 1)) === 0;
  if (!pow2(g.pageSizeBytes) || g.pageSizeBytes < 512 || g.pageSizeBytes > 65536)
    throw new RangeError('geometry.pageSizeBytes: a power of two from 512 to 65536');
  if (!pow2(g.pagesPerBlock) || g.pagesPerBlock < 4 || g.pagesPerBlock > 4096)
    throw new RangeError('geometry.pagesPerBlock: a power of two from 4 to 4096');
  if (!Number.isInteger(g.blockCount) || g.blockCount < 16 || g.blockCount > 1 << 24)
    throw new RangeError('geometry.blockCount: an integer from 16 to 2^24');
  if (!Number.isInteger(g.spareBytesPerPage) || g.spareBytesPerPage < 0 || g.spareBytesPerPage > 4096)
    throw new RangeError('geometry.spareBytesPerPage: an integer from 0 to 4096');
  if (g.kind === 'nand' && g.spareBytesPerPage < 32)
    throw new RangeError('geometry.spareBytesPerPage: NAND needs at least 32 spare bytes per page');
  if (!Number.isInteger(g.eraseBudget) || g.eraseBudget < 1)
    throw new RangeError('geometry.eraseBudget: a positive integer');
  const onDie = g.onDieEccBits;
  if (onDie !== undefined && (!Number.isInteger(onDie) || onDie < 0 || onDie > 16))
    throw new RangeError('geometry.onDieEccBits: an integer from 0 to 16');
  if (onDie && g.kind !== 'nand')
    throw new RangeError('geometry.onDieEccBits: only NAND parts have on-die ECC');
  return g;
}
