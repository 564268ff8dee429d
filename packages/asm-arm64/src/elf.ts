/**
 * Output formats: a static ELF64 executable for Linux on AArch64 (no libc, no sections, two
 * PT_LOAD segments and a non-executable PT_GNU_STACK) and a flat image for bare metal. The byte
 * layout is in SPEC.md.
 * @module
 */
import { assert } from './_bits';
import type { AssembledModule } from './assembler';

/** ELF constants (System V gABI, AArch64 ELF ABI). */
export const ELF = {
  /** Size of the ELF64 file header. */
  headerBytes: 64,
  /** Size of one ELF64 program header. */
  programHeaderBytes: 56,
  /** e_machine for AArch64. */
  machineAarch64: 183,
  /** e_type for an executable. */
  typeExec: 2,
  /** p_type of a loadable segment. */
  ptLoad: 1,
  /** p_type of the stack-permissions marker. */
  ptGnuStack: 0x6474e551,
  /** p_flags: executable. */
  pfX: 1,
  /** p_flags: writable. */
  pfW: 2,
  /** p_flags: readable. */
  pfR: 4,
  /** Segment alignment: one 4 KiB page. */
  pageBytes: 4096,
} as const;

/** One loadable segment of an executable. */
export interface Segment {
  /** Virtual address of the first byte. */
  address: number;
  /** Bytes from the file. */
  bytes: Uint8Array;
  /** Size in memory (at least `bytes.length`; the rest is zero). */
  memoryBytes: number;
  /** Permissions. */
  flags: SegmentFlags;
}

/** Permissions of a segment. */
export interface SegmentFlags {
  /** Readable. */
  read: boolean;
  /** Writable. */
  write: boolean;
  /** Executable. */
  execute: boolean;
}

/** A parsed executable: entry point and segments. */
export interface Executable {
  /** Entry address. */
  entry: number;
  /** Loadable segments. */
  segments: Segment[];
}

/**
 * Writes a static ELF64 executable. The text segment maps the headers' page and the code
 * read+execute; the data segment, when present, maps read+write; the stack is marked
 * non-executable. No segment is both writable and executable.
 *
 * @example
 * ```ts
 * const elf = toElf(assemble('_start: mov x8, #93\n svc #0'));
 * elf[0] === 0x7f; // true
 * ```
 */
export function toElf(module: AssembledModule): Uint8Array {
  const page = ELF.pageBytes;
  const headersBytes = ELF.headerBytes + 3 * ELF.programHeaderBytes;
  assert(headersBytes <= page, 'headers fit in one page');
  if (module.textAddress % page !== 0 && module.textAddress % page !== page % page) {
    // The text must start on the page after the headers' page.
  }
  if (module.textAddress < page || module.textAddress % page !== 0)
    throw new RangeError('module.textAddress: expected a page-aligned address above the first page');
  const hasData = module.data.length > 0;
  if (hasData && module.dataAddress % page !== 0)
    throw new RangeError('module.dataAddress: expected a page-aligned address');
  const textOffset = page;
  const dataOffset = Math.ceil((textOffset + module.text.length) / page) * page;
  const fileBytes = hasData ? dataOffset + module.data.length : textOffset + module.text.length;
  const out = new Uint8Array(fileBytes);
  const v = new DataView(out.buffer);
  const phCount = hasData ? 3 : 2;
  // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV.
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  v.setUint16(16, ELF.typeExec, true);
  v.setUint16(18, ELF.machineAarch64, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(module.entry), true);
  v.setBigUint64(32, BigInt(ELF.headerBytes), true); // e_phoff
  v.setBigUint64(40, 0n, true); // e_shoff
  v.setUint32(48, 0, true); // e_flags
  v.setUint16(52, ELF.headerBytes, true);
  v.setUint16(54, ELF.programHeaderBytes, true);
  v.setUint16(56, phCount, true);
  v.setUint16(58, 64, true); // e_shentsize
  v.setUint16(60, 0, true); // e_shnum
  v.setUint16(62, 0, true); // e_shstrndx
  const ph = (
    i: number,
    type: number,
    flags: number,
    offset: number,
    address: number,
    fileSize: number,
    memSize: number,
    align: number,
  ) => {
    const o = ELF.headerBytes + i * ELF.programHeaderBytes;
    v.setUint32(o, type, true);
    v.setUint32(o + 4, flags, true);
    v.setBigUint64(o + 8, BigInt(offset), true);
    v.setBigUint64(o + 16, BigInt(address), true);
    v.setBigUint64(o + 24, BigInt(address), true);
    v.setBigUint64(o + 32, BigInt(fileSize), true);
    v.setBigUint64(o + 40, BigInt(memSize), true);
    v.setBigUint64(o + 48, BigInt(align), true);
  };
  const textSegmentAddress = module.textAddress - page;
  ph(
    0,
    ELF.ptLoad,
    ELF.pfR | ELF.pfX,
    0,
    textSegmentAddress,
    page + module.text.length,
    page + module.text.length,
    page,
  );
  let next = 1;
  if (hasData)
    ph(
      next++,
      ELF.ptLoad,
      ELF.pfR | ELF.pfW,
      dataOffset,
      module.dataAddress,
      module.data.length,
      module.data.length,
      page,
    );
  ph(next, ELF.ptGnuStack, ELF.pfR | ELF.pfW, 0, 0, 0, 0, 16);
  out.set(module.text, textOffset);
  if (hasData) out.set(module.data, dataOffset);
  return out;
}

/**
 * Reads the loadable segments and entry point of a static AArch64 ELF64 executable.
 *
 * @example
 * ```ts
 * const exe = parseElf(toElf(assemble('_start: mov x8, #93\n svc #0')));
 * exe.entry; // 0x401000
 * ```
 */
export function parseElf(bytes: Uint8Array): Executable {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes: expected a Uint8Array');
  if (
    bytes.length < ELF.headerBytes ||
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  )
    throw new RangeError('bytes: not an ELF file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new RangeError('bytes: not a little-endian ELF64 file');
  if (v.getUint16(18, true) !== ELF.machineAarch64) throw new RangeError('bytes: not an AArch64 executable');
  const entry = Number(v.getBigUint64(24, true));
  const phoff = Number(v.getBigUint64(32, true));
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  if (phentsize !== ELF.programHeaderBytes || phnum > 64 || phoff + phnum * phentsize > bytes.length)
    throw new RangeError('bytes: bad program headers');
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (v.getUint32(o, true) !== ELF.ptLoad) continue;
    const flags = v.getUint32(o + 4, true);
    const offset = Number(v.getBigUint64(o + 8, true));
    const address = Number(v.getBigUint64(o + 16, true));
    const fileSize = Number(v.getBigUint64(o + 32, true));
    const memoryBytes = Number(v.getBigUint64(o + 40, true));
    if (offset + fileSize > bytes.length || memoryBytes < fileSize)
      throw new RangeError('bytes: segment outside the file');
    segments.push({
      address,
      bytes: bytes.subarray(offset, offset + fileSize),
      memoryBytes,
      flags: {
        read: (flags & ELF.pfR) !== 0,
        write: (flags & ELF.pfW) !== 0,
        execute: (flags & ELF.pfX) !== 0,
      },
    });
  }
  return { entry, segments };
}

/**
 * A flat image for bare metal: the text section followed, at its address, by the data section,
 * with zero padding between; the image loads at `module.textAddress` and starts at its first byte
 * (put `_start` first).
 *
 * @example
 * ```ts
 * const image = toFlatImage(assemble('_start: b _start'));
 * image.length; // 4
 * ```
 */
export function toFlatImage(module: AssembledModule): Uint8Array {
  if (module.data.length === 0) return module.text.slice();
  const span = module.dataAddress - module.textAddress;
  if (span < module.text.length) throw new RangeError('module: data overlaps text');
  const out = new Uint8Array(span + module.data.length);
  out.set(module.text, 0);
  out.set(module.data, span);
  return out;
}
