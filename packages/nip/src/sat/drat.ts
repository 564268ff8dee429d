/**
 * DRAT proof output (Wetzler, Heule, Hunt: "DRAT-trim: Efficient Checking and Trimming Using
 * Expressive Clausal Proofs", SAT 2014). A proof is a sequence of lines: a clause that is added
 * (`1 -2 0`) or deleted (`d 1 -2 0`), literals in DIMACS numbering. An UNSAT proof ends with
 * the empty clause (`0`).
 * @module
 */

/** Receives the clauses a solver adds to and deletes from its formula, in DIMACS literals. */
export interface ProofSink {
  /** A clause the solver derived (`lits[0..length)`); the empty clause ends an UNSAT proof. */
  add(lits: ArrayLike<number>, length: number): void;
  /** A clause the solver dropped. */
  delete(lits: ArrayLike<number>, length: number): void;
}

/**
 * Default ceiling on the text a {@link DratWriter} keeps: 1 GiB of characters.
 *
 * @example
 * ```ts
 * import { DRAT_TEXT_LIMIT_CHARS } from '@nexus/nip/sat';
 * DRAT_TEXT_LIMIT_CHARS; // 1073741824
 * ```
 */
export const DRAT_TEXT_LIMIT_CHARS = 1 << 30;

/**
 * Collects a DRAT proof as text lines (`1 -2 0`, `d 3 0`).
 *
 * @example
 * ```ts
 * import { Solver, DratWriter } from '@nexus/nip/sat';
 * const proof = new DratWriter();
 * const s = new Solver({ proof });
 * s.addClause([1]);
 * s.addClause([-1]);
 * s.solve(); // 'unsat'
 * proof.text(); // '0\n'
 * ```
 */
export class DratWriter implements ProofSink {
  private chunks: string[] = [];
  private pending = '';
  private totalChars = 0;
  /** Lines added so far. */
  additions = 0;
  /** Deletion lines so far. */
  deletions = 0;
  /** Ceiling on the proof's size in characters. */
  readonly limitChars: number;

  /** @param limitChars - ceiling on the proof's size; past it, `add` throws a RangeError. */
  constructor(limitChars = DRAT_TEXT_LIMIT_CHARS) {
    this.limitChars = limitChars;
  }

  add(lits: ArrayLike<number>, length: number): void {
    this.additions++;
    this.line('', lits, length);
  }

  delete(lits: ArrayLike<number>, length: number): void {
    this.deletions++;
    this.line('d ', lits, length);
  }

  /** The whole proof as text. */
  text(): string {
    if (this.pending.length > 0) {
      this.chunks.push(this.pending);
      this.pending = '';
    }
    return this.chunks.join('');
  }

  private line(prefix: string, lits: ArrayLike<number>, length: number): void {
    let s = prefix;
    for (let i = 0; i < length; i++) s += `${lits[i]} `;
    s += '0\n';
    this.totalChars += s.length;
    if (this.totalChars > this.limitChars)
      throw new RangeError(`proof: larger than ${this.limitChars} characters`);
    this.pending += s;
    if (this.pending.length > 1 << 16) {
      this.chunks.push(this.pending);
      this.pending = '';
    }
  }
}
