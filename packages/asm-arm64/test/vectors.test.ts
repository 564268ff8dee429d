/** Hand-written assembly against encodings recorded from llvm-mc (test/vectors/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../src/assembler';

const file = join(new URL('.', import.meta.url).pathname, 'vectors', 'llvm-aliases.txt');
const vectors = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('|'));

describe('llvm-mc vectors', () => {
  it.each(vectors)('%s', (source, bytes) => {
    const m = assemble(source);
    const ours = Array.from(m.text.subarray(0, 4), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(',');
    expect(ours).toBe(bytes);
  });
});
