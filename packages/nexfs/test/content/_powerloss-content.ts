/**
 * Power-loss sweep of the content-addressing operations: snapshot create, delete and rollback,
 * mark-and-sweep collection, chunked writes and background recompression. The script runs once on
 * a recording part; then, for every device effect, the part is forked at that effect (torn: the
 * effect half-done; out-of-order: the effects since the last barrier persist as a random subset)
 * and mounted. The state found must be the state before or after the operation in flight (every
 * operation here is durable on return), every listed snapshot must verify from flash (a sweep
 * that deleted a live chunk fails here), fsck must be clean, and every k-th cut is resumed to the
 * end of the script and must reach the same final state.
 */
import { crc32c } from '../../src/_crc32.js';
import { EmulatedFlash } from '../../src/device/emulated.js';
import type { FlashGeometry } from '../../src/device/geometry.js';
import type { MemoryFlash } from '../../src/device/memory.js';
import { Nexfs, type NexfsOptions } from '../../src/fs.js';
import { randomInt, seededRandom } from '../../src/random.js';
import { applyLogOp, bytesFor, type LogOp, RecordingFlash } from '../_sim.js';

/** One operation of a content script. */
export type ContentOp =
  | {
      op: 'writeFile';
      path: string;
      size: number;
      seed: number;
      layout?: 'pages' | 'chunked';
      /** Text-like bytes that zstd shrinks (default: incompressible). */
      compressible?: boolean;
    }
  | { op: 'snapshot'; label: string }
  | { op: 'rollback'; id: number }
  | { op: 'deleteSnapshot'; id: number }
  | { op: 'collect' }
  /** One block garbage-collection round (moves the live pages, frame runs too, out of the emptiest blocks). */
  | { op: 'gc' }
  | { op: 'recompress'; path: string; level: number }
  | { op: 'recompressVolume'; level: number }
  | { op: 'unlink'; path: string }
  | { op: 'mkdir'; path: string };

/** A content scenario. */
export interface ContentScenario {
  name: string;
  geometry: FlashGeometry;
  options: NexfsOptions;
  setup: ContentOp[];
  ops: ContentOp[];
}

/** What a sweep covered. */
export interface ContentSweepResult {
  cutPoints: number;
  /** Frame runs the recorded run moved (garbage collection of chunk frames). */
  frameRunsMoved: number;
  resumed: number;
  failures: string[];
}

export async function runContentOp(fs: Nexfs, o: ContentOp): Promise<void> {
  switch (o.op) {
    case 'writeFile':
      await fs.writeFile(
        o.path,
        o.compressible ? compressibleFor(o.seed, o.size) : bytesFor(o.seed, o.size),
        o.layout ? { layout: o.layout } : undefined,
      );
      break;
    case 'snapshot':
      await fs.snapshot(o.label);
      break;
    case 'rollback':
      await fs.rollback(o.id);
      break;
    case 'deleteSnapshot':
      await fs.deleteSnapshot(o.id);
      break;
    case 'collect':
      await fs.collectGarbage();
      break;
    case 'gc':
      fs.volume.collect();
      break;
    case 'recompress':
      await fs.setCompression(o.path, { compression: 'zstd', level: o.level });
      break;
    case 'recompressVolume': {
      const task = fs.setVolumeCompression({ compression: 'zstd', level: o.level }, { chunksPerSlice: 2 });
      const end = await task?.done;
      if (end?.state !== 'done') throw new Error(`volume recompression ended ${end?.state}`);
      break;
    }
    case 'unlink':
      await fs.unlink(o.path);
      break;
    case 'mkdir':
      await fs.mkdir(o.path);
      break;
  }
}

/** `size` bytes of seeded text that compresses (lines drawn from a few seeded words). */
export function compressibleFor(seed: number, size: number): Uint8Array {
  const r = seededRandom(seed);
  const words = ['flash', 'chunk', 'frame', 'erase', 'block', 'page', 'mirror', 'commit'];
  let s = '';
  while (s.length < size) s += `${words[r.nextU32() & 7]} ${words[r.nextU32() & 7]} ${r.nextU32() & 15}\n`;
  return new TextEncoder().encode(s.slice(0, size));
}

/** Files (path, size, CRC), directories and snapshots (id, root) of a mounted volume. */
export async function contentDigest(fs: Nexfs): Promise<string> {
  const parts: string[] = [];
  const walk = async (dir: string) => {
    for (const name of await fs.readdir(dir)) {
      if (name.startsWith('.nexfs-tmp-')) continue;
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      if ((await fs.stat(path)).isDirectory()) {
        parts.push(`${path}/`);
        await walk(path);
      } else {
        const data = await fs.readFile(path);
        parts.push(`${path}:${data.length}:${crc32c(data).toString(16)}`);
      }
    }
  };
  await walk('/');
  for (const s of await fs.snapshots()) parts.push(`#${s.id}:${s.root}`);
  return parts.join('|');
}

function device(inner: MemoryFlash): EmulatedFlash {
  return new EmulatedFlash(inner, { seed: 99 });
}

/** Sweeps every `stride`-th cut point of `s` in `mode`, resuming every `resumeEvery`-th checked one. */
export async function sweepContent(
  s: ContentScenario,
  mode: 'torn' | 'reorder',
  stride: number,
  resumeEvery: number,
): Promise<ContentSweepResult> {
  const rec = new RecordingFlash(s.geometry);
  const fs = await Nexfs.format(device(rec), s.options);
  for (const o of s.setup) await runContentOp(fs, o);
  fs.volume.commit();
  const base = rec.clone();
  rec.recording = true;
  const digests = [await contentDigest(fs)];
  const opEnd: number[] = [];
  for (const o of s.ops) {
    await runContentOp(fs, o);
    digests.push(await contentDigest(fs));
    opEnd.push(rec.log.length);
  }
  const log = rec.log;
  const result: ContentSweepResult = {
    cutPoints: 0,
    frameRunsMoved: fs.volume.stats.frameRunsMoved,
    resumed: 0,
    failures: [],
  };
  let applied = 0;
  let cut = 0;
  let opIndex = 0;
  let sinceSync: LogOp[] = [];
  let saved = new Map<number, ReturnType<MemoryFlash['snapshotBlock']>>();
  for (let at = 0; at < log.length; at++) {
    const op = log[at];
    if (op.k === 's' || op.k === 'b') continue;
    while (applied < at) {
      const done = log[applied++];
      if (done.k === 's') {
        sinceSync = [];
        saved = new Map();
        continue;
      }
      if (done.k !== 'b' && !saved.has(done.block)) saved.set(done.block, base.snapshotBlock(done.block));
      applyLogOp(base, done);
      if (done.k !== 'b') sinceSync.push(done);
    }
    while (opIndex < opEnd.length && opEnd[opIndex] <= at) opIndex++;
    const thisCut = cut++;
    if (thisCut % stride !== 0) continue;
    result.cutPoints++;
    const id = `${s.name}/${mode}/${thisCut}`;
    const r = seededRandom(thisCut * 7919 + (mode === 'torn' ? 1 : 2));
    const fork = base.fork();
    if (mode === 'torn') {
      if (op.k === 'w') {
        const reached = randomInt(r, op.data.length + 1);
        const d = new Uint8Array(op.data.length).fill(0xff);
        d.set(op.data.subarray(0, reached));
        const spare = op.spare && reached >= op.data.length ? op.spare : op.spare?.slice().fill(0xff);
        fork.writeRaw(op.block, op.page, d, spare);
      } else if (op.k === 'e') {
        for (let p = 0; p < s.geometry.pagesPerBlock; p++)
          if (r.nextU32() & 1) fork.erasePageRaw(op.block, p);
      } else if (op.k === 'p') fork.erasePageRaw(op.block, op.page);
    } else {
      for (const [b, snap] of saved) fork.restoreBlock(b, snap);
      for (const p of [...sinceSync, op]) {
        if ((r.nextU32() & 1) === 0) continue;
        if (p.k === 'e') for (let q = 0; q < s.geometry.pagesPerBlock; q++) fork.erasePageRaw(p.block, q);
        else if (p.k === 'w' || p.k === 'p') applyLogOp(fork, p);
      }
    }
    try {
      const resumeThis = (thisCut / stride) % resumeEvery === 0;
      const check = await Nexfs.mount(device(resumeThis ? fork.fork() : fork), {
        ...s.options,
        readOnly: true,
      });
      const report = await check.fsck();
      if (report.errors.length > 0) throw new Error(`fsck: ${report.errors.slice(0, 3).join('; ')}`);
      for (const snap of await check.snapshots()) await check.verifySnapshot(snap.id);
      const got = await contentDigest(check);
      const lo = opIndex;
      const hi = Math.min(opIndex + 1, digests.length - 1);
      let match = -1;
      for (let j = hi; j >= lo; j--)
        if (digests[j] === got) {
          match = j;
          break;
        }
      if (match < 0) throw new Error(`state after the cut matches neither operation ${lo} nor ${hi}`);
      if (resumeThis) {
        result.resumed++;
        const fs2 = await Nexfs.mount(device(fork), s.options);
        // A recompression the cut interrupted resumes at mount and must finish.
        const pending = fs2.recompression();
        if (pending !== null && (await pending.done).state !== 'done')
          throw new Error('the resumed recompression did not finish');
        for (let j = match; j < s.ops.length; j++) await runContentOp(fs2, s.ops[j]);
        if ((await contentDigest(fs2)) !== digests[digests.length - 1])
          throw new Error('state after resuming differs from the recorded run');
        const report2 = await fs2.fsck();
        if (report2.errors.length > 0)
          throw new Error(`fsck after resume: ${report2.errors.slice(0, 3).join('; ')}`);
      }
    } catch (e) {
      result.failures.push(`${id}: ${(e as Error).stack ?? e}`);
      if (result.failures.length >= 3) break;
    }
  }
  return result;
}
