/**
 * DIMACS CNF reader and writer. The format: comment lines starting with `c`, one problem line
 * `p cnf <variables> <clauses>`, then clauses as whitespace-separated non-zero integers, each
 * ended by `0` (clauses may span lines). SATLIB's `%` end marker is accepted.
 * @module
 */
import {
  type SolveOptions,
  type SolveResult,
  Solver,
  type SolverOptions,
  type SolverStats,
} from './solver.js';

/** What was wrong with a DIMACS text. */
export type DimacsErrorCode =
  | 'EHEADER' // missing, repeated or malformed `p cnf` line
  | 'ENUMBER' // a token that is not an integer
  | 'ERANGE' // a literal whose variable exceeds the header's count
  | 'ECOUNT' // clause count differs from the header
  | 'ETERMINATOR' // the last clause is not ended by 0
  | 'ELIMIT'; // input larger than the configured limit

/**
 * A malformed DIMACS input, naming the 1-based line where the problem was found.
 *
 * @example
 * ```ts
 * import { parseDimacs, DimacsError } from '@nexus/nip/sat';
 * try { parseDimacs('p cnf 1 1\n2 0\n'); } catch (e) { (e as DimacsError).line; } // 2
 * ```
 */
export class DimacsError extends Error {
  /** Which rule the input broke. */
  readonly code: DimacsErrorCode;
  /** 1-based line number. */
  readonly line: number;
  constructor(code: DimacsErrorCode, line: number, message: string) {
    super(`DIMACS line ${line}: ${message}`);
    this.name = 'DimacsError';
    this.code = code;
    this.line = line;
  }
}

/** A parsed CNF: clauses stored flat, each ended by a 0. */
export interface Cnf {
  /** Variables declared by the header. */
  variableCount: number;
  /** Clauses read (equal to the header's count unless parsed with `lenient`). */
  clauseCount: number;
  /** All clauses, each followed by a 0. */
  literals: Int32Array;
}

/** Options of {@link parseDimacs}. */
export interface DimacsOptions {
  /** Accept a clause count or variable range that disagrees with the header. */
  lenient?: boolean;
  /** Refuse inputs longer than this many characters (default 2^30). */
  maxChars?: number;
}

/**
 * Parses DIMACS CNF text. Throws {@link DimacsError} naming the line of the first problem.
 *
 * @example
 * ```ts
 * import { parseDimacs } from '@nexus/nip/sat';
 * const cnf = parseDimacs('p cnf 2 2\n1 -2 0\n2 0\n');
 * cnf.clauseCount; // 2
 * ```
 */
export function parseDimacs(text: string, options: DimacsOptions = {}): Cnf {
  if (typeof text !== 'string') throw new TypeError('text: expected a string');
  const maxChars = options.maxChars ?? 1 << 30;
  if (text.length > maxChars) throw new DimacsError('ELIMIT', 1, `input longer than ${maxChars} characters`);
  const lenient = options.lenient === true;
  let out = new Int32Array(1024);
  let outLen = 0;
  let line = 1;
  let header = false;
  let variableCount = 0;
  let declaredClauses = 0;
  let clauseCount = 0;
  let open = false; // a clause has literals not yet ended by 0
  let openLine = 0;
  let maxVar = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 99 /* c */) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 37 /* % */) break; // SATLIB end marker: the rest is not part of the formula
    if (c === 112 /* p */) {
      if (header) throw new DimacsError('EHEADER', line, 'a second problem line');
      let end = i;
      while (end < n && text.charCodeAt(end) !== 10) end++;
      const fields = text.slice(i, end).trim().split(/\s+/);
      if (fields.length !== 4 || fields[0] !== 'p' || fields[1] !== 'cnf') {
        throw new DimacsError(
          'EHEADER',
          line,
          `expected "p cnf <variables> <clauses>", got "${text.slice(i, end).trim()}"`,
        );
      }
      if (!/^\d+$/.test(fields[2]) || !/^\d+$/.test(fields[3])) {
        throw new DimacsError('EHEADER', line, 'variable and clause counts must be non-negative integers');
      }
      variableCount = Number(fields[2]);
      declaredClauses = Number(fields[3]);
      if (variableCount >= 2 ** 31 - 1 || declaredClauses >= 2 ** 31 - 1) {
        throw new DimacsError('EHEADER', line, 'counts exceed 2^31-1');
      }
      header = true;
      i = end;
      continue;
    }
    // A number.
    if (!header) throw new DimacsError('EHEADER', line, 'clause before the problem line');
    let neg = false;
    let j = i;
    if (c === 45 /* - */) {
      neg = true;
      j++;
    }
    let value = 0;
    const digitsStart = j;
    while (j < n) {
      const d = text.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
      j++;
    }
    const next = j < n ? text.charCodeAt(j) : 32;
    if (j === digitsStart || !(next === 32 || next === 9 || next === 10 || next === 13)) {
      let end = j;
      while (end < n && !/\s/.test(text[end])) end++;
      throw new DimacsError('ENUMBER', line, `"${text.slice(i, end)}" is not an integer`);
    }
    i = j;
    if (value === 0) {
      clauseCount++;
      open = false;
    } else {
      if (value > variableCount) {
        if (!lenient) {
          throw new DimacsError(
            'ERANGE',
            line,
            `literal ${neg ? -value : value} exceeds the ${variableCount} declared variables`,
          );
        }
        if (value >= 2 ** 31 - 1) throw new DimacsError('ERANGE', line, 'literal exceeds 2^31-1');
      }
      if (value > maxVar) maxVar = value;
      if (!open) {
        open = true;
        openLine = line;
      }
    }
    if (outLen === out.length) {
      const bigger = new Int32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[outLen++] = neg ? -value : value;
  }
  if (!header) throw new DimacsError('EHEADER', line, 'no problem line');
  if (open) throw new DimacsError('ETERMINATOR', openLine, 'the last clause is not ended by 0');
  if (clauseCount !== declaredClauses && !lenient) {
    throw new DimacsError(
      'ECOUNT',
      line,
      `${clauseCount} clauses, but the problem line declares ${declaredClauses}`,
    );
  }
  return {
    variableCount: Math.max(variableCount, lenient ? maxVar : 0),
    clauseCount,
    literals: out.slice(0, outLen),
  };
}

/**
 * Calls `visit` with each clause of a CNF (a view into its flat storage; copy to keep it).
 *
 * @example
 * ```ts
 * import { parseDimacs, forEachClause } from '@nexus/nip/sat';
 * forEachClause(parseDimacs('p cnf 1 1\n1 0\n'), (clause) => console.log([...clause]));
 * ```
 */
export function forEachClause(cnf: Cnf, visit: (clause: Int32Array, index: number) => void): void {
  const lits = cnf.literals;
  let start = 0;
  let index = 0;
  for (let i = 0; i < lits.length; i++) {
    if (lits[i] === 0) {
      visit(lits.subarray(start, i), index++);
      start = i + 1;
    }
  }
}

/**
 * Adds every clause of a CNF to a solver and reserves its declared variables.
 *
 * @example
 * ```ts
 * import { Solver, parseDimacs, loadCnf } from '@nexus/nip/sat';
 * const s = new Solver();
 * loadCnf(s, parseDimacs('p cnf 0 1\n0\n'));
 * s.solve(); // 'unsat'
 * ```
 */
export function loadCnf(solver: Solver, cnf: Cnf): void {
  solver.reserve(cnf.variableCount);
  forEachClause(cnf, (clause) => {
    solver.addClause(clause);
  });
}

/** Answer of {@link solveCnf}. */
export interface CnfAnswer {
  /** `sat`, `unsat`, or `unknown` when a budget ran out. */
  result: SolveResult;
  /** For `sat`: one DIMACS literal per variable (`[1, -2, 3]`); otherwise null. */
  model: number[] | null;
  /** The solver's work counters. */
  stats: SolverStats;
}

/** Options of {@link solveCnf}: the solver's, and the budgets of its one search. */
export interface SolveCnfOptions extends SolverOptions {
  /** Stop with `unknown` after this many conflicts. */
  conflictLimit?: SolveOptions['conflictLimit'];
  /** Stop with `unknown` after this many milliseconds. */
  timeLimitMs?: SolveOptions['timeLimitMs'];
}

/**
 * One-shot solving of a formula: load, solve once, return the answer with its model.
 * Preprocessing is off unless `preprocess: true` (it did not measure faster on the SATLIB and
 * SAT-2009 sets: DESIGN.md, "SAT speed log").
 *
 * @example
 * ```ts
 * import { parseDimacs, solveCnf } from '@nexus/nip/sat';
 * const answer = solveCnf(parseDimacs('p cnf 2 2\n1 2 0\n-1 0\n'), { preprocess: true });
 * answer.result; // 'sat'
 * answer.model; // [-1, 2]
 * ```
 */
export function solveCnf(cnf: Cnf, options: SolveCnfOptions = {}): CnfAnswer {
  const solver = new Solver(options);
  loadCnf(solver, cnf);
  const result = solver.solve({ conflictLimit: options.conflictLimit, timeLimitMs: options.timeLimitMs });
  return { result, model: result === 'sat' ? solver.modelLiterals() : null, stats: solver.stats };
}

/**
 * Checks a model (DIMACS literals, or a value per variable) against every clause.
 * Returns the index of the first clause it falsifies, or -1 when all are satisfied.
 *
 * @example
 * ```ts
 * import { parseDimacs, checkModel } from '@nexus/nip/sat';
 * checkModel(parseDimacs('p cnf 2 1\n1 2 0\n'), [-1, 2]); // -1
 * ```
 */
export function checkModel(cnf: Cnf, model: ArrayLike<number>): number {
  const truth = new Int8Array(cnf.variableCount + 2);
  for (let i = 0; i < model.length; i++) {
    const x = model[i];
    const v = Math.abs(x);
    if (v < truth.length) truth[v] = x > 0 ? 1 : -1;
  }
  let bad = -1;
  let satisfied = false;
  let index = 0;
  const lits = cnf.literals;
  for (let i = 0; i < lits.length && bad < 0; i++) {
    const x = lits[i];
    if (x === 0) {
      if (!satisfied) bad = index;
      index++;
      satisfied = false;
    } else if (!satisfied) {
      const v = Math.abs(x);
      satisfied = v < truth.length && truth[v] === (x > 0 ? 1 : -1);
    }
  }
  return bad;
}

/**
 * Writes clauses as DIMACS text.
 *
 * @example
 * ```ts
 * import { writeDimacs } from '@nexus/nip/sat';
 * writeDimacs(2, [[1, -2], [2]]); // 'p cnf 2 2\n1 -2 0\n2 0\n'
 * ```
 */
export function writeDimacs(variableCount: number, clauses: readonly ArrayLike<number>[]): string {
  const parts = [`p cnf ${variableCount} ${clauses.length}\n`];
  for (const clause of clauses) {
    let s = '';
    for (let i = 0; i < clause.length; i++) s += `${clause[i]} `;
    parts.push(`${s}0\n`);
  }
  return parts.join('');
}
