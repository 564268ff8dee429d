/** System-register helpers shared by the llvm-mc tests. */
import { systemRegisterByName } from '../src/operand-names';

/**
 * Features for the system-register oracle run: LLVM 14 names a register only when the feature
 * that defines it is on.
 */
export const SYSREG_MATTR =
  '+v9.3a,+v8.8a,+sve,+sve2,+sme,+mte,+spe,+spe-eef,+tme,+ras,+lor,+pan,+vh,+mpam,+el2vmsa,+el3,+sel2,+rme,+brbe,+ete,+trbe,+tracev8.4,+amvs,+fgt,+ecv,+hcx,+ls64,+xs,+wfxt,+rand,+predres,+sb,+ssbs,+dit,+pauth,+nv,+perfmon,+ccidx,+specrestrict,+tlb-rmi,+flagm,+pan-rwv,+uaops,+mops,+hbc';

/**
 * Rewrites a named system register of an `mrs`/`msr` line to its generic `S<op0>_<op1>_C<n>_C<m>_<op2>`
 * form, so that a line LLVM 14 prints generically (a register newer than LLVM 14, or one whose
 * feature is off in the run) compares equal to ours.
 */
export function genericSystemRegister(text: string): string {
  const m = /^(mrs|msr)(\s+)(.*)$/.exec(text.trim());
  if (!m) return text;
  const write = m[1] === 'msr';
  return `${m[1]}${m[2]}${m[3].replace(/\b[A-Za-z][A-Za-z0-9_]*\b/g, (w) => {
    const code = systemRegisterByName(w.toLowerCase(), write);
    if (code === undefined) return w;
    return `S${code >> 14}_${(code >> 11) & 7}_C${(code >> 7) & 15}_C${(code >> 3) & 15}_${code & 7}`;
  })}`;
}
