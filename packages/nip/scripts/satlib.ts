/**
 * The full SATLIB / SAT-2009 sweep (slower than CI allows): answers all 4080 instances of
 * test/vectors/satlib, checks every model against its formula and every UNSAT answer's DRAT
 * proof with the test checker (proofs of instances over 4 MB of CNF are skipped: the checker
 * is forward-only and slow there).
 *
 *   node --conditions=nexus-src --import tsx scripts/satlib.ts [group...]
 */
import { checkModel, DratWriter, loadCnf, parseDimacs, Solver } from '../src/sat/index.js';
import { checkDrat } from '../test/_drat-check.js';
import { SATLIB_GROUPS, satlib } from '../test/_satlib.js';

const groups = process.argv.slice(2);
let correct = 0;
let total = 0;
let proofs = 0;
for (const group of groups.length > 0 ? groups : SATLIB_GROUPS) {
  const start = performance.now();
  for (const inst of satlib(group)) {
    const cnf = parseDimacs(inst.text);
    const checkProof = inst.expected === 'UNSAT' && inst.text.length < 4_000_000;
    const proof = checkProof ? new DratWriter() : undefined;
    const s = new Solver({ proof });
    loadCnf(s, cnf);
    const r = s.solve();
    total++;
    let ok = r === (inst.expected === 'SAT' ? 'sat' : 'unsat');
    if (ok && r === 'sat') ok = checkModel(cnf, s.modelLiterals()) === -1;
    if (ok && proof) {
      ok = checkDrat(inst.text, proof.text()).valid;
      proofs++;
    }
    if (ok) correct++;
    else console.log(`WRONG: ${group}/${inst.file}: ${r}, expected ${inst.expected}`);
  }
  console.log(`${group}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
}
console.log(`satlib instances: ${correct}/${total} (DRAT proofs checked: ${proofs})`);
if (correct !== total) process.exit(1);
