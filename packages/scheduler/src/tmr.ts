/**
 * Triple modular redundancy: a deterministic step runs as three replicas and the results vote.
 * A dissenting replica is reported; the majority wins; three different results have no majority.
 */

/** The outcome of a vote. */
export interface Vote<T> {
  /** The majority result (undefined without a majority). */
  readonly value: T | undefined;
  /** True when two or three replicas agree. */
  readonly majority: boolean;
  /** Index (0..2) of the dissenting replica, -1 when all agree, 3 when none agree. */
  readonly dissent: number;
}

/**
 * Runs `step` three times on `input` (replica index passed second, for fault injection) and
 * votes with `equal` (default: `Object.is`, or byte equality for `Uint8Array`s). A replica that
 * throws counts as a dissenting result.
 *
 * @example
 * ```ts
 * import { vote } from '@nexus/scheduler';
 * vote((x: number, replica) => (replica === 1 ? x + 1 : x * 2), 21); // { value: 42, majority: true, dissent: 1 }
 * ```
 */
export function vote<I, T>(
  step: (input: I, replica: number) => T,
  input: I,
  equal: (a: T, b: T) => boolean = defaultEqual,
): Vote<T> {
  const results: { ok: boolean; value: T | undefined }[] = [];
  for (let r = 0; r < 3; r++) {
    try {
      results.push({ ok: true, value: step(input, r) });
    } catch {
      results.push({ ok: false, value: undefined });
    }
  }
  const same = (i: number, j: number) =>
    results[i].ok && results[j].ok && equal(results[i].value as T, results[j].value as T);
  const ab = same(0, 1);
  const ac = same(0, 2);
  const bc = same(1, 2);
  if (ab && ac) return { value: results[0].value, majority: true, dissent: -1 };
  if (ab) return { value: results[0].value, majority: true, dissent: 2 };
  if (ac) return { value: results[0].value, majority: true, dissent: 1 };
  if (bc) return { value: results[1].value, majority: true, dissent: 0 };
  return { value: undefined, majority: false, dissent: 3 };
}

function defaultEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return Object.is(a, b);
}
