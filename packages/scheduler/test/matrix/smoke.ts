import {
  AdmissionError,
  admit,
  CHECKPOINT_PAYLOAD_OFFSET,
  CheckpointStore,
  MemoryCheckpointStorage,
  RealClock,
  Scheduler,
  Tier,
  VirtualClock,
  Watchdog,
  Welford,
  WorkerFiber,
  webWorker,
} from '@nexus/scheduler';
import type { SmokeContext, SmokeSuite } from '../../../../tools/matrix/smoke.js';

function check(condition: unknown, message: string): void {
  if (!condition) throw new Error(message);
}

export const smoke: SmokeSuite = {
  'response-time vectors: set B exact, set A refused at tau3 (560)': () => {
    const b = admit([
      { id: 'tau1', period: 7, budget: 3 },
      { id: 'tau2', period: 12, budget: 3 },
      { id: 'tau3', period: 20, budget: 5 },
    ]);
    check(
      b.tasks.map((t) => t.responseTime).join() === '3,6,20',
      `set B: ${b.tasks.map((t) => t.responseTime)}`,
    );
    try {
      admit([
        { id: 'tau1', period: 100, budget: 40 },
        { id: 'tau2', period: 140, budget: 60 },
        { id: 'tau3', period: 500, budget: 80 },
        { id: 'tau4', period: 1000, budget: 10 },
        { id: 'tau5', period: 1000, budget: 1 },
      ]);
      throw new Error('set A admitted');
    } catch (e) {
      check(
        e instanceof AdmissionError && e.taskId === 'tau3' && e.responseTime === 560,
        `set A: ${String(e)}`,
      );
    }
  },
  'harmonic set runs at its analytic response times; an overrunner is demoted': () => {
    const s = new Scheduler({ clock: new VirtualClock() });
    for (const [id, period, budget] of [
      ['a', 2, 1],
      ['b', 4, 1],
      ['c', 8, 2],
    ] as const) {
      s.spawn({
        name: id,
        periodMs: period,
        budgetMs: budget,
        *body(ctx) {
          for (let i = 0; i < budget; i++) {
            if (i > 0) yield;
            ctx.spend(1);
          }
        },
      });
    }
    s.spawn({
      name: 'hog',
      tier: Tier.Void,
      *body(ctx) {
        for (;;) {
          ctx.spend(100);
          yield;
        }
      },
    });
    s.runSync(64);
    check(
      ['a:1', 'b:2', 'c:8'].join() ===
        ['a', 'b', 'c'].map((n) => `${n}:${s.fiber(n)?.worstResponseMs}`).join(),
      'response times',
    );
    const s2 = new Scheduler({ clock: new VirtualClock() });
    s2.spawn({
      name: 'hog',
      tier: Tier.Photon,
      *body(ctx) {
        for (let i = 0; i < 3; i++) {
          ctx.spend(5);
          yield;
        }
      },
    });
    s2.runSync(100);
    check(s2.fiber('hog')?.tier === Tier.Matter, `hog tier ${s2.fiber('hog')?.tier}`);
  },
  'warm restart from a BLAKE3-verified checkpoint; two bad copies fall back to cold': () => {
    const storage = new MemoryCheckpointStorage();
    const s = new Scheduler({ clock: new VirtualClock(), checkpoints: new CheckpointStore(storage) });
    new Watchdog(s);
    const starts: unknown[] = [];
    s.spawn({
      name: 'c',
      restore: (blob) => blob[0],
      *body(ctx) {
        starts.push(ctx.restored);
        ctx.checkpoint(new Uint8Array([42]));
        ctx.spend(1);
        yield;
        if (starts.length === 1) throw new Error('crash');
      },
    });
    s.runSync(10);
    check(starts.join() === ',42', `starts ${starts}`);
    for (const slot of [0, 1] as const) {
      const copy = storage.read('c', slot) as Uint8Array;
      copy[CHECKPOINT_PAYLOAD_OFFSET] ^= 1;
      storage.write('c', slot, copy);
    }
    check(s.restart('c', 'warm') === 'cold', 'both copies bad must restart cold');
  },
  'Welford on NumAcc4 keeps 8 digits': () => {
    const w = new Welford();
    w.push(10000000.2);
    for (let i = 0; i < 500; i++) {
      w.push(10000000.1);
      w.push(10000000.3);
    }
    const lre = -Math.log10(Math.abs(w.stddev() - 0.1) / 0.1);
    check(lre >= 8.2, `NumAcc4 LRE ${lre}`);
  },
  'real clock sleeps between releases': async () => {
    const clock = new RealClock();
    const s = new Scheduler({ clock });
    s.spawn({ name: 'tick', periodMs: 10, budgetMs: 2, body: () => {} });
    await s.run(clock.now() + 60);
    const jobs = s.fiber('tick')?.jobs ?? 0;
    check(jobs >= 4 && jobs <= 7, `jobs ${jobs}`);
    check(s.stats.silences >= jobs - 1, `silences ${s.stats.silences}`);
  },
  'worker-backed fiber: a hung worker is terminated and restarted warm': async (ctx: SmokeContext) => {
    if (typeof (globalThis as { Worker?: unknown }).Worker !== 'function') return; // Node: covered by the ./node tests
    const clock = new RealClock();
    const fiber = new WorkerFiber({
      name: 'w',
      clock,
      hangMs: 150,
      spawn: webWorker(ctx.url('fiber-worker.js')),
    });
    fiber.start();
    const deadline = clock.now() + 4000;
    while (fiber.state === 'running' && clock.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      fiber.check();
    }
    fiber.stop();
    check(fiber.state === 'done', `state ${fiber.state}, hangs ${fiber.hangs}, restarts ${fiber.restarts}`);
    check(fiber.hangs === 1 && fiber.restarts === 1, `hangs ${fiber.hangs}, restarts ${fiber.restarts}`);
  },
};
