/**
 * The pause switch of a background task (scrub, recompression): the caller pauses and resumes,
 * the task's loop waits at its slice boundary while paused. One place for the wake-up
 * bookkeeping, so no task can forget to clear a stale waiter.
 */
export class PauseGate {
  /** True while paused. */
  paused = false;
  #wake: (() => void) | null = null;

  /** Pauses at the task's next slice boundary. */
  pause(): void {
    this.paused = true;
  }

  /** Continues a paused task. */
  resume(): void {
    this.paused = false;
    this.release();
  }

  /** Wakes a waiting loop without unpausing it: it re-checks its `stop` condition. */
  release(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Resolves once not paused, or once released while `stop()` holds. */
  async whilePaused(stop: () => boolean = () => false): Promise<void> {
    while (this.paused && !stop()) await new Promise<void>((resolve) => (this.#wake = resolve));
  }
}
