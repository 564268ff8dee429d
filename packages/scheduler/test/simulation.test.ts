import { describe, expect, it } from 'vitest';
import { runSeed } from './sim/world.js';

const SEEDS = 10_000;

describe('deterministic fault-injection simulation', () => {
  it(`${SEEDS} seeds with zero invariant violations`, () => {
    const totals = {
      slices: 0,
      decisions: 0,
      crashes: 0,
      restarts: 0,
      schedulerRestarts: 0,
      phoenix: 0,
      corruptions: 0,
    };
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = runSeed(seed);
      if (r.violations.length > 0) failures.push(`replay seed ${seed}: ${r.violations.join('; ')}`);
      totals.slices += r.slices;
      totals.decisions += r.decisions;
      totals.crashes += r.crashes;
      totals.restarts += r.restarts;
      totals.schedulerRestarts += r.schedulerRestarts;
      totals.phoenix += r.phoenix;
      totals.corruptions += r.corruptions;
    }
    console.log(`simulation seeds: ${SEEDS}`);
    console.log(
      `simulation totals: ${totals.slices} slices (${totals.decisions} decisions checked for strict priority), ${totals.crashes} crashes, ${totals.restarts} fiber restarts, ${totals.schedulerRestarts} scheduler restarts, ${totals.phoenix} Phoenix resets, ${totals.corruptions} checkpoint corruptions`,
    );
    for (const f of failures.slice(0, 20)) console.log(f);
    expect(failures).toEqual([]);
    // The faults really happened.
    expect(totals.crashes).toBeGreaterThan(SEEDS);
    expect(totals.schedulerRestarts).toBeGreaterThan(SEEDS / 2);
    expect(totals.corruptions).toBeGreaterThan(SEEDS);
    expect(totals.phoenix).toBeGreaterThan(0);
  }, 300_000); // ≈35 s on an idle 2-core machine; the limit leaves room for a loaded one

  it('a seed replays exactly (same event trace)', () => {
    for (const seed of [1, 77, 4242, 9999]) expect(runSeed(seed).trace).toBe(runSeed(seed).trace);
  });
});
