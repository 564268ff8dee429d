/** The two-level decode index against the plain scan of the top-byte candidate lists. */
import { describe, expect, it } from 'vitest';
import { decodeCandidates } from '../src/_decode-index';
import {
  candidates,
  decodeEncoding,
  type Encoding,
  encodings,
  excluded,
  undefinedReason,
} from '../src/tables';

/** `decodeEncoding` as it was: the first match of the whole top-byte list. */
function linear(w: number): Encoding | null {
  for (const e of candidates(w)) {
    if ((w & e.mask) >>> 0 !== e.value || excluded(e, w)) continue;
    return undefinedReason(e, w) === null ? e : null;
  }
  return null;
}

describe('decode index', () => {
  it('finds the encoding the linear scan finds, for random words and words of every encoding', () => {
    let s = 0x1dec0de;
    const next = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return s >>> 0;
    };
    const words: number[] = [];
    for (let i = 0; i < 100_000; i++) words.push(next());
    for (const e of encodings())
      for (let i = 0; i < 20; i++) words.push(((next() & ~e.mask) | e.value) >>> 0);
    let tried = 0;
    const failures: string[] = [];
    for (const w of words) {
      const want = linear(w);
      if (decodeEncoding(w) !== want)
        failures.push(`${w.toString(16)}: ${decodeEncoding(w)?.name} vs ${want?.name}`);
      if (want) tried += decodeCandidates(w).indexOf(want) + 1;
    }
    console.log(`decode index vs linear scan: ${words.length} words`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(tried).toBeGreaterThan(0);
  });
});
