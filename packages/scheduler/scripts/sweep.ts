/**
 * The long fault-injection sweep (CI runs the first 10,000 seeds in test/simulation.test.ts).
 *
 *   pnpm --filter @nexus/scheduler sweep [firstSeed] [count] [horizonMs]
 *
 * Prints `simulation seeds: N` and every failing seed with its violations; exits 1 on any.
 */
import { runSeed } from '../test/sim/world.js';

const first = Number(process.argv[2] ?? 10_001);
const count = Number(process.argv[3] ?? 100_000);
const horizonMs = Number(process.argv[4] ?? 1_000);
let failures = 0;
const start = performance.now();
for (let seed = first; seed < first + count; seed++) {
  const r = runSeed(seed, horizonMs);
  if (r.violations.length > 0) {
    failures++;
    console.log(`replay seed ${seed}: ${r.violations.join('; ')}`);
  }
  if ((seed - first + 1) % 10_000 === 0)
    console.log(
      `… ${seed - first + 1} seeds, ${failures} failing, ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
}
console.log(`simulation seeds: ${count} (from ${first}, horizon ${horizonMs} ms), failing: ${failures}`);
process.exit(failures === 0 ? 0 : 1);
