/** Internal invariant check of the resolver: a false condition is a bug in nip, never bad input. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`nip: assertion failed: ${message}`);
}
