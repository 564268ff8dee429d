/**
 * `@nexus/capability`: the capability algebra, signed attenuable token chains, per-fiber CSpaces
 * with a derivation tree and recursive revoke, pledge/unveil, and an RFC 9162 Merkle ledger with
 * signed checkpoints.
 *
 * @module
 */

export {
  Algebra,
  type Cap,
  type CapInit,
  describeCap,
  freezeCap,
  MAX_TIME_MS,
  makeCap,
  type Request,
  type Window,
  windowContains,
  windowCovers,
  windowEmpty,
} from './algebra.js';
export type { AuditEvent, AuditSink } from './audit.js';
export {
  type Caveat,
  type CaveatContext,
  caveatsAllow,
  caveatsCover,
  caveatsEmpty,
  caveatsMeet,
  compareCaveats,
  MAX_CAVEAT_KEY_BYTES,
  MAX_CAVEAT_VALUE_BYTES,
  MAX_CAVEAT_VALUES,
  MAX_CAVEATS,
  type MaxCaveat,
  normalizeCaveats,
  type OneOfCaveat,
} from './caveats.js';
export {
  type Checkpoint,
  formatCheckpoint,
  MAX_CHECKPOINT_EXTENSIONS,
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  NOTE_ALGORITHM_ED25519,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  noteVerifierKey,
  type OpenedNote,
  openNote,
  parseCheckpoint,
  parseNoteVerifierKey,
  signNote,
} from './checkpoint.js';
export {
  type Access,
  Authority,
  type AuthorityOptions,
  CSpace,
  DEFAULT_MAX_SLOTS,
  MAX_MANIFEST_GRANTS,
  type Manifest,
  type SlotEntry,
} from './cspace.js';
export {
  detectEd25519,
  type Ed25519Backend,
  nobleEd25519,
  passesAcceptancePolicy,
  probeEd25519,
  type SigningKey,
  WEBCRYPTO_KEY_CACHE_ENTRIES,
  webCryptoEd25519,
} from './ed25519.js';
export {
  CAVEAT_KIND_MAX,
  CAVEAT_KIND_ONE_OF,
  type DecodedToken,
  decodeLinkBody,
  decodeToken,
  encodeLinkBody,
  encodeToken,
  type Link,
  type LinkBody,
  MAX_BODY_BYTES,
  MAX_LINKS,
  MAX_TOKEN_BYTES,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  REVOCATION_ID_BYTES,
  SIGNATURE_BYTES,
  TOKEN_HEADER_BYTES,
  TOKEN_MAGIC,
  TOKEN_VERSION,
} from './encoding.js';
export { CapabilityError, type CapabilityErrorCode, isCapabilityError } from './errors.js';
export {
  type CheckpointPair,
  decodeEntry,
  ENTRY_KINDS,
  ENTRY_MAGIC,
  ENTRY_VERSION,
  encodeEntry,
  Ledger,
  type LedgerEntry,
  type LedgerOptions,
  MAX_ENTRY_FIELD_BYTES,
  type ReplayOptions,
  type ReplayReport,
  replayLedger,
  verifyCheckpointConsistency,
  verifyEntryInclusion,
} from './ledger.js';
export {
  blake3Hasher,
  HASH_BYTES,
  isValidSubtree,
  LEAF_PREFIX,
  MAX_PROOF_HASHES,
  MAX_TREE_LEAVES,
  type MerkleHasher,
  MerkleTree,
  NODE_PREFIX,
  rootFromInclusionProof,
  sha256Hasher,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from './merkle.js';
export { Pledge, type PledgeOptions, PROMISES, type PromiseName, parsePromises } from './pledge.js';
export {
  type Clock,
  cryptoRandom,
  ManualClock,
  type Random,
  type SeededRandom,
  seededRandom,
  systemClock,
} from './ports.js';
export { MAX_REVOKED_IDS, RevocationList } from './revocation.js';
export {
  isCanonicalPath,
  isScope,
  MAX_SCOPE_BYTES,
  MAX_SCOPE_SEGMENTS,
  scopeCovers,
  scopeMeet,
  scopeProblem,
} from './scope.js';
export {
  attenuateToken,
  type CapSpec,
  DEFAULT_TTL_MS,
  DEFAULT_VERIFY_CACHE_ENTRIES,
  LINK_DOMAIN,
  linkDigest,
  mintToken,
  POSSESSION_DOMAIN,
  type Possession,
  proveHolder,
  ROOT_DOMAIN,
  resolveCapSpec,
  revocationIds,
  rootDigest,
  type TokenOptions,
  TokenVerifier,
  type TokenVerifierOptions,
  tokenCaps,
  type VerifiedToken,
} from './token.js';
export { MAX_UNVEILED_PATHS, Unveil, type UnveilOptions, type UnveilPermission } from './unveil.js';
export { isVerb, MAX_VERB_BYTES, MAX_VERBS, VerbHierarchy } from './verbs.js';
