/**
 * Core classification: execution units (workers on this machine, or remote nodes reporting their
 * own measurements) are calibrated with a short benchmark and classified relative to the
 * topology they are part of, not to fixed thresholds:
 *
 * - **Sprint**: within `band` of the fastest single-thread score (latency-critical work).
 * - **Bulk**: within `band` of the strongest throughput (many-slice batch work).
 * - **Ember**: within `band` of the best throughput per watt (work that may be slow but cheap).
 * - **Vigil**: the last unit awake: the one marked always-on, else the lowest power draw. The
 *   lower observer and Void run there.
 *
 * Membership has hysteresis: a unit joins a class as soon as it is within the band, and leaves
 * only after `confirmations` consecutive measurements below the band minus `hysteresis`, so a
 * unit wobbling at the edge (thermal throttling that comes and goes) does not flap. Tier
 * placement is sticky in the same way: Photon stays on its unit while that unit remains Sprint.
 */
import type { EventStream } from './events.js';

/** One unit's latest measurement. */
export interface UnitMeasurement {
  /** Stable unit id. */
  id: string;
  /** Single-thread speed, higher is faster (any unit, e.g. iterations per ms of {@link calibrate}). */
  singleThreadScore: number;
  /** Throughput, higher is more (e.g. the sum over the unit's hardware threads). */
  throughputScore: number;
  /** Power draw in watts, if known (efficiency is throughput per watt). */
  powerW?: number;
  /** True for the unit that stays awake when the others sleep. */
  alwaysOn?: boolean;
}

/** The four unit classes. */
export type UnitClass = 'sprint' | 'bulk' | 'ember' | 'vigil';

/** Where each tier runs, and the class members. */
export interface Placement {
  /** Unit for Photon (a Sprint unit). */
  readonly photon: string;
  /** Unit for Matter (a Bulk unit). */
  readonly matter: string;
  /** Unit for Gravity (an Ember unit). */
  readonly gravity: string;
  /** Unit for Void (the Vigil unit). */
  readonly void: string;
  /** Members of each class. */
  readonly classes: Readonly<Record<UnitClass, readonly string[]>>;
}

/** Classifier configuration. */
export interface ClassifierOptions {
  /** Relative distance to the leader that still counts as the leader's class (default 0.1). */
  band?: number;
  /** Extra relative drop needed to leave a class (default 0.1). */
  hysteresis?: number;
  /** Consecutive low measurements needed to leave (default 3). */
  confirmations?: number;
  /** Receives a `reclassify` event for every unit joining or leaving a class. */
  events?: EventStream;
}

/** Largest number of units the classifier accepts. */
export const MAX_UNITS = 1024;

/**
 * Classifies units and places tiers, with hysteresis.
 *
 * @example
 * ```ts
 * import { UnitClassifier } from '@nexus/scheduler';
 * const c = new UnitClassifier();
 * const p = c.update([
 *   { id: 'big', singleThreadScore: 100, throughputScore: 400, powerW: 20 },
 *   { id: 'little', singleThreadScore: 40, throughputScore: 160, powerW: 2 },
 * ], 0);
 * p.photon; // 'big'
 * p.gravity; // 'little' (best throughput per watt)
 * ```
 */
export class UnitClassifier {
  private readonly band: number;
  private readonly hysteresis: number;
  private readonly confirmations: number;
  private readonly members: Record<Exclude<UnitClass, 'vigil'>, Map<string, number>> = {
    sprint: new Map(),
    bulk: new Map(),
    ember: new Map(),
  };
  private sticky: { photon?: string; matter?: string; gravity?: string } = {};
  /** Class membership changes so far (joins and leaves). */
  changes = 0;
  private readonly events: EventStream | undefined;

  constructor(options: ClassifierOptions = {}) {
    this.band = fraction(options.band ?? 0.1, 'band');
    this.hysteresis = fraction(options.hysteresis ?? 0.1, 'hysteresis');
    this.confirmations = options.confirmations ?? 3;
    if (!Number.isSafeInteger(this.confirmations) || this.confirmations < 1)
      throw new RangeError('confirmations: a positive integer is required');
    this.events = options.events;
  }

  /** Feeds the latest measurements of every unit; returns the placement. */
  update(units: readonly UnitMeasurement[], _nowMs: number): Placement {
    if (units.length === 0) throw new RangeError('units: at least one is required');
    if (units.length > MAX_UNITS) throw new RangeError(`units: at most ${MAX_UNITS}`);
    const ids = new Set<string>();
    for (const u of units) {
      if (typeof u.id !== 'string' || ids.has(u.id))
        throw new RangeError(`units: ids must be unique strings (${String(u.id)})`);
      ids.add(u.id);
      for (const [k, v] of [
        ['singleThreadScore', u.singleThreadScore],
        ['throughputScore', u.throughputScore],
      ] as const)
        if (!(v > 0) || !Number.isFinite(v))
          throw new RangeError(`unit ${u.id}: ${k} must be finite and > 0`);
      if (u.powerW !== undefined && (!(u.powerW > 0) || !Number.isFinite(u.powerW)))
        throw new RangeError(`unit ${u.id}: powerW must be finite and > 0`);
    }
    const efficiency = (u: UnitMeasurement) => u.throughputScore / (u.powerW ?? 1);
    this.classify('sprint', units, (u) => u.singleThreadScore);
    this.classify('bulk', units, (u) => u.throughputScore);
    this.classify('ember', units, efficiency);
    const vigil =
      units.find((u) => u.alwaysOn) ??
      [...units].sort(
        (a, b) =>
          (a.powerW ?? Number.POSITIVE_INFINITY) - (b.powerW ?? Number.POSITIVE_INFINITY) || cmp(a.id, b.id),
      )[0];
    const pick = (
      cls: 'sprint' | 'bulk' | 'ember',
      key: 'photon' | 'matter' | 'gravity',
      score: (u: UnitMeasurement) => number,
    ): string => {
      const current = this.sticky[key];
      if (current !== undefined && this.members[cls].has(current) && ids.has(current)) return current;
      let best: UnitMeasurement | null = null;
      for (const u of units)
        if (this.members[cls].has(u.id) && (best === null || score(u) > score(best))) best = u;
      const chosen = (best as UnitMeasurement).id;
      this.sticky[key] = chosen;
      return chosen;
    };
    return {
      photon: pick('sprint', 'photon', (u) => u.singleThreadScore),
      matter: pick('bulk', 'matter', (u) => u.throughputScore),
      gravity: pick('ember', 'gravity', efficiency),
      void: vigil.id,
      classes: {
        sprint: units.filter((u) => this.members.sprint.has(u.id)).map((u) => u.id),
        bulk: units.filter((u) => this.members.bulk.has(u.id)).map((u) => u.id),
        ember: units.filter((u) => this.members.ember.has(u.id)).map((u) => u.id),
        vigil: [vigil.id],
      },
    };
  }

  private change(unit: string, cls: UnitClass, joined: boolean): void {
    this.changes++;
    this.events?.emit('reclassify', undefined, { unit, class: cls, joined });
  }

  private classify(
    cls: 'sprint' | 'bulk' | 'ember',
    units: readonly UnitMeasurement[],
    score: (u: UnitMeasurement) => number,
  ): void {
    let leader = 0;
    for (const u of units) leader = Math.max(leader, score(u));
    const join = leader * (1 - this.band);
    const leave = leader * (1 - this.band - this.hysteresis);
    const m = this.members[cls];
    const present = new Set(units.map((u) => u.id));
    for (const id of [...m.keys()]) if (!present.has(id)) m.delete(id);
    for (const u of units) {
      const s = score(u);
      if (s >= join) {
        if (!m.has(u.id)) this.change(u.id, cls, true);
        m.set(u.id, 0);
      } else if (m.has(u.id)) {
        if (s < leave) {
          const low = (m.get(u.id) as number) + 1;
          if (low >= this.confirmations) {
            m.delete(u.id);
            this.change(u.id, cls, false);
          } else m.set(u.id, low);
        } else m.set(u.id, 0);
      }
    }
  }
}

/**
 * A short single-thread calibration benchmark, runtime-neutral: runs an integer and
 * floating-point mix for about `durationMs` and returns iterations per millisecond.
 *
 * @example
 * ```ts
 * import { calibrate } from '@nexus/scheduler';
 * const score = calibrate(5); // e.g. 40000 iterations/ms on a fast core
 * ```
 */
export function calibrate(durationMs = 20): number {
  if (!(durationMs > 0) || durationMs > 10_000) throw new RangeError('durationMs: in (0, 10000]');
  let x = 0x9e3779b9 | 0;
  let acc = 0;
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < 1024; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      acc += Math.sqrt((x >>> 0) + 1);
    }
    iterations += 1024;
    now = performance.now();
  }
  if (acc < 0) throw new Error('unreachable: keeps the loop observable');
  return iterations / (now - start);
}

function fraction(v: number, name: string): number {
  if (!(v >= 0 && v < 1)) throw new RangeError(`${name}: a number in [0, 1) is required`);
  return v;
}
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
