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
];

// Every script on a reduced NOR part (512-byte pages, 4 KiB blocks) and a reduced SPI NAND part.
const scenarios: ContentScenario[] = [];
for (const g of ['tiny-nor', 'spi-nand'] as const)
  for (const s of base)
    scenarios.push({ ...s, name: `${s.name}@${g}/48`, geometry: shrink(GEOMETRIES[g], 48) });

describe('power loss in content operations', () => {
  it('snapshot create/delete/rollback, collection and recompression: old or new state at every cut', {
    timeout: 600_000,
  }, async () => {
    let cutPoints = 0;
    let resumed = 0;
    const failures: string[] = [];
    for (const s of scenarios)
      for (const mode of ['torn', 'reorder'] as const) {
        const r = await sweepContent(s, mode, 1, 16);
        cutPoints += r.cutPoints;
        resumed += r.resumed;
        failures.push(...r.failures);
      }
    console.log(
      `power-loss cut points: ${cutPoints} (content operations on tiny-nor/48 and spi-nand/48, torn and out-of-order; ${resumed} resumed to completion)`,
    );
    expect(failures).toEqual([]);
  });
});
