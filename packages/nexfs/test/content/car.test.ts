import { CarReader, CarWriter } from '@ipld/car';
import * as dagCbor from '@ipld/dag-cbor';
import { blake3 as nobleBlake3 } from '@noble/hashes/blake3.js';
import { CID } from 'multiformats/cid';
import { from } from 'multiformats/hashes/hasher';
import { describe, expect, it } from 'vitest';
import { exportCar, importCar, readCar } from '../../src/content/car';
import { Cid, CODEC_DAG_CBOR, CODEC_RAW, encodeVarint, readVarint } from '../../src/content/cid';
import { ContentError } from '../../src/content/errors';
import { FastCdc } from '../../src/content/fastcdc';
import {
  commitTree,
  type FileEntry,
  listTree,
  readTreeFile,
  storeFile,
  verifyTree,
} from '../../src/content/tree';
import { framer, newStore } from './_fixture';
import { sameBytes, sanityBuffer, vectorBytes } from './_helpers';

const blake3Hasher = from({ name: 'blake3', code: 0x1e, encode: (input: Uint8Array) => nobleBlake3(input) });
const cdc = new FastCdc({ minSize: 4096, avgSize: 16384, maxSize: 65535 });

function buildTree() {
  const { store, blocks } = newStore();
  const files = new Map<string, FileEntry>([
    ['/img/sekien.jpg', storeFile(store, cdc, vectorBytes('fastcdc/SekienAkashita.jpg'))],
    ['/data/prng.bin', storeFile(store, cdc, sanityBuffer(200_000))],
    ['/data/again.bin', storeFile(store, cdc, sanityBuffer(200_000))],
    ['/hello.txt', storeFile(store, cdc, new TextEncoder().encode('hello, ipfs\n'))],
  ]);
  return { store, blocks, files, commit: commitTree(store, files) };
}

async function collect(out: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of out) parts.push(p);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return buf;
}

describe('CID and varint', () => {
  it('our CIDs are the CIDs multiformats computes (binary and base32)', async () => {
    for (const data of [new Uint8Array(0), new TextEncoder().encode('nexfs')]) {
      const digest = await blake3Hasher.digest(data);
      for (const codec of [CODEC_RAW, CODEC_DAG_CBOR]) {
        const theirs = CID.createV1(codec, digest);
        const ours = new Cid(codec, framer.nameOf(data));
        expect(ours.toString()).toBe(theirs.toString());
        expect(sameBytes(ours.bytes, theirs.bytes)).toBe(true);
        expect(Cid.decode(theirs.bytes)[0].equals(ours)).toBe(true);
      }
    }
  });

  it('varints round trip and reject non-minimal and oversized forms', () => {
    for (const v of [0, 1, 127, 128, 300, 16384, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const e = encodeVarint(v);
      expect(readVarint(e, 0)).toEqual([v, e.length]);
    }
    expect(() => readVarint(new Uint8Array([0x80, 0x00]), 0)).toThrow(ContentError);
    expect(() => readVarint(new Uint8Array([0x80]), 0)).toThrow(ContentError);
    expect(() => readVarint(new Uint8Array(9).fill(0xff), 0)).toThrow(ContentError);
  });
});

describe('CAR v1 interop with @ipld/car and multiformats', () => {
  it('exports a CAR that @ipld/car reads; every block verifies with multiformats; nodes are valid DAG-CBOR', async () => {
    const { store, commit } = buildTree();
    const car = exportCar(store, commit.root);
    const reader = await CarReader.fromBytes(car);
    const roots = await reader.getRoots();
    expect(roots.map(String)).toEqual([commit.root.toString()]);
    let blocks = 0;
    let nodes = 0;
    for await (const { cid, bytes } of reader.blocks()) {
      expect(cid.multihash.code).toBe(0x1e);
      const digest = await blake3Hasher.digest(bytes);
      expect(sameBytes(digest.bytes, cid.multihash.bytes)).toBe(true);
      if (cid.code === dagCbor.code) {
        const node = dagCbor.decode(bytes) as { type: string };
        expect(['dir', 'file']).toContain(node.type);
        expect(sameBytes(dagCbor.encode(node), bytes)).toBe(true);
        nodes++;
      }
      blocks++;
    }
    expect(nodes).toBe(verifyTree(store, commit.root).nodes);
    expect(blocks).toBe(nodes + verifyTree(store, commit.root).chunks);
  });

  it('imports a CAR written by @ipld/car into a fresh store and into one that already holds most of it', async () => {
    const { store, commit } = buildTree();
    const ours = await CarReader.fromBytes(exportCar(store, commit.root));
    const { writer, out } = CarWriter.create([CID.parse(commit.root.toString())]);
    const done = collect(out);
    for await (const block of ours.blocks()) await writer.put(block);
    await writer.close();
    const theirs = await done;

    const fresh = newStore();
    const report = importCar(theirs, fresh.store);
    expect(report.roots[0].equals(commit.root)).toBe(true);
    expect(report.existingBlocks).toBe(0);
    expect(verifyTree(fresh.store, commit.root)).toEqual(verifyTree(store, commit.root));
    for (const path of listTree(store, commit.root).keys()) {
      expect(
        sameBytes(readTreeFile(fresh.store, commit.root, path), readTreeFile(store, commit.root, path)),
      ).toBe(true);
    }
    // Dedup: importing into a store that already has the data writes nothing new.
    const before = store.stats.storedBytes;
    const again = importCar(theirs, store);
    expect(again.newBlocks).toBe(0);
    expect(store.stats.storedBytes).toBe(before);
  });

  it('bad archives are typed errors and change nothing', () => {
    const { store, commit } = buildTree();
    const car = exportCar(store, commit.root);
    const fresh = newStore();
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['truncated', car.subarray(0, car.length - 100)],
      ['header only', car.subarray(0, 60)],
      ['flipped block byte', Uint8Array.from(car, (b, i) => (i === car.length - 10 ? b ^ 1 : b))],
    ];
    // A CAR missing one chunk of the DAG.
    const withoutLast = readCar(car, framer.hashers.name);
    const parts = [car.subarray(0, 1 + car[0])];
    for (const b of withoutLast.blocks.slice(0, -1)) {
      parts.push(encodeVarint(b.cid.bytes.length + b.bytes.length), b.cid.bytes, b.bytes);
    }
    const incomplete = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      incomplete.set(p, o);
      o += p.length;
    }
    cases.push(['incomplete DAG', incomplete]);
    for (const [name, bytes] of cases) {
      let code = 'no error';
      try {
        importCar(bytes, fresh.store);
      } catch (e) {
        if (!(e instanceof ContentError)) throw e;
        code = e.code;
      }
      expect(code, name).not.toBe('no error');
      expect(fresh.blocks.size, name).toBe(0);
    }
  });
});
