/**
 * The lockfile: the resolved set as canonical text with a SHA-256 content hash (SPEC.md,
 * "Lockfile"). Same inputs, same bytes: packages sorted by name, variants and flags sorted,
 * values escaped, LF line ends, and the hash over every byte before the `hash` line.
 * @module
 */
import { sha256Hex } from './_sha256.js';
import type { LockedPackage } from './encode.js';
import type { Selected } from './resolve.js';
import type { VariantValue } from './universe.js';

/**
 * First line of every lockfile (format version 1).
 *
 * @example
 * ```ts
 * import { LOCKFILE_MAGIC } from '@nexus/nip';
 * LOCKFILE_MAGIC; // 'nip-lock 1'
 * ```
 */
export const LOCKFILE_MAGIC = 'nip-lock 1';
/**
 * Largest lockfile accepted by {@link parseLockfile}: 64 MiB of text.
 *
 * @example
 * ```ts
 * import { LOCKFILE_LIMIT_CHARS } from '@nexus/nip';
 * LOCKFILE_LIMIT_CHARS; // 67108864
 * ```
 */
export const LOCKFILE_LIMIT_CHARS = 64 << 20;

/** A lockfile's content. */
export interface Lockfile {
  /** Version scheme of the versions in it. */
  scheme: string;
  /** Locked packages, sorted by name. */
  packages: Selected[];
  /** SHA-256 over the bytes before the `hash` line, 64 hex digits. */
  hash: string;
}

/**
 * A parse or integrity failure of a lockfile, with the 1-based line.
 *
 * @example
 * ```ts
 * import { parseLockfile, LockfileError } from '@nexus/nip';
 * try { parseLockfile('nope\n'); } catch (e) { (e as LockfileError).line; } // 1
 * ```
 */
export class LockfileError extends Error {
  /** 1-based line of the problem. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(`lockfile line ${line}: ${message}`);
    this.name = 'LockfileError';
    this.line = line;
  }
}

const SAFE = /^[A-Za-z0-9._+~:@/-]+$/;

function token(s: string, what: string): string {
  if (!SAFE.test(s)) throw new RangeError(`${what}: "${s}" has characters outside [A-Za-z0-9._+~:@/-]`);
  return s;
}

function value(v: VariantValue): string {
  return typeof v === 'boolean' ? (v ? '+' : '~') : `=${token(v, 'variant value')}`;
}

/**
 * Writes a lockfile for a resolved set.
 *
 * @example
 * ```ts
 * import { writeLockfile } from '@nexus/nip';
 * const text = writeLockfile('semver', [{ name: 'lib', version: '2.0.0', source: 'main', variants: { cuda: true }, flags: [] }]);
 * text.split('\n')[2]; // 'package lib 2.0.0 source=main variants=cuda+'
 * ```
 */
export function writeLockfile(scheme: string, packages: readonly Selected[]): string {
  const sorted = [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = [LOCKFILE_MAGIC, `scheme ${token(scheme, 'scheme')}`];
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i];
    if (i > 0 && sorted[i - 1].name === p.name) throw new RangeError(`packages: ${p.name} appears twice`);
    let line = `package ${token(p.name, 'name')} ${token(p.version, 'version')} source=${token(p.source, 'source')}`;
    const variants = Object.keys(p.variants).sort();
    if (variants.length > 0)
      line += ` variants=${variants.map((k) => `${token(k, 'variant')}${value(p.variants[k])}`).join(',')}`;
    if (p.flags.length > 0)
      line += ` flags=${[...p.flags]
        .sort()
        .map((f) => token(f, 'flag'))
        .join(',')}`;
    lines.push(line);
  }
  const body = `${lines.join('\n')}\n`;
  return `${body}hash sha256:${sha256Hex(new TextEncoder().encode(body))}\n`;
}

/**
 * Parses and verifies a lockfile; throws {@link LockfileError} on bad syntax or a wrong hash.
 *
 * @example
 * ```ts
 * import { writeLockfile, parseLockfile } from '@nexus/nip';
 * const lock = parseLockfile(writeLockfile('semver', []));
 * lock.packages.length; // 0
 * ```
 */
export function parseLockfile(text: string): Lockfile {
  if (typeof text !== 'string') throw new TypeError('text: expected a string');
  if (text.length > LOCKFILE_LIMIT_CHARS)
    throw new LockfileError(1, `longer than ${LOCKFILE_LIMIT_CHARS} characters`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== LOCKFILE_MAGIC) throw new LockfileError(1, `expected "${LOCKFILE_MAGIC}"`);
  const scheme = /^scheme (\S+)$/.exec(lines[1] ?? '');
  if (!scheme) throw new LockfileError(2, 'expected "scheme <name>"');
  const last = lines.length - 1;
  const hash = /^hash sha256:([0-9a-f]{64})$/.exec(lines[last] ?? '');
  if (!hash || last < 2)
    throw new LockfileError(last + 1, 'expected "hash sha256:<64 hex digits>" as the last line');
  const body = `${lines.slice(0, last).join('\n')}\n`;
  if (sha256Hex(new TextEncoder().encode(body)) !== hash[1])
    throw new LockfileError(last + 1, 'content hash mismatch');
  const packages: Selected[] = [];
  for (let i = 2; i < last; i++) {
    const fields = lines[i].split(' ');
    if (fields[0] !== 'package' || fields.length < 4 || !fields[3].startsWith('source=')) {
      throw new LockfileError(i + 1, 'expected "package <name> <version> source=<source> ..."');
    }
    const p: Selected = {
      name: fields[1],
      version: fields[2],
      source: fields[3].slice(7),
      variants: {},
      flags: [],
    };
    for (const f of fields.slice(4)) {
      if (f.startsWith('variants=')) {
        for (const item of f.slice(9).split(',')) {
          const m = /^([^=+~]+)(?:(\+)|(~)|=(.+))$/.exec(item);
          if (!m) throw new LockfileError(i + 1, `bad variant "${item}"`);
          p.variants[m[1]] = m[2] ? true : m[3] ? false : m[4];
        }
      } else if (f.startsWith('flags=')) p.flags = f.slice(6).split(',');
      else throw new LockfileError(i + 1, `unknown field "${f}"`);
    }
    packages.push(p);
  }
  return { scheme: scheme[1], packages, hash: hash[1] };
}

/**
 * The locked packages as a request's `lock` list.
 *
 * @example
 * ```ts
 * import { writeLockfile, parseLockfile, lockRequest } from '@nexus/nip';
 * lockRequest(parseLockfile(writeLockfile('semver', []))); // []
 * ```
 */
export function lockRequest(lock: Lockfile): LockedPackage[] {
  return lock.packages.map((p) => ({
    name: p.name,
    version: p.version,
    source: p.source,
    variants: p.variants,
  }));
}
