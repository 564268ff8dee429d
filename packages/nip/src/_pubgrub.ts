/**
 * PubGrub's partial solution, unit propagation, decision making and conflict resolution
 * (Weizenbaum, "PubGrub: Next-Generation Version Solving", 2018; the Dart pub solver
 * documentation), run over a fixed, finite set of incompatibilities: the facts of a minimal
 * unsatisfiable core. Version sets are bitmasks over each package's candidates (oldest = bit 0),
 * so term algebra is exact. Its product is the derivation graph of the failure and the report
 * written from it by PubGrub's error-reporting rules.
 */

/** Candidates of one package, oldest first. */
export interface VersionSpace {
  name: string;
  versions: string[];
  ids: number[];
  /** How to say "every version" of it (`every openmpi with +cuda`), when not `every version of <name>`. */
  every?: string;
}

/** A term: the package is selected with a version in `set` (positive) or not (negative). */
export interface Term {
  pkg: string;
  positive: boolean;
  set: bigint;
  /** How the set was written where it came from (`^1.0.0`), kept while the set is unchanged. */
  display?: string;
  /** A requirement no candidate matches. */
  missing?: boolean;
}

/** Where an incompatibility comes from. */
export type Cause =
  | { kind: 'dependency'; when?: string }
  | { kind: 'conflict' | 'removed' | 'keep' | 'lock' | 'pin' | 'noVersions' }
  | { kind: 'variant'; text: string }
  | { kind: 'derived'; left: Incompatibility; right: Incompatibility };

/** A set of terms that cannot all be true. */
export interface Incompatibility {
  id: number;
  terms: Term[];
  /** Alternatives that match nothing (always-true negative terms), kept for the words. */
  missing: Term[];
  cause: Cause;
}

interface Assignment {
  pkg: string;
  term: Term;
  level: number;
  cause: Incompatibility | null;
  decision: boolean;
}

/** Ceiling on PubGrub steps over a core (decisions plus derivations). */
export const PUBGRUB_STEP_LIMIT = 1 << 20;

const UNIVERSAL = (pkg: string): Term => ({ pkg, positive: false, set: 0n });

export class PubGrub {
  private readonly spaces: Map<string, VersionSpace>;
  private readonly incompatibilities: Incompatibility[] = [];
  private readonly byPkg = new Map<string, Incompatibility[]>();
  private assignments: Assignment[] = [];
  private level = 0;
  private steps = 0;

  constructor(spaces: Map<string, VersionSpace>) {
    this.spaces = spaces;
  }

  private full(pkg: string): bigint {
    const n = this.spaces.get(pkg)?.versions.length ?? 0;
    return (1n << BigInt(n)) - 1n;
  }

  private intersect(a: Term, b: Term): Term {
    const full = this.full(a.pkg);
    let positive: boolean;
    let set: bigint;
    if (a.positive && b.positive) [positive, set] = [true, a.set & b.set];
    else if (a.positive) [positive, set] = [true, a.set & ~b.set & full];
    else if (b.positive) [positive, set] = [true, b.set & ~a.set & full];
    else [positive, set] = [false, a.set | b.set];
    const display =
      a.positive === positive && a.set === set
        ? a.display
        : b.positive === positive && b.set === set
          ? b.display
          : undefined;
    return { pkg: a.pkg, positive, set, display };
  }

  private negate(t: Term): Term {
    return { ...t, positive: !t.positive, missing: undefined };
  }

  private isEmpty(t: Term): boolean {
    return t.positive && t.set === 0n;
  }

  private subset(a: Term, t: Term): boolean {
    return this.isEmpty(this.intersect(a, this.negate(t)));
  }

  /** Adds an external incompatibility; terms on the same package are intersected. */
  add(terms: Term[], cause: Cause): Incompatibility {
    return this.make(terms, cause, true);
  }

  private make(terms: Term[], cause: Cause, register: boolean): Incompatibility {
    const merged = new Map<string, Term>();
    const missing: Term[] = [];
    for (const t of terms) {
      if (!t.positive && t.set === 0n) {
        missing.push(t); // "not in ∅" always holds: it constrains nothing
        continue;
      }
      const prev = merged.get(t.pkg);
      merged.set(t.pkg, prev ? this.intersect(prev, t) : t);
    }
    const inc: Incompatibility = {
      id: this.incompatibilities.length,
      terms: [...merged.values()],
      missing,
      cause,
    };
    if (register) this.register(inc);
    return inc;
  }

  private register(inc: Incompatibility): void {
    this.incompatibilities.push(inc);
    for (const t of inc.terms) {
      const list = this.byPkg.get(t.pkg);
      if (list) list.push(inc);
      else this.byPkg.set(t.pkg, [inc]);
    }
  }

  private intersection(pkg: string, upTo = this.assignments.length): Term {
    let acc = UNIVERSAL(pkg);
    for (let i = 0; i < upTo; i++) {
      const a = this.assignments[i];
      if (a.pkg === pkg) acc = this.intersect(acc, a.term);
    }
    return acc;
  }

  private isFailure(inc: Incompatibility): boolean {
    return (
      inc.terms.length === 0 ||
      (inc.terms.length === 1 && inc.terms[0].pkg === 'root' && inc.terms[0].positive)
    );
  }

  /** Runs to a failure (returns the incompatibility `{root}`) or to a solution (returns null). */
  solve(): Incompatibility | null {
    for (const inc of this.incompatibilities) if (this.isFailure(inc)) return inc;
    this.assignments.push({
      pkg: 'root',
      term: { pkg: 'root', positive: true, set: 1n },
      level: 0,
      cause: null,
      decision: true,
    });
    let next: string | null = 'root';
    while (next !== null) {
      const failure = this.propagate(next);
      if (failure) return failure;
      next = this.choose();
    }
    return null;
  }

  private propagate(start: string): Incompatibility | null {
    const changed = [start];
    while (changed.length > 0) {
      if (++this.steps > PUBGRUB_STEP_LIMIT)
        throw new RangeError(`explanation: more than ${PUBGRUB_STEP_LIMIT} steps`);
      const pkg = changed.pop()!;
      const list = [...(this.byPkg.get(pkg) ?? [])].reverse();
      for (const inc of list) {
        const rel = this.relation(inc);
        if (rel === 'contradicted' || rel === 'inconclusive') continue;
        if (rel === 'satisfied') {
          const learned = this.resolveConflict(inc);
          if (this.isFailure(learned)) return learned;
          const again = this.relation(learned);
          if (typeof again !== 'object')
            throw new Error('nip: assertion failed: a learned incompatibility is almost satisfied');
          this.derive(this.negate(again), learned);
          changed.length = 0;
          changed.push(again.pkg);
          break;
        }
        this.derive(this.negate(rel), inc);
        changed.push(rel.pkg);
      }
    }
    return null;
  }

  /** satisfied / contradicted / inconclusive, or the one unsatisfied term (almost satisfied). */
  private relation(inc: Incompatibility): 'satisfied' | 'contradicted' | 'inconclusive' | Term {
    let unsatisfied: Term | null = null;
    for (const t of inc.terms) {
      const a = this.intersection(t.pkg);
      if (this.subset(a, t)) continue;
      if (this.isEmpty(this.intersect(a, t))) return 'contradicted';
      if (unsatisfied) return 'inconclusive';
      unsatisfied = t;
    }
    return unsatisfied ?? 'satisfied';
  }

  private derive(term: Term, cause: Incompatibility): void {
    this.assignments.push({ pkg: term.pkg, term, level: this.level, cause, decision: false });
  }

  private choose(): string | null {
    const seen = new Set<string>();
    for (const a of this.assignments) {
      if (seen.has(a.pkg)) continue;
      seen.add(a.pkg);
      const acc = this.intersection(a.pkg);
      if (!acc.positive) continue;
      if (this.assignments.some((x) => x.pkg === a.pkg && x.decision && single(x.term.set))) continue;
      if (acc.set === 0n) {
        this.add([acc], { kind: 'noVersions' });
        return a.pkg;
      }
      let bit = 0;
      while (acc.set >> BigInt(bit + 1) !== 0n) bit++;
      this.level++;
      this.assignments.push({
        pkg: a.pkg,
        term: { pkg: a.pkg, positive: true, set: 1n << BigInt(bit) },
        level: this.level,
        cause: null,
        decision: true,
      });
      return a.pkg;
    }
    return this.chooseAlternative();
  }

  /**
   * With every selected package decided, an incompatibility whose positive terms all hold and
   * whose two or more negative terms are all open is a choice between alternatives (`a | b`, or
   * the values of a variant): decide the first. Pub's solver never meets one (its dependencies
   * have one target); conflict resolution undoes a wrong choice like any decision.
   */
  private chooseAlternative(): string | null {
    for (const inc of this.incompatibilities) {
      if (this.relation(inc) !== 'inconclusive') continue;
      let open: Term | null = null;
      let blocked = false;
      for (const t of inc.terms) {
        const acc = this.intersection(t.pkg);
        if (this.subset(acc, t)) continue;
        if (t.positive) {
          blocked = true;
          break;
        }
        open ??= t;
      }
      if (blocked || open === null) continue;
      this.level++;
      this.assignments.push({
        pkg: open.pkg,
        term: this.intersect(this.intersection(open.pkg), this.negate(open)),
        level: this.level,
        cause: null,
        decision: true,
      });
      return open.pkg;
    }
    return null;
  }

  private earliest(t: Term, pre: Term | null, upTo: number): number {
    let acc = pre ?? UNIVERSAL(t.pkg);
    if (pre && this.subset(acc, t)) return -1;
    for (let i = 0; i < upTo; i++) {
      const a = this.assignments[i];
      if (a.pkg !== t.pkg) continue;
      acc = this.intersect(acc, a.term);
      if (this.subset(acc, t)) return i;
    }
    return pre ? -1 : upTo;
  }

  private resolveConflict(conflict: Incompatibility): Incompatibility {
    let inc = conflict;
    let changed = false;
    while (!this.isFailure(inc)) {
      if (++this.steps > PUBGRUB_STEP_LIMIT)
        throw new RangeError(`explanation: more than ${PUBGRUB_STEP_LIMIT} steps`);
      let satIndex = -1;
      let term: Term = inc.terms[0];
      for (const t of inc.terms) {
        const i = this.earliest(t, null, this.assignments.length);
        if (i > satIndex) {
          satIndex = i;
          term = t;
        }
      }
      const satisfier = this.assignments[satIndex];
      let previousLevel = 0;
      for (const t of inc.terms) {
        const i =
          t.pkg === satisfier.pkg
            ? this.earliest(t, satisfier.term, satIndex)
            : this.earliest(t, null, satIndex);
        if (i >= 0 && i < satIndex) previousLevel = Math.max(previousLevel, this.assignments[i].level);
      }
      if (satisfier.decision || previousLevel !== satisfier.level) {
        if (changed) this.register(inc);
        this.assignments = this.assignments.filter((a) => a.level <= previousLevel);
        this.level = previousLevel;
        return inc;
      }
      const cause = satisfier.cause!;
      const terms = [
        ...inc.terms.filter((t) => t.pkg !== satisfier.pkg),
        ...cause.terms.filter((t) => t.pkg !== satisfier.pkg),
      ];
      if (!this.subset(satisfier.term, term)) {
        terms.push(this.negate(this.intersect(satisfier.term, this.negate(term))));
      }
      inc = this.make(terms, { kind: 'derived', left: inc, right: cause }, false);
      changed = true;
    }
    return inc;
  }

  // -----------------------------------------------------------------------------------------
  // Error reporting (the pub solver documentation, "Error Reporting")

  /** Writes the derivation of `root` as lines, numbering shared derivations. */
  report(root: Incompatibility): string[] {
    const derivations = new Map<Incompatibility, number>();
    const count = (inc: Incompatibility) => {
      derivations.set(inc, (derivations.get(inc) ?? 0) + 1);
      if (derivations.get(inc) === 1 && inc.cause.kind === 'derived') {
        count(inc.cause.left);
        count(inc.cause.right);
      }
    };
    count(root);
    const lines: string[] = [];
    const numbers = new Map<Incompatibility, number>();
    let next = 1;
    const derived = (inc: Incompatibility) => inc.cause.kind === 'derived';
    const causes = (inc: Incompatibility) => {
      const c = inc.cause as { left: Incompatibility; right: Incompatibility };
      return [c.left, c.right] as const;
    };
    const write = (inc: Incompatibility, text: string, numbered: boolean) => {
      if (numbered) {
        numbers.set(inc, next);
        lines.push(`${text} (${next++})`);
      } else lines.push(text);
    };
    const visit = (inc: Incompatibility, conclusion = false): void => {
      const numbered = conclusion || (derivations.get(inc) ?? 0) > 1;
      const conjunction = conclusion || inc === root ? 'So,' : 'And';
      const text = this.describe(inc);
      if (!derived(inc)) {
        write(inc, `Because ${text}, version solving failed.`, false);
        return;
      }
      const [c1, c2] = causes(inc);
      if (derived(c1) && derived(c2)) {
        const l1 = numbers.get(c1);
        const l2 = numbers.get(c2);
        if (l1 !== undefined && l2 !== undefined) {
          write(
            inc,
            `Because ${this.describe(c1)} (${l1}) and ${this.describe(c2)} (${l2}), ${text}.`,
            numbered,
          );
        } else if (l1 !== undefined || l2 !== undefined) {
          const withLine = l1 !== undefined ? c1 : c2;
          const without = l1 !== undefined ? c2 : c1;
          visit(without);
          write(
            inc,
            `${conjunction} because ${this.describe(withLine)} (${numbers.get(withLine)}), ${text}.`,
            numbered,
          );
        } else {
          const single1 = !derived(causes(c1)[0]) && !derived(causes(c1)[1]);
          const single2 = !derived(causes(c2)[0]) && !derived(causes(c2)[1]);
          if (single1 || single2) {
            visit(single1 ? c2 : c1);
            visit(single1 ? c1 : c2);
            write(inc, `Thus, ${text}.`, numbered);
          } else {
            visit(c1, true);
            lines.push('');
            visit(c2);
            write(
              inc,
              `${conjunction} because ${this.describe(c1)} (${numbers.get(c1)}), ${text}.`,
              numbered,
            );
          }
        }
      } else if (derived(c1) || derived(c2)) {
        const d = derived(c1) ? c1 : c2;
        const ext = derived(c1) ? c2 : c1;
        const line = numbers.get(d);
        if (line !== undefined) {
          write(inc, `Because ${this.and(ext, d)} (${line}), ${text}.`, numbered);
        } else if (this.collapsible(d, derivations, numbers)) {
          const [d1, d2] = causes(d);
          const priorDerived = derived(d1) ? d1 : d2;
          const priorExternal = derived(d1) ? d2 : d1;
          visit(priorDerived);
          write(inc, `${conjunction} because ${this.and(priorExternal, ext)}, ${text}.`, numbered);
        } else {
          visit(d);
          write(inc, `${conjunction} because ${this.describe(ext)}, ${text}.`, numbered);
        }
      } else {
        write(inc, `Because ${this.and(c1, c2)}, ${text}.`, numbered);
      }
    };
    visit(root);
    return lines;
  }

  private collapsible(
    inc: Incompatibility,
    derivations: Map<Incompatibility, number>,
    numbers: Map<Incompatibility, number>,
  ) {
    if ((derivations.get(inc) ?? 0) > 1 || inc.cause.kind !== 'derived') return false;
    const { left, right } = inc.cause;
    const ld = left.cause.kind === 'derived';
    const rd = right.cause.kind === 'derived';
    if (ld === rd) return false;
    return !numbers.has(ld ? left : right);
  }

  /** Two external incompatibilities joined in words, with PubGrub's dependency shortcuts. */
  private and(a: Incompatibility, b: Incompatibility): string {
    const da = this.dependency(a);
    const db = this.dependency(b);
    if (da && db) {
      if (da.depender.pkg === db.depender.pkg && da.depender.set === db.depender.set) {
        const [x, y] = [da.dependee, db.dependee].sort(); // stable wording whatever the derivation order
        return `${this.subject(da.depender)} depends on both ${x} and ${y}`;
      }
      if (da.dependeePkg === db.depender.pkg) {
        return `${this.subject(da.depender)} depends on ${da.dependee} which depends on ${db.dependee}`;
      }
      if (db.dependeePkg === da.depender.pkg) {
        return `${this.subject(db.depender)} depends on ${db.dependee} which depends on ${da.dependee}`;
      }
    }
    return `${this.describe(a)} and ${this.describe(b)}`;
  }

  private dependency(inc: Incompatibility) {
    if (inc.cause.kind !== 'dependency') return null;
    const pos = inc.terms.filter((t) => t.positive);
    const neg = [...inc.terms.filter((t) => !t.positive), ...inc.missing];
    if (pos.length !== 1 || neg.length !== 1 || inc.cause.when) return null;
    return { depender: pos[0], dependee: this.termText(neg[0]), dependeePkg: neg[0].pkg };
  }

  private termText(t: Term): string {
    if (t.pkg === 'root') return 'root';
    const space = this.spaces.get(t.pkg);
    const full = this.full(t.pkg);
    let range: string;
    if (t.display !== undefined) range = t.display;
    else if (t.set === full && full !== 0n) range = 'any';
    else range = interval(space?.versions ?? [], t.set);
    const text = range === 'any' ? t.pkg : `${t.pkg} ${range}`;
    return t.missing ? `${text} (which matches no versions)` : text;
  }

  private subject(t: Term): string {
    if (t.pkg === 'root') return 'root';
    const everything = t.set === this.full(t.pkg) && (t.display === undefined || t.display === 'any');
    if (!everything) return this.termText(t);
    return this.spaces.get(t.pkg)?.every ?? `every version of ${t.pkg}`;
  }

  /** An incompatibility in words. */
  describe(inc: Incompatibility): string {
    const pos = inc.terms.filter((t) => t.positive);
    const neg = inc.terms.filter((t) => !t.positive);
    const cause = inc.cause;
    switch (cause.kind) {
      case 'dependency': {
        const targets = [...neg, ...inc.missing].map((t) => this.termText(t));
        const who = pos.length === 1 ? this.subject(pos[0]) : 'root';
        return `${who}${cause.when ?? ''} depends on ${targets.length > 0 ? targets.join(' or ') : 'nothing installable'}`;
      }
      case 'conflict':
        return pos.length === 2
          ? `${this.subject(pos[0])} is incompatible with ${this.termText(pos[1])}`
          : `${pos.map((t) => this.termText(t)).join(' and ')} are incompatible`;
      case 'removed':
        return `${pos[0]?.pkg ?? 'a package'} is to be removed`;
      case 'keep':
        return `${neg[0]?.pkg} must stay at ${this.termText(neg[0]).slice(neg[0].pkg.length + 1) || 'its installed version'}`;
      case 'lock':
        return `${neg[0]?.pkg} is locked to ${this.termText(neg[0]).slice(neg[0].pkg.length + 1)}`;
      case 'pin':
        return `${neg[0]?.pkg} is pinned to a source`;
      case 'noVersions':
        return `no versions of ${this.termText(pos[0])} are left`;
      case 'variant':
        return cause.text;
      default:
        break;
    }
    if (inc.terms.length === 0 || this.isFailure(inc)) return 'version solving failed';
    if (pos.length === 1 && neg.length === 0) return `${this.termText(pos[0])} is forbidden`;
    if (pos.length === 0 && neg.length === 1) return `${this.termText(neg[0])} is required`;
    if (pos.length === 1 && neg.length === 1) {
      return pos[0].pkg === 'root'
        ? `${this.termText(neg[0])} is required`
        : `${this.subject(pos[0])} requires ${this.termText(neg[0])}`;
    }
    if (pos.length === 2 && neg.length === 0) {
      if (pos[0].pkg === 'root') return `${this.termText(pos[1])} is forbidden`;
      if (pos[1].pkg === 'root') return `${this.termText(pos[0])} is forbidden`;
      return `${this.subject(pos[0])} is incompatible with ${this.termText(pos[1])}`;
    }
    if (pos.length === 1 && pos[0].pkg === 'root') {
      return `one of ${neg.map((t) => this.termText(t)).join(' or ')} is required`;
    }
    if (pos.length >= 1 && neg.length >= 1) {
      return `${pos.map((t) => this.subject(t)).join(' and ')} requires ${neg.map((t) => this.termText(t)).join(' or ')}`;
    }
    return `${inc.terms.map((t) => (t.positive ? this.termText(t) : `not ${this.termText(t)}`)).join(', ')} are incompatible`;
  }
}

/** Whether a version set holds exactly one version. */
function single(set: bigint): boolean {
  return set !== 0n && (set & (set - 1n)) === 0n;
}

/** A version set as a range over the package's ordered versions (`<1.1.0`, `>=2.0.0 <3.0.0`). */
function interval(versions: string[], set: bigint): string {
  const members: number[] = [];
  for (let i = 0; i < versions.length; i++) if ((set >> BigInt(i)) & 1n) members.push(i);
  if (members.length === 0) return '(no versions)';
  const lo = members[0];
  const hi = members[members.length - 1];
  if (hi - lo + 1 !== members.length) return members.map((i) => versions[i]).join(' || ');
  if (lo === 0 && hi === versions.length - 1) return 'any';
  if (lo === hi && lo !== 0 && hi !== versions.length - 1) return versions[lo];
  if (lo === 0) return `<${versions[hi + 1]}`;
  if (hi === versions.length - 1) return `>=${versions[lo]}`;
  return `>=${versions[lo]} <${versions[hi + 1]}`;
}
