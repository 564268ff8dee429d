// The worked examples of DESIGN.md, one test each, in the order of the document.
import { describe, expect, it } from 'vitest';
import {
  analyze,
  Baseline,
  CHECKPOINT_PAYLOAD_OFFSET,
  CheckpointStore,
  CLEAN_SLICES_TO_PROMOTE,
  MemoryCheckpointStorage,
  RestartIntensity,
  responseTime,
  Scheduler,
  Tier,
  UnitClassifier,
  VirtualClock,
  Watchdog,
  Welford,
} from '../src/index.js';

const task = (id: string, budget: number, period: number, deadline = period) => ({
  id,
  budget,
  period,
  deadline,
});

describe('DESIGN.md worked examples', () => {
  it('Example 1: the recurrence for tau3 of set B converges to 20 in five steps', () => {
    const hp = [task('tau1', 3, 7), task('tau2', 3, 12)];
    // R: 5 → 11 → 14 → 17 → 20 → 20
    const trace: number[] = [5];
    let r = 5;
    for (;;) {
      const next = 5 + Math.ceil(r / 7) * 3 + Math.ceil(r / 12) * 3;
      trace.push(next);
      if (next === r) break;
      r = next;
    }
    expect(trace).toEqual([5, 11, 14, 17, 20, 20]);
    expect(responseTime(task('tau3', 5, 20), hp)).toEqual({ value: 20, converged: true, iterations: 5 });
  });

  it('Example 2: set A is refused at tau3, whose recurrence settles at 560 > 500', () => {
    const r = analyze([
      task('tau1', 40, 100),
      task('tau2', 60, 140),
      task('tau3', 80, 500),
      task('tau4', 10, 1000),
      task('tau5', 1, 1000),
    ]);
    expect(r.miss?.task.id).toBe('tau3');
    expect(r.miss?.responseTime).toBe(560);
    // 80 → 180 → 280 → 320 → 420 → 460 → 520 → 560 → 560
    expect(
      responseTime(task('tau3', 80, 500), [task('tau1', 40, 100), task('tau2', 60, 140)]).iterations,
    ).toBe(8);
  });

  it('Example 3: blocking: one 1 ms non-preemptible slice makes set D (U = 1) miss at c', () => {
    const d = [task('a', 1, 2), task('b', 1, 4), task('c', 2, 8)];
    expect(analyze(d).tasks.map((t) => t.responseTime)).toEqual([1, 2, 8]);
    const blocked = analyze(d, { blocking: 1 });
    // a: 1 + 1 = 2; b: 2 → 3 → 4; c: 3 → 6 → 8 → 9 → 11 → 12 → 12 > 8
    expect(blocked.tasks.map((t) => t.responseTime)).toEqual([2, 4, 12]);
    expect(blocked.miss?.task.id).toBe('c');
  });

  it('Example 4: strikes, demotion and the way back', () => {
    const s = new Scheduler({ clock: new VirtualClock() });
    s.spawn({
      name: 'f',
      tier: Tier.Photon,
      *body(ctx) {
        for (let i = 0; i < 3; i++) {
          ctx.spend(2); // over Photon's 1 ms: strike, strike, strike → Matter
          yield;
        }
        for (;;) {
          ctx.spend(0.5); // within Photon's budget again
          yield;
        }
      },
    });
    s.runSync(6);
    expect(s.fiber('f')?.tier).toBe(Tier.Matter);
    s.runSync(6 + 0.5 * CLEAN_SLICES_TO_PROMOTE);
    expect(s.fiber('f')?.tier).toBe(Tier.Photon);
    expect(s.fiber('f')?.promotions).toBe(1);
  });

  it('Example 5: detection: k = 3 consecutive hits over 3σ', () => {
    const b = new Baseline({ lockAfter: 4 });
    for (const x of [9, 11, 9, 11]) b.observe(x); // mean 10, σ = 1.1547
    expect([10, 14, 14, 10, 14, 14, 14].map((x) => b.observe(x))).toEqual([
      'normal',
      'hit',
      'hit',
      'normal',
      'hit',
      'hit',
      'anomaly',
    ]);
  });

  it('Example 6: restart flow: warm, then cold when both copies are bad, then escalation', () => {
    const storage = new MemoryCheckpointStorage();
    const escalations: string[] = [];
    const s = new Scheduler({ clock: new VirtualClock(), checkpoints: new CheckpointStore(storage) });
    new Watchdog(s, {
      maxRestarts: 2,
      restartPeriodMs: 1000,
      breaker: { failureThreshold: 100 },
      escalate: (f) => escalations.push(f),
    });
    const starts: unknown[] = [];
    s.spawn({
      name: 'f',
      restore: (blob) => blob[0],
      *body(ctx) {
        starts.push(ctx.restored);
        ctx.checkpoint(new Uint8Array([starts.length]));
        if (starts.length === 2) {
          for (const slot of [0, 1] as const) {
            const copy = storage.read('f', slot) as Uint8Array;
            copy[CHECKPOINT_PAYLOAD_OFFSET] ^= 0xff;
            storage.write('f', slot, copy);
          }
        }
        ctx.spend(1);
        yield;
        throw new Error('fault');
      },
    });
    s.runSync(100);
    expect(starts).toEqual([null, 1, null]);
    expect(escalations).toEqual(['f']);
    expect(new RestartIntensity(2, 1000).maxRestarts).toBe(2);
  });

  it('Example 7: NumAcc4: the naive formula loses every digit, the shifted Welford keeps 8.25', () => {
    const xs = [10000000.2];
    for (let i = 0; i < 500; i++) xs.push(10000000.1, 10000000.3);
    const w = new Welford();
    for (const x of xs) w.push(x);
    expect(-Math.log10(Math.abs(w.stddev() - 0.1) / 0.1)).toBeGreaterThan(8.2);
  });

  it('Example 8: a throttled Sprint unit loses Photon after three confirmations', () => {
    const c = new UnitClassifier({ band: 0.1, hysteresis: 0.1, confirmations: 3 });
    const units = [
      { id: 'big0', singleThreadScore: 100, throughputScore: 100 },
      { id: 'big1', singleThreadScore: 95, throughputScore: 100 },
    ];
    expect(c.update(units, 0).photon).toBe('big0');
    units[0].singleThreadScore = 70;
    expect([1, 2, 3].map((t) => c.update(units, t).photon)).toEqual(['big0', 'big0', 'big1']);
  });
});
