/**
 * Invariant checks (after TigerBeetle's TIGER_STYLE): a failed assertion is a programmer error and
 * crashes; operating errors are {@link CapabilityError}s instead.
 */

/** Throws when an internal invariant does not hold. Never used for input validation. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`capability invariant violated: ${message}`);
}
