/**
 * Profile of one resolve on a synthetic universe (test/_ecosystem.ts): the request's first
 * search, every search of the optimiser with its preference level, answer, time, conflicts and
 * how many names its model moved, then totals per level. With `NIP_DUMP_DIR`, every search
 * slower than `NIP_DUMP_MS` (default 5000) is written there as DIMACS (all clauses, the
 * assumptions as units) so that MiniSat or CaDiCaL can be asked the same question.
 *
 *   NIP_RESOLVE_SHAPE=random NIP_RESOLVE_NAMES=1000 NIP_RESOLVE_LIMIT_S=120 \
 *     node --conditions=nexus-src --import tsx scripts/resolve-profile.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decisionOrder,
  guide,
  optimizeGuided,
  preferenceLiterals,
  solveOrdered,
} from '../src/_preferences.js';
import { encode } from '../src/encode.js';
import { Solver } from '../src/sat/solver.js';
import { type EcosystemShape, spreadRequest, syntheticUniverse } from '../test/_ecosystem.js';

const names = Number(process.env.NIP_RESOLVE_NAMES) || 1000;
const shape = (process.env.NIP_RESOLVE_SHAPE ?? 'random') as EcosystemShape;
const limitS = Number(process.env.NIP_RESOLVE_LIMIT_S) || 120;
const dumpDir = process.env.NIP_DUMP_DIR;
const dumpMs = Number(process.env.NIP_DUMP_MS) || 5000;
const all = process.env.NIP_PROFILE_ALL !== undefined;

const u = syntheticUniverse(names, shape);
const solver = new Solver();
const clauses: number[][] = [];
if (dumpDir) {
  const add = solver.addClause.bind(solver);
  solver.addClause = (c) => {
    clauses.push(Array.from(c));
    return add(c);
  };
}
const t0 = performance.now();
const e = encode(u, spreadRequest(names), { solver, ranges: process.env.NIP_NO_RANGES === undefined });
const prefs = preferenceLiterals(u, e);
const t1 = performance.now();
console.log(
  `${shape} universe, ${u.packages.length} versions: encoded in ${(t1 - t0).toFixed(0)} ms, cone ${e.cone.length}, ${prefs.vars.length} preference literals`,
);
guide(solver, prefs);
const first = solveOrdered(solver, decisionOrder(solver, prefs));
console.log(
  `first search: ${first}, ${(performance.now() - t1).toFixed(0)} ms, ${solver.stats.conflicts} conflicts`,
);

const chosen = () => {
  const m = new Map<string, number>();
  for (const [name, ids] of prefs.names)
    m.set(name, ids.find((id) => solver.value(e.varOf[id]) === true) ?? -1);
  return m;
};
let lastChosen = chosen();
const perLevel = new Map<string, { searches: number; sat: number; ms: number; conflicts: number }>();
const t2 = performance.now();
const r = optimizeGuided(solver, prefs, {
  timeLimitMs: limitS * 1000,
  onSearch: (i, level, result, ms, conflicts, assumptions) => {
    const l = perLevel.get(level) ?? { searches: 0, sat: 0, ms: 0, conflicts: 0 };
    l.searches++;
    if (result === 'sat') l.sat++;
    l.ms += ms;
    l.conflicts += conflicts;
    perLevel.set(level, l);
    let moved = '';
    if (result === 'sat') {
      const now = chosen();
      let changed = 0;
      for (const [name, id] of now) if (lastChosen.get(name) !== id) changed++;
      lastChosen = now;
      moved = `, model moved ${changed} names`;
    }
    if (all || ms > 200)
      console.log(
        `literal ${i} (${level}, ladder ends at ${prefs.ladderEnd[i]}): ${result}, ${ms.toFixed(0)} ms, ${conflicts} conflicts${moved}`,
      );
    if (dumpDir && ms > dumpMs) {
      const cnf = [...clauses, ...assumptions.map((x) => [x])];
      const text = `p cnf ${solver.variableCount} ${cnf.length}\n${cnf.map((c) => `${c.join(' ')} 0`).join('\n')}\n`;
      writeFileSync(join(dumpDir, `search-${i}.cnf`), text);
      console.log(`  written to ${join(dumpDir, `search-${i}.cnf`)}`);
    }
  },
});
console.log(`optimiser: ${r.result} in ${(performance.now() - t2).toFixed(0)} ms`, r.stats);
for (const [level, l] of perLevel)
  console.log(
    `${level}: ${l.searches} searches (${l.sat} sat), ${l.ms.toFixed(0)} ms, ${l.conflicts} conflicts`,
  );
console.log(`solver: ${solver.stats.solves} calls, ${solver.stats.conflicts} conflicts`);
