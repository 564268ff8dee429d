/** Random-word disassembly comparison shared by the test and the slow script. */
import { disassembleWord } from '../src/instruction';
import { LLVM14_MISSING } from './_features';
import { llvmDisassemble } from './_llvm';
import { genericSystemRegister } from './_sysreg';

/** Counts of one comparison run. */
export interface WordComparison {
  total: number;
  same: number;
  bothInvalid: number;
  uncovered: number;
  named: number;
  mismatches: string[];
}

/** Compares `count` random words (xorshift32 from `seed`) in batches of 100,000 per process. */
export function compareRandomWords(bin: string, seed: number, count: number): WordComparison {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const out: WordComparison = { total: 0, same: 0, bothInvalid: 0, uncovered: 0, named: 0, mismatches: [] };
  for (let done = 0; done < count; done += 100_000) {
    const words = Array.from({ length: Math.min(100_000, count - done) }, next);
    const ref = llvmDisassemble(bin, words);
    for (let i = 0; i < words.length; i++) {
      out.total++;
      const ours = disassembleWord(words[i], 0, LLVM14_MISSING);
      const r = ref[i];
      if (ours === null && r === null) out.bothInvalid++;
      else if (ours === null) out.uncovered++;
      else if (r !== null && ours.replace(/\s+/g, ' ') === r.replace(/\s+/g, ' ')) out.same++;
      else if (
        r !== null &&
        /^(mrs|msr|sys|sysl|dc|ic|at|tlbi)\b/.test(r) &&
        (/\b(S[0-3]_[0-7]_C\d+_C\d+_[0-7]|sys|sysl)\b/.test(ours) ||
          genericSystemRegister(r) === genericSystemRegister(ours) ||
          (/^sys\b/.test(r) && !/^sys\b/.test(ours)))
      )
        out.named++;
      else out.mismatches.push(`${words[i].toString(16).padStart(8, '0')}: llvm '${r}' ours '${ours}'`);
    }
  }
  return out;
}
