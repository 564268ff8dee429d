/**
 * The capability tour: a root authority mints a capability, a fiber attenuates and delegates it,
 * an escalation attempt is denied and lands in the ledger, a revocation cuts off a delegate, and
 * the ledger is replayed and verified against its signed checkpoints.
 *
 * Run: npm start (from the repository root), or
 *      node --conditions=nexus-src --import tsx examples/tour.ts
 */
import {
  Algebra,
  Authority,
  attenuateToken,
  CapabilityError,
  cryptoRandom,
  detectEd25519,
  Ledger,
  mintToken,
  noteVerifierKey,
  Pledge,
  proveHolder,
  RevocationList,
  replayLedger,
  revocationIds,
  systemClock,
  TokenVerifier,
  tokenCaps,
  Unveil,
  VerbHierarchy,
} from '@nexus/capability';

const say = (text: string) => console.log(text);
const refused = async (what: string, run: () => unknown) => {
  try {
    await run();
    say(`  !! ${what} was allowed`);
  } catch (error) {
    if (!(error instanceof CapabilityError)) throw error;
    say(
      `  refused ${what}: ${error.code}${error.linkIndex !== undefined ? ` at link ${error.linkIndex}` : ''} (${error.message.replace(/^\w+: /, '')})`,
    );
  }
};

const backend = await detectEd25519();
const clock = systemClock;
const random = cryptoRandom;
const verbs = new VerbHierarchy({ 'fs.admin': ['fs.read', 'fs.write'], 'fs.write': ['fs.append'] });
const algebra = new Algebra(verbs);
say(`Ed25519 backend: ${backend.name} (chosen automatically)`);

// The ledger every layer writes to.
const ledgerKey = await backend.signingKey(random.fill(new Uint8Array(32)));
const origin = 'nexus.example/capability-ledger';
const ledger = new Ledger({ origin, signer: { name: origin, key: ledgerKey } });
const audit = ledger.sink;

// 1. The root authority mints a signed capability for the fiber "indexer".
const root = await backend.signingKey(random.fill(new Uint8Array(32)));
const indexer = await backend.signingKey(random.fill(new Uint8Array(32)));
const helper = await backend.signingKey(random.fill(new Uint8Array(32)));
const options = { algebra, clock, random, audit };
const granted = await mintToken(
  root,
  { verb: 'fs.admin', scope: '/etc/nexus', ttlMs: 5 * 60_000 },
  indexer.publicKey,
  options,
);
say('\n1. root mints fs.admin /etc/nexus for 5 minutes to the indexer');
say(`   token: ${granted.length} bytes, 1 link`);

// 2. The indexer attenuates (read-only, one folder, 1 minute) and delegates to a helper fiber.
const delegated = await attenuateToken(
  granted,
  indexer,
  { verb: 'fs.read', scope: '/etc/nexus/notes', ttlMs: 60_000 },
  helper.publicKey,
  options,
);
say(
  '\n2. indexer attenuates to fs.read /etc/nexus/notes for 1 minute and delegates it to the helper, offline',
);
say(
  `   chain: ${tokenCaps(delegated)
    .map((cap) => `${cap.verb} ${cap.scope}`)
    .join('  →  ')}`,
);

// The service verifies offline with the root public key, and the helper proves possession.
const revocations = new RevocationList();
const verifier = new TokenVerifier({ algebra, roots: [root.publicKey], clock, revocations, backend, audit });
const challenge = random.fill(new Uint8Array(16));
const verified = await verifier.verify(delegated, {
  challenge,
  proof: await proveHolder(delegated, helper, challenge),
});
verifier.authorize(verified, { verb: 'fs.read', path: '/etc/nexus/notes/2026-11.md', atMs: clock.nowMs() });
say(
  "   service verifies the 2-link chain with only the root public key and the helper's proof of possession:",
);
say('   fs.read /etc/nexus/notes/2026-11.md  allowed');
await refused('fs.write /etc/nexus/notes/2026-11.md', () =>
  verifier.authorize(verified, {
    verb: 'fs.write',
    path: '/etc/nexus/notes/2026-11.md',
    atMs: clock.nowMs(),
  }),
);
await refused('fs.read /etc/nexus2/secret', () =>
  verifier.authorize(verified, { verb: 'fs.read', path: '/etc/nexus2/secret', atMs: clock.nowMs() }),
);
const stolenProof = await proveHolder(delegated, indexer, challenge);
await refused("the same token presented with a key that is not the holder's", () =>
  verifier.verify(delegated, { challenge, proof: stolenProof }),
);

// 3. The helper tries to escalate: refused, never silently narrowed, and written to the ledger.
say('\n3. helper asks for fs.write /etc/nexus from its fs.read /etc/nexus/notes');
await refused('the escalation', () =>
  attenuateToken(delegated, helper, { verb: 'fs.write', scope: '/etc/nexus' }, helper.publicKey, options),
);

// The same in-process: CSpaces with a derivation tree, pledge and unveil.
const authority = new Authority({ algebra, clock, audit });
authority.grantRoot({ verb: 'fs.admin', scope: '/', ttlMs: 3_600_000 });
const init = authority.spawn({
  fiber: 'init',
  grants: [{ verb: 'fs.admin', scope: '/srv', ttlMs: 600_000 }],
});
const web = authority.createCSpace('web');
const webSlot = init.derive(init.check('fs.admin', '/srv'), web, {
  verb: 'fs.read',
  scope: '/srv/www',
  ttlMs: 60_000,
});
say(
  `\n   CSpace: init delegates fs.read /srv/www to web (slot ${webSlot}); web checks /srv/www/index.html → slot ${web.check('fs.read', '/srv/www/index.html')}`,
);
await refused('web asking fs.admin /srv from its fs.read /srv/www', () =>
  web.derive(webSlot, web, { verb: 'fs.admin', scope: '/srv' }),
);
const pledge = new Pledge({ fiber: 'web', clock, audit });
pledge.pledge('stdio rpath inet unveil', 'stdio rpath');
await refused('web re-pledging wpath', () => pledge.pledge('stdio rpath wpath'));
const view = new Unveil({ fiber: 'web', clock, audit, pledge });
view.unveil('/srv/www', 'r');
view.lock();
await refused('web reading /etc/passwd behind unveil', () => view.check('/etc/passwd', 'r'));

// 4. A revocation cuts off the delegate: the indexer's grant to the helper is revoked.
const ids = revocationIds(delegated);
revocations.revoke(ids[1]);
audit({
  kind: 'revoke',
  subject: 'indexer',
  detail: `link 1 of the helper's chain (${[...ids[1]].map((b) => b.toString(16).padStart(2, '0')).join('')})`,
  atMs: clock.nowMs(),
});
say('\n4. indexer revokes the link it gave the helper');
await refused("the helper's token", () => verifier.verify(delegated));
const stillIndexer = await verifier.verify(granted);
say(`   the indexer's own token still verifies (${stillIndexer.linkCount} link)`);
const removed = init.revoke(init.check('fs.admin', '/srv'));
say(
  `   in-process: init revokes its /srv capability → ${removed} capabilities removed; web can read /srv/www: ${web.allows('fs.read', '/srv/www/index.html')}`,
);

// 5. Checkpoint and replay the ledger.
const checkpoint = await ledger.checkpoint();
say(
  `\n5. ledger: ${ledger.size} entries, checkpoint signed by ${noteVerifierKey(origin, ledgerKey.publicKey).slice(0, 48)}…`,
);
for (const line of checkpoint.trimEnd().split('\n')) say(`   | ${line}`);
for (let seq = 0; seq < ledger.size; seq++) {
  const entry = ledger.entry(seq);
  if (entry.kind !== 'grant' && entry.kind !== 'attenuate' && entry.kind !== 'delegate') {
    say(`   #${seq} ${entry.kind.padEnd(10)} ${entry.subject}: ${entry.detail}`);
  }
}
const report = await replayLedger(ledger.entries(), ledger.checkpoints, {
  origin,
  verifier: { name: origin, publicKey: ledgerKey.publicKey },
  backend,
});
say(`   replay: ${report.entries} entries, ${report.checkpoints} checkpoint verified, every root matches`);
const tampered = ledger.entries();
tampered.splice(3, 1);
await refused('a replay with entry #3 dropped', () =>
  replayLedger(tampered, ledger.checkpoints, {
    origin,
    verifier: { name: origin, publicKey: ledgerKey.publicKey },
    backend,
  }),
);
