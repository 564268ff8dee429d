/**
 * The on-flash snapshot record (SPEC.md part 2, "snapshot record"): exactly 128 bytes, sealed by
 * an XXH3-64 over its first 120 bytes. The record commits to the tree by the BLAKE3-256 root
 * digest; everything else (counts, label, time) is metadata for listing.
 * @module
 */
import { XXH3_DEFAULT_SECRET, xxh3Portable } from './_xxh3';
import { Cid, CODEC_DAG_CBOR } from './cid';
import { ContentError } from './errors';
import { HASH_ALGORITHM_IDS } from './hash';

/** Record length in bytes. */
export const SNAPSHOT_RECORD_BYTES = 128;
/** Magic "NXSN". */
export const SNAPSHOT_MAGIC = 0x4e53584e;
/** Record format version. */
export const SNAPSHOT_VERSION = 1;
/** Longest label, bytes of UTF-8. */
export const SNAPSHOT_LABEL_BYTES = 32;

/** Field offsets (SPEC.md part 2 table; a test checks them against the SPEC). */
export const SNAPSHOT_FIELDS = Object.freeze({
  /** "NXSN", u32. */
  magic: 0,
  /** Format version, u8. */
  version: 4,
  /** Hash algorithm id of `root`, u8. */
  hashAlgorithm: 5,
  /** Flags, u16 (zero). */
  flags: 6,
  /** Snapshot id, u64. */
  id: 8,
  /** Previous snapshot id, u64. */
  parentId: 16,
  /** Creation time in ms, u64. */
  createdMs: 24,
  /** Root digest, 32 bytes. */
  root: 32,
  /** Sum of file sizes, u64. */
  logicalBytes: 64,
  /** File count, u32. */
  files: 72,
  /** Directory count, u32. */
  directories: 76,
  /** Label, 32 bytes of UTF-8. */
  label: 80,
  /** Reserved, 8 zero bytes. */
  reserved: 112,
  /** XXH3-64 of bytes 0..119, u64. */
  check: 120,
});

/** A snapshot's record. */
export interface SnapshotRecord {
  /** Snapshot id (1..2^64-1). */
  id: bigint;
  /** Id of the snapshot this one was taken after (0n for none). */
  parentId: bigint;
  /** Creation time from the injected clock, ms since the Unix epoch. */
  createdMs: number;
  /** CID of the root directory node (dag-cbor, BLAKE3-256). */
  root: Cid;
  /** Sum of file sizes. */
  logicalBytes: number;
  /** Files in the tree. */
  files: number;
  /** Directories in the tree (root included). */
  directories: number;
  /** Human label, at most 32 bytes of UTF-8. */
  label: string;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes a snapshot record into its 128 bytes.
 *
 * @example
 * ```ts
 * import { blake3, Cid, CODEC_DAG_CBOR, encodeSnapshotRecord } from '@nexus/nexfs';
 * const root = new Cid(CODEC_DAG_CBOR, blake3(new Uint8Array(0)));
 * const bytes = encodeSnapshotRecord({ id: 1n, parentId: 0n, createdMs: 0, root, logicalBytes: 0, files: 0, directories: 1, label: 'first' });
 * console.log(bytes.length); // 128
 * ```
 */
export function encodeSnapshotRecord(record: SnapshotRecord): Uint8Array {
  const { id, parentId, createdMs, root, logicalBytes, files, directories, label } = record;
  if (typeof id !== 'bigint' || id < 1n || id >= 1n << 64n)
    throw new RangeError('id: must be a bigint in 1..2^64-1');
  if (typeof parentId !== 'bigint' || parentId < 0n || parentId >= 1n << 64n)
    throw new RangeError('parentId: must be a bigint in 0..2^64-1');
  for (const [name, v] of [
    ['createdMs', createdMs],
    ['logicalBytes', logicalBytes],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name}: must be a safe unsigned integer`);
  }
  for (const [name, v] of [
    ['files', files],
    ['directories', directories],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${name}: must be a u32`);
  }
  if (!(root instanceof Cid) || root.codec !== CODEC_DAG_CBOR)
    throw new TypeError('root: must be a dag-cbor Cid');
  const labelBytes = utf8.encode(label);
  if (labelBytes.length > SNAPSHOT_LABEL_BYTES)
    throw new RangeError(`label: longer than ${SNAPSHOT_LABEL_BYTES} bytes`);
  const out = new Uint8Array(SNAPSHOT_RECORD_BYTES);
  const v = new DataView(out.buffer);
  const F = SNAPSHOT_FIELDS;
  v.setUint32(F.magic, SNAPSHOT_MAGIC, true);
  out[F.version] = SNAPSHOT_VERSION;
  out[F.hashAlgorithm] = HASH_ALGORITHM_IDS['blake3-256'];
  v.setBigUint64(F.id, id, true);
  v.setBigUint64(F.parentId, parentId, true);
  v.setBigUint64(F.createdMs, BigInt(createdMs), true);
  out.set(root.digest, F.root);
  v.setBigUint64(F.logicalBytes, BigInt(logicalBytes), true);
  v.setUint32(F.files, files, true);
  v.setUint32(F.directories, directories, true);
  out.set(labelBytes, F.label);
  v.setBigUint64(F.check, xxh3Portable(out.subarray(0, F.check), 0n, XXH3_DEFAULT_SECRET), true);
  return out;
}

/**
 * Decodes and verifies a 128-byte snapshot record. Throws `ContentError` on a bad magic,
 * version, checksum or field.
 *
 * @example
 * ```ts
 * import { decodeSnapshotRecord } from '@nexus/nexfs';
 * try { decodeSnapshotRecord(new Uint8Array(128)); } catch (e) { console.log((e as Error).message); }
 * ```
 */
export function decodeSnapshotRecord(bytes: Uint8Array): SnapshotRecord {
  if (bytes.length !== SNAPSHOT_RECORD_BYTES) {
    throw new ContentError(
      'ETRUNCATED',
      `snapshot.length: ${bytes.length}, must be ${SNAPSHOT_RECORD_BYTES}`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const F = SNAPSHOT_FIELDS;
  if (v.getUint32(F.magic, true) !== SNAPSHOT_MAGIC)
    throw new ContentError('EFORMAT', 'snapshot.magic: not NXSN');
  const check = xxh3Portable(bytes.subarray(0, F.check), 0n, XXH3_DEFAULT_SECRET);
  if (v.getBigUint64(F.check, true) !== check)
    throw new ContentError('ECHECKSUM', 'snapshot.check: XXH3-64 mismatch');
  if (bytes[F.version] !== SNAPSHOT_VERSION)
    throw new ContentError('EUNSUPPORTED', `snapshot.version: ${bytes[F.version]}`);
  if (bytes[F.hashAlgorithm] !== HASH_ALGORITHM_IDS['blake3-256']) {
    throw new ContentError('EUNSUPPORTED', `snapshot.hashAlgorithm: ${bytes[F.hashAlgorithm]}`);
  }
  if (v.getUint16(F.flags, true) !== 0)
    throw new ContentError('EUNSUPPORTED', 'snapshot.flags: unknown flags set');
  for (let i = F.reserved; i < F.check; i++)
    if (bytes[i] !== 0) throw new ContentError('EFORMAT', 'snapshot.reserved: not zero');
  const id = v.getBigUint64(F.id, true);
  if (id === 0n) throw new ContentError('EFORMAT', 'snapshot.id: zero');
  const createdMs = v.getBigUint64(F.createdMs, true);
  const logicalBytes = v.getBigUint64(F.logicalBytes, true);
  if (createdMs > BigInt(Number.MAX_SAFE_INTEGER) || logicalBytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ContentError('ELIMIT', 'snapshot.createdMs/logicalBytes: above 2^53-1');
  }
  const labelField = bytes.subarray(F.label, F.label + SNAPSHOT_LABEL_BYTES);
  let end = labelField.indexOf(0);
  if (end < 0) end = SNAPSHOT_LABEL_BYTES;
  for (let i = end; i < SNAPSHOT_LABEL_BYTES; i++)
    if (labelField[i] !== 0) throw new ContentError('EFORMAT', 'snapshot.label: bytes after the terminator');
  let label: string;
  try {
    label = utf8Strict.decode(labelField.subarray(0, end));
  } catch {
    throw new ContentError('EFORMAT', 'snapshot.label: invalid UTF-8');
  }
  return {
    id,
    parentId: v.getBigUint64(F.parentId, true),
    createdMs: Number(createdMs),
    root: new Cid(CODEC_DAG_CBOR, bytes.slice(F.root, F.root + 32)),
    logicalBytes: Number(logicalBytes),
    files: v.getUint32(F.files, true),
    directories: v.getUint32(F.directories, true),
    label,
  };
}
