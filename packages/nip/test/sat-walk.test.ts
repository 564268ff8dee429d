import { describe, expect, it } from 'vitest';
import { checkModel, DratWriter, loadCnf, parseDimacs, Solver, writeDimacs } from '../src/sat/index.js';
import { checkDrat } from './_drat-check.js';
import { random3Sat } from './_random3sat.js';
import { satlib } from './_satlib.js';

/** The rephase walk (`src/sat/_walk.ts`) proposes phases only: answers, models and proofs stay the search's. */
describe('SAT rephase walk (ProbSAT)', () => {
  it('finds models of uf250 instances that the next descent follows; every model checked', () => {
    let walks = 0;
    let models = 0;
    for (const inst of satlib('uf250-first20').slice(0, 6)) {
      const cnf = parseDimacs(inst.text);
      const s = new Solver();
      loadCnf(s, cnf);
      expect(s.solve(), inst.file).toBe('sat');
      expect(checkModel(cnf, s.modelLiterals()), inst.file).toBe(-1);
      walks += s.stats.walks;
      models += s.stats.walkModels;
      // A walk that found a model ends the search: no later walk happens.
      expect(s.stats.walkModels, inst.file).toBeLessThanOrEqual(1);
    }
    console.log(`uf250 walks: ${walks}, models found by walking: ${models}`);
    expect(models).toBeGreaterThan(0);
  });

  it('leaves UNSAT answers and their DRAT proofs alone', () => {
    // Random 3-SAT, 190 variables at ratio 4.4: UNSAT after ~6,000 conflicts, past the first rephase.
    const clauses = random3Sat(190, 3, 4.4);
    const text = writeDimacs(190, clauses);
    const proof = new DratWriter();
    const s = new Solver({ proof });
    for (const c of clauses) s.addClause(c);
    expect(s.solve()).toBe('unsat');
    expect(s.stats.walks).toBeGreaterThan(0);
    expect(s.stats.walkModels).toBe(0);
    const verdict = checkDrat(text, proof.text());
    expect(verdict.valid, verdict.reason).toBe(true);
  });
});
