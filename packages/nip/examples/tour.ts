/**
 * A tour of nip: solve a SATLIB formula with a checked model and a DRAT proof, resolve a
 * request with variants and sources into a plan and a lockfile, then explain a conflict.
 * Run with `npm start` (or `node --conditions=nexus-src --import tsx examples/tour.ts`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkModel,
  DratWriter,
  loadCnf,
  nipVersions,
  parseDimacs,
  parseLockfile,
  resolve,
  SolveFailure,
  Solver,
  Universe,
  writeLockfile,
} from '@nexus/nip';

const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), 'nip-tour-'));

// 1. The SAT solver on real instances.
execFileSync('tar', ['-xJf', join(here, '..', 'test', 'vectors', 'satlib', 'uf100.tar.xz'), '-C', work]);
execFileSync('tar', ['-xJf', join(here, '..', 'test', 'vectors', 'satlib', 'uuf100.tar.xz'), '-C', work]);
for (const file of ['uf100/uf100-01.cnf', 'uuf100/uuf100-01.cnf']) {
  const text = readFileSync(join(work, file), 'utf8');
  const cnf = parseDimacs(text);
  const proof = new DratWriter();
  const s = new Solver({ proof });
  loadCnf(s, cnf);
  const t = performance.now();
  const answer = s.solve();
  const ms = (performance.now() - t).toFixed(1);
  const detail =
    answer === 'sat'
      ? `model satisfies all ${cnf.clauseCount} clauses: ${checkModel(cnf, s.modelLiterals()) === -1}`
      : `DRAT proof: ${proof.additions} lemmas, ${proof.deletions} deletions, ends with the empty clause`;
  console.log(`sat   ${file}: ${answer} in ${ms} ms, ${s.stats.conflicts} conflicts; ${detail}`);
}

// 2. A universe with variants, optional dependencies, two sources and a virtual package.
const u = new Universe(nipVersions, [
  { name: 'main', priority: 10 },
  { name: 'testing', priority: 1 },
]);
u.add({
  name: 'openmpi',
  version: '4.1.6',
  source: 'main',
  flags: ['-O2'],
  variants: {
    cuda: { values: [false, true], default: false },
    fabrics: { values: ['ucx', 'ofi'], default: 'ucx' },
  },
  depends: [
    { anyOf: [{ name: 'cuda', range: '>=11' }], when: { cuda: true } },
    { anyOf: [{ name: 'hwloc', range: '2.*' }] },
  ],
  provides: [{ name: 'mpi', version: '3.1' }],
});
u.add({
  name: 'openmpi',
  version: '5.0.3',
  source: 'testing',
  variants: { cuda: { values: [false], default: false } },
  depends: [{ anyOf: [{ name: 'hwloc', range: '2.*' }] }],
  provides: [{ name: 'mpi', version: '4.0' }],
});
for (const v of ['11.8', '12.2', '12.4']) u.add({ name: 'cuda', version: v, source: 'main' });
for (const v of ['2.9.1', '2.10.0']) u.add({ name: 'hwloc', version: v, source: 'main' });
u.add({ name: 'hwloc', version: '2.10.0', source: 'testing' });
u.add({
  name: 'mpich',
  version: '4.2.0',
  source: 'main',
  provides: [{ name: 'mpi', version: '4.0' }],
  depends: [{ anyOf: [{ name: 'hwloc', range: '2.*' }] }],
});
u.add({
  name: 'lammps',
  version: '2023.8.2',
  source: 'main',
  depends: [
    { anyOf: [{ name: 'openmpi', range: '>=4', variants: { cuda: true } }] },
    { anyOf: [{ name: 'fftw', range: '>=3.3' }] },
  ],
});
u.add({
  name: 'fftw',
  version: '3.3.10',
  source: 'main',
  variants: { openmp: { values: [true, false], default: true } },
});
u.add({
  name: 'legacy-cfd',
  version: '1.0',
  source: 'main',
  depends: [{ anyOf: [{ name: 'mpich', range: '>=4' }] }],
  conflicts: [{ name: 'openmpi' }],
});
u.add({
  name: 'legacy-cfd',
  version: '0.9',
  source: 'main',
  depends: [{ anyOf: [{ name: 'mpi', range: '<3' }] }],
});

const installed = [{ name: 'hwloc', version: '2.9.1', source: 'main' }];
const plan = resolve(u, { install: [{ name: 'lammps' }] }, { installed });
console.log(`\nresolve: install lammps (installed: hwloc 2.9.1)`);
for (const p of plan.packages) {
  const variants = Object.entries(p.variants).map(([k, v]) =>
    v === true ? `+${k}` : v === false ? `~${k}` : `${k}=${v}`,
  );
  console.log(
    `  ${p.name} ${p.version} from ${p.source} ${variants.join(' ')} ${p.flags.join(' ')}`.trimEnd(),
  );
}
console.log(
  `  plan: install ${plan.install.map((p) => p.name).join(', ')}; upgrade ${plan.upgrade.length}; remove ${plan.remove.length}`,
);
console.log(
  `  preferences: ${JSON.stringify(plan.costs)}; ${plan.stats.solves} SAT calls over ${plan.stats.clauses} clauses`,
);

const lockPath = join(work, 'nip.lock');
const lock = writeLockfile('nip', plan.packages);
writeFileSync(lockPath, lock);
const again = writeLockfile('nip', resolve(u, { install: [{ name: 'lammps' }] }, { installed }).packages);
console.log(`\nlockfile (${lock.length} bytes, same bytes on a second run: ${again === lock}):`);
console.log(lock.replace(/^/gm, '  ').trimEnd());
console.log(`  verified hash: ${parseLockfile(readFileSync(lockPath, 'utf8')).hash.slice(0, 16)}…`);

// 3. A request with no answer, explained from a minimal core.
try {
  resolve(u, { install: [{ name: 'lammps' }, { name: 'legacy-cfd' }] }, { installed });
} catch (e) {
  if (!(e instanceof SolveFailure)) throw e;
  console.log(
    `\nresolve: install lammps and legacy-cfd: no answer. Why (minimal core of ${e.explanation.core.length} of ${e.explanation.factCount} facts):`,
  );
  for (const line of e.explanation.lines) console.log(`  ${line}`);
}

// 4. A variant conflict, explained as a derivation: lammps needs openmpi+cuda, and cuda is removed.
try {
  resolve(u, { install: [{ name: 'lammps' }], remove: ['cuda'] }, { installed });
} catch (e) {
  if (!(e instanceof SolveFailure)) throw e;
  console.log(`\nresolve: install lammps without cuda: no answer. Why:`);
  for (const line of e.explanation.lines) console.log(`  ${line}`);
}
