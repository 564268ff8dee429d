/**
 * zstd per chunk, levels 1..22 (RFC 8878 frames).
 *
 * Decoding runs everywhere with no set-up: fzstd, pure JS (270-350 MB/s on 256 KiB chunks here).
 * Encoding needs the reference C library compiled to WASM (@bokuweb/zstd-wasm, 190-250 MB/s at
 * levels 1-3), which is loaded on demand by {@link loadZstdEngine} and can also be injected as a
 * {@link ZstdEngine} (a browser that serves the .wasm itself). When an engine is loaded its decoder
 * is used too (~1 GB/s). Measurements and the reasons are in DESIGN.md (part 2).
 * @module
 */
import { decompress as fzstdDecompress } from 'fzstd';
import { CODEC_IDS, type Codec, checkPlainLength } from './codec';
import { ContentError } from './errors';

/** zstd compression levels nexfs accepts (the reference library's 1..ZSTD_maxCLevel()). */
export const ZSTD_LEVEL_MIN = 1;
/** Highest zstd level (ZSTD_maxCLevel() of zstd 1.5). */
export const ZSTD_LEVEL_MAX = 22;

/** A zstd implementation (the reference library in WASM, or anything with the same frames). */
export interface ZstdEngine {
  /** Compresses `plain` into one zstd frame at `level` (1..22). */
  compress(plain: Uint8Array, level: number): Uint8Array;
  /** Optional fast decoder; fzstd is used when absent. Must throw on malformed input. */
  decompress?(frame: Uint8Array, plainLength: number): Uint8Array;
}

/**
 * Checks a zstd level at the door: throws `RangeError` naming `level` unless it is 1..22.
 *
 * @example
 * ```ts
 * import { checkZstdLevel } from '@nexus/nexfs';
 * checkZstdLevel(19); // fine
 * ```
 */
export function checkZstdLevel(level: number): void {
  if (!Number.isInteger(level) || level < ZSTD_LEVEL_MIN || level > ZSTD_LEVEL_MAX) {
    throw new RangeError(
      `level: zstd level must be an integer in ${ZSTD_LEVEL_MIN}..${ZSTD_LEVEL_MAX}, got ${level}`,
    );
  }
}

/**
 * Decodes one zstd frame whose content is exactly `plainLength` bytes, in pure JS. Any failure of
 * the decoder (bad magic, corrupt entropy tables, wrong length) becomes a `ContentError`.
 *
 * @example
 * ```ts
 * import { zstdDecode } from '@nexus/nexfs';
 * // a raw-block frame holding "hi": magic, header, block header, payload
 * const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02, 0x11, 0x00, 0x00, 0x68, 0x69]);
 * console.log(new TextDecoder().decode(zstdDecode(frame, 2))); // hi
 * ```
 */
export function zstdDecode(frame: Uint8Array, plainLength: number): Uint8Array {
  // fzstd allocates exactly the header's content size. (Handing fzstd a preallocated buffer
  // instead measured 3-4x slower on 64 KiB chunks.)
  return decodeChecked(frame, plainLength, (f) => fzstdDecompress(f));
}

/**
 * Runs `decode` on `frame` once its header is known to record exactly `plainLength` as the content
 * size (so the decoder, which sizes its output from that header, cannot be made to allocate more
 * than the chunk frame declares), and checks the decoded length. Every fault is `EFORMAT`.
 */
function decodeChecked(
  frame: Uint8Array,
  plainLength: number,
  decode: (frame: Uint8Array, plainLength: number) => Uint8Array,
): Uint8Array {
  checkPlainLength(plainLength);
  const declared = zstdFrameContentSize(frame);
  if (declared !== plainLength) {
    throw new ContentError(
      'EFORMAT',
      `zstd.contentSize: frame header says ${declared}, chunk says ${plainLength}`,
    );
  }
  let out: Uint8Array;
  try {
    out = decode(frame, plainLength);
  } catch (e) {
    throw new ContentError('EFORMAT', `zstd.frame: ${(e as Error).message}`);
  }
  if (out.length !== plainLength) {
    throw new ContentError('EFORMAT', `zstd.length: decoded ${out.length} bytes, frame says ${plainLength}`);
  }
  return out;
}

/** zstd frame magic number, RFC 8878 §3.1.1. */
export const ZSTD_MAGIC = 0xfd2fb528;

/**
 * The Frame_Content_Size of a zstd frame header (RFC 8878 §3.1.1.1), or -1 when the header does not
 * record it. Throws `ContentError` on a malformed header.
 *
 * @example
 * ```ts
 * import { zstdFrameContentSize } from '@nexus/nexfs';
 * console.log(zstdFrameContentSize(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02]))); // 2
 * ```
 */
export function zstdFrameContentSize(frame: Uint8Array): number {
  if (frame.length < 5) throw new ContentError('ETRUNCATED', 'zstd.header: shorter than 5 bytes');
  const magic = (frame[0] | (frame[1] << 8) | (frame[2] << 16) | (frame[3] << 24)) >>> 0;
  if (magic !== ZSTD_MAGIC) throw new ContentError('EFORMAT', `zstd.magic: 0x${magic.toString(16)}`);
  const fhd = frame[4];
  if (fhd & 0x08) throw new ContentError('EFORMAT', 'zstd.header: reserved bit set');
  const fcsFlag = fhd >>> 6;
  const singleSegment = (fhd >>> 5) & 1;
  const dictIdBytes = [0, 1, 2, 4][fhd & 3];
  const fcsBytes = [singleSegment, 2, 4, 8][fcsFlag];
  let pos = 5 + (singleSegment ? 0 : 1) + dictIdBytes;
  if (fcsBytes === 0) return -1;
  if (frame.length < pos + fcsBytes)
    throw new ContentError('ETRUNCATED', 'zstd.header: content size cut off');
  let value = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) value = value * 256 + frame[pos + i];
  pos += fcsBytes;
  return fcsBytes === 2 ? value + 256 : value;
}

class ZstdCodec implements Codec {
  readonly name = 'zstd' as const;
  readonly id = CODEC_IDS.zstd;
  constructor(
    readonly level: number,
    private readonly engine: ZstdEngine | undefined,
  ) {}

  encode(plain: Uint8Array): Uint8Array {
    if (this.engine === undefined) {
      throw new ContentError(
        'EUNSUPPORTED',
        'zstd.encoder: no zstd engine loaded (call loadZstdEngine or pass one)',
      );
    }
    return this.engine.compress(plain, this.level);
  }

  decode(encoded: Uint8Array, plainLength: number): Uint8Array {
    const fast = this.engine?.decompress;
    if (fast === undefined) return zstdDecode(encoded, plainLength);
    return decodeChecked(encoded, plainLength, (f, n) => fast.call(this.engine, f, n));
  }
}

/**
 * A zstd {@link Codec} at `level`. Without an engine it decodes (pure JS) but cannot encode.
 *
 * @example
 * ```ts
 * import { loadZstdEngine, zstdCodec } from '@nexus/nexfs';
 * const codec = zstdCodec(3, await loadZstdEngine());
 * const plain = new TextEncoder().encode('abc'.repeat(1000));
 * console.log(codec.decode(codec.encode(plain), plain.length).length); // 3000
 * ```
 */
export function zstdCodec(level: number, engine?: ZstdEngine): Codec {
  checkZstdLevel(level);
  return new ZstdCodec(level, engine);
}

interface BokuwebZstd {
  init(): Promise<void>;
  compress(buf: Uint8Array, level?: number): Uint8Array;
  decompress(buf: Uint8Array): Uint8Array;
}

let enginePromise: Promise<ZstdEngine> | undefined;

/**
 * Loads the reference zstd library (WASM, @bokuweb/zstd-wasm) once per realm and returns it as an
 * engine. Works where the package's own loader can find its .wasm file (Node, Bun, Deno); a
 * browser build injects its own {@link ZstdEngine} instead. Fails with `EUNSUPPORTED` otherwise.
 *
 * @example
 * ```ts
 * import { loadZstdEngine } from '@nexus/nexfs';
 * const engine = await loadZstdEngine();
 * console.log(engine.compress(new Uint8Array(4096), 19).length < 100); // true
 * ```
 */
export function loadZstdEngine(): Promise<ZstdEngine> {
  enginePromise ??= (async () => {
    // The specifier is held in a variable so that bundlers leave this optional engine out of
    // browser bundles, where its loader cannot locate its .wasm file.
    const specifier = '@bokuweb/zstd-wasm';
    let lib: BokuwebZstd;
    try {
      lib = (await import(/* @vite-ignore */ specifier)) as BokuwebZstd;
      await lib.init();
    } catch (e) {
      enginePromise = undefined;
      throw new ContentError(
        'EUNSUPPORTED',
        `zstd.engine: cannot load ${specifier}: ${(e as Error).message}`,
      );
    }
    return {
      compress: (plain, level) => lib.compress(plain, level),
      decompress: (frame) => lib.decompress(frame),
    };
  })();
  return enginePromise;
}
