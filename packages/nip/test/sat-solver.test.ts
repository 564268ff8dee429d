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
