/**
 * The long power-loss sweep: every cut point of every scenario on every geometry, in both modes,
 * each resumed to completion. CI runs a strided subset (test/powerloss-*.test.ts).
 *
 *   node --conditions=nexus-src --import tsx scripts/powerloss-sweep.ts [rounds]
 */
import { type PowerLossMode, sweep } from '../test/_powerloss.js';
import { allScenarios } from '../test/_scenarios.js';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 8);
  let cutPoints = 0;
  let resumed = 0;
  const failures: string[] = [];
  for (const scenario of allScenarios(rounds)) {
    for (const mode of ['torn', 'reorder'] as PowerLossMode[]) {
      const r = await sweep(scenario, mode, 1);
      cutPoints += r.cutPoints;
      resumed += r.resumed;
      failures.push(...r.failures);
      console.log(
        `${scenario.name}@${scenario.geometryName} ${mode}: ${r.cutPoints} cut points, ${r.failures.length} failures`,
      );
    }
  }
  console.log(`power-loss cut points: ${cutPoints} (${resumed} resumed to completion)`);
  for (const f of failures) console.error(f);
  if (failures.length > 0) process.exitCode = 1;
}

void main();
