import { describe, expect, it } from 'vitest';
import { exportCar, importCar } from '../../src/content/car';
import { decodeCbor } from '../../src/content/cbor';
import { Cid, CODEC_DAG_CBOR } from '../../src/content/cid';
import { noneCodec, rleCodec } from '../../src/content/codec';
import { ContentError } from '../../src/content/errors';
import { FastCdc } from '../../src/content/fastcdc';
import { concatBytes, readFrameHeader } from '../../src/content/frame';
import { decodeSnapshotRecord, encodeSnapshotRecord } from '../../src/content/snapshot';
import { commitTree, decodeNode, storeFile } from '../../src/content/tree';
import { loadZstdEngine, zstdCodec, zstdDecode } from '../../src/content/zstd';
import { chunkKey, decodeChunkRef } from '../../src/content-records';
import { GEOMETRIES, MemoryFlash, Nexfs, NexfsError } from '../../src/index';
import { decodeFrameRun, KeyKind } from '../../src/records';
import { framer, newStore } from './_fixture';
import { prng, sanityBuffer } from './_helpers';

/** One mutation of `input`, chosen by the seeded PRNG (bit flip, byte set, truncate, insert, delete, splice, varint-ish). */
function mutate(input: Uint8Array, r: () => number): Uint8Array {
  const n = input.length;
  const at = Math.floor(r() * Math.max(1, n));
  switch (Math.floor(r() * 8)) {
    case 0: {
      const out = input.slice();
      if (n > 0) out[at] ^= 1 << Math.floor(r() * 8);
      return out;
    }
    case 1: {
      const out = input.slice();
      const count = 1 + Math.floor(r() * 4);
      for (let i = 0; i < count && n > 0; i++) out[Math.floor(r() * n)] = Math.floor(r() * 256);
      return out;
    }
    case 2:
      return input.slice(0, at);
    case 3: {
      const extra = Uint8Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256));
      const out = new Uint8Array(n + extra.length);
      out.set(input.subarray(0, at));
      out.set(extra, at);
      out.set(input.subarray(at), at + extra.length);
      return out;
    }
    case 4: {
      const len = 1 + Math.floor(r() * 16);
      const out = new Uint8Array(n - Math.min(len, n - at));
      out.set(input.subarray(0, at));
      out.set(input.subarray(at + Math.min(len, n - at)), at);
      return out;
    }
    case 5: {
      const out = input.slice();
      const from = Math.floor(r() * n);
      const len = Math.floor(r() * 32);
      out.copyWithin(at, from, from + len);
      return out;
    }
    case 6: {
      const out = input.slice();
      if (n > 0) out[at] = [0x00, 0xff, 0x7f, 0x80, 0x1b, 0x9f, 0xbf][Math.floor(r() * 7)];
      return out;
    }
    default: {
      const out = input.slice();
      for (let i = at; i < Math.min(n, at + 8); i++) out[i] = 0xff;
      return out;
    }
  }
}

/** Runs `fn` on `count` mutations of the seeds; only ContentError may escape. Returns [inputs, rejected]. */
function fuzz(
  name: string,
  seeds: Uint8Array[],
  count: number,
  seed: number,
  fn: (b: Uint8Array) => unknown,
): number {
  const r = prng(seed);
  let rejected = 0;
  for (let i = 0; i < count; i++) {
    let input = seeds[i % seeds.length];
    const rounds = 1 + Math.floor(r() * 3);
    for (let k = 0; k < rounds; k++) input = mutate(input, r);
    try {
      fn(input);
    } catch (e) {
      if (!(e instanceof ContentError)) {
        throw new Error(`${name}: input ${i} (seed ${seed}) threw ${String(e)}; replay with prng(${seed})`);
      }
      rejected++;
    }
  }
  return rejected;
}

const engine = await loadZstdEngine();
let total = 0;

describe('fuzzing the decoders: typed errors only, no hang, no crash', () => {
  const cdc = new FastCdc({ minSize: 64, avgSize: 256, maxSize: 1024 });
  const { store } = newStore(rleCodec);
  const files = new Map([
    ['/a/x', storeFile(store, cdc, sanityBuffer(3000))],
    ['/a/y', storeFile(store, cdc, new TextEncoder().encode('tiny'))],
    ['/b', storeFile(store, cdc, new Uint8Array(700))],
  ]);
  const commit = commitTree(store, files);
  const car = exportCar(store, commit.root);

  it('CAR importer (40,000 mutated archives; the store is unchanged on every rejection)', () => {
    const target = newStore();
    let accepted = 0;
    const rejected = fuzz('car', [car], 40_000, 1, (bytes) => {
      const before = target.blocks.size;
      try {
        importCar(bytes, target.store);
        accepted++;
      } catch (e) {
        expect(target.blocks.size).toBe(before);
        throw e;
      }
    });
    total += 40_000;
    expect(rejected).toBeGreaterThan(30_000);
    expect(accepted + rejected).toBe(40_000);
  });

  it('chunk frames, sealed and re-sealed (30,000): the XXH3 gate and the decoders behind it', () => {
    const plain = sanityBuffer(2000);
    const text = new TextEncoder().encode('abcabcabc-'.repeat(200));
    const seeds = [
      framer.encode(text, rleCodec).frame,
      framer.encode(text, zstdCodec(3, engine)).frame,
      framer.encode(plain, rleCodec).frame,
      framer.encode(new Uint8Array(1500), zstdCodec(19, engine)).frame,
      framer.encode(plain, noneCodec).frame,
    ];
    fuzz('frame', seeds, 15_000, 2, (bytes) => framer.decode(bytes));
    // Re-seal after mutating the payload so corrupt payloads reach RLE and zstd.
    fuzz('frame-resealed', seeds, 15_000, 3, (bytes) => {
      if (bytes.length >= 24) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        view.setUint32(12, bytes.length - 24, true);
        const d = framer.hashers.check.digest(bytes.subarray(0, 16), bytes.subarray(24));
        view.setBigUint64(16, new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0, false), true);
        try {
          readFrameHeader(bytes);
        } catch {
          // header rejected: still a valid fuzz input for decode below
        }
      }
      return framer.decode(bytes);
    });
    total += 30_000;
  });

  it('frame run records (10,000) and the volume frame reader over mutated runs (2,000): null or NexfsError only', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), {
      content: { chunking: { minBytes: 1024, avgBytes: 4096, maxBytes: 16384 }, layout: 'chunked' },
    });
    await fs.writeFile('/f', sanityBuffer(200_000));
    const ppb = fs.volume.ppb;
    const pairs: { key: Uint8Array; val: Uint8Array }[] = [];
    fs.volume.tree.scan(
      new Uint8Array([KeyKind.FrameRun]),
      new Uint8Array([KeyKind.FrameRun + 1]),
      (k, v) => {
        pairs.push({ key: k.slice(), val: v.slice() });
        return true;
      },
    );
    expect(pairs.length).toBeGreaterThan(10);
    const seeds = pairs.map((p) => concatBytes([p.key, p.val]));
    let valid = 0;
    fuzz('frame-run', seeds, 10_000, 8, (bytes) => {
      const run = decodeFrameRun(bytes.subarray(0, 13), bytes.subarray(13), ppb);
      if (run === null) return;
      valid++;
      expect(run.pages).toBeGreaterThan(0);
      expect((run.address % ppb) + run.pages).toBeLessThanOrEqual(ppb);
    });
    expect(valid).toBeGreaterThan(100);
    // Mutated run values in the live tree: the reader returns a frame (whose name check then
    // fails or passes) or throws a NexfsError; the original value goes back after each input.
    const chunks: { name: Uint8Array; chunkNo: number; frameBytes: number }[] = [];
    fs.content.scanChunks((name, frameBytes) => {
      const ref = decodeChunkRef(fs.volume.get(chunkKey(name))!)!;
      chunks.push({ name, chunkNo: ref.chunkNo, frameBytes });
    });
    const r = prng(9);
    let typed = 0;
    for (let i = 0; i < 2_000; i++) {
      const p = pairs[i % pairs.length];
      const c = chunks.find((x) => x.chunkNo === decodeFrameRun(p.key, p.val, ppb)!.chunkNo)!;
      let val = p.val;
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) val = mutate(val, r);
      fs.volume.tree.put(p.key, val);
      try {
        const frame = fs.volume.readFrameRuns(c.chunkNo, c.frameBytes, '/f');
        framer.decode(frame, c.name);
      } catch (e) {
        if (!(e instanceof NexfsError)) throw new Error(`frame reader: input ${i} threw ${String(e)}`);
        typed++;
      } finally {
        fs.volume.tree.put(p.key, p.val);
      }
    }
    expect(typed).toBeGreaterThan(1_000);
    expect(await fs.readFile('/f')).toEqual(sanityBuffer(200_000));
    total += 12_000;
  });

  it('zstd frames straight into the pure-JS decoder (10,000)', () => {
    const plain = new TextEncoder().encode('the quick brown fox '.repeat(100));
    const seeds = [1, 3, 19].map((l) => zstdCodec(l, engine).encode(plain));
    fuzz('zstd', seeds, 10_000, 4, (bytes) => zstdDecode(bytes, plain.length));
    total += 10_000;
  });

  it('snapshot records (10,000) and tree nodes / DAG-CBOR (15,000)', () => {
    const record = encodeSnapshotRecord({
      id: 3n,
      parentId: 2n,
      createdMs: 1_790_000_000_000,
      root: new Cid(CODEC_DAG_CBOR, sanityBuffer(32)),
      logicalBytes: 1 << 30,
      files: 12,
      directories: 3,
      label: 'fuzz',
    });
    fuzz('snapshot', [record], 10_000, 5, (bytes) => decodeSnapshotRecord(bytes));
    const nodes = [...store.blocks.keys()]
      .map((k) => store.blocks.get(k)!)
      .filter((f) => f.length < 400)
      .map((f) => f.subarray(24));
    fuzz('node', nodes, 10_000, 6, (bytes) => decodeNode(bytes));
    fuzz('cbor', nodes, 5_000, 7, (bytes) => decodeCbor(bytes));
    total += 25_000;
    console.log(`fuzzed inputs: ${total}`);
    expect(total).toBeGreaterThanOrEqual(100_000);
  });
});
