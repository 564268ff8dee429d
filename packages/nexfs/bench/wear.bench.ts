/**
 * nexfs wear-levelling, heap and throughput figures (the device-operation tables are in
 * fs.bench.ts).
 *
 *   pnpm --filter @nexus/nexfs bench            (full run)
 */
import { compare, sized, table } from '@nexus/bench';
import { EmulatedFlash, MemoryFlash, Nexfs } from '../src/index.js';
import { fill, fresh, large, spi } from './_flash.js';

// --- wear levelling -----------------------------------------------------------------------------
// The spi-nand shape (2 KiB pages + 64 B spare, 64 pages per block) with default format options
// (superblock replicas, a 4-block register ring, the GC reserve), scaled down in blocks and erase
// budget so that a run reaches end of life: 64 and 128 blocks of 100 cycles. System blocks are
// 9% and 6% of these devices, far more than the 1.6% of the full 1024-block part, so they weigh on
// the figures more than they would in the field. Static wear levelling triggers at a spread of
// budget / 8 erases.
async function lifetime(blocks: number, budget: number) {
  const g = { ...spi, blockCount: blocks, eraseBudget: budget };
  const mem = new MemoryFlash(g);
  const flash = new EmulatedFlash(mem);
  const fs = await Nexfs.format(flash, { wearLevelGap: Math.max(2, budget >> 3) });
  // Half the volume static (cold), then a small hot set rewritten until a block reaches its budget.
  const staticBytes = Math.floor(fs.statfs().freeBytes / 2);
  const cold = fill(1 << 20, 8);
  for (let at = 0, i = 0; at < staticBytes; at += cold.length, i++)
    await fs.writeFile(`/cold${i}`, cold.subarray(0, Math.min(cold.length, staticBytes - at)));
  let user = 0;
  const hot = fill(16 << 10, 9);
  for (let i = 0; ; i++) {
    let max = 0;
    for (let b = 0; b < blocks; b++) if (mem.eraseCounts[b] > max) max = mem.eraseCounts[b];
    if (max >= budget) break;
    await fs.writeFile(`/hot${i % 4}`, hot);
    user += hot.length;
  }
  // Over every good block of the device: superblock copies and register ring blocks included.
  let sum = 0;
  let max = 0;
  let n = 0;
  let sq = 0;
  for (let b = 0; b < blocks; b++) {
    if (mem.isBad(b)) continue;
    sum += mem.eraseCounts[b];
    sq += mem.eraseCounts[b] ** 2;
    max = Math.max(max, mem.eraseCounts[b]);
    n++;
  }
  const system = [...fs.volume.sb.superblockBlocks, ...fs.volume.sb.registerBlocks];
  const stats = fs.statfs().stats;
  const mean = sum / n;
  return {
    user,
    mean,
    max,
    variance: sq / n - mean * mean,
    evenness: mean / max,
    systemMin: Math.min(...system.map((b) => mem.eraseCounts[b])),
    systemBlocks: system.length,
    moves: `${stats.staticMoves} / ${stats.registerMoves} / ${stats.superblockMoves}`,
  };
}
{
  const blocks = sized(64, 40);
  const budget = sized(100, 16);
  const a = await lifetime(blocks, budget);
  const b = await lifetime(blocks * 2, budget);
  table(
    `wear levelling: 50% of the volume static, a 64 KiB hot set rewritten until the first block reaches its budget (spi-nand shape, budget ${budget})`,
    [
      'blocks',
      'system blocks',
      'user bytes written',
      'erase count mean',
      'max',
      'max / mean',
      'variance',
      'lifetime vs ideal (mean / max, all blocks)',
      'least-worn system block',
      'moves: cold / ring / superblock',
    ],
    [
      [
        blocks,
        a.systemBlocks,
        a.user,
        a.mean,
        a.max,
        a.max / a.mean,
        a.variance,
        a.evenness,
        a.systemMin,
        a.moves,
      ],
      [
        blocks * 2,
        b.systemBlocks,
        b.user,
        b.mean,
        b.max,
        b.max / b.mean,
        b.variance,
        b.evenness,
        b.systemMin,
        b.moves,
      ],
    ],
    `Doubling the device multiplies the lifetime by ${(b.user / a.user).toFixed(2)}. Ideal = every block spent evenly (mean = max).`,
  );
}

// --- heap vs file count ---------------------------------------------------------------------------
{
  const rows: (string | number)[][] = [];
  for (const n of sized([10_000, 100_000], [1000])) {
    const { fs } = await fresh(large);
    globalThis.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    const data = new Uint8Array(100);
    for (let i = 0; i < n; i++) {
      await fs.writeFile(`/f${i}`, data);
      if (i % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    rows.push([n, Math.round(peak / 1024), fs.volume.tree.cachedNodes, fs.volume.tree.height]);
  }
  table(
    'peak JS heap while creating files (nand-large; flash contents are external ArrayBuffers, not heap)',
    ['files', 'peak heap growth KiB', 'cached B-tree nodes', 'B-tree height'],
    rows,
    'The node cache is bounded (64 nodes by default) and the block table is 18 bytes per block: heap does not grow with the number of files beyond garbage awaiting collection.',
  );
}

// --- throughput -------------------------------------------------------------------------------
{
  const size = sized(8 << 20, 256 << 10);
  const data = fill(size, 10);
  let fsw: Nexfs | null = null;
  await compare(
    `sequential write ${size >> 20 || size / 1024} ${size >> 20 ? 'MiB' : 'KiB'} + fsync on MemoryFlash (spi-nand)`,
    [
      {
        name: 'nexfs',
        ours: true,
        fn: async () => {
          fsw = await Nexfs.format(new MemoryFlash(spi));
          await fsw.writeFile('/f', data);
        },
      },
      {
        name: 'littlefs (lfs.c)',
        fn: () => {},
        skip: 'no maintained JS/WebAssembly build to run in-process; see DESIGN.md for the comparison of designs',
      },
    ],
    { bytesPerOp: size, timeMs: 3000, minSamples: 5 },
  );
  const fsr = await Nexfs.format(new MemoryFlash(spi));
  await fsr.writeFile('/f', data);
  await compare(
    `sequential read ${size >> 20 || size / 1024} ${size >> 20 ? 'MiB' : 'KiB'} on MemoryFlash (spi-nand)`,
    [
      { name: 'nexfs', ours: true, fn: () => fsr.readFile('/f') },
      {
        name: 'littlefs (lfs.c)',
        fn: () => {},
        skip: 'no maintained JS/WebAssembly build to run in-process',
      },
    ],
    { bytesPerOp: size, timeMs: 3000, minSamples: 5 },
  );
  void fsw;
}
