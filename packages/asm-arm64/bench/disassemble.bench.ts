/** Disassembly rate next to Capstone (capstone-wasm, Capstone 5 compiled to WebAssembly). */
import { compare, sized } from '@nexus/bench';
import { Capstone, Const, loadCapstone } from 'capstone-wasm';
import { disassemble } from '../src/index';
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
    note: 'the same words; both produce mnemonic and operand text',
  },
);
