import { readFileSync } from 'node:fs';
import { ContentError } from '../../src/content/errors';

/** Reads a committed vector file relative to test/vectors/. */
export function vectorBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../vectors/${path}`, import.meta.url)));
}

/** Parses a committed JSON vector file relative to test/vectors/. */
export function vectorJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${path}`, import.meta.url), 'utf8')) as T;
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The xxHash sanity-buffer generator (see vectors/xxh3 README), extended to any length. */
export function sanityBuffer(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let g = 2654435761n;
  const prime = 11400714785074694797n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < length; i++) {
    out[i] = Number(g >> 56n);
    g = (g * prime) & mask;
  }
  return out;
}

/** Deterministic PRNG (xorshift32) for property and fuzz inputs; prints nothing. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Fast byte equality for large arrays (vitest's deep equality walks element by element). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The `ContentError` code `fn` throws, or "no error"; any other throw propagates. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContentError) return e.code;
    throw e;
  }
  return 'no error';
}
