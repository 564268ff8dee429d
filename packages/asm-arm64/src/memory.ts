/**
 * Sandbox memory: 4 KiB pages with read/write/execute permissions, a ceiling on mapped bytes, and
 * W^X (no page is ever both writable and executable).
 * @module
 */

/** Page size in bytes. */
export const PAGE_BYTES = 4096;
const PAGE_SHIFT = 12;

/** Permission bits of a page. */
export const PERM = { read: 1, write: 2, execute: 4 } as const;

/** Why the sandbox stopped on a memory access. */
export class MemoryFault extends Error {
  /** Faulting address. */
  readonly address: number;
  /** `unmapped`, `write-protect` (includes writes to code), `exec-protect`, or `memory-limit`. */
  readonly reason: 'unmapped' | 'write-protect' | 'exec-protect' | 'memory-limit';
  /**
   * @example
   * ```ts
   * new MemoryFault(0x1000, 'unmapped').reason; // 'unmapped'
   * ```
   */
  constructor(address: number, reason: MemoryFault['reason']) {
    super(`${reason} at 0x${address.toString(16)}`);
    this.address = address;
    this.reason = reason;
  }
}

interface Page {
  bytes: Uint8Array;
  view: DataView;
  perm: number;
}

/** The paged address space of one sandboxed program. */
export class Memory {
  /** Mapped bytes allowed in total. */
  readonly limitBytes: number;
  private readonly pages = new Map<number, Page>();
  private lastIndex = -1;
  private lastPage: Page | null = null;

  /**
   * @example
   * ```ts
   * const m = new Memory(1 << 20);
   * m.map(0x10000, 4096, PERM.read | PERM.write);
   * m.write64(0x10000, 42n);
   * ```
   */
  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < PAGE_BYTES)
      throw new RangeError('limitBytes: at least one page');
    this.limitBytes = limitBytes;
  }

  /** Bytes mapped now. */
  get mappedBytes(): number {
    return this.pages.size * PAGE_BYTES;
  }

  /** Maps `[address, address + length)` (rounded out to pages) with `perm`; W+X is refused. */
  map(address: number, length: number, perm: number): void {
    if ((perm & PERM.write) !== 0 && (perm & PERM.execute) !== 0)
      throw new RangeError('perm: a page may not be both writable and executable (W^X)');
    const first = Math.floor(address / PAGE_BYTES);
    const last = Math.floor((address + Math.max(length, 1) - 1) / PAGE_BYTES);
    let added = 0;
    for (let i = first; i <= last; i++) if (!this.pages.has(i)) added++;
    if (this.mappedBytes + added * PAGE_BYTES > this.limitBytes)
      throw new MemoryFault(address, 'memory-limit');
    for (let i = first; i <= last; i++) {
      const p = this.pages.get(i);
      if (p) p.perm = perm;
      else {
        const bytes = new Uint8Array(PAGE_BYTES);
        this.pages.set(i, { bytes, view: new DataView(bytes.buffer), perm });
      }
    }
    this.lastIndex = -1;
  }

  /** Unmaps whole pages. */
  unmap(address: number, length: number): void {
    const first = Math.floor(address / PAGE_BYTES);
    const last = Math.floor((address + length - 1) / PAGE_BYTES);
    for (let i = first; i <= last; i++) this.pages.delete(i);
    this.lastIndex = -1;
  }

  /** True when every page of the range is mapped. */
  isMapped(address: number, length: number): boolean {
    for (let a = Math.floor(address / PAGE_BYTES); a <= Math.floor((address + length - 1) / PAGE_BYTES); a++)
      if (!this.pages.has(a)) return false;
    return true;
  }

  /** Permission bits of the page holding `address` (0 when unmapped). */
  permission(address: number): number {
    return this.pages.get(Math.floor(address / PAGE_BYTES))?.perm ?? 0;
  }

  private page(address: number, need: number): Page {
    const index = Math.floor(address / PAGE_BYTES);
    let p: Page | null | undefined = index === this.lastIndex ? this.lastPage : undefined;
    if (!p) {
      p = this.pages.get(index);
      if (!p) throw new MemoryFault(address, 'unmapped');
      this.lastIndex = index;
      this.lastPage = p;
    }
    if ((p.perm & need) !== need)
      throw new MemoryFault(
        address,
        need === PERM.write ? 'write-protect' : need === PERM.execute ? 'exec-protect' : 'unmapped',
      );
    return p;
  }

  /**
   * True when every byte of `[address, address + length)` is mapped with the `need` permission
   * bits: the check a system call makes on a user buffer before touching it (Linux and QEMU answer
   * EFAULT when any part fails it, and transfer nothing). An empty range is always accessible.
   */
  accessible(address: bigint, length: bigint, need: number): boolean {
    if (length === 0n) return true;
    if (address < 0n || length < 0n || address + length > 1n << 48n) return false;
    if (length > BigInt(this.limitBytes)) return false; // more than could ever be mapped
    const first = Math.floor(Number(address) / PAGE_BYTES);
    const last = Math.floor(Number(address + length - 1n) / PAGE_BYTES);
    for (let index = first; index <= last; index++) {
      const p = this.pages.get(index);
      if (!p || (p.perm & need) !== need) return false;
    }
    return true;
  }

  /** Reads `length` bytes. */
  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.read8(address + i);
    return out;
  }

  /** Writes bytes. */
  write(address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.write8(address + i, bytes[i]);
  }

  /** Loads bytes ignoring permissions (the loader filling segments). */
  load(address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const a = address + i;
      const p = this.pages.get(Math.floor(a / PAGE_BYTES));
      if (!p) throw new MemoryFault(a, 'unmapped');
      p.bytes[a & (PAGE_BYTES - 1)] = bytes[i];
    }
  }

  /** Fetches an instruction word (needs execute permission). */
  fetch(address: number): number {
    const p = this.page(address, PERM.execute);
    return p.view.getUint32(address & (PAGE_BYTES - 1), true);
  }

  read8(address: number): number {
    return this.page(address, PERM.read).bytes[address & (PAGE_BYTES - 1)];
  }
  read16(address: number): number {
    const o = address & (PAGE_BYTES - 1);
    if (o > PAGE_BYTES - 2) return this.read8(address) | (this.read8(address + 1) << 8);
    return this.page(address, PERM.read).view.getUint16(o, true);
  }
  read32(address: number): number {
    const o = address & (PAGE_BYTES - 1);
    if (o > PAGE_BYTES - 4) return (this.read16(address) | (this.read16(address + 2) << 16)) >>> 0;
    return this.page(address, PERM.read).view.getUint32(o, true);
  }
  read64(address: number): bigint {
    const o = address & (PAGE_BYTES - 1);
    if (o > PAGE_BYTES - 8) return BigInt(this.read32(address)) | (BigInt(this.read32(address + 4)) << 32n);
    return this.page(address, PERM.read).view.getBigUint64(o, true);
  }
  write8(address: number, value: number): void {
    this.page(address, PERM.write).bytes[address & (PAGE_BYTES - 1)] = value;
  }
  write16(address: number, value: number): void {
    const o = address & (PAGE_BYTES - 1);
    if (o > PAGE_BYTES - 2) {
      this.write8(address, value & 0xff);
      this.write8(address + 1, (value >>> 8) & 0xff);
      return;
    }
    this.page(address, PERM.write).view.setUint16(o, value, true);
  }
  write32(address: number, value: number): void {
    const o = address & (PAGE_BYTES - 1);
    if (o > PAGE_BYTES - 4) {
      this.write16(address, value & 0xffff);
      this.write16(address + 2, (value >>> 16) & 0xffff);
      return;
    }
    this.page(address, PERM.write).view.setUint32(o, value >>> 0, true);
  }
  write64(address: number, value: bigint): void {
    const o = address & (PAGE_BYTES - 1);
    if (o > PAGE_BYTES - 8) {
      this.write32(address, Number(value & 0xffffffffn));
      this.write32(address + 4, Number((value >> 32n) & 0xffffffffn));
      return;
    }
    this.page(address, PERM.write).view.setBigUint64(o, BigInt.asUintN(64, value), true);
  }
}

/** Page index of an address. */
export function pageIndex(address: number): number {
  return Math.floor(address / 2 ** PAGE_SHIFT);
}
