/**
 * The `Codec` port (per-chunk compression) with the two codecs that need no engine: `none` and
 * `rle`. zstd lives in `zstd.ts`. Every decoder is told the exact plaintext length (from the chunk
 * frame) and fails with a typed error on any other outcome, so a decoder can never be made to
 * allocate more than the frame declares.
 * @module
 */
import { ContentError } from './errors';

/** Codec names; the on-flash ids are in {@link CODEC_IDS}. */
export type CodecName = 'none' | 'rle' | 'zstd';

/** On-flash codec ids (SPEC.md part 2, "codec ids"). */
export const CODEC_IDS: Readonly<Record<CodecName, number>> = Object.freeze({ none: 0, rle: 1, zstd: 2 });

/** Largest plaintext a codec accepts in one call: a chunk is at most 16 MiB (FastCDC maxSize limit). */
export const CODEC_MAX_PLAIN_BYTES = 16 * 1024 * 1024;

/**
 * The compression port. `encode` may return output longer than its input (the caller then stores
 * the chunk with `none`); `decode` must return exactly `plainLength` bytes or throw a
 * {@link ContentError}.
 */
export interface Codec {
  /** Codec name. */
  readonly name: CodecName;
  /** On-flash codec id. */
  readonly id: number;
  /** Compression level recorded in the frame (0 for codecs without levels). */
  readonly level: number;
  /** Compresses one chunk. */
  encode(plain: Uint8Array): Uint8Array;
  /** Decompresses one chunk whose plaintext is exactly `plainLength` bytes. */
  decode(encoded: Uint8Array, plainLength: number): Uint8Array;
}

/** Checks a plaintext length argument at the door. */
export function checkPlainLength(plainLength: number): void {
  if (!Number.isInteger(plainLength) || plainLength < 0 || plainLength > CODEC_MAX_PLAIN_BYTES) {
    throw new RangeError(
      `plainLength: must be an integer in 0..${CODEC_MAX_PLAIN_BYTES}, got ${plainLength}`,
    );
  }
}

/**
 * The identity codec.
 *
 * @example
 * ```ts
 * import { noneCodec } from '@nexus/nexfs';
 * console.log(noneCodec.decode(noneCodec.encode(new Uint8Array([1, 2])), 2)); // Uint8Array [1, 2]
 * ```
 */
export const noneCodec: Codec = Object.freeze({
  name: 'none' as const,
  id: CODEC_IDS.none,
  level: 0,
  encode(plain: Uint8Array): Uint8Array {
    return plain.slice();
  },
  decode(encoded: Uint8Array, plainLength: number): Uint8Array {
    checkPlainLength(plainLength);
    if (encoded.length !== plainLength) {
      throw new ContentError(
        'EFORMAT',
        `none.length: stored ${encoded.length} bytes, frame says ${plainLength}`,
      );
    }
    return encoded.slice();
  },
});

/** RLE control bytes (SPEC.md part 2, "RLE stream"): literal runs 1..128, repeat runs 3..130. */
export const RLE_LITERAL_MAX = 128;
/** Shortest repeat run worth encoding, and the bias of the repeat count. */
export const RLE_REPEAT_MIN = 3;
/** Longest repeat run (control byte 0xff). */
export const RLE_REPEAT_MAX = 130;

/**
 * Byte-oriented run-length coding for the tiny and core profiles: no tables, no window, a decoder
 * of twenty lines. Control byte c < 0x80: c+1 literal bytes follow; c >= 0x80: the next byte
 * repeats c-0x80+3 times. Worst case grows the input by 1/128.
 *
 * @example
 * ```ts
 * import { rleCodec } from '@nexus/nexfs';
 * const packed = rleCodec.encode(new Uint8Array(1000));
 * console.log(packed.length, rleCodec.decode(packed, 1000).length); // 16 1000
 * ```
 */
export const rleCodec: Codec = Object.freeze({
  name: 'rle' as const,
  id: CODEC_IDS.rle,
  level: 0,
  encode: rleEncode,
  decode: rleDecode,
});

function rleEncode(plain: Uint8Array): Uint8Array {
  const n = plain.length;
  const out = new Uint8Array(n + Math.ceil(n / RLE_LITERAL_MAX) + 2);
  let o = 0;
  let i = 0;
  let literalStart = 0;
  const flushLiterals = (end: number) => {
    while (literalStart < end) {
      const count = Math.min(RLE_LITERAL_MAX, end - literalStart);
      out[o++] = count - 1;
      out.set(plain.subarray(literalStart, literalStart + count), o);
      o += count;
      literalStart += count;
    }
  };
  while (i < n) {
    const b = plain[i];
    let run = 1;
    while (i + run < n && run < RLE_REPEAT_MAX && plain[i + run] === b) run++;
    if (run >= RLE_REPEAT_MIN) {
      flushLiterals(i);
      out[o++] = 0x80 + run - RLE_REPEAT_MIN;
      out[o++] = b;
      i += run;
      literalStart = i;
    } else {
      i += run;
    }
  }
  flushLiterals(n);
  return out.slice(0, o);
}

function rleDecode(encoded: Uint8Array, plainLength: number): Uint8Array {
  checkPlainLength(plainLength);
  const out = new Uint8Array(plainLength);
  let i = 0;
  let o = 0;
  while (i < encoded.length) {
    const c = encoded[i++];
    if (c < 0x80) {
      const count = c + 1;
      if (i + count > encoded.length)
        throw new ContentError('ETRUNCATED', `rle.literal: run of ${count} at ${i - 1} ends past the input`);
      if (o + count > plainLength)
        throw new ContentError('EFORMAT', `rle.literal: output exceeds plainLength ${plainLength}`);
      out.set(encoded.subarray(i, i + count), o);
      i += count;
      o += count;
    } else {
      const count = c - 0x80 + RLE_REPEAT_MIN;
      if (i >= encoded.length) throw new ContentError('ETRUNCATED', `rle.repeat: value byte missing at ${i}`);
      if (o + count > plainLength)
        throw new ContentError('EFORMAT', `rle.repeat: output exceeds plainLength ${plainLength}`);
      out.fill(encoded[i++], o, o + count);
      o += count;
    }
  }
  if (o !== plainLength)
    throw new ContentError('ETRUNCATED', `rle.length: decoded ${o} bytes, frame says ${plainLength}`);
  return out;
}
