/** A corpus of base-ISA instructions in canonical text (the disassembly of random covered words). */
import { disassembleWord, encodeTokens, tokenize } from '../src/instruction';
import { encodings } from '../src/tables';

/** Lines of canonical assembly and their words, `count` of them, seeded. */
export function corpus(count: number, seed = 7): { lines: string[]; words: number[] } {
  let s = seed;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const pool = encodings().filter((e) => e.template && /^(dpimm|dpreg|ldst)\//.test(e.group) && !e.feature);
  const lines: string[] = [];
  const words: number[] = [];
  while (lines.length < count) {
    const e = pool[next() % pool.length];
    const w = ((next() & ~e.mask) | e.value) >>> 0;
    const t = disassembleWord(w);
    if (t === null) continue;
    // Keep out what an assembler refuses (CONSTRAINED UNPREDICTABLE register overlaps).
    const m = /^(\S+)\s*(.*)$/.exec(t) as RegExpExecArray;
    const tokens = tokenize(m[2]);
    if (!Array.isArray(tokens) || !('word' in encodeTokens(m[1], tokens))) continue;
    lines.push(t);
    words.push(w);
  }
  return { lines, words };
}
