import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FRAME_VERSION } from '../../src/content/frame.js';
import { CHUNK_INO_BASE, CHUNKREF, CONTENT, EXTENT } from '../../src/content-records.js';
import { FeatureBits } from '../../src/features.js';
import { FRAMERUN, FRAMERUN_KEY_BYTES, INODE, IncompatBits, KeyKind } from '../../src/records.js';

// SPEC.md part 2 "Content records on the volume" is the contract: its tables are parsed here.
const spec = readFileSync(new URL('../../SPEC.md', import.meta.url), 'utf8');

function rows(heading: string): Map<string, { offset: number; width: string }> {
  const at = spec.indexOf(`\n${heading}\n`);
  expect(at, heading).toBeGreaterThan(0);
  const out = new Map<string, { offset: number; width: string }>();
  let inTable = false;
  for (const line of spec.slice(at + heading.length + 2).split('\n')) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      if (cells[0] === 'field' || cells[0].startsWith('---')) continue;
      out.set(cells[0], { offset: Number(cells[1]), width: cells[2] });
    } else if (inTable) break;
  }
  return out;
}

/**
 * Checks a record table: every field of `layout` (but `bytes`) at its offset, and, when `last`
 * names the final field, that field ending at `layout.bytes`.
 */
function expectTable(heading: string, layout: Record<string, number>, last?: string): void {
  const t = rows(heading);
  for (const [name, offset] of Object.entries(layout))
    if (name !== 'bytes') expect(t.get(name)?.offset, name).toBe(offset);
  if (last === undefined) return;
  const end = t.get(last)!;
  expect(end.offset + Number(end.width)).toBe(layout.bytes);
}

describe('SPEC.md content records match the code', () => {
  it('volume content record', () => {
    expectTable('#### Volume content record', CONTENT, 'lastSnapshot');
  });

  it('chunk index value and extent value', () => {
    expectTable('#### Chunk index value', CHUNKREF);
    expectTable('#### Extent value', EXTENT);
  });

  it('key kinds, chunk space and the inode fields part 2 uses', () => {
    expect(spec).toContain('| chunk index | 0x05, BLAKE3-256 name (32 bytes)');
    expect(spec).toContain(`| extent | 0x0${KeyKind.Extent}, inode u64, file offset u64`);
    expect(spec).toContain(`| snapshot | 0x0${KeyKind.Snapshot}, snapshot id u64`);
    expect(CHUNK_INO_BASE).toBe(2 ** 48);
    expect(spec).toContain('pseudo-inode `2^48 + chunkNo`');
    const inode = rows('### Inode value');
    expect(inode.get('level')?.offset).toBe(INODE.level);
    expect(inode.get('layout')?.offset).toBe(INODE.layout);
  });
  it('feature flag bits, compatible and incompatible', () => {
    const section = spec.slice(spec.indexOf('### Feature flags'));
    for (const [name, value] of Object.entries(FeatureBits))
      expect(section).toContain(`| 0x${value.toString(16)} | ${name} |`);
    for (const [name, value] of Object.entries(IncompatBits))
      expect(section).toContain(`| 0x${value.toString(16)} | ${name} |`);
  });

  it('frame run key and value, and the frame version written', () => {
    expectTable('#### Frame run value', FRAMERUN, 'reserved');
    expect(spec).toContain(`Total ${FRAMERUN.bytes} bytes. Garbage collection`);
    expect(spec).toContain(`| frame run | 0x0${KeyKind.FrameRun}, chunk number u64, first frame page u32 |`);
    expect(spec).toContain(`(${FRAMERUN_KEY_BYTES} bytes)`);
    expect(spec).toContain(`| \`version\`       | ${FRAME_VERSION} written; 1 (older writers) still read`);
  });
});
