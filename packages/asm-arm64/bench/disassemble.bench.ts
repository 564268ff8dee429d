/** Disassembly rate next to Capstone (capstone-wasm, Capstone 5 compiled to WebAssembly). */
import { existsSync } from 'node:fs';
import { compare, sized } from '@nexus/bench';
import { Capstone, Const, loadCapstone } from 'capstone-wasm';
import type * as source from '../src/index';
import { disassemble } from '../src/index';

// The built package (`dist/`, what npm ships: one bundle, no development loader) when built.
const distFile = new URL('../dist/index.js', import.meta.url);
const dist: typeof source | null = existsSync(distFile)
  ? ((await import(distFile.href)) as typeof source)
  : null;

import { corpus } from './_corpus';

const count = sized(20_000, 200);
const { words } = corpus(count);
const code = new Uint8Array(new Uint32Array(words).buffer);
await loadCapstone();
const cs = new Capstone(Const.CS_ARCH_ARM64, Const.CS_MODE_ARM);

await compare(
  `disassembly, ${count} base-ISA words`,
  [
    { name: '@nexus/asm-arm64 disassemble()', ours: true, fn: () => disassemble(code, 0x401000) },
    {
      name: '@nexus/asm-arm64, built dist/ disassemble()',
      fn: () => (dist as typeof source).disassemble(code, 0x401000),
      skip: dist ? undefined : 'dist/ not built (pnpm build)',
    },
    {
      name: 'capstone-wasm 1.0.3',
      fn: () => {
        // Capstone's WebAssembly heap overflows on 20,000 words at once: 1,024 per call.
        let n = 0;
        for (let o = 0; o < code.length; o += 4096)
          n += cs.disasm(code.subarray(o, o + 4096), { address: 0x401000 + o }).length;
        return n;
      },
    },
  ],
  {
    itemsPerOp: count,
    timeMs: sized(2000, 1),
    note: 'the same words; both produce mnemonic and operand text; sources run under the development loader (tsx), dist/ as published',
  },
);
