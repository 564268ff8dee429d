/**
 * Debian `Packages` indices (Debian Policy §5.3 binary control files, §7 relationships) to a
 * universe. Read: Package, Version, Architecture, Multi-Arch, Depends, Pre-Depends (as
 * Depends), Recommends (ignored unless asked), Conflicts, Breaks, Provides (versioned too).
 * Architecture qualifiers: `:any`, `:native` and `:<native arch>` are met as if unqualified,
 * as dose-distcheck does for a single native architecture (the Multi-Arch: allowed rule only
 * restricts which *foreign* packages may satisfy `:any`); another architecture matches nothing.
 * @module
 */

import type { Dependency, PackageVersion, Provide, Requirement } from '../universe.js';
import { Universe } from '../universe.js';
import { debian } from '../versions/debian.js';

/** Options of {@link parseDebianPackages}. */
export interface DebianOptions {
  /** Native architecture (default `amd64`); stanzas for others (but `all`) are skipped. */
  architecture?: string;
  /** Treat Recommends as Depends (default false, as apt's --no-install-recommends and dose). */
  recommends?: boolean;
  /** Refuse more stanzas than this (default 2^20). */
  maxPackages?: number;
}

/** A parsed index: the universe plus what each candidate id is. */
export interface DebianIndex {
  /** Candidates, one per stanza kept. */
  universe: Universe;
  /** Multi-Arch field by candidate id. */
  multiArch: string[];
  /** Stanzas skipped for another architecture. */
  skipped: number;
}

/**
 * A malformed index, naming the 1-based line.
 *
 * @example
 * ```ts
 * import { parseDebianPackages, DebianIndexError } from '@nexus/nip';
 * try { parseDebianPackages('Version: 1\n'); } catch (e) { (e as DebianIndexError).line; } // 1
 * ```
 */
export class DebianIndexError extends Error {
  /** 1-based line. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(`Packages line ${line}: ${message}`);
    this.name = 'DebianIndexError';
    this.line = line;
  }
}

const RELATION =
  /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([0-9A-Za-z][^)\s]*)\s*\))?\s*(?:\[[^\]]*\])?\s*(?:<[^>]*>\s*)*$/;

/**
 * Parses one relationship field (`a (>= 1) | b:any, c`) into dependencies.
 *
 * @example
 * ```ts
 * import { parseDebianRelations } from '@nexus/nip';
 * parseDebianRelations('libc6 (>= 2.34), mail-transport-agent | exim4');
 * // [{ anyOf: [{ name: 'libc6', range: '>= 2.34' }] }, { anyOf: [{ name: 'mail-transport-agent' }, { name: 'exim4' }] }]
 * ```
 */
export function parseDebianRelations(field: string, native = 'amd64'): Dependency[] {
  return relations(field, native, null);
}

/**
 * {@link parseDebianRelations} with a cache of parsed alternatives: an index repeats the same
 * relations thousands of times (`libc6 (>= 2.34)`), and one shared requirement object per text
 * also lets the universe's per-object match cache serve every package that names it.
 */
function relations(field: string, native: string, cache: Map<string, Requirement> | null): Dependency[] {
  const out: Dependency[] = [];
  for (const group of field.split(',')) {
    const trimmed = group.trim();
    if (trimmed === '') continue;
    const anyOf: Requirement[] = [];
    for (const alt of trimmed.split('|')) {
      const text = alt.trim();
      let req = cache?.get(text);
      if (req === undefined) {
        const m = RELATION.exec(text);
        if (!m) throw new RangeError(`relation: "${text}" is not a Debian relation`);
        const [, name, qualifier, op, version] = m;
        req = { name };
        if (qualifier && qualifier !== 'any' && qualifier !== 'native' && qualifier !== native) {
          req.name = `${name}:${qualifier}`; // a foreign architecture: nothing in this index provides it
        }
        if (op) req.range = `${op} ${version}`;
        cache?.set(text, req);
      }
      anyOf.push(req);
    }
    out.push({ anyOf });
  }
  return out;
}

/** Fields of a stanza nip reads (interned: the map hands back one string per field name). */
const KEPT_FIELDS = new Map(
  [
    'Package',
    'Version',
    'Architecture',
    'Pre-Depends',
    'Depends',
    'Recommends',
    'Conflicts',
    'Breaks',
    'Provides',
    'Multi-Arch',
  ].map((f) => [f, f]),
);

/**
 * Parses a Debian `Packages` index into a universe (Debian version ordering).
 *
 * @example
 * ```ts
 * import { parseDebianPackages } from '@nexus/nip';
 * const { universe } = parseDebianPackages('Package: a\nVersion: 1.0\nArchitecture: all\nDepends: b\n');
 * universe.packages[0].depends; // [{ anyOf: [{ name: 'b' }] }]
 * ```
 */
export function parseDebianPackages(text: string, options: DebianOptions = {}): DebianIndex {
  if (typeof text !== 'string') throw new TypeError('text: expected a string');
  const native = options.architecture ?? 'amd64';
  const maxPackages = options.maxPackages ?? 1 << 20;
  const universe = new Universe(debian);
  const multiArch: string[] = [];
  let skipped = 0;
  // The fields nip reads; every other field (Description, checksums, ...) is skipped without
  // being copied, continuation lines included: most of an index's 50 MB.
  const fields = new Map<string, string>();
  const cache = new Map<string, Requirement>();
  let stanzaLine = 1;
  const flush = () => {
    if (fields.size === 0) return;
    const name = fields.get('Package');
    const version = fields.get('Version');
    const arch = fields.get('Architecture') ?? 'all';
    if (!name || !version) throw new DebianIndexError(stanzaLine, 'a stanza without Package or Version');
    if (arch !== 'all' && arch !== native) {
      skipped++;
      fields.clear();
      return;
    }
    if (universe.packages.length >= maxPackages)
      throw new DebianIndexError(stanzaLine, `more than ${maxPackages} packages`);
    const rel = (f: string) => {
      const v = fields.get(f);
      try {
        return v ? relations(v, native, cache) : [];
      } catch (e) {
        throw new DebianIndexError(stanzaLine, `${name} ${f}: ${(e as Error).message}`);
      }
    };
    const depends = [
      ...rel('Pre-Depends'),
      ...rel('Depends'),
      ...(options.recommends ? rel('Recommends') : []),
    ];
    const flat = (deps: Dependency[]) => deps.flatMap((d) => d.anyOf);
    const provides: Provide[] = flat(rel('Provides')).map((r) => {
      const p: Provide = { name: r.name };
      if (r.range?.startsWith('= ')) p.version = r.range.slice(2);
      return p;
    });
    const ma = fields.get('Multi-Arch') ?? 'no';
    const pkg: PackageVersion = {
      name,
      version,
      architecture: arch,
      depends,
      conflicts: flat(rel('Conflicts')),
      breaks: flat(rel('Breaks')),
      provides,
    };
    try {
      universe.add(pkg);
    } catch (e) {
      throw new DebianIndexError(stanzaLine, (e as Error).message);
    }
    multiArch.push(ma);
    fields.clear();
  };
  const length = text.length;
  let line = 0;
  let last: string | null = null; // the kept field continuation lines extend, if any
  for (let pos = 0; pos < length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = length;
    line++;
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--; // CRLF
    const first = stop > pos ? text.charCodeAt(pos) : -1;
    if (first === -1) {
      flush();
      stanzaLine = line + 1;
      last = null;
    } else if (first === 32 || first === 9) {
      if (last !== null) fields.set(last, `${fields.get(last)} ${text.slice(pos, stop).trim()}`);
    } else {
      const colon = text.indexOf(':', pos);
      if (colon <= pos || colon >= stop)
        throw new DebianIndexError(
          line,
          `expected "Field: value", got "${text.slice(pos, Math.min(stop, pos + 40))}"`,
        );
      const field = KEPT_FIELDS.get(text.slice(pos, colon)) ?? null;
      if (field !== null) fields.set(field, text.slice(colon + 1, stop).trim());
      last = field;
    }
    pos = end + 1;
  }
  flush();
  return { universe, multiArch, skipped };
}
