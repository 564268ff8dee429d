import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { fromBase64, toBase64 } from '../src/_bytes.js';
import {
  Authority,
  type Cap,
  caveatsAllow,
  caveatsCover,
  caveatsMeet,
  decodeLinkBody,
  encodeLinkBody,
  isCanonicalPath,
  ManualClock,
  MerkleTree,
  normalizeCaveats,
  Pledge,
  PROMISES,
  scopeCovers,
  scopeMeet,
  scopeProblem,
  Unveil,
  verifyConsistency,
  verifyInclusion,
  windowContains,
  windowCovers,
} from '../src/index.js';
import {
  capArb,
  caveatArb,
  contextArb,
  pathArb,
  requestArb,
  scopeArb,
  timeArb,
  VERB_POOL,
  verbArb,
} from './_arbitraries.js';
import { algebra, verbs } from './_fixtures.js';

const RUNS = 10_000;
let runs = 0;
let laws = 0;

/** Runs one law for RUNS cases, counting every executed case. */
function law<T extends unknown[]>(
  name: string,
  arbs: { [K in keyof T]: fc.Arbitrary<T[K]> },
  predicate: (...args: T) => boolean,
): void {
  it(name, () => {
    laws++;
    fc.assert(
      fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), (...args: unknown[]) => {
        runs++;
        return predicate(...(args as T));
      }),
      { numRuns: RUNS },
    );
  });
}

afterAll(() => {
  console.log(`property runs: ${runs} (${laws} laws x ${RUNS})`);
});

const sameSemantics = (a: Cap | null, b: Cap | null, requests: Parameters<typeof algebra.check>[1][]) =>
  requests.every((x) => algebra.check(a, x) === algebra.check(b, x));
const requests = fc.array(requestArb, { minLength: 8, maxLength: 8 });

describe('order', () => {
  law('1. reflexive: a ⊑ a', [capArb], (a) => algebra.leq(a, a));
  law('2. antisymmetric: a ⊑ b ∧ b ⊑ a ⇒ same requests allowed', [capArb, capArb, requests], (a, b, xs) => {
    const b2 = algebra.meet(b, a) ?? b;
    return !(algebra.leq(a, b2) && algebra.leq(b2, a)) || sameSemantics(a, b2, xs);
  });
  law('3. transitive: a ⊑ b ⊑ c ⇒ a ⊑ c', [capArb, capArb, capArb], (x, y, c) => {
    const b = algebra.meet(y, c);
    const a = algebra.meet(x, b);
    return !(algebra.leq(a, b) && algebra.leq(b, c)) || algebra.leq(a, c);
  });
  law('4. sound: a ⊑ b ∧ check(a, x) ⇒ check(b, x)', [capArb, capArb, requestArb], (a0, b, x) => {
    const a = algebra.meet(a0, b);
    return !algebra.leq(a, b) || !algebra.check(a, x) || algebra.check(b, x);
  });
  law(
    '5. bottom is least and allows nothing',
    [capArb, requestArb],
    (a, x) => algebra.leq(null, a) && !algebra.check(null, x),
  );
});

describe('meet', () => {
  law('6. idempotent', [capArb], (a) => algebra.equivalent(algebra.meet(a, a), a));
  law('7. commutative', [capArb, capArb], (a, b) =>
    algebra.equivalent(algebra.meet(a, b), algebra.meet(b, a)),
  );
  law('8. associative', [capArb, capArb, capArb], (a, b, c) =>
    algebra.equivalent(algebra.meet(algebra.meet(a, b), c), algebra.meet(a, algebra.meet(b, c))),
  );
  law('9. lower bound: a ⊓ b ⊑ a and a ⊓ b ⊑ b', [capArb, capArb], (a, b) => {
    const m = algebra.meet(a, b);
    return algebra.leq(m, a) && algebra.leq(m, b);
  });
  law('10. greatest: c ⊑ a ∧ c ⊑ b ⇒ c ⊑ a ⊓ b', [capArb, capArb, capArb], (a, b, d) => {
    const c = algebra.meet(algebra.meet(a, b), d) ?? d;
    return !(algebra.leq(c, a) && algebra.leq(c, b)) || algebra.leq(c, algebra.meet(a, b));
  });
  law('11. check(a ⊓ b, x) = check(a, x) ∧ check(b, x)', [capArb, capArb, requestArb], (a, b, x) => {
    return algebra.check(algebra.meet(a, b), x) === (algebra.check(a, x) && algebra.check(b, x));
  });
  law(
    '12. order from meet: a ⊑ b ⇔ a ⊓ b ≡ a',
    [capArb, capArb],
    (a, b) => algebra.leq(a, b) === algebra.equivalent(algebra.meet(a, b), a),
  );
  law(
    '13. bottom absorbs: a ⊓ ⊥ = ⊥',
    [capArb],
    (a) => algebra.meet(a, null) === null && algebra.meet(null, a) === null,
  );
  law(
    '14. complete on the finite universe: ¬(a ⊑ b) with a ≠ ⊥ has a witness a allows and b refuses',
    [capArb, capArb],
    (a, b) => {
      if (algebra.isBottom(a) || algebra.leq(a, b)) return true;
      // The most permissive request a allows, per component: a's own verb and scope, every instant
      // of a's window, each max key at a's limit, each oneOf key at each of a's values, and every
      // key a does not constrain left out (the hardest case for b).
      const base: Record<string, number | string> = {};
      const choices: [string, string[]][] = [];
      for (const c of a.caveats) {
        if (c.kind === 'max') base[c.key] = c.limit;
        else choices.push([c.key, [...c.values]]);
      }
      const contexts: Record<string, number | string>[] = [base];
      for (const [key, values] of choices) {
        const next: Record<string, number | string>[] = [];
        for (const ctx of contexts) for (const v of values) next.push({ ...ctx, [key]: v });
        contexts.splice(0, contexts.length, ...next);
      }
      for (let t = a.window.notBeforeMs; t < a.window.notAfterMs; t++) {
        for (const context of contexts) {
          const x = { verb: a.verb, path: a.scope, atMs: t, context };
          if (algebra.check(a, x) && !algebra.check(b, x)) return true;
        }
      }
      return false;
    },
  );
});

describe('components', () => {
  law(
    '15. verb coverage is transitive',
    [verbArb, verbArb, verbArb],
    (a, b, c) => !(verbs.covers(a, b) && verbs.covers(b, c)) || verbs.covers(a, c),
  );
  law('16. verb meet is exact', [verbArb, verbArb], (a, b) => {
    const m = verbs.meet(a, b);
    return VERB_POOL.every(
      (v) => (m !== null && verbs.covers(m, v)) === (verbs.covers(a, v) && verbs.covers(b, v)),
    );
  });
  law('17. scopes cover by whole segment', [scopeArb, pathArb], (s, p) => {
    const sSeg = s === '/' ? [] : s.slice(1).split('/');
    const pSeg = p === '/' ? [] : p.slice(1).split('/');
    const expected = sSeg.length <= pSeg.length && sSeg.every((seg, i) => pSeg[i] === seg);
    return scopeCovers(s, p) === expected;
  });
  law('18. scope meet is exact', [scopeArb, scopeArb, pathArb], (s, t, p) => {
    const m = scopeMeet(s, t);
    return (m !== null && scopeCovers(m, p)) === (scopeCovers(s, p) && scopeCovers(t, p));
  });
  law(
    '19. windows nest: v ⊆ w ⇒ every instant of v is in w',
    [timeArb, timeArb, timeArb, timeArb, timeArb],
    (a, b, c, d, t) => {
      const w = { notBeforeMs: Math.min(a, b), notAfterMs: Math.max(a, b) };
      const v = { notBeforeMs: Math.min(c, d), notAfterMs: Math.max(c, d) };
      return !windowCovers(w, v) || !windowContains(v, t) || windowContains(w, t);
    },
  );
  law(
    '20. caveat meet is exact',
    [fc.array(caveatArb, { maxLength: 3 }), fc.array(caveatArb, { maxLength: 3 }), contextArb],
    (a, b, ctx) => {
      const x = normalizeCaveats(a);
      const y = normalizeCaveats(b);
      return caveatsAllow(caveatsMeet(x, y), ctx) === (caveatsAllow(x, ctx) && caveatsAllow(y, ctx));
    },
  );
  law(
    '21. caveat cover is sound',
    [fc.array(caveatArb, { maxLength: 3 }), fc.array(caveatArb, { maxLength: 3 }), contextArb],
    (a, b, ctx) => {
      const outer = normalizeCaveats(a);
      const inner = caveatsMeet(normalizeCaveats(b), outer);
      return caveatsCover(outer, inner) && (!caveatsAllow(inner, ctx) || caveatsAllow(outer, ctx));
    },
  );
  law('22. caveat normalisation is idempotent', [fc.array(caveatArb, { maxLength: 5 })], (a) => {
    const once = normalizeCaveats(a);
    return JSON.stringify(normalizeCaveats(once)) === JSON.stringify(once);
  });
  law(
    '23. canonical path test agrees with the scope grammar',
    [fc.array(fc.constantFrom('/', 'a', '.', 'b'), { maxLength: 8 })],
    (chars) => {
      const p = chars.join('');
      return isCanonicalPath(p) === (scopeProblem(p) === null);
    },
  );
});

describe('encoding', () => {
  const bodyArb = fc.record({
    nonce: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    holder: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    cap: capArb,
  });
  law('24. link bodies round-trip', [bodyArb], (body) => {
    const decoded = decodeLinkBody(encodeLinkBody(body));
    return (
      JSON.stringify({ ...decoded, nonce: [...decoded.nonce], holder: [...decoded.holder] }) ===
      JSON.stringify({ ...body, nonce: [...body.nonce], holder: [...body.holder] })
    );
  });
  law('25. encoding is canonical: encode(decode(bytes)) = bytes', [bodyArb], (body) => {
    const bytes = encodeLinkBody(body);
    return toBase64(encodeLinkBody(decodeLinkBody(bytes))) === toBase64(bytes);
  });
  law('26. encoding is injective on distinct capabilities', [bodyArb, capArb], (body, other) => {
    const same = JSON.stringify(body.cap) === JSON.stringify(other);
    const equalBytes = toBase64(encodeLinkBody(body)) === toBase64(encodeLinkBody({ ...body, cap: other }));
    return same === equalBytes;
  });
  law(
    '27. strict base64 round-trips',
    [fc.uint8Array({ maxLength: 40 })],
    (bytes) => toBase64(fromBase64(toBase64(bytes)) as Uint8Array) === toBase64(bytes),
  );
});

describe('authority', () => {
  const specArb = capArb.map((c) => ({
    verb: c.verb,
    scope: c.scope,
    notBeforeMs: c.window.notBeforeMs,
    notAfterMs: c.window.notAfterMs,
    caveats: c.caveats,
  }));
  const liveCapArb = capArb.filter((c) => !algebra.isBottom(c));
  law(
    '28. attenuation never amplifies: an accepted derive allows only what its parent allows',
    [liveCapArb, specArb, fc.array(requestArb, { minLength: 6, maxLength: 6 })],
    (root, spec, xs) => {
      const clock = new ManualClock(0);
      const authority = new Authority({ algebra, clock });
      const slot = authority.grantRoot({
        ...root,
        notBeforeMs: root.window.notBeforeMs,
        notAfterMs: root.window.notAfterMs,
      });
      const child = authority.createCSpace('child');
      let derived: number;
      try {
        derived = authority.root.derive(slot, child, spec);
      } catch {
        // Refused exactly when the request allows nothing or is not below the parent.
        const asked = {
          verb: spec.verb,
          scope: spec.scope,
          window: { notBeforeMs: spec.notBeforeMs, notAfterMs: spec.notAfterMs },
          caveats: spec.caveats,
        };
        return algebra.isBottom(asked) || !algebra.leq(asked, root);
      }
      const cap = child.get(derived) as Cap;
      return algebra.leq(cap, root) && xs.every((x) => !algebra.check(cap, x) || algebra.check(root, x));
    },
  );
  law(
    '29. windows nest along every derivation chain',
    [liveCapArb, fc.array(specArb, { minLength: 1, maxLength: 5 })],
    (root, specs) => {
      const authority = new Authority({ algebra, clock: new ManualClock(0) });
      let slot = authority.grantRoot({
        ...root,
        notBeforeMs: root.window.notBeforeMs,
        notAfterMs: root.window.notAfterMs,
      });
      let space = authority.root;
      let parent = root;
      for (let i = 0; i < specs.length; i++) {
        const next = authority.createCSpace(`f${i}`);
        try {
          slot = space.derive(slot, next, specs[i]);
        } catch {
          continue;
        }
        const cap = next.get(slot) as Cap;
        if (!windowCovers(parent.window, cap.window)) return false;
        parent = cap;
        space = next;
      }
      return true;
    },
  );
  law(
    '30. revocation is complete: revoking a node removes exactly its descendants, in every CSpace',
    [fc.array(fc.tuple(fc.nat(), fc.nat(3)), { minLength: 1, maxLength: 12 }), fc.nat()],
    (shape, pick) => {
      const authority = new Authority({ algebra, clock: new ManualClock(0) });
      const spaces = [
        authority.root,
        authority.createCSpace('s1'),
        authority.createCSpace('s2'),
        authority.createCSpace('s3'),
      ];
      const nodes: { space: number; slot: number; parent: number; scope: string }[] = [];
      nodes.push({
        space: 0,
        slot: authority.grantRoot({ verb: 'fs.read', scope: '/', notAfterMs: 100 }),
        parent: -1,
        scope: '/',
      });
      for (const [p, s] of shape) {
        const parentIndex = p % nodes.length;
        const parentNode = nodes[parentIndex];
        const scope = `${parentNode.scope === '/' ? '' : parentNode.scope}/n${nodes.length}`;
        const slot = spaces[parentNode.space].derive(parentNode.slot, spaces[s], {
          verb: 'fs.read',
          scope,
          notAfterMs: 100,
        });
        nodes.push({ space: s, slot, parent: parentIndex, scope });
      }
      const victim = pick % nodes.length;
      const isDescendant = (i: number): boolean =>
        i === victim || (nodes[i].parent >= 0 && isDescendant(nodes[i].parent));
      spaces[nodes[victim].space].revoke(nodes[victim].slot);
      return nodes.every((node, i) => (spaces[node.space].get(node.slot) !== undefined) === !isDescendant(i));
    },
  );
  law(
    '31. pledge only narrows',
    [fc.array(fc.subarray([...PROMISES], { maxLength: 6 }), { minLength: 1, maxLength: 6 })],
    (calls) => {
      const pledge = new Pledge({ fiber: 'f', clock: new ManualClock(0) });
      let held: Set<string> | null = null;
      for (const call of calls) {
        const widens = held !== null && call.some((p) => !(held as Set<string>).has(p));
        try {
          pledge.pledge(call.join(' '));
          if (widens) return false;
          held = new Set(call);
        } catch {
          if (!widens) return false;
        }
        if (held && PROMISES.some((p) => pledge.allows(p) !== (held as Set<string>).has(p))) return false;
      }
      return true;
    },
  );
  law(
    "32. unveil's most specific rule",
    [
      fc.array(fc.tuple(scopeArb, fc.subarray(['r', 'w', 'x', 'c'])), { minLength: 1, maxLength: 6 }),
      pathArb,
    ],
    (unveils, path) => {
      const view = new Unveil({ fiber: 'f', clock: new ManualClock(0) });
      const table = new Map<string, string>();
      for (const [p, perms] of unveils) {
        view.unveil(p, perms.join(''));
        table.set(p, [...perms].sort().join(''));
      }
      let best: string | null = null;
      let depth = -1;
      for (const [p, perms] of table) {
        const d = p === '/' ? 0 : p.split('/').length - 1;
        if (scopeCovers(p, path) && d > depth) {
          best = perms;
          depth = d;
        }
      }
      return view.permissionsFor(path) === best;
    },
  );
});

describe('merkle', () => {
  law('33. every inclusion proof verifies', [fc.integer({ min: 1, max: 70 }), fc.nat()], (size, pick) => {
    const tree = new MerkleTree();
    for (let i = 0; i < size; i++) tree.appendData(Uint8Array.of(i));
    const index = pick % size;
    verifyInclusion(
      tree.hasher,
      index,
      size,
      tree.leafHash(index),
      tree.inclusionProof(index, size),
      tree.root(size),
    );
    return true;
  });
  law('34. every consistency proof verifies', [fc.integer({ min: 1, max: 70 }), fc.nat()], (size2, pick) => {
    const tree = new MerkleTree();
    for (let i = 0; i < size2; i++) tree.appendData(Uint8Array.of(i));
    const size1 = 1 + (pick % size2);
    verifyConsistency(
      tree.hasher,
      size1,
      size2,
      tree.consistencyProof(size1, size2),
      tree.root(size1),
      tree.root(size2),
    );
    return true;
  });
});
