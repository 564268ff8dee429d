import { assemble, Builder, disassemble, mem, runElf, sp, toElf, x0, x1 } from '@nexus/asm-arm64';
import type { SmokeSuite } from '../../../../tools/matrix/smoke.js';

function check(condition: unknown, message: string): void {
  if (!condition) throw new Error(message);
}

const hello = `
  .global _start
_start:
  mov x0, #1
  adrp x1, msg
  add x1, x1, :lo12:msg
  mov x2, #(end - msg)
  mov x8, #64
  svc #0
  mov x0, #3
  mov x1, x19
  mov x2, #12
  adrp x1, req
  add x1, x1, :lo12:req
  mov x8, #64
  svc #0
  mov x0, #4
  adrp x1, resp
  add x1, x1, :lo12:resp
  mov x2, #8
  mov x8, #63
  svc #0
  ldr w0, [x1]
  mov x8, #93
  svc #0
  .data
msg: .ascii "hello\\n"
end:
  .align 2
req: .word 7, 9, 0
resp: .word 0, 0
`;

export const smoke: SmokeSuite = {
  'encoding vectors (LLVM encodings of canonical text)': () => {
    const m = assemble(
      'add x0, x1, #1\nldr x3, [sp, #16]\nstp x29, x30, [sp, #-16]!\nb.ne #8\nmov x0, #65536\nand x0, x1, #0xff',
    );
    const v = new DataView(m.text.buffer);
    const words = Array.from({ length: 6 }, (_, i) => v.getUint32(i * 4, true).toString(16));
    check(words.join() === '91000420,f9400be3,a9bf7bfd,54000041,d2a00020,92401c20', `words ${words.join()}`);
  },
  'disassembly round trip': () => {
    const text = [
      'add\tx0, x1, #1',
      'ldr\tx3, [sp, #16]',
      'cset\tw5, eq',
      'lsl\tx3, x4, #3',
      'ubfx\tx0, x1, #4, #8',
    ];
    const m = assemble(text.join('\n'));
    const back = disassemble(m.text).map((l) => l.text);
    check(back.join('|') === text.join('|'), `round trip ${back.join('|')}`);
  },
  'builder encodes like the text assembler': () => {
    const a = new Builder();
    a.mov(x0, 42).ldr(x1, mem(sp, 8)).add(x0, x0, x1).ret();
    const b = assemble('mov x0, #42\nldr x1, [sp, #8]\nadd x0, x0, x1\nret').text;
    const built = a.finish();
    check(built.length === b.length && built.every((x, i) => x === b[i]), 'builder bytes differ');
  },
  'sandbox runs an ELF with the service channel': () => {
    const r = runElf(toElf(assemble(hello)), {
      stepBudget: 10_000,
      services: (service, fn) => ({ status: service * 10 + fn, data: new Uint8Array(0) }),
    });
    check(new TextDecoder().decode(r.stdout) === 'hello\n', 'stdout');
    check(r.result.kind === 'exit' && r.result.code === 79, `result ${JSON.stringify(r.result)}`);
  },
  'sandbox stops a loop at the step budget': () => {
    const r = runElf(toElf(assemble('_start: b _start')), { stepBudget: 100_000 });
    check(r.result.kind === 'step-limit' && r.steps === 100_000, 'step limit');
  },
};
