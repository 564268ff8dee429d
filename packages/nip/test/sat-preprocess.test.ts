import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkModel,
  DratWriter,
  loadCnf,
  parseDimacs,
  Solver,
  solveCnf,
  writeDimacs,
} from '../src/sat/index.js';
import { checkDrat } from './_drat-check.js';
import { satlib } from './_satlib.js';

/** Exhaustive reference for small formulas. */
function bruteForce(vars: number, clauses: number[][]): boolean {
  for (let m = 0; m < 1 << vars; m++) {
    if (clauses.every((c) => c.some((x) => ((m >> (Math.abs(x) - 1)) & 1) === (x > 0 ? 1 : 0)))) return true;
  }
  return false;
}

/** Random clauses of length 1-4 over `vars` variables, from fast-check's seeds. */
const formulaArb = (vars: number, maxClauses: number) =>
  fc.array(
    fc.array(
      fc.integer({ min: 1, max: vars }).chain((v) => fc.constantFrom(v, -v)),
      { minLength: 1, maxLength: 4 },
    ),
    { maxLength: maxClauses },
  );

describe('SAT preprocessing (subsumption, strengthening, bounded variable elimination)', () => {
  it('answers like exhaustive search; models satisfy the original formula; proofs check', () => {
    let eliminated = 0;
    let subsumed = 0;
    let strengthened = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 12 }), formulaArb(12, 60), (vars, raw) => {
        const clauses = raw.map((c) =>
          c.map((x) => (x > 0 ? 1 + ((x - 1) % vars) : -(1 + ((-x - 1) % vars)))),
        );
        const proof = new DratWriter();
        const s = new Solver({ preprocess: true, proof });
        for (const c of clauses) s.addClause(c);
        const r = s.solve();
        runs++;
        eliminated += s.stats.eliminatedVariables;
        subsumed += s.stats.subsumedClauses;
        strengthened += s.stats.strengthenedClauses;
        expect(r).toBe(bruteForce(vars, clauses) ? 'sat' : 'unsat');
        const text = writeDimacs(vars, clauses);
        if (r === 'sat') expect(checkModel(parseDimacs(text), s.modelLiterals())).toBe(-1);
        else expect(checkDrat(text, proof.text()).valid).toBe(true);
      }),
      { numRuns: 1500 },
    );
    console.log(
      `preprocessed random formulas: ${runs} (variables eliminated ${eliminated}, clauses subsumed ${subsumed}, literals strengthened ${strengthened})`,
    );
    expect(eliminated).toBeGreaterThan(runs / 4);
    expect(subsumed).toBeGreaterThan(0);
    expect(strengthened).toBeGreaterThan(0);
  });

  it('stays correct under incremental use: later clauses and assumptions restore eliminated variables', () => {
    let restored = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        formulaArb(10, 40),
        fc.array(formulaArb(10, 6), { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(fc.integer({ min: -10, max: 10 }), { maxLength: 4 }), {
          minLength: 1,
          maxLength: 4,
        }),
        (first, batches, assumptionSets) => {
          const proof = new DratWriter();
          const s = new Solver({ preprocess: true, proof });
          const all: number[][] = [];
          const add = (cs: number[][]) => {
            for (const c of cs) {
              s.addClause(c);
              all.push(c);
            }
          };
          add(first);
          s.reserve(10);
          const check = (assumptions: number[]) => {
            const r = s.solve({ assumptions });
            const expected = bruteForce(10, [...all, ...assumptions.map((a) => [a])]);
            expect(r).toBe(expected ? 'sat' : 'unsat');
            if (r === 'sat') {
              const model = s.modelLiterals();
              expect(checkModel(parseDimacs(writeDimacs(10, all)), model)).toBe(-1);
              for (const a of assumptions) expect(model).toContain(a);
            } else if (bruteForce(10, all)) {
              const core = s.failedAssumptions();
              expect(bruteForce(10, [...all, ...core.map((a) => [a])])).toBe(false);
            }
            return r;
          };
          check([]);
          for (let i = 0; i < batches.length; i++) {
            add(batches[i]);
            check(assumptionSets[i % assumptionSets.length].filter((x) => x !== 0));
          }
          runs++;
          restored += s.stats.restoredVariables;
          // The proof covers every clause given so far, the restored ones included.
          if (s.solve() === 'unsat') {
            const verdict = checkDrat(writeDimacs(10, all), proof.text());
            expect(verdict.valid, verdict.reason).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
    console.log(`preprocessed incremental sessions: ${runs} (variables restored ${restored})`);
    expect(restored).toBeGreaterThan(0);
  });

  it('keeps the proof valid over every clause given when a restore follows an elimination', () => {
    // Found by the property above: 5 and then 7 are eliminated, the later clause (-7 -5)
    // restores both; a checker given that clause up front must still accept the proof.
    const proof = new DratWriter();
    const s = new Solver({ preprocess: true, proof });
    const all = [
      [-8, 5],
      [7, -5],
    ];
    for (const c of all) s.addClause(c);
    expect(s.solve()).toBe('sat');
    expect(s.isEliminated(5) && s.isEliminated(7)).toBe(true);
    for (const c of [
      [-7, -5],
      [5, 8],
    ]) {
      s.addClause(c);
      all.push(c);
    }
    expect(s.isEliminated(5) || s.isEliminated(7)).toBe(false);
    expect(s.solve()).toBe('unsat');
    const verdict = checkDrat(writeDimacs(8, all), proof.text());
    expect(verdict.valid, verdict.reason).toBe(true);
  });

  it('never eliminates frozen variables or the first call’s assumptions', () => {
    fc.assert(
      fc.property(formulaArb(8, 30), fc.subarray([1, 2, 3, 4, 5, 6, 7, 8]), (clauses, frozen) => {
        const s = new Solver({ preprocess: true });
        for (const c of clauses) s.addClause(c);
        s.reserve(8);
        for (const v of frozen) s.freeze(v);
        const assumption = 8;
        s.solve({ assumptions: [assumption] });
        for (const v of frozen) expect(s.isEliminated(v)).toBe(false);
        expect(s.isEliminated(assumption)).toBe(false);
      }),
      { numRuns: 300 },
    );
    // And something is eliminated when nothing is frozen.
    const s = new Solver({ preprocess: true });
    s.addClause([1, 2]);
    s.addClause([-1, 3]);
    s.solve();
    expect(s.isEliminated(1)).toBe(true);
    s.freeze(1); // brings it back
    expect(s.isEliminated(1)).toBe(false);
    expect(s.solve({ assumptions: [1, -3] })).toBe('unsat');
    expect(s.solve({ assumptions: [-1, -2] })).toBe('unsat');
    expect(s.solve({ assumptions: [-1] })).toBe('sat');
  });

  it('answers SATLIB instances with models checked against the original and proofs checked', () => {
    let count = 0;
    let eliminated = 0;
    // Every instance here is answered in well under a second; proofs of the UNSAT ones are
    // checked by the forward test checker (slow on long proofs, so the sample stays small).
    const quick = new Set(['unsat/cmu-bmc-barrel6.cnf', 'sat/AProVE09-13.cnf']);
    const instances = [
      ...satlib('uuf100').slice(0, 20),
      ...satlib('uf100').slice(0, 20),
      ...satlib('structured').filter((i) => !i.file.startsWith('3bitadd')),
      ...satlib('industrial-2009-easy').filter((i) => quick.has(i.file) || i.text.length < 100),
    ];
    for (const inst of instances) {
      const cnf = parseDimacs(inst.text);
      const proof = inst.expected === 'UNSAT' ? new DratWriter() : undefined;
      const s = new Solver({ preprocess: true, proof });
      loadCnf(s, cnf);
      const r = s.solve({ conflictLimit: 200_000 });
      expect(r, inst.file).toBe(inst.expected === 'SAT' ? 'sat' : 'unsat');
      eliminated += s.stats.eliminatedVariables;
      if (r === 'sat') expect(checkModel(cnf, s.modelLiterals()), inst.file).toBe(-1);
      else {
        const verdict = checkDrat(inst.text, proof!.text());
        expect(verdict.valid, `${inst.file}: ${verdict.reason}`).toBe(true);
      }
      count++;
    }
    console.log(`preprocessed satlib instances: ${count} (variables eliminated ${eliminated})`);
    expect(eliminated).toBeGreaterThan(0);
  });

  it('solveCnf answers once, preprocessing when asked', () => {
    const cnf = parseDimacs('p cnf 3 3\n1 2 0\n-1 3 0\n-3 -2 0\n');
    const answer = solveCnf(cnf, { preprocess: true });
    expect(answer.result).toBe('sat');
    expect(checkModel(cnf, answer.model!)).toBe(-1);
    expect(answer.stats.eliminatedVariables).toBeGreaterThan(0);
    expect(solveCnf(parseDimacs('p cnf 1 2\n1 0\n-1 0\n')).result).toBe('unsat');
    expect(solveCnf(cnf).stats.eliminatedVariables).toBe(0);
  });
});
