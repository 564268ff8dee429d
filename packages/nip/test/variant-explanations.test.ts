/**
 * Variant conflicts explained as PubGrub derivations (SOLVER.md, "Variants in a derivation"):
 * a variant requirement is a term on its variant package (`openmpi+cuda`), a dependency enabled
 * by a variant is a dependency of that package, and the facts tying variant packages to their
 * base appear in the words where the derivation uses them. Golden tests: the exact lines.
 */
import { describe, expect, it } from 'vitest';
import { nipVersions, type Requirement, resolve, SolveFailure, Universe } from '../src/index.js';

function hpc(): Universe {
  const u = new Universe(nipVersions, [{ name: 'main', priority: 10 }]);
  u.add({
    name: 'openmpi',
    version: '4.1.6',
    source: 'main',
    variants: { cuda: { values: [false, true], default: false } },
    depends: [{ anyOf: [{ name: 'cuda', range: '>=11' }], when: { cuda: true } }],
  });
  u.add({
    name: 'openmpi',
    version: '5.0.1',
    source: 'main',
    variants: { cuda: { values: [false], default: false } },
  });
  u.add({ name: 'cuda', version: '10.2', source: 'main' });
  u.add({ name: 'cuda', version: '12.4', source: 'main' });
  u.add({
    name: 'lammps',
    version: '2023.8.2',
    depends: [{ anyOf: [{ name: 'openmpi', variants: { cuda: true } }] }],
  });
  u.add({
    name: 'gromacs',
    version: '2024.1',
    depends: [{ anyOf: [{ name: 'openmpi', variants: { cuda: false } }] }],
  });
  u.add({ name: 'hpl', version: '2.3', depends: [{ anyOf: [{ name: 'openmpi', range: '>=5' }] }] });
  return u;
}

function lines(u: Universe, install: Requirement[], remove: string[] = []): string[] {
  try {
    resolve(u, { install, remove });
  } catch (e) {
    if (e instanceof SolveFailure) return e.explanation.lines;
    throw e;
  }
  throw new Error('expected a SolveFailure');
}

describe('variant conflicts as derivations', () => {
  it('a variant-conditional dependency with no candidates left', () => {
    expect(lines(hpc(), [{ name: 'lammps' }], ['cuda'])).toEqual([
      'Because cuda is to be removed and every openmpi with +cuda depends on cuda >=11, openmpi+cuda is forbidden.',
      'So, because root depends on lammps which depends on openmpi+cuda, version solving failed.',
    ]);
  });

  it('two dependents asking for opposite values of one variant', () => {
    expect(lines(hpc(), [{ name: 'lammps' }, { name: 'gromacs' }])).toEqual([
      'Because every version of gromacs depends on openmpi~cuda and openmpi cannot be built with both +cuda and ~cuda, every version of gromacs is incompatible with openmpi+cuda.',
      'And because every version of lammps depends on openmpi+cuda, every version of gromacs is incompatible with lammps.',
      'So, because root depends on both gromacs and lammps, version solving failed.',
    ]);
  });

  it('a variant only some versions offer, against a version range', () => {
    expect(lines(hpc(), [{ name: 'lammps' }, { name: 'hpl' }])).toEqual([
      'Because every version of hpl depends on openmpi >=5 and openmpi 4.1.6 with +cuda is openmpi 4.1.6, every version of hpl is incompatible with openmpi+cuda <5.0.1.',
      'And because every version of lammps depends on openmpi+cuda, every version of hpl is incompatible with lammps.',
      'So, because root depends on both hpl and lammps, version solving failed.',
    ]);
  });

  it('every value of a variant leads to a dead end', () => {
    const u = new Universe(nipVersions);
    u.add({
      name: 'fftw',
      version: '3.3.10',
      variants: { mpi: { values: [false, true], default: false } },
      depends: [
        { anyOf: [{ name: 'openmpi' }], when: { mpi: true } },
        { anyOf: [{ name: 'pthreads-shim' }], when: { mpi: false } },
      ],
    });
    expect(lines(u, [{ name: 'fftw' }])).toEqual([
      'Because every fftw with +mpi depends on openmpi (which matches no versions) and fftw 3.3.10 is built with one of ~mpi, +mpi, every version of fftw requires fftw~mpi.',
      'So, because every fftw with ~mpi depends on pthreads-shim (which matches no versions) and root depends on fftw, version solving failed.',
    ]);
  });

  it('alternatives (`a | b`) are chosen and undone like decisions', () => {
    const u = new Universe(nipVersions);
    u.add({ name: 'mpich', version: '4.2', depends: [{ anyOf: [{ name: 'hwloc', range: '>=3' }] }] });
    u.add({ name: 'hwloc', version: '2.9' });
    u.add({ name: 'openmpi', version: '4.1.6' });
    u.add({ name: 'app', version: '1.0', depends: [{ anyOf: [{ name: 'mpich' }, { name: 'openmpi' }] }] });
    expect(lines(u, [{ name: 'app' }], ['openmpi'])).toEqual([
      'Because openmpi is to be removed and every version of app depends on mpich or openmpi, every version of app requires mpich.',
      'So, because every version of mpich depends on hwloc >=3 (which matches no versions) and root depends on app, version solving failed.',
    ]);
  });
});
