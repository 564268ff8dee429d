import { describe, expect, it } from 'vitest';
import { EmulatedFlash, GEOMETRIES, MemoryFlash, Nexfs } from '../src/index.js';
import { allScenarios } from './_scenarios.js';
import { bytesFor, digestVolume, Model, Runner } from './_sim.js';

describe('wear levelling over every block', () => {
  it('the static-wl power-loss scenario really moves cold data, register ring blocks and superblock copies', async () => {
    const moved = { staticMoves: 0, registerMoves: 0, superblockMoves: 0 };
    for (const s of allScenarios(1).filter((x) => x.name === 'static-wl')) {
      const fs = await Nexfs.format(new EmulatedFlash(new MemoryFlash(s.geometry)), s.options);
      const r = new Runner(fs);
      const model = new Model();
      for (const op of s.setup ?? []) {
        await r.run(op);
        model.apply(op);
      }
      const before = { ...fs.statfs().stats };
      for (const op of s.ops) {
        await r.run(op);
        model.apply(op);
      }
      const after = fs.statfs().stats;
      for (const k of Object.keys(moved) as (keyof typeof moved)[]) moved[k] += after[k] - before[k];
      // The moved system blocks are where the next mount looks.
      const again = await Nexfs.mount(fs.volume.device);
      expect(await digestVolume(again)).toBe(model.digest());
      expect((await again.fsck()).errors).toEqual([]);
    }
    console.log(
      `static-wl moves: ${moved.staticMoves} cold blocks, ${moved.registerMoves} ring blocks, ${moved.superblockMoves} superblock copies`,
    );
    expect(moved.staticMoves).toBeGreaterThan(0);
    expect(moved.registerMoves).toBeGreaterThan(0);
    expect(moved.superblockMoves).toBeGreaterThan(0);
  });

  it('spends every block, system blocks included, with half the volume static', async () => {
    const g = { ...GEOMETRIES['spi-nand'], blockCount: 40, eraseBudget: 16 };
    const mem = new MemoryFlash(g);
    const fs = await Nexfs.format(new EmulatedFlash(mem), { wearLevelGap: 2 });
    const cold = bytesFor(1, 256 << 10);
    const staticBytes = Math.floor(fs.statfs().freeBytes / 2);
    for (let at = 0, i = 0; at < staticBytes; at += cold.length, i++)
      await fs.writeFile(`/cold${i}`, cold.subarray(0, Math.min(cold.length, staticBytes - at)));
    const hot = bytesFor(2, 16 << 10);
    const max = () => mem.eraseCounts.reduce((m, c) => Math.max(m, c), 0);
    for (let i = 0; max() < g.eraseBudget; i++) await fs.writeFile(`/hot${i % 4}`, hot);
    const counts = Array.from(mem.eraseCounts);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const system = [...fs.volume.sb.superblockBlocks, ...fs.volume.sb.registerBlocks];
    const systemMin = Math.min(...system.map((b) => counts[b]));
    console.log(
      `wear evenness over all ${g.blockCount} blocks: mean/max ${(mean / max()).toFixed(3)}, coldest block ${Math.min(...counts)}, coldest system block ${systemMin} of ${max()}`,
    );
    expect(mean / max()).toBeGreaterThanOrEqual(0.85);
    expect(systemMin).toBeGreaterThanOrEqual(max() / 2);
    for (let i = 0; i * cold.length < staticBytes; i++) {
      const want = cold.subarray(0, Math.min(cold.length, staticBytes - i * cold.length));
      expect(await fs.readFile(`/cold${i}`)).toEqual(want);
    }
  });

  it('refuses a bad wearLevelGap', async () => {
    await expect(Nexfs.format(new MemoryFlash(GEOMETRIES['tiny-nor']), { wearLevelGap: -1 })).rejects.toThrow(
      RangeError,
    );
  });
});
