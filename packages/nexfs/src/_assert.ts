/**
 * Invariant checks (TigerBeetle style): a failed assert is a programmer error in nexfs itself,
 * never an operating error, so it throws a plain `Error` and is never caught inside the package.
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`nexfs assertion failed: ${message}`);
}
