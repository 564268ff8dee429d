/**
 * One power-loss suite per geometry (vitest runs the files in parallel). Every scenario runs in
 * both modes; the failing schedule's id is printed and replays with `replayPowerLoss(id)`:
 *   NEXFS_PLC=<id> pnpm vitest run --project nexfs test/powerloss-replay.test.ts
 */
import { expect, it } from 'vitest';
import type { GeometryName } from '../src/device/geometry.js';
import { type PowerLossMode, sweep } from './_powerloss.js';
import { allScenarios } from './_scenarios.js';

/** How hard CI sweeps each geometry: script rounds, resume stride, and the heavy scenarios' stride. */
export interface SuitePlan {
  rounds: number;
  resumeEvery: number;
  heavyStride: number;
  heavyResumeEvery: number;
}

const HEAVY = new Set(['nearly-full', 'wear-out', 'static-wl']);

export function powerLossSuite(geometry: GeometryName, plan: SuitePlan): void {
  it(`survives a power cut at every device operation on ${geometry}`, { timeout: 600_000 }, async () => {
    let cutPoints = 0;
    let resumed = 0;
    const failures: string[] = [];
    for (const scenario of allScenarios(plan.rounds, [geometry])) {
      const heavy = HEAVY.has(scenario.name);
      for (const mode of ['torn', 'reorder'] as PowerLossMode[]) {
        const r = await sweep(
          scenario,
          mode,
          heavy ? plan.heavyResumeEvery : plan.resumeEvery,
          undefined,
          heavy ? plan.heavyStride : 1,
        );
        cutPoints += r.cutPoints;
        resumed += r.resumed;
        failures.push(...r.failures);
      }
    }
    console.log(
      `power-loss cut points: ${cutPoints} (${geometry}, torn and out-of-order; ${resumed} resumed to completion)`,
    );
    expect(failures).toEqual([]);
  });
}
