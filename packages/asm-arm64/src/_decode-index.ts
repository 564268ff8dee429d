/**
 * The decode index: from a word to the few encodings it may be, built once from the tables.
 *
 * Level one is the top eight bits (`candidates` in `tables.ts`: 256 lists, up to 176 encodings
 * long, most specific first). Level two splits each list by the six bits below the top byte that
 * its encodings fix most often (for the load/store and SIMD lists, the bits that tell size, opc
 * and the addressing mode apart): an encoding goes into every sub-list its fixed bits allow,
 * in its original order, so the first match in a sub-list is the first match in the whole list.
 * On random covered words this cut the encodings tried per word from 18 to about 3.
 * @module
 */
import { candidates, type Encoding } from './tables';

/** Bits of the second level per top byte. */
const SPLIT_BITS = 6;

interface Bucket {
  /** Bit positions (below 24) gathered into the sub-list index, high first. */
  bits: number[];
  lists: Encoding[][];
}

let buckets: Bucket[] | null = null;

function buildBucket(list: readonly Encoding[]): Bucket {
  const counts: { bit: number; n: number }[] = [];
  for (let bit = 0; bit < 24; bit++) {
    let n = 0;
    for (const e of list) if ((e.mask >>> bit) & 1) n++;
    counts.push({ bit, n });
  }
  counts.sort((a, b) => b.n - a.n || b.bit - a.bit);
  const bits = counts
    .filter((c) => c.n > 0)
    .slice(0, SPLIT_BITS)
    .map((c) => c.bit);
  const lists: Encoding[][] = [];
  for (let key = 0; key < 1 << bits.length; key++) {
    const sub: Encoding[] = [];
    for (const e of list) {
      let fits = true;
      for (let i = 0; i < bits.length; i++) {
        const bit = bits[i];
        const want = (key >>> (bits.length - 1 - i)) & 1;
        if ((e.mask >>> bit) & 1 && ((e.value >>> bit) & 1) !== want) {
          fits = false;
          break;
        }
      }
      if (fits) sub.push(e);
    }
    lists.push(sub);
  }
  return { bits, lists };
}

/**
 * The encodings a word may be, most specific first: a sub-list of `candidates(word)` without
 * the encodings whose fixed bits the word contradicts.
 *
 * @example
 * ```ts
 * decodeCandidates(0x91000420)[0].name; // 'ADD_64_addsub_imm'
 * ```
 */
export function decodeCandidates(word: number): readonly Encoding[] {
  if (buckets === null) {
    const built: Bucket[] = [];
    for (let top = 0; top < 256; top++) built.push(buildBucket(candidates((top << 24) >>> 0)));
    buckets = built;
  }
  const b = buckets[word >>> 24];
  const bits = b.bits;
  let key = 0;
  for (let i = 0; i < bits.length; i++) key = (key << 1) | ((word >>> bits[i]) & 1);
  return b.lists[key];
}
