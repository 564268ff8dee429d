/**
 * SAT: nip against MiniSat and CaDiCaL (native, Debian packages minisat and cadical) and
 * logic-solver (npm: MiniSat compiled to asm.js) on the SATLIB / SAT-2009 sets, one run each,
 * side by side. Times include reading the DIMACS text; native tools also pay one process start
 * per instance (about 2 ms, measured with an empty formula and printed below).
 *
 * Wall time and CPU time are both printed: on a shared machine the CPU time (process.cpuUsage
 * for nip and the logic-solver child, the shell's `times` for the native tools' children) is the
 * steadier figure, and the ratios are taken on it. `nip+pre` is nip with `preprocess: true`, run
 * on the structured and industrial sets (`NIP_SAT_PRE=all`: on every set).
 * `NIP_SAT_SETS=structured,industrial-2009-easy` runs only the named sets.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sized, table } from '@nexus/bench';
import { loadCnf, parseDimacs, Solver } from '../src/sat/index.js';
import { SATLIB_GROUPS, satlib } from '../test/_satlib.js';

const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const only = process.env.NIP_SAT_SETS?.split(',').filter((x) => x !== '');
const sets = sized(only ?? SATLIB_GROUPS, ['uf20', 'structured']);
const perSet = sized(Number.POSITIVE_INFINITY, 3);
const root = mkdtempSync(join(tmpdir(), 'nip-bench-sat-'));
const LOGIC_TIMEOUT_MS = 600_000;
/** Sets the preprocessed nip also runs on (`NIP_SAT_PRE=all`: every set). */
const PRE_SETS = new Set(['structured', 'industrial-2009-easy']);

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs a native solver on every file from one shell; wall time, the children's CPU time, answers. */
function native(
  command: string,
  dir: string,
  count: number,
): { ms: number; cpuMs: number; answers: string[] } {
  const script = `for i in $(seq 0 ${count - 1}); do ${command} "${dir}/$i.cnf" >/dev/null 2>&1; echo $?; done; times`;
  const start = performance.now();
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - start;
  const lines = out.trim().split('\n');
  // `times` prints the shell's user/system time, then its children's: "0m1.234s 0m0.056s".
  const seconds = (lines.pop() ?? '')
    .trim()
    .split(/\s+/)
    .map((t) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(t);
      return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
    });
  lines.pop();
  return {
    ms,
    cpuMs: 1000 * (seconds[0] + (seconds[1] ?? 0)),
    answers: lines.map((c) => (c === '10' ? 'sat' : c === '20' ? 'unsat' : `exit ${c}`)),
  };
}

const rows: (string | number | null)[][] = [];
const cpuRows: (string | number | null)[][] = [];
const totals = { nip: 0, minisat: 0, cadical: 0, logic: 0 };
const cpuTotals = { nip: 0, nipPre: 0, minisat: 0, cadical: 0, logic: 0 };
let logicComplete = true;
for (const set of sets) {
  const instances = satlib(set).slice(0, perSet);
  const dir = join(root, set.replaceAll('/', '_'));
  mkdirSync(dir, { recursive: true });
  for (const [i, inst] of instances.entries()) writeFileSync(join(dir, `${i}.cnf`), inst.text);
  const expected = instances.map((i) => (i.expected === 'SAT' ? 'sat' : 'unsat'));

  let nipMs = 0;
  let nipCpuMs = 0;
  let nipMaxMs = 0;
  let conflicts = 0;
  for (const [i, inst] of instances.entries()) {
    const t = performance.now();
    const c = cpuNow();
    const s = new Solver();
    loadCnf(s, parseDimacs(inst.text));
    const r = s.solve();
    nipCpuMs += cpuNow() - c;
    const ms = performance.now() - t;
    nipMs += ms;
    nipMaxMs = Math.max(nipMaxMs, ms);
    conflicts += s.stats.conflicts;
    if (r !== expected[i]) throw new Error(`nip answered ${r} on ${inst.file}`);
  }
  let preCpuMs = 0;
  let preConflicts = 0;
  let eliminated = 0;
  const withPre = process.env.NIP_SAT_PRE === 'all' || PRE_SETS.has(set);
  for (const [i, inst] of withPre ? instances.entries() : []) {
    const c = cpuNow();
    const s = new Solver({ preprocess: true });
    loadCnf(s, parseDimacs(inst.text));
    const r = s.solve();
    preCpuMs += cpuNow() - c;
    preConflicts += s.stats.conflicts;
    eliminated += s.stats.eliminatedVariables;
    if (r !== expected[i]) throw new Error(`nip+pre answered ${r} on ${inst.file}`);
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
  let logicCpu: number | null = null;
  if (child.status === 0) {
    const parsed = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      ms: number;
      cpuMs: number;
      answers: string[];
    };
    const failed = parsed.answers.filter((a, i) => a !== expected[i]);
    if (failed.length > 0) {
      logic = `${failed.length} failed (${failed[0]})`;
      logicComplete = false;
    } else {
      logic = parsed.ms / 1000;
      logicCpu = parsed.cpuMs / 1000;
      totals.logic += parsed.ms;
      cpuTotals.logic += parsed.cpuMs;
    }
  } else logicComplete = false;
  totals.nip += nipMs;
  cpuTotals.nip += nipCpuMs;
  cpuTotals.nipPre += preCpuMs;
  if (mini) {
    totals.minisat += mini.ms;
    cpuTotals.minisat += mini.cpuMs;
  }
  if (cadi) {
    totals.cadical += cadi.ms;
    cpuTotals.cadical += cadi.cpuMs;
  }
  console.log(
    `${set}: nip ${(nipMs / 1000).toFixed(2)} s (CPU ${(nipCpuMs / 1000).toFixed(2)} s; preprocessed ${(preCpuMs / 1000).toFixed(2)} s, ${preConflicts} conflicts, ${eliminated} variables eliminated), minisat ${mini ? (mini.ms / 1000).toFixed(2) : '–'} s, cadical ${cadi ? (cadi.ms / 1000).toFixed(2) : '–'} s, logic-solver ${typeof logic === 'number' ? logic.toFixed(2) : logic} s`,
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
  cpuRows.push([
    set,
    nipCpuMs / 1000,
    withPre ? preCpuMs / 1000 : 'not run',
    mini ? mini.cpuMs / 1000 : 'skipped',
    cadi ? cadi.cpuMs / 1000 : 'skipped',
    logicCpu ?? logic,
    mini && mini.cpuMs > 0 ? nipCpuMs / mini.cpuMs : null,
    logicCpu !== null ? (logicCpu * 1000) / nipCpuMs : null,
    withPre ? preConflicts : null,
    withPre ? eliminated : null,
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
cpuRows.push([
  'total',
  cpuTotals.nip / 1000,
  process.env.NIP_SAT_PRE === 'all' ? cpuTotals.nipPre / 1000 : 'not run on every set',
  cpuTotals.minisat / 1000,
  cpuTotals.cadical / 1000,
  logicComplete ? cpuTotals.logic / 1000 : 'incomplete',
  cpuTotals.minisat > 0 ? cpuTotals.nip / cpuTotals.minisat : null,
  logicComplete && cpuTotals.nip ? cpuTotals.logic / cpuTotals.nip : null,
  null,
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
table(
  'SAT: CPU seconds per set, same run (steadier than wall time on a shared machine)',
  [
    'set',
    'nip cpu s',
    'nip+pre cpu s',
    'minisat cpu s',
    'cadical cpu s',
    'logic-solver cpu s',
    'nip ÷ minisat (cpu)',
    'logic-solver ÷ nip (cpu)',
    'nip+pre conflicts',
    'eliminated vars',
  ],
  cpuRows,
  'nip+pre: Solver({ preprocess: true }) on the same instances, run right after nip (structured and industrial; NIP_SAT_PRE=all for every set). Native CPU: the children times of the shell that ran them.',
);
rmSync(root, { recursive: true, force: true });
