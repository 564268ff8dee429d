/**
 * Seeded worlds with async fibers, driven through `await scheduler.run()`: async fibers that
 * take slices with `await ctx.slice()`, checkpoint, throw, and sometimes hang inside a slice
 * (await a promise that never settles), beside generator fibers. A hang wedges `run()`; the
 * driver lets the lower observer's own time pass, the observer restarts the scheduler, and the
 * loop must come free. Invariants: no run() stays wedged past the observer's timeout, strict
 * priority at every decision, restored values equal the last checkpoint, ordered events.
 */
import { LowerObserver, Scheduler, SeededRandom, Tier, VirtualClock, Watchdog } from '../../src/index.js';

/** What one async seed did. */
export interface AsyncSeedResult {
  violations: string[];
  hangs: number;
  schedulerRestarts: number;
  slices: number;
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs one seed. */
export async function runAsyncSeed(seed: number, horizonMs = 100): Promise<AsyncSeedResult> {
  const rng = new SeededRandom(seed);
  const violations: string[] = [];
  const fail = (m: string) => violations.length < 10 && violations.push(m);
  const clock = new VirtualClock();
  const s = new Scheduler({ clock });
  new Watchdog(s, { maxRestarts: 50, breaker: { failureThreshold: 1000 } });
  const lower = new LowerObserver({
    clock,
    scheduler: () => s,
    phoenix: () => s.restartSelf(),
    heartbeatTimeoutMs: 5,
    maxRestarts: 1000,
  });
  let lastSeq = 0;
  s.events.subscribe((e) => {
    if (e.seq !== lastSeq + 1) fail(`event seq ${e.seq} after ${lastSeq}`);
    lastSeq = e.seq;
  });
  s.onDecision((f) => {
    const highest = s.highestReadyTier();
    if (!(f.periodic && f.tier === Tier.Photon) && highest < f.tier)
      fail(`${f.name} (tier ${f.tier}) picked while tier ${highest} was ready`);
  });
  const saved = new Map<string, number>();
  let hangs = 0;
  const nAsync = 1 + rng.int(4);
  for (let i = 0; i < nAsync; i++) {
    const name = `a${i}`;
    const tier = (1 + rng.int(3)) as Tier;
    const fr = new SeededRandom(seed * 31 + i);
    s.spawn({
      name,
      tier,
      restore: (blob) => blob[0] | (blob[1] << 8),
      body: async (ctx) => {
        const restored = ctx.restored as number | null;
        if (restored !== null && restored !== saved.get(name))
          fail(`${name}: restored ${restored}, last saved ${saved.get(name)}`);
        let n = restored ?? 0;
        for (;;) {
          n = (n + 1) & 0xffff;
          ctx.checkpoint(new Uint8Array([n & 0xff, n >> 8]));
          saved.set(name, n);
          ctx.spend(0.05 + fr.next() * 0.4);
          const r = fr.next();
          if (r < 0.01) throw new Error(`${name} failed`);
          if (r < 0.015) {
            hangs++;
            await new Promise(() => {}); // hangs inside the slice
          }
          await ctx.slice();
        }
      },
    });
  }
  s.spawn({
    name: 'gen',
    tier: Tier.Gravity,
    *body(ctx) {
      for (;;) {
        ctx.spend(0.3);
        yield;
      }
    },
  });
  s.spawn({ name: 'tick', periodMs: 5, budgetMs: 1, body: (ctx) => ctx.spend(0.2) });

  const stepMs = 5;
  for (let t = 0; t < horizonMs; t += stepMs) {
    let done = false;
    const running = s.run(t + stepMs).then(
      () => {
        done = true;
      },
      (e: unknown) => {
        done = true;
        fail(`run() threw: ${String(e)}`);
      },
    );
    for (let spins = 0; !done; spins++) {
      await macrotask();
      if (done) break;
      // Wedged: the lower layer's time passes; the observer must free the loop within its timeout.
      clock.advance(1);
      lower.check();
      if (spins > 50) {
        // Abandon the seed: the loop is wedged for good (the promise never settles).
        fail(`run() wedged at t=${clock.now()}`);
        return { violations, hangs, schedulerRestarts: lower.schedulerRestarts, slices: 0 };
      }
    }
    await running;
  }
  return {
    violations,
    hangs,
    schedulerRestarts: lower.schedulerRestarts,
    slices: s.list().reduce((a, f) => a + f.slices, 0),
  };
}
