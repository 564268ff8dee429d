/**
 * The resolver's optimiser against the one-call-per-literal reference at the resolve bench's
 * shapes (test/_ecosystem.ts): the adversarial `random` universe at 2,000 versions and the
 * `ecosystem` universe at 3,000 versions (10 versions per name, a third with variants, ranged
 * dependencies, variant requirements, breaks), a 20-package request. The same lexicographic
 * optimum, literal for literal.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from '../src/index.js';
import { type EcosystemShape, spreadRequest, syntheticUniverse } from './_ecosystem.js';

describe('resolver optimum at bench shape', () => {
  for (const [shape, names] of [
    ['random', 200],
    ['ecosystem', 300],
  ] as [EcosystemShape, number][]) {
    it(`guided equals the reference on ${names * 10} versions (${shape})`, () => {
      const u = syntheticUniverse(names, shape);
      const request = spreadRequest(names);
      const fast = resolve(u, request);
      const slow = resolve(u, request, { optimizer: 'one-by-one' });
      expect(fast.costs).toEqual(slow.costs);
      expect(fast.preferences).toBe(slow.preferences);
      expect(fast.packages).toEqual(slow.packages);
      expect(fast.preferences.length).toBeGreaterThan(2000);
      console.log(
        `resolver optimum at ${names * 10} versions (${shape}): ${fast.preferences.length} preference literals, ${fast.stats.searches} searches`,
      );
    }, 120_000);
  }
});
