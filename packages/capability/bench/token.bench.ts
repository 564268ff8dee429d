/**
 * Token chain figures (cold, cached, mint, attenuate) and @biscuit-auth/biscuit-wasm doing the same
 * work beside ours.
 *
 * Run: pnpm --filter @nexus/capability bench
 */
import { compare } from '@nexus/bench';
import {
  Algebra,
  attenuateToken,
  detectEd25519,
  ManualClock,
  mintToken,
  nobleEd25519,
  seededRandom,
  TokenVerifier,
  VerbHierarchy,
  webCryptoEd25519,
} from '../src/index.js';
import { loadBiscuit } from './_biscuit.js';

const verbs = new VerbHierarchy({ 'fs.admin': ['fs.read', 'fs.write'], 'fs.write': ['fs.append'] });
const algebra = new Algebra(verbs);
const random = seededRandom(2026);
const clock = new ManualClock(1_800_000_000_000);

const backend = await detectEd25519();
const rootKey = await backend.signingKey(random.fill(new Uint8Array(32)));
const holders = await Promise.all(
  [0, 1, 2, 3, 4, 5].map(() => backend.signingKey(random.fill(new Uint8Array(32)))),
);
const options = { algebra, clock, random };
const scopes = [
  '/etc',
  '/etc/nexus',
  '/etc/nexus/notes',
  '/etc/nexus/notes/2026',
  '/etc/nexus/notes/2026/11',
];
async function chain(): Promise<Uint8Array> {
  let token = await mintToken(
    rootKey,
    { verb: 'fs.admin', scope: '/', ttlMs: 3_600_000 },
    holders[0].publicKey,
    options,
  );
  for (let i = 0; i < 4; i++) {
    token = await attenuateToken(
      token,
      holders[i],
      { verb: i < 2 ? 'fs.admin' : 'fs.read', scope: scopes[i], ttlMs: 3_000_000 - i * 1000 },
      holders[i + 1].publicKey,
      options,
    );
  }
  return token;
}
const fiveLinks = await chain();
const request = { verb: 'fs.read', path: '/etc/nexus/notes/2026/a.txt', atMs: clock.nowMs() };
const coldVerifier = (b = backend) =>
  new TokenVerifier({ algebra, roots: [rootKey.publicKey], clock, backend: b, cacheEntries: 0 });
const webVerifier = coldVerifier(webCryptoEd25519(globalThis.crypto.subtle));
const nobleVerifier = coldVerifier(nobleEd25519);
const warm = new TokenVerifier({ algebra, roots: [rootKey.publicKey], clock, backend });
await warm.verify(fiveLinks);
await compare(
  'verify a 5-link token chain and authorize one request',
  [
    {
      name: 'nexus cold, WebCrypto Ed25519',
      ours: true,
      fn: async () => webVerifier.authorize(await webVerifier.verify(fiveLinks), request),
    },
    {
      name: 'nexus cold, @noble/curves fallback',
      fn: async () => nobleVerifier.authorize(await nobleVerifier.verify(fiveLinks), request),
    },
    {
      name: 'nexus cached (verifyCached, 1000 per sample)',
      fn: () => {
        for (let i = 0; i < 1000; i++) warm.authorize(warm.verifyCached(fiveLinks) as never, request);
      },
    },
  ],
  {
    note: `Token: ${fiveLinks.length} bytes. The cached row runs 1,000 verifications per sample: divide its median by 1,000. Goals: cold ≤ 1 ms with WebCrypto, cached ≤ 5 µs.`,
  },
);
await compare('mint and attenuate', [
  {
    name: 'mint (root signs one link)',
    ours: true,
    fn: () => mintToken(rootKey, { verb: 'fs.read', scope: '/etc' }, holders[0].publicKey, options),
  },
  {
    name: 'attenuate a 5-link chain to 6',
    fn: () =>
      attenuateToken(
        fiveLinks,
        holders[4],
        { verb: 'fs.read', scope: '/etc/nexus/notes/2026/11' },
        holders[5].publicKey,
        options,
      ),
  },
]);

// ---------------------------------------------------------------- side by side with Biscuit
const biscuit = await loadBiscuit();
const biscuitSkip = typeof biscuit === 'string' ? biscuit : undefined;
const biscuitWork = () => {
  const b = biscuit as Exclude<typeof biscuit, string>;
  const keyPair = new b.KeyPair(0);
  const builder = b.Biscuit.builder();
  builder.addCode('right("/", "fs.read"); check if time($t), $t < 2030-01-01T00:00:00Z;');
  let token = builder.build(keyPair.getPrivateKey());
  for (let i = 0; i < 5; i++) {
    const block = b.Biscuit.block_builder();
    block.addCode(
      `check if resource($r), $r.starts_with("${scopes[i]}"); check if time($t), $t < 2029-0${i + 1}-01T00:00:00Z;`,
    );
    token = token.appendBlock(block);
  }
  const parsed = b.Biscuit.fromBytes(token.toBytes(), keyPair.getPublicKey());
  const auth = new b.AuthorizerBuilder();
  auth.addCode(
    'time(2026-11-22T00:00:00Z); resource("/etc/nexus/notes/2026/11/a.txt"); operation("fs.read"); allow if right($p, $op), resource($r), operation($op), $r.starts_with($p);',
  );
  if (auth.buildAuthenticated(parsed).authorizeWithLimits({ max_time_micro: 1_000_000 }) !== 0)
    throw new Error('biscuit denied');
};
const nexusWork = async () => {
  let token = await mintToken(
    rootKey,
    { verb: 'fs.read', scope: '/', ttlMs: 3_600_000 },
    holders[0].publicKey,
    options,
  );
  for (let i = 0; i < 5; i++) {
    token = await attenuateToken(
      token,
      holders[i],
      { verb: 'fs.read', scope: scopes[i], ttlMs: 3_000_000 - i * 1000 },
      holders[i + 1].publicKey,
      options,
    );
  }
  const verifier = coldVerifier();
  verifier.authorize(await verifier.verify(token), {
    verb: 'fs.read',
    path: '/etc/nexus/notes/2026/11/a.txt',
    atMs: clock.nowMs(),
  });
};
await compare(
  'mint, attenuate 5 times, verify and authorize one request (same work, both systems)',
  [
    { name: `nexus (${backend.name} Ed25519)`, ours: true, fn: nexusWork },
    { name: '@biscuit-auth/biscuit-wasm 0.6.0', fn: biscuitWork, skip: biscuitSkip },
  ],
  {
    note: 'Each op: a fresh root token, 5 attenuations (scope narrowing + expiry), serialisation, then a cold parse/verify and one authorization. Biscuit runs its Datalog with its time limit raised to 1 s.',
  },
);
