/**
 * Bandwidth reclaiming for deadline servers: the constant-bandwidth server (CBS, Abeni &
 * Buttazzo 1998) accounting with GRUB reclaiming (Lipari & Baruah 2000) as Linux
 * `SCHED_DEADLINE` implements it (Documentation/scheduler/sched-deadline.rst §2.2):
 *
 * - A server has runtime Q, period P and bandwidth U = Q/P; it is Inactive, ActiveContending
 *   (ready or running) or ActiveNonContending (blocked, but its bandwidth is still reserved until
 *   its 0-lag time d − q·P/Q).
 * - `running_bw` is the sum of U over the active servers; `Uinact` = (total admitted bandwidth)
 *   − `running_bw`.
 * - A running server's budget q depletes at dq = −max(U_i, Umax − Uinact − Uextra)/Umax · dt: when
 *   other servers are inactive, the running one may use their bandwidth.
 *
 * This is an accounting model driven by explicit times (a discrete-event step per call). It
 * answers "how much budget is left and when does it run out" for a reclaiming deadline
 * scheduler; the fiber scheduler itself enforces budgets per job (`scheduler.ts`).
 */

/** Server states (sched-deadline.rst §2.2). */
export type GrubState = 'inactive' | 'active-contending' | 'active-noncontending';

/** A deadline server's parameters. */
export interface GrubServerParams {
  /** Name. */
  id: string;
  /** Runtime Q per period. */
  runtime: number;
  /** Period P (and relative deadline). */
  period: number;
}

interface Server {
  params: GrubServerParams;
  bandwidth: number;
  state: GrubState;
  remaining: number;
  deadline: number;
  zeroLagAt: number;
}

/**
 * GRUB accounting over a set of admitted deadline servers.
 *
 * @example
 * ```ts
 * import { GrubAccounting } from '@nexus/scheduler';
 * const g = new GrubAccounting([{ id: 'T1', runtime: 4, period: 8 }, { id: 'T2', runtime: 4, period: 8 }]);
 * g.wake('T1', 0); g.wake('T2', 0);
 * g.run('T1', 2); g.block('T1');      // T1 has 2 left; its 0-lag time is 8 − 2·8/4 = 4
 * g.run('T2', 8);                      // rate 1 on [2, 4), 0.5 on [4, 8)
 * g.remaining('T2'); // 0
 * ```
 */
export class GrubAccounting {
  /** Σ U of the active servers. */
  runningBw = 0;
  /** Current time. */
  now = 0;
  private readonly servers = new Map<string, Server>();
  private readonly totalBw: number;

  /** `umax`: the reclaimable fraction of the CPU (default 1); `uextra`: unreserved bandwidth left unreclaimed (default 0). */
  constructor(
    params: readonly GrubServerParams[],
    private readonly options: { umax?: number; uextra?: number } = {},
  ) {
    let total = 0;
    for (const p of params) {
      if (!(p.runtime > 0) || !(p.period > 0) || p.runtime > p.period || !Number.isFinite(p.period))
        throw new RangeError(`server ${p.id}: need 0 < runtime ≤ period, finite`);
      if (this.servers.has(p.id)) throw new RangeError(`server ${p.id}: duplicate id`);
      const bandwidth = p.runtime / p.period;
      total += bandwidth;
      this.servers.set(p.id, {
        params: p,
        bandwidth,
        state: 'inactive',
        remaining: 0,
        deadline: 0,
        zeroLagAt: Number.POSITIVE_INFINITY,
      });
    }
    const umax = options.umax ?? 1;
    if (total > umax + 1e-12) throw new RangeError(`servers: total bandwidth ${total} exceeds Umax ${umax}`);
    this.totalBw = total;
  }

  /** State of a server. */
  state(id: string): GrubState {
    return this.get(id).state;
  }
  /** Remaining budget q of a server. */
  remaining(id: string): number {
    return this.get(id).remaining;
  }
  /** Current absolute deadline of a server. */
  deadline(id: string): number {
    return this.get(id).deadline;
  }
  /** The 0-lag time of a blocked (active non-contending) server, else Infinity. */
  zeroLagTime(id: string): number {
    return this.get(id).zeroLagAt;
  }
  /** Inactive bandwidth: admitted minus running. */
  get inactiveBw(): number {
    return this.totalBw - this.runningBw;
  }

  /** The rate at which a running server's budget depletes now. */
  depletionRate(id: string): number {
    const umax = this.options.umax ?? 1;
    const uextra = this.options.uextra ?? 0;
    return Math.max(this.get(id).bandwidth, umax - this.inactiveBw - uextra) / umax;
  }

  /** Wakes a server at `time` (CBS wake-up rule, GRUB bandwidth bookkeeping). */
  wake(id: string, time: number): void {
    this.advanceTo(time);
    const s = this.get(id);
    if (s.state === 'active-contending') return;
    if (s.state === 'active-noncontending') {
      s.zeroLagAt = Number.POSITIVE_INFINITY; // the 0-lag timer is cancelled, bandwidth still counted
    } else {
      this.runningBw += s.bandwidth;
    }
    s.state = 'active-contending';
    // CBS: a new deadline and a full budget when the old pair would exceed the bandwidth.
    if (s.deadline <= time || s.remaining > (s.deadline - time) * s.bandwidth) {
      s.deadline = time + s.params.period;
      s.remaining = s.params.runtime;
    }
  }

  /** Blocks a running or ready server: it stays active until its 0-lag time. */
  block(id: string): void {
    const s = this.get(id);
    if (s.state !== 'active-contending') return;
    const zeroLag = s.deadline - (s.remaining * s.params.period) / s.params.runtime;
    if (zeroLag > this.now) {
      s.state = 'active-noncontending';
      s.zeroLagAt = zeroLag;
    } else {
      s.state = 'inactive';
      this.runningBw -= s.bandwidth;
    }
  }

  /**
   * Runs server `id` from now until `until` (or until its budget is exhausted), depleting its
   * budget at the GRUB rate, with 0-lag timers of other servers firing on the way. Returns the time
   * it stopped.
   */
  run(id: string, until: number): number {
    const s = this.get(id);
    if (s.state !== 'active-contending') throw new RangeError(`server ${id}: not ready`);
    for (let step = 0; step < 10_000 && this.now < until && s.remaining > 1e-12; step++) {
      const nextTimer = this.nextZeroLag();
      const end = Math.min(until, nextTimer);
      const rate = this.depletionRate(id);
      const exhaustAt = this.now + s.remaining / rate;
      const stop = Math.min(end, exhaustAt);
      s.remaining = Math.max(0, s.remaining - (stop - this.now) * rate);
      if (Math.abs(s.remaining) < 1e-12) s.remaining = 0;
      this.now = stop;
      this.fireTimers();
    }
    return this.now;
  }

  private advanceTo(time: number): void {
    if (time < this.now) throw new RangeError(`time ${time} is before now ${this.now}`);
    while (this.nextZeroLag() <= time) {
      this.now = this.nextZeroLag();
      this.fireTimers();
    }
    this.now = time;
  }

  private nextZeroLag(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const s of this.servers.values()) if (s.zeroLagAt < t) t = s.zeroLagAt;
    return t;
  }

  private fireTimers(): void {
    for (const s of this.servers.values()) {
      if (s.state === 'active-noncontending' && s.zeroLagAt <= this.now + 1e-12) {
        s.state = 'inactive';
        s.zeroLagAt = Number.POSITIVE_INFINITY;
        this.runningBw -= s.bandwidth;
      }
    }
  }

  private get(id: string): Server {
    const s = this.servers.get(id);
    if (!s) throw new RangeError(`server ${id}: no such server`);
    return s;
  }
}
