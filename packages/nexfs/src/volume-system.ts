/**
 * System blocks of a volume: the superblock copies and the root register ring. The superblock is
 * rewritable (a generation number, copies replaced one at a time), which lets feature flags change
 * at run time and lets wear levelling move system blocks like any other block. DESIGN.md
 * ("Superblock", "Wear levelling") explains the procedures.
 */
import type { FlashDevice } from './device/flash.js';
import { NexfsError } from './errors.js';
import type { PageIO } from './layout.js';
import { BlockState, KNOWN_INCOMPAT_FLAGS, type Superblock } from './records.js';
import { copyWindow, type SuperblockCopies } from './superblock.js';
import { BlockSpace, Use, type VolumeOptions } from './volume-blocks.js';
import { RegisterRing } from './volume-register.js';

/** How many times a superblock rewrite moves a copy off a failing block before giving up. */
const REWRITE_ATTEMPTS = 8;

/**
 * Block space plus the system blocks; {@link Volume} adds the journal and checkpoints.
 */
export abstract class SystemSpace extends BlockSpace {
  protected readonly register: RegisterRing;
  protected copies!: SuperblockCopies;
  /** Superblock rewrites done by this mount. */
  superblockRewrites = 0;

  protected constructor(device: FlashDevice, io: PageIO, sb: Superblock, options: VolumeOptions) {
    super(device, io, sb, options);
    this.register = new RegisterRing(
      io,
      () => this.sb.registerBlocks,
      (b) => this.eraseBlock(b),
    );
  }

  /**
   * Changes the feature flags stored in the superblock, without reformatting: one superblock
   * rewrite (power-loss safe; mount sees the old or the new flags). Incompatible bits this build
   * does not know are refused.
   */
  setFeatures(incompatFlags: number, compatFlags: number): void {
    this.writable();
    if (!Number.isInteger(incompatFlags) || incompatFlags < 0 || incompatFlags > 0xffffffff)
      throw new RangeError('incompatFlags: a u32');
    if (!Number.isInteger(compatFlags) || compatFlags < 0 || compatFlags > 0xffffffff)
      throw new RangeError('compatFlags: a u32');
    const unknown = (incompatFlags & ~KNOWN_INCOMPAT_FLAGS) >>> 0;
    if (unknown !== 0)
      throw new RangeError(`incompatFlags: bits 0x${unknown.toString(16)} are not known to this version`);
    if (incompatFlags === this.sb.incompatFlags && compatFlags === this.sb.compatFlags) return;
    this.rewriteSuperblock({ incompatFlags, compatFlags });
  }

  /**
   * Writes the superblock at generation + 1 with `changes`, one copy at a time: copies in blocks
   * new to the list first, then the rest in list order, each followed by a barrier. A copy whose
   * block fails is moved to another good free block of its window and the rewrite starts over at
   * the next generation. Blocks that leave the lists return to the free pool afterwards.
   */
  protected rewriteSuperblock(changes: Partial<Superblock>): void {
    const old = this.sb;
    let next: Superblock = {
      ...old,
      ...changes,
      superblockBlocks: (changes.superblockBlocks ?? old.superblockBlocks).slice(),
      registerBlocks: (changes.registerBlocks ?? old.registerBlocks).slice(),
      generation: old.generation + 1,
    };
    const oldBlocks = new Set([...old.superblockBlocks, ...old.registerBlocks]);
    for (let attempt = 0; attempt < REWRITE_ATTEMPTS; attempt++) {
      for (const b of [...next.superblockBlocks, ...next.registerBlocks]) {
        if (this.state[b] !== BlockState.System) {
          // A block joining the lists: whatever it held is stale, so its first copy erases it.
          this.copies.state.delete(b);
          this.state[b] = BlockState.System;
          if (this.use[b] === Use.Free) this.freeCount--;
          this.markTable(b);
        }
      }
      const list = next.superblockBlocks;
      const order = [...list.filter((b) => !oldBlocks.has(b)), ...list.filter((b) => oldBlocks.has(b))];
      const failed = order.find((b) => !this.copies.writeCopy(b, next));
      if (failed === undefined) {
        this.superblockRewrites++;
        Object.assign(this.sb, next);
        const kept = new Set([...next.superblockBlocks, ...next.registerBlocks]);
        for (const b of oldBlocks) if (!kept.has(b)) this.releaseSystemBlock(b);
        return;
      }
      // The copy's block failed: retire it and take another block of the same window.
      const index = list.indexOf(failed);
      const replacement = this.freeBlockIn(copyWindow(this.blockCount, index), 'any');
      this.state[failed] = BlockState.Bad;
      this.device.markBad(failed);
      this.markTable(failed);
      this.stats.retiredBlocks++;
      if (replacement < 0) {
        if (list.length <= 1) break;
        list.splice(index, 1);
      } else list[index] = replacement;
      next = { ...next, superblockBlocks: list.slice(), generation: next.generation + 1 };
    }
    throw new NexfsError('EIO', 'the superblock could not be rewritten to any block');
  }

  /**
   * Static wear levelling over every block, system blocks included; runs after a commit, every 4
   * block allocations. Two rules:
   *
   * - The register ring is the busiest writer: when the ring block erased next is more than
   *   `wearLevelGap` erases ahead of the least-worn free block, that free block (erased first, so
   *   no stale record can win a mount) takes its place in the ring.
   * - When the least-worn block in use (and not rewritten during the last pass over the device's
   *   blocks) is more than `wearLevelGap` erases behind the most worn, its contents move so that
   *   it joins the free pool: cold data to the most worn free block (which
   *   then rests under data that does not change), a superblock copy to the most worn free block
   *   of its window, a ring block that does not hold the newest record to the most worn free block.
   *
   * System blocks move by a superblock rewrite that lists the new block.
   */
  protected maybeStaticWearLevel(): void {
    if (this.allocationsSinceWearCheck < 4) return;
    this.allocationsSinceWearCheck = 0;
    if (this.freeCount < this.sb.reserveBlocks + 2) return;
    const ec = this.eraseCounts;
    const ring = this.sb.registerBlocks;
    const newest = ring[this.register.slot];
    let maxEc = 0;
    let youngFree = -1;
    let coldData = -1;
    let coldSystem = -1;
    for (let b = 0; b < this.blockCount; b++) {
      const st = this.state[b];
      if (st === BlockState.System) {
        if (ec[b] > maxEc) maxEc = ec[b];
        if (b !== newest && (coldSystem < 0 || ec[b] < ec[coldSystem])) coldSystem = b;
      } else if (st === BlockState.Good) {
        if (ec[b] > maxEc) maxEc = ec[b];
        if (this.use[b] === Use.Free && (youngFree < 0 || ec[b] < ec[youngFree])) youngFree = b;
        // Cold: in use and not rewritten during the last pass over the device's blocks (a young
        // block that just took hot data is not cold, and moving it would only wear a worn block).
        const settled =
          this.allocations - this.allocatedAt[b] >= this.blockCount || this.allocatedAt[b] === 0;
        if (this.use[b] === Use.Used && settled && (coldData < 0 || ec[b] < ec[coldData])) coldData = b;
      }
    }
    const gap = this.wearLevelGap;
    const nextSlot = (this.register.slot + 1) % ring.length;
    if (youngFree >= 0 && ec[ring[nextSlot]] > ec[youngFree] + gap) {
      this.moveRingBlock(nextSlot, youngFree);
      return;
    }
    if (coldSystem >= 0 && maxEc - ec[coldSystem] > gap && (coldData < 0 || ec[coldSystem] <= ec[coldData])) {
      if (this.moveSystemBlock(coldSystem)) return;
    }
    if (coldData < 0 || maxEc - ec[coldData] <= gap) return;
    // Checkpoint first so that only the moved pages (and their B-tree paths) go to the cold head.
    this.stats.staticMoves++;
    this.checkpoint();
    this.coldWrites = true;
    try {
      this.relocateBlock(coldData, true);
      this.checkpoint();
    } finally {
      this.coldWrites = false;
    }
  }

  /** Replaces ring block `slot` (not the newest) with the free block `target`. */
  private moveRingBlock(slot: number, target: number): boolean {
    if (!this.eraseBlock(target)) {
      this.retireNow(target);
      this.recountFree();
      return false;
    }
    this.register.markErased(target);
    const list = this.sb.registerBlocks.slice();
    list[slot] = target;
    this.rewriteSuperblock({ registerBlocks: list });
    this.stats.registerMoves++;
    return true;
  }

  /** Moves a cold system block (a superblock copy or an older ring block) to a more worn free block. */
  private moveSystemBlock(b: number): boolean {
    const ec = this.eraseCounts;
    const copy = this.sb.superblockBlocks.indexOf(b);
    const window: [number, number] = copy >= 0 ? copyWindow(this.blockCount, copy) : [0, this.blockCount];
    const target = this.freeBlockIn(window, 'worn');
    if (target < 0 || ec[target] <= ec[b]) return false;
    if (copy >= 0) {
      const list = this.sb.superblockBlocks.slice();
      list[copy] = target;
      this.rewriteSuperblock({ superblockBlocks: list });
      this.stats.superblockMoves++;
      return true;
    }
    return this.moveRingBlock(this.sb.registerBlocks.indexOf(b), target);
  }

  /** A system block no longer listed: back to the free pool (its stale contents are never read). */
  private releaseSystemBlock(b: number): void {
    if (this.state[b] !== BlockState.System) return;
    this.copies.state.delete(b);
    this.state[b] = BlockState.Good;
    this.use[b] = Use.Free;
    this.live[b] = 0;
    this.freeCount++;
    this.markTable(b);
  }

  /**
   * A good free block in [first, end): the most worn ('worn'), the least worn ('young'), or the
   * first ('any'); -1 when there is none.
   */
  protected freeBlockIn([first, end]: [number, number], pick: 'worn' | 'young' | 'any'): number {
    let best = -1;
    for (let b = first; b < end; b++) {
      if (this.state[b] !== BlockState.Good || this.use[b] !== Use.Free) continue;
      if (best < 0) best = b;
      else if (pick === 'worn' && this.eraseCounts[b] > this.eraseCounts[best]) best = b;
      else if (pick === 'young' && this.eraseCounts[b] < this.eraseCounts[best]) best = b;
      if (pick === 'any') break;
    }
    return best;
  }

  /**
   * Mount: the superblock's lists are the truth about system blocks (a rewrite may have been cut
   * after its first copy, before the checkpoint that records the move in the block table).
   */
  protected reconcileSystemBlocks(): void {
    const listed = new Set([...this.sb.superblockBlocks, ...this.sb.registerBlocks]);
    for (let b = 0; b < this.blockCount; b++) {
      if (listed.has(b)) {
        if (this.state[b] !== BlockState.System) {
          this.state[b] = BlockState.System;
          this.markTable(b);
        }
      } else if (this.state[b] === BlockState.System) {
        this.state[b] = BlockState.Good;
        this.use[b] = this.live[b] > 0 ? Use.Used : Use.Free;
        this.markTable(b);
      }
    }
  }

  /**
   * Read-write mount: copies of the list that do not hold the current generation (a rewrite cut
   * midway, or a destroyed copy) are rewritten, so that the next mount cannot fall back to an
   * older generation.
   */
  protected completeSuperblock(): void {
    for (const b of this.copies.stale(this.sb)) this.copies.writeCopy(b, this.sb);
  }
}
