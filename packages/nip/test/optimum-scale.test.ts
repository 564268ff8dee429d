/**
 * The resolver's optimiser against the one-call-per-literal reference at the resolve bench's
 * shape (bench/resolve.bench.ts): a layered universe of 2,000 versions (200 names × 10, a third
 * with variants, ranged dependencies, variant requirements), a 20-package request. The same
 * lexicographic optimum, and the guided walk reports how each literal was settled.
 */
import { describe, expect, it } from 'vitest';
import { type PackageVersion, type Requirement, resolve, semver, Universe } from '../src/index.js';
import { rng } from './_random3sat.js';

function layered(names: number, seed: number): Universe {
  const next = rng(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const u = new Universe(semver);
  for (let p = 0; p < names; p++) {
    for (let v = 0; v < 10; v++) {
      const pkg: PackageVersion = { name: `p${p}`, version: `${1 + (v >> 2)}.${v & 3}.0`, depends: [] };
      if (p % 3 === 0)
        pkg.variants = {
          shared: { values: [true, false], default: true },
          simd: { values: ['none', 'avx2', 'neon'], default: 'none' },
        };
      const deps = p + 1 < names ? 1 + pick(3) : 0;
      for (let d = 0; d < deps; d++) {
        const target = p + 1 + pick(Math.min(200, names - p - 1));
        const major = 1 + pick(3);
        const req: Requirement = { name: `p${target}`, range: `>=${major}.0.0 <${major + 1}.0.0` };
        if (target % 3 === 0 && next() < 0.2) req.variants = { shared: true };
        pkg.depends!.push({ anyOf: [req] });
      }
      u.add(pkg);
    }
  }
  return u;
}

describe('resolver optimum at bench shape', () => {
  it('guided equals the reference on 2,000 versions', () => {
    const names = 200;
    const u = layered(names, 2024);
    const request = {
      install: Array.from({ length: 20 }, (_, i) => ({ name: `p${i * Math.floor(names / 40)}` })),
    };
    const fast = resolve(u, request);
    const slow = resolve(u, request, { optimizer: 'one-by-one' });
    expect(fast.costs).toEqual(slow.costs);
    expect(fast.preferences).toBe(slow.preferences);
    expect(fast.packages).toEqual(slow.packages);
    expect(fast.preferences.length).toBeGreaterThan(2000);
    console.log(`resolver optimum at 2,000 versions: ${fast.preferences.length} preference literals`);
  });
});
