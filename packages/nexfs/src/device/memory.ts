/**
 * `MemoryFlash`: a raw flash part in RAM that enforces the flash rules. Blocks are allocated on
 * first program, so a 4 GiB geometry costs only what is written.
 */
import { checkAddress, type FlashDevice, FlashRuleError, OnDieEccStatus } from './flash.js';
import { checkGeometry, type FlashGeometry } from './geometry.js';

/** A copy of one block's contents and program pointer. */
export interface BlockSnapshot {
  /** The block's bytes (pages with their spare areas), or null when erased. */
  data: Uint8Array | null;
  /** The last programmed page, -1 when none. */
  last: number;
}

/**
 * Raw flash in RAM, enforcing: erased reads give 0xFF; NAND pages are programmed once per erase and
 * in increasing order inside a block; NOR programs only clear bits.
 *
 * @example
 * ```ts
 * const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
 * flash.erase(5);
 * flash.program(5, 0, new Uint8Array(2048), new Uint8Array(64).fill(0xff));
 * ```
 */
export class MemoryFlash implements FlashDevice {
  /** The part's shape. */
  readonly geometry: FlashGeometry;
  /** Erases each block has undergone (physical wear). */
  readonly eraseCounts: Uint32Array;
  private readonly stride: number;
  private readonly blocks: (Uint8Array | null)[];
  private readonly lastProgrammed: Int32Array;
  private readonly bad: Uint8Array;
  /** 1 where the block's bytes are shared with the part this one was forked from. */
  private shared: Uint8Array | null = null;
  /** 1 where the block's bytes were lent to a fork (they must not be recycled on erase). */
  private lent: Uint8Array | null = null;
  /**
   * 1 where every page after the last programmed one is known to be erased (all 0xFF), so a
   * program there is a plain copy instead of an AND into the cells (measured below, `andInto`).
   * Cleared by anything that may leave charge in an unprogrammed page.
   */
  private readonly clean: Uint8Array;
  /** Erased block buffers kept for reuse (at most {@link POOL_LIMIT_BYTES}): no allocation and GC. */
  private readonly pool: Uint8Array[] = [];
  /**
   * On-die ECC model: the cells flipped since they were programmed, per page address (block *
   * pagesPerBlock + page), as bit indexes into the page and its spare area. The part's own parity
   * covers what was programmed, so a read corrects these while a sector holds at most
   * `onDieEccBits` of them. Empty for raw parts (their flips are the host's to correct).
   */
  private flips = new Map<number, number[]>();

  /** @param geometry the part to model */
  constructor(geometry: FlashGeometry) {
    this.geometry = checkGeometry(geometry);
    this.stride = geometry.pageSizeBytes + geometry.spareBytesPerPage;
    this.blocks = new Array(geometry.blockCount).fill(null);
    this.lastProgrammed = new Int32Array(geometry.blockCount).fill(-1);
    this.bad = new Uint8Array(geometry.blockCount);
    this.eraseCounts = new Uint32Array(geometry.blockCount);
    this.clean = new Uint8Array(geometry.blockCount);
  }

  /** Reads one page (and its spare area); a part with on-die ECC returns its correction status. */
  read(block: number, page: number, data: Uint8Array, spare?: Uint8Array): OnDieEccStatus | undefined {
    checkAddress(this.geometry, block, page);
    const g = this.geometry;
    const mem = this.blocks[block];
    if (mem === null) {
      data.fill(0xff, 0, g.pageSizeBytes);
      spare?.fill(0xff, 0, g.spareBytesPerPage);
      return g.onDieEccBits ? OnDieEccStatus.Clean : undefined;
    }
    const at = page * this.stride;
    data.set(mem.subarray(at, at + g.pageSizeBytes));
    spare?.set(mem.subarray(at + g.pageSizeBytes, at + this.stride));
    if (!g.onDieEccBits) return undefined;
    return this.correctOnDie(block * g.pagesPerBlock + page, data, spare);
  }

  /**
   * The part's on-die ECC on a page just read: flipped cells are put back when every 512-byte
   * sector of the main area (and the spare area, which the part protects as one more sector) holds
   * at most `onDieEccBits` of them; otherwise the page is reported uncorrectable as stored.
   */
  private correctOnDie(address: number, data: Uint8Array, spare?: Uint8Array): OnDieEccStatus {
    const bits = this.flips.get(address);
    if (bits === undefined || bits.length === 0) return OnDieEccStatus.Clean;
    const g = this.geometry;
    const perSector = new Map<number, number>();
    for (const bit of bits) {
      const sector = Math.min(bit >>> 12, g.pageSizeBytes >>> 9); // 4096 bits per 512 B; spare last
      perSector.set(sector, (perSector.get(sector) ?? 0) + 1);
    }
    for (const n of perSector.values()) if (n > (g.onDieEccBits ?? 0)) return OnDieEccStatus.Uncorrectable;
    for (const bit of bits) {
      const byte = bit >>> 3;
      if (byte < g.pageSizeBytes) data[byte] ^= 1 << (bit & 7);
      else if (spare) spare[byte - g.pageSizeBytes] ^= 1 << (bit & 7);
    }
    return OnDieEccStatus.Corrected;
  }

  /** Programs one page, enforcing the NAND or NOR program rule. */
  program(block: number, page: number, data: Uint8Array, spare?: Uint8Array): boolean {
    checkAddress(this.geometry, block, page);
    const g = this.geometry;
    if (data.length !== g.pageSizeBytes)
      throw new RangeError(`data: ${data.length} bytes, the page holds ${g.pageSizeBytes}`);
    if (spare !== undefined && spare.length !== g.spareBytesPerPage)
      throw new RangeError(`spare: ${spare.length} bytes, the spare area holds ${g.spareBytesPerPage}`);
    if (g.kind === 'nand' && page <= this.lastProgrammed[block])
      throw new FlashRuleError(
        `NAND block ${block}: page ${page} programmed after page ${this.lastProgrammed[block]} (once per erase, in order)`,
      );
    const mem = this.block(block);
    const at = page * this.stride;
    if (g.kind === 'nor' && !(this.clean[block] && page > this.lastProgrammed[block])) {
      for (let i = 0; i < data.length; i++) {
        if ((mem[at + i] & data[i]) !== data[i])
          throw new FlashRuleError(
            `NOR block ${block} page ${page}: program would turn a 0 bit into 1 at byte ${i}`,
          );
      }
    }
    this.writeRaw(block, page, data, spare);
    return true;
  }

  /** Erases one block. */
  erase(block: number): boolean {
    checkAddress(this.geometry, block);
    const mem = this.blocks[block];
    if (
      mem !== null &&
      !this.shared?.[block] &&
      !this.lent?.[block] &&
      (this.pool.length + 1) * mem.length <= POOL_LIMIT_BYTES
    )
      this.pool.push(mem);
    this.blocks[block] = null;
    if (this.shared) this.shared[block] = 0;
    if (this.lent) this.lent[block] = 0;
    this.lastProgrammed[block] = -1;
    if (this.flips.size > 0) this.forgetFlips(block);
    this.eraseCounts[block]++;
    return true;
  }

  /** True when the block is marked bad. */
  isBad(block: number): boolean {
    checkAddress(this.geometry, block);
    return this.bad[block] !== 0;
  }

  /** Marks the block bad. */
  markBad(block: number): void {
    checkAddress(this.geometry, block);
    this.bad[block] = 1;
  }

  /** RAM is durable at once: nothing to wait for. */
  sync(): void {}

  /**
   * Writes a page's bytes without checking rules (AND-ing into the cell contents, as charge only
   * leaves a cell on program). Used by the fault injector to persist pages out of order.
   */
  writeRaw(block: number, page: number, data: Uint8Array, spare?: Uint8Array): void {
    const mem = this.block(block);
    const at = page * this.stride;
    if (this.clean[block] && page > this.lastProgrammed[block]) {
      mem.set(data, at); // the cells are erased: AND-ing into 0xFF is a copy
      if (spare) mem.set(spare, at + this.geometry.pageSizeBytes);
    } else {
      andInto(mem, at, data);
      if (spare) andInto(mem, at + this.geometry.pageSizeBytes, spare);
    }
    if (page > this.lastProgrammed[block]) this.lastProgrammed[block] = page;
  }

  /** Sets every bit of one page back to 1 (a torn erase that reached this page). */
  erasePageRaw(block: number, page: number): void {
    const mem = this.blocks[block] === null ? null : this.block(block);
    if (mem !== null) mem.fill(0xff, page * this.stride, (page + 1) * this.stride);
    this.flips.delete(block * this.geometry.pagesPerBlock + page);
  }

  /** Flips one bit of the stored contents (a cell that lost or gained charge). */
  flipStoredBit(block: number, page: number, bitIndex: number): void {
    const mem = this.block(block);
    const at = page * this.stride + (bitIndex >>> 3);
    mem[at] ^= 1 << (bitIndex & 7);
    if (page > this.lastProgrammed[block]) this.clean[block] = 0;
    if (this.geometry.onDieEccBits) {
      const address = block * this.geometry.pagesPerBlock + page;
      const bits = this.flips.get(address) ?? [];
      const k = bits.indexOf(bitIndex);
      if (k >= 0)
        bits.splice(k, 1); // flipped back: the cell holds its programmed value again
      else bits.push(bitIndex);
      this.flips.set(address, bits);
    }
  }

  /** A copy of a block's contents and program pointer, for {@link restoreBlock}. */
  snapshotBlock(block: number): BlockSnapshot {
    const mem = this.blocks[block];
    return { data: mem === null ? null : mem.slice(), last: this.lastProgrammed[block] };
  }

  /** Puts back a block captured by {@link snapshotBlock}. */
  restoreBlock(block: number, snap: BlockSnapshot): void {
    this.blocks[block] = snap.data === null ? null : snap.data.slice();
    if (this.shared) this.shared[block] = 0;
    if (this.lent) this.lent[block] = 0;
    this.clean[block] = 0; // not known: the unprogrammed pages keep the snapshot's bytes
    this.lastProgrammed[block] = snap.last;
  }

  /** A deep copy of the whole part (contents, marks and wear). */
  clone(): MemoryFlash {
    const c = new MemoryFlash(this.geometry);
    for (let b = 0; b < this.blocks.length; b++) {
      const mem = this.blocks[b];
      c.blocks[b] = mem === null ? null : mem.slice();
    }
    c.lastProgrammed.set(this.lastProgrammed);
    c.bad.set(this.bad);
    c.eraseCounts.set(this.eraseCounts);
    c.clean.set(this.clean);
    for (const [address, bits] of this.flips) c.flips.set(address, bits.slice());
    return c;
  }

  /**
   * A copy-on-write copy: blocks are shared until the fork writes them.
   * The parent must not be written while a fork is in use (the power-loss runner forks a part at
   * every cut point, checks the fork, and drops it before the parent moves on).
   */
  fork(): MemoryFlash {
    const c = new MemoryFlash(this.geometry);
    const shared = new Uint8Array(this.blocks.length);
    for (let b = 0; b < this.blocks.length; b++) {
      c.blocks[b] = this.blocks[b];
      if (this.blocks[b] !== null) shared[b] = 1;
    }
    c.shared = shared;
    this.lent = this.lent ?? new Uint8Array(this.blocks.length);
    for (let b = 0; b < this.blocks.length; b++) this.lent[b] |= shared[b];
    c.lastProgrammed.set(this.lastProgrammed);
    c.bad.set(this.bad);
    c.eraseCounts.set(this.eraseCounts);
    c.clean.set(this.clean);
    for (const [address, bits] of this.flips) c.flips.set(address, bits.slice());
    return c;
  }

  private forgetFlips(block: number): void {
    const ppb = this.geometry.pagesPerBlock;
    for (let p = 0; p < ppb; p++) this.flips.delete(block * ppb + p);
  }

  /** Bytes of RAM holding programmed blocks. */
  get residentBytes(): number {
    let n = 0;
    for (const mem of this.blocks) if (mem !== null) n += mem.length;
    return n;
  }

  private block(block: number): Uint8Array {
    let mem = this.blocks[block];
    if (mem && this.shared?.[block]) {
      mem = mem.slice();
      this.blocks[block] = mem;
      this.shared[block] = 0;
    }
    if (mem === null) {
      const reused = this.pool.pop();
      mem = reused === undefined ? new Uint8Array(this.geometry.pagesPerBlock * this.stride) : reused;
      mem.fill(0xff);
      this.blocks[block] = mem;
      this.clean[block] = 1;
    }
    return mem;
  }
}

/** Bytes of erased block buffers a part keeps for reuse. */
const POOL_LIMIT_BYTES = 16 << 20;
const LITTLE_ENDIAN = /* @__PURE__ */ (() => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)();
let srcBuffer: ArrayBufferLike | null = null;
let srcOffset = -1;
let srcWords: Int32Array<ArrayBufferLike> = new Int32Array(0);

/**
 * `mem[at + i] &= src[i]`: 32 bits at a time when both sides are word-aligned (every page buffer of
 * the filesystem is), byte by byte otherwise. Words: 0.96 ms/MiB vs 5.97 ms/MiB a byte at a time
 * (6x) on 2 KiB pages; the page program was 15% of a 32 MiB write through the filesystem. A
 * program into a page known to be erased is a plain copy instead (0.04-0.28 ms/MiB).
 */
function andInto(mem: Uint8Array, at: number, src: Uint8Array): void {
  const n = src.length;
  if (!LITTLE_ENDIAN || ((mem.byteOffset + at) | src.byteOffset | n) & 3) {
    for (let i = 0; i < n; i++) mem[at + i] &= src[i];
    return;
  }
  if (src.buffer !== srcBuffer || src.byteOffset !== srcOffset || srcWords.length !== n >> 2) {
    srcBuffer = src.buffer;
    srcOffset = src.byteOffset;
    srcWords = new Int32Array(src.buffer, src.byteOffset, n >> 2);
  }
  const dst = new Int32Array(mem.buffer, mem.byteOffset + at, n >> 2);
  const s = srcWords;
  for (let i = 0; i < s.length; i++) dst[i] &= s[i];
}
