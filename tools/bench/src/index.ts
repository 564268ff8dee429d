/**
 * The one benchmark harness every Nexus package uses.
 *
 * - `compare()` times the same work done by several contenders (ours and the peers named in each
 *   package's issue) with tinybench in one process and one run: warm-up, many samples, median and
 *   median absolute deviation, ops/s or MB/s, and the ratio of each contender to ours.
 *   With `turns`, the contenders are timed instead in rotating turns (`turns.ts`), for machines
 *   whose state changes during a run.
 * - `table()` prints tables of exact counters (device operations, bytes programmed, conflicts):
 *   figures that do not depend on the machine.
 * - `--json` (or NEXUS_BENCH_JSON=<dir>) writes every table of the run to `<dir>/<package>.json`.
 * - NEXUS_BENCH_SMOKE=1 runs each case once with tiny budgets: `npm test` uses it to check that
 *   the benchmarks still execute, never to measure.
 *
 * tinybench 6 was chosen over mitata after running both, twice each, on the same two jobs on
 * this 2-core machine while it was busy: BLAKE3 of 1 MiB (hash-wasm) gave medians of 1.08–1.11 ms
 * (mitata) and 1.08–1.21 ms (tinybench); a 1,000-iteration loop gave 4.8–6.8 µs and 4.6 µs. The
 * medians agree within the machine's noise, so the choice rests on the rest: tinybench's
 * statistics (p50, MAD, sample count) come back as numbers from a small API, a time budget and a
 * minimum sample count are plain options, and it runs unchanged in Node, Deno, Bun and browsers.
 */
import { Bench } from 'tinybench';
import { medianAndMad, pairedRatio, sampleInTurns } from './turns.js';

/** One implementation taking part in a comparison. */
export interface Contender {
  /** Shown in the table, e.g. `nexfs` or `@noble/hashes`. */
  name: string;
  /** The work of one operation. May be async (a native tool run as a process, say). */
  fn: () => unknown;
  /** Marks the contender the ratios are taken against (the first one when none is marked). */
  ours?: boolean;
  /** Contender not available here (a missing native tool): printed as a row with the reason. */
  skip?: string;
}

/** How a comparison turns time into a rate. */
export interface CompareOptions {
  /** Bytes processed by one operation: the table shows MB/s (10^6 bytes per second). */
  bytesPerOp?: number;
  /** Items processed by one operation (messages, instructions): the table shows items/s. */
  itemsPerOp?: number;
  /** Time budget per contender in milliseconds (default 1000). */
  timeMs?: number;
  /** Minimum samples per contender (default 10). */
  minSamples?: number;
  /** Warm-up time per contender in milliseconds (default 200). */
  warmupMs?: number;
  /** A line printed under the table: what was measured, the input, the caveats. */
  note?: string;
  /**
   * Time the contenders in this many turns each, in an order that rotates (`timeMs` split
   * between the turns, `minSamples` spread over them), instead of one contender after another
   * with tinybench: for machines whose state changes during a run (`turns.ts`). The ratio
   * column is then the median of turn-by-turn ratios (`pairedRatio`).
   */
  turns?: number;
}

/** A row of a comparison. */
export interface CompareRow {
  name: string;
  medianMs: number | null;
  madMs: number | null;
  samples: number;
  rate: number | null;
  rateUnit: 'MB/s' | 'items/s' | 'ops/s';
  ratio: number | null;
  skip?: string;
}

/** A printed and recorded table. */
export interface TableRecord {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  note?: string;
}

const records: TableRecord[] = [];
let exitHookInstalled = false;

/** True when the run only checks that benchmarks execute (`npm test`'s smoke run). */
export function isSmoke(): boolean {
  return readEnv('NEXUS_BENCH_SMOKE') === '1';
}

/** Picks the full-size value in a real run and the small one in a smoke run. */
export function sized<T>(full: T, smoke: T): T {
  return isSmoke() ? smoke : full;
}

/**
 * Times each contender doing the same work and prints a table with ratios to ours.
 *
 * Operations shorter than about a microsecond are below the timer's resolution: batch them
 * (run 1,000 inside `fn` and pass `itemsPerOp: 1000`).
 *
 * @example
 * ```ts
 * await compare('sum 1 MiB', [
 *   { name: 'ours', ours: true, fn: () => sum(data) },
 *   { name: 'peer', fn: () => peerSum(data) },
 * ], { bytesPerOp: data.length });
 * ```
 */
export async function compare(
  title: string,
  contenders: Contender[],
  options: CompareOptions = {},
): Promise<CompareRow[]> {
  if (contenders.length === 0) throw new RangeError('contenders: at least one is required');
  const smoke = isSmoke();
  if (options.turns !== undefined) return compareInTurns(title, contenders, options, smoke);
  const bench = new Bench({
    time: smoke ? 1 : (options.timeMs ?? 1000),
    iterations: smoke ? 1 : (options.minSamples ?? 10),
    warmupTime: smoke ? 0 : (options.warmupMs ?? 200),
    warmupIterations: smoke ? 0 : 2,
    warmup: !smoke,
    throws: true,
  });
  for (const c of contenders) if (!c.skip) bench.add(c.name, c.fn);
  await bench.run();
  return finish(title, contenders, options, (name) => {
    const result = bench.getTask(name)?.result as
      | { latency?: { p50: number; mad: number; samplesCount: number } }
      | undefined;
    if (!result?.latency) throw new Error(`bench: no result for ${name}`);
    return result.latency;
  });
}

/** `compare` with `options.turns`: the contenders timed in rotating turns (`turns.ts`). */
async function compareInTurns(
  title: string,
  contenders: Contender[],
  options: CompareOptions,
  smoke: boolean,
): Promise<CompareRow[]> {
  const live = contenders.filter((c) => !c.skip);
  const turns = smoke ? 1 : (options.turns ?? 1);
  const samples = await sampleInTurns(
    live.map((c) => c.fn),
    turns,
    smoke ? 1 : (options.timeMs ?? 1000) / turns,
    smoke ? 1 : Math.ceil((options.minSamples ?? 10) / turns),
    smoke ? 0 : (options.warmupMs ?? 200),
  );
  const turnsOf = (name: string) => samples[live.findIndex((c) => c.name === name)];
  const ours = turnsOf((contenders.find((c) => c.ours) ?? contenders[0]).name);
  return finish(
    title,
    contenders,
    options,
    (name) => {
      const mine = turnsOf(name).flat();
      const { median, mad } = medianAndMad(mine);
      return { p50: median, mad, samplesCount: mine.length };
    },
    (name) => pairedRatio(ours, turnsOf(name)),
  );
}

/**
 * Rates from each contender's median, and ratios to ours (`ratioOf`, or the two rates divided),
 * printed and recorded.
 */
function finish(
  title: string,
  contenders: Contender[],
  options: CompareOptions,
  stats: (name: string) => { p50: number; mad: number; samplesCount: number },
  ratioOf?: (name: string) => number,
): CompareRow[] {
  const rateUnit = options.bytesPerOp ? 'MB/s' : options.itemsPerOp ? 'items/s' : 'ops/s';
  const perOp = options.bytesPerOp ? options.bytesPerOp / 1e6 : (options.itemsPerOp ?? 1);
  const rows: CompareRow[] = contenders.map((c) => {
    if (c.skip)
      return {
        name: c.name,
        medianMs: null,
        madMs: null,
        samples: 0,
        rate: null,
        rateUnit,
        ratio: null,
        skip: c.skip,
      };
    const latency = stats(c.name);
    const rate = latency.p50 > 0 ? (perOp * 1000) / latency.p50 : null;
    return {
      name: c.name,
      medianMs: latency.p50,
      madMs: latency.mad,
      samples: latency.samplesCount,
      rate,
      rateUnit,
      ratio: null,
    };
  });
  const oursIndex = Math.max(
    0,
    contenders.findIndex((c) => c.ours),
  );
  const oursRate = rows[oursIndex].rate;
  for (const row of rows) {
    if (row.skip) continue;
    row.ratio = ratioOf ? ratioOf(row.name) : row.rate !== null && oursRate ? row.rate / oursRate : null;
  }
  printTable(
    title,
    ['implementation', 'median', '± MAD', 'samples', rateUnit, `× ${rows[oursIndex].name}`],
    rows.map((r) =>
      r.skip
        ? [r.name, null, null, 0, null, `skipped: ${r.skip}`]
        : [
            r.name,
            formatMs(r.medianMs),
            formatMs(r.madMs),
            r.samples,
            formatRate(r.rate),
            formatRatio(r.ratio),
          ],
    ),
    options.note,
  );
  // JSON keeps the raw numbers (milliseconds, rates), not the printed strings.
  records.push({
    title,
    columns: ['implementation', 'medianMs', 'madMs', 'samples', rateUnit, 'ratio'],
    rows: rows.map((r) => [r.name, r.medianMs, r.madMs, r.samples, r.rate, r.ratio]),
    note: options.note,
  });
  installExitHook();
  return rows;
}

/**
 * Prints a table of exact figures (counters, ratios) and records it for `--json`.
 *
 * @example
 * ```ts
 * table('write amplification', ['workload', 'WA'], [['1k files', 1.8]]);
 * ```
 */
export function table(
  title: string,
  columns: string[],
  rows: (string | number | null)[][],
  note?: string,
): void {
  for (const row of rows) {
    if (row.length !== columns.length)
      throw new RangeError(`rows: a row of ${row.length} cells under ${columns.length} columns`);
  }
  records.push({ title, columns, rows, note });
  installExitHook();
  printTable(title, columns, rows, note);
}

function printTable(
  title: string,
  columns: string[],
  rows: (string | number | null)[][],
  note?: string,
): void {
  const cells = [columns, ...rows.map((r) => r.map(formatCell))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  const out = [`\n### ${title}${isSmoke() ? ' (smoke run: not a measurement)' : ''}`, line(cells[0])];
  out.push(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of cells.slice(1)) out.push(line(r));
  if (note) out.push(`\n${note}`);
  console.log(out.join('\n'));
}

/** All tables recorded so far in this process. */
export function recorded(): readonly TableRecord[] {
  return records;
}

function formatCell(value: string | number | null): string | number {
  if (value === null) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(4));
  return value;
}

function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(2)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatRate(rate: number | null): string {
  if (rate === null) return '–';
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e4) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toPrecision(4);
}

function formatRatio(ratio: number | null): string {
  return ratio === null ? '–' : `${ratio.toFixed(2)}×`;
}

function readEnv(name: string): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.[name];
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const g = globalThis as { process?: { on?: (e: string, f: () => void) => void } };
  g.process?.on?.('beforeExit', () => void flushJson());
}

async function flushJson(): Promise<void> {
  const dir = readEnv('NEXUS_BENCH_JSON');
  const file = readEnv('NEXUS_BENCH_FILE') ?? 'bench';
  const pkg = readEnv('NEXUS_BENCH_PACKAGE') ?? 'unknown';
  if (!dir || records.length === 0) return;
  const fs = await import('node:fs');
  const path = await import('node:path');
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `${pkg}.json`);
  const existing = fs.existsSync(target)
    ? JSON.parse(fs.readFileSync(target, 'utf8'))
    : { package: pkg, files: {} };
  existing.files[file] = { tables: records.splice(0) };
  fs.writeFileSync(target, `${JSON.stringify(existing, null, 2)}\n`);
}
