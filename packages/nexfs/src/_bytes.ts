/**
 * Big-endian integer access on byte arrays. Every on-flash integer is big-endian so that keys
 * compare as byte strings in numeric order; 64-bit fields hold values below 2^53 (checked).
 */
import { assert } from './_assert.js';

const TWO_32 = 0x1_0000_0000;

/** Reads an unsigned 16-bit big-endian integer. */
export function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/** Reads an unsigned 32-bit big-endian integer. */
export function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** Reads an unsigned 64-bit big-endian integer that must fit in a double exactly. */
export function u64(b: Uint8Array, at: number): number {
  const hi = u32(b, at);
  assert(hi < 0x20_0000, 'u64 field above 2^53');
  return hi * TWO_32 + u32(b, at + 4);
}

/** Writes an unsigned 16-bit big-endian integer. */
export function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v;
}

/** Writes an unsigned 32-bit big-endian integer. */
export function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/** Writes an unsigned 64-bit big-endian integer (0 <= v < 2^53). */
export function put64(b: Uint8Array, at: number, v: number): void {
  assert(Number.isSafeInteger(v) && v >= 0, 'u64 value out of range');
  const hi = Math.floor(v / TWO_32);
  put32(b, at, hi);
  put32(b, at + 4, v - hi * TWO_32);
}

/** Lexicographic comparison of two byte strings. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** True when every byte is 0xFF (erased flash). */
export function isErased(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) return false;
  return true;
}

/** True when at least 7/8 of the bytes are 0xFF: erased flash read through a few bit flips. */
export function looksErased(b: Uint8Array): boolean {
  let programmed = 0;
  const limit = b.length >>> 3;
  for (let i = 0; i < b.length; i++) if (b[i] !== 0xff && ++programmed > limit) return false;
  return true;
}
