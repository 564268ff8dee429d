/**
 * fsx-style model-based testing: seeded random operation sequences run against nexfs and an
 * in-memory model, checked after every step, with clean remounts, power cuts (the recovered tree
 * must equal the model after some operation since the last durable one) and read bit flips.
 */
import { expect } from 'vitest';
import { EmulatedFlash } from '../src/device/emulated.js';
import type { FlashGeometry } from '../src/device/geometry.js';
import { MemoryFlash } from '../src/device/memory.js';
import { PowerCutError } from '../src/errors.js';
import { Nexfs, type NexfsOptions } from '../src/fs.js';
import { type Random, randomInt, seededRandom } from '../src/random.js';
import { bytesFor, digestVolume, isSyncOp, Model, type Op, pick, Runner } from './_sim.js';

/** Settings of one model run. */
export interface ModelRunOptions {
  seed: number;
  geometry: FlashGeometry;
  ops: number;
  bitFlipRate?: number;
  options?: NexfsOptions;
  /** Mean operations between power cuts (0: none). */
  cutEvery?: number;
  /** Mean operations between clean remounts. */
  remountEvery?: number;
  /** Largest file in bytes. */
  maxFileBytes?: number;
}

const FILES = ['/a', '/b', '/c', '/d/x', '/d/y', '/e/f/z'];
const DIRS = ['/d', '/e', '/e/f'];

function randomOp(r: Random, model: Model, open: Set<string>, maxFileBytes: number): Op {
  const files = FILES.filter((f) => model.entries.get(f) instanceof Uint8Array);
  const P = 700;
  const roll = randomInt(r, 100);
  if (files.length === 0 || roll < 8) {
    const path = pick(r, FILES);
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    if (!model.entries.has(dir))
      return {
        op: 'mkdir',
        path: DIRS.find(
          (d) => !model.entries.has(d) && model.entries.has(d.slice(0, d.lastIndexOf('/')) || '/'),
        )!,
      };
    if (model.entries.get(path) === null) return { op: 'sync', path: files[0] ?? '/a' };
    return { op: 'writeFile', path, size: randomInt(r, 3 * P), seed: r.nextU32() };
  }
  const path = pick(r, files);
  const size = model.entries.get(path)!.length;
  if (roll < 40) {
    const at = randomInt(r, Math.min(size + P, maxFileBytes));
    const n = Math.min(1 + randomInt(r, 2 * P), maxFileBytes - at);
    return { op: 'write', path, at, size: Math.max(1, n), seed: r.nextU32() };
  }
  if (roll < 55)
    return { op: 'append', path, size: size > maxFileBytes ? 1 : 1 + randomInt(r, P), seed: r.nextU32() };
  if (roll < 63) return { op: 'truncate', path, size: randomInt(r, size + P) };
  if (roll < 73) return { op: 'sync', path };
  if (roll < 80) return open.has(path) ? { op: 'close', path } : { op: 'open', path, flags: 'r+' };
  if (roll < 85) {
    const to = pick(r, FILES);
    const dir = to.slice(0, to.lastIndexOf('/')) || '/';
    if (to === path || !model.entries.has(dir) || model.entries.get(to) === null) return { op: 'sync', path };
    return { op: 'rename', from: path, to };
  }
  if (roll < 90) return { op: 'unlink', path };
  if (roll < 93) {
    const d = pick(r, DIRS);
    const empty =
      model.entries.get(d) === null && ![...model.entries.keys()].some((k) => k.startsWith(`${d}/`));
    if (empty) return { op: 'rmdir', path: d };
    return { op: 'sync', path };
  }
  return { op: 'writeFile', path, size: randomInt(r, Math.min(maxFileBytes, 4 * P)), seed: r.nextU32() };
}

/** Runs one seeded model test; returns the number of operations executed and checked. */
export async function modelRun(o: ModelRunOptions): Promise<{ ops: number; cuts: number; remounts: number }> {
  const r = seededRandom(o.seed);
  const mem = new MemoryFlash(o.geometry);
  const flash = new EmulatedFlash(mem, { seed: o.seed, bitFlipRate: o.bitFlipRate ?? 0 });
  let fs = await Nexfs.format(flash, o.options);
  let runner = new Runner(fs);
  let model = new Model();
  const maxFileBytes = o.maxFileBytes ?? 6000;
  let cuts = 0;
  let remounts = 0;
  let armed = false;
  // The model at the last durable operation, and the operations since: after a power cut the tree
  // must equal the durable model advanced by some prefix of them (the one in flight included).
  let durable = new Model();
  let sinceDurable: Op[] = [];
  const where = (i: number, op: Op) => `seed ${o.seed}, op ${i}: ${JSON.stringify(op)}`;
  for (let i = 0; i < o.ops; i++) {
    if (!armed && o.cutEvery && randomInt(r, o.cutEvery) === 0) {
      armed = true;
      flash.cutPowerAfter(
        randomInt(r, 40),
        randomInt(r, 2) === 0 ? 'torn' : 'complete',
        randomInt(r, 2) === 0,
      );
    }
    const op = randomOp(r, model, new Set(runner.handles.keys()), maxFileBytes);
    try {
      await runner.run(op);
    } catch (e) {
      if (!(e instanceof PowerCutError)) throw new Error(`${where(i, op)}: ${(e as Error).stack}`);
      flash.restorePower();
      fs = await Nexfs.mount(flash, o.options);
      runner = new Runner(fs);
      const got = await digestVolume(fs);
      const candidates = [durable.clone()];
      for (const p of [...sinceDurable, op]) {
        const next = candidates[candidates.length - 1].clone();
        next.apply(p);
        candidates.push(next);
      }
      const match = [...candidates].reverse().find((m) => m.digest() === got);
      if (!match)
        throw new Error(
          `${where(i, op)}: state after power cut matches no allowed state\n got  ${got}\n ${candidates.map((m) => m.digest()).join('\n ')}`,
        );
      model = match.clone();
      durable = match.clone();
      sinceDurable = [];
      armed = false;
      cuts++;
      const report = await fs.fsck();
      expect(report.errors, where(i, op)).toEqual([]);
      continue;
    }
    model.apply(op);
    if (isSyncOp(op)) {
      durable = model.clone();
      sinceDurable = [];
    } else sinceDurable.push(op);
    // Check the touched file after every step; the whole tree now and then.
    const path =
      op.op === 'rename'
        ? op.to
        : op.op === 'mkdir' || op.op === 'rmdir' || op.op === 'features'
          ? null
          : op.path;
    if (path && model.entries.get(path) instanceof Uint8Array) {
      const want = model.entries.get(path) as Uint8Array;
      const h = runner.handles.get(path);
      let got: Uint8Array;
      if (h) {
        got = new Uint8Array(h.size);
        await h.read(got, 0, got.length, 0);
      } else got = await fs.readFile(path);
      if (got.length !== want.length || !got.every((v, k) => v === want[k]))
        throw new Error(`${where(i, op)}: ${path} differs from the model`);
    }
    if (!armed && o.remountEvery && randomInt(r, o.remountEvery) === 0) {
      for (const [, h] of runner.handles) await h.close();
      await fs.unmount();
      fs = await Nexfs.mount(flash, o.options);
      runner = new Runner(fs);
      remounts++;
      durable = model.clone();
      sinceDurable = [];
      const got = await digestVolume(fs);
      if (got !== model.digest())
        throw new Error(`${where(i, op)}: tree differs from the model after a remount`);
      const report = await fs.fsck({ verifyData: true });
      expect(report.errors, where(i, op)).toEqual([]);
    }
  }
  flash.cancelPowerCut();
  for (const [, h] of runner.handles) await h.close();
  expect(await digestVolume(fs)).toBe(model.digest());
  expect((await fs.fsck({ verifyData: true })).errors).toEqual([]);
  void bytesFor;
  return { ops: o.ops, cuts, remounts };
}
