/** SPEC.md's tables against the constants and bytes the code produces. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../src/assembler';
import { ELF, toElf, toFlatImage } from '../src/elf';
import { runElf, SERVICE_FD } from '../src/sandbox';

const spec = readFileSync(join(new URL('.', import.meta.url).pathname, '..', 'SPEC.md'), 'utf8');

/** Rows of the markdown table that follows a heading. */
function rows(heading: string): string[][] {
  const start = spec.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = spec.slice(start).split('\n');
  const out: string[][] = [];
  let inTable = false;
  for (const l of lines.slice(1)) {
    if (l.startsWith('|')) {
      inTable = true;
      const cells = l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      if (!/^-+$/.test(cells[0])) out.push(cells);
    } else if (inTable) break;
  }
  return out.slice(1);
}

describe('SPEC.md', () => {
  const module = assemble('_start: nop\n .data\nd: .word 1');
  const elf = toElf(module);
  const v = new DataView(elf.buffer);

  it('ELF header fields sit at the documented offsets with the documented values', () => {
    const numeric: Record<string, number> = {};
    for (const [field, offset, width, value] of rows('### 1.1 ELF header')) {
      const o = Number(offset);
      const w = Number(width);
      const actual =
        w === 1
          ? v.getUint8(o)
          : w === 2
            ? v.getUint16(o, true)
            : w === 4
              ? v.getUint32(o, true)
              : Number(v.getBigUint64(o, true));
      const documented = /^\d+/.exec(value)?.[0];
      if (documented !== undefined && !value.startsWith('2, or'))
        expect(actual, field).toBe(Number(documented));
      numeric[field] = actual;
    }
    expect(numeric.e_machine).toBe(ELF.machineAarch64);
    expect(numeric.e_phentsize).toBe(ELF.programHeaderBytes);
    expect(numeric.e_phnum).toBe(3);
    expect(numeric.e_entry).toBe(module.entry);
  });

  it('program headers match the segment table', () => {
    const table = rows('### 1.2 Program header');
    const offsetOf = (field: string) => Number(table.find((r) => r[0] === field)?.[1]);
    const ph = (i: number, field: string) => ELF.headerBytes + i * ELF.programHeaderBytes + offsetOf(field);
    expect(v.getUint32(ph(0, 'p_type'), true)).toBe(ELF.ptLoad);
    expect(v.getUint32(ph(0, 'p_flags'), true)).toBe(5);
    expect(v.getUint32(ph(1, 'p_flags'), true)).toBe(6);
    expect(v.getUint32(ph(2, 'p_type'), true)).toBe(ELF.ptGnuStack);
    expect(Number(v.getBigUint64(ph(0, 'p_vaddr'), true))).toBe(module.textAddress - ELF.pageBytes);
    expect(Number(v.getBigUint64(ph(1, 'p_vaddr'), true))).toBe(module.dataAddress);
    expect(Number(v.getBigUint64(ph(0, 'p_align'), true))).toBe(4096);
  });

  it('the flat image puts data at its address offset', () => {
    const image = toFlatImage(module);
    expect(image.length).toBe(module.dataAddress - module.textAddress + 4);
    expect(image[module.dataAddress - module.textAddress]).toBe(1);
  });

  it('service frames have the documented layout', () => {
    const request = rows('Request, written to fd 3');
    const response = rows('Response, read from fd 4');
    expect(request.map((r) => [r[0], Number(r[1])])).toEqual([
      ['service', 0],
      ['function', 4],
      ['length', 8],
      ['args', 12],
    ]);
    expect(response.map((r) => [r[0], Number(r[1])])).toEqual([
      ['status', 0],
      ['length', 4],
      ['data', 8],
    ]);
    expect(SERVICE_FD).toEqual({ request: 3, response: 4 });
    // A program writes a frame in two parts and reads the response back whole.
    const r = runElf(
      toElf(
        assemble(`_start:
  mov x0, #3
  adr x1, req
  mov x2, #5
  mov x8, #64
  svc #0
  mov x0, #3
  adr x1, req + 5
  mov x2, #9
  mov x8, #64
  svc #0
  mov x0, #4
  adrp x1, buf
  add x1, x1, :lo12:buf
  mov x2, #64
  mov x8, #63
  svc #0
  mov x2, x0
  mov x0, #1
  mov x8, #64
  svc #0
  mov x0, #0
  mov x8, #93
  svc #0
req: .word 0x11223344, 7, 2
  .byte 0xaa, 0xbb
  .data
buf: .zero 64`),
      ),
      { services: (service, fn, args) => ({ status: 5, data: Uint8Array.of(service & 0xff, fn, ...args) }) },
    );
    expect(Array.from(r.stdout)).toEqual([5, 0, 0, 0, 4, 0, 0, 0, 0x44, 7, 0xaa, 0xbb]);
  });
});
