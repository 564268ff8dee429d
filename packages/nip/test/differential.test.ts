import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkModel, parseDimacs, Solver, writeDimacs } from '../src/sat/index.js';
import { oracle } from './_oracle.js';
import { random3Sat } from './_random3sat.js';

const run = promisify(execFile);
const INSTANCES = 10_000;
const BATCH = 1_000; // instances per oracle shell: one Node spawn per batch, the shell forks the tool
const SEED = 0x5eed;
const hasMinisat = oracle('minisat', 'minisat');
const hasCadical = oracle('cadical', 'cadical');

/** Runs a DIMACS solver on every file of a folder from one shell; returns its exit codes in order. */
async function oracleAnswers(dir: string, count: number, command: string): Promise<string[]> {
  const script = `for i in $(seq 0 ${count - 1}); do ${command} "${dir}/$i.cnf" >/dev/null 2>&1; echo $?; done`;
  const { stdout } = await run('sh', ['-c', script], { maxBuffer: 1 << 24 });
  return stdout
    .trim()
    .split('\n')
    .map((code) => (code === '10' ? 'sat' : code === '20' ? 'unsat' : `exit ${code}`));
}

describe('random 3-SAT differential against MiniSat and CaDiCaL', () => {
  it.skipIf(!hasMinisat || !hasCadical)(
    'gives the same answer on 10^4 instances at the phase transition',
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'nip-diff-'));
      let compared = 0;
      let satCount = 0;
      try {
        for (let b = 0; b < INSTANCES / BATCH; b++) {
          const dir = join(root, String(b));
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir);
          const ours: string[] = [];
          for (let i = 0; i < BATCH; i++) {
            const seed = SEED + b * BATCH + i;
            const vars = 20 + (seed % 31); // 20..50 variables, 85..213 clauses
            const clauses = random3Sat(vars, seed);
            const text = writeDimacs(vars, clauses);
            writeFileSync(join(dir, `${i}.cnf`), text);
            const s = new Solver();
            for (const c of clauses) s.addClause(c);
            const r = s.solve();
            if (r === 'sat')
              expect(checkModel(parseDimacs(text), s.modelLiterals()), `seed ${seed}`).toBe(-1);
            ours.push(r);
          }
          const [mini, cadi] = await Promise.all([
            oracleAnswers(dir, BATCH, 'minisat -verb=0'),
            oracleAnswers(dir, BATCH, 'cadical -q'),
          ]);
          for (let i = 0; i < BATCH; i++) {
            const seed = SEED + b * BATCH + i;
            expect(mini[i], `minisat, seed ${seed}`).toBe(ours[i]);
            expect(cadi[i], `cadical, seed ${seed}`).toBe(ours[i]);
            if (ours[i] === 'sat') satCount++;
            compared++;
          }
          rmSync(dir, { recursive: true, force: true });
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
      console.log(`random 3-SAT differential: ${compared} (${satCount} SAT, ${compared - satCount} UNSAT)`);
      expect(compared).toBe(INSTANCES);
      // At the phase transition both answers must be common, or the test would not test much.
      expect(satCount).toBeGreaterThan(INSTANCES / 5);
      expect(compared - satCount).toBeGreaterThan(INSTANCES / 5);
    },
    150_000,
  );
});
