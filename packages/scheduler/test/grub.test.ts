import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GrubAccounting } from '../src/index.js';

interface SetJ {
  expected: {
    T1: { remainingRuntimeAtBlock: number; zeroLagTime: number; wakesAt: number };
    T2: {
      startsAt: number;
      budgetDepletionRate: { from: number; to: number; rate: number }[];
      budgetExhaustedAt: number;
    };
    running_bw: { from: number; to?: number; value: number }[];
  };
}
const sets = JSON.parse(readFileSync(new URL('./vectors/rta/tasksets.json', import.meta.url), 'utf8')) as ({
  name: string;
} & SetJ)[];
const j = sets.find((s) => s.name === 'J') as SetJ;

describe('GRUB reclaiming: the sched-deadline.rst walk-through (vector set J)', () => {
  it('reproduces every accounting fact of the walk-through', () => {
    const g = new GrubAccounting([
      { id: 'T1', runtime: 4, period: 8 },
      { id: 'T2', runtime: 4, period: 8 },
    ]);
    g.wake('T1', 0);
    g.wake('T2', 0);
    expect(g.runningBw).toBe(1);
    expect(g.depletionRate('T1')).toBe(1);
    g.run('T1', 2);
    expect(g.remaining('T1')).toBe(j.expected.T1.remainingRuntimeAtBlock);
    g.block('T1');
    expect(g.state('T1')).toBe('active-noncontending');
    expect(g.zeroLagTime('T1')).toBe(j.expected.T1.zeroLagTime);
    // T2 runs from 2: rate 1 until T1's 0-lag time, then 0.5.
    expect(g.depletionRate('T2')).toBe(j.expected.T2.budgetDepletionRate[0].rate);
    g.run('T2', 4);
    expect(g.state('T1')).toBe('inactive');
    expect(g.runningBw).toBe(j.expected.running_bw[1].value);
    expect(g.depletionRate('T2')).toBe(j.expected.T2.budgetDepletionRate[1].rate);
    expect(g.remaining('T2')).toBe(2);
    const stopped = g.run('T2', 100);
    expect(stopped).toBe(j.expected.T2.budgetExhaustedAt);
    expect(g.remaining('T2')).toBe(0);
    g.wake('T1', j.expected.T1.wakesAt);
    expect(g.state('T1')).toBe('active-contending');
    expect(g.runningBw).toBe(j.expected.running_bw[2].value);
  });

  it('without reclaiming (Uextra = Umax) the budget depletes at the server bandwidth; overload is refused', () => {
    const g = new GrubAccounting([{ id: 'A', runtime: 2, period: 8 }], { uextra: 1 });
    g.wake('A', 0);
    expect(g.depletionRate('A')).toBe(0.25);
    expect(
      () =>
        new GrubAccounting([
          { id: 'A', runtime: 6, period: 8 },
          { id: 'B', runtime: 4, period: 8 },
        ]),
    ).toThrow(RangeError);
    expect(() => new GrubAccounting([{ id: 'A', runtime: 9, period: 8 }])).toThrow(RangeError);
  });
});
