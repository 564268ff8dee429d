/**
 * Translation of a universe and a request to CNF (see SOLVER.md, "Encoding"). One variable per
 * candidate in the request's dependency cone, one per (candidate, variant, value), one per
 * (alternative with variant requirements). Every clause belongs to a *fact* (a dependency of a
 * group of candidates, a conflict, a request item) or is structural (at most one version per
 * package, exactly one value per variant), so that failures can be explained by facts.
 * @module
 */
import { Solver } from './sat/solver.js';
import type { Dependency, Requirement, Universe, VariantValue } from './universe.js';

/** What a group of clauses says, in package terms. */
export interface Fact {
  /** Kind of statement. */
  kind: 'request' | 'depends' | 'conflicts' | 'remove' | 'keep' | 'lock' | 'pin';
  /** Package the fact is about (`root` for request items). */
  pkg: string;
  /** Candidate ids of `pkg` it covers (empty for root). */
  ids: number[];
  /** The required or conflicting alternatives (depends, conflicts, request). */
  anyOf: Requirement[];
  /** Variant condition of an optional dependency. */
  when?: Record<string, VariantValue>;
}

/** A request: what to install, remove, upgrade, keep or lock. */
export interface Request {
  /** Requirements to satisfy. */
  install?: Requirement[];
  /** Package names that must not be installed. */
  remove?: string[];
  /** Package names (or all) whose version may change freely towards the newest. */
  upgrade?: string[] | 'all';
  /** Installed packages must stay exactly as they are (except those removed or upgraded). */
  keep?: boolean;
  /** Exact versions (and variants) to hold, as from a lockfile. */
  lock?: LockedPackage[];
  /** Source each named package must come from. */
  pins?: Record<string, string>;
}

/** A package in an installed set or a lockfile. */
export interface LockedPackage {
  /** Package name. */
  name: string;
  /** Version. */
  version: string;
  /** Source it came from. */
  source?: string;
  /** Variant values. */
  variants?: Record<string, VariantValue>;
}

/** The CNF of a request with the maps back to packages. */
export interface Encoding {
  /** The solver holding the hard clauses. */
  solver: Solver;
  /** SAT variable of each candidate id (0 when outside the cone). */
  varOf: Int32Array;
  /** Candidate ids in the cone, in discovery order. */
  cone: number[];
  /** SAT variable of `${id}\u0000${variant}\u0000${value}`. */
  variantVar: Map<string, number>;
  /** Facts; clause i belongs to fact `clauseFact[i]` (-1: structural). */
  facts: Fact[];
  /** Every clause emitted (DIMACS), kept to rebuild a solver with selectors for explanations. */
  clauses: number[][];
  /** Fact of each clause, -1 for structural clauses. */
  clauseFact: number[];
  /** Names with installed versions considered (for the plan). */
  installed: LockedPackage[];
  /**
   * Variables standing for "this candidate with the variant values a requirement asks", as
   * pairs `(variable, candidate id)`: `v → candidate` and `v → each asked value`.
   */
  requirementVars: number[];
}

/** Options of {@link encode}. */
export interface EncodeOptions {
  /** The currently installed set. */
  installed?: LockedPackage[];
  /** Emit clauses into this solver (default: a new one). */
  solver?: Solver;
  /** Keep the clause list for explanations (default true). */
  recordClauses?: boolean;
  /** Encode every candidate of the universe instead of the request's cone. */
  whole?: boolean;
  /**
   * Add range literals (SOLVER.md, "Range literals"): one variable per distinct set of a
   * name's candidates a dependency accepts (more than one, fewer than all of the name's
   * candidates in the cone), implying "one of them is chosen", each dependency also stated
   * over them, and binary clauses between the range literals of a name (disjoint sets exclude
   * each other, a subset implies its superset). They go to the solver only, not to
   * {@link Encoding.clauses}: an explanation rebuilds its solver without them. Every added clause
   * follows from the others, so the answers are the same; unit propagation sees two dependents
   * asking for different majors of a library at once. Default false (distcheck's single
   * installability checks do not need it); the resolver turns it on.
   */
  ranges?: boolean;
}

/**
 * Key of a variant value variable in {@link Encoding.variantVar}.
 *
 * @example
 * ```ts
 * import { variantKey } from '@nexus/nip';
 * variantKey(3, 'cuda', true); // '3\u0000cuda\u0000true'
 * ```
 */
export function variantKey(id: number, variant: string, value: VariantValue): string {
  return `${id}\u0000${variant}\u0000${String(value)}`;
}

/**
 * Encodes a request over a universe.
 *
 * @example
 * ```ts
 * import { Universe, semver, encode } from '@nexus/nip';
 * const u = new Universe(semver);
 * u.add({ name: 'a', version: '1.0.0' });
 * const e = encode(u, { install: [{ name: 'a' }] });
 * e.solver.solve(); // 'sat'
 * ```
 */
export function encode(universe: Universe, request: Request, options: EncodeOptions = {}): Encoding {
  const solver = options.solver ?? new Solver();
  const record = options.recordClauses !== false;
  const installed = options.installed ?? [];
  const varOf = new Int32Array(universe.packages.length);
  const cone: number[] = [];
  const variantVar = new Map<string, number>();
  const facts: Fact[] = [];
  const clauses: number[][] = [];
  const clauseFact: number[] = [];
  const requirementVars: number[] = [];
  const emit = (lits: number[], fact: number) => {
    if (record) {
      clauses.push(lits);
      clauseFact.push(fact);
    }
    solver.addClause(lits);
  };

  // 1. The cone: candidates reachable from the request and the installed set.
  const visit = (id: number) => {
    if (varOf[id] !== 0) return;
    varOf[id] = solver.newVariable();
    cone.push(id);
  };
  const upgradeAll = request.upgrade === 'all';
  const upgrade = new Set(upgradeAll ? installed.map((p) => p.name) : (request.upgrade ?? []));
  if (options.whole) for (let id = 0; id < universe.packages.length; id++) visit(id);
  for (const req of request.install ?? []) for (const id of universe.matching(req)) visit(id);
  for (const p of installed) for (const id of universe.versionsOf(p.name)) visit(id);
  for (const p of request.lock ?? []) for (const id of universe.versionsOf(p.name)) visit(id);
  for (let i = 0; i < cone.length; i++) {
    const pkg = universe.packages[cone[i]];
    for (const dep of pkg.depends ?? [])
      for (const alt of dep.anyOf) for (const id of universe.matching(alt)) visit(id);
  }

  // 2. Variants: exactly one value per variant of a selected candidate, none otherwise.
  for (const id of cone) {
    const pkg = universe.packages[id];
    for (const [variant, spec] of Object.entries(pkg.variants ?? {})) {
      const vars = spec.values.map((value) => {
        const v = solver.newVariable();
        variantVar.set(variantKey(id, variant, value), v);
        emit([-v, varOf[id]], -1);
        return v;
      });
      emit([-varOf[id], ...vars], -1);
      atMostOne(solver, vars, emit);
    }
  }

  // 3. At most one version per package name.
  const byName = new Map<string, number[]>();
  for (const id of cone) {
    const name = universe.packages[id].name;
    const list = byName.get(name);
    if (list) list.push(varOf[id]);
    else byName.set(name, [varOf[id]]);
  }
  for (const name of [...byName.keys()].sort()) atMostOne(solver, byName.get(name)!, emit);

  // 4. Facts. Dependencies with the same text are one fact per package (all its versions).
  const alternativeLits = (req: Requirement): number[] => {
    const lits: number[] = [];
    for (const id of universe.matching(req)) {
      if (varOf[id] === 0) continue;
      if (!req.variants || Object.keys(req.variants).length === 0) {
        lits.push(varOf[id]);
        continue;
      }
      const aux = solver.newVariable();
      requirementVars.push(aux, id);
      emit([-aux, varOf[id]], -1);
      for (const [k, v] of Object.entries(req.variants))
        emit([-aux, variantVar.get(variantKey(id, k, v))!], -1);
      lits.push(aux);
    }
    return lits;
  };
  const factIndex = new Map<string, number>();
  const factFor = (
    kind: Fact['kind'],
    pkg: string,
    anyOf: Requirement[],
    when?: Record<string, VariantValue>,
  ) => {
    if (!record) return -1; // no explanation will be asked of this encoding: skip the bookkeeping
    let key = `${kind}\u0000${pkg}\u0000${requirementsKey(anyOf)}`;
    if (when) key += `\u0000${JSON.stringify(when)}`;
    let f = factIndex.get(key);
    if (f === undefined) {
      f = facts.length;
      facts.push({ kind, pkg, ids: [], anyOf, when });
      factIndex.set(key, f);
    }
    return f;
  };

  // Range literals (EncodeOptions.ranges): per name, the distinct candidate sets dependencies
  // accept, each with its variable.
  const rangesOf = new Map<string, { ids: number[]; v: number }[]>();
  const coneCount = new Map<string, number>();
  if (options.ranges)
    for (const id of cone) {
      const name = universe.packages[id].name;
      coneCount.set(name, (coneCount.get(name) ?? 0) + 1);
    }
  const rangeIndex = new Map<string, number>();
  for (const id of cone) {
    const pkg = universe.packages[id];
    for (const dep of pkg.depends ?? []) emitDependency(id, dep);
    for (const req of [...(pkg.conflicts ?? []), ...(pkg.breaks ?? [])]) {
      let f = -1;
      for (const other of universe.matching(req)) {
        if (other === id || varOf[other] === 0) continue;
        if (f < 0 && record) {
          f = factFor('conflicts', pkg.name, [req]);
          facts[f].ids.push(id);
        }
        emit([-varOf[id], -varOf[other]], f);
      }
    }
  }

  function emitDependency(id: number, dep: Dependency): void {
    const pkg = universe.packages[id];
    const guard: number[] = [-varOf[id]];
    for (const [k, v] of Object.entries(dep.when ?? {})) {
      const x = variantVar.get(variantKey(id, k, v));
      if (x === undefined) return; // the candidate cannot enable this feature
      guard.push(-x);
    }
    const lits: number[] = [];
    for (const alt of dep.anyOf) lits.push(...alternativeLits(alt));
    const f = factFor('depends', pkg.name, dep.anyOf, dep.when);
    if (f >= 0) facts[f].ids.push(id);
    emit([...guard, ...lits], f);
    if (options.ranges) {
      const over = rangeClause(dep);
      if (over !== null) solver.addClause([...guard, ...over]);
    }
  }

  /** The dependency restated over range literals, or null when that says nothing new. */
  function rangeClause(dep: Dependency): number[] | null {
    const byName = new Map<string, number[]>();
    for (const alt of dep.anyOf)
      for (const id of universe.matching(alt)) {
        if (varOf[id] === 0) continue;
        const name = universe.packages[id].name;
        const list = byName.get(name);
        if (list) {
          if (!list.includes(id)) list.push(id);
        } else byName.set(name, [id]);
      }
    let useful = false;
    const lits: number[] = [];
    for (const [name, ids] of byName) {
      if (ids.length === 1 || ids.length === (coneCount.get(name) ?? 0)) {
        for (const id of ids) lits.push(varOf[id]);
        continue;
      }
      useful = true;
      ids.sort((a, b) => a - b);
      const key = `${name}\u0000${ids.join(',')}`;
      let v = rangeIndex.get(key);
      if (v === undefined) {
        v = solver.newVariable();
        rangeIndex.set(key, v);
        solver.addClause([-v, ...ids.map((id) => varOf[id])]);
        const list = rangesOf.get(name);
        if (list) list.push({ ids, v });
        else rangesOf.set(name, [{ ids, v }]);
      }
      lits.push(v);
    }
    return useful ? lits : null;
  }
  if (options.ranges) {
    for (const list of rangesOf.values()) {
      if (list.length < 2 || list.length > MAX_RANGES_PAIRED) continue;
      for (let i = 0; i < list.length; i++)
        for (let j = 0; j < list.length; j++) {
          if (i === j) continue;
          const a = list[i].ids;
          const b = list[j].ids;
          let shared = 0;
          for (const x of a) if (b.includes(x)) shared++;
          if (shared === 0 && i < j) solver.addClause([-list[i].v, -list[j].v]);
          else if (shared === a.length) solver.addClause([-list[i].v, list[j].v]);
        }
    }
  }

  // 5. The request.
  for (const req of request.install ?? []) {
    const f = factFor('request', 'root', [req]);
    emit(alternativeLits(req), f);
  }
  for (const name of request.remove ?? []) {
    const f = factFor('remove', name, []);
    for (const id of universe.versionsOf(name)) if (varOf[id] !== 0) emit([-varOf[id]], f);
  }
  for (const p of request.lock ?? []) {
    const f = factFor('lock', p.name, [{ name: p.name, range: undefined, variants: p.variants }]);
    const lits: number[] = [];
    for (const id of universe.versionsOf(p.name)) {
      const c = universe.packages[id];
      if (c.version !== p.version || (p.source !== undefined && (c.source ?? 'default') !== p.source))
        continue;
      lits.push(varOf[id]);
    }
    emit(lits, f);
    for (const id of universe.versionsOf(p.name)) {
      if (!lits.includes(varOf[id])) {
        emit([-varOf[id]], f);
        continue;
      }
      for (const [k, v] of Object.entries(p.variants ?? {})) {
        const x = variantVar.get(variantKey(id, k, v));
        emit(x === undefined ? [-varOf[id]] : [-varOf[id], x], f);
      }
    }
  }
  for (const [name, source] of Object.entries(request.pins ?? {})) {
    const f = factFor('pin', name, [{ name }]);
    for (const id of universe.versionsOf(name)) {
      if (varOf[id] !== 0 && (universe.packages[id].source ?? 'default') !== source) emit([-varOf[id]], f);
    }
  }
  if (request.keep) {
    const removed = new Set(request.remove ?? []);
    for (const p of installed) {
      if (removed.has(p.name) || upgrade.has(p.name)) continue;
      const f = factFor('keep', p.name, [{ name: p.name }]);
      const lits = universe
        .versionsOf(p.name)
        .filter((id) => universe.packages[id].version === p.version)
        .map((id) => varOf[id]);
      emit(lits, f);
    }
  }
  return { solver, varOf, cone, variantVar, facts, clauses, clauseFact, installed, requirementVars };
}

/**
 * Range literals of one name beyond which their pairwise clauses are left out (the pairs grow
 * quadratically; the range literals themselves stay).
 */
const MAX_RANGES_PAIRED = 64;

/** Text key of a list of alternatives, cached per list object (a universe's lists are reused by every encode). */
const requirementsKeys = new WeakMap<readonly Requirement[], string>();
function requirementsKey(anyOf: readonly Requirement[]): string {
  let key = requirementsKeys.get(anyOf);
  if (key !== undefined) return key;
  key = '';
  for (const r of anyOf)
    key += `\u0000${r.name}\u0001${r.range ?? ''}\u0001${r.variants ? JSON.stringify(r.variants) : ''}`;
  requirementsKeys.set(anyOf, key);
  return key;
}

/**
 * At most one of `vars`: pairwise for up to 5, else Sinz's sequential counter ("Towards an
 * Optimal CNF Encoding of Boolean Cardinality Constraints", CP 2005): 3n clauses, n aux vars.
 */
function atMostOne(solver: Solver, vars: number[], emit: (lits: number[], fact: number) => void): void {
  const n = vars.length;
  if (n <= 1) return;
  if (n <= 5) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) emit([-vars[i], -vars[j]], -1);
    return;
  }
  let prev = solver.newVariable();
  emit([-vars[0], prev], -1);
  for (let i = 1; i < n - 1; i++) {
    const s = solver.newVariable();
    emit([-vars[i], s], -1);
    emit([-prev, s], -1);
    emit([-vars[i], -prev], -1);
    prev = s;
  }
  emit([-vars[n - 1], -prev], -1);
}
