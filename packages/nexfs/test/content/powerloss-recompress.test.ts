/**
 * Power loss at every device operation of a volume-wide background recompression: each cut is
 * remounted read-only and every file must read back its exact contents (path, size and CRC of
 * every file, every snapshot root), fsck clean, every snapshot verifying from flash; every 8th cut
 * is remounted read-write, where the interrupted task resumes by itself and must finish.
 */
import { describe, expect, it } from 'vitest';
import { GEOMETRIES } from '../../src/device/geometry.js';
import { shrink } from '../_sim.js';
import { type ContentScenario, sweepContent } from './_powerloss-content.js';

const options = {
  superblockReplicas: 0,
  registerBlocks: 2,
  content: { layout: 'chunked' as const, chunking: { minBytes: 256, avgBytes: 1024, maxBytes: 4096 } },
};

const base: Omit<ContentScenario, 'geometry'>[] = [
  {
    name: 'recompress-volume',
    options,
    setup: [
      { op: 'mkdir', path: '/d' },
      { op: 'writeFile', path: '/a', size: 3000, seed: 1, compressible: true },
      { op: 'writeFile', path: '/d/b', size: 2500, seed: 2, compressible: true },
      { op: 'writeFile', path: '/d/p', size: 800, seed: 3, layout: 'pages' },
      { op: 'snapshot', label: 'before' },
      { op: 'writeFile', path: '/c', size: 1200, seed: 4, compressible: true },
      { op: 'writeFile', path: '/r', size: 900, seed: 6 },
    ],
    ops: [
      { op: 'recompressVolume', level: 3 },
      { op: 'writeFile', path: '/a', size: 1000, seed: 5, compressible: true },
    ],
  },
];

const scenarios: ContentScenario[] = [];
for (const g of ['tiny-nor', 'spi-nand'] as const)
  for (const s of base)
    scenarios.push({ ...s, name: `${s.name}@${g}/48`, geometry: shrink(GEOMETRIES[g], 48) });

describe('power loss in a volume recompression', () => {
  it('no cut loses a byte, and a remount finishes the task', { timeout: 600_000 }, async () => {
    let cutPoints = 0;
    let resumed = 0;
    const failures: string[] = [];
    for (const s of scenarios)
      for (const mode of ['torn', 'reorder'] as const) {
        const r = await sweepContent(s, mode, 1, 8);
        cutPoints += r.cutPoints;
        resumed += r.resumed;
        failures.push(...r.failures);
      }
    console.log(
      `recompression power-loss cut points: ${cutPoints} (tiny-nor/48 and spi-nand/48, torn and out-of-order; ${resumed} resumed and finished)`,
    );
    expect(failures).toEqual([]);
  });
});
