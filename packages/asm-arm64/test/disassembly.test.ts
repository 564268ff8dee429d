/**
 * Random 32-bit words through our disassembler and `llvm-mc -disassemble` (one process): where we
 * print a word, LLVM must print the same text; where LLVM finds no instruction, we must not print
 * one either. Words we leave undecoded (SVE, SME, parts of SIMD) are counted, not compared.
 */
import { describe, expect, it } from 'vitest';
import { compareRandomWords } from './_disassembly';
import { llvmMc } from './_llvm';

const bin = llvmMc();
const ci = process.env.CI === 'true';

describe.skipIf(!bin && !ci)('disassembly of random words vs llvm-mc', () => {
  it('prints what LLVM prints for 10^5 random words', () => {
    if (!bin) throw new Error('llvm-mc is required under CI=true (Debian package llvm)');
    const r = compareRandomWords(bin, 0xd15a55, 100_000);
    console.log(
      `random words disassembled: ${r.total} (same text: ${r.same}, both invalid: ${r.bothInvalid}, outside the tables: ${r.uncovered}, named system operands not compared: ${r.named})`,
    );
    expect(r.mismatches.slice(0, 20)).toEqual([]);
  });
});
