/**
 * Range literals (EncodeOptions.ranges, SOLVER.md "Range literals"): the same answers, and
 * two dependents asking for different majors of a library refuted by unit propagation alone.
 */
import { describe, expect, it } from 'vitest';
import { encode, semver, Universe } from '../src/index.js';

function universe(): Universe {
  const u = new Universe(semver);
  for (const v of ['1.0.0', '1.1.0', '2.0.0', '2.1.0', '3.0.0']) u.add({ name: 'lib', version: v });
  u.add({ name: 'a', version: '1.0.0', depends: [{ anyOf: [{ name: 'lib', range: '^1.0.0' }] }] });
  u.add({ name: 'b', version: '1.0.0', depends: [{ anyOf: [{ name: 'lib', range: '^2.0.0' }] }] });
  u.add({ name: 'c', version: '1.0.0', depends: [{ anyOf: [{ name: 'lib', range: '>=1.1.0' }] }] });
  u.add({ name: 'd', version: '1.0.0', depends: [{ anyOf: [{ name: 'lib' }] }] });
  for (const v of ['1.0.0', '1.1.0', '2.0.0']) u.add({ name: 'x', version: v });
  u.add({
    name: 'e',
    version: '1.0.0',
    depends: [{ anyOf: [{ name: 'lib' }, { name: 'x', range: '^1.0.0' }] }],
  });
  return u;
}

describe('range literals', () => {
  const request = { install: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };

  it('refute two disjoint ranges by propagation alone', () => {
    const u = universe();
    const ask = (ranges: boolean) => {
      const e = encode(u, request, { ranges });
      const a = e.varOf[u.versionsOf('a')[0]];
      const b = e.varOf[u.versionsOf('b')[0]];
      // An empty decision order: the solver propagates the assumptions and decides nothing, so
      // `unsat` means unit propagation alone found the clash.
      return {
        answer: e.solver.solve({ assumptions: [a, b], decisionOrder: [] }),
        variables: e.solver.variableCount,
      };
    };
    const plain = ask(false);
    const ranged = ask(true);
    expect(plain.answer).toBe('sat'); // the clash shows only once lib's candidates are decided
    expect(ranged.answer).toBe('unsat');
    expect(ranged.variables).toBe(plain.variables + 3); // ^1, ^2 and >=1.1.0 of lib
  });

  it('change no answer', () => {
    const u = universe();
    for (const install of [
      [{ name: 'a' }, { name: 'c' }],
      [{ name: 'b' }, { name: 'c' }],
      [{ name: 'a' }, { name: 'b' }],
      [{ name: 'd' }, { name: 'lib', range: '<1.1.0' }],
      [{ name: 'd' }, { name: 'lib', range: '>=3.0.0' }],
      [{ name: 'd' }, { name: 'c' }, { name: 'a' }],
    ]) {
      const p = encode(u, { install }).solver.solve();
      const r = encode(u, { install }, { ranges: true }).solver.solve();
      expect(r).toBe(p);
      expect(r).toBe(
        install.some((x) => x.name === 'b') && install.some((x) => x.name === 'a') ? 'unsat' : 'sat',
      );
    }
    expect(encode(u, { install: [{ name: 'a' }, { name: 'b' }] }, { ranges: true }).solver.solve()).toBe(
      'unsat',
    );
    // An alternative accepting every candidate of its name stays every candidate.
    for (const range of ['<1.1.0', '>=3.0.0', '^2.0.0']) {
      const request = { install: [{ name: 'e' }, { name: 'lib', range }], remove: ['x'] };
      expect(encode(u, request, { ranges: true, whole: true }).solver.solve(), range).toBe('sat');
    }
  });
});
