/**
 * Operand kinds: how each template operand reads from and writes to an encoding's fields, and how
 * it is spelled in text (LLVM's canonical spelling for output, GNU/LLVM syntax for input).
 *
 * Template operands are strings `%kind:args` produced by the generator:
 *
 * | kind | args | meaning |
 * | --- | --- | --- |
 * | `R` | field, `w`/`x`/`b5`, `zr`/`sp` | general register; register 31 is `zr` or `sp` |
 * | `R+` | field, `w`/`x` | the register after the one in the field (pairs) |
 * | `V` | field, `b`/`h`/`s`/`d`/`q` | scalar FP/SIMD register |
 * | `I` | fields, `u`/`s`, scale | immediate, value = field × scale |
 * | `L` | fields, scale | PC-relative label, offset = signed field × scale |
 * | `M` | 32/64 | logical (bitmask) immediate in N:immr:imms |
 * | `C`, `C!` | field | condition code (`C!` inverted) |
 * | `E` | field, shift, `text=bits;...` | a field enumeration |
 * | `CR` | field | `c0`..`c15` |
 *
 * | `LANE` | `b`/`h`/`s`/`d` | single-structure lane index in Q:S:size |
 * | `BYTEMASK` | | 64-bit mask, one 0x00/0xff byte per bit of a:b:c:d:e:f:g:h |
 * | `N` | field | element index written without `#` (`v2.s[3]`) |
 *
 * and a few kinds the runtime adds for aliases whose operands are computed (`LSL` as `UBFM`):
 * `MOVZ`, `MOVN`, `LSL`, `BFW`, `BFZL`, `BFZW`, `SYSREG` (system registers by name),
 * `SYSOP:AT|DC|IC|TLBI` (named SYS operations), `PSTATE` and `PSTATEIMM` (MSR immediate),
 * `BARRIER`, `PRFOP`.
 *
 * The two directions live in `operand-print.ts` and `operand-match.ts`, side by side over the same
 * kinds, with their shared building blocks in `_operand.ts`; this module is their one entry.
 * @module
 */
export {
  dataSize,
  expandFloatImmediate,
  type Fixup,
  gpr,
  type MatchState,
  NoSuchOperand,
  splitOperand,
  type Token,
} from './_operand';
export { applyOmitted, matchOperand } from './operand-match';
export { isDefault, printOperand } from './operand-print';
