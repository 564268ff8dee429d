/**
 * `MemoryFlash`: a raw flash part in RAM that enforces the flash rules. Blocks are allocated on
 * first program, so a 4 GiB geometry costs only what is written.
 */
import { checkAddress, type FlashDevice, FlashRuleError } from './flash.js';
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

  /** @param geometry the part to model */
  constructor(geometry: FlashGeometry) {
    this.geometry = checkGeometry(geometry);
    this.stride = geometry.pageSizeBytes + geometry.spareBytesPerPage;
    this.blocks = new Array(geometry.blockCount).fill(null);
    this.lastProgrammed = new Int32Array(geometry.blockCount).fill(-1);
    this.bad = new Uint8Array(geometry.blockCount);
    this.eraseCounts = new Uint32Array(geometry.blockCount);
  }

  /** Reads one page (and its spare area). */
  read(block: number, page: number, data: Uint8Array, spare?: Uint8Array): void {
    checkAddress(this.geometry, block, page);
    const g = this.geometry;
    const mem = this.blocks[block];
    if (mem === null) {
      data.fill(0xff, 0, g.pageSizeBytes);
      spare?.fill(0xff, 0, g.spareBytesPerPage);
      return;
    }
    const at = page * this.stride;
    data.set(mem.subarray(at, at + g.pageSizeBytes));
    spare?.set(mem.subarray(at + g.pageSizeBytes, at + this.stride));
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
    if (g.kind === 'nor') {
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
    this.blocks[block] = null;
    if (this.shared) this.shared[block] = 0;
    this.lastProgrammed[block] = -1;
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
    for (let i = 0; i < data.length; i++) mem[at + i] &= data[i];
    if (spare) for (let i = 0; i < spare.length; i++) mem[at + this.geometry.pageSizeBytes + i] &= spare[i];
    if (page > this.lastProgrammed[block]) this.lastProgrammed[block] = page;
  }

  /** Sets every bit of one page back to 1 (a torn erase that reached this page). */
  erasePageRaw(block: number, page: number): void {
    const mem = this.blocks[block] === null ? null : this.block(block);
    if (mem !== null) mem.fill(0xff, page * this.stride, (page + 1) * this.stride);
  }

  /** Flips one bit of the stored contents (a cell that lost or gained charge). */
  flipStoredBit(block: number, page: number, bitIndex: number): void {
    const mem = this.block(block);
    const at = page * this.stride + (bitIndex >>> 3);
    mem[at] ^= 1 << (bitIndex & 7);
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
    c.lastProgrammed.set(this.lastProgrammed);
    c.bad.set(this.bad);
    c.eraseCounts.set(this.eraseCounts);
    return c;
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
      mem = new Uint8Array(this.geometry.pagesPerBlock * this.stride).fill(0xff);
      this.blocks[block] = mem;
    }
    return mem;
  }
}
