/**
 * `nip distcheck`: for every candidate of a universe, can it be installed at all? One
 * incremental solver holds the whole universe; each candidate is one solve under the
 * assumption "it is installed", branching only on its dependency cone (DESIGN.md,
 * "Cone-restricted search"), so learnt clauses carry over from package to package, and every
 * candidate a model installs is installable too, so it needs no check of its own. Broken
 * candidates are explained from a minimal unsatisfiable core of their own request.
 * @module
 */
import { encode } from './encode.js';
import { explain } from './explain.js';
import type { Universe } from './universe.js';

/** A candidate that cannot be installed, with why. */
export interface BrokenPackage {
  /** Candidate id in the universe. */
  id: number;
  /** Package name. */
  name: string;
  /** Version. */
  version: string;
  /** Architecture, when known. */
  architecture: string;
  /** The derivation of the failure, in words. */
  explanation: string[];
}

/** Result of {@link distcheck}. */
export interface DistcheckReport {
  /** Candidates checked. */
  checked: number;
  /** The broken ones, in universe order. */
  broken: BrokenPackage[];
  /** Work done: SAT conflicts over all checks, largest cone, milliseconds. */
  stats: {
    /** SAT conflicts over all checks. */
    conflicts: number;
    /** Candidates in the largest dependency cone searched. */
    largestCone: number;
    /** Sum of the cone sizes: the decisions available over the whole run. */
    totalConeSize: number;
    /** Candidates found installable inside an earlier check's model, so not checked alone. */
    witnessed: number;
    /** Milliseconds encoding and checking. */
    checkMs: number;
    /** Milliseconds explaining the broken packages. */
    explainMs: number;
  };
}

/** Options of {@link distcheck}. */
export interface DistcheckOptions {
  /** Compute explanations for broken packages (default true). */
  explain?: boolean;
  /** Check only these candidate ids (default: all). */
  only?: readonly number[];
}

/**
 * Checks the installability of every candidate of a universe.
 *
 * @example
 * ```ts
 * import { parseDebianPackages, distcheck } from '@nexus/nip';
 * const { universe } = parseDebianPackages('Package: a\nVersion: 1\nDepends: missing\n');
 * distcheck(universe).broken[0].explanation; // ['Because every version of a depends on missing (which matches no versions), ...']
 * ```
 */
export function distcheck(universe: Universe, options: DistcheckOptions = {}): DistcheckReport {
  const start = performance.now();
  const e = encode(universe, {}, { whole: true, recordClauses: false });
  const n = universe.packages.length;
  // Dependency targets per candidate, flattened once.
  const targets: Int32Array[] = [];
  for (let id = 0; id < n; id++) {
    const list: number[] = [];
    for (const dep of universe.packages[id].depends ?? [])
      for (const alt of dep.anyOf) list.push(...universe.matching(alt));
    targets.push(Int32Array.from(list));
  }
  const stamp = new Int32Array(n);
  let epoch = 0;
  const queue = new Int32Array(n);
  const order = new Int32Array(n);
  const brokenIds: number[] = [];
  let largestCone = 0;
  let totalConeSize = 0;
  const ids = options.only ?? Array.from({ length: n }, (_, i) => i);
  // Candidates true in some model found so far: installable, witnessed, no check of their own.
  const witnessed = new Uint8Array(n);
  let skipped = 0;
  for (const id of ids) {
    if (witnessed[id] === 1) {
      skipped++;
      continue;
    }
    epoch++;
    let head = 0;
    let tail = 0;
    queue[tail++] = id;
    stamp[id] = epoch;
    while (head < tail) {
      const c = queue[head++];
      const t = targets[c];
      for (let k = 0; k < t.length; k++) {
        const d = t[k];
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          queue[tail++] = d;
        }
      }
    }
    for (let k = 0; k < tail; k++) order[k] = e.varOf[queue[k]];
    if (tail > largestCone) largestCone = tail;
    totalConeSize += tail;
    const r = e.solver.solve({ assumptions: [e.varOf[id]], decisionOrder: order.subarray(0, tail) });
    if (r !== 'sat') {
      brokenIds.push(id);
      continue;
    }
    // The model installs `id` with part of its cone: every candidate in it is installable too.
    for (let k = 0; k < tail; k++) if (e.solver.value(order[k]) === true) witnessed[queue[k]] = 1;
  }
  const checkMs = performance.now() - start;
  const broken: BrokenPackage[] = brokenIds.map((id) => {
    const p = universe.packages[id];
    let explanation: string[] = [];
    if (options.explain !== false) {
      const single = encode(universe, { install: [{ name: p.name, range: `= ${p.version}` }] });
      const r = single.solver.solve();
      if (r !== 'unsat')
        throw new Error(`nip: assertion failed: ${p.name} ${p.version} is broken in both encodings`);
      explanation = explain(universe, single).lines;
    }
    return { id, name: p.name, version: p.version, architecture: p.architecture ?? 'all', explanation };
  });
  return {
    checked: ids.length,
    broken,
    stats: {
      conflicts: e.solver.stats.conflicts,
      largestCone,
      totalConeSize,
      witnessed: skipped,
      checkMs,
      explainMs: performance.now() - start - checkMs,
    },
  };
}

/**
 * Writes a distcheck report in dose-distcheck's YAML shape (`-f -e`: failures with
 * explanations), so the `package`/`version`/`architecture`/`status` lines compare one to one.
 *
 * @example
 * ```ts
 * import { parseDebianPackages, distcheck, formatDistcheck } from '@nexus/nip';
 * const { universe } = parseDebianPackages('Package: a\nVersion: 1\nDepends: missing\n');
 * formatDistcheck(distcheck(universe), 'amd64').includes('status: broken'); // true
 * ```
 */
export function formatDistcheck(report: DistcheckReport, nativeArchitecture: string): string {
  const out = ['output-version: 1.2', `native-architecture: ${nativeArchitecture}`];
  if (report.broken.length > 0) out.push('report:');
  for (const b of report.broken) {
    out.push(
      ' -',
      `  package: ${b.name}`,
      `  version: ${b.version}`,
      `  architecture: ${b.architecture}`,
      '  status: broken',
    );
    if (b.explanation.length > 0) {
      out.push('  reasons:');
      for (const line of b.explanation) out.push(line === '' ? '   #' : `   # ${line}`);
    }
  }
  out.push(' ', `total-packages: ${report.checked}`, `broken-packages: ${report.broken.length}`);
  return `${out.join('\n')}\n`;
}
