import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkModel, DratWriter, luby, parseDimacs, Solver, writeDimacs } from '../src/sat/index.js';
import { checkDrat } from './_drat-check.js';

/** Exhaustive reference for tiny formulas. */
function bruteForce(vars: number, clauses: number[][]): boolean {
  for (let m = 0; m < 1 << vars; m++) {
    if (clauses.every((c) => c.some((x) => ((m >> (Math.abs(x) - 1)) & 1) === (x > 0 ? 1 : 0)))) return true;
  }
  return false;
}

const clauseArb = (vars: number) =>
  fc.array(
    fc.integer({ min: 1, max: vars }).chain((v) => fc.constantFrom(v, -v)),
    { minLength: 1, maxLength: 4 },
  );

describe('Solver', () => {
  it('answers tiny formulas like exhaustive search, with checked models and proofs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(), { maxLength: 40 }), (vars, seeds) => {
        const clauses = seeds.map((s, i) => {
          const len = 1 + ((s >> 3) % 3);
          return Array.from({ length: len }, (_, k) => {
            const v = 1 + ((s * 7 + k * 13 + i) % vars);
            return (s >> k) & 1 ? v : -v;
          });
        });
        const proof = new DratWriter();
        const s = new Solver({ proof });
        for (const c of clauses) s.addClause(c);
        const r = s.solve();
        expect(r).toBe(bruteForce(vars, clauses) ? 'sat' : 'unsat');
        const text = writeDimacs(vars, clauses);
        if (r === 'sat') expect(checkModel(parseDimacs(text), s.modelLiterals())).toBe(-1);
        else expect(checkDrat(text, proof.text()).valid).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('solves under assumptions and returns a failing subset of them', () => {
    fc.assert(
      fc.property(
        fc.array(clauseArb(6), { maxLength: 20 }),
        fc.array(fc.integer({ min: -6, max: 6 })),
        (clauses, raw) => {
          const assumptions = raw.filter((x) => x !== 0);
          const s = new Solver();
          for (const c of clauses) s.addClause(c);
          const r = s.solve({ assumptions });
          const withUnits = [...clauses, ...assumptions.map((a) => [a])];
          expect(r).toBe(bruteForce(6, withUnits) ? 'sat' : 'unsat');
          if (r === 'unsat' && bruteForce(6, clauses)) {
            const core = s.failedAssumptions();
            for (const a of core) expect(assumptions).toContain(a);
            expect(bruteForce(6, [...clauses, ...core.map((a) => [a])])).toBe(false);
          }
          // The solver stays usable: the same query without assumptions agrees with brute force.
          expect(s.solve()).toBe(bruteForce(6, clauses) ? 'sat' : 'unsat');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles the degenerate formulas real files contain', () => {
    const empty = new Solver();
    empty.addClause([]);
    expect(empty.solve()).toBe('unsat');
    expect(new Solver().solve()).toBe('sat');
    const taut = new Solver();
    taut.addClause([1, -1]);
    taut.addClause([2, 2, 2]);
    expect(taut.solve()).toBe('sat');
    expect(taut.value(2)).toBe(true);
  });

  it('ends a search cleanly with unknown when the conflict budget runs out', () => {
    // Pigeonhole 8 into 7: exponential for resolution, so a 10-conflict budget cannot finish.
    const s = new Solver();
    const p = (i: number, j: number) => i * 7 + j + 1;
    for (let i = 0; i < 8; i++) s.addClause(Array.from({ length: 7 }, (_, j) => p(i, j)));
    for (let j = 0; j < 7; j++)
      for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) s.addClause([-p(a, j), -p(b, j)]);
    expect(s.solve({ conflictLimit: 10 })).toBe('unknown');
    expect(s.stats.conflicts).toBeLessThanOrEqual(10);
    expect(s.solve({ timeLimitMs: 0 })).toBe('unknown');
  });

  it('rejects malformed literals and assumptions with RangeError', () => {
    expect(() => new Solver().addClause([0])).toThrow(RangeError);
    expect(() => new Solver().addClause([1.5])).toThrow(RangeError);
    expect(() => new Solver().solve({ assumptions: [0] })).toThrow(RangeError);
  });

  it('computes the Luby sequence', () => {
    expect(Array.from({ length: 15 }, (_, i) => luby(i))).toEqual([
      1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8,
    ]);
  });
});

describe('Solver phase and priority API', () => {
  it('follows preferred phases until they are cleared', () => {
    // Clauses each satisfied by the planted assignment `want`: with `want` as the preferred
    // phases every decision and every implied literal agrees with it, so the first descent
    // finds it with no conflict and the model is exactly the preference.
    const s = new Solver();
    const want = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? i + 1 : -(i + 1)));
    for (let i = 0; i < 90; i++) {
      const c = [1, 2, 3].map((k) => {
        const v = 1 + ((i * 7 + k * 11) % 30);
        return k === 1 ? want[v - 1] : (i + k) % 2 ? v : -v;
      });
      s.addClause(c);
    }
    s.setPhases(want);
    expect(s.solve()).toBe('sat');
    expect(s.stats.conflicts).toBe(0);
    expect(s.modelLiterals()).toEqual(want);
    s.setPhases(want.map((x) => -x));
    expect(s.solve()).toBe('sat');
    const flipped = s.modelLiterals();
    expect(flipped).not.toEqual(want);
    s.clearPhase();
    s.clearPhase(3);
    expect(() => s.clearPhase(0)).toThrow(RangeError);
    expect(() => s.setPhase(0)).toThrow(RangeError);
  });

  it('a preferred phase never changes the answer: models stay models, unsat stays unsat', () => {
    fc.assert(
      fc.property(
        fc.array(clauseArb(6), { maxLength: 24 }),
        fc.array(fc.integer({ min: -6, max: 6 })),
        (clauses, prefs) => {
          const s = new Solver();
          for (const c of clauses) s.addClause(c);
          s.setPhases(prefs.filter((x) => x !== 0));
          const r = s.solve();
          expect(r).toBe(bruteForce(6, clauses) ? 'sat' : 'unsat');
          if (r === 'sat') {
            const m = s.modelLiterals();
            for (const c of clauses) expect(c.some((x) => m.includes(x))).toBe(true);
          }
          // Incremental use as the resolver does it: priorities, a clause added between calls,
          // then a solve under assumptions with its failed-assumption core.
          s.prioritize(prefs.filter((x) => x > 0));
          const extra = prefs.filter((x) => x !== 0).slice(0, 3);
          const assumptions = prefs.filter((x) => x !== 0).slice(3, 6);
          const all = extra.length > 0 ? [...clauses, extra] : clauses;
          if (extra.length > 0) s.addClause(extra);
          const r2 = s.solve({ assumptions });
          expect(r2).toBe(bruteForce(6, [...all, ...assumptions.map((a) => [a])]) ? 'sat' : 'unsat');
          if (r2 === 'unsat' && bruteForce(6, all)) {
            const core = s.failedAssumptions();
            expect(bruteForce(6, [...all, ...core.map((a) => [a])])).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('prioritize decides the listed variables first, in order, with their phases', () => {
    const s = new Solver();
    // At most one of 1..5 is true; each is wanted true: the first decided wins.
    for (let a = 1; a <= 5; a++) for (let b = a + 1; b <= 5; b++) s.addClause([-a, -b]);
    s.setPhases([1, 2, 3, 4, 5]);
    s.prioritize([4, 2]);
    expect(s.solve()).toBe('sat');
    expect(s.modelLiterals().filter((x) => x > 0)).toEqual([4]);
    s.prioritize([2]);
    expect(s.solve()).toBe('sat');
    expect(s.modelLiterals().filter((x) => x > 0)).toEqual([2]);
    expect(() => s.prioritize([0])).toThrow(RangeError);
  });

  it('boostActivity raises a variable above one bumped by fewer conflicts', () => {
    const s = new Solver();
    for (let a = 1; a <= 3; a++) for (let b = a + 1; b <= 3; b++) s.addClause([-a, -b]);
    s.setPhases([1, 2, 3]);
    s.boostActivity(3, 5);
    s.boostActivity(2, 2);
    expect(s.solve()).toBe('sat');
    expect(s.modelLiterals().filter((x) => x > 0)).toEqual([3]);
    expect(() => s.boostActivity(1, -1)).toThrow(RangeError);
    expect(() => s.boostActivity(0, 1)).toThrow(RangeError);
  });
});

describe('Solver restart policies', () => {
  it('every policy answers like exhaustive search, with checked models and proofs', () => {
    // Formulas big enough to pass the first mode switch (1,000 conflicts) and restart often.
    for (const restarts of ['modes', 'ema', 'luby'] as const) {
      let conflicts = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const vars = 18;
        const clauses: number[][] = [];
        let x = seed * 2654435761;
        const next = () => {
          x = (Math.imul(x ^ (x >>> 15), 2246822519) + seed) >>> 0;
          return x;
        };
        for (let i = 0; i < 77; i++) {
          clauses.push([0, 1, 2].map(() => (1 + (next() % vars)) * (next() & 1 ? 1 : -1)));
        }
        const proof = new DratWriter();
        const s = new Solver({ proof, restarts });
        for (const c of clauses) s.addClause(c);
        const r = s.solve();
        conflicts += s.stats.conflicts;
        expect(r, `${restarts} seed ${seed}`).toBe(bruteForce(vars, clauses) ? 'sat' : 'unsat');
        const text = writeDimacs(vars, clauses);
        if (r === 'sat') expect(checkModel(parseDimacs(text), s.modelLiterals())).toBe(-1);
        else expect(checkDrat(text, proof.text()).valid).toBe(true);
      }
      expect(conflicts).toBeGreaterThan(0);
    }
  });

  it('the modes policy switches to stable mode and back on a long search', () => {
    // Pigeonhole 9 into 8 needs tens of thousands of conflicts. Focused for 1,000 conflicts,
    // stable for 1,000, focused for 2,000, then stable: three switches by conflict 5,000.
    const stats = (restarts: 'modes' | 'ema') => {
      const s = new Solver({ restarts });
      const p = (i: number, j: number) => i * 8 + j + 1;
      for (let i = 0; i < 9; i++) s.addClause(Array.from({ length: 8 }, (_, j) => p(i, j)));
      for (let j = 0; j < 8; j++)
        for (let a = 0; a < 9; a++) for (let b = a + 1; b < 9; b++) s.addClause([-p(a, j), -p(b, j)]);
      expect(s.solve({ conflictLimit: 5000 })).toBe('unknown');
      expect(s.stats.conflicts).toBe(5000);
      return s.stats;
    };
    expect(stats('modes').modeSwitches).toBe(3);
    expect(stats('ema').modeSwitches).toBe(0);
  });
});
