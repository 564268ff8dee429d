import { describe, expect, it } from 'vitest';
import { XXH3_DEFAULT_SECRET } from '../../src/content/_xxh3';
import { blake3, createBlake3Xof, createHasher, portableHasher, xxh3 } from '../../src/content/hash';
import { fromHex, hex, prng, vectorBytes, vectorJson } from './_helpers';

interface Blake3Vectors {
  key: string;
  context_string: string;
  cases: { input_len: number; hash: string; keyed_hash: string; derive_key: string }[];
}
const vectors = vectorJson<Blake3Vectors>('blake3/test_vectors.json');
const key = new TextEncoder().encode(vectors.key);
const input = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

describe('BLAKE3 official vectors', () => {
  it('has 35 cases', () => expect(vectors.cases.length).toBe(35));

  it('portable: hash, keyed, derive-key at 131-byte XOF, 32 and 16 bytes', () => {
    let checks = 0;
    for (const c of vectors.cases) {
      const data = input(c.input_len);
      expect(hex(blake3(data, { outputLength: 131 }))).toBe(c.hash);
      expect(hex(blake3(data, { key, outputLength: 131 }))).toBe(c.keyed_hash);
      expect(hex(blake3(data, { context: vectors.context_string, outputLength: 131 }))).toBe(c.derive_key);
      expect(hex(blake3(data))).toBe(c.hash.slice(0, 64));
      expect(hex(portableHasher('blake3-128').digest(data))).toBe(c.hash.slice(0, 32));
      expect(hex(portableHasher('blake3-256', { context: vectors.context_string }).digest(data))).toBe(
        c.derive_key.slice(0, 64),
      );
      checks += 6;
    }
    console.log(`blake3 portable checks: ${checks}`);
  });

  it('WASM hashers: hash, keyed, XOF; derive-key routed to the portable code', async () => {
    const h256 = await createHasher('blake3-256');
    const h128 = await createHasher('blake3-128');
    const keyed = await createHasher('blake3-256', { key });
    const derive = await createHasher('blake3-256', { context: vectors.context_string });
    const xof = await createBlake3Xof(131);
    const keyedXof = await createBlake3Xof(131, key);
    for (const c of vectors.cases) {
      const data = input(c.input_len);
      expect(hex(h256.digest(data))).toBe(c.hash.slice(0, 64));
      expect(hex(h128.digest(data))).toBe(c.hash.slice(0, 32));
      expect(hex(keyed.digest(data))).toBe(c.keyed_hash.slice(0, 64));
      expect(hex(derive.digest(data))).toBe(c.derive_key.slice(0, 64));
      expect(hex(xof(data))).toBe(c.hash);
      expect(hex(keyedXof(data))).toBe(c.keyed_hash);
      // digest over parts equals digest over the concatenation
      const cut = c.input_len >> 1;
      expect(hex(h256.digest(data.subarray(0, cut), data.subarray(cut)))).toBe(c.hash.slice(0, 64));
    }
  });

  it('WASM and portable agree on random inputs around chunk and tree boundaries', async () => {
    const h = await createHasher('blake3-256');
    const p = portableHasher('blake3-256');
    const r = prng(3);
    for (const n of [1023, 1024, 1025, 2047, 4096, 4097, 65536, 65537, 100_003]) {
      const data = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      expect(hex(p.digest(data))).toBe(hex(h.digest(data)));
    }
  });

  it('rejects bad keys, lengths and mixed modes', async () => {
    expect(() => blake3(new Uint8Array(1), { key: new Uint8Array(31) })).toThrow(/key/);
    expect(() => blake3(new Uint8Array(1), { outputLength: 0 })).toThrow(/outputLength/);
    expect(() => blake3(new Uint8Array(1), { key, context: 'x' })).toThrow(/exclusive/);
    await expect(createHasher('blake3-256', { seed: 1n })).rejects.toThrow(/seed/);
    await expect(createHasher('sha1' as 'xxh3-64')).rejects.toThrow(/algorithm/);
  });
});

interface XxhVectors {
  custom_secret: { hex: string };
  default_secret_hex: string;
  xxh3_64_seeded: { len: number; seed: string; result: string }[];
  xxh3_64_with_secret: { len: number; result: string }[];
}
const xv = vectorJson<XxhVectors>('xxh3/xxhash_sanity.json');
const sanity = vectorBytes('xxh3/sanity_buffer_2367.bin');

describe('XXH3-64 known answers (xxHash sanity check)', () => {
  it('default secret equals the spec', () => expect(hex(XXH3_DEFAULT_SECRET)).toBe(xv.default_secret_hex));

  it('seeded: 28 answers, portable and WASM, one-shot and split', async () => {
    expect(xv.xxh3_64_seeded.length).toBe(28);
    for (const v of xv.xxh3_64_seeded) {
      const seed = BigInt(`0x${v.seed}`);
      const data = sanity.subarray(0, v.len);
      expect(xxh3(data, { seed }).toString(16).padStart(16, '0')).toBe(v.result);
      const w = await createHasher('xxh3-64', { seed });
      expect(hex(w.digest(data))).toBe(v.result);
      expect(hex(w.digest(data.subarray(0, v.len >> 1), data.subarray(v.len >> 1)))).toBe(v.result);
    }
  });

  it('custom secret (147 bytes): 13 answers', async () => {
    expect(xv.xxh3_64_with_secret.length).toBe(13);
    const secret = fromHex(xv.custom_secret.hex);
    expect(secret.length).toBe(147);
    const h = await createHasher('xxh3-64', { secret });
    for (const v of xv.xxh3_64_with_secret) {
      const data = sanity.subarray(0, v.len);
      expect(xxh3(data, { secret }).toString(16).padStart(16, '0')).toBe(v.result);
      expect(hex(h.digest(data))).toBe(v.result);
    }
    console.log(`xxh3-64 known answers: ${xv.xxh3_64_seeded.length + xv.xxh3_64_with_secret.length}`);
  });

  it('rejects a short secret and a seed with a secret', () => {
    expect(() => xxh3(new Uint8Array(1), { secret: new Uint8Array(135) })).toThrow(/secret/);
    expect(() => xxh3(new Uint8Array(1), { secret: new Uint8Array(136), seed: 1n })).toThrow(/seed/);
  });
});
