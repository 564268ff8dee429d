import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDebian, debian } from '../src/versions/debian.js';
import { compareNip, nipVersions } from '../src/versions/nip.js';
import { semver } from '../src/versions/semver.js';
import { oracle } from './_oracle.js';

describe('semver', () => {
  it('orders versions as semver.org §11 lists them', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
    ];
    for (let i = 0; i + 1 < ordered.length; i++)
      expect(semver.compare(ordered[i], ordered[i + 1])).toBeLessThan(0);
  });

  it('matches npm range semantics on the node-semver README examples', () => {
    const cases: [string, string, boolean][] = [
      ['^1.2.3', '1.9.9', true],
      ['^1.2.3', '2.0.0', false],
      ['^1.2.3', '2.0.0-0', false],
      ['^0.2.3', '0.2.9', true],
      ['^0.2.3', '0.3.0', false],
      ['^0.0.3', '0.0.4', false],
      ['^1.2.3-beta.2', '1.2.3-beta.4', true],
      ['^1.2.3-beta.2', '1.2.4-beta.2', false],
      ['~1.2.3', '1.2.9', true],
      ['~1.2.3', '1.3.0', false],
      ['~1', '1.9.0', true],
      ['1.2.x', '1.2.7', true],
      ['1.x', '2.0.0', false],
      ['*', '3.1.4', true],
      ['1.2.3 - 2.3.4', '2.3.4', true],
      ['1.2 - 2.3', '2.3.9', true],
      ['1.2 - 2.3', '2.4.0', false],
      ['>=1.0.0 <2.0.0 || >=3', '3.5.0', true],
      ['>=1.0.0 <2.0.0 || >=3', '2.5.0', false],
      ['>1.2', '1.3.0', true],
      ['>1.2', '1.2.9', false],
      ['<1.2', '1.1.9', true],
      ['<=1.2', '1.2.9', true],
      ['>= 1.0.0', '1.0.0', true],
      ['>1.2.3-alpha.3', '3.4.5-alpha.9', false],
      ['1.2.3', '1.2.3', true],
    ];
    for (const [range, version, expected] of cases)
      expect(semver.range(range)(version), `${range} ${version}`).toBe(expected);
    expect(() => semver.range('^x.y')).toThrow(RangeError);
    expect(semver.valid('1.2')).toBe(false);
  });
});

describe('Debian versions (Policy §5.6.12)', () => {
  it('orders epochs, tildes and revisions', () => {
    const ordered = [
      '1.0~~',
      '1.0~~a',
      '1.0~',
      '1.0',
      '1.0-1',
      '1.0-1.1',
      '1.0a',
      '1.0+1',
      '1.1',
      '1.10',
      '2:0.1',
    ];
    for (let i = 0; i + 1 < ordered.length; i++)
      expect(compareDebian(ordered[i], ordered[i + 1]), ordered[i]).toBeLessThan(0);
    expect(compareDebian('1.0', '1.00')).toBe(0);
    expect(debian.range('>= 1.2, << 2')('1.9')).toBe(true);
    expect(debian.range('>> 1.2')('1.2')).toBe(false);
  });

  it.skipIf(!oracle('dpkg', 'dpkg'))('agrees with dpkg --compare-versions on random versions', () => {
    const part = fc.stringMatching(/^[0-9][0-9a-z.+~]{0,5}$/);
    const version = fc
      .tuple(
        fc.option(fc.integer({ min: 0, max: 3 })),
        part,
        fc.option(fc.stringMatching(/^[0-9a-z.+~]{1,4}$/)),
      )
      .map(([e, u, r]) => `${e === null ? '' : `${e}:`}${u}${r === null ? '' : `-${r}`}`);
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: 300, seed: 42 });
    const script = pairs
      .map(
        ([a, b]) =>
          `if dpkg --compare-versions '${a}' lt '${b}'; then echo lt; elif dpkg --compare-versions '${a}' eq '${b}'; then echo eq; else echo gt; fi`,
      )
      .join('\n');
    const answers = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
    pairs.forEach(([a, b], i) => {
      const c = compareDebian(a, b);
      expect(c < 0 ? 'lt' : c === 0 ? 'eq' : 'gt', `${a} vs ${b}`).toBe(answers[i]);
    });
    console.log(`debian version pairs compared with dpkg: ${pairs.length}`);
  });
});

describe('nip versions', () => {
  it('compares numerically with implicit zeros and evaluates ranges', () => {
    expect(compareNip('1.10', '1.9')).toBeGreaterThan(0);
    expect(compareNip('1.2', '1.2.0')).toBe(0);
    expect(nipVersions.range('>=1.2, <2 | 3.*')('3.4')).toBe(true);
    expect(nipVersions.range('>=1.2, <2 | 3.*')('2.0')).toBe(false);
    expect(nipVersions.range('!=1.5')('1.5.0')).toBe(false);
    expect(nipVersions.range('*')('7')).toBe(true);
    expect(() => nipVersions.range('>=x')).toThrow(RangeError);
    expect(() => compareNip('1.a', '1')).toThrow(RangeError);
  });
});
