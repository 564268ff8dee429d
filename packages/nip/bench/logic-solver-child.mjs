// Runs logic-solver (MiniSat compiled to asm.js) on DIMACS files given as arguments and prints
// one JSON line: total wall and CPU milliseconds and per-file answers. A separate process so a heap failure
// or a hang in one set cannot stop the bench.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const Logic = createRequire(import.meta.url)('logic-solver');
const answers = [];
const start = performance.now();
const cpuStart = process.cpuUsage();
for (const file of process.argv.slice(2)) {
  try {
    const text = readFileSync(file, 'utf8');
    const s = new Logic.Solver();
    let clause = [];
    let header = false;
    const names = [];
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t === '' || t[0] === 'c' || t[0] === '%') continue;
      if (t[0] === 'p') {
        const n = Number(t.split(/\s+/)[2]);
        for (let v = 1; v <= n; v++) names.push(`x${v}`);
        header = true;
        continue;
      }
      if (!header) continue;
      for (const tok of t.split(/\s+/)) {
        const x = Number(tok);
        if (x === 0) {
          s.require(clause.length === 0 ? Logic.FALSE : Logic.or(clause));
          clause = [];
        } else clause.push(x > 0 ? names[x - 1] : `-${names[-x - 1]}`);
      }
    }
    answers.push(s.solve() ? 'sat' : 'unsat');
  } catch (e) {
    answers.push(`error: ${String(e.message ?? e).slice(0, 60)}`);
  }
}
const cpu = process.cpuUsage(cpuStart);
console.log(
  JSON.stringify({ ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000, answers }),
);
