import { describe, expect, it } from 'vitest';
import { GEOMETRIES } from '../../src/device/geometry.js';
import { shrink } from '../_sim.js';
import { type ContentScenario, sweepContent } from './_powerloss-content.js';

// Small chunks so that a few kilobytes make several chunks; a reduced NOR part keeps logs short.
const options = {
  superblockReplicas: 0,
  registerBlocks: 2,
  content: { layout: 'chunked' as const, chunking: { minBytes: 256, avgBytes: 1024, maxBytes: 4096 } },
};

const base: Omit<ContentScenario, 'geometry'>[] = [
  {
    name: 'snapshot-rollback',
    options,
    setup: [
      { op: 'mkdir', path: '/d' },
      { op: 'writeFile', path: '/a', size: 5000, seed: 1 },
      { op: 'writeFile', path: '/d/b', size: 900, seed: 2, layout: 'pages' },
    ],
    ops: [
      { op: 'snapshot', label: 's1' },
      { op: 'writeFile', path: '/a', size: 4000, seed: 3 },
      { op: 'unlink', path: '/d/b' },
      { op: 'snapshot', label: 's2' },
      { op: 'rollback', id: 1 },
      { op: 'deleteSnapshot', id: 2 },
      { op: 'collect' },
      { op: 'rollback', id: 1 },
    ],
  },
  {
    name: 'collect-recompress',
    options,
    setup: [
      { op: 'writeFile', path: '/x', size: 6000, seed: 10 },
      { op: 'snapshot', label: 'keep' },
      { op: 'writeFile', path: '/x', size: 6000, seed: 11 },
      { op: 'writeFile', path: '/y', size: 3000, seed: 12, compressible: true },
    ],
    ops: [
      { op: 'recompress', path: '/y', level: 3 },
      { op: 'deleteSnapshot', id: 1 },
      { op: 'collect' },
      { op: 'writeFile', path: '/y', size: 2000, seed: 13 },
      { op: 'collect' },
    ],
  },
  {
    // Chunked writes, a sweep that leaves blocks partly live, then block collection rounds that
    // move the surviving frame runs (the first round frees dead blocks, later ones relocate).
    name: 'chunked-write-gc',
    options,
    setup: [
      { op: 'writeFile', path: '/k1', size: 5000, seed: 20 },
      { op: 'writeFile', path: '/c', size: 5000, seed: 21 },
      { op: 'writeFile', path: '/k2', size: 5000, seed: 22 },
      { op: 'writeFile', path: '/c', size: 5000, seed: 23 },
      { op: 'collect' },
    ],
    ops: [
      { op: 'writeFile', path: '/c', size: 6000, seed: 24 },
      { op: 'collect' },
      { op: 'gc' },
      { op: 'gc' },
      { op: 'gc' },
    ],
  },
];

// Every script on a reduced NOR part (512-byte pages, 4 KiB blocks) and a reduced SPI NAND part.
const scenarios: ContentScenario[] = [];
for (const g of ['tiny-nor', 'spi-nand'] as const)
  for (const s of base) {
    // Frame runs must cross and leave blocks: on SPI NAND the GC script uses 16-page blocks.
    const small = shrink(GEOMETRIES[g], 48);
    const geometry =
      s.name === 'chunked-write-gc' && g === 'spi-nand' ? { ...small, pagesPerBlock: 16 } : small;
    scenarios.push({ ...s, name: `${s.name}@${g}/48`, geometry });
  }

describe('power loss in content operations', () => {
  it('snapshot create/delete/rollback, collection and recompression: old or new state at every cut', {
    timeout: 600_000,
  }, async () => {
    let cutPoints = 0;
    let resumed = 0;
    let runsMoved = 0;
    const failures: string[] = [];
    for (const s of scenarios)
      for (const mode of ['torn', 'reorder'] as const) {
        const r = await sweepContent(s, mode, 1, 16);
        cutPoints += r.cutPoints;
        if (s.name.startsWith('chunked-write-gc')) {
          expect(r.frameRunsMoved, s.name).toBeGreaterThan(0);
          runsMoved += r.frameRunsMoved;
        }
        resumed += r.resumed;
        failures.push(...r.failures);
      }
    console.log(
      `power-loss cut points: ${cutPoints} (content operations on tiny-nor/48 and spi-nand/48, torn and out-of-order; ${resumed} resumed to completion; ${runsMoved} frame runs moved by block collection in the recorded runs)`,
    );
    expect(failures).toEqual([]);
  });
});
