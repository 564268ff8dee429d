/**
 * CIDv1 with the BLAKE3-256 multihash (code 0x1e), the unsigned varints they are made of, and the
 * base32 text form, after the multiformats specifications (multiformats/cid, unsigned-varint,
 * multicodec table). Only what nexfs writes is accepted on read: CID version 1, codecs raw (0x55)
 * and dag-cbor (0x71), multihash blake3 with a 32-byte digest.
 * @module
 */
import { ContentError } from './errors';

/** multicodec `raw`: a chunk's plaintext bytes. */
export const CODEC_RAW = 0x55;
/** multicodec `dag-cbor`: directory and file nodes. */
export const CODEC_DAG_CBOR = 0x71;
/** multicodec `blake3` multihash code. */
export const MULTIHASH_BLAKE3 = 0x1e;
/** Digest length nexfs uses in CIDs (BLAKE3-256). */
export const CID_DIGEST_BYTES = 32;
/** Binary length of every nexfs CID: version, codec, hash code, length (1+1+1+1) and the digest. */
export const CID_BYTES = 4 + CID_DIGEST_BYTES;

/** Largest varint value accepted (2^53 - 1: exact in a JS number). */
const VARINT_MAX_BYTES = 8;

/**
 * Reads an unsigned LEB128 varint at `offset`, minimally encoded, at most 2^53-1.
 * Returns [value, bytesRead]. Throws `ContentError` on truncation or a non-minimal encoding.
 *
 * @example
 * ```ts
 * import { readVarint } from '@nexus/nexfs';
 * console.log(readVarint(new Uint8Array([0xac, 0x02]), 0)); // [300, 2]
 * ```
 */
export function readVarint(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < VARINT_MAX_BYTES; i++) {
    if (offset + i >= bytes.length)
      throw new ContentError('ETRUNCATED', `varint: input ends at byte ${offset + i}`);
    const b = bytes[offset + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) throw new ContentError('EFORMAT', `varint: not minimally encoded at ${offset}`);
      if (value > Number.MAX_SAFE_INTEGER) throw new ContentError('ELIMIT', `varint: ${value} > 2^53-1`);
      return [value, i + 1];
    }
  }
  throw new ContentError('ELIMIT', `varint: longer than ${VARINT_MAX_BYTES} bytes at ${offset}`);
}

/**
 * Encodes an unsigned varint (0..2^53-1).
 *
 * @example
 * ```ts
 * import { encodeVarint } from '@nexus/nexfs';
 * console.log(encodeVarint(300)); // Uint8Array [0xac, 0x02]
 * ```
 */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`value: must be a safe unsigned integer, got ${value}`);
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Uint8Array.from(out);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A content identifier: CIDv1, codec raw or dag-cbor, BLAKE3-256 multihash.
 *
 * @example
 * ```ts
 * import { blake3, Cid, CODEC_RAW } from '@nexus/nexfs';
 * const cid = new Cid(CODEC_RAW, blake3(new TextEncoder().encode('hello')));
 * console.log(cid.toString().startsWith('bafkr4i')); // true
 * ```
 */
export class Cid {
  /** The binary form: 0x01, codec, 0x1e, 0x20, digest. */
  readonly bytes: Uint8Array;

  /**
   * @param codec - CODEC_RAW or CODEC_DAG_CBOR
   * @param digest - the 32-byte BLAKE3 digest of the block
   */
  constructor(
    readonly codec: number,
    readonly digest: Uint8Array,
  ) {
    if (codec !== CODEC_RAW && codec !== CODEC_DAG_CBOR)
      throw new RangeError(`codec: must be raw or dag-cbor, got 0x${codec.toString(16)}`);
    if (!(digest instanceof Uint8Array) || digest.length !== CID_DIGEST_BYTES)
      throw new RangeError('digest: must be 32 bytes');
    this.bytes = new Uint8Array(CID_BYTES);
    this.bytes[0] = 1;
    this.bytes[1] = codec;
    this.bytes[2] = MULTIHASH_BLAKE3;
    this.bytes[3] = CID_DIGEST_BYTES;
    this.bytes.set(digest, 4);
  }

  /**
   * Parses a binary CID at `offset`; returns the CID and its length. Rejects anything nexfs does not
   * write with a `ContentError`.
   */
  static decode(bytes: Uint8Array, offset = 0): [Cid, number] {
    let pos = offset;
    const [version, a] = readVarint(bytes, pos);
    pos += a;
    if (version !== 1) throw new ContentError('EUNSUPPORTED', `cid.version: ${version}`);
    const [codec, b] = readVarint(bytes, pos);
    pos += b;
    if (codec !== CODEC_RAW && codec !== CODEC_DAG_CBOR)
      throw new ContentError('EUNSUPPORTED', `cid.codec: 0x${codec.toString(16)}`);
    const [hashCode, c] = readVarint(bytes, pos);
    pos += c;
    if (hashCode !== MULTIHASH_BLAKE3)
      throw new ContentError('EUNSUPPORTED', `cid.multihash: 0x${hashCode.toString(16)}`);
    const [length, d] = readVarint(bytes, pos);
    pos += d;
    if (length !== CID_DIGEST_BYTES) throw new ContentError('EFORMAT', `cid.digestLength: ${length}`);
    if (pos + length > bytes.length)
      throw new ContentError('ETRUNCATED', 'cid.digest: input ends inside the digest');
    return [new Cid(codec, bytes.slice(pos, pos + length)), pos + length - offset];
  }

  /** Multibase base32 (lower case, prefix `b`), the default text form of CIDv1. */
  toString(): string {
    let out = 'b';
    let bits = 0;
    let value = 0;
    for (const byte of this.bytes) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5) {
        out += BASE32[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
    return out;
  }

  /** True when both CIDs have the same bytes. */
  equals(other: Cid): boolean {
    if (other.bytes.length !== this.bytes.length) return false;
    for (let i = 0; i < this.bytes.length; i++) if (other.bytes[i] !== this.bytes[i]) return false;
    return true;
  }

  private hexKey: string | undefined;

  /** Digest as lower-case hex (the key nexfs stores blocks under). */
  get key(): string {
    if (this.hexKey === undefined) {
      let s = '';
      for (const b of this.digest) s += HEX[b];
      this.hexKey = s;
    }
    return this.hexKey;
  }
}
