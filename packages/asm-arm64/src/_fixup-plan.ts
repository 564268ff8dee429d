/**
 * Fixup plans: where a symbol reference's value goes in a word, resolved once per encoding, so
 * that resolving a reference (`applyFixup` in `assembler.ts`, for the text assembler and the
 * builder) is shifts and ORs.
 * @module
 */
import { type Encoding, fieldWidth } from './tables';

/**
 * Where a fixup's value goes: the fields of a spec (`imm26`, `immhi+immlo`) resolved once per
 * encoding, so that resolving a reference is shifts and ORs. With the fields looked up by spec and
 * written through `2 **` per reference the builder mix ran 2.56M instructions per CPU-second; with
 * plans, 2.92M.
 */
export interface FixupPlan {
  spec: string;
  width: number;
  /** Fields from the high part down: the lowest bit of each. */
  lo: Int32Array;
  /** Fields from the high part down: the width of each. */
  widths: Int32Array;
}
// By encoding index: the plan of the spec last used (an encoding has one label operand at most).
const fixupPlans: (FixupPlan | undefined)[] = [];

/** The plan of `spec` in encoding `e`, made on first use. */
export function fixupPlan(e: Encoding, spec: string): FixupPlan {
  const known = fixupPlans[e.index];
  if (known !== undefined && known.spec === spec) return known;
  const names = spec.split('+');
  const lo = new Int32Array(names.length);
  const widths = new Int32Array(names.length);
  let width = 0;
  for (let i = 0; i < names.length; i++) {
    const f = e.fields.find((x) => x.name === names[i]);
    if (f === undefined) throw new Error(`asm-arm64 invariant: field ${names[i]} of ${e.name}`);
    lo[i] = f.lo;
    widths[i] = f.width;
    width += f.width;
  }
  assertWidth(width === fieldWidth(e, spec));
  const plan: FixupPlan = { spec, width, lo, widths };
  fixupPlans[e.index] = plan;
  return plan;
}

function assertWidth(ok: boolean): void {
  if (!ok) throw new Error('asm-arm64 invariant: fixup plan width');
}

/** `setField` through a plan: `value` is non-negative and below 2^width (at most 32 bits). */
export function writePlan(plan: FixupPlan, word: number, value: number): number {
  let v = value;
  let w = word;
  for (let i = plan.lo.length - 1; i >= 0; i--) {
    const width = plan.widths[i];
    const m = width >= 32 ? -1 : (1 << width) - 1;
    w = (w & ~(m << plan.lo[i])) | ((v & m) << plan.lo[i]);
    v = width >= 32 ? 0 : Math.floor(v / (1 << width));
  }
  return w >>> 0;
}
