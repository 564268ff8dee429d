import { describe, expect, it } from 'vitest';
import { fromNpm, type ManifestError, parseManifest, parseRequirement, resolve } from '../src/index.js';

const MANIFEST = `nip-manifest 1
scheme nip
source main priority=10
source testing priority=1

# an MPI with a CUDA feature
package openmpi 4.1.6
  source main
  flags -O2 -fPIC
  variant cuda false true default=false
  variant fabrics ucx ofi default=ucx
  depends cuda >=11 when +cuda
  depends hwloc 2.* or hwloc-compat
  provides mpi 3.1
package cuda 12.4
package hwloc 2.10.0
package lammps 2023.8.2
  depends openmpi+cuda fabrics=ofi >=4
  conflicts mpich
  breaks old-lammps <2
`;

describe('nip manifest', () => {
  it('parses every field and resolves', () => {
    const { universe, sources } = parseManifest(MANIFEST);
    expect(sources).toEqual([
      { name: 'main', priority: 10 },
      { name: 'testing', priority: 1 },
    ]);
    expect(universe.packages[0]).toEqual({
      name: 'openmpi',
      version: '4.1.6',
      source: 'main',
      flags: ['-O2', '-fPIC'],
      variants: {
        cuda: { values: [false, true], default: false },
        fabrics: { values: ['ucx', 'ofi'], default: 'ucx' },
      },
      depends: [
        { anyOf: [{ name: 'cuda', range: '>=11' }], when: { cuda: true } },
        { anyOf: [{ name: 'hwloc', range: '2.*' }, { name: 'hwloc-compat' }] },
      ],
      provides: [{ name: 'mpi', version: '3.1' }],
    });
    const plan = resolve(universe, { install: [{ name: 'lammps' }] });
    expect(plan.packages.find((p) => p.name === 'openmpi')?.variants).toEqual({ cuda: true, fabrics: 'ofi' });
  });

  it('parses requirements with variants and ranges', () => {
    expect(parseRequirement('openmpi+cuda~debug fabrics=ofi >=4.1, <5')).toEqual({
      name: 'openmpi',
      variants: { cuda: true, debug: false, fabrics: 'ofi' },
      range: '>=4.1, <5',
    });
  });

  it('names the line of each error', () => {
    const bad = (text: string) => {
      try {
        parseManifest(text);
      } catch (e) {
        return e as ManifestError;
      }
      throw new Error('expected a ManifestError');
    };
    expect(bad('nope\n').line).toBe(1);
    expect(bad('nip-manifest 1\nscheme cobol\n').line).toBe(2);
    expect(bad('nip-manifest 1\npackage a 1\n  variant x a b\n').line).toBe(3);
    expect(bad('nip-manifest 1\npackage a 1.x\n').line).toBe(2);
    expect(bad('nip-manifest 1\n  depends b\n').line).toBe(2);
    expect(bad('nip-manifest 1\npackage a 1\n  depends b >=x\n').message).toMatch(/line 2: range: ">=x"/);
  });
});

describe('npm manifests', () => {
  it('resolves dependencies and required peers, not optional ones', () => {
    const u = fromNpm([
      {
        name: 'app',
        version: '1.0.0',
        dependencies: { lib: '^2.1.0' },
        optionalDependencies: { fsevents: '^2' },
      },
      {
        name: 'lib',
        versions: {
          '2.1.0': { name: 'lib', version: '2.1.0' },
          '2.4.1': { name: 'lib', version: '2.4.1', peerDependencies: { react: '>=18' } },
          '3.0.0': { name: 'lib', version: '3.0.0' },
        },
      },
      { name: 'react', version: '18.3.1' },
    ]);
    const plan = resolve(u, { install: [{ name: 'app' }] });
    expect(plan.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'app@1.0.0',
      'lib@2.4.1',
      'react@18.3.1',
    ]);
  });
});
