// `npm test` after setup: every check of the repository, in order, each timed. All steps run
// even when one fails, so one run shows everything that is wrong; the exit code is non-zero
// when any failed. The last line counts the tests that ran (unit and property tests of every
// package, and the runtime-matrix cases in the five runtimes).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from './_env.mjs';

const steps = [
  ['type-check', 'tsc', ['-p', 'tsconfig.json']],
  ['lint + format (biome)', 'biome', ['check', '.']],
  ['runtime-neutral entries', 'node', ['scripts/check-neutral.mjs']],
  [
    'unit, property and simulation tests',
    'vitest',
    ['run', '--reporter=default', '--reporter=json', '--outputFile.json=.cache/vitest.json'],
  ],
  ['packaging (publint, attw)', 'node', ['scripts/pack-check.mjs']],
  ['runtime matrix', 'node', ['tools/matrix/run.mjs']],
  ['API docs (typedoc, strict)', 'node', ['scripts/docs.mjs']],
  ['benchmarks still run (smoke)', 'node', ['tools/bench/run-all.mjs', '--smoke']],
];

const only = process.argv.slice(2);
const results = [];
for (const [name, cmd, args] of steps) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  console.log(`\n━━ ${name} ━━`);
  const t0 = performance.now();
  const code = run(cmd, args, { allowFail: true });
  results.push({ name, ok: code === 0, seconds: (performance.now() - t0) / 1000 });
}

let passed = 0;
let failed = 0;
const vitestJson = join(ROOT, '.cache', 'vitest.json');
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
}
const matrixJson = join(ROOT, '.cache', 'matrix', 'summary.json');
if (existsSync(matrixJson)) {
  const m = JSON.parse(readFileSync(matrixJson, 'utf8'));
  passed += m.passed;
  failed += m.failed;
}
console.log('\n━━ summary ━━');
for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds.toFixed(1)} s)`);
const stepsFailed = results.filter((r) => !r.ok).length;
if (stepsFailed) console.log(`${stepsFailed} of ${results.length} checks failed`);
console.log(`tests: ${passed} passed, ${failed + stepsFailed} failed`);
process.exit(stepsFailed === 0 ? 0 : 1);
