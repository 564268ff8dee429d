import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DratWriter, loadCnf, parseDimacs, Solver } from '../src/sat/index.js';
import { checkDrat } from './_drat-check.js';
import { oracle } from './_oracle.js';
import { satlib } from './_satlib.js';

const hasCadical = oracle('cadical', 'cadical');

function cadicalProof(dir: string, name: string, text: string): string {
  const cnf = join(dir, `${name}.cnf`);
  const proof = join(dir, `${name}.drat`);
  writeFileSync(cnf, text);
  try {
    execFileSync('cadical', ['-q', '--no-binary', cnf, proof], { stdio: 'pipe' });
  } catch (e) {
    if ((e as { status?: number }).status !== 20) throw e;
  }
  return readFileSync(proof, 'utf8');
}

describe('DRAT checker', () => {
  it('accepts hand-written RUP and RAT proofs and rejects a bad lemma', () => {
    // (x1 ∨ x2) (x1 ∨ ¬x2) (¬x1 ∨ x2) (¬x1 ∨ ¬x2): lemma x1 is RUP, then the empty clause.
    const f = 'p cnf 2 4\n1 2 0\n1 -2 0\n-1 2 0\n-1 -2 0\n';
    expect(checkDrat(f, '1 0\n0\n').valid).toBe(true);
    expect(checkDrat(f, '0\n').valid).toBe(false);
    // RAT: x3 is fresh, so (3) is RAT on 3 vacuously; RUP would reject it.
    expect(checkDrat(f, '3 0\n1 0\n0\n')).toMatchObject({ valid: true, ratLemmas: 1 });
    expect(checkDrat('p cnf 2 1\n1 2 0\n', '1 0\n0\n').valid).toBe(false);
  });

  it.skipIf(!hasCadical)(
    'accepts CaDiCaL proofs of SATLIB UNSAT instances and rejects corrupted ones',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'nip-drat-'));
      const instances = satlib('uuf100').slice(0, 100);
      let accepted = 0;
      let rejected = 0;
      let flippedRejected = 0;
      for (const [i, inst] of instances.entries()) {
        const proof = cadicalProof(dir, `u${i}`, inst.text);
        const ok = checkDrat(inst.text, proof);
        expect(ok.valid, `${inst.file}: ${ok.reason}`).toBe(true);
        accepted++;
        const lines = proof.split('\n').filter((l) => l !== '');
        const additions = lines
          .map((l, k) => [l, k] as const)
          .filter(([l]) => !l.startsWith('d') && l !== '0');
        // Corruption 1: drop the empty clause and every lemma after the first third.
        const truncated = lines.slice(0, Math.max(1, Math.floor(lines.length / 3))).filter((l) => l !== '0');
        expect(checkDrat(inst.text, `${truncated.join('\n')}\n`).valid).toBe(false);
        // Corruption 2: flip a literal of the first lemma that CaDiCaL derived by resolution.
        const [line, k] = additions[0];
        const lits = line.split(/\s+/).map(Number);
        const flipped = [...lines];
        flipped[k] = [-lits[0], ...lits.slice(1)].join(' ');
        const v1 = checkDrat(inst.text, `${flipped.join('\n')}\n`);
        // Corruption 3: a lemma that does not follow (the negation of a model-free unit pair).
        const bogus = [`${lits[0]} 0`, `${-lits[0]} 0`, '0'].join('\n');
        const v2 = checkDrat(inst.text, `${bogus}\n`);
        expect(v2.valid).toBe(false);
        rejected += 2;
        if (!v1.valid) flippedRejected++;
      }
      console.log(`cadical proofs accepted: ${accepted}, corrupted proofs rejected: ${rejected}`);
      console.log(`cadical proofs with a flipped literal rejected: ${flippedRejected}/${accepted}`);
    },
  );

  it('checks the solver’s own proofs on 300 uuf100 instances', () => {
    let checked = 0;
    for (const inst of satlib('uuf100').slice(0, 300)) {
      const proof = new DratWriter();
      const s = new Solver({ proof });
      loadCnf(s, parseDimacs(inst.text));
      expect(s.solve()).toBe('unsat');
      const verdict = checkDrat(inst.text, proof.text());
      expect(verdict.valid, `${inst.file}: ${verdict.reason}`).toBe(true);
      checked++;
    }
    console.log(`nip DRAT proofs checked: ${checked}`);
  });
});
