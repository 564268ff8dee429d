import { afterAll, describe, expect, it } from 'vitest';
import { GEOMETRIES, type GeometryName } from '../src/device/geometry.js';
import { modelRun } from './_model-run.js';

// fsx-style: seeded random operations against an in-memory model, checked after every step, with
// clean remounts, power cuts (torn or complete, in order or not) and read bit flips on NAND.
const RUNS: { geometry: GeometryName; seed: number; ops: number; flips: number }[] = [
  { geometry: 'tiny-nor', seed: 11, ops: 25_000, flips: 0 },
  { geometry: 'nor-4m', seed: 12, ops: 25_000, flips: 0 },
  { geometry: 'spi-nand', seed: 13, ops: 25_000, flips: 0.002 },
  { geometry: 'nand-large', seed: 14, ops: 25_000, flips: 0.001 },
];

describe('model-based operation sequences', () => {
  let total = 0;
  let cuts = 0;
  let remounts = 0;
  for (const run of RUNS) {
    it(`matches the model on ${run.geometry} (seed ${run.seed})`, { timeout: 300_000 }, async () => {
      const r = await modelRun({
        seed: run.seed,
        geometry: GEOMETRIES[run.geometry],
        ops: run.ops,
        bitFlipRate: run.flips,
        cutEvery: 400,
        remountEvery: 1500,
      });
      expect(r.ops).toBe(run.ops);
      total += r.ops;
      cuts += r.cuts;
      remounts += r.remounts;
    });
  }
  afterAll(() => {
    console.log(`model ops: ${total} (${cuts} power cuts, ${remounts} remounts)`);
  });
});
