import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AdmissionError,
  analyze,
  CLEAN_SLICES_TO_PROMOTE,
  type FiberContext,
  LowerObserver,
  RealClock,
  Scheduler,
  SchedulerError,
  type SchedulerEvent,
  Tier,
  VirtualClock,
} from '../src/index.js';

function* spin(ctx: FiberContext, sliceMs: number, slices = Number.POSITIVE_INFINITY) {
  for (let i = 0; i < slices; i++) {
    ctx.spend(sliceMs);
    yield;
  }
}

describe('tiers: strict priority and round robin', () => {
  it('runs a lower tier only when every higher tier is empty, round robin inside a tier', () => {
    const order: string[] = [];
    const s = new Scheduler();
    const body = (name: string, n: number) =>
      function* (ctx: FiberContext) {
        for (let i = 0; i < n; i++) {
          order.push(name);
          ctx.spend(0.5);
          yield;
        }
      };
    s.spawn({ name: 'void', tier: Tier.Void, body: body('v', 2) });
    s.spawn({ name: 'm1', tier: Tier.Matter, body: body('m1', 2) });
    s.spawn({ name: 'm2', tier: Tier.Matter, body: body('m2', 2) });
    s.spawn({ name: 'p', tier: Tier.Photon, body: body('p', 1) });
    s.runSync(100);
    expect(order).toEqual(['p', 'm1', 'm2', 'm1', 'm2', 'v', 'v']);
  });
});

describe('strikes, demotion and the way back', () => {
  it('three overruns demote one tier, down to Void and no further', () => {
    const events: SchedulerEvent[] = [];
    const s = new Scheduler();
    s.events.subscribe((e) => events.push(e));
    s.spawn({ name: 'hog', tier: Tier.Photon, body: (ctx) => spin(ctx, 100, 12) });
    s.runSync(10_000);
    const f = s.fiber('hog');
    expect(f?.overruns).toBe(12);
    expect(f?.demotions).toBe(3);
    expect(f?.tier).toBe(Tier.Void);
    expect(events.filter((e) => e.type === 'demote').map((e) => e.detail?.tier)).toEqual([1, 2, 3]);
  });

  it('a demoted fiber that behaves earns one tier back per 64 clean slices, never above home', () => {
    const s = new Scheduler();
    // Overrun Matter's 4 ms budget 3 times, then behave (0.5 ms slices).
    s.spawn({
      name: 'reformed',
      tier: Tier.Matter,
      *body(ctx) {
        yield* spin(ctx, 5, 3);
        yield* spin(ctx, 0.5, 1000);
      },
    });
    s.runSync(3 * 5 + 0.5 * (CLEAN_SLICES_TO_PROMOTE - 1));
    expect(s.fiber('reformed')?.tier).toBe(Tier.Gravity);
    s.runSync(10_000);
    const f = s.fiber('reformed');
    expect(f?.tier).toBe(Tier.Matter);
    expect(f?.promotions).toBe(1);
    expect(f?.demotions).toBe(1);
  });

  it('clean slices forgive strikes: sporadic overruns never demote', () => {
    const s = new Scheduler();
    s.spawn({
      name: 'sporadic',
      tier: Tier.Photon,
      *body(ctx) {
        for (let i = 0; i < 200; i++) {
          ctx.spend(i % 20 === 0 ? 2 : 0.1);
          yield;
        }
      },
    });
    s.runSync(1000);
    expect(s.fiber('sporadic')?.overruns).toBe(10);
    expect(s.fiber('sporadic')?.demotions).toBe(0);
  });

  it('kernel fibers are never struck or demoted', () => {
    const s = new Scheduler();
    s.spawn({ name: 'k', tier: Tier.Photon, kernel: true, body: (ctx) => spin(ctx, 50, 10) });
    s.runSync(10_000);
    expect(s.fiber('k')?.tier).toBe(Tier.Photon);
    expect(s.fiber('k')?.overruns).toBe(0);
    expect(() => s.stop('k')).toThrow(SchedulerError);
  });
});

interface VectorSet {
  name: string;
  tasks: { id: string; C: number; T: number; D: number }[];
}
const sets: VectorSet[] = JSON.parse(
  readFileSync(new URL('./vectors/rta/tasksets.json', import.meta.url), 'utf8'),
);

describe('periodic tasks through the real scheduler', () => {
  for (const name of ['B', 'C', 'D', 'E', 'G']) {
    it(`set ${name}: unit slices reproduce the analytic response times over a hyperperiod`, () => {
      const set = sets.find((s) => s.name === name) as VectorSet;
      const s = new Scheduler();
      for (const t of set.tasks) {
        s.spawn({
          name: t.id,
          periodMs: t.T,
          budgetMs: t.C,
          *body(ctx) {
            // One time unit per slice: a release can take over at every unit boundary, which is
            // preemptive fixed-priority scheduling at integer times. The job ends with its last
            // unit (return, not yield).
            for (let i = 0; i < t.C; i++) {
              if (i > 0) yield;
              ctx.spend(1);
            }
          },
        });
      }
      const report = analyze(set.tasks.map((t) => ({ id: t.id, period: t.T, budget: t.C })));
      const h = set.tasks.map((t) => t.T).reduce((a, b) => (a * b) / gcd(a, b));
      s.runSync(h);
      for (const a of report.tasks) {
        const f = s.fiber(a.task.id);
        expect(f?.worstResponseMs).toBe(a.responseTime);
        expect(f?.deadlineMisses).toBe(0);
        expect(f?.jobs).toBe(h / a.task.period);
      }
    });
  }

  it('refuses set A at spawn with the missing task and its response time, leaving the set unchanged', () => {
    const set = sets.find((s) => s.name === 'A') as VectorSet;
    const s = new Scheduler();
    let refused: AdmissionError | null = null;
    for (const t of set.tasks) {
      try {
        s.spawn({ name: t.id, periodMs: t.T, budgetMs: t.C, body: (ctx) => ctx.spend(t.C) });
      } catch (e) {
        refused ??= e as AdmissionError;
      }
    }
    expect(refused).toBeInstanceOf(AdmissionError);
    expect(refused?.taskId).toBe('tau3');
    expect(refused?.responseTime).toBe(560);
    expect(s.fiber('tau3')).toBeUndefined();
    // Without tau3 the rest (U = 0.84) fits: tau4 and tau5 are admitted.
    expect(s.events.count('admission-refused')).toBe(1);
    expect(s.admission?.tasks.map((t) => t.task.id)).toEqual(['tau1', 'tau2', 'tau4', 'tau5']);
  });

  it('sleeps through Silence: the clock jumps to the next release, no busy loop', () => {
    const s = new Scheduler();
    s.spawn({ name: 'slow', periodMs: 100, budgetMs: 1, body: (ctx) => ctx.spend(1) });
    s.runSync(1000);
    expect(s.fiber('slow')?.jobs).toBe(10);
    expect(s.stats.decisions).toBe(10);
    expect(s.stats.silences).toBe(10);
    expect(s.stats.idleMs).toBe(990);
  });

  it('a job over its budget is struck; three overrunning jobs demote the task out of Photon', () => {
    const s = new Scheduler();
    s.spawn({ name: 'greedy', periodMs: 10, budgetMs: 2, body: (ctx) => ctx.spend(3) });
    s.runSync(30);
    const f = s.fiber('greedy');
    expect(f?.overruns).toBe(3);
    expect(f?.tier).toBe(Tier.Matter);
    s.runSync(100);
    expect(f?.jobs).toBe(10); // still runs, as best effort
    expect(f?.tier).toBe(Tier.Void);
  });

  it('bad periodic parameters are typed errors and the scheduler keeps running', () => {
    const s = new Scheduler();
    expect(() => s.spawn({ name: 'a', periodMs: 0, budgetMs: 1, body: () => {} })).toThrow(RangeError);
    expect(() => s.spawn({ name: 'b', periodMs: 10, budgetMs: 11, body: () => {} })).toThrow(RangeError);
    expect(() => s.spawn({ name: 'c', periodMs: Number.NaN, budgetMs: 1, body: () => {} })).toThrow(
      TypeError,
    );
    expect(() => s.spawn({ name: 'd', body: 42 as never })).toThrow(TypeError);
    expect(() => s.spawn({ name: 'e', tier: 7 as never, body: () => {} })).toThrow(RangeError);
    s.spawn({ name: 'ok', periodMs: 10, budgetMs: 1, body: (ctx) => ctx.spend(1) });
    s.runSync(50);
    expect(s.fiber('ok')?.jobs).toBe(5);
  });

  it('EDF policy runs set I with response times 50 and 60', () => {
    const s = new Scheduler({ policy: 'edf' });
    s.spawn({ name: 'tau1', periodMs: 100, budgetMs: 50, deadlineMs: 50, body: (ctx) => unitJob(ctx, 50) });
    s.spawn({ name: 'tau2', periodMs: 100, budgetMs: 10, body: (ctx) => unitJob(ctx, 10) });
    s.runSync(300);
    expect(s.fiber('tau1')?.worstResponseMs).toBe(50);
    expect(s.fiber('tau2')?.worstResponseMs).toBe(60);
  });
});

describe('contained failures', () => {
  it('a fiber that throws crashes alone', () => {
    const s = new Scheduler();
    s.spawn({
      name: 'bad',
      *body() {
        yield;
        throw new Error('boom');
      },
    });
    s.spawn({ name: 'good', body: (ctx) => spin(ctx, 1, 5) });
    s.runSync(100);
    expect(s.fiber('bad')?.state).toBe('crashed');
    expect(s.fiber('bad')?.lastError).toBe('Error: boom');
    expect(s.fiber('good')?.state).toBe('done');
  });

  it('a checkpoint over 32 KiB is refused and, uncaught, crashes only that fiber', () => {
    const s = new Scheduler();
    let caught: unknown = null;
    s.spawn({
      name: 'big',
      *body(ctx) {
        try {
          ctx.checkpoint(new Uint8Array(32 * 1024 + 1));
        } catch (e) {
          caught = e;
        }
        ctx.checkpoint(new Uint8Array(32 * 1024)); // exactly the limit is fine
        yield;
        ctx.checkpoint(new Uint8Array(40_000));
      },
    });
    s.runSync(10);
    expect((caught as SchedulerError).code).toBe('ECHECKPOINT_SIZE');
    expect(s.fiber('big')?.state).toBe('crashed');
    expect(s.events.count('checkpoint')).toBe(1);
    expect(s.events.count('checkpoint-refused')).toBe(2);
  });

  it('warm restart resumes from the checkpoint; garbage from restore falls back to cold', () => {
    const s = new Scheduler();
    const starts: unknown[] = [];
    s.spawn({
      name: 'counter',
      restore: (blob) => {
        const n = new DataView(blob.buffer, blob.byteOffset).getUint32(0, true);
        if (n > 1000) throw new RangeError('implausible counter');
        return n;
      },
      *body(ctx) {
        starts.push(ctx.restored);
        let n = (ctx.restored as number | null) ?? 0;
        for (;;) {
          n++;
          const blob = new Uint8Array(4);
          new DataView(blob.buffer).setUint32(0, n, true);
          ctx.checkpoint(blob);
          ctx.spend(1);
          yield;
          if (n === 5) throw new Error('crash at 5');
        }
      },
    });
    s.runSync(10);
    expect(s.fiber('counter')?.state).toBe('crashed');
    expect(s.restart('counter', 'warm')).toBe('warm');
    s.runSync(12);
    const blob = new Uint8Array(4);
    new DataView(blob.buffer).setUint32(0, 5000, true);
    s.checkpoints.save('counter', blob);
    s.stop('counter');
    expect(s.restart('counter', 'warm')).toBe('cold');
    expect(s.events.count('restore-failed')).toBe(1);
    s.runSync(13);
    expect(starts).toEqual([null, 5, null]);
  });
});

describe('async fibers and the real clock', () => {
  it('async fibers take slices with ctx.slice() and run beside generators', async () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.spawn({
      name: 'a',
      body: async (ctx) => {
        for (let i = 0; i < 3; i++) {
          order.push('a');
          ctx.spend(1);
          await ctx.slice();
        }
      },
    });
    s.spawn({
      name: 'g',
      body: (ctx) => {
        order.push('g');
        return spin(ctx, 1, 2);
      },
    });
    await s.run(100);
    expect(order.slice(0, 3)).toEqual(['a', 'g', 'a']);
    expect(s.fiber('a')?.state).toBe('done');
    expect(s.fiber('a')?.slices).toBe(4);
  });

  it('an async fiber that rejects crashes alone', async () => {
    const s = new Scheduler();
    s.spawn({
      name: 'rejects',
      body: async (ctx) => {
        await ctx.slice();
        throw new TypeError('bad');
      },
    });
    await s.run(10);
    expect(s.fiber('rejects')?.state).toBe('crashed');
  });

  it('runSync refuses async fibers and real clocks', () => {
    const s = new Scheduler();
    s.spawn({ name: 'a', body: async () => {} });
    expect(() => s.runSync(10)).toThrow(TypeError);
    expect(() => new Scheduler({ clock: new RealClock() }).runSync(10)).toThrow(TypeError);
  });

  it('on a real clock, a 20 ms periodic task sleeps between releases', async () => {
    const clock = new RealClock();
    const s = new Scheduler({ clock });
    s.spawn({ name: 'tick', periodMs: 20, budgetMs: 5, body: () => {} });
    await s.run(clock.now() + 205);
    const f = s.fiber('tick');
    expect(f?.jobs).toBeGreaterThanOrEqual(9);
    expect(f?.jobs).toBeLessThanOrEqual(11);
    // One decision per job and one sleep per gap: no busy waiting.
    expect(s.stats.decisions).toBe(f?.jobs);
    expect(s.stats.heartbeat).toBeLessThan(40);
  });
});

it('the virtual clock replays exactly', () => {
  const run = () => {
    const s = new Scheduler({ clock: new VirtualClock() });
    const trace: string[] = [];
    s.events.subscribe((e) => trace.push(`${e.timeMs}:${e.type}:${e.fiber}`));
    s.spawn({ name: 'p', periodMs: 4, budgetMs: 1, body: (ctx) => ctx.spend(1) });
    s.spawn({ name: 'hog', body: (ctx) => spin(ctx, 5, 20) });
    s.runSync(200);
    return trace.join('|');
  };
  expect(run()).toBe(run());
});

function* unitJob(ctx: FiberContext, units: number) {
  for (let i = 0; i < units; i++) {
    if (i > 0) yield;
    ctx.spend(1);
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

describe('release grid', () => {
  it('tasks spawned at different times release on one grid from the epoch; rates in Hz', () => {
    const clock = new VirtualClock();
    const s = new Scheduler({ clock });
    const releases: Record<string, number[]> = { a: [], b: [] };
    s.spawn({ name: 'a', rateHz: 250, budgetMs: 1, body: (ctx) => void releases.a.push(ctx.releaseMs) });
    s.runSync(7);
    s.spawn({ name: 'b', rateHz: 125, budgetMs: 1, body: (ctx) => void releases.b.push(ctx.releaseMs) });
    s.runSync(40);
    expect(releases.a.slice(0, 3)).toEqual([0, 4, 8]);
    expect(releases.b.slice(0, 3)).toEqual([8, 16, 24]); // spawned at 7: first release on the 8 ms grid
    expect(() => s.spawn({ name: 'c', rateHz: 0, budgetMs: 1, body: () => {} })).toThrow(RangeError);
    expect(() => s.spawn({ name: 'd', rateHz: 10, periodMs: 100, budgetMs: 1, body: () => {} })).toThrow(
      TypeError,
    );
  });
});

describe('hung async slices', () => {
  it('a hung async fiber does not wedge run(): the lower observer restarts the scheduler and the loop goes on', async () => {
    const clock = new VirtualClock();
    const s = new Scheduler({ clock });
    const lower = new LowerObserver({ clock, scheduler: () => s, phoenix: () => {}, heartbeatTimeoutMs: 5 });
    let incarnation = 0;
    s.spawn({
      name: 'stuck',
      body: async (ctx) => {
        incarnation++;
        if (incarnation === 1) await new Promise(() => {}); // hangs inside its first slice
        for (let i = 0; i < 3; i++) {
          ctx.spend(1);
          await ctx.slice();
        }
      },
    });
    s.spawn({ name: 'other', body: (ctx) => spin(ctx, 1, 5) });
    const running = s.run(100);
    await new Promise((r) => setTimeout(r, 5));
    expect(lower.check()).toBe('ok');
    clock.advance(10); // the lower layer's own time passes; the heartbeat does not move
    expect(lower.check()).toBe('restarted');
    await running;
    expect(s.fiber('stuck')?.state).toBe('done');
    expect(s.fiber('stuck')?.restarts).toBe(1);
    expect(s.fiber('other')?.state).toBe('done');
  });
});
