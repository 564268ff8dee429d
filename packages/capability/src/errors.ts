/**
 * Typed operating errors. Every refusal the package makes (a bad token, a denied check, a widened
 * attenuation, a malformed ledger or proof) is a {@link CapabilityError} whose `code` names the
 * reason, so callers branch on data and never on message text.
 */

/**
 * Every reason a capability operation can be refused.
 *
 * Decoding: `TRUNCATED`, `BAD_MAGIC`, `BAD_VERSION`, `TRAILING_BYTES`, `NON_CANONICAL`,
 * `LIMIT_EXCEEDED`, `BAD_UTF8`, `BAD_SCOPE`, `BAD_VERB`.
 * Chains: `UNKNOWN_ROOT`, `BAD_SIGNATURE`, `EXPIRED`, `NOT_YET_VALID`, `WIDENED`, `REVOKED`,
 * `WRONG_HOLDER`, `EMPTY_CAPABILITY` (an empty window or unsatisfiable caveats).
 * Authority: `DENIED`, `NO_SLOT`, `SLOT_LIMIT`, `PLEDGE_WIDEN`, `PLEDGE_VIOLATION`,
 * `UNVEIL_LOCKED`, `UNVEIL_HIDDEN`, `UNVEIL_PERMISSION`.
 * Ledger and proofs: `BAD_PROOF`, `ROOT_MISMATCH`, `BAD_CHECKPOINT`, `LEDGER_TAMPERED`.
 */
export type CapabilityErrorCode =
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'BAD_VERSION'
  | 'TRAILING_BYTES'
  | 'NON_CANONICAL'
  | 'LIMIT_EXCEEDED'
  | 'BAD_UTF8'
  | 'BAD_SCOPE'
  | 'BAD_VERB'
  | 'UNKNOWN_ROOT'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'WIDENED'
  | 'REVOKED'
  | 'WRONG_HOLDER'
  | 'EMPTY_CAPABILITY'
  | 'DENIED'
  | 'NO_SLOT'
  | 'SLOT_LIMIT'
  | 'PLEDGE_WIDEN'
  | 'PLEDGE_VIOLATION'
  | 'UNVEIL_LOCKED'
  | 'UNVEIL_HIDDEN'
  | 'UNVEIL_PERMISSION'
  | 'BAD_PROOF'
  | 'ROOT_MISMATCH'
  | 'BAD_CHECKPOINT'
  | 'LEDGER_TAMPERED';

/**
 * The one error type of the package: `code` says what went wrong, `linkIndex` which link of a
 * token chain (when one is involved), `missing` which capability a denied check lacked.
 *
 * @example
 * ```ts
 * import { CapabilityError } from '@nexus/capability';
 * try {
 *   throw new CapabilityError('EXPIRED', 'link 2 expired', { linkIndex: 2 });
 * } catch (error) {
 *   if (error instanceof CapabilityError && error.code === 'EXPIRED') console.log(error.linkIndex);
 * }
 * ```
 */
export class CapabilityError extends Error {
  /** The reason, stable across versions. */
  readonly code: CapabilityErrorCode;
  /** Index of the offending link in a token chain, when a chain is involved. */
  readonly linkIndex: number | undefined;
  /** The capability a denied check needed, as `verb scope` (for `DENIED`). */
  readonly missing: string | undefined;

  constructor(
    code: CapabilityErrorCode,
    message: string,
    details: { linkIndex?: number; missing?: string } = {},
  ) {
    super(`${code}: ${message}`);
    this.name = 'CapabilityError';
    this.code = code;
    this.linkIndex = details.linkIndex;
    this.missing = details.missing;
  }
}

/**
 * True when `error` is a {@link CapabilityError}, optionally with the given code.
 *
 * @example
 * ```ts
 * import { CapabilityError, isCapabilityError } from '@nexus/capability';
 * isCapabilityError(new CapabilityError('DENIED', 'no fs.read'), 'DENIED'); // true
 * ```
 */
export function isCapabilityError(error: unknown, code?: CapabilityErrorCode): error is CapabilityError {
  return error instanceof CapabilityError && (code === undefined || error.code === code);
}
