/**
 * The `Hasher` port and its implementations: BLAKE3-256/128 (plain, keyed, derive-key, extended
 * output) and XXH3-64 (seeded, custom secret).
 *
 * Chosen by measurement (DESIGN.md part 2): hash-wasm's WASM BLAKE3 and XXH3 serve every mode they
 * expose; the portable code in `_blake3.ts` / `_xxh3.ts` serves only what hash-wasm cannot
 * (derive-key contexts, custom XXH3 secrets). Creating a WASM hasher is async (module
 * instantiation); hashing afterwards is synchronous.
 * @module
 */
import { createBLAKE3, createXXHash3, type IHasher } from 'hash-wasm';
import {
  Blake3State,
  FLAG_DERIVE_KEY_CONTEXT,
  FLAG_DERIVE_KEY_MATERIAL,
  FLAG_KEYED_HASH,
  IV_WORDS,
  keyWords,
} from './_blake3';
import { XXH3_DEFAULT_SECRET, XXH3_SECRET_SIZE_MIN, xxh3Portable } from './_xxh3';
import { concatBytes } from './frame';

/** Hash algorithms nexfs records per inode; the number is the on-flash id (SPEC.md part 2). */
export type HashAlgorithm = 'blake3-256' | 'blake3-128' | 'xxh3-64';

/** On-flash ids of the hash algorithms (SPEC.md part 2, "hash algorithm ids"). */
export const HASH_ALGORITHM_IDS: Readonly<Record<HashAlgorithm, number>> = Object.freeze({
  'blake3-256': 1,
  'blake3-128': 2,
  'xxh3-64': 3,
});

/**
 * The hashing port: one-shot, synchronous digests of a fixed length. Implementations are created
 * with {@link createHasher} (WASM) or {@link portableHasher} (pure JS).
 */
export interface Hasher {
  /** Which algorithm this is. */
  readonly algorithm: HashAlgorithm;
  /** Digest length in bytes (32, 16 or 8). */
  readonly digestLength: number;
  /** Digest of the concatenation of `parts` (a single Uint8Array is one part). */
  digest(...parts: Uint8Array[]): Uint8Array;
}

/** Options of the BLAKE3 functions. */
export interface Blake3Options {
  /** Output length in bytes (default 32). Any length: BLAKE3 is an XOF. */
  outputLength?: number;
  /** 32-byte key: keyed-hash mode. */
  key?: Uint8Array;
  /** Context string: derive-key mode (the input is the key material). */
  context?: string;
}

function checkOutputLength(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 1 << 20)
    throw new RangeError(`outputLength: must be 1..1048576, got ${n}`);
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new RangeError('key: must be 32 bytes');
}

/**
 * BLAKE3 in pure JS, every mode: hash, keyed hash (`key`), derive-key (`context`), any output length.
 *
 * @example
 * ```ts
 * import { blake3 } from '@nexus/nexfs';
 * const digest = blake3(new TextEncoder().encode('abc'));
 * const subkey = blake3(new Uint8Array(32), { context: 'nexfs 2026 volume key', outputLength: 32 });
 * console.log(digest.length, subkey.length); // 32 32
 * ```
 */
export function blake3(data: Uint8Array, options: Blake3Options = {}): Uint8Array {
  const outputLength = options.outputLength ?? 32;
  checkOutputLength(outputLength);
  if (options.key !== undefined && options.context !== undefined) {
    throw new TypeError('key/context: keyed and derive-key modes are exclusive');
  }
  if (options.context !== undefined) {
    if (typeof options.context !== 'string') throw new TypeError('context: expected a string');
    const contextKey = new Blake3State(IV_WORDS, FLAG_DERIVE_KEY_CONTEXT)
      .update(new TextEncoder().encode(options.context))
      .finish(32);
    return new Blake3State(keyWords(contextKey), FLAG_DERIVE_KEY_MATERIAL).update(data).finish(outputLength);
  }
  if (options.key !== undefined) {
    checkKey(options.key);
    return new Blake3State(keyWords(options.key), FLAG_KEYED_HASH).update(data).finish(outputLength);
  }
  return new Blake3State(IV_WORDS, 0).update(data).finish(outputLength);
}

/** Options of XXH3-64. A seed and a custom secret are exclusive, as in `XXH3_64bits_withSecret`. */
export interface Xxh3Options {
  /** 64-bit seed (default 0n). */
  seed?: bigint;
  /** Custom secret of at least 136 bytes. */
  secret?: Uint8Array;
}

function checkXxh3(options: Xxh3Options): { seed: bigint; secret: Uint8Array | undefined } {
  const seed = options.seed ?? 0n;
  if (typeof seed !== 'bigint' || seed < 0n || seed >= 1n << 64n)
    throw new RangeError('seed: must be a bigint in 0..2^64-1');
  const secret = options.secret;
  if (secret !== undefined) {
    if (!(secret instanceof Uint8Array) || secret.length < XXH3_SECRET_SIZE_MIN) {
      throw new RangeError(`secret: must be at least ${XXH3_SECRET_SIZE_MIN} bytes`);
    }
    if (seed !== 0n) throw new TypeError('seed/secret: give a seed or a custom secret, not both');
  }
  return { seed, secret };
}

/**
 * XXH3-64 in pure JS (seeded or custom secret), as an unsigned bigint. Slow (BigInt); use
 * {@link createHasher} with `'xxh3-64'` for bulk data with the default secret.
 *
 * @example
 * ```ts
 * import { xxh3 } from '@nexus/nexfs';
 * console.log(xxh3(new Uint8Array(0)).toString(16)); // 2d06800538d394c2
 * ```
 */
export function xxh3(data: Uint8Array, options: Xxh3Options = {}): bigint {
  const { seed, secret } = checkXxh3(options);
  return xxh3Portable(data, seed, secret ?? XXH3_DEFAULT_SECRET);
}

function bigEndian64(x: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, x, false);
  return out;
}

/** Options of {@link createHasher}. */
export interface HasherOptions {
  /** BLAKE3 only: 32-byte key (keyed-hash mode). */
  key?: Uint8Array;
  /** BLAKE3 only: derive-key context (served by the portable code). */
  context?: string;
  /** XXH3 only: 64-bit seed. */
  seed?: bigint;
  /** XXH3 only: custom secret (served by the portable code). */
  secret?: Uint8Array;
}

class WasmHasher implements Hasher {
  constructor(
    readonly algorithm: HashAlgorithm,
    readonly digestLength: number,
    private readonly wasm: IHasher,
  ) {}

  digest(...parts: Uint8Array[]): Uint8Array {
    const h = this.wasm;
    h.init();
    for (const part of parts) h.update(part);
    return h.digest('binary');
  }
}

class PortableHasher implements Hasher {
  constructor(
    readonly algorithm: HashAlgorithm,
    readonly digestLength: number,
    private readonly options: HasherOptions,
  ) {}

  digest(...parts: Uint8Array[]): Uint8Array {
    const data = parts.length === 1 ? parts[0] : concatBytes(parts);
    if (this.algorithm === 'xxh3-64') return bigEndian64(xxh3(data, this.options));
    return blake3(data, { ...this.options, outputLength: this.digestLength } as Blake3Options);
  }
}

function digestLengthOf(algorithm: HashAlgorithm): number {
  if (algorithm === 'blake3-256') return 32;
  if (algorithm === 'blake3-128') return 16;
  if (algorithm === 'xxh3-64') return 8;
  throw new RangeError(`algorithm: unknown hash algorithm ${String(algorithm)}`);
}

function checkHasherOptions(algorithm: HashAlgorithm, options: HasherOptions): void {
  const isBlake = algorithm !== 'xxh3-64';
  if (isBlake && (options.seed !== undefined || options.secret !== undefined)) {
    throw new TypeError('seed/secret: only XXH3 takes a seed or secret');
  }
  if (!isBlake && (options.key !== undefined || options.context !== undefined)) {
    throw new TypeError('key/context: only BLAKE3 takes a key or context');
  }
  if (options.key !== undefined) checkKey(options.key);
  if (options.key !== undefined && options.context !== undefined) {
    throw new TypeError('key/context: keyed and derive-key modes are exclusive');
  }
  if (!isBlake) checkXxh3(options);
}

/**
 * A pure-JS hasher for any algorithm and mode. Works without WebAssembly; ~15× slower than
 * {@link createHasher} for BLAKE3 (measured in DESIGN.md part 2).
 *
 * @example
 * ```ts
 * import { portableHasher } from '@nexus/nexfs';
 * const h = portableHasher('blake3-128');
 * console.log(h.digest(new Uint8Array([1, 2, 3])).length); // 16
 * ```
 */
export function portableHasher(algorithm: HashAlgorithm, options: HasherOptions = {}): Hasher {
  const length = digestLengthOf(algorithm);
  checkHasherOptions(algorithm, options);
  return new PortableHasher(algorithm, length, { ...options });
}

/**
 * The fastest hasher for an algorithm and mode in this runtime: WASM (hash-wasm) where it covers
 * the mode, the portable code for BLAKE3 derive-key and custom-secret XXH3.
 *
 * @example
 * ```ts
 * import { createHasher } from '@nexus/nexfs';
 * const h = await createHasher('blake3-256');
 * console.log(h.digest(new TextEncoder().encode('hello')).length); // 32
 * ```
 */
export async function createHasher(algorithm: HashAlgorithm, options: HasherOptions = {}): Promise<Hasher> {
  const length = digestLengthOf(algorithm);
  checkHasherOptions(algorithm, options);
  if (algorithm === 'xxh3-64') {
    if (options.secret !== undefined) return new PortableHasher(algorithm, length, { ...options });
    const seed = options.seed ?? 0n;
    const wasm = await createXXHash3(Number(seed & 0xffffffffn), Number(seed >> 32n));
    return new WasmHasher(algorithm, length, wasm);
  }
  if (options.context !== undefined) return new PortableHasher(algorithm, length, { ...options });
  const wasm = await createBLAKE3(length * 8, options.key);
  return new WasmHasher(algorithm, length, wasm);
}

/**
 * A WASM BLAKE3 with any output length (XOF) and optional key; for derive-key use {@link blake3}.
 *
 * @example
 * ```ts
 * import { createBlake3Xof } from '@nexus/nexfs';
 * const xof = await createBlake3Xof(131);
 * console.log(xof(new Uint8Array(0)).length); // 131
 * ```
 */
export async function createBlake3Xof(
  outputLength: number,
  key?: Uint8Array,
): Promise<(data: Uint8Array) => Uint8Array> {
  checkOutputLength(outputLength);
  if (key !== undefined) checkKey(key);
  const wasm = await createBLAKE3(outputLength * 8, key);
  return (data) => {
    wasm.init();
    wasm.update(data);
    return wasm.digest('binary');
  };
}
