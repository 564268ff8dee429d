/**
 * FastCDC content-defined chunking, the 2016 and 2020 ("rolling two bytes") algorithms, byte-exact
 * with fastcdc-rs 4.0.1 (offsets, lengths and the reported 64-bit gear hash).
 *
 * - Xia et al., "FastCDC: a Fast and Efficient Content-Defined Chunking Approach for Data
 *   Deduplication", USENIX ATC 2016 (normalized chunking, gear hash, cut-point skipping).
 * - Xia et al., "The Design of Fast Content-Defined Chunking for Data Deduplication Based Storage
 *   Systems", IEEE TPDS 2020 (§3.7: two bytes per iteration with the left-shifted table).
 *
 * The 64-bit gear hash is kept as two int32 halves in locals, so the hot loop allocates nothing and
 * stays in V8's integer representation. See DESIGN.md (part 2) for the derivation and measurements.
 * @module
 */
import { type CdcKernel, createCdcKernel, KERNEL_DATA_OFFSET } from './_cdc-kernel';
import { GEAR_HI, GEAR_LO, MASKS, RONOMON_TABLE } from './_gear';
import { assert } from './errors';

/**
 * Which variant to run: FastCDC 2016, FastCDC 2020, or `ronomon` (the ronomon/deduplication
 * variant of fastcdc-rs: 31-bit right-shift hash, one bit of normalization, matching byte included).
 */
export type FastCdcVersion = '2016' | '2020' | 'ronomon';

/** Chunking parameters. Sizes are in bytes. */
export interface FastCdcOptions {
  /** Smallest chunk, 64..1,048,576 (fastcdc-rs limits). No byte below it is hashed. */
  minSize: number;
  /** Target average chunk, 256..4,194,304. The mask has round(log2(avgSize)) effective bits. */
  avgSize: number;
  /** Largest chunk, 1,024..16,777,216. */
  maxSize: number;
  /** Normalization level 0..3 (default 1): how much stricter the mask is below avgSize. */
  level?: 0 | 1 | 2 | 3;
  /** 2020 only: XORed into every gear entry (default 0n, the published table). */
  seed?: bigint;
  /** Algorithm variant (default '2020'). */
  version?: FastCdcVersion;
  /** Run the scan loop in the embedded WebAssembly kernel when the runtime has WebAssembly (default true). */
  wasm?: boolean;
}

/** One chunk found in an input: where it is and the gear hash at its cut point. */
export interface ChunkBoundary {
  /** Offset of the first byte of the chunk in the whole input. */
  offset: number;
  /** Length in bytes. */
  length: number;
  /** The gear hash value at the cut (0n when the chunk is a remainder no longer than minSize). */
  hash: bigint;
}

/** The nexfs default chunk sizes: 16 / 64 / 256 KiB. */
export const NEXFS_CDC_DEFAULTS: Readonly<FastCdcOptions> = Object.freeze({
  minSize: 16 * 1024,
  avgSize: 64 * 1024,
  maxSize: 256 * 1024,
  level: 1,
  seed: 0n,
  version: '2020',
});

/** fastcdc-rs 4.0.1 parameter limits (bytes). */
export const FASTCDC_LIMITS = Object.freeze({
  /** Smallest allowed `minSize`. */
  minSizeMin: 64,
  /** Largest allowed `minSize`. */
  minSizeMax: 1_048_576,
  /** Smallest allowed `avgSize`. */
  avgSizeMin: 256,
  /** Largest allowed `avgSize`. */
  avgSizeMax: 4_194_304,
  /** Smallest allowed `maxSize`. */
  maxSizeMin: 1024,
  /** Largest allowed `maxSize`. */
  maxSizeMax: 16_777_216,
});

function checkSize(name: string, value: number, low: number, high: number): void {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new RangeError(`${name}: must be an integer in ${low}..${high}, got ${value}`);
  }
}

/**
 * A configured FastCDC chunker. Stateless between calls: `cut` finds one cut point, `boundaries`
 * walks a whole in-memory input. For inputs that do not fit in memory use {@link CdcStream}.
 *
 * @example
 * ```ts
 * import { FastCdc } from '@nexus/nexfs';
 * const cdc = new FastCdc({ minSize: 4096, avgSize: 16384, maxSize: 65536 });
 * const data = new Uint8Array(100_000).map((_, i) => (i * 2654435761) >>> 24);
 * for (const c of cdc.boundaries(data)) console.log(c.offset, c.length);
 * ```
 */
export class FastCdc {
  /** The validated options this chunker runs with. */
  readonly options: Readonly<Required<Omit<FastCdcOptions, 'wasm'>>>;
  /** The WebAssembly scan kernel, or undefined when the JS scan is used. */
  private readonly kernel: CdcKernel | undefined;
  private readonly gearHi: Int32Array;
  private readonly gearLo: Int32Array;
  private readonly gearLsHi: Int32Array;
  private readonly gearLsLo: Int32Array;
  private readonly maskSHi: number;
  private readonly maskSLo: number;
  private readonly maskLHi: number;
  private readonly maskLLo: number;
  private readonly maskSBig: bigint;
  private readonly maskLBig: bigint;
  /** Gear hash at the last cut, high and low halves (read by `lastHash`). */
  private hashHi = 0;
  private hashLo = 0;

  /** @param options - chunk sizes, level, seed and variant; checked against fastcdc-rs limits. */
  constructor(options: FastCdcOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options: expected an object');
    const { minSize, avgSize, maxSize } = options;
    const level = options.level ?? 1;
    const seed = options.seed ?? 0n;
    const version = options.version ?? '2020';
    const L = FASTCDC_LIMITS;
    checkSize('minSize', minSize, L.minSizeMin, L.minSizeMax);
    checkSize('avgSize', avgSize, L.avgSizeMin, L.avgSizeMax);
    checkSize('maxSize', maxSize, L.maxSizeMin, L.maxSizeMax);
    if (!(minSize <= avgSize && avgSize <= maxSize)) {
      throw new RangeError(
        `minSize/avgSize/maxSize: need min <= avg <= max, got ${minSize}/${avgSize}/${maxSize}`,
      );
    }
    if (level !== 0 && level !== 1 && level !== 2 && level !== 3)
      throw new RangeError(`level: must be 0..3, got ${level}`);
    if (typeof seed !== 'bigint' || seed < 0n || seed >= 1n << 64n)
      throw new RangeError('seed: must be a bigint in 0..2^64-1');
    if (version !== '2016' && version !== '2020' && version !== 'ronomon') {
      throw new RangeError(`version: must be '2016', '2020' or 'ronomon', got ${version}`);
    }
    if (version !== '2020' && seed !== 0n) throw new RangeError('seed: only the 2020 variant takes a seed');
    if (version === 'ronomon' && level !== 1) {
      throw new RangeError('level: ronomon has one fixed bit of normalization (leave level at 1)');
    }
    this.options = Object.freeze({ minSize, avgSize, maxSize, level, seed, version });

    // bits = round(log2(avg)): fastcdc-rs 4.0.1 restored rounding (4.0.0 used floor).
    const bits = Math.round(Math.log2(avgSize));
    const maskS = MASKS[bits + level];
    const maskL = MASKS[bits - level];
    assert(maskS !== undefined && maskL !== undefined, 'mask index in range');
    this.maskSHi = maskS[0] | 0;
    this.maskSLo = maskS[1] | 0;
    this.maskLHi = maskL[0] | 0;
    this.maskLLo = maskL[1] | 0;

    // Seeded tables (2020 §"seed" in fastcdc-rs): GEAR ^ s and GEAR_LS ^ (s << 1).
    const seedHi = Number((seed >> 32n) & 0xffffffffn) | 0;
    const seedLo = Number(seed & 0xffffffffn) | 0;
    const seedLsHi = (seedHi << 1) | (seedLo >>> 31) | 0;
    const seedLsLo = (seedLo << 1) | 0;
    this.gearHi = new Int32Array(256);
    this.gearLo = new Int32Array(256);
    this.gearLsHi = new Int32Array(256);
    this.gearLsLo = new Int32Array(256);
    for (let i = 0; i < 256; i++) {
      const hi = GEAR_HI[i] | 0;
      const lo = GEAR_LO[i] | 0;
      this.gearHi[i] = hi ^ seedHi;
      this.gearLo[i] = lo ^ seedLo;
      // GEAR_LS = GEAR << 1 (mod 2^64), FastCDC 2020 §3.7.
      this.gearLsHi[i] = ((hi << 1) | (lo >>> 31)) ^ seedLsHi;
      this.gearLsLo[i] = (lo << 1) ^ seedLsLo;
    }
    this.kernel = options.wasm === false || version === 'ronomon' ? undefined : createCdcKernel(maxSize);
    this.maskSBig = (BigInt(maskS[0]) << 32n) | BigInt(maskS[1]);
    this.maskLBig = (BigInt(maskL[0]) << 32n) | BigInt(maskL[1]);
    if (this.kernel !== undefined) {
      const w = this.kernel.words;
      for (let i = 0; i < 256; i++) {
        w[i] = (BigInt(this.gearHi[i] >>> 0) << 32n) | BigInt(this.gearLo[i] >>> 0);
        w[256 + i] = (BigInt(this.gearLsHi[i] >>> 0) << 32n) | BigInt(this.gearLsLo[i] >>> 0);
      }
    }
  }

  /** True when the scan runs in the WebAssembly kernel. */
  get usesWasm(): boolean {
    return this.kernel !== undefined;
  }

  /** The gear hash at the most recent `cut`, as an unsigned 64-bit bigint. */
  lastHash(): bigint {
    return (BigInt(this.hashHi >>> 0) << 32n) | BigInt(this.hashLo >>> 0);
  }

  /**
   * Length of the chunk that starts at `start`, looking at most at `data[start, end)`. When
   * `end - start < maxSize` the caller asserts that the input ends at `end` (EOF): a streaming
   * caller must only call with fewer than maxSize bytes at the end of its input.
   *
   * @example
   * ```ts
   * import { FastCdc } from '@nexus/nexfs';
   * const cdc = new FastCdc({ minSize: 64, avgSize: 256, maxSize: 1024 });
   * console.log(cdc.cut(new Uint8Array(10240), 0, 10240)); // 1024
   * ```
   */
  cut(data: Uint8Array, start: number, end: number): number {
    assert(start >= 0 && start <= end && end <= data.length, 'cut range inside data');
    if (this.kernel !== undefined) {
      return this.cutWasm(this.kernel, data, start, end, this.options.version === '2020');
    }
    if (this.options.version === 'ronomon') return this.cutRonomon(data, start, end);
    return this.options.version === '2020' ? this.cut2020(data, start, end) : this.cut2016(data, start, end);
  }

  // The scan keeps only the low 32 bits of the gear hash: they depend on nothing above them
  // (shifts go left, carries go up), so they are exact. Only when they pass the mask's low half
  // (probability 2^-popcount, 1/512 at 64 KiB) is the exact 64-bit hash rebuilt from the last
  // 32 byte pairs (older pairs are shifted out of 64 bits) to test the high half. Measured on
  // 64 MiB of noise at 16/64/256 KiB: 80 MB/s with a full 64-bit carry chain per byte, ~10x
  // that with this split (DESIGN.md part 2, "FastCDC speed").

  private cut2020(data: Uint8Array, start: number, end: number): number {
    const { minSize, avgSize, maxSize } = this.options;
    let remaining = end - start;
    this.hashHi = 0;
    this.hashLo = 0;
    if (remaining <= minSize) return remaining;
    let center = avgSize;
    if (remaining > maxSize) remaining = maxSize;
    else if (remaining < center) center = remaining;
    const gLo = this.gearLo;
    const gsLo = this.gearLsLo;
    let lo = 0;
    const first = minSize >>> 1;
    // Phase 1 (below avgSize) uses the stricter mask, phase 2 the easier one (normalized chunking).
    // Byte positions advance by two; `stop` is the first pair that is not scanned.
    const phases = [start + 2 * (center >>> 1), start + 2 * (remaining >>> 1)];
    let a = start + 2 * first;
    for (let phase = 0; phase < 2; phase++) {
      const stop = phases[phase];
      const mHi = phase === 0 ? this.maskSHi : this.maskLHi;
      const mLo = phase === 0 ? this.maskSLo : this.maskLLo;
      const mLsHi = (mHi << 1) | (mLo >>> 31);
      const mLsLo = mLo << 1;
      for (; a < stop; a += 2) {
        // hash = (hash << 2) + GEAR_LS[byte[a]]; then hash += GEAR[byte[a + 1]]  (mod 2^32 here)
        lo = ((lo << 2) + gsLo[data[a]]) | 0;
        if ((lo & mLsLo) === 0) {
          this.exact2020(data, start, first, (a - start) >>> 1, 0);
          if ((this.hashHi & mLsHi) === 0) return a - start;
        }
        lo = (lo + gLo[data[a + 1]]) | 0;
        if ((lo & mLo) === 0) {
          this.exact2020(data, start, first, (a - start) >>> 1, 1);
          if ((this.hashHi & mHi) === 0) return a + 1 - start;
        }
      }
    }
    const index = (a - start) >>> 1;
    if (index > first) this.exact2020(data, start, first, index - 1, 1);
    return remaining;
  }

  // The same cut rules with the loop in the WebAssembly kernel, which keeps the exact 64-bit hash.
  // Input is copied into the kernel's window in 64 KiB steps just ahead of the scan, so a chunk
  // that cuts early costs no copy of the bytes after its cut.
  private cutWasm(k: CdcKernel, data: Uint8Array, start: number, end: number, v2020: boolean): number {
    const { minSize, avgSize, maxSize } = this.options;
    let remaining = end - start;
    this.hashHi = 0;
    this.hashLo = 0;
    if (remaining <= minSize) return remaining;
    let center = avgSize;
    if (remaining > maxSize) remaining = maxSize;
    else if (remaining < center) center = remaining;
    // 2020 works on whole byte pairs: both phase ends are rounded down to even offsets.
    let pos = v2020 ? 2 * (minSize >>> 1) : minSize;
    let copied = pos;
    k.h.value = 0n;
    for (let phase = 0; phase < 2; phase++) {
      const limit = phase === 0 ? center : remaining;
      const stop = v2020 ? 2 * (limit >>> 1) : limit;
      const mask = phase === 0 ? this.maskSBig : this.maskLBig;
      while (pos < stop) {
        const blockEnd = Math.min(stop, pos + 65536);
        if (blockEnd > copied) {
          k.bytes.set(data.subarray(start + copied, start + blockEnd), KERNEL_DATA_OFFSET + copied);
          copied = blockEnd;
        }
        const r = v2020
          ? k.scan2020(pos, blockEnd, mask, (mask << 1n) & 0xffffffffffffffffn)
          : k.scan2016(pos, blockEnd, mask);
        if (r !== -1) {
          this.takeHash(k);
          return r;
        }
        pos = blockEnd;
      }
    }
    this.takeHash(k);
    return remaining;
  }

  private takeHash(k: CdcKernel): void {
    const h = k.h.value;
    this.hashHi = Number((h >> 32n) & 0xffffffffn) | 0;
    this.hashLo = Number(h & 0xffffffffn) | 0;
  }

  // ronomon (fastcdc-rs `ronomon` module, after ronomon/deduplication): hash = (hash >> 1) +
  // TABLE[b] in u32, plain low-bit masks 2^(bits+1)-1 below the center and 2^(bits-1)-1 after,
  // and the matching byte is *included* in the chunk. Not on the hot path: JS only.
  private cutRonomon(data: Uint8Array, start: number, end: number): number {
    const { minSize, avgSize, maxSize } = this.options;
    const n = end - start;
    this.hashHi = 0;
    this.hashLo = 0;
    if (n <= minSize) return n;
    const stop = Math.min(n, maxSize);
    const bits = Math.round(Math.log2(avgSize));
    const maskS = 2 ** (bits + 1) - 1;
    const maskL = 2 ** (bits - 1) - 1;
    const center = Math.min(n, avgSize - Math.min(avgSize, minSize + Math.ceil(minSize / 2)));
    let hash = 0;
    for (let p = minSize; p < stop; p++) {
      hash = ((hash >>> 1) + RONOMON_TABLE[data[start + p]]) >>> 0;
      if ((hash & (p < center ? maskS : maskL)) === 0) {
        this.hashLo = hash | 0;
        return p + 1;
      }
    }
    this.hashLo = hash | 0;
    return stop;
  }

  /** Exact 64-bit hash after pair `pair` (half 0: its first byte only), from at most 32 pairs back. */
  private exact2020(data: Uint8Array, start: number, first: number, pair: number, half: number): void {
    const gHi = this.gearHi;
    const gLo = this.gearLo;
    const gsHi = this.gearLsHi;
    const gsLo = this.gearLsLo;
    let hi = 0;
    let lo = 0;
    for (let q = Math.max(first, pair - 32); q <= pair; q++) {
      const a = start + 2 * q;
      let b = data[a];
      let x = lo << 2;
      let y = gsLo[b];
      hi =
        (((hi << 2) | (lo >>> 30)) +
          gsHi[b] +
          (((x >>> 16) + (y >>> 16) + (((x & 0xffff) + (y & 0xffff)) >>> 16)) >>> 16)) |
        0;
      lo = (x + y) | 0;
      if (q === pair && half === 0) break;
      b = data[a + 1];
      x = lo;
      y = gLo[b];
      hi = (hi + gHi[b] + (((x >>> 16) + (y >>> 16) + (((x & 0xffff) + (y & 0xffff)) >>> 16)) >>> 16)) | 0;
      lo = (x + y) | 0;
    }
    this.hashHi = hi;
    this.hashLo = lo;
  }

  private cut2016(data: Uint8Array, start: number, end: number): number {
    const { minSize, avgSize, maxSize } = this.options;
    let remaining = end - start;
    this.hashHi = 0;
    this.hashLo = 0;
    if (remaining <= minSize) return remaining;
    let center = avgSize;
    if (remaining > maxSize) remaining = maxSize;
    else if (remaining < center) center = remaining;
    const gLo = this.gearLo;
    let lo = 0;
    let index = minSize;
    for (let phase = 0; phase < 2; phase++) {
      const limit = phase === 0 ? center : remaining;
      const mHi = phase === 0 ? this.maskSHi : this.maskLHi;
      const mLo = phase === 0 ? this.maskSLo : this.maskLLo;
      for (; index < limit; index++) {
        // hash = (hash << 1) + GEAR[byte[i]]  (mod 2^32 here; see cut2020)
        lo = ((lo << 1) + gLo[data[start + index]]) | 0;
        if ((lo & mLo) === 0) {
          this.exact2016(data, start, minSize, index);
          if ((this.hashHi & mHi) === 0) return index;
        }
      }
    }
    if (index > minSize) this.exact2016(data, start, minSize, index - 1);
    return remaining;
  }

  /** Exact 64-bit 2016 hash after byte `index`, from at most 64 bytes back. */
  private exact2016(data: Uint8Array, start: number, first: number, index: number): void {
    const gHi = this.gearHi;
    const gLo = this.gearLo;
    let hi = 0;
    let lo = 0;
    for (let i = Math.max(first, index - 64); i <= index; i++) {
      const b = data[start + i];
      const x = lo << 1;
      const y = gLo[b];
      hi =
        (((hi << 1) | (lo >>> 31)) +
          gHi[b] +
          (((x >>> 16) + (y >>> 16) + (((x & 0xffff) + (y & 0xffff)) >>> 16)) >>> 16)) |
        0;
      lo = (x + y) | 0;
    }
    this.hashHi = hi;
    this.hashLo = lo;
  }

  /**
   * Every chunk of an in-memory input, in order, covering it contiguously.
   *
   * @example
   * ```ts
   * import { FastCdc, NEXFS_CDC_DEFAULTS } from '@nexus/nexfs';
   * const cdc = new FastCdc(NEXFS_CDC_DEFAULTS);
   * const lengths = [...cdc.boundaries(new Uint8Array(1 << 20))].map((c) => c.length);
   * console.log(lengths); // four chunks of 262144 bytes
   * ```
   */
  *boundaries(data: Uint8Array): Generator<ChunkBoundary, void, undefined> {
    let offset = 0;
    while (offset < data.length) {
      const length = this.cut(data, offset, data.length);
      assert(length > 0, 'a cut always advances');
      yield { offset, length, hash: this.lastHash() };
      offset += length;
    }
  }

  /**
   * Cut lengths of an in-memory input into a caller-owned array; no allocation per chunk.
   * Returns how many chunks were written (at most `out.length`; call again from the sum of the
   * lengths to continue).
   *
   * @example
   * ```ts
   * import { FastCdc, NEXFS_CDC_DEFAULTS } from '@nexus/nexfs';
   * const out = new Uint32Array(64);
   * const n = new FastCdc(NEXFS_CDC_DEFAULTS).cutLengths(new Uint8Array(1 << 20), out);
   * console.log(n, out[0]); // 4 262144
   * ```
   */
  cutLengths(data: Uint8Array, out: Uint32Array, start = 0): number {
    let offset = start;
    let count = 0;
    while (offset < data.length && count < out.length) {
      const length = this.cut(data, offset, data.length);
      out[count++] = length;
      offset += length;
    }
    return count;
  }
}
