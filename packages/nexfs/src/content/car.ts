/**
 * CAR v1 (Content Addressable aRchive, ipld/specs "CARv1") export and import of a tree: the way
 * nexfs data moves into IPFS and back. Blocks are addressed by CIDv1 with the BLAKE3-256 multihash
 * (0x1e): chunks as `raw`, nodes as `dag-cbor` (SPEC.md part 2, "CAR export").
 *
 * Import is all-or-nothing: the whole archive is parsed, every block's BLAKE3 is checked against
 * its CID, every node is decoded strictly and the DAG under each root must be complete (in the
 * archive or already in the store) before the first block is written. Any fault is a typed
 * `ContentError` and leaves the store unchanged.
 * @module
 */
import { decodeCborPrefix, encodeCbor } from './cbor';
import { Cid, CODEC_DAG_CBOR, CODEC_RAW, encodeVarint, readVarint } from './cid';
import { noneCodec } from './codec';
import { ContentError } from './errors';
import { concatBytes, equalBytes } from './frame';
import type { Hasher } from './hash';
import type { ChunkStore } from './store';
import { decodeNode, reachable } from './tree';

/** Limits the reader enforces (SPEC.md part 2). */
export const CAR_LIMITS = Object.freeze({
  /** Largest header, bytes. */
  headerBytesMax: 65_536,
  /** Most roots in a header. */
  rootsMax: 16,
  /** Largest block (a 16 MiB chunk plus its CID). */
  blockBytesMax: 16 * 1024 * 1024 + 64,
  /** Most blocks in one archive. */
  blocksMax: 1 << 20,
});

/** A block of an archive. */
export interface CarBlock {
  /** The block's CID. */
  cid: Cid;
  /** The block's bytes (chunk plaintext or node). */
  bytes: Uint8Array;
}

/**
 * The parts of a CAR v1 archive of the tree under `root`, in order: header, then each block once
 * (depth-first from the root). Every block is read through the store and so verified.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { exportCarParts } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * let bytes = 0;
 * for (const part of exportCarParts(store, root)) bytes += part.length;
 * ```
 */
export function* exportCarParts(store: ChunkStore, root: Cid): Generator<Uint8Array> {
  if (root.codec !== CODEC_DAG_CBOR) throw new TypeError('root: must be a dag-cbor CID');
  const header = encodeCbor({ roots: [root], version: 1 });
  yield concatBytes([encodeVarint(header.length), header]);
  for (const cid of reachable(store, root)) {
    const bytes = store.get(cid.digest);
    yield concatBytes([encodeVarint(cid.bytes.length + bytes.length), cid.bytes, bytes]);
  }
}

/**
 * A CAR v1 archive of the tree under `root`, as one buffer.
 *
 * @example
 * ```ts
 * import type { ChunkStore, Cid } from '@nexus/nexfs';
 * import { exportCar } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const root: Cid;
 * const car = exportCar(store, root);
 * ```
 */
export function exportCar(store: ChunkStore, root: Cid): Uint8Array {
  return concatBytes([...exportCarParts(store, root)]);
}

/** A parsed and verified archive. */
export interface CarContents {
  /** The header's roots. */
  roots: Cid[];
  /** Every block, verified against its CID. */
  blocks: CarBlock[];
}

/**
 * Parses a CAR v1 archive and verifies every block's BLAKE3-256 against its CID. Nodes are not
 * interpreted here (see {@link importCar}). Throws `ContentError` on any fault.
 *
 * @example
 * ```ts
 * import { createHasher, readCar } from '@nexus/nexfs';
 * const hasher = await createHasher('blake3-256');
 * try { readCar(new Uint8Array([0x01]), hasher); } catch (e) { console.log((e as Error).message); }
 * ```
 */
export function readCar(bytes: Uint8Array, hasher: Hasher): CarContents {
  if (hasher.algorithm !== 'blake3-256') throw new TypeError('hasher: must be blake3-256');
  const [headerLength, a] = readVarint(bytes, 0);
  if (headerLength === 0 || headerLength > CAR_LIMITS.headerBytesMax)
    throw new ContentError('ELIMIT', `car.header: length ${headerLength}`);
  if (a + headerLength > bytes.length)
    throw new ContentError('ETRUNCATED', 'car.header: input ends inside the header');
  const [header, used] = decodeCborPrefix(bytes.subarray(0, a + headerLength), a);
  if (used !== headerLength) throw new ContentError('EFORMAT', 'car.header: length does not match its CBOR');
  const h = header as Record<string, unknown>;
  if (
    typeof h !== 'object' ||
    h === null ||
    Array.isArray(h) ||
    h instanceof Uint8Array ||
    h instanceof Cid
  ) {
    throw new ContentError('EFORMAT', 'car.header: not a map');
  }
  if (Object.keys(h).sort().join(',') !== 'roots,version')
    throw new ContentError('EFORMAT', 'car.header: fields must be roots and version');
  if (h.version !== 1) throw new ContentError('EUNSUPPORTED', `car.version: ${String(h.version)}`);
  const roots = h.roots;
  if (!Array.isArray(roots) || roots.length === 0 || roots.length > CAR_LIMITS.rootsMax) {
    throw new ContentError('EFORMAT', 'car.roots: must be 1..16 CIDs');
  }
  for (const r of roots)
    if (!(r instanceof Cid)) throw new ContentError('EFORMAT', 'car.roots: entry is not a CID');
  const blocks: CarBlock[] = [];
  let pos = a + headerLength;
  while (pos < bytes.length) {
    if (blocks.length >= CAR_LIMITS.blocksMax)
      throw new ContentError('ELIMIT', `car.blocks: more than ${CAR_LIMITS.blocksMax}`);
    const [length, b] = readVarint(bytes, pos);
    if (length === 0 || length > CAR_LIMITS.blockBytesMax)
      throw new ContentError('ELIMIT', `car.block: length ${length}`);
    pos += b;
    if (pos + length > bytes.length)
      throw new ContentError('ETRUNCATED', `car.block: input ends inside block ${blocks.length}`);
    const section = bytes.subarray(pos, pos + length);
    const [cid, cidLength] = Cid.decode(section, 0);
    const data = section.slice(cidLength);
    if (!equalBytes(hasher.digest(data), cid.digest)) {
      throw new ContentError(
        'ECHECKSUM',
        `car.block ${blocks.length}: BLAKE3 does not match ${cid.toString()}`,
      );
    }
    blocks.push({ cid, bytes: data });
    pos += length;
  }
  return { roots: roots as Cid[], blocks };
}

/** What an import did. */
export interface CarImportReport {
  /** The archive's roots. */
  roots: Cid[];
  /** Blocks in the archive. */
  blocks: number;
  /** Blocks written because the store lacked them. */
  newBlocks: number;
  /** Blocks already present (deduplicated). */
  existingBlocks: number;
}

/**
 * Imports a CAR v1 archive into a chunk store, deduplicating against what is stored. All-or-nothing:
 * the archive is fully verified (block hashes, node schemas, complete DAG under each root) before
 * anything is written.
 *
 * @example
 * ```ts
 * import type { ChunkStore } from '@nexus/nexfs';
 * import { importCar } from '@nexus/nexfs';
 * declare const store: ChunkStore; declare const car: Uint8Array;
 * const { roots, newBlocks } = importCar(car, store);
 * ```
 */
export function importCar(bytes: Uint8Array, store: ChunkStore): CarImportReport {
  const hasher = store.framer.hashers.name;
  const { roots, blocks } = readCar(bytes, hasher);
  const byKey = new Map<string, CarBlock>();
  for (const block of blocks) {
    const key = block.cid.key;
    const seen = byKey.get(key);
    if (seen !== undefined && seen.cid.codec !== block.cid.codec)
      throw new ContentError('EFORMAT', `car.block ${key}: two codecs`);
    byKey.set(key, block);
  }
  // The DAG under every root must be complete, every node well-formed.
  const checked = new Set<string>();
  for (const root of roots) {
    if (root.codec !== CODEC_DAG_CBOR)
      throw new ContentError('EFORMAT', 'car.roots: a root must be a dag-cbor node');
    const stack: Cid[] = [root];
    while (stack.length > 0) {
      const cid = stack.pop()!;
      if (checked.has(cid.key)) continue;
      checked.add(cid.key);
      const block = byKey.get(cid.key);
      if (block === undefined) {
        if (!store.has(cid.digest))
          throw new ContentError('ENOENT', `car.dag: block ${cid.toString()} is missing`);
        if (cid.codec === CODEC_DAG_CBOR) {
          const node = decodeNode(store.get(cid.digest));
          stack.push(...(node.type === 'dir' ? node.entries.map((e) => e.cid) : node.chunks));
        }
        continue;
      }
      if (block.cid.codec !== cid.codec)
        throw new ContentError('EFORMAT', `car.dag: ${cid.toString()} has another codec in the archive`);
      if (cid.codec === CODEC_RAW) continue;
      const node = decodeNode(block.bytes);
      stack.push(...(node.type === 'dir' ? node.entries.map((e) => e.cid) : node.chunks));
      if (checked.size > CAR_LIMITS.blocksMax) throw new ContentError('ELIMIT', 'car.dag: too many blocks');
    }
  }
  let newBlocks = 0;
  let existingBlocks = 0;
  for (const block of byKey.values()) {
    if (store.has(block.cid.digest)) {
      existingBlocks++;
      continue;
    }
    store.put(block.bytes, block.cid.codec === CODEC_RAW ? store.codec : noneCodec, block.cid.digest);
    newBlocks++;
  }
  return { roots, blocks: blocks.length, newBlocks, existingBlocks };
}
