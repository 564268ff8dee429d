/**
 * `@nexus/nip`: Nexus's package manager core. A CDCL SAT solver (also at `@nexus/nip/sat`)
 * and, on top of it, a resolver that optimises by stated preferences and explains failures.
 * @module
 */

export type { DebianIndex, DebianOptions } from './adapters/debian.js';
export { DebianIndexError, parseDebianPackages, parseDebianRelations } from './adapters/debian.js';
export type { Manifest } from './adapters/manifest.js';
export {
  MANIFEST_LIMIT_CHARS,
  MANIFEST_MAGIC,
  ManifestError,
  parseManifest,
  parseRequirement,
} from './adapters/manifest.js';
export type { NpmManifest, NpmPackument } from './adapters/npm.js';
export { fromNpm } from './adapters/npm.js';
export type { BrokenPackage, DistcheckOptions, DistcheckReport } from './distcheck.js';
export { distcheck, formatDistcheck } from './distcheck.js';
export type { EncodeOptions, Encoding, Fact, LockedPackage, Request } from './encode.js';
export { encode, variantKey } from './encode.js';
export type { Explanation, MinimalCore } from './explain.js';
export { CORE_MINIMIZATION_LIMIT, describeFact, explain, minimalCore } from './explain.js';
export type { Lockfile } from './lockfile.js';
export {
  LOCKFILE_LIMIT_CHARS,
  LOCKFILE_MAGIC,
  LockfileError,
  lockRequest,
  parseLockfile,
  writeLockfile,
} from './lockfile.js';
export type { Plan, ResolveOptions, Selected, VersionChange } from './resolve.js';
export { resolve, SolveFailure } from './resolve.js';
export * from './sat/index.js';
export type {
  Dependency,
  PackageVersion,
  Provide,
  Requirement,
  SourceSpec,
  VariantSpec,
  VariantValue,
} from './universe.js';
export { formatRequirement, UNIVERSE_LIMITS, Universe } from './universe.js';
export { compareDebian, debian, debianRelation } from './versions/debian.js';
export { compareNip, nipVersions } from './versions/nip.js';
export type { VersionScheme } from './versions/scheme.js';
export { semver } from './versions/semver.js';
