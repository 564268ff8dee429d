/**
 * A version ordering with its range language: semver (npm), Debian (Policy §5.6.12) or nip's
 * own. The resolver only compares versions and asks whether a version is in a range.
 * @module
 */

/** A pluggable version ordering. */
export interface VersionScheme {
  /** Name used in manifests and lockfiles: `semver`, `debian`, `nip`. */
  readonly name: string;
  /** Negative, zero or positive as `a` sorts before, equal to or after `b`. */
  compare(a: string, b: string): number;
  /** Whether `version` is valid in this scheme. */
  valid(version: string): boolean;
  /** Compiles a range expression to a predicate; throws RangeError naming the range if invalid. */
  range(expression: string): (version: string) => boolean;
}
