/**
 * npm-style manifests (`package.json` fields, or registry documents with a `versions` map) to a
 * universe under semver. `dependencies` and non-optional `peerDependencies` are required
 * (npm 7+ installs peers); `optionalDependencies` may fail, so they add no constraint.
 * @module
 */

import type { Dependency } from '../universe.js';
import { Universe } from '../universe.js';
import { semver } from '../versions/semver.js';

/** The fields of a package.json that resolution reads. */
export interface NpmManifest {
  /** Package name. */
  name: string;
  /** Semantic version. */
  version: string;
  /** Required dependencies: name to range. */
  dependencies?: Record<string, string>;
  /** Peer dependencies: name to range. */
  peerDependencies?: Record<string, string>;
  /** Peer dependencies marked optional. */
  peerDependenciesMeta?: Record<
    string,
    {
      /** The peer need not be installed. */
      optional?: boolean;
    }
  >;
  /** Optional dependencies (not constraints). */
  optionalDependencies?: Record<string, string>;
}

/** A registry document: every version of one package. */
export interface NpmPackument {
  /** Package name. */
  name: string;
  /** Manifests by version. */
  versions: Record<string, NpmManifest>;
}

/**
 * Builds a semver universe from npm manifests and registry documents.
 *
 * @example
 * ```ts
 * import { fromNpm, resolve } from '@nexus/nip';
 * const u = fromNpm([
 *   { name: 'app', version: '1.0.0', dependencies: { lib: '^2.1.0' } },
 *   { name: 'lib', versions: { '2.1.0': { name: 'lib', version: '2.1.0' }, '2.4.1': { name: 'lib', version: '2.4.1' } } },
 * ]);
 * resolve(u, { install: [{ name: 'app' }] }).packages.map((p) => `${p.name}@${p.version}`); // ['app@1.0.0', 'lib@2.4.1']
 * ```
 */
export function fromNpm(documents: readonly (NpmManifest | NpmPackument)[]): Universe {
  const u = new Universe(semver);
  for (const doc of documents) {
    const manifests = 'versions' in doc ? Object.values(doc.versions) : [doc];
    for (const m of manifests) {
      const depends: Dependency[] = [];
      for (const [name, range] of Object.entries(m.dependencies ?? {}))
        depends.push({ anyOf: [{ name, range: npmRange(range) }] });
      for (const [name, range] of Object.entries(m.peerDependencies ?? {})) {
        if (m.peerDependenciesMeta?.[name]?.optional) continue;
        if (m.dependencies?.[name] !== undefined) continue;
        depends.push({ anyOf: [{ name, range: npmRange(range) }] });
      }
      u.add({ name: m.name, version: m.version, depends });
    }
  }
  return u;
}

/** `latest`, `''` and `x` mean any version; other tags and URLs are not resolvable ranges. */
function npmRange(range: string): string {
  const r = range.trim();
  if (r === '' || r === 'latest' || r === 'x' || r === '*') return '*';
  return r;
}
