/**
 * nip's own manifest format (SPEC.md, "Manifest"): a line-oriented text listing sources and
 * candidates with variants, flags, dependencies (alternatives, variant requirements, features),
 * conflicts, breaks and provides.
 * @module
 */

import type { Dependency, PackageVersion, Requirement, SourceSpec, VariantValue } from '../universe.js';
import { Universe } from '../universe.js';
import { debian } from '../versions/debian.js';
import { nipVersions } from '../versions/nip.js';
import type { VersionScheme } from '../versions/scheme.js';
import { semver } from '../versions/semver.js';

/**
 * First line of every manifest (format version 1).
 *
 * @example
 * ```ts
 * import { MANIFEST_MAGIC } from '@nexus/nip';
 * MANIFEST_MAGIC; // 'nip-manifest 1'
 * ```
 */
export const MANIFEST_MAGIC = 'nip-manifest 1';
/**
 * Largest manifest accepted: 256 MiB of text.
 *
 * @example
 * ```ts
 * import { MANIFEST_LIMIT_CHARS } from '@nexus/nip';
 * MANIFEST_LIMIT_CHARS; // 268435456
 * ```
 */
export const MANIFEST_LIMIT_CHARS = 256 << 20;

/**
 * A malformed manifest, naming the 1-based line.
 *
 * @example
 * ```ts
 * import { parseManifest, ManifestError } from '@nexus/nip';
 * try { parseManifest('hello'); } catch (e) { (e as ManifestError).line; } // 1
 * ```
 */
export class ManifestError extends Error {
  /** 1-based line. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(`manifest line ${line}: ${message}`);
    this.name = 'ManifestError';
    this.line = line;
  }
}

const SCHEMES: Record<string, VersionScheme> = { nip: nipVersions, semver, debian };
const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)((?:[+~][A-Za-z0-9_-]+)*)$/;
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_-]*)=(\S+)$/;

function variantValue(text: string): VariantValue {
  return text === 'true' ? true : text === 'false' ? false : text;
}

/** Parses `+a~b k=v` tokens into variant values. */
function parseVariants(tokens: string[], suffix: string): Record<string, VariantValue> {
  const out: Record<string, VariantValue> = {};
  for (const m of suffix.matchAll(/([+~])([A-Za-z0-9_-]+)/g)) out[m[2]] = m[1] === '+';
  for (const t of tokens) {
    const kv = KEY_VALUE.exec(t)!;
    out[kv[1]] = variantValue(kv[2]);
  }
  return out;
}

/**
 * Parses one requirement: `name[+variant|~variant] [key=value...] [range]`.
 *
 * @example
 * ```ts
 * import { parseRequirement } from '@nexus/nip';
 * parseRequirement('openmpi+cuda fabrics=ofi >=4.1');
 * // { name: 'openmpi', variants: { cuda: true, fabrics: 'ofi' }, range: '>=4.1' }
 * ```
 */
export function parseRequirement(text: string): Requirement {
  const tokens = text.trim().split(/\s+/);
  const m = NAME.exec(tokens[0] ?? '');
  if (!m) throw new RangeError(`requirement: "${text}" does not start with a package name`);
  let i = 1;
  const kv: string[] = [];
  while (i < tokens.length && KEY_VALUE.test(tokens[i])) kv.push(tokens[i++]);
  const req: Requirement = { name: m[1] };
  const variants = parseVariants(kv, m[2]);
  if (Object.keys(variants).length > 0) req.variants = variants;
  const range = tokens.slice(i).join(' ');
  if (range !== '') req.range = range;
  return req;
}

/** A parsed manifest. */
export interface Manifest {
  /** The candidates, ready to resolve against. */
  universe: Universe;
  /** Declared sources. */
  sources: SourceSpec[];
}

/**
 * Parses a nip manifest into a universe.
 *
 * @example
 * ```ts
 * import { parseManifest } from '@nexus/nip';
 * const { universe } = parseManifest('nip-manifest 1\nscheme nip\npackage zlib 1.3\n');
 * universe.packages[0].version; // '1.3'
 * ```
 */
export function parseManifest(text: string): Manifest {
  if (typeof text !== 'string') throw new TypeError('text: expected a string');
  if (text.length > MANIFEST_LIMIT_CHARS)
    throw new ManifestError(1, `longer than ${MANIFEST_LIMIT_CHARS} characters`);
  const lines = text.split('\n');
  if (lines[0].trim() !== MANIFEST_MAGIC) throw new ManifestError(1, `expected "${MANIFEST_MAGIC}"`);
  let scheme: VersionScheme = nipVersions;
  const sources: SourceSpec[] = [];
  const packages: { pkg: PackageVersion; line: number }[] = [];
  let current: PackageVersion | null = null;
  for (let n = 1; n < lines.length; n++) {
    const raw = lines[n];
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [keyword, ...rest] = line.split(/\s+/);
    const body = line.slice(keyword.length).trim();
    const fail = (message: string): never => {
      throw new ManifestError(n + 1, message);
    };
    try {
      const indented = raw[0] === ' ' || raw[0] === '\t';
      if (!indented && keyword === 'scheme') {
        if (packages.length > 0) fail('scheme must come before the packages');
        scheme = SCHEMES[rest[0]] ?? fail(`unknown scheme "${rest[0]}" (nip, semver or debian)`);
      } else if (!indented && keyword === 'source') {
        const prio = /^priority=(-?\d+)$/.exec(rest[1] ?? '');
        if (rest.length !== 2 || !prio) fail('expected "source <name> priority=<integer>"');
        sources.push({ name: rest[0], priority: Number(prio![1]) });
      } else if (!indented && keyword === 'package') {
        if (rest.length !== 2 || !NAME.test(rest[0])) fail('expected "package <name> <version>"');
        current = { name: rest[0], version: rest[1] };
        packages.push({ pkg: current, line: n + 1 });
      } else if (!indented) {
        fail(`unknown keyword "${keyword}"`);
      } else if (!current) {
        fail('an indented line before any package');
      } else {
        const pkg: PackageVersion = current;
        switch (keyword) {
          case 'source':
            pkg.source = rest[0];
            break;
          case 'flags':
            pkg.flags = rest;
            break;
          case 'variant': {
            const def = rest.find((t) => t.startsWith('default='));
            const values = rest.slice(1).filter((t) => !t.startsWith('default='));
            if (!def || values.length === 0) fail('expected "variant <name> <value>... default=<value>"');
            pkg.variants = {
              ...pkg.variants,
              [rest[0]]: { values: values.map(variantValue), default: variantValue(def!.slice(8)) },
            };
            break;
          }
          case 'depends': {
            const [alts, when] = body.split(/\s+when\s+/);
            const dep: Dependency = { anyOf: alts.split(/\s+or\s+/).map(parseRequirement) };
            if (when !== undefined) {
              const w = when.trim().split(/\s+/);
              dep.when = parseVariants(
                w.filter((t) => KEY_VALUE.test(t)),
                w.filter((t) => !KEY_VALUE.test(t)).join(''),
              );
            }
            pkg.depends = [...(pkg.depends ?? []), dep];
            break;
          }
          case 'conflicts':
            pkg.conflicts = [...(pkg.conflicts ?? []), parseRequirement(body)];
            break;
          case 'breaks':
            pkg.breaks = [...(pkg.breaks ?? []), parseRequirement(body)];
            break;
          case 'provides':
            pkg.provides = [
              ...(pkg.provides ?? []),
              rest[1] ? { name: rest[0], version: rest[1] } : { name: rest[0] },
            ];
            break;
          default:
            fail(`unknown package field "${keyword}"`);
        }
      }
    } catch (e) {
      if (e instanceof ManifestError) throw e;
      throw new ManifestError(n + 1, (e as Error).message);
    }
  }
  const universe = new Universe(scheme, sources);
  for (const { pkg, line } of packages) {
    try {
      universe.add(pkg);
    } catch (e) {
      throw new ManifestError(line, (e as Error).message);
    }
  }
  return { universe, sources };
}
