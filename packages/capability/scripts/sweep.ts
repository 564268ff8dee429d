/**
 * The slow sweep: the CI model-based test at larger scale, longer sequences and fresh seeds.
 *
 *   node --conditions=nexus-src --import tsx scripts/sweep.ts [sequences] [opsPerSequence] [firstSeed]
 *
 * Defaults: 1,000,000 sequences of 40 operations from seed 1,000,001 (CI runs seeds 1 to 100,000
 * at 12 operations). A divergence throws with the seed that replays it:
 *
 *   node --conditions=nexus-src --import tsx scripts/sweep.ts 1 40 <seed>
 */
import { runModelSequence } from '../test/_model.js';

const [sequencesArg, opsArg, seedArg] = process.argv.slice(2);
const sequences = Number(sequencesArg ?? 1_000_000);
const opsPerSequence = Number(opsArg ?? 40);
const firstSeed = Number(seedArg ?? 1_000_001);
for (const [name, value] of [
  ['sequences', sequences],
  ['opsPerSequence', opsPerSequence],
  ['firstSeed', firstSeed],
] as const) {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name}: a positive integer`);
}
const started = performance.now();
let ops = 0;
let checks = 0;
let respawns = 0;
for (let seed = firstSeed; seed < firstSeed + sequences; seed++) {
  const result = runModelSequence(seed, opsPerSequence);
  ops += result.ops;
  checks += result.checks;
  respawns += result.respawns;
  if ((seed - firstSeed + 1) % 100_000 === 0) console.log(`  ${seed - firstSeed + 1} sequences…`);
}
console.log(
  `model sequences: ${sequences} (${ops} operations, ${checks} checks compared, ${respawns} respawns) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
