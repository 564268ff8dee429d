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
   * Dedup off: a chunk a write stores is encoded with the file's codec and programmed as a fresh
   * frame even when its name is already stored, and the new frame replaces the stored one (the
   * chunk index keeps exactly one frame per name, and equal names mean equal bytes, so files that
   * share the chunk read the new frame). Space is therefore never duplicated; what changes is that
   * writes skip no chunk: the write amplification and the encode cost of a deduplicated write come
   * back, and rewritten data always lands in new pages with the current codec. Reads, snapshots,
   * collection and the chunk count do not change.
   */
  noDedup: 1 << 1,
  /**
   * `setCompression` and `setVolumeCompression` record the new codec for future chunks without
   * rewriting stored ones, and a running volume recompression stops (its record stays until the
   * feature is on again).
   */
  noBackgroundRecompression: 1 << 2,
});

/** The content features of a mounted volume. */
export interface Features {
  /** Compress new chunks with each file's codec. */
  compression: boolean;
  /** Skip storing a chunk whose name is already stored (off: every write programs a fresh frame). */
  dedup: boolean;
  /** Rewrite stored chunks when a file's or the volume's compression changes. */
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
