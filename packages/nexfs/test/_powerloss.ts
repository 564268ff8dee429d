/**
 * The power-loss runner (littlefs-style, with incremental replay). A scenario runs once on a
 * recording part; every program and erase it performs is a cut point. For cut point N the runner
 * advances a base image by one logged effect (never replaying the prefix), forks it copy-on-write,
 * applies the cut (the in-flight operation torn, or every effect since the last barrier persisted
 * as a random subset: pages out of order), mounts the fork, checks fsck and that the tree equals
 * the model after some operation between the last durable one and the one in flight, and resumes
 * the remaining operations to the end. A failure prints its schedule id, which replays alone.
 */
import { EmulatedFlash } from '../src/device/emulated.js';
import type { FlashGeometry } from '../src/device/geometry.js';
import type { MemoryFlash } from '../src/device/memory.js';
import { Nexfs, type NexfsOptions } from '../src/fs.js';
import { randomInt, seededRandom } from '../src/random.js';
import {
  applyLogOp,
  digestVolume,
  isSyncOp,
  type LogOp,
  Model,
  type Op,
  RecordingFlash,
  Runner,
} from './_sim.js';

/** How power is cut. */
export type PowerLossMode = 'torn' | 'reorder';

/** A re-entrant scenario: a fixed script of operations on a geometry. */
export interface Scenario {
  name: string;
  geometry: FlashGeometry;
  geometryName: string;
  ops: Op[];
  options?: NexfsOptions;
  /** Wrap the part in a wear-out injector (blocks fail past their erase budget). */
  wearOut?: boolean;
  /** Ops run before recording starts (setup that is not itself cut). */
  setup?: Op[];
}

/** What one sweep covered. */
export interface SweepResult {
  cutPoints: number;
  resumed: number;
  failures: string[];
}

/** The printed id of one cut point: `scenario@geometry/mode/cut`. */
export function scheduleId(s: Scenario, mode: PowerLossMode, cut: number): string {
  return `${s.name}@${s.geometryName}/${mode}/${cut}`;
}

function device(s: Scenario, inner: MemoryFlash): EmulatedFlash {
  return new EmulatedFlash(inner, { seed: 99, wearOut: s.wearOut ?? false, wornProgramFailRate: 0.5 });
}

/**
 * Runs every cut point of `scenario` in `mode`. `resumeEvery` resumes to completion on every k-th
 * cut point (1 = all). `only` runs a single cut point (replay of a printed id).
 */
export async function sweep(
  scenario: Scenario,
  mode: PowerLossMode,
  resumeEvery = 1,
  only?: number,
  stride = 1,
): Promise<SweepResult> {
  const rec = new RecordingFlash(scenario.geometry);
  const dev = device(scenario, rec);
  const fs = await Nexfs.format(dev, scenario.options);
  const model = new Model();
  const runner = new Runner(fs);
  for (const op of scenario.setup ?? []) {
    await runner.run(op);
    model.apply(op);
  }
  await runner.run({ op: 'close', path: '' });
  for (const [, h] of runner.handles) await h.close();
  runner.handles.clear();
  fs.volume.commit();
  // Record the script once.
  const base = rec.clone();
  rec.recording = true;
  const digests = [model.digest()];
  const opEnd: number[] = [];
  const durable: number[] = [];
  let lastDurable = 0;
  const models: Model[] = [model.clone()];
  for (let i = 0; i < scenario.ops.length; i++) {
    await runner.run(scenario.ops[i]);
    model.apply(scenario.ops[i]);
    digests.push(model.digest());
    models.push(model.clone());
    opEnd.push(rec.log.length);
    durable.push(lastDurable);
    if (isSyncOp(scenario.ops[i])) lastDurable = i + 1;
  }
  const log = rec.log;
  const finalDigest = digests[digests.length - 1];
  const result: SweepResult = { cutPoints: 0, resumed: 0, failures: [] };
  let applied = 0;
  let cut = 0;
  let opIndex = 0;
  let sinceSync: LogOp[] = [];
  let snapshots = new Map<number, { data: Uint8Array | null; last: number }>();
  const advance = (target: number) => {
    while (applied < target) {
      const op = log[applied++];
      if (op.k === 's') {
        sinceSync = [];
        snapshots = new Map();
        continue;
      }
      if (op.k !== 'b' && !snapshots.has(op.block)) snapshots.set(op.block, base.snapshotBlock(op.block));
      applyLogOp(base, op);
      if (op.k !== 'b') sinceSync.push(op);
    }
  };
  for (let at = 0; at < log.length; at++) {
    const op = log[at];
    if (op.k === 's' || op.k === 'b') continue;
    advance(at);
    while (opIndex < opEnd.length && opEnd[opIndex] <= at) opIndex++;
    const thisCut = cut++;
    if (only !== undefined ? thisCut !== only : thisCut % stride !== 0) continue;
    result.cutPoints++;
    const id = scheduleId(scenario, mode, thisCut);
    const r = seededRandom(hash(id));
    const fork = base.fork();
    if (mode === 'torn') {
      if (op.k === 'w') {
        const reached = randomInt(r, op.data.length + 1);
        const d = new Uint8Array(op.data.length).fill(0xff);
        d.set(op.data.subarray(0, reached));
        const spare = op.spare
          ? reached >= op.data.length
            ? op.spare
            : new Uint8Array(op.spare.length).fill(0xff)
          : undefined;
        fork.writeRaw(op.block, op.page, d, spare);
      } else if (op.k === 'e') {
        for (let p = 0; p < scenario.geometry.pagesPerBlock; p++)
          if (r.nextU32() & 1) fork.erasePageRaw(op.block, p);
      } else if (op.k === 'p') fork.erasePageRaw(op.block, op.page);
    } else {
      for (const [b, snap] of snapshots) fork.restoreBlock(b, snap);
      for (const p of [...sinceSync, op]) {
        if ((r.nextU32() & 1) === 0) continue;
        if (p.k === 'e')
          for (let q = 0; q < scenario.geometry.pagesPerBlock; q++) fork.erasePageRaw(p.block, q);
        else if (p.k === 'w' || p.k === 'p' || p.k === 'b') applyLogOp(fork, p);
      }
    }
    try {
      // Check through a read-only mount (journal replayed in RAM, nothing written), then resume
      // through a read-write mount of the same image.
      const resumeThis = only !== undefined || (thisCut / stride) % resumeEvery === 0;
      const check = await Nexfs.mount(device(scenario, resumeThis ? fork.fork() : fork), {
        ...scenario.options,
        readOnly: true,
      });
      const report = await check.fsck();
      if (report.errors.length > 0) throw new Error(`fsck: ${report.errors.slice(0, 3).join('; ')}`);
      const got = await digestVolume(check);
      const lo = opIndex < durable.length ? durable[opIndex] : digests.length - 1;
      const hi = Math.min(opIndex + 1, digests.length - 1);
      let match = -1;
      for (let j = hi; j >= lo; j--)
        if (digests[j] === got) {
          match = j;
          break;
        }
      if (match < 0) throw new Error(`state after the cut matches no operation in ${lo}..${hi}`);
      if (resumeThis) {
        result.resumed++;
        const fs2 = await Nexfs.mount(device(scenario, fork), scenario.options);
        const resume = new Runner(fs2);
        for (let j = match; j < scenario.ops.length; j++) await resume.run(scenario.ops[j]);
        for (const [, h] of resume.handles) await h.close();
        const end = await digestVolume(fs2);
        if (end !== finalDigest) throw new Error('state after resuming differs from the model');
        const report2 = await fs2.fsck();
        if (report2.errors.length > 0)
          throw new Error(`fsck after resume: ${report2.errors.slice(0, 3).join('; ')}`);
      }
    } catch (e) {
      result.failures.push(`${id}: ${(e as Error).stack ?? e}`);
      if (result.failures.length >= 3) break;
    }
    void models;
  }
  return result;
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
