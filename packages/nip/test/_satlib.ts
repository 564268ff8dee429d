import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One SATLIB / SAT-2009 instance from test/vectors/satlib with its known status. */
export interface SatlibInstance {
  group: string;
  file: string;
  expected: 'SAT' | 'UNSAT';
  text: string;
}

interface ManifestEntry {
  group: string;
  file: string;
  expected: 'SAT' | 'UNSAT';
}

/** Every group of test/vectors/satlib, easiest first. */
export const SATLIB_GROUPS: readonly string[] = [
  'uf20',
  'uf50',
  'uf100',
  'uuf100',
  'uf250-first20',
  'uuf250-first20',
  'structured',
  'industrial-2009-easy',
];

const vectors = join(import.meta.dirname, 'vectors', 'satlib');
let extracted: string | undefined;

/** Extracts the archives once per process into a temporary folder and reads the instances. */
export function satlib(group: string): SatlibInstance[] {
  if (!extracted) {
    extracted = mkdtempSync(join(tmpdir(), 'nip-satlib-'));
    for (const f of readdirSync(vectors).filter((n) => n.endsWith('.tar.xz'))) {
      execFileSync('tar', ['-xJf', join(vectors, f), '-C', extracted]);
    }
  }
  const manifest = JSON.parse(readFileSync(join(vectors, 'manifest.json'), 'utf8')) as {
    files: ManifestEntry[];
  };
  return manifest.files
    .filter((e) => e.group === group)
    .map((e) => ({ ...e, text: readFileSync(join(extracted!, e.group, e.file), 'utf8') }));
}
