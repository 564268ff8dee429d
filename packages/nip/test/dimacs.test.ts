import { describe, expect, it } from 'vitest';
import { DimacsError, loadCnf, parseDimacs, Solver } from '../src/sat/index.js';

function errorOf(text: string): DimacsError {
  try {
    parseDimacs(text);
  } catch (e) {
    if (e instanceof DimacsError) return e;
    throw e;
  }
  throw new Error('expected a DimacsError');
}

describe('parseDimacs', () => {
  it('reads SATLIB-style spacing, comments, multi-line clauses and the % trailer', () => {
    const cnf = parseDimacs('c hello\np cnf 3  2 \n 1 -3\n 2 0\n-1 0\n%\n0\n');
    expect(cnf.variableCount).toBe(3);
    expect(cnf.clauseCount).toBe(2);
    expect([...cnf.literals]).toEqual([1, -3, 2, 0, -1, 0]);
  });

  it('treats p cnf 0 1 with a lone empty clause as UNSAT and p cnf 0 0 as SAT', () => {
    const s1 = new Solver();
    loadCnf(s1, parseDimacs('c STATUS UNSATISFIABLE\np cnf 0 1\n0\n'));
    expect(s1.solve()).toBe('unsat');
    const s2 = new Solver();
    loadCnf(s2, parseDimacs('p cnf 0 0\n'));
    expect(s2.solve()).toBe('sat');
    expect(s2.modelLiterals()).toEqual([]);
  });

  it('names the line of each kind of error', () => {
    expect(errorOf('p cnf 2 1\n1 2 0\n3 0\n')).toMatchObject({ code: 'ERANGE', line: 3 });
    expect(errorOf('p cnf 2 2\n1 2 0\n')).toMatchObject({ code: 'ECOUNT' });
    expect(errorOf('p cnf 2 1\n1 0\n2 0\n')).toMatchObject({ code: 'ECOUNT' });
    expect(errorOf('p cnf 2 1\n1 x 0\n')).toMatchObject({ code: 'ENUMBER', line: 2 });
    expect(errorOf('p cnf 2 1\n1 2.5 0\n')).toMatchObject({ code: 'ENUMBER', line: 2 });
    expect(errorOf('p cnf 2 1\n\n1 2\n')).toMatchObject({ code: 'ETERMINATOR', line: 3 });
    expect(errorOf('1 2 0\n')).toMatchObject({ code: 'EHEADER', line: 1 });
    expect(errorOf('p cnf 2\n')).toMatchObject({ code: 'EHEADER', line: 1 });
    expect(errorOf('p dnf 2 1\n')).toMatchObject({ code: 'EHEADER', line: 1 });
    expect(errorOf('p cnf 2 1\np cnf 2 1\n')).toMatchObject({ code: 'EHEADER', line: 2 });
    expect(errorOf('c only a comment\n')).toMatchObject({ code: 'EHEADER' });
    expect(errorOf('p cnf -1 1\n')).toMatchObject({ code: 'EHEADER' });
  });

  it('accepts count mismatches when lenient', () => {
    const cnf = parseDimacs('p cnf 1 5\n1 2 0\n', { lenient: true });
    expect(cnf.variableCount).toBe(2);
    expect(cnf.clauseCount).toBe(1);
  });

  it('rejects non-string input with TypeError and oversize input with ELIMIT', () => {
    expect(() => parseDimacs(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseDimacs('p cnf 0 0\n', { maxChars: 4 })).toThrow(DimacsError);
  });
});
