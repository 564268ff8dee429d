/**
 * Compressed-chunk frames (SPEC.md part 2, "chunk frame"): a 24-byte header and the codec's output.
 *
 * Two checks guard every read. In a compressed frame the XXH3-64 in the header covers the header
 * and the compressed payload and is verified *before* the decoder runs, so a flipped bit never
 * reaches a decoder; the chunk's name (BLAKE3 of the plaintext) is verified *after*, so a decoder
 * bug or a collision in XXH3 still cannot return wrong bytes. An uncompressed frame (version 2)
 * has no decoder to protect: its XXH3-64 covers the header alone and its payload, the plaintext
 * itself, is verified by the name (or the file's read checksum) after reading. Hashing the payload
 * too bought nothing the name does not and cost 0.12 of a BLAKE3 pass over the same bytes
 * (hash-wasm XXH3 on 64 KiB chunks): a 32 MiB chunked write through the filesystem went from
 * 0.46-0.47 to 0.49-0.50 of raw BLAKE3 without it (two runs, load 7).
 * @module
 */
import { CODEC_IDS, type Codec, noneCodec, rleCodec } from './codec';
import { assert, ContentError } from './errors';
import type { Hasher } from './hash';
import { checkZstdLevel, type ZstdEngine, zstdCodec } from './zstd';

/** Frame magic "NC" (bytes 0x4e 0x43). */
export const FRAME_MAGIC = 0x434e;
/**
 * Frame format version written: 2 (an uncompressed frame's XXH3-64 covers its header only).
 * Version 1 frames (XXH3-64 over the header and every payload) still decode.
 */
export const FRAME_VERSION = 2;
/** Header length in bytes. */
export const FRAME_HEADER_BYTES = 24;
/** Largest plaintext in one frame (16 MiB, the FastCDC maxSize limit). */
export const FRAME_MAX_PLAIN_BYTES = 16 * 1024 * 1024;

/** The fields of a frame header. */
export interface FrameHeader {
  /** Codec id (SPEC "codec ids"). */
  codecId: number;
  /** Codec level (zstd 1..22, else 0). */
  level: number;
  /** Plaintext length in bytes. */
  plainLength: number;
  /** Payload (compressed) length in bytes. */
  payloadLength: number;
  /** XXH3-64 over header bytes 0..15 and, unless the frame is version 2 and uncompressed, the payload. */
  check: bigint;
  /** Frame format version (1 or 2). */
  version: number;
}

/**
 * Reads and validates a frame header (not the checksum; see {@link ChunkFramer.decode}).
 *
 * @example
 * ```ts
 * import { readFrameHeader } from '@nexus/nexfs';
 * try { readFrameHeader(new Uint8Array(3)); } catch (e) { console.log((e as Error).message); }
 * ```
 */
export function readFrameHeader(frame: Uint8Array): FrameHeader {
  if (frame.length < FRAME_HEADER_BYTES)
    throw new ContentError('ETRUNCATED', `frame.header: ${frame.length} < 24 bytes`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const magic = view.getUint16(0, true);
  if (magic !== FRAME_MAGIC) throw new ContentError('EFORMAT', `frame.magic: 0x${magic.toString(16)}`);
  if (frame[2] !== 1 && frame[2] !== FRAME_VERSION)
    throw new ContentError('EFORMAT', `frame.version: ${frame[2]}`);
  const codecId = frame[3];
  const level = frame[4];
  if (frame[5] !== 0 || frame[6] !== 0 || frame[7] !== 0)
    throw new ContentError('EFORMAT', 'frame.reserved: not zero');
  const plainLength = view.getUint32(8, true);
  const payloadLength = view.getUint32(12, true);
  if (plainLength > FRAME_MAX_PLAIN_BYTES)
    throw new ContentError('ELIMIT', `frame.plainLength: ${plainLength} > 16 MiB`);
  if (payloadLength !== frame.length - FRAME_HEADER_BYTES) {
    throw new ContentError(
      'ETRUNCATED',
      `frame.payloadLength: header says ${payloadLength}, have ${frame.length - FRAME_HEADER_BYTES}`,
    );
  }
  if (codecId === CODEC_IDS.zstd) {
    if (level < 1 || level > 22) throw new ContentError('EFORMAT', `frame.level: zstd level ${level}`);
  } else if (codecId === CODEC_IDS.none || codecId === CODEC_IDS.rle) {
    if (level !== 0) throw new ContentError('EFORMAT', `frame.level: ${level} for a codec without levels`);
    if (codecId === CODEC_IDS.none && payloadLength !== plainLength) {
      throw new ContentError('EFORMAT', 'frame.payloadLength: none codec must store the plaintext as is');
    }
  } else {
    throw new ContentError('EUNSUPPORTED', `frame.codec: unknown codec id ${codecId}`);
  }
  return {
    codecId,
    level,
    plainLength,
    payloadLength,
    check: view.getBigUint64(16, true),
    version: frame[2],
  };
}

/** Hashers a {@link ChunkFramer} needs. */
export interface FramerHashers {
  /** XXH3-64 (seed 0) for the frame check. */
  check: Hasher;
  /** The chunk naming hash (BLAKE3-256 by default). */
  name: Hasher;
}

/** An encoded chunk: its frame and its name. */
export interface EncodedChunk {
  /** Hash of the plaintext: the chunk's name. */
  name: Uint8Array;
  /** The frame to store. */
  frame: Uint8Array;
}

/** A frame as its two parts, not joined (see {@link ChunkFramer.encodeParts}). */
export interface FrameParts {
  /** The 24-byte header. */
  header: Uint8Array;
  /** The payload: the codec's output, or the plaintext itself (not a copy) with codec none. */
  payload: Uint8Array;
}

/**
 * Encodes chunks into frames and decodes them back with both checks.
 *
 * @example
 * ```ts
 * import { ChunkFramer, createHasher, rleCodec } from '@nexus/nexfs';
 * const framer = new ChunkFramer({ check: await createHasher('xxh3-64'), name: await createHasher('blake3-256') });
 * const { name, frame } = framer.encode(new Uint8Array(4096), rleCodec);
 * console.log(framer.decode(frame, name).length); // 4096
 * ```
 */
export class ChunkFramer {
  private readonly decoders = new Map<number, Codec>();

  /**
   * @param hashers - XXH3-64 for the frame check, the naming hash for chunk names
   * @param engine - zstd engine; without it zstd frames decode (pure JS) but cannot be written
   */
  constructor(
    readonly hashers: FramerHashers,
    engine?: ZstdEngine,
  ) {
    if (hashers.check.algorithm !== 'xxh3-64') throw new TypeError('hashers.check: must be xxh3-64');
    this.decoders.set(CODEC_IDS.none, noneCodec);
    this.decoders.set(CODEC_IDS.rle, rleCodec);
    this.decoders.set(CODEC_IDS.zstd, zstdCodec(3, engine));
  }

  /** The name of a plaintext chunk. */
  nameOf(plain: Uint8Array): Uint8Array {
    return this.hashers.name.digest(plain);
  }

  /**
   * Frames `plain` with `codec`; stores it uncompressed when compression does not make it smaller.
   * Pass `name` when it is already known, to skip hashing twice.
   */
  encode(plain: Uint8Array, codec: Codec, name?: Uint8Array): EncodedChunk {
    const { header, payload } = this.encodeParts(plain, codec);
    const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
    frame.set(header);
    frame.set(payload, FRAME_HEADER_BYTES);
    return { name: name ?? this.nameOf(plain), frame };
  }

  /**
   * The frame of `plain` as its 24-byte header and its payload, not joined: with codec none the
   * payload is `plain` itself, so a store that writes the two parts page by page never copies the
   * chunk (the joined frame cost a 64 KiB allocation and copy per chunk on the write path).
   */
  encodeParts(plain: Uint8Array, codec: Codec): FrameParts {
    if (!(plain instanceof Uint8Array)) throw new TypeError('plain: expected a Uint8Array');
    if (plain.length > FRAME_MAX_PLAIN_BYTES) throw new RangeError(`plain: ${plain.length} bytes > 16 MiB`);
    if (codec.name === 'zstd') checkZstdLevel(codec.level);
    let payload = codec.id === CODEC_IDS.none ? plain : codec.encode(plain);
    let used = codec;
    if (codec.id !== CODEC_IDS.none && payload.length >= plain.length) {
      payload = plain;
      used = noneCodec;
    }
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    const view = new DataView(header.buffer);
    view.setUint16(0, FRAME_MAGIC, true);
    header[2] = FRAME_VERSION;
    header[3] = used.id;
    header[4] = used.level;
    view.setUint32(8, plain.length, true);
    view.setUint32(12, payload.length, true);
    view.setBigUint64(16, this.checkOfParts(header, payload), true);
    return { header, payload };
  }

  private checkOf(frame: Uint8Array): bigint {
    return this.checkOfParts(frame, frame.subarray(FRAME_HEADER_BYTES));
  }

  private checkOfParts(header: Uint8Array, payload: Uint8Array): bigint {
    // Version 2, codec none: the header alone (the payload is the plaintext, checked by its name).
    const covered = header[2] >= 2 && header[3] === CODEC_IDS.none ? payload.subarray(0, 0) : payload;
    const digest = this.hashers.check.digest(header.subarray(0, 16), covered);
    assert(digest.length === 8, 'xxh3-64 digest is 8 bytes');
    // hash-wasm and the portable hasher give the canonical big-endian form.
    return new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0, false);
  }

  /**
   * Verifies and decodes a frame. Checks the frame XXH3-64 before decoding and, when `name` is
   * given, the plaintext hash after. Throws `ContentError` (`ECHECKSUM`, `EFORMAT`, ...) on bad data.
   * Without `name` the payload of an uncompressed version-2 frame is returned unverified: the
   * caller checks the plaintext (the chunk space compares it with the file's read checksum).
   */
  decode(frame: Uint8Array, name?: Uint8Array): Uint8Array {
    const header = readFrameHeader(frame);
    if (this.checkOf(frame) !== header.check)
      throw new ContentError('ECHECKSUM', 'frame.check: XXH3-64 mismatch');
    const codec = this.decoders.get(header.codecId);
    assert(codec !== undefined, 'codec id validated by readFrameHeader');
    const plain = codec.decode(frame.subarray(FRAME_HEADER_BYTES), header.plainLength);
    if (name !== undefined && !equalBytes(this.nameOf(plain), name)) {
      throw new ContentError('ECHECKSUM', 'chunk.name: plaintext hash does not match the chunk name');
    }
    return plain;
  }
}

/**
 * Byte equality that always reads both arrays to the end (no early exit on the first difference).
 *
 * @example
 * ```ts
 * import { equalBytes } from '@nexus/nexfs';
 * console.log(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))); // true
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The bytes of `parts`, one after another, in a new array. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}
