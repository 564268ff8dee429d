/**
 * The resolver's optimiser against the one-call-per-literal reference (src/_preferences.ts) on
 * seeded random universes with versions, variants, sources, conflicts, alternatives and an
 * installed set: the same lexicographic optimum (the same preference literals true, the same
 * costs) every time. A failing seed is printed and replays.
 */
import { describe, expect, it } from 'vitest';
import {
  type LockedPackage,
  type PackageVersion,
  type Request,
  resolve,
  SolveFailure,
  semver,
  Universe,
} from '../src/index.js';
import { spreadRequest, syntheticUniverse } from './_ecosystem.js';
import { rng } from './_random3sat.js';

function randomCase(seed: number): { u: Universe; request: Request; installed: LockedPackage[] } {
  const next = rng(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const names = 4 + pick(10);
  const u = new Universe(semver, [
    { name: 'main', priority: 10 },
    { name: 'extra', priority: 5 },
  ]);
  const versions: string[][] = [];
  for (let p = 0; p < names; p++) {
    const count = 1 + pick(4);
    versions.push([]);
    for (let v = 0; v < count; v++) {
      const version = `${1 + pick(3)}.${pick(3)}.0`;
      versions[p].push(version);
      const pkg: PackageVersion = {
        name: `p${p}`,
        version,
        source: next() < 0.7 ? 'main' : 'extra',
        depends: [],
      };
      if (next() < 0.35)
        pkg.variants = {
          shared: { values: [true, false], default: true },
          simd: { values: ['none', 'avx2'], default: 'none' },
        };
      const deps = pick(3);
      for (let d = 0; d < deps; d++) {
        const anyOf = [];
        for (let k = 0, alts = 1 + (next() < 0.2 ? 1 : 0); k < alts; k++) {
          const target = pick(names);
          if (target === p) continue;
          const major = 1 + pick(3);
          anyOf.push({
            name: `p${target}`,
            range: next() < 0.6 ? `>=${major}.0.0` : undefined,
            variants: next() < 0.15 ? { shared: next() < 0.5 } : undefined,
          });
        }
        if (anyOf.length > 0)
          pkg.depends!.push(next() < 0.15 && pkg.variants ? { anyOf, when: { simd: 'avx2' } } : { anyOf });
      }
      if (next() < 0.15) pkg.conflicts = [{ name: `p${pick(names)}` }];
      u.add(pkg);
    }
  }
  const install = Array.from({ length: 1 + pick(3) }, () => ({ name: `p${pick(names)}` }));
  const installed: LockedPackage[] = [];
  for (let p = 0; p < names; p++)
    if (next() < 0.2) installed.push({ name: `p${p}`, version: versions[p][pick(versions[p].length)] });
  return { u, request: { install, upgrade: next() < 0.3 ? 'all' : undefined }, installed };
}

describe('resolver optimum differential', () => {
  it('the guided optimiser finds the reference optimum', () => {
    let compared = 0;
    let failures = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const { u, request, installed } = randomCase(seed);
      let fast: ReturnType<typeof resolve> | SolveFailure;
      try {
        fast = resolve(u, request, { installed });
      } catch (e) {
        if (!(e instanceof SolveFailure)) throw e;
        fast = e;
      }
      if (fast instanceof SolveFailure) {
        failures++;
        expect(() => resolve(u, request, { installed, optimizer: 'one-by-one' }), `seed ${seed}`).toThrow(
          SolveFailure,
        );
        continue;
      }
      const slow = resolve(u, request, { installed, optimizer: 'one-by-one' });
      expect(fast.costs, `seed ${seed}`).toEqual(slow.costs);
      expect(fast.preferences, `seed ${seed}`).toBe(slow.preferences);
      compared++;
    }
    console.log(`resolver optimum differential: ${compared} (and ${failures} unsatisfiable requests)`);
    expect(compared).toBeGreaterThan(200);
  });

  it('the guided optimiser finds the reference optimum on the adversarial random shape', () => {
    // test/_ecosystem.ts's `random` shape: every version draws unrelated dependencies and a
    // random major of each, the shape on which the resolve bench's largest sizes run out.
    let compared = 0;
    let failures = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const names = 20 + (seed % 3) * 5;
      const u = syntheticUniverse(names, 'random', seed);
      const request = spreadRequest(names);
      let fast: ReturnType<typeof resolve>;
      try {
        fast = resolve(u, request);
      } catch (e) {
        if (!(e instanceof SolveFailure)) throw e;
        failures++;
        expect(() => resolve(u, request, { optimizer: 'one-by-one' }), `seed ${seed}`).toThrow(SolveFailure);
        continue;
      }
      const slow = resolve(u, request, { optimizer: 'one-by-one' });
      expect(fast.preferences, `seed ${seed}`).toBe(slow.preferences);
      expect(fast.packages, `seed ${seed}`).toEqual(slow.packages);
      compared++;
    }
    console.log(
      `resolver optimum differential on the random shape: ${compared} (and ${failures} unsatisfiable requests)`,
    );
    expect(compared).toBeGreaterThan(10);
  });

  it('a time limit ends the optimisation with a RangeError, never with a plan short of the optimum', () => {
    let limited = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const { u, request, installed } = randomCase(seed);
      let exact: ReturnType<typeof resolve>;
      try {
        exact = resolve(u, request, { installed });
      } catch (e) {
        if (e instanceof SolveFailure) continue;
        throw e;
      }
      try {
        const plan = resolve(u, request, { installed, timeLimitMs: 0 });
        expect(plan.preferences, `seed ${seed}`).toBe(exact.preferences);
      } catch (e) {
        expect(e, `seed ${seed}`).toBeInstanceOf(RangeError);
        limited++;
      }
    }
    expect(limited).toBeGreaterThan(0);
  });
});
