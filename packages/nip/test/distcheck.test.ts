import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DebianIndexError,
  distcheck,
  formatDistcheck,
  parseDebianPackages,
  parseDebianRelations,
} from '../src/index.js';
import { oracle } from './_oracle.js';

const fixture = join(import.meta.dirname, 'vectors', 'debian', 'tricky.Packages');
const hasDose = oracle('dose-distcheck', 'dose-distcheck');

/** `package version architecture` of each broken package in a dose-distcheck or nip report. */
function brokenLines(yaml: string): string[] {
  const out: string[] = [];
  const blocks = yaml.split(/\n -\n/).slice(1);
  for (const b of blocks) {
    const get = (k: string) => new RegExp(`^  ${k}: (.*)$`, 'm').exec(b)?.[1];
    if (get('status') === 'broken') out.push(`${get('package')} ${get('version')} ${get('architecture')}`);
  }
  return out.sort();
}

function dose(file: string): string {
  try {
    return execFileSync('dose-distcheck', ['-f', '-e', '--deb-native-arch=amd64', `deb://${file}`], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout;
    if (typeof out === 'string') return out; // dose exits non-zero when something is broken
    throw e;
  }
}

describe('Debian relations', () => {
  it('parses alternatives, versions, qualifiers and restrictions', () => {
    expect(parseDebianRelations('a (>= 1:2.0~rc1) | b:any, c:amd64 [amd64] <!nocheck>, d:armel')).toEqual([
      { anyOf: [{ name: 'a', range: '>= 1:2.0~rc1' }, { name: 'b' }] },
      { anyOf: [{ name: 'c' }] },
      { anyOf: [{ name: 'd:armel' }] },
    ]);
    expect(() => parseDebianRelations('a (>= )')).toThrow(RangeError);
  });

  it('reads stanzas with CRLF, folded relation fields and skipped multi-line fields', () => {
    const text = [
      'Package: a',
      'Version: 1.0',
      'Description: first line',
      ' Depends: not-a-field (a continuation of Description)',
      'Depends: b,',
      ' c (>= 2)',
      '',
      'Package: b\r',
      'Version: 2\r',
      '\r',
    ].join('\n');
    const { universe } = parseDebianPackages(text);
    expect(universe.packages.map((p) => [p.name, p.version, p.depends])).toEqual([
      ['a', '1.0', [{ anyOf: [{ name: 'b' }] }, { anyOf: [{ name: 'c', range: '>= 2' }] }]],
      ['b', '2', []],
    ]);
  });

  it('names the line of a bad stanza', () => {
    const errorOf = (text: string) => {
      try {
        parseDebianPackages(text);
      } catch (e) {
        return e as DebianIndexError;
      }
      throw new Error('expected a DebianIndexError');
    };
    expect(errorOf('Package: a\nVersion: 1\n\nnonsense\n').line).toBe(4);
    expect(errorOf('Package: a\nVersion: 1\n\nPackage: b\nDepends: c\n').line).toBe(4);
    expect(errorOf('Package: a\nVersion: 1\nDepends: (>= 1)\n').message).toMatch(/line 1: a Depends/);
  });
});

describe('nip distcheck', () => {
  const text = readFileSync(fixture, 'utf8');
  const { universe, skipped } = parseDebianPackages(text);
  const report = distcheck(universe);

  it('finds the packages broken for each reason, with explanations', () => {
    expect(skipped).toBe(1);
    expect(report.broken.map((b) => b.name).sort()).toEqual([
      'chain-bottom',
      'chain-mid',
      'chain-top',
      'mailer-both',
      'needs-final',
      'wants-armel',
      'wants-breaker-and-perl',
      'wants-too-new-virtual',
    ]);
    const chain = report.broken.find((b) => b.name === 'chain-top')!;
    expect(chain.explanation.join('\n')).toContain(
      'chain-bottom which depends on does-not-exist (which matches no versions)',
    );
    for (const b of report.broken) expect(b.explanation.length).toBeGreaterThan(0);
  });

  it.skipIf(!hasDose)('gives the same verdict as dose-distcheck -f -e on the fixture', () => {
    expect(brokenLines(formatDistcheck(report, 'amd64'))).toEqual(brokenLines(dose(fixture)));
  });
});
