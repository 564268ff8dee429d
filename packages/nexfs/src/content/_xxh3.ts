/**
 * Portable XXH3-64 (seeded and custom-secret), written from `doc/xxhash_spec.md` of Cyan4973/xxHash
 * (v0.8.x). The WASM build (hash-wasm) covers seeded hashing at ~5 GB/s but has no custom-secret
 * entry point; this BigInt version covers that case and is the cross-check for the WASM path.
 * It runs at a few MB/s (DESIGN.md part 2), which is fine for its use: keys and short records.
 * @module
 */

const M64 = (1n << 64n) - 1n;
const PRIME32_1 = 0x9e3779b1n;
const PRIME32_2 = 0x85ebca77n;
const PRIME32_3 = 0xc2b2ae3dn;
const PRIME64_1 = 0x9e3779b185ebca87n;
const PRIME64_2 = 0xc2b2ae3d27d4eb4fn;
const PRIME64_3 = 0x165667b19e3779f9n;
const PRIME64_4 = 0x85ebca77c2b2ae63n;
const PRIME64_5 = 0x27d4eb2f165667c5n;
const PRIME_MX1 = 0x165667919e3779f9n;
const PRIME_MX2 = 0x9fb21c651e98df25n;
/** Spec: XXH3_SECRET_SIZE_MIN. */
export const XXH3_SECRET_SIZE_MIN = 136;

/** The 192-byte default secret (kSecret), from `doc/xxhash_spec.md`. */
export const XXH3_DEFAULT_SECRET: Uint8Array = hexBytes(
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671fcb79e64eccc0e578825ad07dccff7221' +
    'b8084674f743248ee03590e6813a264c3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8' +
    'a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364eac5ac8334d3ebc3c581a0fffa1363eb' +
    '170ddd51b7f0da49d316552629d4689e2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e',
);

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function r64(b: Uint8Array, o: number): bigint {
  const lo = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  const hi = (b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function r32(b: Uint8Array, o: number): bigint {
  return BigInt((b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0);
}

function mulFold(a: bigint, b: bigint): bigint {
  const p = a * b;
  return (p ^ (p >> 64n)) & M64;
}

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M64;
}

function swap32(x: bigint): bigint {
  return ((x & 0xffn) << 24n) | ((x & 0xff00n) << 8n) | ((x >> 8n) & 0xff00n) | ((x >> 24n) & 0xffn);
}

function swap64(x: bigint): bigint {
  let r = 0n;
  for (let i = 0n; i < 8n; i++) r = (r << 8n) | ((x >> (8n * i)) & 0xffn);
  return r;
}

function xxh64Avalanche(h: bigint): bigint {
  h ^= h >> 33n;
  h = (h * PRIME64_2) & M64;
  h ^= h >> 29n;
  h = (h * PRIME64_3) & M64;
  return h ^ (h >> 32n);
}

function avalanche(h: bigint): bigint {
  h ^= h >> 37n;
  h = (h * PRIME_MX1) & M64;
  return h ^ (h >> 32n);
}

function rrmxmx(h: bigint, len: number): bigint {
  h ^= rotl(h, 49n) ^ rotl(h, 24n);
  h = (h * PRIME_MX2) & M64;
  h ^= (h >> 35n) + BigInt(len);
  h = (h * PRIME_MX2) & M64;
  return h ^ (h >> 28n);
}

function mix16(b: Uint8Array, o: number, s: Uint8Array, so: number, seed: bigint): bigint {
  const lo = r64(b, o) ^ ((r64(s, so) + seed) & M64);
  const hi = r64(b, o + 8) ^ ((r64(s, so + 8) - seed) & M64);
  return mulFold(lo, hi);
}

function hashLong(b: Uint8Array, secret: Uint8Array): bigint {
  const acc = [PRIME32_3, PRIME64_1, PRIME64_2, PRIME64_3, PRIME64_4, PRIME32_2, PRIME64_5, PRIME32_1];
  const len = b.length;
  const stripesPerBlock = (secret.length - 64) >> 3;
  const blockLen = 64 * stripesPerBlock;
  const blocks = Math.floor((len - 1) / blockLen);
  const accumulate512 = (o: number, so: number): void => {
    for (let i = 0; i < 8; i++) {
      const v = r64(b, o + 8 * i);
      const k = v ^ r64(secret, so + 8 * i);
      acc[i ^ 1] = (acc[i ^ 1] + v) & M64;
      acc[i] = (acc[i] + (k & 0xffffffffn) * (k >> 32n)) & M64;
    }
  };
  for (let n = 0; n < blocks; n++) {
    for (let s = 0; s < stripesPerBlock; s++) accumulate512(n * blockLen + 64 * s, 8 * s);
    const so = secret.length - 64;
    for (let i = 0; i < 8; i++) {
      let a = acc[i];
      a ^= a >> 47n;
      a ^= r64(secret, so + 8 * i);
      acc[i] = (a * PRIME32_1) & M64;
    }
  }
  const stripes = Math.floor((len - 1 - blockLen * blocks) / 64);
  for (let s = 0; s < stripes; s++) accumulate512(blocks * blockLen + 64 * s, 8 * s);
  accumulate512(len - 64, secret.length - 64 - 7);
  let result = (BigInt(len) * PRIME64_1) & M64;
  for (let i = 0; i < 4; i++) {
    result =
      (result +
        mulFold(acc[2 * i] ^ r64(secret, 11 + 16 * i), acc[2 * i + 1] ^ r64(secret, 11 + 16 * i + 8))) &
      M64;
  }
  return avalanche(result);
}

/** XXH3-64 of `b` with a 64-bit seed and a secret of at least 136 bytes (spec §"XXH3 algorithm"). */
export function xxh3Portable(b: Uint8Array, seed: bigint, secret: Uint8Array): bigint {
  const len = b.length;
  const s = secret;
  if (len <= 16) {
    if (len > 8) {
      const f1 = (r64(s, 24) ^ r64(s, 32)) + seed;
      const f2 = (r64(s, 40) ^ r64(s, 48)) - seed;
      const lo = r64(b, 0) ^ (f1 & M64);
      const hi = r64(b, len - 8) ^ (f2 & M64);
      const acc = (BigInt(len) + swap64(lo) + hi + mulFold(lo, hi)) & M64;
      return avalanche(acc);
    }
    if (len >= 4) {
      const sd = seed ^ (swap32(seed & 0xffffffffn) << 32n);
      const in1 = r32(b, 0);
      const in2 = r32(b, len - 4);
      const flip = ((r64(s, 8) ^ r64(s, 16)) - sd) & M64;
      return rrmxmx((in2 + (in1 << 32n)) ^ flip, len);
    }
    if (len > 0) {
      const combined = BigInt(((b[0] << 16) | (b[len >> 1] << 24) | b[len - 1] | (len << 8)) >>> 0);
      const flip = ((r32(s, 0) ^ r32(s, 4)) + seed) & M64;
      return xxh64Avalanche(combined ^ flip);
    }
    return xxh64Avalanche(seed ^ r64(s, 56) ^ r64(s, 64));
  }
  if (len <= 128) {
    let acc = (BigInt(len) * PRIME64_1) & M64;
    if (len > 32) {
      if (len > 64) {
        if (len > 96) acc += mix16(b, 48, s, 96, seed) + mix16(b, len - 64, s, 112, seed);
        acc += mix16(b, 32, s, 64, seed) + mix16(b, len - 48, s, 80, seed);
      }
      acc += mix16(b, 16, s, 32, seed) + mix16(b, len - 32, s, 48, seed);
    }
    acc += mix16(b, 0, s, 0, seed) + mix16(b, len - 16, s, 16, seed);
    return avalanche(acc & M64);
  }
  if (len <= 240) {
    let acc = (BigInt(len) * PRIME64_1) & M64;
    const rounds = len >> 4;
    for (let i = 0; i < 8; i++) acc += mix16(b, 16 * i, s, 16 * i, seed);
    acc = avalanche(acc & M64);
    for (let i = 8; i < rounds; i++) acc += mix16(b, 16 * i, s, 16 * (i - 8) + 3, seed);
    acc += mix16(b, len - 16, s, XXH3_SECRET_SIZE_MIN - 17, seed);
    return avalanche(acc & M64);
  }
  if (seed !== 0n) {
    // Long input with a seed: derive the secret from the default one (spec "initCustomSecret").
    const custom = new Uint8Array(XXH3_DEFAULT_SECRET.length);
    const view = new DataView(custom.buffer);
    for (let i = 0; i < custom.length / 16; i++) {
      view.setBigUint64(16 * i, (r64(XXH3_DEFAULT_SECRET, 16 * i) + seed) & M64, true);
      view.setBigUint64(16 * i + 8, (r64(XXH3_DEFAULT_SECRET, 16 * i + 8) - seed) & M64, true);
    }
    return hashLong(b, custom);
  }
  return hashLong(b, s);
}
