/**
 * The text assembler's instructions encoded in pass one that still wait for pass two: their
 * symbol references (fixups) and identifier operands (an `.equ` name among them sends the line
 * back to the general path), kept in parallel arrays instead of one object per line with copied
 * fixup records (with those objects, mostly their collection, the bundled text mix ran 0.73M lines
 * per CPU-second; without, 1.25M).
 * @module
 */
import { compiledResult } from './_encode-compiled';
import type { Operands } from './_shape';
import type { Fixup } from './operands';
import type { Encoding } from './tables';

/** Is the atom a value atom that names something (`i`, or an FP/SIMD register letter)? */
function isIdentifierAtom(ch: number): boolean {
  return ch === 105 || (ch >= 65 && ch <= 90);
}

/** Do the scanned operands name anything (a symbol, a condition, a shift, an FP register)? */
export function hasIdentifiers(ops: Operands): boolean {
  for (let a = 0; a < ops.atomCount; a++) if (isIdentifierAtom(ops.atoms[a])) return true;
  return false;
}

/** Pass-one instructions with references left, one index per instruction. */
export class Deferred {
  /** 1-based source line. */
  readonly line: number[] = [];
  /** 0-based column of the mnemonic. */
  readonly column: number[] = [];
  /** Offset in the text section. */
  readonly offset: number[] = [];
  /** The word as pass one encoded it. */
  readonly word: number[] = [];
  readonly encoding: Encoding[] = [];
  /** End of the mnemonic in `source` (it starts at `column`). */
  readonly mnemonicEnd: number[] = [];
  /** The line (labels skipped) and where its operands start, for the general path. */
  readonly source: string[] = [];
  readonly restColumn: number[] = [];
  /** Fixups of instruction `i`: `fixupStart[i]` up to `fixupStart[i + 1]`. */
  readonly fixupStart: number[] = [0];
  /** Names of instruction `i`: `nameStart[i]` up to `nameStart[i + 1]`. */
  readonly nameStart: number[] = [0];
  private readonly names: string[] = [];
  private readonly symbol: string[] = [];
  private readonly addend: number[] = [];
  private readonly kind: Fixup['kind'][] = [];
  private readonly fields: string[] = [];
  private readonly scale: number[] = [];
  private readonly fixupColumn: number[] = [];

  /** Records the instruction `encodeCompiled` just encoded (its fixups in `compiledResult`). */
  add(
    line: number,
    column: number,
    offset: number,
    word: number,
    mnemonicEnd: number,
    source: string,
    restColumn: number,
    ops: Operands,
  ): number {
    const i = this.line.length;
    this.line.push(line);
    this.column.push(column);
    this.offset.push(offset);
    this.word.push(word);
    this.encoding.push(compiledResult.encoding as Encoding);
    this.mnemonicEnd.push(mnemonicEnd);
    this.source.push(source);
    this.restColumn.push(restColumn);
    const fixups = compiledResult.fixups;
    for (let f = 0; f < compiledResult.fixupCount; f++) {
      const x = fixups[f];
      this.symbol.push(x.symbol);
      this.addend.push(x.addend);
      this.kind.push(x.kind);
      this.fields.push(x.fields);
      this.scale.push(x.scale);
      this.fixupColumn.push(x.column);
    }
    this.fixupStart.push(this.symbol.length);
    for (let a = 0, slot = 0; a < ops.atomCount; a++) {
      const ch = ops.atoms[a];
      // Value atoms are letters; punctuation has no slot.
      if (!((ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122))) continue;
      if (isIdentifierAtom(ch)) this.names.push(ops.texts[slot]);
      slot++;
    }
    this.nameStart.push(this.names.length);
    return i;
  }

  /** Copies fixup record `f` into `out`. */
  fixup(f: number, out: Fixup): void {
    out.symbol = this.symbol[f];
    out.addend = this.addend[f];
    out.kind = this.kind[f];
    out.fields = this.fields[f];
    out.scale = this.scale[f];
    out.column = this.fixupColumn[f];
  }

  /** Does instruction `i` name one of `equs`? */
  namesEqu(i: number, equs: ReadonlyMap<string, unknown>): boolean {
    for (let n = this.nameStart[i]; n < this.nameStart[i + 1]; n++) if (equs.has(this.names[n])) return true;
    return false;
  }
}
