/**
 * TimeWarp on a volume of 10,000 small files (chunked) plus one 8 MiB file: snapshot create (the
 * first one walks the whole tree), create after a one-file change (incremental: the exact number
 * of nodes encoded is printed), rollback (one root-register append), verify from flash, and scrub
 * speed.
 *
 * Run: pnpm --filter @nexus/nexfs bench content-snapshot
 */
import { sized, table } from '@nexus/bench';
import { merkleCache } from '../src/fs-merkle.js';
import { GEOMETRIES, MemoryFlash, Nexfs } from '../src/index.js';
import { noise } from './_content.js';

const files = sized(10_000, 200);
const perDir = 100;
const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
let programs = 0;
const program = flash.program.bind(flash);
flash.program = (block, page, data, spare) => {
  programs++;
  return program(block, page, data, spare);
};
const fs = await Nexfs.format(flash, { content: { layout: 'chunked' } });
const t0 = performance.now();
for (let d = 0; d < files / perDir; d++) {
  await fs.mkdir(`/d${d}`);
  for (let i = 0; i < perDir; i++)
    await fs.writeFile(`/d${d}/f${i}.txt`, noise(200 + ((d * perDir + i) % 700), d * perDir + i));
}
await fs.writeFile('/big.bin', noise(sized(8 << 20, 64 << 10), 11));
const fillMs = performance.now() - t0;
const cache = merkleCache(fs);

let t = performance.now();
const snap = await fs.snapshot('10k');
const createMs = performance.now() - t;
const createNodes = cache.lastEncoded;

await fs.writeFile(`/d${Math.floor(files / perDir / 2)}/f42.txt`, noise(300, 99));
t = performance.now();
const snap2 = await fs.snapshot('one change');
const secondMs = performance.now() - t;
const secondNodes = cache.lastEncoded;

t = performance.now();
await fs.snapshot('no change');
const unchangedMs = performance.now() - t;
const unchangedNodes = cache.lastEncoded;

const checkpoints = fs.volume.stats.checkpoints;
const programsBefore = programs;
t = performance.now();
await fs.rollback(snap.id);
const rollbackMs = performance.now() - t;
const rollbackPrograms = programs - programsBefore;
const rollbackCheckpoints = fs.volume.stats.checkpoints - checkpoints;

t = performance.now();
const again = await fs.snapshot('after rollback');
const afterRollbackMs = performance.now() - t;
const afterRollbackNodes = cache.lastEncoded;
if (again.root !== snap.root) throw new Error('the rolled-back tree does not commit to the snapshot root');

t = performance.now();
const verify = await fs.verifySnapshot(snap.id);
const verifyMs = performance.now() - t;

t = performance.now();
const report = await fs.scrub({ unitsPerSlice: 4096 }).done;
const scrubMs = performance.now() - t;

table(
  `snapshots and scrub, ${files} files in ${files / perDir} directories + one ${sized(8, 0.0625)} MiB file (SPI NAND, MemoryFlash)`,
  ['operation', 'time (ms)', 'figure'],
  [
    ['fill (writeFile each)', Math.round(fillMs), `${Math.round(files / (fillMs / 1000))} files/s`],
    [
      'snapshot create (first: whole tree)',
      Math.round(createMs),
      `${createNodes} nodes encoded; ${snap.files} files, ${snap.directories} directories`,
    ],
    [
      'snapshot after a one-file change',
      Math.round(secondMs),
      `${secondNodes} nodes encoded (file, its directory, root); root ${snap2.root.slice(0, 12)}...`,
    ],
    ['snapshot with nothing changed', Math.round(unchangedMs), `${unchangedNodes} nodes encoded`],
    [
      'rollback (one root-register append)',
      Math.round(rollbackMs),
      `${snap.files} files restored; ${rollbackPrograms} pages programmed; ${rollbackCheckpoints} checkpoints (empty journal, commit)`,
    ],
    [
      'snapshot after the rollback (whole tree again)',
      Math.round(afterRollbackMs),
      `${afterRollbackNodes} nodes encoded, root equals snapshot 1`,
    ],
    [
      'verify snapshot from flash',
      Math.round(verifyMs),
      `${verify.nodes} nodes and ${verify.chunks} chunks re-hashed`,
    ],
    [
      'scrub (whole volume)',
      Math.round(scrubMs),
      `${(report.bytesChecked / 1e6 / (scrubMs / 1000)).toFixed(1)} MB/s verified, ${report.errors.length} errors`,
    ],
  ],
  'Node counts are exact counters of the Merkle cache (DAG-CBOR encodes + BLAKE3 names). A rollback drops the cache, so the next snapshot walks the tree again.',
);
