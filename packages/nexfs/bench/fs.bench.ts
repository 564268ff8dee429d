/**
 * nexfs figures. Device operations are counted by the fault injector, so the write-amplification,
 * lookup, append, mount and wear tables are exact and machine-independent; only the throughput and
 * heap tables are timings.
 *
 *   pnpm --filter @nexus/nexfs bench            (full run)
 *   pnpm --filter @nexus/nexfs bench --smoke    (one tiny iteration of everything)
 */
import { compare, sized, table } from '@nexus/bench';
import {
  EmulatedFlash,
  type FlashGeometry,
  GEOMETRIES,
  MemoryFlash,
  Nexfs,
  seededRandom,
} from '../src/index.js';

const spi = GEOMETRIES['spi-nand'];
const large = GEOMETRIES['nand-large'];
const fill = (n: number, seed: number) => {
  const r = seededRandom(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.nextU32() & 0xff;
  return b;
};

async function fresh(g: FlashGeometry, options = {}) {
  const flash = new EmulatedFlash(new MemoryFlash(g));
  const fs = await Nexfs.format(flash, options);
  flash.resetCounters();
  return { flash, fs };
}

const wa = (f: EmulatedFlash, user: number) => (f.counters.bytesProgrammed + f.counters.bytesErased) / user;

// --- write amplification ------------------------------------------------------------------------
{
  const rows: (string | number)[][] = [];
  {
    const n = sized(1000, 20);
    const { flash, fs } = await fresh(spi);
    const data = fill(1024, 1);
    for (let i = 0; i < n; i++) {
      const fh = await fs.open(`/f${i}`, 'w');
      await fh.write(data);
      await fh.sync();
      await fh.close();
    }
    rows.push([
      `${n} files of 1 KiB, created and fsynced`,
      n * 1024,
      flash.counters.programs,
      flash.counters.erases,
      wa(flash, n * 1024),
    ]);
  }
  {
    const total = sized(16 << 20, 256 << 10);
    const { flash, fs } = await fresh(spi);
    const fh = await fs.open('/log', 'a');
    const data = fill(4096, 2);
    for (let at = 0; at < total; at += 4096) {
      await fh.write(data);
      await fh.sync();
    }
    await fh.close();
    rows.push([
      `append 4 KiB + fsync to ${total >> 20 || total / 1024} ${total >> 20 ? 'MiB' : 'KiB'}`,
      total,
      flash.counters.programs,
      flash.counters.erases,
      wa(flash, total),
    ]);
  }
  {
    const size = sized(64 << 20, 1 << 20);
    const writes = sized(8192, 64);
    const { flash, fs } = await fresh(spi);
    const fh = await fs.open('/big', 'w');
    const chunk = fill(1 << 20, 3);
    for (let at = 0; at < size; at += chunk.length) await fh.write(chunk, at);
    await fh.sync();
    flash.resetCounters();
    const r = seededRandom(4);
    const data = fill(4096, 5);
    for (let i = 0; i < writes; i++) {
      await fh.write(data, (r.nextU32() % (size / 4096)) * 4096);
      await fh.sync();
    }
    await fh.close();
    rows.push([
      `random 4 KiB overwrite + fsync in a ${size >> 20} MiB file (x${writes})`,
      writes * 4096,
      flash.counters.programs,
      flash.counters.erases,
      wa(flash, writes * 4096),
    ]);
  }
  table(
    'Write amplification (spi-nand: 2 KiB pages, 64 pages/block, 1024 blocks)',
    ['workload', 'user bytes', 'page programs', 'block erases', '(programmed + erased) / user'],
    rows,
    'Bytes programmed count main and spare areas; bytes erased count whole blocks. Metadata pages are mirrored (two copies).',
  );
}

// --- lookup cost vs directory size --------------------------------------------------------------
{
  const rows: (string | number)[][] = [];
  for (const n of sized([10, 100, 1000, 10000], [10, 100])) {
    const { flash, fs } = await fresh(large);
    await fs.mkdir('/d');
    const fh = await fs.open('/d/seed', 'w');
    await fh.close();
    for (let i = 0; i < n; i++) {
      const h = await fs.open(`/d/file-${i}`, 'w');
      await h.close();
    }
    await fs.unmount();
    const fs2 = await Nexfs.mount(flash);
    const r = seededRandom(n);
    const probes = 50;
    let reads = 0;
    for (let i = 0; i < probes; i++) {
      fs2.volume.tree.dropCache();
      const before = flash.counters.reads;
      await fs2.stat(`/d/file-${r.nextU32() % n}`);
      reads += flash.counters.reads - before;
    }
    let readsOpen = 0;
    for (let i = 0; i < probes; i++) {
      fs2.volume.tree.dropCache();
      const before = flash.counters.reads;
      const h = await fs2.open(`/d/file-${r.nextU32() % n}`, 'r');
      readsOpen += flash.counters.reads - before;
      await h.close();
    }
    rows.push([n, fs2.volume.tree.height, reads / probes, readsOpen / probes]);
  }
  table(
    'stat/open cost vs files in one directory (nand-large, cold node cache)',
    ['files', 'B-tree height', 'page reads per stat', 'page reads per open'],
    rows,
    'Each lookup walks the B-tree from the root: cost = height (+1 mirror read only on a damaged copy); the root is re-read because the cache is dropped before every probe.',
  );
}

// --- append + fsync cost vs file size ----------------------------------------------------------
{
  const { flash, fs } = await fresh(large);
  const fh = await fs.open('/grow', 'a');
  const data = fill(4096, 6);
  const marks = sized([1 << 20, 16 << 20, 256 << 20, 1 << 30], [1 << 20, 4 << 20]);
  const rows: (string | number)[][] = [];
  let size = 0;
  for (const mark of marks) {
    while (size < mark - 64 * 4096) {
      await fh.write(data);
      await fh.sync();
      size += 4096;
    }
    const before = { ...flash.counters };
    for (let i = 0; i < 64; i++) {
      await fh.write(data);
      await fh.sync();
      size += 4096;
    }
    const c = flash.counters;
    rows.push([
      `${mark >= 1 << 30 ? `${mark / (1 << 30)} GiB` : `${mark / (1 << 20)} MiB`}`,
      (c.programs - before.programs) / 64,
      (c.reads - before.reads) / 64,
      (c.erases - before.erases) / 64,
      (c.bytesProgrammed - before.bytesProgrammed + c.bytesErased - before.bytesErased) / (64 * 4096),
    ]);
  }
  await fh.close();
  table(
    'append 4 KiB + fsync, cost per append as the file grows (nand-large)',
    ['file size', 'page programs', 'page reads', 'block erases', 'WA'],
    rows,
    'Averages over the 64 appends ending at each size. An append programs its data page and one mirrored journal page pair; the page map is written at checkpoints (amortised), so cost does not grow with the file.',
  );
}

// --- mount cost at 1% and 90% full ------------------------------------------------------------
{
  const g = sized(large, { ...large, blockCount: 256 });
  const rows: (string | number)[][] = [];
  for (const fraction of [0.01, 0.9]) {
    const { flash, fs } = await fresh(g);
    // Capacity for user data: blocks less the GC reserve, system blocks and metadata headroom.
    const capacity = (g.blockCount - fs.volume.sb.reserveBlocks - 24) * g.pagesPerBlock * g.pageSizeBytes;
    const target = Math.floor(capacity * fraction);
    const chunk = fill(4 << 20, 7);
    let written = 0;
    for (let i = 0; written < target; i++) {
      const n = Math.min(64 << 20, target - written);
      const fh = await fs.open(`/fill${i}`, 'w');
      for (let at = 0; at < n; at += chunk.length)
        await fh.write(chunk.subarray(0, Math.min(chunk.length, n - at)), at);
      await fh.close();
      written += n;
    }
    await fs.unmount();
    flash.resetCounters();
    const t = performance.now();
    const fs2 = await Nexfs.mount(flash, { readOnly: true });
    const ms = performance.now() - t;
    rows.push([
      `${fraction * 100}%`,
      written,
      flash.counters.reads,
      fs2.volume.tree.height,
      Number(ms.toFixed(2)),
    ]);
  }
  table(
    `mount cost (${g.blockCount === large.blockCount ? 'nand-large, 4 GiB' : `${g.blockCount}-block smoke geometry`})`,
    ['fill', 'user bytes', 'page reads', 'B-tree height', 'ms (this machine)'],
    rows,
    'Fill is a fraction of the user capacity (blocks less the GC reserve and system blocks). Mount reads one superblock pair, the first pair of each register block, a binary search in the newest one, the block table and the journal: no scan of the data.',
  );
}

// --- wear levelling -----------------------------------------------------------------------------
async function lifetime(blocks: number, budget: number) {
  const g = { ...spi, blockCount: blocks, eraseBudget: budget };
  const mem = new MemoryFlash(g);
  const flash = new EmulatedFlash(mem);
  const fs = await Nexfs.format(flash, {
    superblockReplicas: 0,
    registerBlocks: 4,
    wearLevelGap: Math.max(4, budget >> 4),
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
    moves: fs.statfs().stats.staticMoves,
  };
}
{
  const blocks = sized(128, 48);
  const budget = sized(200, 20);
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
      'static moves',
    ],
    [
      [blocks, a.user, a.mean, a.max, a.max / a.mean, a.variance, a.evenness, a.moves],
      [blocks * 2, b.user, b.mean, b.max, b.max / b.mean, b.variance, b.evenness, b.moves],
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
    'The node cache is bounded (64 nodes by default) and the block table is 8 bytes per block: heap does not grow with the number of files beyond garbage awaiting collection.',
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
