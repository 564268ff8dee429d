/**
 * A tour of @nexus/scheduler: admission, a harmonic set running, strikes and demotion, an
 * anomaly, a warm restart from a checkpoint and a corrupted checkpoint falling back to cold.
 * Run from the repository root with `npm start`.
 */
import {
  AdmissionError,
  admit,
  CHECKPOINT_PAYLOAD_OFFSET,
  CheckpointStore,
  MemoryCheckpointStorage,
  periodsFromHz,
  RealClock,
  Scheduler,
  type SchedulerEvent,
  TIER_NAMES,
  Tier,
  VirtualClock,
  Watchdog,
} from '@nexus/scheduler';

const line = (s = '') => console.log(s);
const fmt = (e: SchedulerEvent) =>
  `  t=${e.timeMs.toFixed(1).padStart(7)} ms  ${e.type.padEnd(14)} ${e.fiber ?? ''} ${e.detail ? JSON.stringify(e.detail) : ''}`;

// 1. Admission: sensor rates in Hz on one tick, exact response-time analysis.
line('1. Admission control');
const rates = periodsFromHz([1000, 500, 250, 125]);
line(
  `  sensors at 1000/500/250/125 Hz → tick ${1000 / rates.tickHz} ms, periods ${rates.periods.join(', ')} ms, hyperperiod ${rates.hyperperiodTicks} ms`,
);
const harmonic = [
  { id: 'gyro', period: 1, budget: 0.25 },
  { id: 'accel', period: 2, budget: 0.5 },
  { id: 'fusion', period: 4, budget: 1 },
  { id: 'telemetry', period: 8, budget: 2 },
];
const report = admit(harmonic);
line(
  `  harmonic set, U = ${report.utilization}: admitted by the ${report.test} test; response times ${report.tasks.map((t) => `${t.task.id}=${t.responseTime}`).join(', ')} ms`,
);
try {
  admit([
    { id: 'tau1', period: 100, budget: 40 },
    { id: 'tau2', period: 140, budget: 60 },
    { id: 'tau3', period: 500, budget: 80 },
    { id: 'tau4', period: 1000, budget: 10 },
    { id: 'tau5', period: 1000, budget: 1 },
  ]);
} catch (e) {
  if (!(e instanceof AdmissionError)) throw e;
  line(
    `  Joseph & Pandya's set (U = 0.9996) refused: ${e.taskId} would respond at ${e.responseTime} > deadline ${e.deadline}`,
  );
}

// 2. The harmonic set runs on a virtual clock, beside best-effort fibers.
line('\n2. A harmonic set at U = 1 runs for one second of virtual time');
const clock = new VirtualClock();
const storage = new MemoryCheckpointStorage();
const s = new Scheduler({ clock, checkpoints: new CheckpointStore(storage) });
const watchdog = new Watchdog(s, { baseline: { lockAfter: 200 } });
const shown = new Set([
  'demote',
  'strike',
  'anomaly',
  'crash',
  'restart-warm',
  'restart-cold',
  'checkpoint-copy-bad',
  'restore-failed',
  'deadline-miss',
]);
s.events.subscribe((e) => {
  if (shown.has(e.type)) line(fmt(e));
});
for (const t of harmonic) {
  s.spawn({
    name: t.id,
    periodMs: t.period,
    budgetMs: t.budget,
    *body(ctx) {
      // Work in 0.25 ms slices, so a release of a shorter period takes over within one slice.
      for (let left = t.budget; left > 1e-9; left -= 0.25) {
        if (left < t.budget) yield;
        ctx.spend(0.25);
      }
    },
  });
}
s.runSync(1000);
for (const t of harmonic) {
  const f = s.fiber(t.id);
  line(
    `  ${t.id.padEnd(9)} jobs ${String(f?.jobs).padStart(4)}  worst response ${f?.worstResponseMs} ms (analysis: ${report.tasks.find((a) => a.task.id === t.id)?.responseTime})  misses ${f?.deadlineMisses}`,
  );
}
line(`  the processor was never idle (U = 1): Silence ${s.stats.silences} times`);

// 3. Strikes and demotion: a best-effort fiber overruns its tier budget.
line('\n3. An overrunning fiber is struck and demoted (the periodic set now leaves 20% free)');
const s2 = new Scheduler({ clock: new VirtualClock() });
s2.events.subscribe((e) => {
  if (e.type === 'strike' || e.type === 'demote' || e.type === 'promote') line(fmt(e));
});
s2.spawn({ name: 'control', periodMs: 10, budgetMs: 8, body: (ctx) => ctx.spend(8) });
s2.spawn({
  name: 'hog',
  tier: Tier.Photon,
  *body(ctx) {
    for (let i = 0; i < 12; i++) {
      ctx.spend(2.5); // Photon's slice budget is 1 ms: every slice overruns until Gravity (16 ms)
      yield;
    }
    for (;;) {
      ctx.spend(0.2); // reformed: well inside the budget of the tier above
      yield;
    }
  },
});
s2.runSync(1500);
const hog = s2.fiber('hog');
line(
  `  hog: ${hog?.overruns} overruns, ${hog?.demotions} demotions, ${hog?.promotions} promotions, now in ${TIER_NAMES[hog?.tier ?? 0]}; control missed ${s2.fiber('control')?.deadlineMisses} deadlines`,
);

// 4. An anomaly: a fiber's slices get slower.
line('\n4. The watchdog learns a baseline and detects a change');
s.spawn({
  name: 'parser',
  tier: Tier.Gravity,
  *body(ctx) {
    for (let i = 0; ; i++) {
      ctx.spend(i < 400 ? 0.1 + 0.01 * (i % 5) : 0.6); // after 400 slices: 4× slower
      ctx.report('bytes-per-slice', i < 400 ? 4096 : 4096);
      yield;
    }
  },
});
// Make room for it: stop the telemetry task.
s.stop('telemetry');
s.runSync(1400);
const b = watchdog.baseline('parser');
line(
  `  parser baseline: mean ${b?.mean.toFixed(3)} ms, σ ${b?.stddev.toFixed(4)} ms, locked after ${b?.stats.count} slices; anomalies: ${watchdog.anomalies}`,
);

// 5. A crash and a warm restart from the checkpoint.
line('\n5. A crashed fiber is restarted warm from its checkpoint');
let crashed = false;
s.spawn({
  name: 'odometer',
  tier: Tier.Matter,
  restore: (blob) => {
    const text = new TextDecoder().decode(blob);
    const state = JSON.parse(text) as { metres: number };
    if (!Number.isFinite(state.metres)) throw new TypeError('garbage checkpoint');
    return state;
  },
  *body(ctx) {
    const state = (ctx.restored as { metres: number } | null) ?? { metres: 0 };
    line(`  odometer starts at ${state.metres} m (${ctx.restored ? 'warm, from checkpoint' : 'cold'})`);
    for (;;) {
      state.metres += 10;
      ctx.checkpoint(new TextEncoder().encode(JSON.stringify(state)));
      ctx.spend(0.05);
      yield;
      if (state.metres === 120 && !crashed) {
        crashed = true;
        throw new Error('wheel sensor fault');
      }
    }
  },
});
s.runSync(1410);

// 6. Both copies of the checkpoint corrupted: cold restart.
line('\n6. Both checkpoint copies corrupted: the restart falls back to cold');
for (const slot of [0, 1] as const) {
  const copy = storage.read('odometer', slot) as Uint8Array;
  copy[CHECKPOINT_PAYLOAD_OFFSET + 2] ^= 0x08; // one flipped bit in each copy
  storage.write('odometer', slot, copy);
}
s.stop('odometer');
const how = s.restart('odometer', 'warm');
line(`  restart asked warm, done ${how}`);
s.runSync(1411);
line(
  `  boot error buffer: ${watchdog.errorBuffer
    .records()
    .map((r) => `[${r.code}] ${r.message}`)
    .join('; ')}`,
);

// 7. The same scheduler on the real clock, sleeping between releases.
line('\n7. Real clock: 200 ms of a 5 ms periodic task, sleeping in between');
const real = new RealClock();
const rs = new Scheduler({ clock: real });
rs.spawn({ name: 'blink', periodMs: 5, budgetMs: 1, body: () => {} });
const t0 = real.now();
await rs.run(t0 + 200);
line(
  `  ${rs.fiber('blink')?.jobs} jobs, ${rs.stats.silences} sleeps (Silence), idle ${rs.stats.idleMs.toFixed(0)} of ${(real.now() - t0).toFixed(0)} ms, loop iterations ${rs.stats.heartbeat}`,
);
line(`\nevents emitted: ${s.events.emitted + s2.events.emitted + rs.events.emitted}`);
