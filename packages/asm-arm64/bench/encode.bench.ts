/**
 * Encoding rate: the typed builder and the text assembler, next to llvm-mc assembling the same
 * file (the whole process, as a build would run it).
 */
import { spawnSync } from 'node:child_process';
import { compare, sized } from '@nexus/bench';
import { assemble, Builder, mem, sp, x0, x1, x2, x3 } from '../src/index';
import { llvmMc, MATTR } from '../test/_llvm';
import { corpus } from './_corpus';

const count = sized(20_000, 200);
const { lines } = corpus(count);
const source = lines.join('\n');
const bin = llvmMc();

await compare(
  `text assembly, ${count} base-ISA instructions`,
  [
    { name: '@nexus/asm-arm64 assemble()', ours: true, fn: () => assemble(source) },
    {
      name: 'llvm-mc (whole process)',
      fn: () =>
        spawnSync(bin as string, ['-triple=aarch64', `-mattr=${MATTR}`, '-filetype=obj', '-o', '/dev/null'], {
          input: source,
        }),
      skip: bin ? undefined : 'llvm-mc not installed (Debian package llvm)',
    },
  ],
  {
    itemsPerOp: count,
    timeMs: sized(3000, 1),
    note: 'random covered encodings printed in canonical text; llvm-mc writes an object file to /dev/null',
  },
);

const builderCount = sized(20_000, 100);
await compare(
  `typed builder, ${builderCount} instructions (add, ldr, mov, subs in turn)`,
  [
    {
      name: '@nexus/asm-arm64 Builder',
      ours: true,
      fn: () => {
        const a = new Builder();
        for (let i = 0; i < builderCount; i += 4)
          a.add(x0, x1, x2).ldr(x3, mem(sp, 16)).mov(x1, 42).subs(x2, x2, 1);
        return a.finish();
      },
    },
  ],
  { itemsPerOp: builderCount, timeMs: sized(2000, 1) },
);
