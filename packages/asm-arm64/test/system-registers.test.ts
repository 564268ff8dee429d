/**
 * Every system-register encoding (op0 2 and 3, every op1, CRn, CRm, op2; as `mrs` and as `msr`)
 * through `llvm-mc -disassemble` and through ours. Our names come from the Arm ARM's tables
 * (scripts/data/system-registers.txt); LLVM is the oracle: where both name a register the names
 * must agree, and our assembly of every name must give the word back.
 */
import { describe, expect, it } from 'vitest';
import { disassembleWord, encodeTokens, tokenize } from '../src/instruction';
import { llvmAssemble, llvmDisassemble, llvmMc } from './_llvm';
import { SYSREG_MATTR } from './_sysreg';

const bin = llvmMc();
const ci = process.env.CI === 'true';

/**
 * Names LLVM 14 prints that the current Arm ARM no longer lists (ETMv4 registers ETE dropped, the
 * ThumbEE and draft ECV registers), and LLVM 14 writes to two registers the Arm ARM makes
 * read-only (CNTPCTSS_EL0, CNTVCTSS_EL0, PMMIR_EL1). Ours stay in the generic form there.
 */
const LLVM_ONLY =
  /^(TRCCIDR[0-3]|TRCDEVAFF[01]|TRCDEVTYPE|TRCDVCMR[0-7]|TRCDVCVR[0-7]|TRCITCTRL|TRCLSR|TRCLAR|TRCOSLAR|TRCPDCR|TRCPDSR|TRCPIDR[0-7]|TRCPROCSELR|TRCVDARCCTLR|TRCVDCTLR|TRCVDSACCTLR|TEECR32_EL1|TEEHBR32_EL1|CNTISCALE_EL2|CNTSCALE_EL2|CNTVFRQ_EL2|CNTPCTSS_EL0|CNTVCTSS_EL0|PMMIR_EL1)$/;
/** ETMv4's TRCEXTINSELR is the Arm ARM's TRCEXTINSELR0 (TRCEXTINSELR<n>, n = 0 to 3). */
const RENAMED: Record<string, string> = { TRCEXTINSELR: 'TRCEXTINSELR0' };

/**
 * Operations LLVM 14 names that Arm's specification does not list: BRB IALL/INJ (named in the
 * specification's BRB alias, which this package does not assemble: its Rt is not part of the
 * alias's condition) and nXS forms of the RME TLBI operations the specification defines only
 * without nXS.
 */
const LLVM_ONLY_OPERATIONS = /^(brb (iall|inj)|tlbi (paallosnxs|paallnxs|rpaosnxs|rpalosnxs)\b)/;

const registerOf = (text: string): string =>
  (/^mrs\s+x\d+,\s*(\S+)$/.exec(text) ?? /^msr\s+(\S+),/.exec(text))?.[1] ?? '';
const generic = (name: string): boolean => /^S[23]_[0-7]_C\d+_C\d+_[0-7]$/.test(name);

describe.skipIf(!bin && !ci)('system registers vs llvm-mc', () => {
  it('names every op0/op1/CRn/CRm/op2 the way LLVM does where both name it', () => {
    if (!bin) throw new Error('llvm-mc is required under CI=true (Debian package llvm)');
    const words: number[] = [];
    for (const read of [0, 1])
      for (let code = 0; code < 1 << 15; code++)
        words.push(
          (0xd5000000 | (read << 21) | (1 << 20) | ((code >> 14) << 19) | ((code & 0x3fff) << 5)) >>> 0,
        );
    const ref = llvmDisassemble(bin as string, words, SYSREG_MATTR);
    let same = 0;
    let armOnly = 0;
    let llvmOnly = 0;
    let renamed = 0;
    const failures: string[] = [];
    const ours: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const text = (disassembleWord(words[i], 0) ?? '').replace(/\s+/g, ' ');
      ours.push(text);
      const r = (ref[i] ?? '').replace(/\s+/g, ' ');
      const a = registerOf(text);
      const b = registerOf(r);
      if (text === r) same++;
      else if (generic(b) && !generic(a)) armOnly++;
      else if (generic(a) && LLVM_ONLY.test(b)) llvmOnly++;
      else if (RENAMED[b] === a) renamed++;
      else failures.push(`${words[i].toString(16)}: llvm '${r}' ours '${text}'`);
    }
    // Every line we print assembles back to its word, through our assembler and through LLVM's
    // where LLVM knows the name.
    const back = llvmAssemble(bin as string, ours, SYSREG_MATTR);
    let assembled = 0;
    for (let i = 0; i < words.length; i++) {
      const m = /^(\S+) (.*)$/.exec(ours[i]);
      const tokens = m ? tokenize(m[2]) : null;
      const r = m && Array.isArray(tokens) ? encodeTokens(m[1], tokens) : null;
      const word = r && 'word' in r ? r.word : -1;
      if (word !== words[i])
        failures.push(`assemble '${ours[i]}': ${word.toString(16)} not ${words[i].toString(16)}`);
      else assembled++;
      if (back[i] !== null && back[i] !== words[i])
        failures.push(`llvm assembles '${ours[i]}' to ${back[i]?.toString(16)} not ${words[i].toString(16)}`);
    }
    console.log(
      `system register encodings: ${words.length} (same text as llvm-mc: ${same}, named by the Arm ARM only: ${armOnly}, named by LLVM 14 only: ${llvmOnly}, renamed since ETMv4: ${renamed}, assembled back: ${assembled})`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('names every AT, DC, IC and TLBI operation the way LLVM does where both name it', () => {
    if (!bin) throw new Error('llvm-mc is required under CI=true (Debian package llvm)');
    const words: number[] = [];
    for (const rt of [31, 0])
      for (let code = 0; code < 1 << 14; code++) words.push((0xd5080000 | (code << 5) | rt) >>> 0);
    const ref = llvmDisassemble(bin as string, words, SYSREG_MATTR);
    let same = 0;
    let armOnly = 0;
    let llvmOnly = 0;
    let keptRt = 0;
    let assembled = 0;
    const failures: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const text = (disassembleWord(words[i], 0) ?? '').replace(/\s+/g, ' ');
      const r = (ref[i] ?? '').replace(/\s+/g, ' ');
      if (text === r) same++;
      // Operations and SYS aliases of features newer than LLVM 14 (GCS, RME, FEAT_ATS1A, ...).
      else if (r.startsWith('sys ') && !text.startsWith('sys ')) armOnly++;
      else if (text.startsWith('sys ') && LLVM_ONLY_OPERATIONS.test(r)) llvmOnly++;
      // An operation that takes no register, with Rt not XZR: LLVM names it and drops Rt (its
      // text assembles to another word); we print SYS so that the word round-trips.
      else if (/^(ic|tlbi) [a-z0-9]+$/.test(r) && (words[i] & 31) !== 31 && text.startsWith('sys ')) keptRt++;
      else failures.push(`${words[i].toString(16)}: llvm '${r}' ours '${text}'`);
      // Our text assembles back to the word.
      const m = /^(\S+) ?(.*)$/.exec(text);
      const tokens = m ? tokenize(m[2]) : null;
      const enc = m && Array.isArray(tokens) ? encodeTokens(m[1], tokens) : null;
      const word = enc && 'word' in enc ? enc.word : -1;
      if (word === words[i]) assembled++;
      else failures.push(`assemble '${text}': ${word.toString(16)} not ${words[i].toString(16)}`);
    }
    console.log(
      `system operation encodings: ${words.length} (same text as llvm-mc: ${same}, named by the Arm specification only: ${armOnly}, named by LLVM 14 only: ${llvmOnly}, register-less operations kept as sys with their Rt: ${keptRt}, assembled back: ${assembled})`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
