/**
 * The universe: every package version the resolver may choose, with its variants, build flags,
 * source, dependencies (with alternatives and variant requirements), conflicts, breaks and
 * provides. Candidates are numbered densely in insertion order; lookups by name and by
 * provided name are indexed.
 * @module
 */
import type { VersionScheme } from './versions/scheme.js';

/** A variant's value: on/off, or one of several names (`mpi=openmpi`). */
export type VariantValue = string | boolean;

/** A requirement on a package: name, optional version range, optional variant values. */
export interface Requirement {
  /** Package name, real or virtual (provided). */
  name: string;
  /** Range in the universe's version scheme; absent means any version. */
  range?: string;
  /** Variant values the chosen candidate must have (`openmpi+cuda` = `{ cuda: true }`). */
  variants?: Record<string, VariantValue>;
}

/** One dependency: any of the alternatives (`a | b`), optionally only when a variant is set. */
export interface Dependency {
  /** Alternatives; at least one must be installed. */
  anyOf: Requirement[];
  /** Enabled only when this candidate's variants have these values (optional features). */
  when?: Record<string, VariantValue>;
}

/** Declaration of a variant: allowed values and the default. */
export interface VariantSpec {
  /** Allowed values (booleans for on/off variants). */
  values: VariantValue[];
  /** The default value; must be one of `values`. */
  default: VariantValue;
}

/** Something a candidate provides: a virtual package, optionally versioned. */
export interface Provide {
  /** Provided (virtual) name. */
  name: string;
  /** Provided version; an unversioned provide satisfies only unversioned requirements. */
  version?: string;
}

/** One candidate: a package at a version from a source. */
export interface PackageVersion {
  /** Package name. */
  name: string;
  /** Version in the universe's scheme. */
  version: string;
  /** Repository it comes from (default `default`). */
  source?: string;
  /** Architecture, when the ecosystem has one (Debian). */
  architecture?: string;
  /** Variants the candidate can be built with. */
  variants?: Record<string, VariantSpec>;
  /** Build flags recorded in the plan and lockfile (`-O2`, `lto`). */
  flags?: string[];
  /** Dependencies, each a set of alternatives. */
  depends?: Dependency[];
  /** Packages that cannot be installed together with this one. */
  conflicts?: Requirement[];
  /** Packages this one breaks (for installability, as conflicts; Debian Policy §7.3). */
  breaks?: Requirement[];
  /** Virtual packages this one provides. */
  provides?: Provide[];
}

/** A repository and its priority (higher wins among equal versions). */
export interface SourceSpec {
  /** Repository name, as in {@link PackageVersion.source}. */
  name: string;
  /** Priority; higher is preferred. */
  priority: number;
}

/**
 * Limits of a universe (a number with a unit, not an accident).
 *
 * @example
 * ```ts
 * import { UNIVERSE_LIMITS } from '@nexus/nip';
 * UNIVERSE_LIMITS.candidates; // 16777216
 * ```
 */
export const UNIVERSE_LIMITS = {
  /** Candidates per universe. */
  candidates: 1 << 24,
  /** Alternatives per dependency. */
  alternatives: 1 << 12,
} as const;

/**
 * A set of candidate package versions under one version scheme.
 *
 * @example
 * ```ts
 * import { Universe, semver } from '@nexus/nip';
 * const u = new Universe(semver);
 * u.add({ name: 'lib', version: '2.0.0' });
 * u.add({ name: 'app', version: '1.0.0', depends: [{ anyOf: [{ name: 'lib', range: '>=2' }] }] });
 * u.matching({ name: 'lib', range: '^2.0.0' }); // [0]
 * ```
 */
export class Universe {
  /** The version ordering. */
  readonly scheme: VersionScheme;
  /** Candidates by id. */
  readonly packages: PackageVersion[] = [];
  private readonly byName = new Map<string, number[]>();
  private readonly byProvide = new Map<string, number[]>();
  private readonly ranges = new Map<string, (v: string) => boolean>();
  private readonly sourcePriority = new Map<string, number>();
  private sorted = new Set<string>();
  /** Matches of variant-free requirements; cleared whenever a candidate is added. */
  private readonly matchCache = new Map<string, number[]>();
  /** Matches by requirement object, valid while `generation` is unchanged. */
  private readonly matchByObject = new WeakMap<Requirement, { generation: number; ids: number[] }>();
  /** Bumped whenever a candidate is added (every cached match may change). */
  private generation = 0;

  constructor(scheme: VersionScheme, sources: SourceSpec[] = []) {
    this.scheme = scheme;
    for (const s of sources) this.sourcePriority.set(s.name, s.priority);
  }

  /** Adds a candidate and returns its id. */
  add(pkg: PackageVersion): number {
    if (typeof pkg?.name !== 'string' || pkg.name === '')
      throw new TypeError('pkg.name: expected a non-empty string');
    if (typeof pkg.version !== 'string' || !this.scheme.valid(pkg.version)) {
      throw new RangeError(
        `pkg.version: "${pkg.version}" of ${pkg.name} is not a ${this.scheme.name} version`,
      );
    }
    if (this.packages.length >= UNIVERSE_LIMITS.candidates) {
      throw new RangeError(`universe: more than ${UNIVERSE_LIMITS.candidates} candidates`);
    }
    for (const [variant, spec] of Object.entries(pkg.variants ?? {})) {
      if (!spec.values.includes(spec.default)) {
        throw new RangeError(
          `pkg.variants.${variant}: default ${String(spec.default)} of ${pkg.name} is not an allowed value`,
        );
      }
    }
    for (const dep of pkg.depends ?? []) {
      if (dep.anyOf.length === 0 || dep.anyOf.length > UNIVERSE_LIMITS.alternatives) {
        throw new RangeError(
          `pkg.depends: ${pkg.name} has a dependency with ${dep.anyOf.length} alternatives`,
        );
      }
    }
    for (const req of [
      ...(pkg.depends ?? []).flatMap((d) => d.anyOf),
      ...(pkg.conflicts ?? []),
      ...(pkg.breaks ?? []),
    ]) {
      if (req.range !== undefined) this.range(req.range); // reject a bad range now, naming it
    }
    const id = this.packages.length;
    this.matchCache.clear();
    this.generation++;
    this.packages.push(pkg);
    push(this.byName, pkg.name, id);
    this.sorted.delete(pkg.name);
    for (const p of pkg.provides ?? []) push(this.byProvide, p.name, id);
    return id;
  }

  /** Priority of a candidate's source (0 when not declared). */
  priority(id: number): number {
    return this.sourcePriority.get(this.packages[id].source ?? 'default') ?? 0;
  }

  /** Candidate ids of a package name, newest first (ties: higher source priority first). */
  versionsOf(name: string): readonly number[] {
    const ids = this.byName.get(name);
    if (!ids) return [];
    if (!this.sorted.has(name)) {
      ids.sort(
        (a, b) =>
          this.scheme.compare(this.packages[b].version, this.packages[a].version) ||
          this.priority(b) - this.priority(a) ||
          a - b,
      );
      this.sorted.add(name);
    }
    return ids;
  }

  /** All package names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** Compiles (and caches) a range of the universe's scheme. */
  range(expression: string): (v: string) => boolean {
    let f = this.ranges.get(expression);
    if (!f) {
      f = this.scheme.range(expression);
      this.ranges.set(expression, f);
    }
    return f;
  }

  /**
   * Candidates satisfying a requirement's name and range, by their own name or by a provide
   * (a versioned requirement is met only by a versioned provide in range). Variant values are
   * not checked here: the candidate must merely declare the variants (the encoding sets them).
   */
  matching(req: Requirement): number[] {
    // By object first: the same requirement objects are matched again and again (every encode
    // of a cone, every distcheck target list), and a key string per call is most of the cost.
    const byObject = this.matchByObject.get(req);
    if (byObject !== undefined && byObject.generation === this.generation) return byObject.ids;
    const ids = this.matchingUncached(req);
    this.matchByObject.set(req, { generation: this.generation, ids });
    return ids;
  }

  private matchingUncached(req: Requirement): number[] {
    const plain = req.variants === undefined;
    const key = plain ? `${req.name}\u0000${req.range ?? ''}` : '';
    if (plain) {
      const hit = this.matchCache.get(key);
      if (hit) return hit;
    }
    const inRange = req.range ? this.range(req.range) : null;
    const out: number[] = [];
    for (const id of this.versionsOf(req.name)) {
      if ((!inRange || inRange(this.packages[id].version)) && this.hasVariants(id, req.variants))
        out.push(id);
    }
    for (const id of this.byProvide.get(req.name) ?? []) {
      const pkg = this.packages[id];
      if (pkg.name === req.name || !this.hasVariants(id, req.variants)) continue;
      for (const p of pkg.provides!) {
        if (p.name !== req.name) continue;
        if (!inRange || (p.version !== undefined && inRange(p.version))) {
          out.push(id);
          break;
        }
      }
    }
    if (plain) this.matchCache.set(key, out);
    return out;
  }

  /** Human-readable `name version` of a candidate. */
  label(id: number): string {
    const p = this.packages[id];
    return `${p.name} ${p.version}`;
  }

  private hasVariants(id: number, variants: Record<string, VariantValue> | undefined): boolean {
    if (!variants) return true;
    const declared = this.packages[id].variants ?? {};
    for (const [k, v] of Object.entries(variants)) if (!declared[k]?.values.includes(v)) return false;
    return true;
  }
}

function push(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

/**
 * Formats a requirement the way people write it: `lib >=2`, `openmpi+cuda`, `mpi=mpich`.
 *
 * @example
 * ```ts
 * import { formatRequirement } from '@nexus/nip';
 * formatRequirement({ name: 'openmpi', range: '^4', variants: { cuda: true } }); // 'openmpi+cuda ^4'
 * ```
 */
export function formatRequirement(req: Requirement): string {
  let s = req.name;
  for (const [k, v] of Object.entries(req.variants ?? {}))
    s += v === true ? `+${k}` : v === false ? `~${k}` : ` ${k}=${v}`;
  return req.range ? `${s} ${req.range}` : s;
}
