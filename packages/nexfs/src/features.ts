/**
 * Content feature flags kept in the superblock's `compatFlags` (SPEC part 2, "Feature flags"). A set
 * bit turns a feature *off*, so a volume formatted without them (all zero) has every feature on and
 * part 1 images need no rewrite. They are compatible flags: an older reader that does not know them
 * still reads the volume correctly (they only change how new data is written), and unknown
 * compatible bits are kept on every rewrite. Changing them is one power-loss-safe superblock rewrite.
 * @module
 */

/**
 * The compatible feature bits nexfs defines (set = feature off).
 *
 * @example
 * ```ts
 * import { FeatureBits } from '@nexus/nexfs';
 * console.log(FeatureBits.noCompression); // 1
 * ```
 */
export const FeatureBits = Object.freeze({
  /** New chunks are stored uncompressed whatever the file's codec (reads are unaffected). */
  noCompression: 1 << 0,
  /**
   * Every write stores a fresh frame of each chunk instead of reusing the stored one. The chunk
   * index keeps one frame per name, so space is not duplicated: this trades write amplification
   * for never reusing an old frame.
   */
  noDedup: 1 << 1,
  /** `setCompression` records the new codec for future chunks without rewriting stored ones. */
  noBackgroundRecompression: 1 << 2,
});

/** The content features of a mounted volume. */
export interface Features {
  /** Compress new chunks with each file's codec. */
  compression: boolean;
  /** Store a chunk once per volume, found by name. */
  dedup: boolean;
  /** Rewrite a file's stored chunks when its compression changes. */
  backgroundRecompression: boolean;
}

/**
 * The features a `compatFlags` word describes.
 *
 * @example
 * ```ts
 * import { featuresOf } from '@nexus/nexfs';
 * console.log(featuresOf(0).compression); // true
 * ```
 */
export function featuresOf(compatFlags: number): Features {
  return {
    compression: (compatFlags & FeatureBits.noCompression) === 0,
    dedup: (compatFlags & FeatureBits.noDedup) === 0,
    backgroundRecompression: (compatFlags & FeatureBits.noBackgroundRecompression) === 0,
  };
}

/**
 * `compatFlags` with `changes` applied; bits nexfs does not define are kept as they are.
 *
 * @example
 * ```ts
 * import { withFeatures } from '@nexus/nexfs';
 * console.log(withFeatures(0x8000_0000, { compression: false }).toString(16)); // 80000001
 * ```
 */
export function withFeatures(compatFlags: number, changes: Partial<Features>): number {
  let flags = compatFlags >>> 0;
  const set = (bit: number, on: boolean | undefined) => {
    if (on === undefined) return;
    if (typeof on !== 'boolean') throw new TypeError('features: each value must be a boolean');
    flags = on ? flags & ~bit : flags | bit;
  };
  set(FeatureBits.noCompression, changes.compression);
  set(FeatureBits.noDedup, changes.dedup);
  set(FeatureBits.noBackgroundRecompression, changes.backgroundRecompression);
  return flags >>> 0;
}
