/**
 * Variants as PubGrub terms (SOLVER.md, "Explaining a failure"). PubGrub reasons about
 * packages and version sets; a variant requirement such as `openmpi+cuda` becomes a *variant
 * package* of its own, named as people write it, over the same versions as its base package:
 * selecting `openmpi+cuda` at 4.1 means selecting openmpi 4.1 built with +cuda. A dependency
 * only enabled by a variant (`openmpi with +cuda depends on cuda >=11`) is a dependency of the
 * variant package. Three kinds of fact tie the variant packages of a base together, so that the
 * derivation stays sound and complete over the core:
 *
 * - *is*: `openmpi+cuda` at a version is `openmpi` (and every less specific variant package) at
 *   that version;
 * - *clash*: two variant packages that disagree on a value cannot both be selected (there is one
 *   openmpi);
 * - *exhaustive*: when every value of a variant has its package, a selected version of the base
 *   has one of them.
 * @module
 */
import type { Cause, Term, VersionSpace } from './_pubgrub.js';
import type { Universe, VariantValue } from './universe.js';

type Assignment = Record<string, VariantValue>;

interface VariantPackage {
  base: string;
  assignment: Assignment;
}

/** Suffix of a variant assignment as people write it: `+cuda`, `~cuda`, ` fabrics=ucx` (sorted keys). */
export function variantSuffix(assignment: Assignment): string {
  let s = '';
  for (const k of Object.keys(assignment).sort()) {
    const v = assignment[k];
    s += v === true ? `+${k}` : v === false ? `~${k}` : ` ${k}=${v}`;
  }
  return s;
}

/** The variant packages met while translating a core, and the facts that tie them together. */
export class VariantTerms {
  private readonly spaces: Map<string, VersionSpace>;
  private readonly packages = new Map<string, VariantPackage>();

  constructor(spaces: Map<string, VersionSpace>) {
    this.spaces = spaces;
  }

  /** Name of the variant package of `base` with `assignment` (`base` itself when empty). */
  name(base: string, assignment: Assignment): string {
    return `${base}${variantSuffix(assignment)}`;
  }

  /** Declares (once) the variant package of `base` with `assignment`; returns its name. */
  declare(base: string, assignment: Assignment): string {
    const name = this.name(base, assignment);
    if (name === base || this.packages.has(name)) return name;
    const space = this.spaces.get(base) ?? { name: base, versions: [], ids: [] };
    if (!this.spaces.has(base)) this.spaces.set(base, space);
    this.spaces.set(name, {
      name,
      versions: space.versions,
      ids: space.ids,
      every: `every ${base} with ${variantSuffix(assignment).trim()}`,
    });
    this.packages.set(name, { base, assignment });
    return name;
  }

  /** The is / clash / exhaustive facts over the declared variant packages. */
  links(universe: Universe): [Term[], Cause][] {
    const out: [Term[], Cause][] = [];
    const byBase = new Map<string, string[]>();
    for (const [name, p] of this.packages) {
      const list = byBase.get(p.base);
      if (list) list.push(name);
      else byBase.set(p.base, [name]);
    }
    for (const [base, names] of byBase) {
      const space = this.spaces.get(base)!;
      const full = (1n << BigInt(space.versions.length)) - 1n;
      for (const name of names) {
        const a = this.packages.get(name)!.assignment;
        const suffix = variantSuffix(a).trim();
        // is: name at v → base at v, and → every less specific variant package at v.
        const general = [
          base,
          ...names.filter((o) => o !== name && includes(a, this.packages.get(o)!.assignment)),
        ];
        for (const g of general) {
          const gSuffix = g === base ? '' : variantSuffix(this.packages.get(g)!.assignment).trim();
          for (let i = 0; i < space.versions.length; i++) {
            const bit = 1n << BigInt(i);
            const v = space.versions[i];
            out.push([
              [
                { pkg: name, positive: true, set: bit },
                { pkg: g, positive: false, set: bit },
              ],
              {
                kind: 'variant',
                text:
                  g === base
                    ? `${base} ${v} with ${suffix} is ${base} ${v}`
                    : `${base} ${v} with ${suffix} has ${gSuffix}`,
              },
            ]);
          }
        }
        // clash: one base, so two disagreeing variant packages exclude each other.
        for (const other of names) {
          if (other <= name) continue;
          const b = this.packages.get(other)!.assignment;
          if (!Object.keys(a).some((k) => k in b && b[k] !== a[k])) continue;
          out.push([
            [
              { pkg: name, positive: true, set: full },
              { pkg: other, positive: true, set: full },
            ],
            {
              kind: 'variant',
              text: `${base} cannot be built with both ${suffix} and ${variantSuffix(b).trim()}`,
            },
          ]);
        }
      }
      // exhaustive: a selected version has one value of each variant it declares.
      const single = new Map<string, Map<string, string>>(); // variant → value → package name
      for (const name of names) {
        const a = this.packages.get(name)!.assignment;
        const keys = Object.keys(a);
        if (keys.length !== 1) continue;
        const m = single.get(keys[0]) ?? new Map<string, string>();
        m.set(String(a[keys[0]]), name);
        single.set(keys[0], m);
      }
      for (const [variant, byValue] of single) {
        for (let i = 0; i < space.ids.length; i++) {
          const spec = universe.packages[space.ids[i]]?.variants?.[variant];
          if (!spec?.values.every((v) => byValue.has(String(v)))) continue;
          const bit = 1n << BigInt(i);
          const v = space.versions[i];
          out.push([
            [
              { pkg: base, positive: true, set: bit },
              ...spec.values.map((x) => ({ pkg: byValue.get(String(x))!, positive: false, set: bit })),
            ],
            {
              kind: 'variant',
              text: `${base} ${v} is built with one of ${spec.values.map((x) => variantSuffix({ [variant]: x }).trim()).join(', ')}`,
            },
          ]);
        }
      }
    }
    return out;
  }
}

/** Whether assignment `a` sets every value `b` sets (b is less specific or equal). */
function includes(a: Assignment, b: Assignment): boolean {
  for (const k of Object.keys(b)) if (a[k] !== b[k]) return false;
  return true;
}
