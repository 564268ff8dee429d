/**
 * Snapshot creation costs what changed: after a one-file change only that file's node and the
 * directories above it are encoded (an exact count), and every incremental root equals the root
 * a full walk of the same tree computes, through writes, appends, truncates, renames across
 * directories, deletes, rollbacks and collections.
 */
import { describe, expect, it } from 'vitest';
import { merkleCache } from '../../src/fs-merkle.js';
import { commitLive } from '../../src/fs-snapshot.js';
import { GEOMETRIES, MemoryFlash, Nexfs } from '../../src/index.js';
import { randomInt, seededRandom } from '../../src/random.js';
import { pseudo, SMALL } from './_volume.js';

/** The root a full walk computes (cache dropped first), leaving the cache as it was found. */
function fullRoot(fs: Nexfs): string {
  const cache = merkleCache(fs);
  cache.clear();
  return commitLive(fs).root.toString();
}

describe('incremental snapshots', () => {
  it('after a one-file change, encodes exactly that file and the directories above it', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), {
      content: { ...SMALL, layout: 'chunked' },
    });
    // 3 top directories x 4 subdirectories x 10 files = 120 files, 16 directories.
    for (let a = 0; a < 3; a++) {
      await fs.mkdir(`/a${a}`);
      for (let b = 0; b < 4; b++) {
        await fs.mkdir(`/a${a}/b${b}`);
        for (let f = 0; f < 10; f++)
          await fs.writeFile(`/a${a}/b${b}/f${f}`, pseudo(100 + f * 37, a * 100 + b * 10 + f), {
            layout: f % 2 === 0 ? 'pages' : 'chunked',
          });
      }
    }
    const cache = merkleCache(fs);
    const s1 = await fs.snapshot('all');
    expect(s1).toMatchObject({ files: 120, directories: 16 });
    expect(cache.lastEncoded).toBe(136);

    // Nothing changed: the root is reused, nothing is encoded.
    const s2 = await fs.snapshot('same');
    expect(cache.lastEncoded).toBe(0);
    expect(s2.root).toBe(s1.root);

    // One chunked file rewritten: the file, /a1/b2, /a1 and / (4 nodes).
    await fs.writeFile('/a1/b2/f3', pseudo(5000, 999));
    const s3 = await fs.snapshot('one file');
    expect(cache.lastEncoded).toBe(4);
    expect(s3.root).not.toBe(s1.root);
    expect(s3.logicalBytes).toBe(s1.logicalBytes - (100 + 3 * 37) + 5000);
    // One page-map file appended to: the same four.
    await fs.appendFile('/a2/b0/f4', pseudo(300, 5));
    await fs.snapshot('append');
    expect(cache.lastEncoded).toBe(4);
    // A new file in a top directory: the file, /a0 and / (3 nodes).
    await fs.writeFile('/a0/new', pseudo(700, 6));
    await fs.snapshot('new');
    expect(cache.lastEncoded).toBe(3);
    const incremental = (await fs.snapshots()).at(-1)?.root;
    expect(fullRoot(fs)).toBe(incremental);
    expect(cache.lastEncoded).toBe(136 + 1);
    expect((await fs.verifySnapshot(5)).nodes).toBeGreaterThan(0);
    expect(await fs.readSnapshotFile(3, '/a1/b2/f3')).toEqual(pseudo(5000, 999));
  });

  it('every incremental root equals the full walk, over random changes', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    const r = seededRandom(4242);
    const dirs = ['/'];
    const files: string[] = [];
    const pick = <T>(xs: T[]): T => xs[randomInt(r, xs.length)];
    const join = (d: string, n: string) => (d === '/' ? `/${n}` : `${d}/${n}`);
    let checked = 0;
    for (let step = 0; step < 160; step++) {
      const roll = randomInt(r, 100);
      if (roll < 10 && dirs.length < 12) {
        const d = join(pick(dirs), `d${step}`);
        await fs.mkdir(d);
        dirs.push(d);
      } else if (roll < 40 || files.length === 0) {
        const p = files.length > 0 && roll % 2 === 0 ? pick(files) : join(pick(dirs), `f${step}`);
        await fs.writeFile(p, pseudo(randomInt(r, 6000), step), {
          layout: roll % 3 === 0 ? 'pages' : 'chunked',
        });
        if (!files.includes(p)) files.push(p);
      } else if (roll < 55) {
        await fs.appendFile(pick(files), pseudo(1 + randomInt(r, 3000), step + 7));
      } else if (roll < 58) {
        await fs.truncate(pick(files), randomInt(r, 2000));
      } else if (roll < 62) {
        // Bytes overwritten in place: the size does not change.
        const p = pick(files);
        const size = (await fs.stat(p)).size;
        const fh = await fs.open(p, 'r+');
        await fh.write(pseudo(Math.min(size, 100), step + 9), 0);
        await fh.close();
      } else if (roll < 72) {
        const from = pick(files);
        const to = join(pick(dirs), `m${step}`);
        await fs.rename(from, to);
        files[files.indexOf(from)] = to;
      } else if (roll < 80 && files.length > 2) {
        const p = pick(files);
        await fs.unlink(p);
        files.splice(files.indexOf(p), 1);
      } else if (roll < 84) {
        // A directory moves with everything below it.
        const movable = dirs.filter((d) => d !== '/' && !dirs.some((o) => o !== d && o.startsWith(`${d}/`)));
        if (movable.length > 0) {
          const d = pick(movable);
          const to = join('/', `r${step}`);
          await fs.rename(d, to);
          dirs[dirs.indexOf(d)] = to;
          for (let i = 0; i < files.length; i++)
            if (files[i].startsWith(`${d}/`)) files[i] = to + files[i].slice(d.length);
        }
      } else if (roll < 96) {
        const snap = await fs.snapshot(`s${step}`);
        const encoded = merkleCache(fs).lastEncoded;
        expect(fullRoot(fs), `step ${step}`).toBe(snap.root);
        expect(encoded).toBeLessThanOrEqual(merkleCache(fs).lastEncoded);
        checked++;
      } else {
        await fs.collectGarbage();
      }
    }
    // A rollback drops the cache; the next snapshot walks the restored tree.
    const snaps = await fs.snapshots();
    await fs.rollback(snaps[0].id);
    const again = await fs.snapshot('after rollback');
    expect(again.root).toBe(snaps[0].root);
    expect(fullRoot(fs)).toBe(again.root);
    console.log(`incremental snapshot roots checked against a full walk: ${checked + 1}`);
    expect(checked).toBeGreaterThan(5);
  });
});
