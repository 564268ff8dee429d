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

function rawWord(data: Uint8Array, start: number, length: number): number {
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

const ERASED_WORD = new Map<number, number>();
function erasedWord(length: number): number {
  let w = ERASED_WORD.get(length);
  if (w === undefined) {
    w = rawWord(new Uint8Array(length).fill(0xff), 0, length);
    ERASED_WORD.set(length, w);
  }
  return w;
}

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
  for (let s = 0, c = at; s < data.length; s += ECC_CHUNK_BYTES, c += ECC_CODE_BYTES) {
    const n = Math.min(ECC_CHUNK_BYTES, data.length - s);
    const w = (rawWord(data, s, n) ^ erasedWord(n) ^ 0xffff) & 0xffff;
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
  for (let s = 0, c = at; s < data.length; s += ECC_CHUNK_BYTES, c += ECC_CODE_BYTES) {
    const n = Math.min(ECC_CHUNK_BYTES, data.length - s);
    const stored = (((code[c] << 8) | code[c + 1]) ^ erasedWord(n) ^ 0xffff) & 0x7fff;
    const computed = rawWord(data, s, n);
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
