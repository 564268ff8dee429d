/**
 * Writes files onto a part whose blocks fail as they wear, until the part runs out of good
 * blocks, then checks through a fresh read-only mount that every completed write is durable.
 */
import { expect } from 'vitest';
import type { FlashDevice } from '../src/device/flash.js';
import type { Nexfs } from '../src/fs.js';
import { Nexfs as Fs, NexfsError, seededRandom } from '../src/index.js';

/** What a wear-out run wrote: the last complete contents per name, and the write that failed. */
export interface WearOutRun {
  want: Map<string, Uint8Array>;
  failed: { name: string; data: Uint8Array } | null;
  rounds: number;
}

/** Overwrites six names with `dataFor(round, size)` for up to `maxRounds` rounds or ENOSPC. */
export async function writeUntilWornOut(
  fs: Nexfs,
  seed: number,
  maxRounds: number,
  dataFor: (round: number, random: number) => Uint8Array,
): Promise<WearOutRun> {
  const r = seededRandom(seed);
  const run: WearOutRun = { want: new Map(), failed: null, rounds: 0 };
  try {
    for (; run.rounds < maxRounds; run.rounds++) {
      const name = `/f${r.nextU32() % 6}`;
      const data = dataFor(run.rounds, r.nextU32());
      run.failed = { name, data };
      await fs.writeFile(name, data);
      run.want.set(name, data);
      run.failed = null;
    }
  } catch (e) {
    // The part eventually runs out of good blocks: that must be ENOSPC, never corruption. The
    // write that met it may have committed its journal before the checkpoint found no block:
    // that file holds its old or its new contents, never a mix.
    if (!(e instanceof NexfsError) || e.code !== 'ENOSPC') throw e;
  }
  return run;
}

/** Mounts `flash` read-only and checks every completed write of `run` (the failed one: old or new). */
export async function expectDurable(flash: FlashDevice, run: WearOutRun): Promise<Nexfs> {
  const again = await Fs.mount(flash, { readOnly: true });
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  for (const [name, data] of run.want) {
    const got = await again.readFile(name);
    expect(same(got, data) || (run.failed?.name === name && same(got, run.failed.data)), name).toBe(true);
  }
  return again;
}
