/**
 * The chunk space of a volume: content-addressed chunks stored once per volume on flash.
 *
 * A chunk's frame (SPEC part 2 "Chunk frame") is written as runs of contiguous pages under a chunk
 * number (key 0x08 + chunk number + first page: one key per run, usually one or two per frame), and
 * the chunk index (key 0x05 + BLAKE3-256 name) maps the name to that number. Frame pages carry no
 * per-page checksum: ECC corrects what it can, the page tag names the chunk, and the frame is
 * verified as a whole by its name (compressed frames first by their XXH3-64, before decoding).
 * Garbage collection, static wear levelling and bad-block relocation move a run as a whole and
 * replace its one key.
 * @module
 */
import { assert } from './_assert.js';
import { CODEC_IDS, type Codec, noneCodec, rleCodec } from './content/codec.js';
import { ContentError } from './content/errors.js';
import { FastCdc, NEXFS_CDC_DEFAULTS } from './content/fastcdc.js';
import { ChunkFramer, equalBytes, FRAME_HEADER_BYTES } from './content/frame.js';
import { createHasher, HASH_ALGORITHM_IDS, type HashAlgorithm, type Hasher } from './content/hash.js';
import { type BlockStore, ChunkStore, nameKey } from './content/store.js';
import { checkZstdLevel, loadZstdEngine, type ZstdEngine, zstdCodec } from './content/zstd.js';
import {
  CHUNK_INO_BASE,
  CONTENT_KEY,
  type ContentRecord,
  checksumBytes,
  chunkKey,
  decodeChunkRef,
  decodeContent,
  type Extent,
  encodeChunkRef,
  encodeContent,
  hashAlgorithmOf,
  Layout,
} from './content-records.js';
import { NexfsError } from './errors.js';
import { featuresOf } from './features.js';
import { frameRunKey, IncompatBits, KeyKind, pageKey } from './records.js';
import type { Volume } from './volume.js';

/** Compression of a chunked file's chunks. */
export type Compression = 'none' | 'rle' | 'zstd';

/** How a new file stores its data (per file; the volume keeps the defaults). */
export interface FileContentOptions {
  /** 'pages' (page map, CRC-32C per page) or 'chunked' (content-addressed, deduplicated chunks). */
  layout?: 'pages' | 'chunked';
  /** Hash verified on every read of a chunked file (default 'blake3-256', the chunk name itself). */
  checksum?: HashAlgorithm;
  /** Codec of a chunked file's chunks (default 'none'). */
  compression?: Compression;
  /** zstd level 1..22 (default 3) when `compression` is 'zstd'. */
  level?: number;
}

/** FastCDC chunk sizes of a volume, fixed at format. */
export interface ChunkingOptions {
  /** Smallest chunk in bytes (fastcdc-rs limits: 64..1,048,576). */
  minBytes: number;
  /** Average chunk in bytes (256..4,194,304). */
  avgBytes: number;
  /** Largest chunk in bytes (1,024..16,777,216). */
  maxBytes: number;
}

/** Content settings fixed at format time. */
export interface ContentFormatOptions extends FileContentOptions {
  /** FastCDC sizes in bytes (default 16/64/256 KiB). */
  chunking?: ChunkingOptions;
}

/** The per-inode content choice, as recorded in the inode. */
export interface ContentChoice {
  layout: number;
  checksum: number;
  codec: number;
  level: number;
}

/** A {@link BlockStore} over the chunk space of a volume (keys are hex chunk names). */
class FlashBlockStore implements BlockStore {
  constructor(private readonly space: ChunkSpace) {}

  get(key: string): Uint8Array | undefined {
    return this.space.readFrame(hexToBytes(key), undefined);
  }

  has(key: string): boolean {
    return this.space.volume.get(chunkKey(hexToBytes(key))) !== undefined;
  }

  put(key: string, value: Uint8Array): void {
    this.space.writeFrame(hexToBytes(key), value);
  }

  delete(key: string): boolean {
    return this.space.deleteChunk(hexToBytes(key));
  }

  keys(): Iterable<string> {
    const out: string[] = [];
    this.space.scanChunks((name) => {
      out.push(nameKey(name));
    });
    return out;
  }

  totalBytes(): number {
    return 0;
  }
}

/**
 * The content machinery of one mounted volume: hashers, framer, chunker, codecs, and the chunk
 * store on flash.
 */
export class ChunkSpace {
  /** The chunk store over flash (dedup, verified reads, CAR, Merkle trees). */
  readonly store: ChunkStore;
  /** The volume's chunker. */
  readonly cdc: FastCdc;
  /** Volume content record (defaults and counters). */
  record: ContentRecord;
  private recordDirty = false;
  private readonly checkers = new Map<number, Hasher>();
  private readonly framer: ChunkFramer;
  private readonly engine: ZstdEngine | undefined;
  private readonly pageBuf: Uint8Array;

  private constructor(
    readonly volume: Volume,
    record: ContentRecord,
    hashers: { name: Hasher; check: Hasher; b128: Hasher },
    engine: ZstdEngine | undefined,
  ) {
    this.record = record;
    this.engine = engine;
    this.framer = new ChunkFramer({ check: hashers.check, name: hashers.name }, engine);
    this.checkers.set(HASH_ALGORITHM_IDS['blake3-256'], hashers.name);
    this.checkers.set(HASH_ALGORITHM_IDS['blake3-128'], hashers.b128);
    this.checkers.set(HASH_ALGORITHM_IDS['xxh3-64'], hashers.check);
    this.cdc = new FastCdc({
      ...NEXFS_CDC_DEFAULTS,
      minSize: record.minBytes,
      avgSize: record.avgBytes,
      maxSize: record.maxBytes,
    });
    this.pageBuf = new Uint8Array(volume.io.payloadBytes);
    this.store = new ChunkStore(new FlashBlockStore(this), this.framer, noneCodec);
  }

  /**
   * Opens the chunk space of `volume`: reads its content record, or starts one from `options`
   * (written with the first chunk, or at the next commit when options were given).
   */
  static async open(
    volume: Volume,
    options: ContentFormatOptions & { zstdEngine?: ZstdEngine },
  ): Promise<ChunkSpace> {
    const hasOptions = (['layout', 'checksum', 'compression', 'level', 'chunking'] as const).some(
      (k) => options[k] !== undefined,
    );
    let record: ContentRecord;
    let changed = hasOptions;
    refuseFramePageMaps(volume);
    const stored = volume.get(CONTENT_KEY);
    if (stored !== undefined) {
      const decoded = decodeContent(stored);
      if (decoded === null) throw new NexfsError('ECORRUPT', 'the volume content record is malformed');
      const c = options.chunking;
      if (
        c &&
        (c.minBytes !== decoded.minBytes ||
          c.avgBytes !== decoded.avgBytes ||
          c.maxBytes !== decoded.maxBytes)
      )
        throw new TypeError('content.chunking: chunk sizes are set at format and differ from this volume');
      record = hasOptions ? { ...decoded, ...resolveChoice(options, decoded) } : decoded;
      changed = encodeContent(record).some((b, i) => b !== stored[i]);
    } else {
      const choice = resolveChoice(options, undefined);
      const c = options.chunking ?? { minBytes: 16 << 10, avgBytes: 64 << 10, maxBytes: 256 << 10 };
      // FastCdc validates the sizes against the fastcdc-rs limits (RangeError naming the field).
      new FastCdc({ minSize: c.minBytes, avgSize: c.avgBytes, maxSize: c.maxBytes });
      record = {
        layout: choice.layout,
        checksum: choice.checksum,
        codec: choice.codec,
        level: choice.level,
        minBytes: c.minBytes,
        avgBytes: c.avgBytes,
        maxBytes: c.maxBytes,
        features: 0,
        nextChunk: 0,
        nextSnapshot: 1,
        lastSnapshot: 0,
      };
    }
    const [name, check, b128] = await Promise.all([
      createHasher('blake3-256'),
      createHasher('xxh3-64'),
      createHasher('blake3-128'),
    ]);
    let engine = options.zstdEngine;
    if (engine === undefined) {
      try {
        engine = await loadZstdEngine();
      } catch {
        engine = undefined; // zstd chunks still decode (pure JS); writing them fails EUNSUPPORTED
      }
    }
    const space = new ChunkSpace(volume, record, { name, check, b128 }, engine);
    // Written when options set it; otherwise with the first chunk or snapshot, so a volume that
    // never uses content addressing keeps part 1's image byte for byte.
    if (changed && !volume.readOnly) space.recordDirty = true;
    return space;
  }

  /** The default content choice of new files, overridden by `options`. */
  choice(options: FileContentOptions | undefined): ContentChoice {
    return resolveChoice(options ?? {}, this.record);
  }

  /** Codec of a choice (RangeError for a bad zstd level; EUNSUPPORTED when zstd cannot encode here). */
  codec(codecId: number, level: number): Codec {
    if (codecId === CODEC_IDS.none || !featuresOf(this.volume.sb.compatFlags).compression) return noneCodec;
    if (codecId === CODEC_IDS.rle) return rleCodec;
    if (codecId === CODEC_IDS.zstd) {
      if (this.engine === undefined)
        throw new ContentError('EUNSUPPORTED', 'zstd.engine: no zstd encoder in this runtime');
      return zstdCodec(level, this.engine);
    }
    throw new ContentError('EUNSUPPORTED', `codec id ${codecId}`);
  }

  /** Writes the content record if it changed (called before every commit). */
  flush(): void {
    if (!this.recordDirty) return;
    this.volume.put(CONTENT_KEY, encodeContent(this.record));
    this.recordDirty = false;
  }

  /** Marks the content record changed. */
  touch(): void {
    this.recordDirty = true;
  }

  /** Flash pages a frame of `frameBytes` takes. */
  pagesOf(frameBytes: number): number {
    return Math.ceil(frameBytes / this.volume.io.payloadBytes);
  }

  /**
   * Stores `plain` as a chunk (once per volume) with `codec` and returns its extent for a file
   * whose read checksum is `checksumId`. The caller has ensured space.
   */
  putChunk(plain: Uint8Array, offset: number, codec: Codec, checksumId: number): Extent {
    // Named while the chunk is cache-hot from the cut; with dedup off a fresh frame goes under the
    // name even when one is stored (it replaces the old one). Straight to flash, not through
    // `store.put` (whose RAM reference counts the volume does not use: it collects by mark and
    // sweep), and the frame's two parts are written without joining them.
    const name = this.framer.nameOf(plain);
    if (!featuresOf(this.volume.sb.compatFlags).dedup || this.volume.get(chunkKey(name)) === undefined) {
      const { header, payload } = this.framer.encodeParts(plain, codec);
      this.writeFrameParts(name, header, payload);
    }
    const n = checksumBytes(checksumId);
    const checksum = n === 0 ? new Uint8Array(0) : this.checker(checksumId).digest(plain);
    return { offset, length: plain.length, name, checksum };
  }

  /**
   * Reads and verifies the chunk of an extent: page CRCs, frame XXH3-64 before decoding, then the
   * plaintext against the file's checksum. Throws a typed error naming `path`.
   */
  readChunk(e: Extent, checksumId: number, path: string): Uint8Array {
    const frame = this.readFrame(e.name, path);
    if (frame === undefined) throw new ContentError('ENOENT', `chunk ${nameKey(e.name)} is not stored`, path);
    let plain: Uint8Array;
    try {
      plain = this.framer.decode(frame);
    } catch (err) {
      if (err instanceof ContentError) throw new ContentError(err.code, err.message, path);
      throw err;
    }
    const ok =
      checksumBytes(checksumId) === 0
        ? equalBytes(this.framer.nameOf(plain), e.name)
        : equalBytes(this.checker(checksumId).digest(plain), e.checksum);
    if (!ok || plain.length !== e.length)
      throw new ContentError(
        'ECHECKSUM',
        `chunk ${nameKey(e.name)} at offset ${e.offset} does not match its checksum`,
        path,
      );
    return plain;
  }

  /** The frame of a stored chunk, or undefined. Page failures throw EIO naming `path`. */
  readFrame(name: Uint8Array, path: string | undefined): Uint8Array | undefined {
    const v = this.volume.get(chunkKey(name));
    if (v === undefined) return undefined;
    const ref = decodeChunkRef(v);
    if (ref === null)
      throw new NexfsError('ECORRUPT', `chunk index entry ${nameKey(name)} is malformed`, path);
    return this.volume.readFrameRuns(ref.chunkNo, ref.frameBytes, path ?? `chunk ${nameKey(name)}`);
  }

  /** Writes a frame under a new chunk number and indexes it. */
  writeFrame(name: Uint8Array, frame: Uint8Array): void {
    assert(frame.length >= FRAME_HEADER_BYTES, 'a frame holds at least its header');
    this.writeFrameParts(name, frame.subarray(0, FRAME_HEADER_BYTES), frame.subarray(FRAME_HEADER_BYTES));
  }

  /**
   * Writes the frame `header ++ payload` under a new chunk number and indexes it. Only the first
   * page is assembled (header and the payload's head); every later page is a view of the payload.
   */
  writeFrameParts(name: Uint8Array, header: Uint8Array, payload: Uint8Array): void {
    assert(header.length === FRAME_HEADER_BYTES, 'frame header length');
    if (this.volume.get(chunkKey(name)) !== undefined) this.deleteChunk(name);
    if ((this.volume.sb.incompatFlags & IncompatBits.frameRuns) === 0) {
      // The first frame of a volume: older readers must refuse it from now on (one superblock
      // rewrite; a cut before it leaves no frame, after it a flag with no frame yet).
      this.volume.setFeatures(
        this.volume.sb.incompatFlags | IncompatBits.frameRuns,
        this.volume.sb.compatFlags,
      );
    }
    const chunkNo = this.record.nextChunk++;
    this.recordDirty = true;
    const P = this.volume.io.payloadBytes;
    const frameBytes = FRAME_HEADER_BYTES + payload.length;
    const first = Math.min(P, frameBytes);
    const buf = this.pageBuf;
    buf.set(header);
    buf.set(payload.subarray(0, first - FRAME_HEADER_BYTES), FRAME_HEADER_BYTES);
    const page0 = buf.subarray(0, first);
    this.volume.writeFrameRuns(chunkNo, Math.ceil(frameBytes / P), (i) =>
      i === 0
        ? page0
        : payload.subarray(
            i * P - FRAME_HEADER_BYTES,
            Math.min(payload.length, (i + 1) * P - FRAME_HEADER_BYTES),
          ),
    );
    const plainBytes = new DataView(header.buffer, header.byteOffset + 8, 4).getUint32(0, true);
    this.volume.put(chunkKey(name), encodeChunkRef({ chunkNo, frameBytes, plainBytes }));
  }

  /**
   * Re-encodes a stored chunk with `codec` under the same name (copy-on-write: the new frame is
   * written to fresh pages and the index entry swapped in the caller's transaction; the old pages
   * die with it). Returns false when the frame already has that codec and level.
   */
  recode(name: Uint8Array, codec: Codec, path: string): boolean {
    const frame = this.readFrame(name, path);
    if (frame === undefined) throw new ContentError('ENOENT', `chunk ${nameKey(name)} is not stored`, path);
    if (frame[3] === codec.id && frame[4] === codec.level) return false;
    let plain: Uint8Array;
    try {
      plain = this.framer.decode(frame, name);
    } catch (err) {
      if (err instanceof ContentError) throw new ContentError(err.code, err.message, path);
      throw err;
    }
    const encoded = this.framer.encode(plain, codec, name);
    if (encoded.frame[3] === frame[3] && encoded.frame[4] === frame[4]) return false;
    this.writeFrame(name, encoded.frame);
    return true;
  }

  /** Removes a chunk's pages and index entry; returns whether it existed. */
  deleteChunk(name: Uint8Array): boolean {
    const v = this.volume.get(chunkKey(name));
    if (v === undefined) return false;
    const ref = decodeChunkRef(v);
    if (ref !== null) this.volume.delRange(frameRunKey(ref.chunkNo, 0), frameRunKey(ref.chunkNo + 1, 0));
    this.volume.del(chunkKey(name));
    return true;
  }

  /** Calls `fn` with every stored chunk's name and index entry, in name order. */
  scanChunks(fn: (name: Uint8Array, frameBytes: number) => void): void {
    const lo = new Uint8Array([KeyKind.Chunk, 0]);
    const hi = new Uint8Array([KeyKind.Chunk + 1]);
    this.volume.tree.scan(lo, hi, (k, v) => {
      if (k.length === 33) fn(k.slice(1), decodeChunkRef(v)?.frameBytes ?? 0);
      return true;
    });
  }

  private checker(checksumId: number): Hasher {
    const h = this.checkers.get(checksumId);
    if (h === undefined) throw new ContentError('EUNSUPPORTED', `hash id ${checksumId}`);
    return h;
  }
}

/**
 * Refuses a volume whose chunk frames are page-mapped (the layout before frame runs: one page-map
 * entry with a CRC-32C per frame page under pseudo-inode `CHUNK_INO_BASE + chunkNo`, and no
 * `frameRuns` bit). This version reads frames from runs only; such a volume is copied out with
 * the version that wrote it. A volume that never stored a chunk has no such entry and mounts.
 */
function refuseFramePageMaps(volume: Volume): void {
  if ((volume.sb.incompatFlags & IncompatBits.frameRuns) !== 0) return;
  let found = false;
  volume.tree.scan(pageKey(CHUNK_INO_BASE, 0), new Uint8Array([KeyKind.Page + 1]), () => {
    found = true;
    return false;
  });
  if (found)
    throw new NexfsError(
      'EFORMAT',
      'chunk frames are stored page by page (the layout before frame runs): this version reads frame runs only',
    );
}

/** Validates per-file options at the door and merges them over the volume defaults. */
export function resolveChoice(options: FileContentOptions, base: ContentRecord | undefined): ContentChoice {
  if (typeof options !== 'object' || options === null) throw new TypeError('options: expected an object');
  const { layout, checksum, compression, level } = options;
  if (layout !== undefined && layout !== 'pages' && layout !== 'chunked')
    throw new TypeError(`layout: 'pages' or 'chunked', got ${String(layout)}`);
  if (checksum !== undefined && !(checksum in HASH_ALGORITHM_IDS))
    throw new TypeError(`checksum: 'blake3-256', 'blake3-128' or 'xxh3-64', got ${String(checksum)}`);
  if (compression !== undefined && !(compression in CODEC_IDS))
    throw new TypeError(`compression: 'none', 'rle' or 'zstd', got ${String(compression)}`);
  const codec = compression !== undefined ? CODEC_IDS[compression] : (base?.codec ?? CODEC_IDS.none);
  let lvl = 0;
  if (codec === CODEC_IDS.zstd) {
    lvl = level ?? (compression === undefined && base ? base.level : 3);
    checkZstdLevel(lvl);
  } else if (level !== undefined) {
    throw new RangeError('level: only zstd has levels');
  }
  return {
    layout:
      layout === undefined
        ? (base?.layout ?? Layout.Pages)
        : layout === 'chunked'
          ? Layout.Chunked
          : Layout.Pages,
    checksum:
      checksum !== undefined
        ? HASH_ALGORITHM_IDS[checksum]
        : (base?.checksum ?? HASH_ALGORITHM_IDS['blake3-256']),
    codec,
    level: lvl,
  };
}

/** The names of a content choice, for stat and reports. */
export function describeChoice(c: ContentChoice): Required<FileContentOptions> {
  const compression =
    (Object.keys(CODEC_IDS) as Compression[]).find((k) => CODEC_IDS[k] === c.codec) ?? 'none';
  return {
    layout: c.layout === Layout.Chunked ? 'chunked' : 'pages',
    checksum: hashAlgorithmOf(c.checksum) ?? 'blake3-256',
    compression,
    level: c.level,
  };
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
