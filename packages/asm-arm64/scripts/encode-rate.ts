/**
 * Encoding rates of the bench mix (`bench/_mix.ts`) in instructions per wall-clock second and per
 * CPU-second of this process (user time: steadier than wall time on a shared, loaded machine),
 * through the built `dist/` when it exists, else the sources.
 *
 *   pnpm --filter @nexus/asm-arm64 build
 *   node --conditions=nexus-src --import tsx scripts/encode-rate.ts [seconds per API]
 */
import { existsSync } from 'node:fs';
import { BLOCK_INSTRUCTIONS, buildMix, type MixApi, mixSource } from '../bench/_mix';
import * as sources from '../src/index';

const distFile = new URL('../dist/index.js', import.meta.url);
const api: MixApi = existsSync(distFile) ? ((await import(distFile.href)) as MixApi) : sources;
const seconds = Number(process.argv[2] ?? 4);
const blocks = 2_000;
const count = blocks * BLOCK_INSTRUCTIONS;
const text = mixSource(blocks);
const runs: [string, () => unknown][] = [
  ['typed builder', () => buildMix(blocks, api)],
  ['text assembly', () => api.assemble(text)],
];
console.log(`${api === sources ? 'sources' : 'dist/'}, ${count} instructions per run`);
for (const [name, run] of runs) {
  for (let i = 0; i < 3; i++) run(); // warm up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    run();
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0).user / 1e6;
  const m = (x: number) => `${((n * count) / x / 1e6).toFixed(2)}M/s`;
  console.log(`${name}: ${m(wall)} wall-clock, ${m(cpu)} per CPU-second`);
}
