/**
 * One seeded world of the fault-injection simulation: a scheduler on a virtual clock with its
 * watchdog and lower observer, a random mix of fibers (periodic tasks, steady workers,
 * overrunners, throwers, hangers, a kernel fiber, fibers with picky restore functions), and
 * random faults: overruns, hangs, throws, 0/1/2 corrupted checkpoint copies, a hung scheduler,
 * throttled execution units. Invariants are checked as it runs and at the end; a violation
 * names the seed, which replays the world exactly.
 */
import {
  type CheckpointStorage,
  CheckpointStore,
  type FiberContext,
  LowerObserver,
  PARANOIA_FULL,
  PARANOIA_MINIMAL,
  PARANOIA_WATCHFUL,
  Scheduler,
  SeededRandom,
  Tier,
  UnitClassifier,
  VirtualClock,
  Watchdog,
} from '../../src/index.js';

/** Storage that lets the simulation corrupt copies and knows which ones it corrupted. */
class FaultyStorage implements CheckpointStorage {
  readonly copies = new Map<string, Uint8Array>();
  readonly corrupted = new Set<string>();
  read(key: string, slot: 0 | 1): Uint8Array | null {
    return this.copies.get(`${slot}:${key}`) ?? null;
  }
  write(key: string, slot: 0 | 1, bytes: Uint8Array): void {
    this.copies.set(`${slot}:${key}`, bytes.slice());
    this.corrupted.delete(`${slot}:${key}`);
  }
  corrupt(key: string, slot: 0 | 1, rng: SeededRandom): void {
    const copy = this.copies.get(`${slot}:${key}`);
    if (!copy) return;
    copy[rng.int(copy.length)] ^= 1 << rng.int(8);
    this.corrupted.add(`${slot}:${key}`);
  }
}

/** What one seed did. */
export interface SeedResult {
  seed: number;
  violations: string[];
  slices: number;
  /** Decisions checked for strict priority. */
  decisions: number;
  crashes: number;
  restarts: number;
  schedulerRestarts: number;
  phoenix: number;
  corruptions: number;
  trace: string;
}

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};

/** Runs one seed for `horizonMs` of virtual time. */
export function runSeed(seed: number, horizonMs = 250): SeedResult {
  const rng = new SeededRandom(seed);
  const violations: string[] = [];
  const fail = (m: string) => violations.length < 10 && violations.push(m);
  const clock = new VirtualClock();
  const storage = new FaultyStorage();
  const s = new Scheduler({ clock, checkpoints: new CheckpointStore(storage), maxPendingJobs: 2 });
  const paranoia = [PARANOIA_MINIMAL, PARANOIA_WATCHFUL, PARANOIA_FULL][rng.int(3)];
  const maxRestarts = 2 + rng.int(4);
  const w = new Watchdog(s, {
    paranoia,
    baseline: { lockAfter: 50 + rng.int(100) },
    maxRestarts,
    restartPeriodMs: 200,
    breaker: { failureThreshold: 3, cooldownMs: 30 },
  });
  let phoenix = 0;
  const lower = new LowerObserver({
    clock,
    scheduler: () => s,
    phoenix: () => {
      phoenix++;
      s.restartSelf();
    },
    heartbeatTimeoutMs: 10,
    maxRestarts: 2,
    periodMs: 100,
  });
  let trace = 0x811c9dc5;
  s.events.subscribe((e) => {
    const line = `${e.seq}${e.timeMs}${e.type}${e.fiber ?? ''}`;
    for (let i = 0; i < line.length; i++) trace = Math.imul(trace ^ line.charCodeAt(i), 0x01000193);
  });

  // Model of what a restart must restore, computed when the restart event fires.
  const saved = new Map<string, number>(); // latest checkpointed value per fiber
  const picky = new Set<string>(); // fibers whose restore rejects multiples of 5
  const expected = new Map<string, number | null>();
  let lastSeq = 0;
  s.events.subscribe((e) => {
    if (e.seq !== lastSeq + 1) fail(`event seq ${e.seq} after ${lastSeq}`);
    lastSeq = e.seq;
    if ((e.type === 'restart-warm' || e.type === 'restart-cold') && e.fiber && saved.has(e.fiber)) {
      const name = e.fiber;
      const good = [0, 1].some(
        (slot) => storage.copies.has(`${slot}:${name}`) && !storage.corrupted.has(`${slot}:${name}`),
      );
      const value = saved.get(name) as number;
      const usable = good && !(picky.has(name) && value % 5 === 0);
      const want = usable ? value : null;
      if ((e.type === 'restart-warm') !== usable)
        fail(`${name}: ${e.type} but the model says ${usable ? 'warm' : 'cold'}`);
      expected.set(name, want);
    }
  });

  // Periodic tasks: a harmonic set at U ≤ 0.5 on a 1 ms grid.
  const base = [2, 4, 5][rng.int(3)];
  const nPeriodic = 1 + rng.int(3);
  for (let i = 0; i < nPeriodic; i++) {
    const period = base * 2 ** i;
    const budget = Math.max(0.1, Math.round(((0.5 / nPeriodic) * period) / 0.1) * 0.1);
    const overrunEvery = rng.int(4) === 0 ? 3 + rng.int(10) : 0;
    s.spawn({
      name: `p${i}`,
      periodMs: period,
      budgetMs: budget,
      *body(ctx) {
        const units = Math.max(1, Math.round(budget / 0.1));
        const job = Math.round(ctx.releaseMs / period);
        const extra = overrunEvery > 0 && job % overrunEvery === 0 ? 5 : 0;
        for (let u = 0; u < units + extra; u++) {
          if (u > 0) yield;
          ctx.spend(0.1);
        }
      },
    });
  }

  // Aperiodic fibers of several behaviours.
  const kinds = ['steady', 'overrunner', 'thrower', 'hanger', 'picky'] as const;
  const nFibers = 2 + rng.int(5);
  for (let i = 0; i < nFibers; i++) {
    const kind = kinds[rng.int(kinds.length)];
    const name = `${kind}${i}`;
    const tier = (1 + rng.int(3)) as Tier;
    const throwProb = kind === 'thrower' ? 0.02 : 0.001;
    const overrunProb = kind === 'overrunner' ? 0.3 : kind === 'hanger' ? 0.01 : 0;
    const checkpointEvery = 1 + rng.int(5);
    if (kind === 'picky') picky.add(name);
    const fiberRng = new SeededRandom(seed ^ (i * 0x9e3779b9));
    s.spawn({
      name,
      tier,
      restore: (blob: Uint8Array) => {
        const n = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(0, true);
        if (picky.has(name) && n % 5 === 0) return undefined; // garbage: refuse
        return n;
      },
      *body(ctx: FiberContext) {
        if (expected.has(name)) {
          const want = expected.get(name);
          if (ctx.restored !== want)
            fail(`${name}: restored ${String(ctx.restored)}, expected ${String(want)}`);
          expected.delete(name);
        }
        let n = (ctx.restored as number | null) ?? 0;
        for (let k = 0; ; k++) {
          n++;
          if (k % checkpointEvery === 0) {
            ctx.checkpoint(u32(n));
            saved.set(name, n);
          }
          const r = fiberRng.next();
          if (r < overrunProb)
            ctx.spend(
              kind === 'hanger' ? 30 + fiberRng.int(60) : s.tierBudgetsMs[tier] * (1.5 + fiberRng.next()),
            );
          else ctx.spend(0.05 + fiberRng.next() * 0.5);
          ctx.report('items', 100 + fiberRng.int(10));
          yield;
          if (fiberRng.next() < throwProb) throw new Error(`${name} failed at ${n}`);
        }
      },
    });
  }
  // A trusted kernel task: it may run long (never struck, never demoted).
  s.spawn({
    name: 'kernel',
    kernel: true,
    periodMs: 10,
    budgetMs: 0.5,
    body: (ctx) => ctx.spend(rng.next() < 0.05 ? 3 : 0.02),
  });

  // Execution units for core classification, some of which get throttled.
  const classifier = new UnitClassifier({ band: 0.1, hysteresis: 0.15, confirmations: 3 });
  const units = Array.from({ length: 2 + rng.int(5) }, (_, i) => ({
    id: `u${i}`,
    singleThreadScore: 50 + rng.int(100),
    throughputScore: 100 + rng.int(400),
    powerW: 1 + rng.int(15),
  }));
  classifier.update(units, 0);

  const quarantinedAt = new Map<string, number>();
  let decisionsChecked = 0;
  s.onDecision((f) => {
    // Strict priority: nothing ready in a higher tier (or an admitted periodic job ahead of an
    // aperiodic fiber) when a fiber is picked.
    const admittedPeriodic = f.periodic && f.tier === Tier.Photon;
    const highest = s.highestReadyTier();
    if (!admittedPeriodic && highest < f.tier)
      fail(`${f.name} (tier ${f.tier}) picked while tier ${highest} had a ready fiber`);
    decisionsChecked++;
  });
  s.onSlice((f) => {
    if (s.isQuarantined(f.name)) fail(`${f.name}: ran while quarantined`);
    if (f.tier < f.homeTier) fail(`${f.name}: tier ${f.tier} above its home ${f.homeTier}`);
    if (f.kernel && (f.tier !== f.homeTier || f.overruns > 0))
      fail(`${f.name}: kernel fiber struck or demoted`);
  });

  let corruptions = 0;
  const stepMs = 2;
  let hungSince = -1;
  let belowRuns = 0;
  for (let t = 0; t < horizonMs; t += stepMs) {
    // Faults.
    const roll = rng.next();
    if (roll < 0.01) {
      const names = [...saved.keys()];
      if (names.length > 0) {
        const name = names[rng.int(names.length)];
        const which = rng.int(3); // slot 0, slot 1, or both
        if (which !== 1) storage.corrupt(name, 0, rng);
        if (which !== 0) storage.corrupt(name, 1, rng);
        corruptions++;
      }
    } else if (roll < 0.015 && !s.hung) {
      s.hung = true;
      hungSince = clock.now();
    } else if (roll < 0.02) {
      const u = units[rng.int(units.length)];
      u.singleThreadScore *= 0.5 + rng.next() * 0.4; // thermal throttling
    } else if (roll < 0.022 && !quarantinedAt.size) {
      const candidates = s.list().filter((f) => !f.kernel);
      const victim = candidates[rng.int(candidates.length)];
      lower.quarantine(victim.name, 'simulated memory fault');
      quarantinedAt.set(victim.name, victim.slices);
    }
    try {
      s.runSync(t + stepMs);
    } catch (e) {
      fail(`scheduler threw: ${(e as Error).message}`);
      lower.panic(e);
    }
    if (s.hung) clock.advance(Math.max(0, t + stepMs - clock.now()));
    const verdict = lower.check();
    w.poll();
    if (hungSince >= 0 && !s.hung) hungSince = -1;
    if (hungSince >= 0 && clock.now() - hungSince > 10 + 2 * stepMs)
      fail(`scheduler hung since ${hungSince}, verdict ${verdict}`);
    if (t % 20 === 0) {
      const placement = classifier.update(units, clock.now());
      const fastest = Math.max(...units.map((u) => u.singleThreadScore));
      const chosen = units.find((u) => u.id === placement.photon);
      if (!chosen || !placement.classes.sprint.includes(chosen.id))
        fail(`photon placed on ${placement.photon}, not a Sprint unit`);
      // Hysteresis keeps Photon on a unit below the exit line (band + hysteresis = 25% under the
      // fastest) for fewer than 3 consecutive measurements, never longer.
      else if (chosen.singleThreadScore < fastest * (1 - 0.1 - 0.15) - 1e-9) {
        if (++belowRuns >= 3) fail(`photon stayed on throttled ${chosen.id} for ${belowRuns} measurements`);
      } else belowRuns = 0;
    }
  }
  // End-of-run invariants.
  for (const f of s.list()) {
    if (f.strikes >= 3) fail(`${f.name}: ${f.strikes} strikes without demotion`);
    if (f.tier - f.homeTier !== f.demotions - f.promotions)
      fail(`${f.name}: tier ${f.tier} != home + demotions − promotions`);
    const q = quarantinedAt.get(f.name);
    if (q !== undefined && f.slices !== q) fail(`${f.name}: ran after quarantine`);
  }
  if (w.errorBuffer.records().length > w.errorBuffer.capacity) fail('error buffer over capacity');
  if (s.events.sinkFailures > 0) fail(`${s.events.sinkFailures} sink failures`);
  return {
    seed,
    violations,
    slices: s.list().reduce((a, f) => a + f.slices, 0),
    decisions: decisionsChecked,
    crashes: s.events.count('crash'),
    restarts: s.events.count('restart-warm') + s.events.count('restart-cold'),
    schedulerRestarts: lower.schedulerRestarts,
    phoenix,
    corruptions,
    trace: (trace >>> 0).toString(16),
  };
}
