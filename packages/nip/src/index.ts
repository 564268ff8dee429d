/**
 * `@nexus/nip`: Nexus's package manager core. A CDCL SAT solver (also at `@nexus/nip/sat`)
 * and, on top of it, a resolver that optimises by stated preferences and explains failures.
 * @module
 */
export * from './sat/index.js';
