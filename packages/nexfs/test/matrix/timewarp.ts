// Runtime-matrix case for TimeWarp on a mounted volume (merged into smoke.ts): snapshots taken
// incrementally, diff, rollback by one root-register append, verify from flash, and a volume-wide
// background recompression (RLE, which every runtime encodes) that keeps every byte.
import { GEOMETRIES, MemoryFlash, Nexfs } from '@nexus/nexfs';
import type { SmokeSuite } from '../../../../tools/matrix/smoke.js';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`timewarp smoke: ${what}`);
}

/** `n` bytes in runs of 40 (RLE shrinks them), varied by `seed`. */
function runs(n: number, seed: number): Uint8Array {
  return new Uint8Array(n).map((_, i) => (Math.floor(i / 40) * 7 + seed) & 0xff);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const timewarpSmoke: SmokeSuite = {
  'TimeWarp: incremental snapshots, diff, rollback, verify, background recompression': async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, {
      content: { layout: 'chunked', chunking: { minBytes: 1024, avgBytes: 4096, maxBytes: 16384 } },
    });
    const files = new Map<string, Uint8Array>();
    for (let d = 0; d < 4; d++) {
      await fs.mkdir(`/d${d}`);
      for (let f = 0; f < 5; f++) files.set(`/d${d}/f${f}`, runs(3000 + d * 500 + f * 97, d * 5 + f));
    }
    for (const [p, data] of files) await fs.writeFile(p, data);
    const s1 = await fs.snapshot('one');
    check(s1.files === 20 && s1.directories === 5, 'snapshot counts');
    await fs.writeFile('/d2/f3', runs(100, 99));
    await fs.unlink('/d0/f0');
    const s2 = await fs.snapshot('two');
    check(s2.root !== s1.root, 'a changed tree commits to a new root');
    const diff = await fs.diff(1, 2);
    check(diff.changed.join() === '/d2/f3' && diff.removed.join() === '/d0/f0', 'diff');
    await fs.rollback(1);
    for (const [p, data] of files) check(equal(await fs.readFile(p), data), `rollback restored ${p}`);
    check((await fs.snapshot('again')).root === s1.root, 'the rolled-back tree commits to the snapshot root');
    await fs.verifySnapshot(2);
    const task = fs.setVolumeCompression({ compression: 'rle' }, { chunksPerSlice: 4 });
    check(task !== null, 'background recompression starts');
    const end = await task?.done;
    check(end?.state === 'done' && (end?.rewritten ?? 0) > 0, 'recompression finished');
    check((end?.bytesAfter ?? 0) < (end?.bytesBefore ?? 0), 'RLE frames are smaller');
    await fs.unmount();
    const again = await Nexfs.mount(flash);
    for (const [p, data] of files) check(equal(await again.readFile(p), data), `after recompression ${p}`);
    check((await again.fsck({ verifyData: true })).errors.length === 0, 'fsck');
  },
};
