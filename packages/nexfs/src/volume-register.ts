/**
 * The root register ring: where mount finds the committed state, once the superblock has named the
 * ring's blocks. DESIGN.md explains the ring; SPEC.md gives the bytes.
 */
import { NexfsError } from './errors.js';
import { MetaMagic, type PageIO, PageKind, ReadStatus } from './layout.js';
import { decodeRegister, type RegisterRecord } from './records.js';

/**
 * The root register: a ring of erase blocks filled with mirrored register records in order. The
 * newest record is the committed state.
 */
export class RegisterRing {
  private readonly io: PageIO;
  private readonly ppb: number;
  private readonly blocksOf: () => readonly number[];
  private readonly erase: (block: number) => boolean;
  /** Ring block that holds the newest record. */
  slot = 0;
  /** Next record pair in that block (ppb / 2 when full). */
  pair = 0;

  /** `blocks` gives the ring's blocks as the current superblock lists them. */
  constructor(io: PageIO, blocks: () => readonly number[], erase: (block: number) => boolean) {
    this.io = io;
    this.ppb = io.geometry.pagesPerBlock;
    this.blocksOf = blocks;
    this.erase = erase;
  }

  /** Blocks erased for the ring that nothing has written since: the ring starts them unerased. */
  private readonly erased = new Set<number>();

  /** Notes that `block` was just erased to join the ring. */
  markErased(block: number): void {
    this.erased.add(block);
  }

  /** Positions a fresh ring so that the first write erases and starts block 0. */
  startFresh(): void {
    this.slot = this.blocksOf().length - 1;
    this.pair = this.ppb / 2;
  }

  /** Appends one record; moves to the next ring block (erasing it) when this one is full. */
  write(body: Uint8Array): void {
    const regs = this.blocksOf();
    for (let attempt = 0; attempt < regs.length * 2; attempt++) {
      if (this.pair * 2 >= this.ppb) {
        this.slot = (this.slot + 1) % regs.length;
        this.pair = 0;
        if (!this.erased.delete(regs[this.slot]) && !this.erase(regs[this.slot])) {
          this.pair = this.ppb / 2;
          continue;
        }
      }
      const address = regs[this.slot] * this.ppb + this.pair * 2;
      this.pair++;
      if (this.io.writeMeta(address, MetaMagic.Register, body, body.length, PageKind.Register, 0)) return;
      this.pair = this.ppb / 2;
    }
    throw new NexfsError('EIO', 'every root register block failed');
  }

  /** Finds the newest valid record and positions the ring after it. */
  read(): RegisterRecord {
    const regs = this.blocksOf();
    let best: { slot: number; epoch: number } | null = null;
    for (let slot = 0; slot < regs.length; slot++) {
      const body = this.io.readMeta(regs[slot] * this.ppb, MetaMagic.Register);
      const r = body && decodeRegister(body);
      if (r && (best === null || r.epoch > best.epoch)) best = { slot, epoch: r.epoch };
    }
    if (best === null) throw new NexfsError('ECORRUPT', 'no valid root register record');
    // Records fill a register block in order, each followed by a barrier: the valid pairs are a
    // prefix, so the newest is found by binary search (log2(pages per block) reads).
    const block = regs[best.slot];
    let lo = 0;
    let hi = this.ppb / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.io.readMeta(block * this.ppb + mid * 2, MetaMagic.Register) !== null) lo = mid;
      else hi = mid - 1;
    }
    let found: RegisterRecord | null = null;
    for (let pair = lo; pair >= 0 && found === null; pair--) {
      const body = this.io.readMeta(block * this.ppb + pair * 2, MetaMagic.Register);
      found = body && decodeRegister(body);
      if (found) lo = pair;
    }
    if (found === null) throw new NexfsError('ECORRUPT', 'root register block holds no valid record');
    this.slot = best.slot;
    // Never program over a torn pair: continue after it only if the next pair is still erased.
    const scratch = new Uint8Array(this.io.payloadBytes);
    const nextPair = lo + 1;
    const erased =
      nextPair * 2 < this.ppb &&
      this.io.read(block * this.ppb + nextPair * 2, scratch) === ReadStatus.Erased &&
      this.io.read(block * this.ppb + nextPair * 2 + 1, scratch) === ReadStatus.Erased;
    this.pair = erased ? nextPair : this.ppb / 2;
    return found;
  }
}
