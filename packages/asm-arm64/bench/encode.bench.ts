/**
 * Encoding rate: the typed builder and the text assembler on the same realistic mix (loads and
 * stores with offsets, immediates, branches to labels), next to llvm-mc assembling the same file
 * (the whole process, as a build would run it); and the text assembler on random covered
 * encodings of the base ISA (every addressing mode and operand kind, in canonical text).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { compare, sized } from '@nexus/bench';
import { assemble } from '../src/index';
import { llvmMc, MATTR } from '../test/_llvm';
import { corpus } from './_corpus';
import { BLOCK_INSTRUCTIONS, buildMix, type MixApi, mixSource } from './_mix';

const bin = llvmMc();
// The built package (`dist/`, what npm ships: one bundle, no development loader) when built.
const distFile = new URL('../dist/index.js', import.meta.url);
const dist: MixApi | null = existsSync(distFile) ? ((await import(distFile.href)) as MixApi) : null;
const distSkip = dist ? undefined : 'dist/ not built (pnpm build)';
const DIST = '@nexus/asm-arm64, built dist/';
const llvm = (source: string) => ({
  name: 'llvm-mc (whole process)',
  fn: () =>
    spawnSync(bin as string, ['-triple=aarch64', `-mattr=${MATTR}`, '-filetype=obj', '-o', '/dev/null'], {
      input: source,
    }),
  skip: bin ? undefined : 'llvm-mc not installed (Debian package llvm)',
});

const blocks = sized(2_000, 10);
const mixCount = blocks * BLOCK_INSTRUCTIONS;
const mix = mixSource(blocks);
// The two APIs must produce the same program, or the comparison means nothing.
const built = buildMix(blocks);
const assembled = assemble(mix).text;
if (built.length !== assembled.length || built.some((b, i) => b !== assembled[i]))
  throw new Error('encode.bench: the builder mix and its text differ');

await compare(
  `typed builder, ${mixCount} instructions (mix: ldr/str/ldp/stp with offsets, mov/movk/and immediates, b.ne/cbz/bl/b to labels)`,
  [
    { name: '@nexus/asm-arm64 Builder', ours: true, fn: () => buildMix(blocks) },
    { name: `${DIST} Builder`, fn: () => buildMix(blocks, dist as MixApi), skip: distSkip },
  ],
  {
    itemsPerOp: mixCount,
    timeMs: sized(3000, 1),
    note: 'Builder calls to finish(), labels resolved; sources run under the development loader (tsx), dist/ as published; the goal is 5M instructions/s',
  },
);

await compare(
  `text assembly, the same mix (${mixCount} instructions, ${blocks} labels)`,
  [
    { name: '@nexus/asm-arm64 assemble()', ours: true, fn: () => assemble(mix) },
    { name: `${DIST} assemble()`, fn: () => (dist as MixApi).assemble(mix), skip: distSkip },
    llvm(mix),
  ],
  {
    itemsPerOp: mixCount,
    timeMs: sized(3000, 1),
    note: 'the goal is 1M instructions/s; llvm-mc writes an object file to /dev/null',
  },
);

const count = sized(20_000, 200);
const source = corpus(count).lines.join('\n');
await compare(
  `text assembly, ${count} random base-ISA instructions`,
  [
    { name: '@nexus/asm-arm64 assemble()', ours: true, fn: () => assemble(source) },
    { name: `${DIST} assemble()`, fn: () => (dist as MixApi).assemble(source), skip: distSkip },
    llvm(source),
  ],
  {
    itemsPerOp: count,
    timeMs: sized(3000, 1),
    note: 'random covered encodings printed in canonical text: every addressing mode and operand kind',
  },
);
