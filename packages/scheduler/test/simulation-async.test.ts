import { expect, it } from 'vitest';
import { runAsyncSeed } from './sim/async-world.js';

const SEEDS = 1_000;

it(`${SEEDS} async seeds: hung async slices never wedge the loop for good`, async () => {
  let hangs = 0;
  let restarts = 0;
  let slices = 0;
  const failures: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await runAsyncSeed(seed);
    if (r.violations.length > 0) failures.push(`replay seed ${seed}: ${r.violations.join('; ')}`);
    hangs += r.hangs;
    restarts += r.schedulerRestarts;
    slices += r.slices;
  }
  console.log(
    `async simulation seeds: ${SEEDS} (${slices} slices, ${hangs} hung async slices, ${restarts} scheduler restarts)`,
  );
  for (const f of failures.slice(0, 20)) console.log(f);
  expect(failures).toEqual([]);
  expect(hangs).toBeGreaterThan(SEEDS / 4);
  expect(restarts).toBeGreaterThan(SEEDS / 4);
}, 300_000);
