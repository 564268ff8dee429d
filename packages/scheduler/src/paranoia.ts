/**
 * Paranoia: which watchdog mechanisms are on, as a bit mask with named flags. The level chosen at
 * boot is a floor: at run time the level can rise (more checks when something looks wrong) but
 * never drop below the floor.
 */

/** The flags. The verdict ring is the correlator's output and shares its bit. */
export const Paranoia = {
  /** Crashed fibers are trapped and restarted (warm, else cold). */
  RESTART_TRAP: 1 << 0,
  /** A per-fiber circuit breaker stops restart loops. */
  CIRCUIT_BREAKER: 1 << 1,
  /** Errors are logged to the boot error buffer. */
  ERROR_BUFFER: 1 << 2,
  /** Periodic fibers are watched for missed releases (the heartbeat monitor). */
  HEARTBEAT: 1 << 3,
  /** Behavioural baselines (Welford) with anomaly detection. */
  BASELINES: 1 << 4,
  /** The correlator links anomalies across fibers and writes the verdict ring. */
  CORRELATOR: 1 << 5,
  /** Every restart passes the capability-space audit hook. */
  CSPACE_AUDIT: 1 << 6,
  /** Deterministic steps run as three replicas and vote. */
  TMR: 1 << 7,
} as const;

/** Restart trap, circuit breaker and error-buffer logging: 0b0000_0111. */
export const PARANOIA_MINIMAL = 0b0000_0111;
/** Plus heartbeat monitor and behavioural baselines: 0b0001_1111. */
export const PARANOIA_WATCHFUL = 0b0001_1111;
/** Plus correlator (with verdict ring), capability-space audit and TMR: 0b1111_1111. */
export const PARANOIA_FULL = 0b1111_1111;

/**
 * The current paranoia mask over a boot floor.
 *
 * @example
 * ```ts
 * import { Paranoia, ParanoiaLevel, PARANOIA_MINIMAL, PARANOIA_WATCHFUL } from '@nexus/scheduler';
 * const level = new ParanoiaLevel(PARANOIA_MINIMAL);
 * level.raise(Paranoia.BASELINES);
 * level.set(0); // never below the floor
 * level.mask === PARANOIA_MINIMAL; // true
 * level.set(PARANOIA_WATCHFUL);
 * level.has(Paranoia.HEARTBEAT); // true
 * ```
 */
export class ParanoiaLevel {
  /** The boot floor. */
  readonly floor: number;
  private current: number;
  /** `floor` is the boot level (any 8-bit mask). */
  constructor(floor: number = PARANOIA_MINIMAL) {
    this.floor = checkMask(floor);
    this.current = this.floor;
  }
  /** The current mask. */
  get mask(): number {
    return this.current;
  }
  /** True when every bit of `flags` is on. */
  has(flags: number): boolean {
    return (this.current & flags) === flags;
  }
  /** Turns `flags` on. Returns the new mask. */
  raise(flags: number): number {
    this.current |= checkMask(flags);
    return this.current;
  }
  /** Sets the mask; bits of the floor stay on whatever `mask` says. Returns the new mask. */
  set(mask: number): number {
    this.current = checkMask(mask) | this.floor;
    return this.current;
  }
}

function checkMask(mask: number): number {
  if (!Number.isInteger(mask) || mask < 0 || mask > 0xff)
    throw new RangeError(`paranoia mask: an integer in 0..255 is required, got ${mask}`);
  return mask;
}
