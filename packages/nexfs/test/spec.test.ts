import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_LAYOUT } from '../src/btree.js';
import {
  META_HEADER_BYTES,
  MetaMagic,
  PageKind,
  SPARE_ECC_OFFSET,
  SPARE_TAG_OFFSET,
  TAG_BYTES,
} from '../src/layout.js';
import { BT, DIRENT, INODE, JL, JournalOp, KeyKind, PAGEMAP, REG, SB } from '../src/records.js';

// SPEC.md is the contract: its tables are parsed here and every offset checked against the code.
const spec = readFileSync(new URL('../SPEC.md', import.meta.url), 'utf8');

function table(heading: string): Map<string, { offset: number; width: string; meaning: string }> {
  const at = spec.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`SPEC.md has no heading '${heading}'`);
  const rows = new Map<string, { offset: number; width: string; meaning: string }>();
  // Rows: | field | offset | width | meaning |; a record's size is the end of its last row.
  const lines = spec.slice(at + heading.length + 2).split('\n');
  let inTable = false;
  for (const line of lines) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      if (cells[0] === 'field' || cells[0].startsWith('---')) continue;
      rows.set(cells[0], { offset: Number(cells[1]), width: cells[2], meaning: cells[3] });
    } else if (inTable) break;
  }
  return rows;
}

function check(heading: string, constants: Record<string, number>, names: string[] = Object.keys(constants)) {
  const rows = table(heading);
  for (const name of names) {
    if (!(name in constants) || name === 'bytes' || name.startsWith('max')) continue;
    expect(rows.get(name)?.offset, `${heading}: ${name}`).toBe(constants[name]);
  }
  return rows;
}

describe('SPEC.md tables match the code', () => {
  it('page layout', () => {
    const spare = table('### NAND spare area');
    expect(spare.get('tag')?.offset).toBe(SPARE_TAG_OFFSET);
    expect(Number(spare.get('tag')?.width)).toBe(TAG_BYTES);
    expect(spare.get('ecc')?.offset).toBe(SPARE_ECC_OFFSET);
    const tag = table('### Page tag');
    expect(tag.get('a')?.offset).toBe(8);
    expect(tag.get('b')?.offset).toBe(16);
    for (const [name, value] of Object.entries(PageKind))
      expect(tag.get('kind')?.meaning).toContain(
        `${value} ${name === 'Node' ? 'B-tree node' : name === 'BlockTable' ? 'block table' : name.toLowerCase()}`,
      );
    const header = table('### Metadata page header');
    expect(header.get('crc')?.offset).toBe(8);
    expect(header.get('flags')!.offset + 2).toBe(META_HEADER_BYTES);
    for (const v of Object.values(MetaMagic))
      expect(header.get('magic')?.meaning).toContain(`0x${v.toString(16).toUpperCase()}`);
  });

  it('superblock', () => {
    const rows = check('## Superblock', SB as unknown as Record<string, number>);
    expect(rows.get('superblockBlocks')?.width).toBe(`8 × ${SB.maxSuperblocks}`);
    expect(rows.get('registerBlocks')?.width).toBe(`8 × ${SB.maxRegisterBlocks}`);
    expect(rows.get('registerBlocks')!.offset + 8 * SB.maxRegisterBlocks).toBe(SB.generation);
    expect(rows.get('reserved')!.offset + Number(rows.get('reserved')!.width)).toBe(SB.bytes);
  });

  it('root register record', () => {
    check('## Root register record', REG as unknown as Record<string, number>);
  });

  it('block table', () => {
    check('## Block table', { firstBlock: BT.firstBlock, count: BT.count, entries: BT.headerBytes });
    check('### Block-table entry', { eraseCount: BT.eraseCount, livePages: BT.livePages, state: BT.state });
  });

  it('journal', () => {
    check('## Journal page', {
      epoch: JL.epoch,
      seq: JL.seq,
      nextBlock: JL.nextBlock,
      recordCount: JL.recordCount,
      records: JL.headerBytes,
    });
    const rec = table('### Journal record');
    expect(rec.get('key')?.offset).toBe(JL.recordHeaderBytes);
    for (const [name, v] of Object.entries(JournalOp))
      expect(rec.get('op')?.meaning).toContain(
        `${v} ${name === 'DeleteRange' ? 'delete range' : name === 'Nop' ? 'no-op' : name.toLowerCase()}`,
      );
  });

  it('B-tree node and keys', () => {
    check('## B-tree node', { entries: NODE_LAYOUT.headerBytes });
    const entry = table('### Node entry');
    expect(entry.get('key')?.offset).toBe(NODE_LAYOUT.entryOverheadBytes);
    expect(spec).toContain(`| inode | 0x0${KeyKind.Inode}, inode u64 |`);
    expect(spec).toContain(`| directory entry | 0x0${KeyKind.Dirent}, parent inode u64, name bytes |`);
    expect(spec).toContain(`| file page | 0x0${KeyKind.Page}, inode u64, page index u64 |`);
    expect(spec).toContain(`| orphan | 0x0${KeyKind.Orphan}, inode u64 |`);
    check('### Inode value', INODE as unknown as Record<string, number>);
    check('### Directory entry value', DIRENT as unknown as Record<string, number>);
    check('### Page map value', PAGEMAP as unknown as Record<string, number>);
    const end = (heading: string) => {
      const rows = [...table(heading).values()];
      const last = rows[rows.length - 1];
      return last.offset + Number(last.width);
    };
    expect(end('### Inode value')).toBe(INODE.bytes);
    expect(end('### Directory entry value')).toBe(DIRENT.bytes);
    expect(end('### Page map value')).toBe(PAGEMAP.bytes);
  });
});
