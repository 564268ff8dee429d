/**
 * `@nexus/nip/sat`: a CDCL SAT solver usable on its own, with DIMACS input and DRAT proofs.
 * @module
 */

export { luby } from './_restart.js';
export type { Cnf, CnfAnswer, DimacsErrorCode, DimacsOptions, SolveCnfOptions } from './dimacs.js';
export {
  checkModel,
  DimacsError,
  forEachClause,
  loadCnf,
  parseDimacs,
  solveCnf,
  writeDimacs,
} from './dimacs.js';
export type { ProofSink } from './drat.js';
export { DRAT_TEXT_LIMIT_CHARS, DratWriter } from './drat.js';
export type { SolveOptions, SolveResult, SolverOptions, SolverStats } from './solver.js';
export { MAX_VARIABLES, Solver } from './solver.js';
