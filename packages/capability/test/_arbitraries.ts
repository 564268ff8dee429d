import fc from 'fast-check';
import type { Cap, Caveat, Request } from '../src/index.js';
import { normalizeCaveats } from '../src/index.js';

/** Verbs of the shared hierarchy plus an undeclared one (isolated). */
export const VERB_POOL = [
  'fs.admin',
  'fs.read',
  'fs.write',
  'fs.append',
  'net.admin',
  'net.connect',
  'net.listen',
  'x.custom',
];
const SEGMENTS = ['a', 'b', 'ab', 'c'];

export const verbArb = fc.constantFrom(...VERB_POOL);
export const scopeArb = fc
  .array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 3 })
  .map((segments) => (segments.length === 0 ? '/' : `/${segments.join('/')}`));
export const pathArb = fc
  .array(fc.constantFrom(...SEGMENTS, 'd'), { minLength: 0, maxLength: 4 })
  .map((segments) => (segments.length === 0 ? '/' : `/${segments.join('/')}`));
export const timeArb = fc.integer({ min: 0, max: 20 });

export const caveatArb: fc.Arbitrary<Caveat> = fc.oneof(
  fc.record({
    kind: fc.constant('max' as const),
    key: fc.constantFrom('bytes', 'count'),
    limit: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('oneOf' as const),
    key: fc.constantFrom('host', 'mode'),
    values: fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
  }),
);

export const capArb: fc.Arbitrary<Cap> = fc
  .record({
    verb: verbArb,
    scope: scopeArb,
    t1: timeArb,
    t2: timeArb,
    caveats: fc.array(caveatArb, { maxLength: 3 }),
  })
  .map(({ verb, scope, t1, t2, caveats }) => ({
    verb,
    scope,
    window: { notBeforeMs: Math.min(t1, t2), notAfterMs: Math.max(t1, t2) + 1 },
    caveats: normalizeCaveats(caveats),
  }));

export const contextArb = fc.record(
  {
    bytes: fc.integer({ min: 0, max: 9 }),
    count: fc.integer({ min: 0, max: 9 }),
    host: fc.constantFrom('x', 'y', 'z', 'w'),
    mode: fc.constantFrom('x', 'y', 'z'),
  },
  { requiredKeys: [] },
);

export const requestArb: fc.Arbitrary<Request> = fc.record({
  verb: verbArb,
  path: pathArb,
  atMs: timeArb,
  context: contextArb,
});
