/**
 * The resolver's optimum against brute force on the bench's own universe shapes
 * (test/_ecosystem.ts) at a size where every installation can be enumerated: four names × 10
 * versions, two of them with variants (61 choices each: absent, or a version with one of six
 * variant combinations), so 450,241 installations per universe. Every one that
 * satisfies the request, the dependencies (ranges and variant requirements), the conflicts
 * and breaks is scored by the preference literals' meanings (src/_preferences.ts), and the
 * lexicographically greatest score must be the plan's.
 */
import { describe, expect, it } from 'vitest';
import { preferenceLiterals } from '../src/_preferences.js';
import { encode, variantKey } from '../src/encode.js';
import { resolve, SolveFailure, type Universe, type VariantValue } from '../src/index.js';
import { type EcosystemShape, syntheticUniverse } from './_ecosystem.js';

interface Choice {
  id: number;
  variants: Record<string, VariantValue>;
}

/** Every way to install `name`: absent, or a candidate with each combination of variant values. */
function choicesOf(u: Universe, name: string): (Choice | null)[] {
  const out: (Choice | null)[] = [null];
  for (const id of u.versionsOf(name)) {
    let combos: Record<string, VariantValue>[] = [{}];
    for (const [variant, spec] of Object.entries(u.packages[id].variants ?? {}))
      combos = combos.flatMap((c) => spec.values.map((value) => ({ ...c, [variant]: value })));
    for (const variants of combos) out.push({ id, variants });
  }
  return out;
}

function satisfies(
  u: Universe,
  chosen: Map<string, Choice>,
  req: { name: string; range?: string; variants?: Record<string, VariantValue> },
): boolean {
  const c = chosen.get(req.name);
  if (!c || !u.matching({ name: req.name, range: req.range }).includes(c.id)) return false;
  for (const [k, v] of Object.entries(req.variants ?? {})) if (c.variants[k] !== v) return false;
  return true;
}

function valid(u: Universe, chosen: Map<string, Choice>, root: string): boolean {
  if (!chosen.has(root)) return false;
  for (const c of chosen.values()) {
    const pkg = u.packages[c.id];
    for (const dep of pkg.depends ?? []) {
      if (dep.when && Object.entries(dep.when).some(([k, v]) => c.variants[k] !== v)) continue;
      if (!dep.anyOf.some((alt) => satisfies(u, chosen, alt))) return false;
    }
    for (const req of [...(pkg.conflicts ?? []), ...(pkg.breaks ?? [])]) {
      const other = chosen.get(req.name);
      if (other && other.id !== c.id && u.matching({ name: req.name, range: req.range }).includes(other.id))
        return false;
    }
  }
  return true;
}

/** The lexicographically greatest preference vector over every valid installation, or null. */
function bruteForce(u: Universe, root: string): string | null {
  const e = encode(u, { install: [{ name: root }] });
  const prefs = preferenceLiterals(u, e);
  const names = [...new Set(u.packages.map((p) => p.name))];
  const options = names.map((n) => choicesOf(u, n));
  const model = new Int8Array(e.solver.variableCount + 1);
  let best: string | null = null;
  const pick = new Array<Choice | null>(names.length).fill(null);
  const visit = (k: number) => {
    if (k < names.length) {
      for (const c of options[k]) {
        pick[k] = c;
        visit(k + 1);
      }
      return;
    }
    const chosen = new Map<string, Choice>();
    for (let i = 0; i < names.length; i++) if (pick[i]) chosen.set(names[i], pick[i]!);
    if (!valid(u, chosen, root)) return;
    model.fill(-1);
    for (const c of chosen.values()) {
      model[e.varOf[c.id]] = 1;
      for (const [variant, value] of Object.entries(c.variants))
        model[e.variantVar.get(variantKey(c.id, variant, value))!] = 1;
    }
    let score = '';
    for (let i = 0; i < prefs.vars.length; i++) {
      let ok = true;
      let clause = false;
      for (let j = prefs.meaningStart[i]; j < prefs.meaningStart[i + 1]; j++) {
        const x = prefs.meaning[j];
        if (x === 0) {
          ok &&= clause;
          clause = false;
        } else if ((x > 0 ? model[x] : -model[-x]) === 1) clause = true;
      }
      score += ok ? '1' : '0';
    }
    if (best === null || score > best) best = score;
  };
  visit(0);
  return best;
}

describe('resolver optimum against brute force at the bench shape', () => {
  it('every preference literal as the exhaustive lexicographic maximum', () => {
    let checked = 0;
    let enumerated = 0;
    for (const shape of ['ecosystem', 'random'] as EcosystemShape[]) {
      for (let seed = 1; seed <= 3; seed++) {
        const u = syntheticUniverse(4, shape, seed);
        const expected = bruteForce(u, 'p0');
        enumerated += 61 * 11 * 11 * 61;
        try {
          const plan = resolve(u, { install: [{ name: 'p0' }] });
          expect(plan.preferences, `${shape} seed ${seed}`).toBe(expected);
          expect(plan.preferences.length).toBeGreaterThan(10);
        } catch (e) {
          if (!(e instanceof SolveFailure)) throw e;
          expect(expected, `${shape} seed ${seed}`).toBe(null);
        }
        checked++;
      }
    }
    console.log(`resolver optimum against brute force: ${checked} universes, ${enumerated} installations`);
  });
});
