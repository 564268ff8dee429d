/**
 * Content addressing on the volume: the write path through the filesystem (chunk + BLAKE3 + frame
 * with compression none + store as flash pages on MemoryFlash, then commit) next to raw BLAKE3 of
 * the same bytes and b3sum on the same data as a file; the page-map layout beside it; scrub speed;
 * snapshot create and rollback with 10,000 files.
 *
 * Run: pnpm --filter @nexus/nexfs bench content-volume
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, sized, table } from '@nexus/bench';
import { createHasher, GEOMETRIES, MemoryFlash, Nexfs } from '../src/index.js';
import { missingTool, noise } from './_content.js';

const size = sized(32 * 1024 * 1024, 256 * 1024);
const input = noise(size, 11);
const dir = mkdtempSync(join(tmpdir(), 'nexfs-volume-'));
const file = join(dir, 'input.bin');
writeFileSync(file, input);
const b3sumMissing = missingTool('b3sum');
const blake3 = await createHasher('blake3-256');
const g = GEOMETRIES['spi-nand'];

const hashRows = await compare(
  `BLAKE3-256 of the same ${size / 1048576} MiB`,
  [
    { name: 'raw BLAKE3 (hash-wasm), in memory', ours: true, fn: () => blake3.digest(input) },
    {
      name: 'b3sum CLI, 1 thread, file',
      skip: b3sumMissing,
      fn: () => spawnSync('b3sum', ['--num-threads', '1', '--no-names', file]),
    },
  ],
  { bytesPerOp: size, timeMs: sized(2000, 1), note: 'b3sum includes process start and reading the file.' },
);
const blake3MBs = hashRows[0].rate ?? 0;

// The filesystem rows: a fresh part per run (format is outside the timed region), median of runs.
async function writeRun(layout: 'chunked' | 'pages'): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < sized(5, 1); run++) {
    const fs = await Nexfs.format(new MemoryFlash(g), { content: { layout } });
    const t = performance.now();
    await fs.writeFile('/f', input);
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1];
}
const chunkedMs = await writeRun('chunked');
const pagesMs = await writeRun('pages');
const mbs = (ms: number) => size / 1e6 / (ms / 1000);
table(
  `write path through the filesystem, ${size / 1048576} MiB file on MemoryFlash (SPI NAND), median of ${sized(5, 1)}`,
  ['layout', 'median (ms)', 'MB/s', 'x raw BLAKE3'],
  [
    [
      'nexfs chunked: FastCDC + BLAKE3 + frame (none) + flash pages + commit',
      Math.round(chunkedMs),
      mbs(chunkedMs).toFixed(1),
      (mbs(chunkedMs) / blake3MBs).toFixed(2),
    ],
    [
      'nexfs page map: CRC-32C per page + commit',
      Math.round(pagesMs),
      mbs(pagesMs).toFixed(1),
      (mbs(pagesMs) / blake3MBs).toFixed(2),
    ],
  ],
  'Both rows include the page programs of the emulated part, ECC of every page, the B-tree and the journal.',
);

// Scrub and snapshots on a volume of 10,000 small files (chunked), plus one 8 MiB file.
const files = sized(10_000, 200);
const flash = new MemoryFlash(g);
const fs = await Nexfs.format(flash, { content: { layout: 'chunked' } });
const t0 = performance.now();
for (let d = 0; d < files / 100; d++) {
  await fs.mkdir(`/d${d}`);
  for (let i = 0; i < 100; i++)
    await fs.writeFile(`/d${d}/f${i}.txt`, noise(200 + ((d * 100 + i) % 700), d * 100 + i));
}
await fs.writeFile('/big.bin', input.subarray(0, sized(8 << 20, 64 << 10)));
const fillMs = performance.now() - t0;
let t = performance.now();
const snap = await fs.snapshot('10k');
const createMs = performance.now() - t;
await fs.writeFile('/d0/f0.txt', new Uint8Array(10));
t = performance.now();
const snap2 = await fs.snapshot('one change');
const secondMs = performance.now() - t;
t = performance.now();
await fs.rollback(snap.id);
const rollbackMs = performance.now() - t;
t = performance.now();
const report = await fs.scrub({ unitsPerSlice: 4096 }).done;
const scrubMs = performance.now() - t;
t = performance.now();
await fs.verifySnapshot(snap.id);
const verifyMs = performance.now() - t;
table(
  `snapshots and scrub, ${files} files in ${files / 100} directories + one ${sized(8, 0.0625)} MiB file (SPI NAND, MemoryFlash)`,
  ['operation', 'time (ms)', 'figure'],
  [
    ['fill (writeFile each)', Math.round(fillMs), `${Math.round(files / (fillMs / 1000))} files/s`],
    ['snapshot create', Math.round(createMs), `${snap.files} files, ${snap.directories} directories`],
    ['snapshot after one change', Math.round(secondMs), `root ${snap2.root.slice(0, 12)}...`],
    [
      'rollback (one journal transaction + checkpoint)',
      Math.round(rollbackMs),
      `${snap.files} files restored`,
    ],
    ['verify snapshot from flash', Math.round(verifyMs), 'every node and chunk re-hashed'],
    [
      'scrub (whole volume)',
      Math.round(scrubMs),
      `${(report.bytesChecked / 1e6 / (scrubMs / 1000)).toFixed(1)} MB/s verified, ${report.errors.length} errors`,
    ],
  ],
  'Snapshot create re-encodes every node and stores only the ones that changed (dedup by name).',
);
rmSync(dir, { recursive: true, force: true });
