/**
 * The chunked file layout (inode layout 1): a file is a run of extents, each a FastCDC chunk
 * named by the BLAKE3-256 of its plaintext and stored once per volume in the chunk space.
 *
 * Writes (DESIGN.md part 2, "Writes into a chunked file"):
 * - appends collect in a tail buffer; whole chunks are cut from it as soon as more than one
 *   maximum chunk is pending, so a stream of appends is chunked exactly once;
 * - a flush point (sync, close, any commit) stores the tail, merged with the last stored chunk when
 *   that one is shorter than the minimum chunk, so fsync-heavy appends do not leave a trail of tiny
 *   chunks: a synced append rewrites at most one minimum chunk beside its own bytes;
 * - a write into the middle re-chunks only the extents it touches: boundaries outside them stay,
 *   so the rest of the file keeps its chunks. Write amplification is at most the two partly
 *   overwritten chunks (2 × maximum chunk) on top of the written bytes.
 * Old chunks are not freed at once (a snapshot may hold them): mark-and-sweep reclaims them.
 * @module
 */
import { assert } from './_assert.js';
import type { ChunkSpace, ContentChoice } from './chunk-space.js';
import type { Codec } from './content/codec.js';
import { decodeExtent, type Extent, encodeExtent, extentKey } from './content-records.js';
import { NexfsError } from './errors.js';

/** The chunked contents of one open file. */
export class ChunkedData {
  /** Stored extents, sorted and contiguous from offset 0. */
  extents: Extent[] = [];
  private tail: Uint8Array;
  private tailLength = 0;
  private cacheIndex = -1;
  private cachePlain: Uint8Array | null = null;

  constructor(
    private readonly space: ChunkSpace,
    readonly ino: number,
    public choice: ContentChoice,
    public path: string,
  ) {
    this.tail = new Uint8Array(Math.min(space.record.maxBytes * 2, 1 << 16));
    space.volume.tree.scan(extentKey(ino, 0), extentKey(ino + 1, 0), (k, v) => {
      const e = decodeExtent(k, v);
      if (e === null || e.offset !== this.storedEnd)
        throw new NexfsError('ECORRUPT', `extent at ${k.length === 17 ? 'a bad offset' : 'a bad key'}`, path);
      this.extents.push(e);
      return true;
    });
  }

  /** End of the stored extents. */
  get storedEnd(): number {
    const last = this.extents[this.extents.length - 1];
    return last === undefined ? 0 : last.offset + last.length;
  }

  /** Logical size: stored extents plus the pending tail. */
  get size(): number {
    return this.storedEnd + this.tailLength;
  }

  /** Flash pages a write of `bytes` may need, so the caller can ensure space first. */
  pagesFor(bytes: number): number {
    const P = this.space.volume.io.payloadBytes;
    const max = this.space.record.maxBytes;
    const span = bytes + 2 * max + this.tailLength;
    return Math.ceil(span / P) + Math.ceil(span / this.space.record.minBytes) + 4;
  }

  /** Reads `length` bytes at `position` into `out[offset..]`; returns the bytes read. */
  read(out: Uint8Array, offset: number, length: number, position: number): number {
    const end = Math.min(this.size, position + length);
    let done = 0;
    let i = this.find(position);
    for (let pos = position; pos < end; ) {
      const stored = this.storedEnd;
      if (pos >= stored) {
        const n = end - pos;
        out.set(this.tail.subarray(pos - stored, pos - stored + n), offset + done);
        done += n;
        break;
      }
      const e = this.extents[i];
      const plain = this.plain(i);
      const from = pos - e.offset;
      const n = Math.min(e.length - from, end - pos);
      out.set(plain.subarray(from, from + n), offset + done);
      pos += n;
      done += n;
      i++;
    }
    return done;
  }

  /** Writes `data` at `position` (zero-filling a gap past the end). Space was ensured by the caller. */
  write(data: Uint8Array, position: number): void {
    if (position > this.size) this.append(new Uint8Array(position - this.size));
    if (position === this.size) {
      this.append(data);
      return;
    }
    if (position >= this.storedEnd) {
      // Inside the pending tail: patch it in RAM, then append what runs past its end.
      const at = position - this.storedEnd;
      const inTail = Math.min(data.length, this.tailLength - at);
      this.tail.set(data.subarray(0, inTail), at);
      if (inTail < data.length) this.append(data.subarray(inTail));
      return;
    }
    this.flushTail();
    const stored = this.storedEnd;
    const i0 = this.find(position);
    const writeEnd = position + data.length;
    let i1 = writeEnd >= stored ? this.extents.length - 1 : this.find(writeEnd - 1);
    if (i1 < i0) i1 = i0;
    const start = this.extents[i0].offset;
    const oldEnd = this.extents[i1].offset + this.extents[i1].length;
    const regionEnd = Math.max(oldEnd, writeEnd);
    const region = new Uint8Array(regionEnd - start);
    for (let i = i0; i <= i1; i++) region.set(this.plain(i), this.extents[i].offset - start);
    region.set(data, position - start);
    for (let i = i0; i <= i1; i++) this.space.volume.del(extentKey(this.ino, this.extents[i].offset));
    const fresh = this.storeRegion(region, start, region.length);
    this.extents.splice(i0, i1 - i0 + 1, ...fresh);
    this.dropCache();
  }

  /** Sets the size: drops or re-chunks the extent the new end falls in, or zero-fills. */
  truncate(size: number): void {
    if (size >= this.size) {
      if (size > this.size) this.append(new Uint8Array(size - this.size));
      return;
    }
    if (size >= this.storedEnd) {
      this.tailLength = size - this.storedEnd;
      return;
    }
    this.tailLength = 0;
    const i = this.find(size);
    const e = this.extents[i];
    const keep = size - e.offset;
    const prefix = keep > 0 ? this.plain(i).slice(0, keep) : null;
    this.space.volume.delRange(extentKey(this.ino, e.offset), extentKey(this.ino + 1, 0));
    this.extents.length = i;
    if (prefix !== null) this.extents.push(...this.storeRegion(prefix, e.offset, prefix.length));
    this.dropCache();
  }

  /**
   * Stores the pending tail (a flush point). A last stored extent shorter than the minimum chunk is
   * merged in, so synced appends do not leave a trail of tiny chunks.
   */
  flushTail(): void {
    if (this.tailLength === 0) return;
    const last = this.extents[this.extents.length - 1];
    let start = this.storedEnd;
    let bytes = this.tail.subarray(0, this.tailLength);
    if (last !== undefined && last.length < this.space.record.minBytes) {
      const merged = new Uint8Array(last.length + this.tailLength);
      merged.set(this.plain(this.extents.length - 1), 0);
      merged.set(bytes, last.length);
      this.space.volume.del(extentKey(this.ino, last.offset));
      this.extents.pop();
      start = last.offset;
      bytes = merged;
    }
    this.tailLength = 0;
    this.extents.push(...this.storeRegion(bytes, start, bytes.length));
    this.dropCache();
  }

  /** The codec new chunks of this file are written with. */
  codec(): Codec {
    return this.space.codec(this.choice.codec, this.choice.level);
  }

  /** Deletes every extent key of the file. */
  static remove(space: ChunkSpace, ino: number): void {
    space.volume.delRange(extentKey(ino, 0), extentKey(ino + 1, 0));
  }

  private append(data: Uint8Array): void {
    const max = this.space.record.maxBytes;
    let at = 0;
    if (this.tailLength === 0 && data.length > 2 * max) {
      // Cut straight from the caller's bytes while more than one maximum chunk follows (a cut
      // reads at most `max` bytes past its start, so the boundaries are those the tail would give):
      // a large write is not first copied into the tail.
      const codec = this.codec();
      while (data.length - at > max) {
        const len = this.space.cdc.cut(data, at, data.length);
        this.store(data.subarray(at, at + len), this.storedEnd, codec);
        at += len;
      }
    }
    while (at < data.length) {
      if (this.tailLength === this.tail.length) {
        if (this.tail.length < 2 * max) {
          const bigger = new Uint8Array(Math.min(2 * max, this.tail.length * 2));
          bigger.set(this.tail);
          this.tail = bigger;
        } else {
          this.drain();
        }
      }
      const n = Math.min(data.length - at, this.tail.length - this.tailLength);
      this.tail.set(data.subarray(at, at + n), this.tailLength);
      this.tailLength += n;
      at += n;
    }
  }

  /** Cuts whole chunks from the front of a full tail and keeps the remainder pending. */
  private drain(): void {
    const max = this.space.record.maxBytes;
    const codec = this.codec();
    let off = 0;
    while (this.tailLength - off > max) {
      const len = this.space.cdc.cut(this.tail, off, this.tailLength);
      this.store(this.tail.subarray(off, off + len), this.storedEnd, codec);
      off += len;
    }
    this.tail.copyWithin(0, off, this.tailLength);
    this.tailLength -= off;
  }

  private storeRegion(bytes: Uint8Array, start: number, length: number): Extent[] {
    assert(length === bytes.length, 'region length');
    const codec = this.codec();
    const out: Extent[] = [];
    for (let off = 0; off < length; ) {
      const len = this.space.cdc.cut(bytes, off, length);
      out.push(this.storeAt(bytes.subarray(off, off + len), start + off, codec));
      off += len;
    }
    return out;
  }

  private store(plain: Uint8Array, offset: number, codec: Codec): void {
    this.extents.push(this.storeAt(plain, offset, codec));
  }

  private storeAt(plain: Uint8Array, offset: number, codec: Codec): Extent {
    const e = this.space.putChunk(plain, offset, codec, this.choice.checksum);
    this.space.volume.put(extentKey(this.ino, offset), encodeExtent(e));
    return e;
  }

  private plain(i: number): Uint8Array {
    if (this.cacheIndex === i && this.cachePlain !== null) return this.cachePlain;
    const plain = this.space.readChunk(this.extents[i], this.choice.checksum, this.path);
    this.cacheIndex = i;
    this.cachePlain = plain;
    return plain;
  }

  private dropCache(): void {
    this.cacheIndex = -1;
    this.cachePlain = null;
  }

  /** Index of the extent holding byte `position` (binary search). */
  private find(position: number): number {
    let lo = 0;
    let hi = this.extents.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.extents[mid].offset <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
