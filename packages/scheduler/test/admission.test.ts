import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AdmissionError,
  admit,
  analyze,
  checkTask,
  hyperperiod,
  isHarmonic,
  periodsFromHz,
  SeededRandom,
  simulate,
} from '../src/index.js';

interface VectorTask {
  id: string;
  C: number;
  T: number;
  D: number;
}
interface VectorSet {
  name: string;
  tasks: VectorTask[];
  expected: { task: string; R: number | string; rtaIterationValue?: number }[];
  schedulable: boolean;
  hyperperiod?: number;
}
const sets: VectorSet[] = JSON.parse(
  readFileSync(new URL('./vectors/rta/tasksets.json', import.meta.url), 'utf8'),
);
const params = (s: VectorSet) => s.tasks.map((t) => ({ id: t.id, period: t.T, budget: t.C, deadline: t.D }));

describe('response-time vectors (sets A–H, fixed priority)', () => {
  for (const set of sets.filter((s) => 'ABCDEFGH'.includes(s.name))) {
    it(`set ${set.name} gives exactly the published response times`, () => {
      const report = analyze(params(set), { policy: 'fixed' });
      const byId = new Map(report.tasks.map((t) => [t.task.id, t]));
      for (const e of set.expected) {
        const got = byId.get(e.task);
        expect(got).toBeDefined();
        if (typeof e.R === 'number') {
          expect(got?.responseTime).toBe(e.R);
          expect(got?.schedulable).toBe(true);
        } else {
          expect(got?.responseTime).toBe(e.rtaIterationValue);
          expect(got?.schedulable).toBe(false);
        }
      }
      expect(report.schedulable).toBe(set.schedulable);
      // Rate monotonic gives the same order as the listing for these sets.
      expect(analyze(params(set)).tasks.map((t) => t.responseTime)).toEqual(
        report.tasks.map((t) => t.responseTime),
      );
    });
  }

  it('set A (U = 0.9996) is refused naming tau3 and its response time 560', () => {
    const set = sets.find((s) => s.name === 'A') as VectorSet;
    let error: unknown;
    try {
      admit(params(set));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AdmissionError);
    const a = error as AdmissionError;
    expect(a.code).toBe('EADMISSION');
    expect(a.taskId).toBe('tau3');
    expect(a.responseTime).toBe(560);
    expect(a.deadline).toBe(500);
  });

  it('sets D and E are recognised as harmonic; D is admitted at U = 1', () => {
    const d = admit(params(sets.find((s) => s.name === 'D') as VectorSet));
    expect(d.harmonic).toBe(true);
    expect(d.test).toBe('harmonic');
    expect(d.utilization).toBe(1);
    expect(analyze(params(sets.find((s) => s.name === 'E') as VectorSet)).harmonic).toBe(true);
    expect(analyze(params(sets.find((s) => s.name === 'B') as VectorSet)).harmonic).toBe(false);
  });

  it('the simulator from the critical instant reproduces every vector set over its hyperperiod', () => {
    for (const set of sets.filter((s) => 'ABCDEFGH'.includes(s.name))) {
      const report = analyze(params(set), { policy: 'fixed' });
      const sim = simulate(
        report.tasks.map((t) => t.task),
        hyperperiod(set.tasks.map((t) => t.T)),
      );
      for (let i = 0; i < sim.length; i++) {
        const a = report.tasks[i];
        if (a.schedulable) expect(sim[i].worstResponse).toBe(a.responseTime);
        else expect(sim[i].firstResponse).toBe(a.responseTime);
      }
    }
  });
});

describe('EDF (set I)', () => {
  const set = sets.find((s) => s.name === 'I') as VectorSet;
  it('is admitted by the processor-demand criterion although density is 1.1', () => {
    const report = admit(params(set), { policy: 'edf' });
    expect(report.test).toBe('edf-demand');
    expect(report.utilization).toBeCloseTo(0.6, 12);
  });
  it('EDF simulation gives the published response times 50 and 60', () => {
    const sim = simulate(
      params(set).map((p) => checkTask(p)),
      300,
      'edf',
    );
    expect(sim.map((s) => s.worstResponse)).toEqual([50, 60]);
  });
  it('over-utilised and demand-violating sets are refused', () => {
    expect(() =>
      admit(
        [
          { id: 'a', period: 4, budget: 3 },
          { id: 'b', period: 8, budget: 3 },
        ],
        { policy: 'edf' },
      ),
    ).toThrow(AdmissionError);
    // U = 0.75 but both deadlines at 2 need 3 units by t = 2.
    expect(() =>
      admit(
        [
          { id: 'a', period: 8, budget: 2, deadline: 2 },
          { id: 'b', period: 8, budget: 1, deadline: 2 },
          { id: 'c', period: 4, budget: 1 },
        ],
        { policy: 'edf' },
      ),
    ).toThrow(AdmissionError);
    expect(
      admit(
        [
          { id: 'a', period: 4, budget: 2 },
          { id: 'b', period: 6, budget: 3 },
        ],
        { policy: 'edf' },
      ).schedulable,
    ).toBe(true);
  });
});

describe('bad task parameters are typed errors', () => {
  const cases: [string, object, typeof RangeError | typeof TypeError][] = [
    ['zero period', { id: 'x', period: 0, budget: 1 }, RangeError],
    ['negative period', { id: 'x', period: -5, budget: 1 }, RangeError],
    ['NaN budget', { id: 'x', period: 5, budget: Number.NaN }, TypeError],
    ['infinite period', { id: 'x', period: Number.POSITIVE_INFINITY, budget: 1 }, RangeError],
    ['budget above period', { id: 'x', period: 5, budget: 6 }, RangeError],
    ['deadline above period', { id: 'x', period: 5, budget: 1, deadline: 6 }, RangeError],
    ['string period', { id: 'x', period: '5', budget: 1 }, TypeError],
    ['empty id', { id: '', period: 5, budget: 1 }, TypeError],
  ];
  for (const [name, p, type] of cases) {
    it(name, () => {
      expect(() => admit([p as never])).toThrow(type);
    });
  }
  it('duplicate ids', () => {
    expect(() =>
      admit([
        { id: 'x', period: 5, budget: 1 },
        { id: 'x', period: 6, budget: 1 },
      ]),
    ).toThrow(RangeError);
  });
});

describe('rates and hyperperiods', () => {
  it('aligns sensor rates in Hz on one tick', () => {
    expect(periodsFromHz([1000, 500, 100])).toEqual({
      tickHz: 1000,
      periods: [1, 2, 10],
      hyperperiodTicks: 10,
    });
    expect(periodsFromHz([100, 30])).toEqual({ tickHz: 300, periods: [3, 10], hyperperiodTicks: 30 });
    expect(hyperperiod([2.5, 10, 4])).toBe(20);
    expect(isHarmonic([1, 2, 2, 8, 64])).toBe(true);
  });
});

/** Periods drawn from the divisors of 3600 keep every hyperperiod at most 3600. */
const PERIODS = [
  2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24, 25, 30, 36, 40, 45, 48, 50, 60, 72, 75, 80, 90, 100, 120,
  144, 150, 180, 200, 240, 300, 360, 400, 450, 600, 720, 900, 1200, 1800, 3600,
];

export function randomTaskSet(
  rng: SeededRandom,
): { id: string; period: number; budget: number; deadline: number }[] {
  const n = 2 + rng.int(6);
  const target = 0.4 + rng.next() * 0.65; // total utilisation 0.4..1.05
  // UUniFast (Bini & Buttazzo 2005) for the per-task utilisations.
  const us: number[] = [];
  let sum = target;
  for (let i = 1; i < n; i++) {
    const next = sum * rng.next() ** (1 / (n - i));
    us.push(sum - next);
    sum = next;
  }
  us.push(sum);
  return us.map((u, i) => {
    const period = PERIODS[rng.int(PERIODS.length)];
    const budget = Math.max(1, Math.min(period, Math.round(u * period)));
    const constrained = rng.int(3) === 0;
    const deadline = constrained ? budget + rng.int(period - budget + 1) : period;
    return { id: `t${i}`, period, budget, deadline };
  });
}

describe('random task sets: simulation from the critical instant equals RTA', () => {
  it('10,000 seeded sets, every task', () => {
    const base = 0x5eed0000;
    let count = 0;
    let unschedulable = 0;
    let tasksChecked = 0;
    for (let seed = base; seed < base + 10_000; seed++) {
      const rng = new SeededRandom(seed);
      const set = randomTaskSet(rng);
      const report = analyze(set);
      const ordered = report.tasks.map((t) => t.task);
      const sim = simulate(ordered, hyperperiod(ordered.map((t) => t.period)));
      for (let i = 0; i < sim.length; i++) {
        const a = report.tasks[i];
        // Schedulable tasks: the worst job over the hyperperiod is the critical-instant job and
        // equals R. Missing tasks: the first job finishes exactly at the recurrence's fixed point.
        const observed = a.schedulable ? sim[i].worstResponse : sim[i].firstResponse;
        if (a.converged && observed !== a.responseTime)
          throw new Error(
            `replay seed ${seed}: task ${a.task.id} simulated ${observed}, analysed ${a.responseTime}`,
          );
        if (a.schedulable !== (sim[i].misses === 0) && a.converged)
          throw new Error(
            `replay seed ${seed}: task ${a.task.id} schedulable=${a.schedulable} but ${sim[i].misses} misses`,
          );
        if (!a.converged && sim[i].misses === 0)
          throw new Error(`replay seed ${seed}: diverging task ${a.task.id} never missed`);
        tasksChecked++;
      }
      if (!report.schedulable) unschedulable++;
      count++;
    }
    console.log(`random task sets: ${count} (${tasksChecked} tasks, ${unschedulable} sets refused)`);
    expect(count).toBe(10_000);
    expect(unschedulable).toBeGreaterThan(500);
    expect(unschedulable).toBeLessThan(9500);
  });
});

describe('random task sets under EDF: the demand test agrees with simulation', () => {
  it('10,000 seeded sets: admitted iff the synchronous EDF schedule misses nothing', () => {
    let admitted = 0;
    for (let seed = 0; seed < 10_000; seed++) {
      const set = randomTaskSet(new SeededRandom(0xedf0000 + seed));
      const report = analyze(set, { policy: 'edf' });
      const sim = simulate(
        set.map((t) => ({ ...t })),
        hyperperiod(set.map((t) => t.period)),
        'edf',
      );
      const misses = sim.reduce((a, t) => a + t.misses, 0);
      // Synchronous release is the worst case for EDF (Baruah, Rosier & Howell 1990).
      if (report.schedulable !== (misses === 0))
        throw new Error(
          `replay seed ${0xedf0000 + seed}: demand test says ${report.schedulable}, simulation ${misses} misses`,
        );
      if (report.schedulable) admitted++;
    }
    console.log(`random EDF task sets: 10000 (${admitted} admitted)`);
    expect(admitted).toBeGreaterThan(1000);
    expect(admitted).toBeLessThan(9900);
  });
});
