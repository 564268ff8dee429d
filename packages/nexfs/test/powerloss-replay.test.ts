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

describe('power-loss replay', () => {
  it('replays a single schedule by its printed id', async () => {
    const id = globalThis.process?.env?.NEXFS_PLC ?? 'rename@spi-nand/reorder/5';
    const failures = await replayPowerLoss(id, Number(globalThis.process?.env?.NEXFS_PLC_ROUNDS ?? 1));
    expect(failures).toEqual([]);
  });
});
