/** SPEC.md's tables against the constants and behaviour of the code. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/_sha256.js';
import {
  compareNip,
  LOCKFILE_LIMIT_CHARS,
  LOCKFILE_MAGIC,
  MANIFEST_LIMIT_CHARS,
  MANIFEST_MAGIC,
  nipVersions,
  writeLockfile,
} from '../src/index.js';

// Table cells are compared with runs of spaces collapsed (the formatter pads table columns).
const spec = readFileSync(join(import.meta.dirname, '..', 'SPEC.md'), 'utf8').replace(/ +/g, ' ');

describe('SPEC.md', () => {
  it('names the magic lines and limits the code uses', () => {
    expect(spec).toContain(`| 1 | \`${LOCKFILE_MAGIC}\` |`);
    expect(spec).toContain(`| 1 | \`${MANIFEST_MAGIC}\` |`);
    expect(LOCKFILE_LIMIT_CHARS).toBe(64 << 20);
    expect(spec).toContain('`LOCKFILE_LIMIT_CHARS` = 64 MiB');
    expect(MANIFEST_LIMIT_CHARS).toBe(256 << 20);
    expect(spec).toContain('`MANIFEST_LIMIT_CHARS` = 256 MiB');
  });

  it('hashes exactly the lines above the hash line, sorted and canonical', () => {
    const text = writeLockfile('nip', [
      { name: 'zlib', version: '1.3', source: 'main', variants: {}, flags: [] },
      {
        name: 'openmpi',
        version: '4.1.6',
        source: 'main',
        variants: { fabrics: 'ucx', cuda: true },
        flags: ['-O2'],
      },
    ]);
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'nip-lock 1',
      'scheme nip',
      'package openmpi 4.1.6 source=main variants=cuda+,fabrics=ucx flags=-O2',
      'package zlib 1.3 source=main',
    ]);
    expect(lines[4]).toBe(
      `hash sha256:${sha256Hex(new TextEncoder().encode(`${lines.slice(0, 4).join('\n')}\n`))}`,
    );
    expect(text.endsWith('\n')).toBe(true);
    expect(() =>
      writeLockfile('nip', [{ name: 'a b', version: '1', source: 'main', variants: {}, flags: [] }]),
    ).toThrow(RangeError);
  });

  it('evaluates the version table as written', () => {
    expect(compareNip('1.2', '1.2.0')).toBe(0);
    expect(compareNip('1.10', '1.9')).toBeGreaterThan(0);
    const table: [string, string[], string[]][] = [
      ['>=1.2, <2', ['1.2', '1.9.9'], ['1.1', '2']],
      ['3.*', ['3', '3.9'], ['4', '2.9']],
      ['!=1.5', ['1.4', '1.6'], ['1.5', '1.5.0']],
      ['>=1.2, <2 | 3.*', ['1.5', '3.1'], ['2.5']],
    ];
    for (const [range, yes, no] of table) {
      expect(spec).toContain(`| \`${range.replace('|', '\\|')}\` |`);
      for (const v of yes) expect(nipVersions.range(range)(v), `${range} ${v}`).toBe(true);
      for (const v of no) expect(nipVersions.range(range)(v), `${range} ${v}`).toBe(false);
    }
  });
});
