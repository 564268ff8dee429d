/**
 * Programmer-error checks (TigerBeetle style): a failed assertion is a bug in the caller or in
 * this package, never an operating condition, so it throws a plain `Error` and is not caught.
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`ion-rings assertion failed: ${message}`);
}
