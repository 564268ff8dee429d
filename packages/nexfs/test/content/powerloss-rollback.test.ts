/**
 * Power loss at every device operation of a rollback. The rollback is the only operation recorded
 * (the tree, the snapshot and the changes after it are the set-up), so every cut falls inside it;
 * each cut is remounted and its whole tree (every path, size and CRC, every snapshot root) must be
 * exactly the tree before the rollback or the snapshot's tree, with fsck clean and every snapshot
 * verifying from flash. A small `rebuildDirtyNodes` makes the rollback flush its new tree to fresh
 * pages several times before the register append that commits it.
 */
import { describe, expect, it } from 'vitest';
import { GEOMETRIES } from '../../src/device/geometry.js';
import { shrink } from '../_sim.js';
import { type ContentOp, type ContentScenario, sweepContent } from './_powerloss-content.js';

const options = {
  superblockReplicas: 0,
  registerBlocks: 2,
  rebuildDirtyNodes: 6,
  content: { layout: 'chunked' as const, chunking: { minBytes: 256, avgBytes: 1024, maxBytes: 4096 } },
};

const tree: ContentOp[] = [
  { op: 'mkdir', path: '/etc' },
  { op: 'mkdir', path: '/etc/conf.d' },
  { op: 'mkdir', path: '/var' },
  { op: 'writeFile', path: '/etc/motd', size: 3000, seed: 1 },
  { op: 'writeFile', path: '/etc/conf.d/a', size: 700, seed: 2, layout: 'pages' },
  { op: 'writeFile', path: '/etc/conf.d/b', size: 5200, seed: 3 },
  { op: 'writeFile', path: '/var/log', size: 2100, seed: 4, layout: 'pages' },
  { op: 'writeFile', path: '/boot', size: 6000, seed: 5 },
];

const base: Omit<ContentScenario, 'geometry'>[] = [
  {
    name: 'rollback-after-changes',
    options,
    setup: [
      ...tree,
      { op: 'snapshot', label: 'good' },
      { op: 'writeFile', path: '/etc/motd', size: 2500, seed: 11 },
      { op: 'unlink', path: '/etc/conf.d/a' },
      { op: 'mkdir', path: '/scratch' },
      { op: 'writeFile', path: '/scratch/x', size: 1800, seed: 12 },
      { op: 'writeFile', path: '/boot', size: 900, seed: 13, layout: 'pages' },
    ],
    ops: [{ op: 'rollback', id: 1 }],
  },
  {
    name: 'rollback-to-older',
    options,
    setup: [
      { op: 'writeFile', path: '/only', size: 1500, seed: 21 },
      { op: 'snapshot', label: 'first' },
      ...tree,
      { op: 'snapshot', label: 'second' },
    ],
    ops: [
      { op: 'rollback', id: 1 },
      { op: 'rollback', id: 2 },
    ],
  },
];

const scenarios: ContentScenario[] = [];
for (const g of ['tiny-nor', 'spi-nand'] as const)
  for (const s of base)
    scenarios.push({ ...s, name: `${s.name}@${g}/64`, geometry: shrink(GEOMETRIES[g], 64) });

describe('power loss in a rollback', () => {
  it('every cut mounts exactly the tree before the rollback or the snapshot tree', {
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
      `rollback power-loss cut points: ${cutPoints} (tiny-nor/64 and spi-nand/64, torn and out-of-order; ${resumed} resumed to completion)`,
    );
    expect(failures).toEqual([]);
  });
});
