/**
 * The long disassembly sweep: 10^6 (or the count given) random words through our disassembler
 * and `llvm-mc -disassemble`, 10^5 words per llvm-mc process.
 *
 *   node --conditions=nexus-src --import tsx scripts/disassembly-sweep.ts [count] [seed]
 */
import { compareRandomWords } from '../test/_disassembly';
import { llvmMc } from '../test/_llvm';

const bin = llvmMc();
if (!bin) {
  console.error('llvm-mc not found (Debian package llvm)');
  process.exit(2);
}
const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 0x5eed5);
const t0 = performance.now();
const r = compareRandomWords(bin, seed, count);
console.log(
  `random words disassembled: ${r.total} (same text: ${r.same}, both invalid: ${r.bothInvalid}, outside the tables: ${r.uncovered}, named system operands not compared: ${r.named}, mismatches: ${r.mismatches.length}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
for (const m of r.mismatches.slice(0, 50)) console.log(`  ${m}`);
process.exit(r.mismatches.length === 0 ? 0 : 1);
