import {
  Algebra,
  CapabilityError,
  detectEd25519,
  type Ed25519Backend,
  ManualClock,
  RevocationList,
  type SigningKey,
  seededRandom,
  type TokenOptions,
  TokenVerifier,
  VerbHierarchy,
} from '../src/index.js';

/** The verb hierarchy the tests share. */
export const verbs = new VerbHierarchy({
  'fs.admin': ['fs.read', 'fs.write'],
  'fs.write': ['fs.append'],
  'net.admin': ['net.connect', 'net.listen'],
});
export const algebra = new Algebra(verbs);

export interface World {
  backend: Ed25519Backend;
  clock: ManualClock;
  options: TokenOptions;
  root: SigningKey;
  keys: SigningKey[];
  revocations: RevocationList;
  verifier: TokenVerifier;
  events: string[];
}

/** A deterministic world: seeded keys and nonces, a manual clock at t = 1,000,000 ms. */
export async function makeWorld(seed = 1, backend?: Ed25519Backend): Promise<World> {
  const random = seededRandom(seed);
  const chosen = backend ?? (await detectEd25519());
  const clock = new ManualClock(1_000_000);
  const events: string[] = [];
  const options: TokenOptions = {
    algebra,
    clock,
    random,
    audit: (event) => events.push(`${event.kind}: ${event.detail}`),
  };
  const root = await chosen.signingKey(random.fill(new Uint8Array(32)));
  const keys: SigningKey[] = [];
  for (let i = 0; i < 6; i++) keys.push(await chosen.signingKey(random.fill(new Uint8Array(32))));
  const revocations = new RevocationList();
  const verifier = new TokenVerifier({
    algebra,
    roots: [root.publicKey],
    clock,
    revocations,
    backend: chosen,
  });
  return { backend: chosen, clock, options, root, keys, revocations, verifier, events };
}

/** The error code a promise rejects with, or `accepted` when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (!(error instanceof CapabilityError)) throw error;
    return error.code;
  }
}
