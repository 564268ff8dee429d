/**
 * The long power-loss sweep: every cut point of every scenario on every geometry, in both modes,
 * each resumed to completion. CI runs a strided subset (test/powerloss-*.test.ts). The
 * (scenario, mode) pairs are shared among child processes, one per core by default.
 *
 *   node --conditions=nexus-src --import tsx scripts/powerloss-sweep.ts [rounds] [workers]
 *
 * Prints one line per (scenario, mode) as it finishes, then `power-loss cut points: N`; failures
 * print their replay ids (see test/powerloss-replay.test.ts) and set a non-zero exit code.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type PowerLossMode, sweep } from '../test/_powerloss.js';
import { allScenarios } from '../test/_scenarios.js';

interface Job {
  index: number;
  mode: PowerLossMode;
}
interface Done {
  line: string;
  cutPoints: number;
  resumed: number;
  failures: string[];
}

const MODES: PowerLossMode[] = ['torn', 'reorder'];

async function child(rounds: number): Promise<void> {
  const scenarios = allScenarios(rounds);
  process.on('message', async (job: Job | null) => {
    if (job === null) {
      process.disconnect();
      return;
    }
    const s = scenarios[job.index];
    const r = await sweep(s, job.mode, 1);
    const done: Done = {
      line: `${s.name}@${s.geometryName} ${job.mode}: ${r.cutPoints} cut points, ${r.failures.length} failures`,
      cutPoints: r.cutPoints,
      resumed: r.resumed,
      failures: r.failures,
    };
    process.send!(done);
  });
  process.send!('ready');
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 8);
  const processes = Number(process.argv[3] ?? availableParallelism());
  const jobs: Job[] = [];
  const count = allScenarios(rounds).length;
  for (let index = 0; index < count; index++) for (const mode of MODES) jobs.push({ index, mode });
  // Heavy scenarios first, so the tail of the run is short ones.
  const heavy = new Set(['nearly-full', 'wear-out', 'static-wl']);
  const names = allScenarios(rounds).map((s) => s.name);
  jobs.sort((a, b) => Number(heavy.has(names[b.index])) - Number(heavy.has(names[a.index])));
  const started = performance.now();
  let cutPoints = 0;
  let resumed = 0;
  let finished = 0;
  const failures: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let live = 0;
    for (let t = 0; t < Math.max(1, Math.min(processes, jobs.length)); t++) {
      live++;
      const w: ChildProcess = fork(fileURLToPath(import.meta.url), [String(rounds), '--child'], {
        execArgv: process.execArgv,
      });
      const next = () => w.send((jobs.shift() ?? null) as unknown as string);
      w.on('message', (message) => {
        const m = message as unknown as Done | 'ready';
        if (m !== 'ready') {
          finished++;
          cutPoints += m.cutPoints;
          resumed += m.resumed;
          failures.push(...m.failures);
          console.log(`[${finished}/${count * MODES.length}] ${m.line}`);
        }
        next();
      });
      w.on('error', reject);
      w.on('exit', () => {
        if (--live === 0) resolve();
      });
    }
  });
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  console.log(
    `power-loss cut points: ${cutPoints} (${resumed} resumed to completion; ${rounds} rounds, ${processes} processes, ${minutes} min)`,
  );
  for (const f of failures) console.error(f);
  if (failures.length > 0) process.exitCode = 1;
}

if (process.argv.includes('--child')) void child(Number(process.argv[2]));
else void main();
