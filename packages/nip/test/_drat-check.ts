/**
 * A forward DRAT checker written from the definition (Wetzler, Heule, Hunt, SAT 2014):
 * every added lemma must be RUP (reverse unit propagation: assigning its negation to the
 * current clause set propagates to a conflict) or RAT on its first literal p (for every clause
 * D containing ¬p, the resolvent lemma ∪ (D \ {¬p}) is RUP). The proof is valid for an UNSAT
 * claim when the empty clause is derived (or the clause set itself propagates to a conflict).
 *
 * Deletions of clauses that are the reason of a top-level assignment are ignored, as drat-trim
 * does by default: such a deletion would retract a unit the checker has already propagated.
 */

export interface DratVerdict {
  valid: boolean;
  /** Why the proof was rejected (with the 1-based proof line). */
  reason?: string;
  lemmas: number;
  deletions: number;
  ratLemmas: number;
  ignoredDeletions: number;
}

interface Clause {
  lits: Int32Array; // internal literals; watched at [0] and [1]
  deleted: boolean;
}

const lit = (x: number) => (x > 0 ? 2 * x : -2 * x + 1);

export function checkDrat(formula: string, proof: string): DratVerdict {
  const checker = new Checker();
  const formulaClauses = parseClauses(formula, true);
  for (const c of formulaClauses) checker.add(c.lits);
  const lines = proof.split('\n');
  let lemmas = 0;
  let deletions = 0;
  let ratLemmas = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text === '' || text.startsWith('c')) continue;
    const deletion = text.startsWith('d');
    const nums = (deletion ? text.slice(1) : text).trim().split(/\s+/).map(Number);
    if (
      nums.some((x) => !Number.isInteger(x)) ||
      nums[nums.length - 1] !== 0 ||
      nums.slice(0, -1).includes(0)
    ) {
      return fail(`line ${i + 1}: malformed proof line "${text}"`);
    }
    const clause = nums.slice(0, -1);
    if (deletion) {
      deletions++;
      checker.delete(clause);
      continue;
    }
    lemmas++;
    if (checker.inconsistent) continue; // everything follows once the empty clause is implied
    if (!checker.rup(clause)) {
      if (clause.length === 0 || !checker.rat(clause)) {
        return fail(`line ${i + 1}: lemma "${text}" is neither RUP nor RAT`);
      }
      ratLemmas++;
    }
    checker.add(clause);
    if (clause.length === 0) break;
  }
  const summary = { lemmas, deletions, ratLemmas, ignoredDeletions: checker.ignoredDeletions };
  if (!checker.inconsistent)
    return { valid: false, reason: 'the proof does not derive the empty clause', ...summary };
  return { valid: true, ...summary };

  function fail(reason: string): DratVerdict {
    return { valid: false, reason, lemmas, deletions, ratLemmas, ignoredDeletions: checker.ignoredDeletions };
  }
}

function parseClauses(text: string, skipHeader: boolean): { lits: number[] }[] {
  const out: { lits: number[] }[] = [];
  let current: number[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('c') || line.startsWith('%')) continue;
    if (skipHeader && line.startsWith('p')) continue;
    for (const tok of line.split(/\s+/)) {
      const x = Number(tok);
      if (x === 0) {
        out.push({ lits: current });
        current = [];
      } else current.push(x);
    }
  }
  return out;
}

class Checker {
  val = new Int8Array(16); // per internal literal
  reason: (Clause | null)[] = [];
  trail: number[] = [];
  watches: Clause[][] = [];
  byKey = new Map<string, Clause[]>();
  all: Clause[] = [];
  inconsistent = false;
  ignoredDeletions = 0;

  private ensure(x: number): void {
    const need = 2 * Math.abs(x) + 2;
    if (need > this.val.length) {
      const v = new Int8Array(Math.max(need, this.val.length * 2));
      v.set(this.val);
      this.val = v;
    }
    while (this.watches.length < this.val.length) this.watches.push([]);
  }

  private assign(l: number, reason: Clause | null): void {
    this.val[l] = 1;
    this.val[l ^ 1] = -1;
    this.reason[l >> 1] = reason;
    this.trail.push(l);
  }

  /** Propagates from trail position `head`; returns true on conflict. */
  private propagate(head: number): boolean {
    const val = this.val;
    while (head < this.trail.length) {
      const falseLit = this.trail[head++] ^ 1;
      const list = this.watches[falseLit];
      let j = 0;
      let conflict = false;
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (c.deleted) continue;
        if (conflict) {
          list[j++] = c;
          continue;
        }
        const lits = c.lits;
        if (lits[0] === falseLit) {
          lits[0] = lits[1];
          lits[1] = falseLit;
        }
        if (val[lits[0]] === 1) {
          list[j++] = c;
          continue;
        }
        let moved = false;
        for (let k = 2; k < lits.length; k++) {
          if (val[lits[k]] !== -1) {
            lits[1] = lits[k];
            lits[k] = falseLit;
            this.watches[lits[1]].push(c);
            moved = true;
            break;
          }
        }
        if (moved) continue;
        list[j++] = c;
        if (val[lits[0]] === -1) conflict = true;
        else this.assign(lits[0], c);
      }
      list.length = j;
      if (conflict) return true;
    }
    return false;
  }

  private undo(to: number): void {
    while (this.trail.length > to) {
      const l = this.trail.pop()!;
      this.val[l] = 0;
      this.val[l ^ 1] = 0;
      this.reason[l >> 1] = null;
    }
  }

  rup(clause: number[]): boolean {
    for (const x of clause) this.ensure(x);
    const start = this.trail.length;
    let conflict = false;
    for (const x of clause) {
      const l = lit(x) ^ 1;
      if (this.val[l] === -1) {
        conflict = true;
        break;
      }
      if (this.val[l] === 0) this.assign(l, null);
    }
    if (!conflict) conflict = this.propagate(start);
    this.undo(start);
    return conflict;
  }

  rat(clause: number[]): boolean {
    const pivot = lit(clause[0]);
    const negPivot = pivot ^ 1;
    for (const d of this.all) {
      if (d.deleted || !d.lits.includes(negPivot)) continue;
      const resolvent = clause.slice();
      for (const l of d.lits) if (l !== negPivot) resolvent.push(l & 1 ? -(l >> 1) : l >> 1);
      if (!this.rup(resolvent)) return false;
    }
    return true;
  }

  add(clause: number[]): void {
    for (const x of clause) this.ensure(x);
    const uniq = [...new Set(clause.map(lit))];
    const c: Clause = { lits: Int32Array.from(uniq), deleted: false };
    const key = keyOf(clause);
    const list = this.byKey.get(key);
    if (list) list.push(c);
    else this.byKey.set(key, [c]);
    this.all.push(c);
    if (this.inconsistent) return;
    const val = this.val;
    // Move non-false literals to the front for the watches.
    const lits = c.lits;
    let nonFalse = 0;
    for (let k = 0; k < lits.length; k++) {
      if (val[lits[k]] !== -1) {
        const t = lits[nonFalse];
        lits[nonFalse] = lits[k];
        lits[k] = t;
        nonFalse++;
      }
    }
    if (lits.length === 0 || nonFalse === 0) {
      if (lits.length >= 2) {
        this.watches[lits[0]].push(c);
        this.watches[lits[1]].push(c);
      }
      this.inconsistent = true;
      return;
    }
    if (lits.length >= 2) {
      this.watches[lits[0]].push(c);
      this.watches[lits[1]].push(c);
    }
    if (nonFalse === 1 && val[lits[0]] === 0) {
      const start = this.trail.length;
      this.assign(lits[0], c);
      if (this.propagate(start)) this.inconsistent = true;
    }
  }

  delete(clause: number[]): void {
    const key = keyOf(clause);
    const list = this.byKey.get(key);
    if (!list || list.length === 0) return; // deleting an absent clause changes nothing
    const c = list[list.length - 1];
    if (c.lits.length > 0 && this.reason[c.lits[0] >> 1] === c) {
      this.ignoredDeletions++;
      return;
    }
    if (c.lits.length === 1 && this.val[c.lits[0]] === 1) {
      this.ignoredDeletions++;
      return;
    }
    list.pop();
    c.deleted = true;
  }
}

function keyOf(clause: number[]): string {
  return [...new Set(clause)].sort((a, b) => a - b).join(' ');
}
