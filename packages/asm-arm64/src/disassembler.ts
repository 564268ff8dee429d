/**
 * Disassembly of whole code buffers in LLVM's canonical spelling.
 * @module
 */
import { disassembleWord } from './printer';

/** One disassembled instruction. */
export interface DisassembledLine {
  /** Address of the word. */
  address: number;
  /** The word. */
  word: number;
  /** Canonical text (`add\tx0, x1, #1`), or null for a word the tables do not decode. */
  text: string | null;
}

/**
 * Disassembles little-endian machine code, one line per 4-byte word.
 *
 * @example
 * ```ts
 * disassemble(new Uint8Array([0x20, 0x04, 0x00, 0x91]))[0].text; // 'add\tx0, x1, #1'
 * ```
 */
export function disassemble(code: Uint8Array, address = 0): DisassembledLine[] {
  if (!(code instanceof Uint8Array)) throw new TypeError('code: expected a Uint8Array');
  if (code.length % 4 !== 0) throw new RangeError('code: length must be a multiple of 4');
  const v = new DataView(code.buffer, code.byteOffset, code.byteLength);
  const out: DisassembledLine[] = [];
  for (let o = 0; o < code.length; o += 4) {
    const word = v.getUint32(o, true);
    out.push({ address: address + o, word, text: disassembleWord(word, address + o) });
  }
  return out;
}

export { disassembleWord };
