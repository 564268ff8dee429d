/**
 * Single-error-correcting, double-error-detecting Hamming code over chunks of up to 512 bytes,
 * two bytes of code per chunk: the error correction nexfs stores in the NAND spare area.
 *
 * Definitions (bit `k` of a chunk is bit `k & 7` of byte `k >> 3`, least significant first):
 * - position(k) = k + 8, so every data bit has a distinct 13-bit position in [8, 4103];
 * - P = XOR of position(k) over the set bits, D = parity of the data, Q = parity of P;
 * - the code word is `P | D << 13 | Q << 14`, stored big-endian XOR the word of an all-0xFF chunk
 *   XOR 0xFFFF, so that an erased page carries a valid code (0xFFFF over 0xFF data).
 *
 * Decoding a chunk with the stored word: the syndrome S = P xor P', dD = D xor D'.
 * One flipped data bit gives dD = 1 and S = its position: the bit is flipped back. One flipped code
 * bit is recognised by Q (a P bit), or S = 0 with dD = 1 (the D bit). Two flipped data bits give
 * dD = 0 with S != 0 and a consistent Q: detected, not corrected. (Hamming, "Error detecting and
 * error correcting codes", BSTJ 1950; the position trick is the SmartMedia/ONFI "line parity".)
 */
import { assert } from './_assert.js';
import { checksKernel } from './_crc32.js';
import { PAGE_KERNEL_MAX_SECTORS, PAGE_KERNEL_WINDOW_BYTES } from './_page-kernel.js';

/** Bytes of payload covered by one code word. */
export const ECC_CHUNK_BYTES = 512;
/** Bytes of code per chunk. */
export const ECC_CODE_BYTES = 2;

/**
 * Outcome of {@link eccCorrect}: `Clean` (no error), `Corrected` (single-bit errors corrected, at
 * most one per chunk), `Uncorrectable` (a chunk had more errors than the code can correct).
 *
 * @example
 * ```ts
 * if (eccCorrect(page, code, 0) === EccResult.Uncorrectable) throw new Error('bad page');
 * ```
 */
export const EccResult = {
  /** No error. */
  Clean: 0,
  /** Single-bit errors corrected (at most one per chunk). */
  Corrected: 1,
  /** A chunk had more errors than the code corrects. */
  Uncorrectable: 2,
} as const;
/** One of the {@link EccResult} values. */
export type EccResult = (typeof EccResult)[keyof typeof EccResult];

const XOR_J = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    let x = 0;
    for (let j = 0; j < 8; j++) if (v & (1 << j)) x ^= j;
    t[v] = x;
  }
  return t;
})();
const PARITY = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    let p = 0;
    for (let j = 0; j < 8; j++) p ^= (v >> j) & 1;
    t[v] = p;
  }
  return t;
})();

function parity16(v: number): number {
  return PARITY[v & 0xff] ^ PARITY[(v >>> 8) & 0xff];
}

/** Byte at a time, any alignment and length: the reference the word-parallel path is tested against. */
function rawWordBytes(data: Uint8Array, start: number, length: number): number {
  let p = 0;
  let d = 0;
  for (let i = 0; i < length; i++) {
    const v = data[start + i];
    const odd = PARITY[v];
    // position(8i + j) = 8(i + 1) | j: the byte contributes 8(i + 1) once per set bit (so once
    // when the count is odd) and the XOR of its set bit indexes.
    if (odd) p ^= (i + 1) << 3;
    p ^= XOR_J[v];
    d ^= odd;
  }
  return p | (d << 13) | (parity16(p) << 14);
}

function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  return (0x6996 >>> (x & 15)) & 1;
}

/** True on little-endian hosts (every runtime nexfs targets); the word path assumes it. */
const LITTLE_ENDIAN = /* @__PURE__ */ (() => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)();

/**
 * The same word, 32 bits at a time. Prepend one zero byte to the chunk: data bit k then sits at
 * bit 8(i + 1) + j = k + 8 of the shifted buffer, so position(k) is simply the bit's index there.
 * In 32-bit words V_w of the shifted buffer (V_w = d_w << 8 | d_(w-1) >>> 24, little-endian), bit c
 * of V_w has index 32w | c, and as the code is linear:
 * - the low 5 bits of P are the XOR of the indexes c of the set bits of X = XOR of every V_w;
 * - bit u of w contributes to bit 5 + u of P: the parity of A_u = XOR of the V_w whose w has bit u;
 * - D = parity(X).
 * Eight words per step, so the low three bits of w are constants (A_0..A_2 are fixed XORs of the
 * eight) and the higher bits of w are tested once per eight words (the line-parity scheme of the
 * SmartMedia ECC, as in Linux's nand_ecc.c).
 * Measured on 2 KiB pages: 0.30 ms/MiB vs 1.24 ms/MiB byte by byte with tables (4x); the
 * WebAssembly kernel (`_page-kernel.ts`) is faster still and runs where it loads.
 */
function rawWordWords(words: Int32Array, first: number, count: number): number {
  let x = 0;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let high = 0; // XOR of (w >> 3) over the eight-word groups whose XOR has odd parity
  let prev = 0;
  let w = 0;
  const end8 = count & ~7;
  for (; w < end8; w += 8) {
    const i = first + w;
    const d0 = words[i];
    const d1 = words[i + 1];
    const d2 = words[i + 2];
    const d3 = words[i + 3];
    const d4 = words[i + 4];
    const d5 = words[i + 5];
    const d6 = words[i + 6];
    const d7 = words[i + 7];
    const v0 = (d0 << 8) | (prev >>> 24);
    const v1 = (d1 << 8) | (d0 >>> 24);
    const v2 = (d2 << 8) | (d1 >>> 24);
    const v3 = (d3 << 8) | (d2 >>> 24);
    const v4 = (d4 << 8) | (d3 >>> 24);
    const v5 = (d5 << 8) | (d4 >>> 24);
    const v6 = (d6 << 8) | (d5 >>> 24);
    const v7 = (d7 << 8) | (d6 >>> 24);
    prev = d7;
    const v37 = v3 ^ v7;
    const v15 = v1 ^ v5;
    const v26 = v2 ^ v6;
    const v04 = v0 ^ v4;
    a0 ^= v15 ^ v37;
    a1 ^= v26 ^ v37;
    a2 ^= v4 ^ v5 ^ v6 ^ v7;
    const t = v04 ^ v15 ^ v26 ^ v37;
    x ^= t;
    high ^= (w >>> 3) & -parity32(t);
  }
  let rest = 0; // the trailing words (count not a multiple of 8) and the carried-out last byte
  for (; w <= count; w++) {
    const d = w < count ? words[first + w] : 0;
    const v = (d << 8) | (prev >>> 24);
    prev = d;
    x ^= v;
    if (w & 1) a0 ^= v;
    if (w & 2) a1 ^= v;
    if (w & 4) a2 ^= v;
    rest ^= (w >>> 3) & -parity32(v);
  }
  high ^= rest;
  const low =
    parity32(x & 0xaaaaaaaa) |
    (parity32(x & 0xcccccccc) << 1) |
    (parity32(x & 0xf0f0f0f0) << 2) |
    (parity32(x & 0xff00ff00) << 3) |
    (parity32(x & 0xffff0000) << 4);
  const p = low | (parity32(a0) << 5) | (parity32(a1) << 6) | (parity32(a2) << 7) | (high << 8);
  return p | (parity32(x) << 13) | (parity16(p) << 14);
}

let viewBuffer: ArrayBufferLike | null = null;
let viewOffset = -1;
let viewWords: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** The code word of `data[start, start + length)`, by words when aligned, else byte by byte. */
function rawWord(data: Uint8Array, start: number, length: number): number {
  if (!LITTLE_ENDIAN || ((data.byteOffset | start | length) & 3) !== 0)
    return rawWordBytes(data, start, length);
  // One Int32Array view per page buffer, reused while the caller keeps passing the same buffer.
  if (data.buffer !== viewBuffer || data.byteOffset !== viewOffset || viewWords.length !== data.length >> 2) {
    viewBuffer = data.buffer;
    viewOffset = data.byteOffset;
    viewWords = new Int32Array(data.buffer, data.byteOffset, data.length >> 2);
  }
  return rawWordWords(viewWords, start >> 2, length >> 2);
}

/** Inputs from this many bytes go to the WebAssembly kernel (a 24-byte tag stays in JS). */
const KERNEL_MIN_BYTES = 256;
/** Set to false to force the JS paths (tests compare them with the kernel). */
let kernelEnabled = true;

/** Turns the WebAssembly ECC path off or on (for differential tests); returns the old setting. */
export function _setEccKernel(on: boolean): boolean {
  const old = kernelEnabled;
  kernelEnabled = on;
  return old;
}

/** Copies `data` into the page kernel's window when the kernel can code it; false otherwise. */
function toKernel(data: Uint8Array): boolean {
  if (!kernelEnabled || data.length < KERNEL_MIN_BYTES || (data.length & 7) !== 0) return false;
  if (data.length > PAGE_KERNEL_WINDOW_BYTES) return false;
  const k = checksKernel();
  if (k === null) return false;
  k.window.set(data);
  return true;
}

/** The code word of `window[start, start + length)` from the kernel (P and D), with Q added. */
function kernelWord(start: number, length: number): number {
  return withQ(checksKernel()!.ecc(start, length >>> 3));
}

/** `P | D << 13` with Q added. */
function withQ(pd: number): number {
  return pd | (parity16(pd & 0x1fff) << 14);
}

/**
 * The kernel's words of every sector of data of `length` bytes already in its window, in one call,
 * or null when the data is not whole sectors (a shorter last chunk goes sector by sector).
 */
function kernelSectors(length: number): Int32Array | null {
  const sectors = length >>> 9;
  if ((length & (ECC_CHUNK_BYTES - 1)) !== 0 || sectors > PAGE_KERNEL_MAX_SECTORS) return null;
  const k = checksKernel()!;
  k.eccSectors(0, sectors);
  return k.sectorWords;
}

const ERASED_WORD = new Map<number, number>();
function erasedWord(length: number): number {
  let w = ERASED_WORD.get(length);
  if (w === undefined) {
    w = rawWordBytes(new Uint8Array(length).fill(0xff), 0, length);
    ERASED_WORD.set(length, w);
  }
  return w;
}
/** The code word of an erased 512-byte sector (no map lookup on the common size). */
const ERASED_SECTOR_WORD = /* @__PURE__ */ erasedWord(ECC_CHUNK_BYTES);

/** Number of code bytes for `length` bytes of data. */
export function eccBytes(length: number): number {
  return Math.ceil(length / ECC_CHUNK_BYTES) * ECC_CODE_BYTES;
}

/**
 * Computes the code for `data` into `code[at, at + eccBytes(data.length))`.
 *
 * @example
 * ```ts
 * const page = new Uint8Array(2048); const code = new Uint8Array(eccBytes(2048));
 * eccEncode(page, code, 0);
 * ```
 */
export function eccEncode(data: Uint8Array, code: Uint8Array, at: number): void {
  assert(code.length >= at + eccBytes(data.length), 'ecc: code buffer too short');
  const kernel = toKernel(data);
  const words = kernel ? kernelSectors(data.length) : null;
  for (let s = 0, c = at; s < data.length; s += ECC_CHUNK_BYTES, c += ECC_CODE_BYTES) {
    const n = Math.min(ECC_CHUNK_BYTES, data.length - s);
    const raw = words ? withQ(words[s >>> 9]) : kernel ? kernelWord(s, n) : rawWord(data, s, n);
    const w = (raw ^ (n === ECC_CHUNK_BYTES ? ERASED_SECTOR_WORD : erasedWord(n)) ^ 0xffff) & 0xffff;
    code[c] = w >>> 8;
    code[c + 1] = w & 0xff;
  }
}

/**
 * Checks `data` against its stored code and corrects single-bit errors in place.
 *
 * @example
 * ```ts
 * page[100] ^= 4; // a flipped bit
 * eccCorrect(page, code, 0); // EccResult.Corrected, page restored
 * ```
 */
export function eccCorrect(data: Uint8Array, code: Uint8Array, at: number): EccResult {
  let result: EccResult = EccResult.Clean;
  const kernel = toKernel(data);
  const words = kernel ? kernelSectors(data.length) : null;
  for (let s = 0, c = at; s < data.length; s += ECC_CHUNK_BYTES, c += ECC_CODE_BYTES) {
    const n = Math.min(ECC_CHUNK_BYTES, data.length - s);
    const erased = n === ECC_CHUNK_BYTES ? ERASED_SECTOR_WORD : erasedWord(n);
    const stored = (((code[c] << 8) | code[c + 1]) ^ erased ^ 0xffff) & 0x7fff;
    const computed = words ? withQ(words[s >>> 9]) : kernel ? kernelWord(s, n) : rawWord(data, s, n);
    if (stored === computed) continue;
    const syndrome = (stored ^ computed) & 0x1fff;
    const dataParityDiffers = ((stored ^ computed) >>> 13) & 1;
    const qConsistent = parity16(stored & 0x1fff) === stored >>> 14;
    if (dataParityDiffers && qConsistent) {
      if (syndrome === 0) {
        result = EccResult.Corrected; // the D bit itself flipped
      } else if (syndrome >= 8 && syndrome < 8 + n * 8) {
        const k = syndrome - 8;
        data[s + (k >>> 3)] ^= 1 << (k & 7);
        result = EccResult.Corrected;
      } else {
        return EccResult.Uncorrectable;
      }
    } else if (
      !dataParityDiffers &&
      (syndrome === 0 || (!qConsistent && (syndrome & (syndrome - 1)) === 0))
    ) {
      result = EccResult.Corrected; // a flipped P or Q bit: the data is intact
    } else {
      return EccResult.Uncorrectable;
    }
  }
  return result;
}
