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
async function lifetime(blocks: number, budget: number) {
  const g = { ...spi, blockCount: blocks, eraseBudget: budget };
  const mem = new MemoryFlash(g);
  const flash = new EmulatedFlash(mem);
  const fs = await Nexfs.format(flash, {
    superblockReplicas: 0,
    registerBlocks: 4,
    wearLevelGap: Math.max(2, budget >> 5),
  });
  const payload = g.pagesPerBlock * g.pageSizeBytes;
  // Half the volume static (cold), then a small hot set rewritten until a block passes its budget.
  const staticBytes = Math.floor(((blocks - 20) * payload) / 2);
  const cold = fill(1 << 20, 8);
  for (let at = 0, i = 0; at < staticBytes; at += cold.length, i++)
    await fs.writeFile(`/cold${i}`, cold.subarray(0, Math.min(cold.length, staticBytes - at)));
  let user = 0;
  const hot = fill(16 << 10, 9);
  const limit = blocks * budget * g.pagesPerBlock * 4;
  for (let i = 0; user < limit * g.pageSizeBytes; i++) {
    let max = 0;
    for (let b = 0; b < blocks; b++) if (mem.eraseCounts[b] > max) max = mem.eraseCounts[b];
    if (max >= budget) break;
    await fs.writeFile(`/hot${i % 4}`, hot);
    user += hot.length;
  }
  // System blocks stay where format put them: superblock copies (written once) and the root
  // register ring (erased once per pagesPerBlock / 2 checkpoints). Everything else is levelled.
  const fixed = new Set([...fs.volume.sb.superblockBlocks, ...fs.volume.sb.registerBlocks]);
  let lsum = 0;
  let ln = 0;
  for (let b = 0; b < blocks; b++) {
    if (mem.isBad(b) || fixed.has(b)) continue;
    lsum += mem.eraseCounts[b];
    ln++;
  }
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
  const mean = sum / n;
  return {
    user,
    mean,
    max,
    variance: sq / n - mean * mean,
    evenness: mean / max,
    levelled: lsum / ln / max,
    moves: fs.statfs().stats.staticMoves,
  };
}
{
  const blocks = sized(64, 48);
  const budget = sized(100, 20);
  const a = await lifetime(blocks, budget);
  const b = await lifetime(blocks * 2, budget);
  table(
    `wear levelling: 50% static data, hot set rewritten until the first block reaches its budget (spi-nand shape, budget ${budget})`,
    [
      'blocks',
      'user bytes written',
      'erase count mean',
      'max',
      'max / mean',
      'variance',
      'lifetime vs ideal (mean / max)',
      'same, over levelled blocks (system blocks excluded)',
      'static moves',
    ],
    [
      [blocks, a.user, a.mean, a.max, a.max / a.mean, a.variance, a.evenness, a.levelled, a.moves],
      [blocks * 2, b.user, b.mean, b.max, b.max / b.mean, b.variance, b.evenness, b.levelled, b.moves],
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
    'The node cache is bounded (64 nodes by default) and the block table is 14 bytes per block: heap does not grow with the number of files beyond garbage awaiting collection.',
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
