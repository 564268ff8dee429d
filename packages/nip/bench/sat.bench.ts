/**
 * SAT: nip against MiniSat and CaDiCaL (native, Debian packages minisat and cadical) and
 * logic-solver (npm: MiniSat compiled to asm.js) on the SATLIB / SAT-2009 sets, one run each,
 * side by side. Times include reading the DIMACS text; native tools also pay one process start
 * per instance (about 2 ms, measured with an empty formula and printed below).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sized, table } from '@nexus/bench';
import { loadCnf, parseDimacs, Solver } from '../src/sat/index.js';
import { SATLIB_GROUPS, satlib } from '../test/_satlib.js';

const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const sets = sized(SATLIB_GROUPS, ['uf20', 'structured']);
const perSet = sized(Number.POSITIVE_INFINITY, 3);
const root = mkdtempSync(join(tmpdir(), 'nip-bench-sat-'));
const LOGIC_TIMEOUT_MS = 600_000;

function native(command: string, dir: string, count: number): { ms: number; answers: string[] } {
  const script = `for i in $(seq 0 ${count - 1}); do ${command} "${dir}/$i.cnf" >/dev/null 2>&1; echo $?; done`;
  const start = performance.now();
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - start;
  return {
    ms,
    answers: out
      .trim()
      .split('\n')
      .map((c) => (c === '10' ? 'sat' : c === '20' ? 'unsat' : `exit ${c}`)),
  };
}

const rows: (string | number | null)[][] = [];
const totals = { nip: 0, minisat: 0, cadical: 0, logic: 0 };
let logicComplete = true;
for (const set of sets) {
  const instances = satlib(set).slice(0, perSet);
  const dir = join(root, set.replaceAll('/', '_'));
  mkdirSync(dir, { recursive: true });
  for (const [i, inst] of instances.entries()) writeFileSync(join(dir, `${i}.cnf`), inst.text);
  const expected = instances.map((i) => (i.expected === 'SAT' ? 'sat' : 'unsat'));

  let nipMs = 0;
  let nipMaxMs = 0;
  let conflicts = 0;
  for (const [i, inst] of instances.entries()) {
    const t = performance.now();
    const s = new Solver();
    loadCnf(s, parseDimacs(inst.text));
    const r = s.solve();
    const ms = performance.now() - t;
    nipMs += ms;
    nipMaxMs = Math.max(nipMaxMs, ms);
    conflicts += s.stats.conflicts;
    if (r !== expected[i]) throw new Error(`nip answered ${r} on ${inst.file}`);
  }
  const mini = have('minisat') ? native('minisat -verb=0', dir, instances.length) : null;
  const cadi = have('cadical') ? native('cadical -q', dir, instances.length) : null;
  for (const [name, res] of [
    ['minisat', mini],
    ['cadical', cadi],
  ] as const) {
    if (res?.answers.some((a, i) => a !== expected[i])) throw new Error(`${name} disagrees on ${set}`);
  }
  const child = spawnSync(
    process.execPath,
    [
      '--stack-size=65500',
      join(import.meta.dirname, 'logic-solver-child.mjs'),
      ...instances.map((_, i) => join(dir, `${i}.cnf`)),
    ],
    { encoding: 'utf8', timeout: LOGIC_TIMEOUT_MS, maxBuffer: 1 << 24 },
  );
  let logic: string | number = 'timeout';
  if (child.status === 0) {
    const parsed = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ms: number; answers: string[] };
    const failed = parsed.answers.filter((a, i) => a !== expected[i]);
    if (failed.length > 0) {
      logic = `${failed.length} failed (${failed[0]})`;
      logicComplete = false;
    } else {
      logic = parsed.ms / 1000;
      totals.logic += parsed.ms;
    }
  } else logicComplete = false;
  totals.nip += nipMs;
  if (mini) totals.minisat += mini.ms;
  if (cadi) totals.cadical += cadi.ms;
  console.log(
    `${set}: nip ${(nipMs / 1000).toFixed(2)} s, minisat ${mini ? (mini.ms / 1000).toFixed(2) : '–'} s, cadical ${cadi ? (cadi.ms / 1000).toFixed(2) : '–'} s, logic-solver ${typeof logic === 'number' ? logic.toFixed(2) : logic} s`,
  );
  rows.push([
    set,
    instances.length,
    nipMs / 1000,
    nipMaxMs / 1000,
    mini ? mini.ms / 1000 : 'skipped: minisat not installed',
    cadi ? cadi.ms / 1000 : 'skipped: cadical not installed',
    logic,
    mini ? nipMs / mini.ms : null,
    typeof logic === 'number' ? (logic * 1000) / nipMs : null,
    conflicts,
  ]);
}
rows.push([
  'total',
  null,
  totals.nip / 1000,
  null,
  totals.minisat / 1000,
  totals.cadical / 1000,
  logicComplete ? totals.logic / 1000 : 'incomplete',
  totals.minisat ? totals.nip / totals.minisat : null,
  logicComplete && totals.nip ? totals.logic / totals.nip : null,
  null,
]);
// Process start cost of the native tools: 100 runs on the empty formula.
const emptyDir = join(root, 'empty');
mkdirSync(emptyDir);
for (let i = 0; i < 100; i++) writeFileSync(join(emptyDir, `${i}.cnf`), 'p cnf 0 0\n');
const spawnMs = have('minisat') ? native('minisat -verb=0', emptyDir, 100).ms / 100 : 0;
table(
  'SAT: seconds per set, one run each (answers checked against the known status)',
  [
    'set',
    'instances',
    'nip s',
    'nip max s',
    'minisat s',
    'cadical s',
    'logic-solver s',
    'nip ÷ minisat',
    'logic-solver ÷ nip',
    'nip conflicts',
  ],
  rows,
  `Native tools run from one shell per set (one process per instance). logic-solver runs in a child process (${LOGIC_TIMEOUT_MS / 1000} s limit per set). Process start: ${spawnMs.toFixed(2)} ms per minisat run.`,
);
rmSync(root, { recursive: true, force: true });
