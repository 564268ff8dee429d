import { describe, expect, it } from 'vitest';
import type { SolverState } from '../src/sat/_state.js';
import { walk } from '../src/sat/_walk.js';
import { checkModel, DratWriter, loadCnf, parseDimacs, Solver, writeDimacs } from '../src/sat/index.js';
import { checkDrat } from './_drat-check.js';
import { random3Sat, rng } from './_random3sat.js';

/** Uniform random k-SAT (k distinct variables per clause, random signs). */
function randomKSat(k: number, vars: number, clauses: number, seed: number): number[][] {
  const next = rng(seed);
  const out: number[][] = [];
  for (let i = 0; i < clauses; i++) {
    const c: number[] = [];
    while (c.length < k) {
      const v = 1 + Math.floor(next() * vars);
      if (c.some((x) => Math.abs(x) === v)) continue;
      c.push(next() < 0.5 ? v : -v);
    }
    out.push(c);
  }
  return out;
}

/** The phases as DIMACS literals (sign bit 1: negative). */
function phases(state: SolverState, vars: number): number[] {
  return Array.from({ length: vars }, (_, v) => (state.phase[v] === 1 ? -(v + 1) : v + 1));
}

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

  it('walks to models of random 3-SAT (polynomial rule) and 5-SAT (exponential rule) below the threshold', () => {
    // Threshold ratios: 4.27 for 3-SAT, 21.1 for 5-SAT; these are satisfiable with high probability.
    for (const [k, vars, ratio] of [
      [3, 300, 3.9],
      [5, 150, 17],
    ]) {
      let found = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const clauses = randomKSat(k, vars, Math.round(vars * ratio), seed);
        const s = new Solver();
        for (const c of clauses) s.addClause(c);
        const state = (s as unknown as { s: SolverState }).s;
        const before = phases(state, vars);
        const r = walk(state);
        const after = phases(state, vars);
        if (r.unsat === 0) {
          found++;
          expect(checkModel(parseDimacs(writeDimacs(vars, clauses)), after)).toBe(-1);
          expect(state.stats.walkModels).toBe(1);
        } else {
          expect(after).toEqual(before); // a walk short of a model changes nothing
        }
      }
      console.log(`${k}-SAT walks that found a model: ${found}/5`);
      expect(found).toBeGreaterThanOrEqual(4);
    }
  });

  it('changes no phase when it ends short of a model', () => {
    // 3-SAT at ratio 6: far above the threshold, unsatisfiable with high probability.
    const vars = 80;
    const clauses = randomKSat(3, vars, 6 * vars, 11);
    const s = new Solver();
    for (const c of clauses) s.addClause(c);
    const state = (s as unknown as { s: SolverState }).s;
    const before = phases(state, vars);
    const r = walk(state);
    expect(r.unsat).toBeGreaterThan(0);
    expect(r.flips).toBeGreaterThan(0);
    expect(phases(state, vars)).toEqual(before);
    expect(s.solve()).toBe('unsat');
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
