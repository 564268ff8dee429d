// Runtime-matrix cases for nexfs content addressing (merged into smoke.ts by `...contentSmoke`).
// Everything here runs against the built package in Node, Deno, Bun and Chromium: BLAKE3 and
// XXH3 known answers (WASM and portable), FastCDC against fastcdc-rs, pure-JS zstd decoding,
// checked frames, the chunk store, a Merkle commitment and a CAR round trip.
import {
  blake3,
  ChunkFramer,
  ChunkStore,
  commitTree,
  createHasher,
  exportCar,
  FastCdc,
  importCar,
  MemoryBlockStore,
  NEXFS_CDC_DEFAULTS,
  readTreeFile,
  rleCodec,
  storeFile,
  verifyTree,
  xxh3,
  zstdDecode,
} from '@nexus/nexfs';
import type { SmokeSuite } from '../../../../tools/matrix/smoke.js';

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`content smoke: ${what}`);
}

const KEY = new TextEncoder().encode('whats the Elvish word for friend');
const CONTEXT = 'BLAKE3 2019-12-27 16:29:52 test vectors context';
// Official BLAKE3 vectors (first 32 bytes): input_len -> [hash, keyed_hash, derive_key]; byte i = i % 251.
const BLAKE3_CASES: [number, string, string, string][] = [
  [
    0,
    'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    '92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26',
    '2cc39783c223154fea8dfb7c1b1660f2ac2dcbd1c1de8277b0b0dd39b7e50d7d',
  ],
  [
    1025,
    'd00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444',
    '357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69',
    'effaa245f065fbf82ac186839a249707c3bddf6d3fdda22d1b95a3c970379bcb',
  ],
  [
    102400,
    'bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085',
    '1c35d1a5811083fd7119f5d5d1ba027b4d01c0c6c49fb6ff2cf75393ea5db4a7',
    '4652cff7a3f385a6103b5c260fc1593e13c778dbe608efb092fe7ee69df6e9c6',
  ],
];

/**
 * The xxHash sanity-buffer generator, kept here because these cases also run in runtimes where
 * the Node-only test helpers cannot load.
 */
function sanityBuffer(length: number): Uint8Array {
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

export const contentSmoke: SmokeSuite = {
  'content: BLAKE3 official vectors, WASM and portable, all three modes': async () => {
    const wasm = await createHasher('blake3-256');
    const keyed = await createHasher('blake3-256', { key: KEY });
    for (const [n, hash, keyedHash, deriveKey] of BLAKE3_CASES) {
      const input = Uint8Array.from({ length: n }, (_, i) => i % 251);
      check(hex(wasm.digest(input)) === hash, `blake3 wasm ${n}`);
      check(hex(blake3(input)) === hash, `blake3 portable ${n}`);
      check(hex(keyed.digest(input)) === keyedHash, `blake3 keyed ${n}`);
      check(hex(blake3(input, { context: CONTEXT })) === deriveKey, `blake3 derive-key ${n}`);
    }
  },
  'content: XXH3-64 known answers, seeded (WASM) and custom secret (portable)': async () => {
    const buffer = sanityBuffer(2367);
    const seeded = await createHasher('xxh3-64', { seed: 0x9e3779b185ebca8dn });
    check(hex(seeded.digest(buffer)) === 'd2db3415b942b42a', 'xxh3 seeded 2367');
    check(xxh3(buffer.subarray(0, 403)).toString(16) === 'cdeb804d65c6dea4', 'xxh3 portable 403');
    const secret = buffer.subarray(7, 7 + 147);
    check(xxh3(buffer, { secret }).toString(16) === '293fa8e5173bb5e7', 'xxh3 custom secret 2367');
  },
  'content: FastCDC 2020 at 16/64/256 KiB matches fastcdc-rs (derived table prefix)': async () => {
    const input = sanityBuffer(640_000);
    const cdc = new FastCdc(NEXFS_CDC_DEFAULTS);
    const b3 = await createHasher('blake3-256');
    const want: [number, number, string][] = [
      [0, 109429, '7654c4858613f6ed'],
      [109429, 55866, '7aaa633db9a3da89'],
      [165295, 109113, 'b4e5823c410d7ef3'],
      [274408, 81698, 'df7afd8732df76ba'],
      [356106, 23310, 'e3570edeffc9e6c9'],
    ];
    const got = [...cdc.boundaries(input)].slice(0, want.length);
    want.forEach(([offset, length, digest], i) => {
      check(got[i].offset === offset && got[i].length === length, `fastcdc chunk ${i}`);
      check(
        hex(b3.digest(input.subarray(offset, offset + length))).startsWith(digest),
        `fastcdc digest ${i}`,
      );
    });
  },
  'content: zstd frame decodes in pure JS; RLE frames round-trip with both checks': async () => {
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02, 0x11, 0x00, 0x00, 0x68, 0x69]);
    check(new TextDecoder().decode(zstdDecode(frame, 2)) === 'hi', 'zstd raw-block frame');
    const framer = new ChunkFramer({
      check: await createHasher('xxh3-64'),
      name: await createHasher('blake3-256'),
    });
    const plain = new Uint8Array(5000).map((_, i) => (i >> 6) & 3);
    const encoded = framer.encode(plain, rleCodec);
    check(encoded.frame.length < 1000, 'rle compresses runs');
    const back = framer.decode(encoded.frame, encoded.name);
    check(back.length === plain.length && back.every((b, i) => b === plain[i]), 'frame round trip');
    encoded.frame[40] ^= 1;
    let caught = false;
    try {
      framer.decode(encoded.frame, encoded.name);
    } catch (e) {
      caught = (e as { code?: string }).code === 'ECHECKSUM';
    }
    check(caught, 'flipped bit caught before decoding');
  },
  'content: dedup store, Merkle commitment, CAR export and import': async () => {
    const framer = new ChunkFramer({
      check: await createHasher('xxh3-64'),
      name: await createHasher('blake3-256'),
    });
    const store = new ChunkStore(new MemoryBlockStore(), framer);
    const cdc = new FastCdc({ minSize: 1024, avgSize: 4096, maxSize: 16384 });
    const data = sanityBuffer(100_000);
    const files = new Map([
      ['/a/one', storeFile(store, cdc, data)],
      ['/b/two', storeFile(store, cdc, data)],
    ]);
    const commit = commitTree(store, files);
    check(store.stats.dedupHits >= files.get('/a/one')!.chunks.length, 'second copy deduplicated');
    const car = exportCar(store, commit.root);
    const other = new ChunkStore(new MemoryBlockStore(), framer);
    const report = importCar(car, other);
    check(report.roots[0].equals(commit.root), 'car root');
    check(verifyTree(other, commit.root).chunks === verifyTree(store, commit.root).chunks, 'car verifies');
    const back = readTreeFile(other, commit.root, '/b/two');
    check(back.length === data.length && back.every((b, i) => b === data[i]), 'file read from imported car');
  },
};
