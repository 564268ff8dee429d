import { describe, expect, it } from 'vitest';
import { checkModel, DratWriter, loadCnf, parseDimacs, Solver } from '../src/sat/index.js';
import { checkDrat } from './_drat-check.js';
import { type SatlibInstance, satlib } from './_satlib.js';

/**
 * CI runs every uf20/uf50/uf100/uuf100/uf250 and structured instance, the industrial instances
 * the solver answers in well under a second, and 1 of the 20 uuf250 instances; the rest
 * (slower, same code paths) runs in `scripts/satlib.ts`, which answers all 4080 with checked
 * models and proofs.
 * DRAT proofs are checked for every UNSAT answer whose proof the test checker handles quickly.
 */
const SLOW = new Set([
  'sat/AProVE09-07.cnf',
  'sat/AProVE09-08.cnf',
  'sat/AProVE09-15.cnf',
  'sat/AProVE09-17.cnf',
  'sat/AProVE09-20.cnf',
  'sat/AProVE09-24.cnf',
  'unsat/cmu-bmc-longmult15.cnf',
  'unsat/schup-l2s-abp4-1-k31.cnf',
  'unsat/manol-pipe-c9.cnf',
  'sat/AProVE09-19.cnf',
  'sat/q_query_3_l38_lambda.cnf',
  'sat/q_query_3_l39_lambda.cnf',
]);

let correct = 0;
let total = 0;

function answer(inst: SatlibInstance, checkProof: boolean): void {
  const cnf = parseDimacs(inst.text);
  const proof = checkProof ? new DratWriter() : undefined;
  const s = new Solver({ proof });
  loadCnf(s, cnf);
  const r = s.solve();
  total++;
  expect(r, inst.file).toBe(inst.expected === 'SAT' ? 'sat' : 'unsat');
  if (r === 'sat') expect(checkModel(cnf, s.modelLiterals()), inst.file).toBe(-1);
  if (r === 'unsat' && proof) {
    const verdict = checkDrat(inst.text, proof.text());
    expect(verdict.valid, `${inst.file}: ${verdict.reason}`).toBe(true);
  }
  correct++;
}

describe('SATLIB and SAT-2009 instances', () => {
  for (const group of ['uf20', 'uf50', 'uf100', 'uuf100', 'structured']) {
    it(`answers every ${group} instance`, () => {
      for (const inst of satlib(group)) answer(inst, false);
    });
  }

  it('answers every uf250 instance and a sample of uuf250', () => {
    for (const inst of [...satlib('uf250-first20'), ...satlib('uuf250-first20').slice(0, 1)]) {
      answer(inst, false);
    }
  });

  it('answers the industrial-2009 instances solved in about a second', () => {
    for (const inst of satlib('industrial-2009-easy')) {
      if (!SLOW.has(inst.file)) answer(inst, inst.expected === 'UNSAT' && inst.text.length < 500_000);
    }
    console.log(`satlib instances: ${correct}/${total}`);
  });
});
