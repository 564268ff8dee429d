/**
 * `EmulatedFlash`: a fault injector around {@link MemoryFlash}. It cuts power after a set number of
 * program/erase operations (the operation in flight completes, does nothing, or is torn), can
 * persist the writes since the last barrier out of order, flips bits on read, carries factory bad
 * blocks, wears blocks out, and counts every read, program and erase per block.
 */
import { PowerCutError } from '../errors.js';
import { type Random, randomInt, seededRandom } from '../random.js';
import { checkAddress, type FlashDevice, OnDieEccStatus } from './flash.js';
import type { FlashGeometry } from './geometry.js';
import type { BlockSnapshot, MemoryFlash } from './memory.js';

/** What happens to the operation in flight when power is cut. */
export type CutMode = 'complete' | 'nothing' | 'torn';

/** Fault settings of an {@link EmulatedFlash}. */
export interface EmulatedFlashOptions {
  /** Seed of every random choice the injector makes (default 1). */
  seed?: number;
  /** Probability that a page read returns one flipped bit (correctable on NAND). Default 0. */
  bitFlipRate?: number;
  /** Blocks marked bad before first use. */
  factoryBadBlocks?: readonly number[];
  /** When true, a block whose erase count passes the budget fails erases and some programs. */
  wearOut?: boolean;
  /** Probability that a program on a worn-out block fails (default 0.25). */
  wornProgramFailRate?: number;
}

/** Per-block and total operation counters. */
export interface FlashCounters {
  /** Page reads. */
  reads: number;
  /** Page programs. */
  programs: number;
  /** Block erases. */
  erases: number;
  /** Bytes read (main and spare areas). */
  bytesRead: number;
  /** Bytes programmed (main and spare areas). */
  bytesProgrammed: number;
  /** Bytes erased (whole blocks, main and spare). */
  bytesErased: number;
  /** Write barriers. */
  syncs: number;
}

interface Pending {
  kind: 'program' | 'erase';
  block: number;
  page: number;
  data: Uint8Array | null;
  spare: Uint8Array | null;
}

/**
 * Raw flash with injected faults and exact counters.
 *
 * @example
 * ```ts
 * const flash = new EmulatedFlash(new MemoryFlash(GEOMETRIES['spi-nand']), { seed: 7 });
 * flash.cutPowerAfter(100, 'torn');
 * ```
 */
export class EmulatedFlash implements FlashDevice {
  /** The part's shape. */
  readonly geometry: FlashGeometry;
  /** The RAM part underneath (its contents survive power cuts). */
  readonly inner: MemoryFlash;
  /** Page reads per block. */
  readonly readsPerBlock: Uint32Array;
  /** Page programs per block. */
  readonly programsPerBlock: Uint32Array;
  /** Erases per block performed through this injector. */
  readonly erasesPerBlock: Uint32Array;
  /** Totals since construction or {@link resetCounters}. */
  readonly counters: FlashCounters = emptyCounters();
  /** Probability that a page read returns one flipped bit. */
  bitFlipRate: number;
  /** Whether worn-out blocks fail. */
  wearOut: boolean;
  /** Single-bit flips injected on read so far. */
  flipsInjected = 0;
  private readonly random: Random;
  private readonly wornProgramFailRate: number;
  private operations = 0;
  private cutAt = -1;
  private cutMode: CutMode = 'complete';
  private reorder = false;
  private powered = true;
  private pending: Pending[] = [];
  private snapshots = new Map<number, BlockSnapshot>();

  /**
   * @param inner the RAM part to wrap
   * @param options the faults to inject
   */
  constructor(inner: MemoryFlash, options: EmulatedFlashOptions = {}) {
    this.inner = inner;
    this.geometry = inner.geometry;
    const n = inner.geometry.blockCount;
    this.readsPerBlock = new Uint32Array(n);
    this.programsPerBlock = new Uint32Array(n);
    this.erasesPerBlock = new Uint32Array(n);
    this.random = seededRandom(options.seed ?? 1);
    this.bitFlipRate = options.bitFlipRate ?? 0;
    this.wearOut = options.wearOut ?? false;
    this.wornProgramFailRate = options.wornProgramFailRate ?? 0.25;
    for (const b of options.factoryBadBlocks ?? []) {
      checkAddress(this.geometry, b);
      inner.markBad(b);
    }
  }

  /** Program and erase operations performed so far (the count power cuts are scheduled on). */
  get operationCount(): number {
    return this.operations;
  }

  /** False between a power cut and {@link restorePower}. */
  get hasPower(): boolean {
    return this.powered;
  }

  /**
   * Cuts power when `count` more program/erase operations have completed: the next one is in
   * flight and, by `mode`, completes, does nothing, or is torn. With `reorder`, the operations since
   * the last barrier persist as a random subset (pages of a block out of order).
   */
  cutPowerAfter(count: number, mode: CutMode = 'torn', reorder = false): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count: a non-negative integer');
    this.cutAt = this.operations + count;
    this.cutMode = mode;
    this.reorder = reorder;
    this.pending = [];
    this.snapshots.clear();
  }

  /** Cancels a scheduled power cut. */
  cancelPowerCut(): void {
    this.cutAt = -1;
    this.reorder = false;
    this.pending = [];
    this.snapshots.clear();
  }

  /** Powers the part back on after a cut (the RAM state of the user is gone; the flash is not). */
  restorePower(): void {
    this.powered = true;
    this.cutAt = -1;
    this.reorder = false;
    this.pending = [];
    this.snapshots.clear();
  }

  /** Zeroes every counter. */
  resetCounters(): void {
    this.readsPerBlock.fill(0);
    this.programsPerBlock.fill(0);
    this.erasesPerBlock.fill(0);
    Object.assign(this.counters, emptyCounters());
  }

  /**
   * Reads a page, maybe with one flipped bit. On a part with on-die ECC the part corrects that one
   * bit itself (every on-die code corrects at least one per sector) and reports it corrected.
   */
  read(block: number, page: number, data: Uint8Array, spare?: Uint8Array): OnDieEccStatus | undefined {
    this.checkPower();
    let status = this.inner.read(block, page, data, spare);
    this.readsPerBlock[block]++;
    this.counters.reads++;
    this.counters.bytesRead += data.length + (spare?.length ?? 0);
    if (this.bitFlipRate > 0 && this.random.nextU32() / 0x1_0000_0000 < this.bitFlipRate) {
      const bits = (data.length + (spare?.length ?? 0)) * 8;
      const bit = randomInt(this.random, bits);
      this.flipsInjected++;
      if (this.geometry.onDieEccBits) {
        if (status === OnDieEccStatus.Clean) status = OnDieEccStatus.Corrected;
      } else if (bit < data.length * 8) data[bit >>> 3] ^= 1 << (bit & 7);
      else if (spare) spare[(bit >>> 3) - data.length] ^= 1 << (bit & 7);
    }
    return status;
  }

  /** Programs a page (subject to the power-cut schedule and wear-out). */
  program(block: number, page: number, data: Uint8Array, spare?: Uint8Array): boolean {
    this.checkPower();
    checkAddress(this.geometry, block, page);
    const inFlight = this.beginOperation();
    if (inFlight && this.cutMode === 'nothing') return this.cut();
    if (inFlight && this.cutMode === 'torn') {
      this.tornProgram(block, page, data, spare);
      return this.cut();
    }
    if (this.wearOut && this.inner.eraseCounts[block] >= this.geometry.eraseBudget) {
      if (this.random.nextU32() / 0x1_0000_0000 < this.wornProgramFailRate) {
        // A failed program leaves the page partially programmed, as real parts do.
        this.tornProgram(block, page, data, spare);
        this.count(block, 'program', data.length + (spare?.length ?? 0));
        return this.finish(inFlight, false);
      }
    }
    this.remember(block);
    const ok = this.inner.program(block, page, data, spare);
    if (this.reorder)
      this.pending.push({ kind: 'program', block, page, data: data.slice(), spare: spare?.slice() ?? null });
    this.count(block, 'program', data.length + (spare?.length ?? 0));
    return this.finish(inFlight, ok);
  }

  /** Erases a block (subject to the power-cut schedule and wear-out). */
  erase(block: number): boolean {
    this.checkPower();
    checkAddress(this.geometry, block);
    const inFlight = this.beginOperation();
    if (inFlight && this.cutMode === 'nothing') return this.cut();
    if (inFlight && this.cutMode === 'torn') {
      this.remember(block);
      for (let p = 0; p < this.geometry.pagesPerBlock; p++)
        if (this.random.nextU32() & 1) this.inner.erasePageRaw(block, p);
      return this.cut();
    }
    if (this.wearOut && this.inner.eraseCounts[block] >= this.geometry.eraseBudget) {
      this.count(block, 'erase', 0);
      return this.finish(inFlight, false);
    }
    this.remember(block);
    const ok = this.inner.erase(block);
    if (this.reorder) this.pending.push({ kind: 'erase', block, page: 0, data: null, spare: null });
    this.count(
      block,
      'erase',
      this.geometry.pagesPerBlock * (this.geometry.pageSizeBytes + this.geometry.spareBytesPerPage),
    );
    return this.finish(inFlight, ok);
  }

  /** True when the block is marked bad. */
  isBad(block: number): boolean {
    this.checkPower();
    return this.inner.isBad(block);
  }

  /** Marks a block bad. */
  markBad(block: number): void {
    this.checkPower();
    this.inner.markBad(block);
  }

  /** Barrier: everything before it is durable and can no longer be reordered. */
  sync(): void {
    this.checkPower();
    this.counters.syncs++;
    this.inner.sync();
    this.pending = [];
    this.snapshots.clear();
  }

  private checkPower(): void {
    if (!this.powered) throw new PowerCutError(this.operations);
  }

  private beginOperation(): boolean {
    const inFlight = this.cutAt >= 0 && this.operations === this.cutAt;
    this.operations++;
    return inFlight;
  }

  private finish(inFlight: boolean, ok: boolean): boolean {
    if (inFlight) return this.cut();
    return ok;
  }

  private cut(): never {
    this.powered = false;
    if (this.reorder && this.pending.length > 0) {
      // Roll every touched block back to its state at the last barrier, then persist a random
      // subset of the operations since, in their order but with holes: a later page may survive
      // while an earlier one of the same block is lost.
      for (const [block, snap] of this.snapshots) this.inner.restoreBlock(block, snap);
      for (const op of this.pending) {
        if ((this.random.nextU32() & 1) === 0) continue;
        if (op.kind === 'erase') {
          for (let p = 0; p < this.geometry.pagesPerBlock; p++) this.inner.erasePageRaw(op.block, p);
        } else {
          this.inner.writeRaw(op.block, op.page, op.data!, op.spare ?? undefined);
        }
      }
    }
    this.pending = [];
    this.snapshots.clear();
    throw new PowerCutError(this.operations);
  }

  private remember(block: number): void {
    if (this.reorder && !this.snapshots.has(block))
      this.snapshots.set(block, this.inner.snapshotBlock(block));
  }

  private tornProgram(block: number, page: number, data: Uint8Array, spare?: Uint8Array): void {
    // A torn program: a random prefix of the bytes reached their new value, one byte half-way.
    const total = data.length + (spare?.length ?? 0);
    const reached = randomInt(this.random, total + 1);
    const d = new Uint8Array(data.length).fill(0xff);
    const s = spare ? new Uint8Array(spare.length).fill(0xff) : undefined;
    for (let i = 0; i < reached; i++) {
      if (i < data.length) d[i] = data[i];
      else s![i - data.length] = spare![i - data.length];
    }
    if (reached < data.length) d[reached] = data[reached] | (this.random.nextU32() & 0xff);
    this.remember(block);
    this.inner.writeRaw(block, page, d, s);
  }

  private count(block: number, kind: 'program' | 'erase', bytes: number): void {
    if (kind === 'program') {
      this.programsPerBlock[block]++;
      this.counters.programs++;
      this.counters.bytesProgrammed += bytes;
    } else {
      this.erasesPerBlock[block]++;
      this.counters.erases++;
      this.counters.bytesErased += bytes;
    }
  }
}

function emptyCounters(): FlashCounters {
  return { reads: 0, programs: 0, erases: 0, bytesRead: 0, bytesProgrammed: 0, bytesErased: 0, syncs: 0 };
}
