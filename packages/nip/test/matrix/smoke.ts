import {
  checkModel,
  compareDebian,
  DratWriter,
  loadCnf,
  parseDimacs,
  parseLockfile,
  resolve,
  SolveFailure,
  Solver,
  semver,
  Universe,
  writeDimacs,
  writeLockfile,
} from '@nexus/nip';
import type { SmokeSuite } from '../../../../tools/matrix/smoke.ts';

function check(condition: unknown, message: string): void {
  if (!condition) throw new Error(message);
}

export const smoke: SmokeSuite = {
  'sat: pigeonhole 6 into 5 is UNSAT with a DRAT proof ending in the empty clause': () => {
    const clauses: number[][] = [];
    const p = (i: number, j: number) => i * 5 + j + 1;
    for (let i = 0; i < 6; i++) clauses.push([0, 1, 2, 3, 4].map((j) => p(i, j)));
    for (let j = 0; j < 5; j++)
      for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) clauses.push([-p(a, j), -p(b, j)]);
    const proof = new DratWriter();
    const s = new Solver({ proof });
    loadCnf(s, parseDimacs(writeDimacs(30, clauses)));
    check(s.solve() === 'unsat', 'pigeonhole must be UNSAT');
    check(proof.text().endsWith('\n0\n') || proof.text() === '0\n', 'proof ends with the empty clause');
  },
  'sat: 200 random 3-SAT formulas, every model checked': () => {
    let x = 12345;
    const next = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
    let sat = 0;
    for (let k = 0; k < 200; k++) {
      const vars = 30;
      const clauses = Array.from({ length: 128 }, () =>
        [0, 1, 2].map(() => (1 + Math.floor(next() * vars)) * (next() < 0.5 ? 1 : -1)),
      );
      const cnf = parseDimacs(writeDimacs(vars, clauses));
      const s = new Solver();
      loadCnf(s, cnf);
      if (s.solve() === 'sat') {
        sat++;
        check(checkModel(cnf, s.modelLiterals()) === -1, 'model satisfies the formula');
      }
    }
    check(sat > 0, 'some formulas are satisfiable');
  },
  'resolve: variants, a lockfile round trip and an explanation': () => {
    check(compareDebian('1.0~rc1', '1.0') < 0, 'Debian tilde ordering');
    const u = new Universe(semver);
    u.add({ name: 'lib', version: '1.0.0' });
    u.add({ name: 'lib', version: '2.0.0', variants: { simd: { values: [false, true], default: false } } });
    u.add({
      name: 'app',
      version: '1.0.0',
      depends: [{ anyOf: [{ name: 'lib', range: '>=2', variants: { simd: true } }] }],
    });
    u.add({ name: 'plugin', version: '1.0.0', depends: [{ anyOf: [{ name: 'lib', range: '<2' }] }] });
    const plan = resolve(u, { install: [{ name: 'app' }] });
    const lock = writeLockfile('semver', plan.packages);
    check(lock.includes('package lib 2.0.0 source=default variants=simd+'), 'lockfile names the variant');
    check(parseLockfile(lock).packages.length === 2, 'lockfile round trip');
    let explained = '';
    try {
      resolve(u, { install: [{ name: 'app' }, { name: 'plugin' }] });
    } catch (e) {
      if (e instanceof SolveFailure) explained = e.explanation.text;
    }
    check(explained.endsWith('version solving failed.'), 'a conflict is explained');
    u.add({
      name: 'tool',
      version: '1.0.0',
      depends: [{ anyOf: [{ name: 'lib', variants: { simd: false } }] }],
    });
    let variantWords = '';
    try {
      resolve(u, { install: [{ name: 'app' }, { name: 'tool' }] });
    } catch (e) {
      if (e instanceof SolveFailure) variantWords = e.explanation.text;
    }
    check(
      variantWords.includes('lib cannot be built with both +simd and ~simd'),
      `a variant clash is a derivation: ${variantWords}`,
    );
    const guided = resolve(u, { install: [{ name: 'app' }] });
    const reference = resolve(u, { install: [{ name: 'app' }] }, { optimizer: 'one-by-one' });
    check(guided.preferences === reference.preferences, 'guided optimum = reference optimum');
  },
};
