/**
 * The algebra's laws hold for signed chains too: with real Ed25519 signatures, an attenuation is
 * issued iff it is below its parent, a verified chain never allows what an earlier link refuses,
 * and every link's window nests in its parent's. Fewer runs than the pure-algebra laws (each case
 * signs and verifies), so they are counted apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attenuateToken,
  type Cap,
  CapabilityError,
  mintToken,
  TokenVerifier,
  tokenCaps,
  windowCovers,
} from '../src/index.js';
import { capArb, requestArb } from './_arbitraries.js';
import { algebra, makeWorld } from './_fixtures.js';

const RUNS = 1_000;

describe('signed chains obey the algebra', () => {
  it(`attenuation is issued iff below the parent; verified chains never amplify; windows nest (${RUNS} runs)`, async () => {
    const world = await makeWorld(21);
    const base = 1_000_000;
    world.clock.set(base);
    const shift = (cap: Cap) => ({
      verb: cap.verb,
      scope: cap.scope,
      notBeforeMs: base + cap.window.notBeforeMs,
      notAfterMs: base + cap.window.notAfterMs,
      caveats: cap.caveats,
    });
    let runs = 0;
    let issued = 0;
    await fc.assert(
      fc.asyncProperty(
        capArb.filter((c) => !algebra.isBottom(c)),
        fc.array(fc.tuple(capArb, fc.boolean()), { minLength: 1, maxLength: 3 }),
        fc.array(requestArb, { minLength: 4, maxLength: 4 }),
        async (rootCap, children, requests) => {
          runs++;
          let token = await mintToken(world.root, shift(rootCap), world.keys[0].publicKey, world.options);
          let parent: Cap = tokenCaps(token)[0];
          let holder = 0;
          for (const [candidate, narrow] of children) {
            // Half the requests are narrowed to lie below the parent (in test time), half are arbitrary.
            const unshifted = {
              ...parent,
              window: {
                notBeforeMs: parent.window.notBeforeMs - base,
                notAfterMs: parent.window.notAfterMs - base,
              },
            };
            const child = narrow ? (algebra.meet(candidate, unshifted) ?? unshifted) : candidate;
            const spec = shift(child);
            const asked = {
              verb: spec.verb,
              scope: spec.scope,
              window: { notBeforeMs: spec.notBeforeMs, notAfterMs: spec.notAfterMs },
              caveats: spec.caveats,
            };
            const expected = !algebra.isBottom(asked) && algebra.leq(asked, parent);
            try {
              token = await attenuateToken(
                token,
                world.keys[holder],
                spec,
                world.keys[holder + 1].publicKey,
                world.options,
              );
            } catch (error) {
              if (!(error instanceof CapabilityError)) throw error;
              if (expected) return false;
              continue;
            }
            if (!expected) return false;
            issued++;
            holder++;
            const caps = tokenCaps(token);
            parent = caps[caps.length - 1];
            if (!windowCovers(caps[caps.length - 2].window, parent.window)) return false;
          }
          const caps = tokenCaps(token);
          const verifier = new TokenVerifier({
            algebra,
            roots: [world.root.publicKey],
            clock: world.clock,
            backend: world.backend,
            cacheEntries: 0,
          });
          for (const request of requests) {
            const x = { ...request, atMs: base + request.atMs };
            if (algebra.check(caps[caps.length - 1], x) && !caps.every((cap) => algebra.check(cap, x)))
              return false;
          }
          // The chain verifies whenever "now" lies in the last window.
          const last = caps[caps.length - 1];
          world.clock.set(last.window.notBeforeMs);
          const verified = await verifier.verify(token);
          world.clock.set(base);
          return verified.linkCount === caps.length;
        },
      ),
      { numRuns: RUNS },
    );
    console.log(`signed-chain property runs: ${runs} (${issued} attenuations issued)`);
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  });
});
