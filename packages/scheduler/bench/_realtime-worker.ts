// Runs a harmonic periodic set at U = 0.9 on the real clock inside a worker, sleeping with
// Atomics.wait between releases, and posts per-job start latency and response times.
import { parentPort, workerData } from 'node:worker_threads';
import { RealClock, Scheduler } from '../src/index.js';

const { durationMs, scale } = workerData as { durationMs: number; entry: string; scale: number };
const clock = new RealClock({ atomicsWait: true });
const s = new Scheduler({ clock });
const startLatencyMs: number[] = [];
const responseMs: number[] = [];
const SLICE_MS = 0.5;
for (const [name, period, fullBudget] of [
  ['imu', 10, 3],
  ['fusion', 20, 6],
  ['telemetry', 40, 12],
] as const) {
  const budget = fullBudget * scale;
  s.spawn({
    name,
    periodMs: period,
    budgetMs: budget,
    *body(ctx) {
      startLatencyMs.push(ctx.now() - ctx.releaseMs);
      // Real CPU work of 90% of the budget, in 0.5 ms slices (a release waits at most one slice).
      let left = budget * 0.9;
      while (left > 0) {
        const chunk = Math.min(SLICE_MS, left);
        const end = performance.now() + chunk;
        while (performance.now() < end) {}
        left -= chunk;
        if (left > 0) yield;
      }
      responseMs.push(ctx.now() - ctx.releaseMs);
    },
  });
}
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await s.run(clock.now() + durationMs);
const cpu = process.cpuUsage(cpuBefore);
// The main thread only waits for this worker's message, so the process's CPU time is this thread's.
const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
parentPort?.postMessage({
  startLatencyMs,
  responseMs,
  misses: s.list().reduce((a, f) => a + f.deadlineMisses, 0),
  jobs: s.list().reduce((a, f) => a + f.jobs, 0),
  silences: s.stats.silences,
  idleMs: s.stats.idleMs,
  utilization: s.admission?.utilization,
  cpuShare,
  releasesExpected: Math.floor(durationMs / 10) + Math.floor(durationMs / 20) + Math.floor(durationMs / 40),
});
