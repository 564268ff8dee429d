/**
 * The worked examples of the pub solver documentation (dart-lang/pub, doc/solver.md,
 * "Examples") as golden tests: the same solutions, and for the two failing examples the same
 * derivation in words.
 */
import { describe, expect, it } from 'vitest';
import { resolve, SolveFailure, semver, Universe } from '../src/index.js';

type Spec = Record<string, Record<string, Record<string, string>>>;

function universe(spec: Spec): Universe {
  const u = new Universe(semver);
  for (const [name, versions] of Object.entries(spec)) {
    for (const [version, deps] of Object.entries(versions)) {
      u.add({
        name,
        version,
        depends: Object.entries(deps).map(([dep, range]) => ({ anyOf: [{ name: dep, range }] })),
      });
    }
  }
  return u;
}

function solve(spec: Spec, root: Record<string, string>) {
  const u = universe(spec);
  const plan = resolve(u, { install: Object.entries(root).map(([name, range]) => ({ name, range })) });
  return Object.fromEntries(plan.packages.map((p) => [p.name, p.version]));
}

function failure(spec: Spec, root: Record<string, string>): string[] {
  try {
    solve(spec, root);
  } catch (e) {
    if (e instanceof SolveFailure) return e.explanation.lines;
    throw e;
  }
  throw new Error('expected a SolveFailure');
}

describe('PubGrub documentation examples', () => {
  it('no conflicts', () => {
    const spec: Spec = { foo: { '1.0.0': { bar: '^1.0.0' } }, bar: { '1.0.0': {}, '2.0.0': {} } };
    expect(solve(spec, { foo: '^1.0.0' })).toEqual({ foo: '1.0.0', bar: '1.0.0' });
  });

  it('avoiding conflict during decision making', () => {
    const spec: Spec = {
      foo: { '1.0.0': {}, '1.1.0': { bar: '^2.0.0' } },
      bar: { '1.0.0': {}, '1.1.0': {}, '2.0.0': {} },
    };
    expect(solve(spec, { foo: '^1.0.0', bar: '^1.0.0' })).toEqual({ foo: '1.0.0', bar: '1.1.0' });
  });

  it('performing conflict resolution', () => {
    const spec: Spec = {
      foo: { '1.0.0': {}, '2.0.0': { bar: '^1.0.0' } },
      bar: { '1.0.0': { foo: '^1.0.0' } },
    };
    expect(solve(spec, { foo: '>=1.0.0' })).toEqual({ foo: '1.0.0' });
  });

  it('conflict resolution with a partial satisfier', () => {
    const spec: Spec = {
      foo: { '1.0.0': {}, '1.1.0': { left: '^1.0.0', right: '^1.0.0' } },
      left: { '1.0.0': { shared: '>=1.0.0' } },
      right: { '1.0.0': { shared: '<2.0.0' } },
      shared: { '1.0.0': { target: '^1.0.0' }, '2.0.0': {} },
      target: { '1.0.0': {}, '2.0.0': {} },
    };
    expect(solve(spec, { foo: '^1.0.0', target: '^2.0.0' })).toEqual({ foo: '1.0.0', target: '2.0.0' });
  });

  it('linear error reporting', () => {
    const spec: Spec = {
      foo: { '1.0.0': { bar: '^2.0.0' } },
      bar: { '2.0.0': { baz: '^3.0.0' } },
      baz: { '1.0.0': {}, '3.0.0': {} },
    };
    expect(failure(spec, { foo: '^1.0.0', baz: '^1.0.0' })).toEqual([
      'Because every version of foo depends on bar ^2.0.0 which depends on baz ^3.0.0, every version of foo requires baz ^3.0.0.',
      'So, because root depends on both baz ^1.0.0 and foo ^1.0.0, version solving failed.',
    ]);
  });

  it('branching error reporting', () => {
    const spec: Spec = {
      foo: { '1.0.0': { a: '^1.0.0', b: '^1.0.0' }, '1.1.0': { x: '^1.0.0', y: '^1.0.0' } },
      a: { '1.0.0': { b: '^2.0.0' } },
      b: { '1.0.0': {}, '2.0.0': {} },
      x: { '1.0.0': { y: '^2.0.0' } },
      y: { '1.0.0': {}, '2.0.0': {} },
    };
    expect(failure(spec, { foo: '^1.0.0' })).toEqual([
      'Because foo <1.1.0 depends on a ^1.0.0 which depends on b ^2.0.0, foo <1.1.0 requires b ^2.0.0.',
      'So, because foo <1.1.0 depends on b ^1.0.0, foo <1.1.0 is forbidden. (1)',
      '',
      'Because foo >=1.1.0 depends on x ^1.0.0 which depends on y ^2.0.0, foo >=1.1.0 requires y ^2.0.0.',
      'And because foo >=1.1.0 depends on y ^1.0.0, foo >=1.1.0 is forbidden.',
      'And because foo <1.1.0 is forbidden (1), foo is forbidden.',
      'So, because root depends on foo ^1.0.0, version solving failed.',
    ]);
  });
});
