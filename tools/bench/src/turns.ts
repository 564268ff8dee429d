/**
 * Timing in turns: every contender is timed a little at a time, taking turns in an order that
 * rotates, instead of each one's whole time budget in a row.
 *
 * Why: on a shared machine the state the host gives a process changes while it runs (which
 * physical cores its threads get, how fast a cache line moves between them), and a contender
 * timed whole before another can land in a different state than the next one. Measured with the
 * ion-rings benches on this project's 2-core development machine: one run gave ion-rings' round
 * trip 0.87 µs and ringbuf.js's, timed a second later, 0.35 µs, where the runs before and after
 * it gave 0.28 against 0.35 µs and 0.85 against 1.44 µs. Taking turns spreads every state over
 * every contender.
 */

/** Something to time: one operation per call, possibly async. */
export type Operation = () => unknown;

/** Runs `fn` until `ms` have passed and at least `min` times, appending each time to `out`. */
async function runFor(fn: Operation, ms: number, min: number, out: number[] | null): Promise<void> {
  const end = performance.now() + ms;
  for (let n = 0; n < min || performance.now() < end; n++) {
    const t0 = performance.now();
    const result = fn();
    if (result instanceof Promise) await result;
    out?.push(performance.now() - t0);
  }
}

/**
 * Times `fns` in `turns` turns each of `turnMs` (and at least `minPerTurn` operations), after
 * one warm-up of `warmupMs` each; turn `t` starts with contender `t mod n`. Returns every
 * operation's time in milliseconds, per contender and per turn.
 *
 * @example
 * ```ts
 * const [mine, theirs] = await sampleInTurns([() => mine(), () => theirs()], 5, 200, 1, 100);
 * ```
 */
export async function sampleInTurns(
  fns: readonly Operation[],
  turns: number,
  turnMs: number,
  minPerTurn: number,
  warmupMs: number,
): Promise<number[][][]> {
  if (!(turns >= 1 && Number.isInteger(turns))) throw new RangeError(`turns: an integer >= 1, got ${turns}`);
  for (const fn of fns) await runFor(fn, warmupMs, warmupMs > 0 ? 1 : 0, null);
  const samples: number[][][] = fns.map(() => []);
  for (let turn = 0; turn < turns; turn++) {
    for (let k = 0; k < fns.length; k++) {
      const i = (k + turn) % fns.length;
      const times: number[] = [];
      await runFor(fns[i], turnMs, minPerTurn, times);
      samples[i].push(times);
    }
  }
  return samples;
}

/**
 * How many times faster `theirs` ran than `ours`, paired turn by turn: the median over turns of
 * ours' median operation time in the turn divided by theirs'. Two contenders' turns are at most a
 * round of turns apart, so a change in the machine's state between turns falls on both sides of
 * each turn's ratio; pooled medians instead take each contender's majority state, and a state
 * change in the middle of a run can give the two contenders different ones.
 */
export function pairedRatio(ours: readonly number[][], theirs: readonly number[][]): number {
  return median(ours.map((times, t) => median(times) / median(theirs[t])));
}

/** Median of `samples` (not empty). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('samples: at least one is required');
  return middle([...samples].sort((a, b) => a - b));
}

/** Median and median absolute deviation of `samples` (not empty). */
export function medianAndMad(samples: readonly number[]): { median: number; mad: number } {
  const mid = median(samples);
  return { median: mid, mad: median(samples.map((x) => Math.abs(x - mid))) };
}

function middle(sorted: readonly number[]): number {
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}
