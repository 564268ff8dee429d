/**
 * Seeded synthetic universes for the resolver's scale tests and bench (bench/resolve.bench.ts):
 * `names` package names × 10 versions (`1.0.0` … `1.3.0`, `2.0.0` … `2.3.0`, `3.0.0`, `3.1.0`),
 * a third with variants (`shared` on/off, `simd` none/avx2/neon), dependencies pointing to the
 * next 200 names (a layered graph: applications above libraries above leaves).
 *
 * Two shapes, both kept so every figure says which one it is:
 *
 * - `ecosystem` (the default): dependencies evolve the way they do in npm and Debian. A name's
 *   dependency list is inherited from its previous release, with a dependency now and then
 *   added or dropped; each dependency edge requires the major of its target that was current
 *   when the dependent was released, some edges lagging one or two majors behind (a caret
 *   range for two in five of them, an open `>=` range for the rest, as Debian and Python mostly write); a few edges ask for a variant
 *   (`shared: true`, rarely `shared: false`); a tenth of the names start, at some release, to
 *   break the old majors of another name (Debian `Breaks: q (<< 2)`), and keep that relation in
 *   later releases. Newer releases therefore need newer dependencies, as in real ecosystems,
 *   and the conflicts are those of lagging dependents and breaks.
 * - `random` (adversarial): every version draws its own 1–3 dependencies and a uniformly random
 *   major of each, independently of its neighbouring versions. Nothing real looks like this:
 *   two consecutive releases of a package share no dependency, and the newest release is as
 *   likely to need the oldest major of a library as the newest. It is a random constraint
 *   network (SOLVER.md, "Where the time goes at scale"), kept to show what such structure costs.
 */
import { type PackageVersion, type Requirement, semver, Universe } from '../src/index.js';
import { rng } from './_random3sat.js';

/** Versions per name, and the dependency window (names ahead a dependency may point to). */
const VERSIONS = 10;
const WINDOW = 200;

/** Major of release `v` of any name (`1 + (v >> 2)`: four 1.x, four 2.x, two 3.x releases). */
const major = (v: number) => 1 + (Math.max(0, v) >> 2);

/** The version string of release `v`. */
const versionOf = (v: number) => `${major(v)}.${v & 3}.0`;

/** The universe's shape (module comment). */
export type EcosystemShape = 'ecosystem' | 'random';

/** Builds a seeded universe of `names × 10` versions of the given shape. */
export function syntheticUniverse(names: number, shape: EcosystemShape = 'ecosystem', seed = 2024): Universe {
  return shape === 'random' ? randomUniverse(names, seed) : ecosystemUniverse(names, seed);
}

/** The request the bench and tests resolve: 20 names spread over the first half of the graph. */
export function spreadRequest(names: number): { install: Requirement[] } {
  return { install: Array.from({ length: 20 }, (_, i) => ({ name: `p${i * Math.floor(names / 40)}` })) };
}

function variantsOf(p: number): PackageVersion['variants'] {
  if (p % 3 !== 0) return undefined;
  return {
    shared: { values: [true, false], default: true },
    simd: { values: ['none', 'avx2', 'neon'], default: 'none' },
  };
}

interface Edge {
  target: number;
  /** Lowest major accepted: set when the dependency is added, raised now and then. */
  floor: number;
  /** Open-ended `>=` range instead of a caret range (`>=floor <floor+1`). */
  open: boolean;
  variants?: Record<string, boolean>;
}

function ecosystemUniverse(names: number, seed: number): Universe {
  const next = rng(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const u = new Universe(semver);
  for (let p = 0; p < names; p++) {
    const ahead = Math.min(WINDOW, names - p - 1);
    const newEdge = (v: number): Edge => {
      const target = p + 1 + pick(ahead);
      const lag = [0, 0, 2, 4][pick(4)];
      const edge: Edge = { target, floor: major(v - lag), open: next() < 0.85 };
      if (target % 3 === 0 && next() < 0.15) edge.variants = { shared: true };
      return edge;
    };
    const edges: Edge[] = [];
    if (ahead > 0) for (let d = 1 + pick(3); d > 0; d--) edges.push(newEdge(0));
    let breaks: { name: string; below: number; from: number } | null = null;
    if (next() < 0.1 && names > 1) {
      const q = Math.max(0, p - WINDOW) + pick(Math.min(names, p + WINDOW + 1) - Math.max(0, p - WINDOW));
      const from = 4 + pick(VERSIONS - 4); // a 2.x or 3.x release breaks the majors before its time
      if (q !== p) breaks = { name: `p${q}`, below: major(from), from };
    }
    for (let v = 0; v < VERSIONS; v++) {
      if (v > 0 && ahead > 0) {
        if (next() < 0.1) edges.push(newEdge(v));
        if (edges.length > 1 && next() < 0.05) edges.splice(pick(edges.length), 1);
        // A floor behind the current major is raised at a release now and then: rarely for an
        // open range (old floors stay valid), mostly for a caret range (porting to the new
        // major); a caret range not yet raised is stuck on an old major.
        for (const e of edges) if (e.floor < major(v) && next() < (e.open ? 0.2 : 0.7)) e.floor = major(v);
      }
      const pkg: PackageVersion = { name: `p${p}`, version: versionOf(v), depends: [] };
      const variants = variantsOf(p);
      if (variants) pkg.variants = variants;
      const seen = new Set<number>();
      for (const e of edges) {
        if (seen.has(e.target)) continue;
        seen.add(e.target);
        const m = e.floor;
        const req: Requirement = {
          name: `p${e.target}`,
          range: e.open ? `>=${m}.0.0` : `>=${m}.0.0 <${m + 1}.0.0`,
        };
        if (e.variants) req.variants = e.variants;
        pkg.depends!.push({ anyOf: [req] });
      }
      if (breaks && v >= breaks.from) pkg.breaks = [{ name: breaks.name, range: `<${breaks.below}.0.0` }];
      u.add(pkg);
    }
  }
  return u;
}

function randomUniverse(names: number, seed: number): Universe {
  const next = rng(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const u = new Universe(semver);
  for (let p = 0; p < names; p++) {
    for (let v = 0; v < VERSIONS; v++) {
      const pkg: PackageVersion = { name: `p${p}`, version: versionOf(v), depends: [] };
      const variants = variantsOf(p);
      if (variants) pkg.variants = variants;
      const deps = p + 1 < names ? 1 + pick(3) : 0;
      for (let d = 0; d < deps; d++) {
        const target = p + 1 + pick(Math.min(WINDOW, names - p - 1));
        const m = 1 + pick(3);
        const req: Requirement = { name: `p${target}`, range: `>=${m}.0.0 <${m + 1}.0.0` };
        if (target % 3 === 0 && next() < 0.2) req.variants = { shared: true };
        pkg.depends!.push({ anyOf: [req] });
      }
      u.add(pkg);
    }
  }
  return u;
}
