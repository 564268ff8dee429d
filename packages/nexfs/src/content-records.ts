/**
 * B-tree keys and values of content addressing on the volume (SPEC.md part 2, "Content records on
 * the volume"): the volume content record, the chunk index, chunked-file extents and snapshot
 * records. Chunk frames are stored as frame runs (`records.ts`, key 0x08), which garbage
 * collection, wear levelling and bad-block relocation move whole.
 * @module
 */
import { put32, put64, u32, u64 } from './_bytes.js';
import { HASH_ALGORITHM_IDS, type HashAlgorithm } from './content/hash.js';
import { KeyKind } from './records.js';

/**
 * First pseudo-inode number of the chunk space before frame runs: the frame of chunk number `n` was
 * stored as the data pages of pseudo-inode `CHUNK_INO_BASE + n`. Real inode numbers stay far below
 * (2^48 inodes); mount refuses a volume that still holds such pages.
 */
export const CHUNK_INO_BASE = 2 ** 48;

/** File layouts, the inode's `layout` byte. */
export const Layout = { Pages: 0, Chunked: 1 } as const;

/** Byte offsets of the volume content record (key: the single byte 0x05). */
export const CONTENT = {
  version: 0,
  layout: 1,
  checksum: 2,
  codec: 3,
  level: 4,
  minBytes: 8,
  avgBytes: 12,
  maxBytes: 16,
  features: 20,
  nextChunk: 24,
  nextSnapshot: 32,
  lastSnapshot: 40,
  bytes: 48,
} as const;

/** Byte offsets of a chunk index value (key: 0x05, BLAKE3-256 name). */
export const CHUNKREF = { chunkNo: 0, frameBytes: 8, plainBytes: 12, bytes: 16 } as const;

/** Byte offsets of an extent value (key: 0x06, inode u64, file offset u64). */
export const EXTENT = { name: 0, lengthBytes: 32, checksum: 36 } as const;

/** Volume-wide content settings and counters, persisted in the content record. */
export interface ContentRecord {
  /** Layout of new files: {@link Layout}. */
  layout: number;
  /** Hash id of new files' read checksum (SPEC part 2 "Hash algorithm ids"). */
  checksum: number;
  /** Codec id of new files. */
  codec: number;
  /** zstd level of new files (0 for the other codecs). */
  level: number;
  /** FastCDC minimum chunk size in bytes. */
  minBytes: number;
  /** FastCDC average chunk size in bytes. */
  avgBytes: number;
  /** FastCDC maximum chunk size in bytes. */
  maxBytes: number;
  /** Feature bits (reserved: 0). */
  features: number;
  /** Next chunk number to allocate. */
  nextChunk: number;
  /** Next snapshot id to allocate. */
  nextSnapshot: number;
  /** Id of the newest snapshot (0 for none): the parent of the next one. */
  lastSnapshot: number;
}

/** The key of the volume content record. */
export const CONTENT_KEY: Uint8Array = new Uint8Array([KeyKind.Chunk]);

/** Encodes the volume content record. */
export function encodeContent(r: ContentRecord): Uint8Array {
  const b = new Uint8Array(CONTENT.bytes);
  b[CONTENT.version] = 1;
  b[CONTENT.layout] = r.layout;
  b[CONTENT.checksum] = r.checksum;
  b[CONTENT.codec] = r.codec;
  b[CONTENT.level] = r.level;
  put32(b, CONTENT.minBytes, r.minBytes);
  put32(b, CONTENT.avgBytes, r.avgBytes);
  put32(b, CONTENT.maxBytes, r.maxBytes);
  put32(b, CONTENT.features, r.features);
  put64(b, CONTENT.nextChunk, r.nextChunk);
  put64(b, CONTENT.nextSnapshot, r.nextSnapshot);
  put64(b, CONTENT.lastSnapshot, r.lastSnapshot);
  return b;
}

/** Decodes the volume content record; null when malformed. */
export function decodeContent(b: Uint8Array): ContentRecord | null {
  if (b.length !== CONTENT.bytes || b[CONTENT.version] !== 1) return null;
  return {
    layout: b[CONTENT.layout],
    checksum: b[CONTENT.checksum],
    codec: b[CONTENT.codec],
    level: b[CONTENT.level],
    minBytes: u32(b, CONTENT.minBytes),
    avgBytes: u32(b, CONTENT.avgBytes),
    maxBytes: u32(b, CONTENT.maxBytes),
    features: u32(b, CONTENT.features),
    nextChunk: u64(b, CONTENT.nextChunk),
    nextSnapshot: u64(b, CONTENT.nextSnapshot),
    lastSnapshot: u64(b, CONTENT.lastSnapshot),
  };
}

/** Key of a chunk index entry. */
export function chunkKey(name: Uint8Array): Uint8Array {
  const k = new Uint8Array(1 + name.length);
  k[0] = KeyKind.Chunk;
  k.set(name, 1);
  return k;
}

/** A decoded chunk index value. */
export interface ChunkRef {
  /** Chunk number: its frame is the frame runs under key `0x08 ‖ chunkNo`. */
  chunkNo: number;
  /** Frame length in bytes. */
  frameBytes: number;
  /** Plaintext length in bytes. */
  plainBytes: number;
}

/** Encodes a chunk index value. */
export function encodeChunkRef(r: ChunkRef): Uint8Array {
  const b = new Uint8Array(CHUNKREF.bytes);
  put64(b, CHUNKREF.chunkNo, r.chunkNo);
  put32(b, CHUNKREF.frameBytes, r.frameBytes);
  put32(b, CHUNKREF.plainBytes, r.plainBytes);
  return b;
}

/** Decodes a chunk index value; null when malformed. */
export function decodeChunkRef(b: Uint8Array): ChunkRef | null {
  if (b.length !== CHUNKREF.bytes) return null;
  return {
    chunkNo: u64(b, CHUNKREF.chunkNo),
    frameBytes: u32(b, CHUNKREF.frameBytes),
    plainBytes: u32(b, CHUNKREF.plainBytes),
  };
}

/** Key of a chunked file's extent starting at byte `offset`. */
export function extentKey(ino: number, offset: number): Uint8Array {
  const k = new Uint8Array(17);
  k[0] = KeyKind.Extent;
  put64(k, 1, ino);
  put64(k, 9, offset);
  return k;
}

/** Bytes of the read checksum an extent carries for a hash id (BLAKE3-256: the name itself). */
export function checksumBytes(hashId: number): number {
  if (hashId === HASH_ALGORITHM_IDS['blake3-128']) return 16;
  if (hashId === HASH_ALGORITHM_IDS['xxh3-64']) return 8;
  return 0;
}

/** The hash algorithm of an on-flash id; undefined for an unknown id. */
export function hashAlgorithmOf(id: number): HashAlgorithm | undefined {
  for (const [name, value] of Object.entries(HASH_ALGORITHM_IDS))
    if (value === id) return name as HashAlgorithm;
  return undefined;
}

/** One extent of a chunked file. */
export interface Extent {
  /** File offset of the first byte. */
  offset: number;
  /** Plaintext length. */
  length: number;
  /** BLAKE3-256 name of the chunk. */
  name: Uint8Array;
  /** Read checksum of the plaintext in the inode's checksum kind (empty for BLAKE3-256). */
  checksum: Uint8Array;
}

/** Encodes an extent value. */
export function encodeExtent(e: Extent): Uint8Array {
  const b = new Uint8Array(EXTENT.checksum + e.checksum.length);
  b.set(e.name, EXTENT.name);
  put32(b, EXTENT.lengthBytes, e.length);
  b.set(e.checksum, EXTENT.checksum);
  return b;
}

/** Decodes an extent key and value; null when malformed. */
export function decodeExtent(key: Uint8Array, v: Uint8Array): Extent | null {
  if (key.length !== 17 || key[0] !== KeyKind.Extent || v.length < EXTENT.checksum) return null;
  const length = u32(v, EXTENT.lengthBytes);
  if (length === 0) return null;
  return {
    offset: u64(key, 9),
    length,
    name: v.slice(EXTENT.name, EXTENT.name + 32),
    checksum: v.slice(EXTENT.checksum),
  };
}

/** Key of a snapshot record. */
export function snapshotKey(id: number): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = KeyKind.Snapshot;
  put64(k, 1, id);
  return k;
}
