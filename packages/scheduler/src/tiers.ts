/**
 * The four tiers and the strike rules (DESIGN.md, "Tiers, strikes and demotion").
 */

/** Tiers in strict priority order: Photon > Matter > Gravity > Void. */
export const Tier = {
  /** Highest: admitted periodic tasks and latency-critical fibers; 1 ms slices. */
  Photon: 0,
  /** Ordinary work; 4 ms slices. */
  Matter: 1,
  /** Background work and demoted fibers; 16 ms slices. */
  Gravity: 2,
  /** Runs only when nothing else is ready; 64 ms slices. */
  Void: 3,
} as const;
/** A tier number, 0 (Photon, highest) to 3 (Void, runs only when nothing else is ready). */
export type Tier = (typeof Tier)[keyof typeof Tier];
/** Tier names by number. */
export const TIER_NAMES = ['Photon', 'Matter', 'Gravity', 'Void'] as const;
/** Number of tiers. */
export const TIER_COUNT = 4;

/**
 * Default slice budget per tier in milliseconds: each lower tier gets four times the time per
 * slice of the tier above (a demoted fiber runs longer per slice but less often).
 */
export const DEFAULT_TIER_BUDGETS_MS: readonly number[] = [1, 4, 16, 64];

/** Overruns (strikes) that demote a fiber one tier. */
export const STRIKES_TO_DEMOTE = 3;
/** Consecutive clean slices that forgive one strike. */
export const CLEAN_SLICES_TO_FORGIVE = 16;
/**
 * Consecutive slices, each within the budget of the tier above, that promote a demoted fiber
 * one tier back towards (never above) the tier it was spawned in.
 */
export const CLEAN_SLICES_TO_PROMOTE = 64;

/**
 * Checks a tier number from outside.
 *
 * @example
 * ```ts
 * import { checkTier } from '@nexus/scheduler';
 * checkTier(2); // 2
 * ```
 */
export function checkTier(tier: unknown): Tier {
  if (tier !== 0 && tier !== 1 && tier !== 2 && tier !== 3)
    throw new RangeError(`tier: 0 (Photon) to 3 (Void), got ${String(tier)}`);
  return tier;
}
