/**
 * Resolution at scale on the two synthetic universe shapes of test/_ecosystem.ts (10 versions
 * per name, a third with variants, ranged dependencies towards a layered graph): resolve a
 * 20-package request with every preference optimised exactly, then explain a failure planted
 * deep in the graph. One run each; the universes are seeded, so the run replays.
 *
 * - `ecosystem` (dependencies that evolve release by release as in npm and Debian):
 *   `NIP_RESOLVE_NAMES` names (default 10^4, i.e. 10^5 versions).
 * - `random` (adversarial: every version draws unrelated dependencies): each size of
 *   `NIP_RESOLVE_RANDOM` (default `200,500,1000` names), each resolve given
 *   `NIP_RESOLVE_RANDOM_LIMIT_S` seconds (default 120); a resolve that runs out is reported as
 *   such with the work it did, not left out.
 *
 * `NIP_RESOLVE_SHAPE` = `ecosystem` or `random` runs one shape only.
 */
import { sized, table } from '@nexus/bench';
import { resolve, SolveFailure, type Universe } from '../src/index.js';
import { type EcosystemShape, spreadRequest, syntheticUniverse } from '../test/_ecosystem.js';

const ecosystemNames = Number(process.env.NIP_RESOLVE_NAMES) || sized(10_000, 300);
const randomNames = (process.env.NIP_RESOLVE_RANDOM ?? sized('200,500,1000', '100'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const randomLimitMs = (Number(process.env.NIP_RESOLVE_RANDOM_LIMIT_S) || 120) * 1000;
const only = process.env.NIP_RESOLVE_SHAPE as EcosystemShape | undefined;
if (only !== undefined && only !== 'ecosystem' && only !== 'random')
  throw new Error(`NIP_RESOLVE_SHAPE: ${only} is not a shape`);

const mb = (bytes: number) => bytes / 2 ** 20;
const peakMb = () => process.resourceUsage().maxRSS / 1024;

/** A package the request cannot do without (a name every version of a requested package depends on). */
function victimOf(u: Universe, request: ReturnType<typeof spreadRequest>): string {
  for (const req of request.install) {
    const versions = u.versionsOf(req.name).map((id) => u.packages[id]);
    const common = new Set((versions[0]?.depends ?? []).map((d) => d.anyOf[0].name));
    for (const p of versions) {
      const deps = new Set((p.depends ?? []).map((d) => d.anyOf[0].name));
      for (const x of common) if (!deps.has(x)) common.delete(x);
    }
    if (common.size > 0) return [...common][0];
  }
  return request.install[0].name;
}

function run(shape: EcosystemShape, names: number, timeLimitMs?: number): void {
  const buildStart = performance.now();
  const u = syntheticUniverse(names, shape);
  const buildMs = performance.now() - buildStart;
  const afterBuild = peakMb();
  const request = spreadRequest(names);
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let resolveRow: (string | number)[];
  let note = '';
  try {
    const plan = resolve(u, request, { timeLimitMs });
    const s = plan.stats;
    resolveRow = [
      'resolve (every preference, exact)',
      performance.now() - t0,
      peakMb(),
      s.solves,
      s.conflicts,
      `${plan.packages.length} packages chosen, ${plan.costs.staleness} versions behind newest in all; cone ${s.cone} candidates, ${s.variables} variables, ${s.clauses} clauses; heap +${mb(process.memoryUsage().heapUsed - heap0).toFixed(0)} MB`,
    ];
    note = `Optimiser: ${s.searches} searches; ${s.byModel} preference literals settled by the model, ${s.byPropagation} by propagation.`;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    resolveRow = [
      `resolve: no optimum within ${(timeLimitMs ?? 0) / 1000} s`,
      performance.now() - t0,
      peakMb(),
      '-',
      '-',
      e.message,
    ];
  }
  // The planted failure: a new package conflicts with something a requested package cannot
  // do without, and the request asks for both.
  u.add({ name: 'breaker', version: '1.0.0', conflicts: [{ name: victimOf(u, request) }] });
  const t1 = performance.now();
  let explanation: SolveFailure['explanation'] | null = null;
  try {
    resolve(u, { install: [...request.install, { name: 'breaker' }] });
  } catch (e) {
    if (!(e instanceof SolveFailure)) throw e;
    explanation = e.explanation;
  }
  const explainMs = performance.now() - t1;
  if (explanation === null) throw new Error('the planted failure was not detected');
  table(
    `Resolution in a universe of ${u.packages.length - 1} package versions with variants (${shape} shape), one run each`,
    ['step', 'ms', 'peak RSS MB', 'SAT calls', 'conflicts', 'details'],
    [
      ['build universe', buildMs, afterBuild, 0, 0, `${names} names × 10 versions`],
      resolveRow,
      [
        'explain a failure',
        explainMs,
        peakMb(),
        explanation.solves,
        explanation.conflicts,
        `minimal core of ${explanation.core.length} of ${explanation.factCount} facts in the cone; ${explanation.lines.length} lines of derivation`,
      ],
    ],
    `${note} Last line of the explanation: "${explanation.lines[explanation.lines.length - 1]}"`,
  );
}

// The random shape first (smaller sizes), so the peak RSS column of each of its rows is its own.
if (only !== 'ecosystem') for (const n of randomNames) run('random', n, randomLimitMs);
if (only !== 'random') run('ecosystem', ecosystemNames);
