/**
 * Invariant checks (after TigerBeetle's TIGER_STYLE): a failed assert is a programmer error in
 * Nexus itself, never an operating error, so it throws a plain Error and is not meant to be caught.
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
