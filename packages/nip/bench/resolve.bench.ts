/**
 * Resolution at scale: a synthetic universe of 10^5 package versions (10^4 names × 10
 * versions, a third with variants, ranged dependencies towards a layered graph; the shapes are
 * described in test/_ecosystem.ts), then: resolve a 20-package request with every preference
 * optimised exactly, and explain a failure planted deep in the graph. One run each; the universe
 * is seeded, so the run replays.
 *
 * `NIP_RESOLVE_NAMES` sets the number of names (10 versions each); `NIP_RESOLVE_SHAPE` picks
 * `ecosystem` (default: dependencies that evolve release by release as in npm and Debian) or
 * `random` (adversarial: every version draws unrelated dependencies).
 */
import { sized, table } from '@nexus/bench';
import { resolve, SolveFailure } from '../src/index.js';
import { type EcosystemShape, spreadRequest, syntheticUniverse } from '../test/_ecosystem.js';

const names = Number(process.env.NIP_RESOLVE_NAMES) || sized(10_000, 300);
const shape = (process.env.NIP_RESOLVE_SHAPE ?? 'ecosystem') as EcosystemShape;
if (shape !== 'ecosystem' && shape !== 'random')
  throw new Error(`NIP_RESOLVE_SHAPE: ${shape} is not a shape`);

const mb = (bytes: number) => bytes / 2 ** 20;
const peakMb = () => process.resourceUsage().maxRSS / 1024;

const buildStart = performance.now();
const u = syntheticUniverse(names, shape);
const buildMs = performance.now() - buildStart;
const afterBuild = peakMb();

const request = spreadRequest(names);
const heap0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const plan = resolve(u, request);
const resolveMs = performance.now() - t0;
const resolveHeap = mb(process.memoryUsage().heapUsed - heap0);
const afterResolve = peakMb();

// A planted failure: a new package conflicts with something a requested package cannot do
// without (a name every version of it depends on), and the request asks for both.
let victim = request.install[0].name;
for (const req of request.install) {
  const versions = u.versionsOf(req.name).map((id) => u.packages[id]);
  const common = new Set((versions[0]?.depends ?? []).map((d) => d.anyOf[0].name));
  for (const p of versions) {
    const deps = new Set((p.depends ?? []).map((d) => d.anyOf[0].name));
    for (const x of common) if (!deps.has(x)) common.delete(x);
  }
  if (common.size > 0) {
    victim = [...common][0];
    break;
  }
}
u.add({ name: 'breaker', version: '1.0.0', conflicts: [{ name: victim }] });
const failing = { install: [...request.install, { name: 'breaker' }] };
const t1 = performance.now();
let explanation: SolveFailure['explanation'] | null = null;
try {
  resolve(u, failing);
} catch (e) {
  if (!(e instanceof SolveFailure)) throw e;
  explanation = e.explanation;
}
const explainMs = performance.now() - t1;
if (explanation === null) throw new Error('the planted failure was not detected');
const afterExplain = peakMb();

const s = plan.stats;
table(
  `Resolution in a universe of ${u.packages.length} package versions with variants (${shape} shape), one run each`,
  ['step', 'ms', 'peak RSS MB', 'SAT calls', 'conflicts', 'details'],
  [
    ['build universe', buildMs, afterBuild, 0, 0, `${names} names × 10 versions`],
    [
      'resolve (every preference, exact)',
      resolveMs,
      afterResolve,
      s.solves,
      s.conflicts,
      `${plan.packages.length} packages chosen, ${plan.costs.staleness} versions behind newest in all; cone ${s.cone} candidates, ${s.variables} variables, ${s.clauses} clauses; heap +${resolveHeap.toFixed(0)} MB`,
    ],
    [
      'explain a failure',
      explainMs,
      afterExplain,
      explanation.solves,
      explanation.conflicts,
      `minimal core of ${explanation.core.length} of ${explanation.factCount} facts in the cone; ${explanation.lines.length} lines of derivation`,
    ],
  ],
  `Optimiser: ${s.searches} searches; ${s.byModel} preference literals settled by the model, ${s.byPropagation} by propagation. Last line of the explanation: "${explanation.lines[explanation.lines.length - 1]}"`,
);
