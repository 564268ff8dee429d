/**
 * Resolution at scale: a synthetic universe of 10^5 package versions (10^4 names × 10
 * versions, a third with variants, dependencies with semver ranges towards a layered graph),
 * then: resolve a 20-package request with all preferences optimised, and explain a failure
 * planted deep in the graph. One run each; the universe is seeded, so the run replays.
 */
import { sized, table } from '@nexus/bench';
import {
  type PackageVersion,
  type Requirement,
  resolve,
  SolveFailure,
  semver,
  Universe,
} from '../src/index.js';
import { rng } from '../test/_random3sat.js';

const names = Number(process.env.NIP_RESOLVE_NAMES) || sized(10_000, 300); // NIP_RESOLVE_NAMES overrides the size
const versionsPerName = 10;
const next = rng(2024);
const pick = (n: number) => Math.floor(next() * n);

const buildStart = performance.now();
const u = new Universe(semver);
for (let p = 0; p < names; p++) {
  for (let v = 0; v < versionsPerName; v++) {
    const pkg: PackageVersion = { name: `p${p}`, version: `${1 + (v >> 2)}.${v & 3}.0`, depends: [] };
    if (p % 3 === 0)
      pkg.variants = {
        shared: { values: [true, false], default: true },
        simd: { values: ['none', 'avx2', 'neon'], default: 'none' },
      };
    const deps = p + 1 < names ? 1 + pick(3) : 0;
    for (let d = 0; d < deps; d++) {
      const target = p + 1 + pick(Math.min(200, names - p - 1)); // layered: dependencies point forward
      const major = 1 + pick(3);
      const req: Requirement = { name: `p${target}`, range: `>=${major}.0.0 <${major + 1}.0.0` };
      if (target % 3 === 0 && next() < 0.2) req.variants = { shared: true };
      pkg.depends!.push({ anyOf: [req] });
    }
    u.add(pkg);
  }
}
const buildMs = performance.now() - buildStart;

const request = {
  install: Array.from({ length: 20 }, (_, i) => ({ name: `p${i * Math.floor(names / 40)}` })),
};
const t0 = performance.now();
const plan = resolve(u, request);
const resolveMs = performance.now() - t0;

// A planted failure: a new package conflicts with something a requested package cannot do
// without, and the request asks for both.
// The victim: a name every version of some requested package depends on (else that package).
let victim = request.install[0].name;
for (const req of request.install) {
  const versions = u.packages.filter((p) => p.name === req.name);
  const common = new Set((versions[0]?.depends ?? []).map((d) => d.anyOf[0].name));
  for (const p of versions) {
    const names = new Set((p.depends ?? []).map((d) => d.anyOf[0].name));
    for (const x of common) if (!names.has(x)) common.delete(x);
  }
  if (common.size > 0) {
    victim = [...common][0];
    break;
  }
}
u.add({ name: 'breaker', version: '1.0.0', conflicts: [{ name: victim }] });
const failing = { install: [...request.install, { name: 'breaker' }] };
const t1 = performance.now();
let lines = 0;
let core = 0;
let text = '';
try {
  resolve(u, failing);
} catch (e) {
  if (!(e instanceof SolveFailure)) throw e;
  lines = e.explanation.lines.length;
  core = e.explanation.core.length;
  text = e.explanation.lines[e.explanation.lines.length - 1];
}
const explainMs = performance.now() - t1;
table(
  `Resolution in a universe of ${u.packages.length} package versions with variants, one run each`,
  ['step', 'ms', 'details'],
  [
    ['build universe', buildMs, `${names} names × ${versionsPerName} versions`],
    [
      'resolve (4 preference levels, exact)',
      resolveMs,
      `${plan.packages.length} packages chosen; cone ${plan.stats.cone}; ${plan.stats.clauses} clauses; ${plan.stats.solves} SAT calls; ${plan.stats.conflicts} conflicts`,
    ],
    ['explain a failure', explainMs, `minimal core of ${core} facts; ${lines} lines of derivation`],
  ],
  `Last line of the explanation: "${text}"`,
);
