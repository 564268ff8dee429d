/**
 * `@nexus/nip/node`: the `nip` command line (Node only: it reads files).
 *
 * - `nip distcheck <Packages> [--arch amd64] [--no-explain]`: installability of every package
 *   of a Debian index, in dose-distcheck's `-f -e` YAML shape; exit 1 when some are broken.
 * - `nip sat <file.cnf> [proof.drat]`: SAT-competition output (`s SATISFIABLE`, `v ...`),
 *   exit 10 (SAT) or 20 (UNSAT), with a DRAT proof written for UNSAT.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDebianPackages } from '../adapters/debian.js';
import { distcheck, formatDistcheck } from '../distcheck.js';
import { DratWriter, loadCnf, parseDimacs, Solver } from '../sat/index.js';

/** Where the command line writes. */
export interface CliIo {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

const USAGE =
  'usage: nip distcheck <Packages> [--arch <arch>] [--no-explain]\n       nip sat <file.cnf> [proof.drat]\n';

/**
 * Runs the `nip` command line; returns the exit code.
 *
 * @example
 * ```ts
 * import { runCli } from '@nexus/nip/node';
 * const code = runCli(['sat', 'formula.cnf'], { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
 * ```
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  const positional = rest.filter((a, i) => !a.startsWith('--') && rest[i - 1] !== '--arch');
  if (command === 'distcheck' && positional.length === 1) {
    const archAt = rest.indexOf('--arch');
    const arch = archAt >= 0 ? rest[archAt + 1] : 'amd64';
    const { universe } = parseDebianPackages(readFileSync(positional[0], 'utf8'), { architecture: arch });
    const report = distcheck(universe, { explain: !rest.includes('--no-explain') });
    io.out(formatDistcheck(report, arch));
    return report.broken.length === 0 ? 0 : 1;
  }
  if (command === 'sat' && (positional.length === 1 || positional.length === 2)) {
    const proof = positional[1] ? new DratWriter() : undefined;
    const s = new Solver({ proof });
    loadCnf(s, parseDimacs(readFileSync(positional[0], 'utf8')));
    const r = s.solve();
    if (r === 'sat') {
      io.out(`s SATISFIABLE\nv ${s.modelLiterals().join(' ')} 0\n`);
      return 10;
    }
    if (r === 'unsat') {
      if (proof) writeFileSync(positional[1], proof.text());
      io.out('s UNSATISFIABLE\n');
      return 20;
    }
    io.out('s UNKNOWN\n');
    return 0;
  }
  io.err(USAGE);
  return 2;
}
