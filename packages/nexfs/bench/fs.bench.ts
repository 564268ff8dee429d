/**
 * nexfs figures. Device operations are counted by the fault injector, so the write-amplification,
 * lookup, append, mount and wear tables are exact and machine-independent; only the throughput and
 * heap tables are timings.
 *
 *   pnpm --filter @nexus/nexfs bench            (full run)
 *   pnpm --filter @nexus/nexfs bench --smoke    (one tiny iteration of everything)
 */
import { sized, table } from '@nexus/bench';
import { type EmulatedFlash, Nexfs, seededRandom } from '../src/index.js';
import { fill, fresh, large, spi } from './_flash.js';

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
    'A stat is three descents (the directory entry of /d, the file entry, the inode); the node cache is dropped before every probe, so reads grow with the height: logarithmically in the files per directory.',
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
    'Fill is a fraction of the user capacity (blocks less the GC reserve and system blocks). Mount reads the first pair of every block of the superblock windows (at most 96 blocks) with a binary search in each block holding a copy, the first pair of each register block, a binary search in the newest one, the block table and the journal: a constant plus the block table, no scan of the data.',
  );
}
