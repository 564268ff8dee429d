/**
 * Bit helpers shared by the encoder, the decoder and the interpreter.
 * @module
 */

/** Throws when an internal invariant does not hold (a bug, never bad input). */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`asm-arm64 invariant: ${message}`);
}

/** Number of set bits in a 32-bit word. */
export function popcount32(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const MASK64 = (1n << 64n) - 1n;

function ror(value: bigint, amount: number, width: number): bigint {
  const w = BigInt(width);
  const a = BigInt(amount % width);
  const m = (1n << w) - 1n;
  return ((value >> a) | (value << (w - a))) & m;
}

/**
 * Decodes a logical (bitmask) immediate, Arm ARM `DecodeBitMasks` with `immediate = TRUE`.
 * Returns null for the reserved encodings.
 */
export function decodeBitmask(n: number, immr: number, imms: number, dataSize: 32 | 64): bigint | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return null;
  const levels = (1 << len) - 1;
  if ((imms & levels) === levels) return null;
  const s = imms & levels;
  const r = immr & levels;
  const esize = 1 << len;
  if (esize > dataSize) return null;
  const welem = (1n << BigInt(s + 1)) - 1n;
  const elem = ror(welem, r, esize);
  let out = 0n;
  for (let i = 0; i < dataSize; i += esize) out |= elem << BigInt(i);
  return out & (dataSize === 64 ? MASK64 : 0xffffffffn);
}

/** Encodes a value as a logical immediate: `{ n, immr, imms }`, or null when it has no encoding. */
export function encodeBitmask(
  value: bigint,
  dataSize: 32 | 64,
): { n: number; immr: number; imms: number } | null {
  const full = dataSize === 64 ? MASK64 : 0xffffffffn;
  const v = value & full;
  if (v === 0n || v === full) return null;
  // Find the smallest element size whose repetition gives the value.
  let esize: number = dataSize;
  while (esize > 2) {
    const half = esize / 2;
    const m = (1n << BigInt(half)) - 1n;
    if ((v & m) !== ((v >> BigInt(half)) & m)) break;
    esize = half;
  }
  const emask = (1n << BigInt(esize)) - 1n;
  const elem = v & emask;
  // elem must be a rotation of a run of ones: find rotation r so that ror(elem, ...) is 0..01..1.
  for (let r = 0; r < esize; r++) {
    const rot = ((elem << BigInt(r)) | (elem >> BigInt(esize - r))) & emask; // rotate left by r
    if (((rot + 1n) & rot) === 0n) {
      let ones = 0;
      let t = rot;
      while (t & 1n) {
        ones++;
        t >>= 1n;
      }
      const immr = r % esize;
      const imms = ((~(esize - 1) << 1) | (ones - 1)) & 0x3f;
      return { n: esize === 64 ? 1 : 0, immr, imms };
    }
  }
  return null;
}
