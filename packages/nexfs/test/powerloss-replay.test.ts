import { describe, expect, it } from 'vitest';
import { type PowerLossMode, scheduleId, sweep } from './_powerloss.js';
import { allScenarios } from './_scenarios.js';

/** Replays one printed schedule id, e.g. `append@spi-nand/torn/17` (rounds from NEXFS_PLC_ROUNDS). */
export async function replayPowerLoss(id: string, rounds = 1): Promise<string[]> {
  const m = /^(.+)@(.+)\/(torn|reorder)\/(\d+)$/.exec(id);
  if (!m) throw new RangeError(`id: '${id}' is not scenario@geometry/mode/cut`);
  const scenario = allScenarios(rounds).find((s) => s.name === m[1] && s.geometryName === m[2]);
  if (!scenario) throw new RangeError(`id: no scenario ${m[1]} on ${m[2]}`);
  const r = await sweep(scenario, m[3] as PowerLossMode, 1, Number(m[4]));
  expect(scheduleId(scenario, m[3] as PowerLossMode, Number(m[4]))).toBe(id);
  return r.failures;
}

/** Schedules that once failed (id and the rounds of the sweep that printed it), replayed for good. */
const REGRESSIONS: [string, number][] = [
  // A superblock copy block appended to after an erase cut midway left old pages behind it.
  ['superblock-rewrite#17@nor-4m/torn/96', 18],
];

describe('power-loss replay', () => {
  it.each(REGRESSIONS)('regression %s', async (id, rounds) => {
    expect(await replayPowerLoss(id, rounds)).toEqual([]);
  });

  it('replays a single schedule by its printed id', async () => {
    const id = globalThis.process?.env?.NEXFS_PLC ?? 'rename@spi-nand/reorder/5';
    const failures = await replayPowerLoss(id, Number(globalThis.process?.env?.NEXFS_PLC_ROUNDS ?? 1));
    expect(failures).toEqual([]);
  });
});
