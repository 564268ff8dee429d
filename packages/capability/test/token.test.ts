import { describe, expect, it } from 'vitest';
import {
  attenuateToken,
  type CapabilityError,
  decodeToken,
  encodeToken,
  mintToken,
  nobleEd25519,
  proveHolder,
  revocationIds,
  TokenVerifier,
  tokenCaps,
} from '../src/index.js';
import { algebra, codeOf, makeWorld, type World } from './_fixtures.js';

async function fiveLinkChain(world: World): Promise<Uint8Array> {
  const steps = [
    { verb: 'fs.admin', scope: '/etc/nexus', ttlMs: 500_000 },
    { verb: 'fs.write', scope: '/etc/nexus', ttlMs: 400_000 },
    { verb: 'fs.append', scope: '/etc/nexus/logs', ttlMs: 300_000 },
    { verb: 'fs.append', scope: '/etc/nexus/logs/today', ttlMs: 200_000 },
  ];
  let token = await mintToken(
    world.root,
    { verb: 'fs.admin', scope: '/etc', ttlMs: 600_000 },
    world.keys[0].publicKey,
    world.options,
  );
  for (const [i, spec] of steps.entries()) {
    token = await attenuateToken(token, world.keys[i], spec, world.keys[i + 1].publicKey, world.options);
  }
  return token;
}

describe('token chains', () => {
  it('mints, attenuates through five links and verifies offline with the root key only', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    const verified = await world.verifier.verify(token);
    expect(verified.linkCount).toBe(5);
    expect(verified.cap.scope).toBe('/etc/nexus/logs/today');
    world.verifier.authorize(verified, {
      verb: 'fs.append',
      path: '/etc/nexus/logs/today/1.log',
      atMs: world.clock.nowMs(),
    });
    expect(() =>
      world.verifier.authorize(verified, {
        verb: 'fs.read',
        path: '/etc/nexus/logs/today/1.log',
        atMs: world.clock.nowMs(),
      }),
    ).toThrow(/DENIED/);
  });

  it('encoding is canonical: decode then encode gives the same bytes', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    expect(encodeToken(decodeToken(token))).toEqual(token);
  });

  it('a verifier on the noble backend accepts what a WebCrypto signer produced', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    const verifier = new TokenVerifier({
      algebra,
      roots: [world.root.publicKey],
      clock: world.clock,
      backend: nobleEd25519,
    });
    expect((await verifier.verify(token)).linkCount).toBe(5);
  });

  it('refuses a widening attenuation and logs it, never narrowing silently', async () => {
    const world = await makeWorld();
    const [a, b] = world.keys;
    const token = await mintToken(
      world.root,
      { verb: 'fs.read', scope: '/etc/nexus' },
      a.publicKey,
      world.options,
    );
    expect(
      await codeOf(attenuateToken(token, a, { verb: 'fs.read', scope: '/etc' }, b.publicKey, world.options)),
    ).toBe('WIDENED');
    expect(
      await codeOf(
        attenuateToken(token, a, { verb: 'fs.admin', scope: '/etc/nexus' }, b.publicKey, world.options),
      ),
    ).toBe('WIDENED');
    expect(
      await codeOf(
        attenuateToken(token, a, { verb: 'fs.write', scope: '/etc/nexus' }, b.publicKey, world.options),
      ),
    ).toBe('WIDENED');
    const later = world.clock.nowMs() + 10 * 60_000;
    expect(
      await codeOf(
        attenuateToken(
          token,
          a,
          { verb: 'fs.read', scope: '/etc/nexus', notAfterMs: later },
          b.publicKey,
          world.options,
        ),
      ),
    ).toBe('WIDENED');
    expect(world.events.filter((event) => event.startsWith('escalation')).length).toBe(4);
  });

  it('default windows nest in the parent: short TTLs by default', async () => {
    const world = await makeWorld();
    const [a, b] = world.keys;
    const token = await mintToken(world.root, { verb: 'fs.read', scope: '/etc' }, a.publicKey, world.options);
    world.clock.advance(60_000);
    const child = await attenuateToken(
      token,
      a,
      { verb: 'fs.read', scope: '/etc/nexus' },
      b.publicKey,
      world.options,
    );
    const [parentCap, childCap] = tokenCaps(child);
    expect(parentCap.window.notAfterMs - parentCap.window.notBeforeMs).toBe(5 * 60_000);
    expect(childCap.window.notAfterMs).toBe(parentCap.window.notAfterMs);
    expect(childCap.window.notBeforeMs).toBe(world.clock.nowMs());
  });

  it('rejects expired and not-yet-valid chains, naming the link', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    world.clock.advance(250_000);
    const error = await world.verifier.verify(token).catch((e: CapabilityError) => e);
    expect((error as CapabilityError).code).toBe('EXPIRED');
    expect((error as CapabilityError).linkIndex).toBe(4);
    const early = await makeWorld(2);
    const future = await mintToken(
      early.root,
      {
        verb: 'fs.read',
        scope: '/etc',
        notBeforeMs: early.clock.nowMs() + 1000,
        notAfterMs: early.clock.nowMs() + 2000,
      },
      early.keys[0].publicKey,
      early.options,
    );
    expect(await codeOf(early.verifier.verify(future))).toBe('NOT_YET_VALID');
  });

  it('a hand-built widened link is refused at verification even with valid signatures', async () => {
    const world = await makeWorld();
    const [a, b] = world.keys;
    const token = await mintToken(
      world.root,
      { verb: 'fs.read', scope: '/etc/nexus' },
      a.publicKey,
      world.options,
    );
    // A lenient issuer with a permissive algebra signs a wider link; the strict verifier refuses it.
    const lenient = { ...world.options, algebra: { leq: () => true } as unknown as typeof algebra };
    const widened = await attenuateToken(token, a, { verb: 'fs.read', scope: '/etc' }, b.publicKey, lenient);
    const error = (await world.verifier.verify(widened).catch((e) => e)) as CapabilityError;
    expect(error.code).toBe('WIDENED');
    expect(error.linkIndex).toBe(1);
  });

  it('revoking a link kills every token derived through it (revoked ancestor)', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    expect((await world.verifier.verify(token)).linkCount).toBe(5);
    const ids = revocationIds(token);
    world.revocations.revoke(ids[2]);
    const error = (await world.verifier.verify(token).catch((e) => e)) as CapabilityError;
    expect(error.code).toBe('REVOKED');
    expect(error.linkIndex).toBe(2);
    // Also through a fresh verifier that never cached it.
    const fresh = new TokenVerifier({
      algebra,
      roots: [world.root.publicKey],
      clock: world.clock,
      revocations: world.revocations,
    });
    expect(await codeOf(fresh.verify(token))).toBe('REVOKED');
  });

  it('reordered links break the signature chain', async () => {
    const world = await makeWorld();
    const decoded = decodeToken(await fiveLinkChain(world));
    const links = [...decoded.links];
    [links[2], links[3]] = [links[3], links[2]];
    expect(await codeOf(world.verifier.verify(encodeToken({ rootKey: decoded.rootKey, links })))).toMatch(
      /BAD_SIGNATURE|WIDENED/,
    );
    const swapped = [...decoded.links];
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    // Links 1 and 2 here carry the same verb family; swap the signatures path only.
    expect(
      await codeOf(world.verifier.verify(encodeToken({ rootKey: decoded.rootKey, links: swapped }))),
    ).not.toBe('accepted');
  });

  it('a link re-signed by anyone but the previous holder is refused', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    const decoded = decodeToken(token);
    const intruder = world.keys[5];
    const last = decoded.links[4];
    // Re-sign link 4 with the intruder's key over the same message.
    const { LINK_DOMAIN, rootDigest, linkDigest } = await import('../src/index.js');
    let parent = rootDigest(decoded.rootKey);
    for (let i = 0; i < 4; i++)
      parent = linkDigest(parent, decoded.links[i].bodyBytes, decoded.links[i].signature);
    const message = new Uint8Array([...LINK_DOMAIN, ...parent, ...last.bodyBytes]);
    const resigned = { ...last, signature: await intruder.sign(message) };
    const forged = encodeToken({ rootKey: decoded.rootKey, links: [...decoded.links.slice(0, 4), resigned] });
    const error = (await world.verifier.verify(forged).catch((e) => e)) as CapabilityError;
    expect(error.code).toBe('BAD_SIGNATURE');
    expect(error.linkIndex).toBe(4);
  });

  it('an untrusted root is refused', async () => {
    const world = await makeWorld();
    const other = await makeWorld(7);
    expect(await codeOf(other.verifier.verify(await fiveLinkChain(world)))).toBe('UNKNOWN_ROOT');
  });

  it('truncated tokens are TRUNCATED at every cut', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    for (let cut = 0; cut < token.length; cut++) {
      expect(await codeOf(world.verifier.verify(token.subarray(0, cut)))).toMatch(
        /TRUNCATED|BAD_MAGIC|LIMIT_EXCEEDED/,
      );
    }
  });

  it('holder binding: only the holder key proves possession', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    const challenge = Uint8Array.of(1, 2, 3, 4);
    const proof = await proveHolder(token, world.keys[4], challenge);
    expect((await world.verifier.verify(token, { challenge, proof })).linkCount).toBe(5);
    const thief = await proveHolder(token, world.keys[5], challenge);
    expect(await codeOf(world.verifier.verify(token, { challenge, proof: thief }))).toBe('WRONG_HOLDER');
    expect(await codeOf(world.verifier.verify(token, { challenge: Uint8Array.of(9), proof }))).toBe(
      'WRONG_HOLDER',
    );
    expect(
      await codeOf(
        attenuateToken(
          token,
          world.keys[5],
          { verb: 'fs.append', scope: '/etc/nexus/logs/today' },
          world.keys[5].publicKey,
          world.options,
        ),
      ),
    ).toBe('WRONG_HOLDER');
  });

  it('the cache re-checks windows and revocation on every hit', async () => {
    const world = await makeWorld();
    const token = await fiveLinkChain(world);
    await world.verifier.verify(token);
    expect(world.verifier.verifyCached(token)?.linkCount).toBe(5);
    world.clock.advance(199_999);
    expect(world.verifier.verifyCached(token)?.linkCount).toBe(5);
    world.clock.advance(1);
    expect(() => world.verifier.verifyCached(token)).toThrow(/EXPIRED/);
    const again = await makeWorld();
    const t2 = await fiveLinkChain(again);
    await again.verifier.verify(t2);
    again.revocations.revoke(revocationIds(t2)[0]);
    expect(() => again.verifier.verifyCached(t2)).toThrow(/REVOKED/);
  });
});

describe('decoding errors name the link', () => {
  it('a malformed body in link 1 is reported at link 1', async () => {
    const world = await makeWorld(4);
    const token = await mintToken(
      world.root,
      { verb: 'fs.read', scope: '/etc' },
      world.keys[0].publicKey,
      world.options,
    );
    const two = await attenuateToken(
      token,
      world.keys[0],
      { verb: 'fs.read', scope: '/etc/a' },
      world.keys[1].publicKey,
      world.options,
    );
    const bytes = two.slice();
    // Link 1 starts after the header and link 0; its verb length byte sits at body offset 64.
    const link0Length = (bytes[38] << 8) | bytes[39];
    const link1Body = 38 + 2 + link0Length + 64 + 2;
    bytes[link1Body + 64] = 0;
    const error = (() => {
      try {
        decodeToken(bytes);
      } catch (e) {
        return e as CapabilityError;
      }
      throw new Error('accepted');
    })();
    expect(error.code).toBe('BAD_VERB');
    expect(error.linkIndex).toBe(1);
  });
});

describe('verified results are per caller', () => {
  it('mutating one result cannot change what the cache hands the next caller', async () => {
    const world = await makeWorld(6);
    const token = await mintToken(
      world.root,
      { verb: 'fs.read', scope: '/etc/nexus' },
      world.keys[0].publicKey,
      world.options,
    );
    const first = await world.verifier.verify(token);
    first.holder.fill(0);
    expect(() => {
      (first.cap as { scope: string }).scope = '/';
    }).toThrow(TypeError);
    const second = world.verifier.verifyCached(token);
    expect(second?.holder).toEqual(world.keys[0].publicKey);
    expect(second?.cap.scope).toBe('/etc/nexus');
  });
});

describe('authorize auditing', () => {
  it('reports denials always and uses when asked', async () => {
    const world = await makeWorld(8);
    const events: string[] = [];
    const verifier = new TokenVerifier({
      algebra,
      roots: [world.root.publicKey],
      clock: world.clock,
      audit: (e) => events.push(`${e.kind} ${e.detail}`),
      auditUses: true,
    });
    const token = await mintToken(
      world.root,
      { verb: 'fs.read', scope: '/etc' },
      world.keys[0].publicKey,
      world.options,
    );
    const verified = await verifier.verify(token);
    verifier.authorize(verified, { verb: 'fs.read', path: '/etc/hosts', atMs: world.clock.nowMs() });
    expect(() =>
      verifier.authorize(verified, { verb: 'fs.write', path: '/etc/hosts', atMs: world.clock.nowMs() }),
    ).toThrow(/DENIED/);
    expect(events).toEqual(['use fs.read /etc/hosts', 'deny missing fs.write /etc/hosts']);
  });
});
