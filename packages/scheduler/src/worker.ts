/**
 * Worker-backed fibers. Inside one JS thread a fiber that never yields cannot be preempted: the
 * scheduler only sees the overrun when (if) the slice ends. A fiber that may hang runs instead
 * in a worker (a web Worker, or worker_threads through `@nexus/scheduler/node`): after every
 * slice the worker bumps a heartbeat counter in a SharedArrayBuffer (or posts a beat message
 * where SharedArrayBuffer is unavailable). The supervisor on the scheduler's side checks the
 * counter; when it has not moved for `hangMs` the worker is terminated, which does stop a
 * thread stuck in a loop, and a new one is started, warm from the latest checkpoint the fiber
 * posted (stored twice with its BLAKE3 digest, as for in-thread fibers) or cold.
 */
import { RestartIntensity } from './breaker.js';
import { CheckpointStore } from './checkpoint.js';
import type { Clock } from './clock.js';
import { EventStream } from './events.js';

/** Messages between the supervisor and a worker fiber. */
export type WorkerMessage =
  | {
      /** Supervisor → worker: run the fiber. */
      type: 'start';
      /** The fiber's name. */
      name: string;
      /** The heartbeat counter (an Int32 at offset 0), or null to beat by message. */
      heartbeat: SharedArrayBuffer | null;
      /** The restored checkpoint, or null (cold). */
      restored: Uint8Array | null;
      /** Restarts so far. */
      restarts: number;
    }
  | {
      /** Worker → supervisor: a slice ended (only without SharedArrayBuffer). */
      type: 'beat';
      /** Slices so far. */
      slices: number;
    }
  | {
      /** Worker → supervisor: save this checkpoint. */
      type: 'checkpoint';
      /** The blob (at most 32 KiB). */
      blob: Uint8Array;
    }
  | {
      /** Worker → supervisor: a metric value. */
      type: 'metric';
      /** Metric name. */
      metric: string;
      /** Its value. */
      value: number;
    }
  | {
      /** Worker → supervisor: the fiber returned. */
      type: 'done';
    }
  | {
      /** Worker → supervisor: the fiber threw. */
      type: 'error';
      /** The error text. */
      message: string;
    };

/** The supervisor's handle on one worker. */
export interface WorkerHandle {
  /** Sends a message to the worker. */
  post(message: WorkerMessage): void;
  /** Receives the worker's messages. */
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Terminates the worker (stops even a thread in an endless loop). */
  terminate(): void;
}

/** The worker's side of the channel. */
export interface FiberPort {
  /** Sends a message to the supervisor. */
  post(message: WorkerMessage): void;
  /** Receives the supervisor's messages. */
  onMessage(listener: (message: WorkerMessage) => void): void;
}

/** What the body of a worker fiber sees. */
export interface WorkerFiberContext {
  /** The fiber's name. */
  readonly name: string;
  /** The checkpoint restored on a warm restart, else null. */
  readonly restored: Uint8Array | null;
  /** Restarts so far. */
  readonly restarts: number;
  /** Sends a checkpoint (at most 32 KiB) to the supervisor. */
  checkpoint(blob: Uint8Array): void;
  /** Reports a metric. */
  report(metric: string, value: number): void;
}

/**
 * Runs a generator fiber inside a worker: every `yield` ends a slice and bumps the heartbeat.
 * Every 5 ms of slices the loop lets the worker's event loop run.
 *
 * @example
 * ```ts
 * // fiber-worker.ts, started by a WorkerFiber through webWorker(new URL('./fiber-worker.js', import.meta.url))
 * import { serveFiber, selfPort } from '@nexus/scheduler';
 * serveFiber(selfPort(), function* (ctx) { for (;;) { ctx.report('tick', 1); yield; } });
 * ```
 */
export function serveFiber(
  port: FiberPort,
  body: (ctx: WorkerFiberContext) => Iterator<unknown, unknown, undefined>,
): void {
  port.onMessage((m) => {
    if (m.type !== 'start') return;
    const beat = m.heartbeat ? new Int32Array(m.heartbeat) : null;
    const ctx: WorkerFiberContext = {
      name: m.name,
      restored: m.restored,
      restarts: m.restarts,
      checkpoint: (blob) => port.post({ type: 'checkpoint', blob: blob.slice() }),
      report: (metric, value) => port.post({ type: 'metric', metric, value }),
    };
    let it: Iterator<unknown, unknown, undefined>;
    try {
      it = body(ctx);
    } catch (e) {
      port.post({ type: 'error', message: String(e) });
      return;
    }
    let slices = 0;
    const loop = (): void => {
      const start = performance.now();
      try {
        while (performance.now() - start < 5) {
          const r = it.next();
          slices++;
          if (beat) Atomics.add(beat, 0, 1);
          else port.post({ type: 'beat', slices });
          if (r.done) {
            port.post({ type: 'done' });
            return;
          }
        }
      } catch (e) {
        port.post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
        return;
      }
      setTimeout(loop, 0);
    };
    loop();
  });
}

/**
 * The worker-side port of a web Worker (`self` in a module worker).
 *
 * @example
 * ```ts
 * import { selfPort } from '@nexus/scheduler';
 * const port = selfPort(); // inside a worker
 * ```
 */
export function selfPort(): FiberPort {
  const scope = globalThis as unknown as {
    postMessage(m: unknown): void;
    addEventListener(t: 'message', l: (e: { data: unknown }) => void): void;
  };
  return {
    post: (m) => scope.postMessage(m),
    onMessage: (listener) => scope.addEventListener('message', (e) => listener(e.data as WorkerMessage)),
  };
}

/**
 * A {@link WorkerHandle} factory for web Workers (browsers, Deno, Bun).
 *
 * @example
 * ```ts
 * import { webWorker } from '@nexus/scheduler';
 * const spawn = webWorker(new URL('./fiber-worker.js', import.meta.url));
 * ```
 */
export function webWorker(url: URL | string): () => WorkerHandle {
  return () => {
    const W = (globalThis as unknown as { Worker?: new (u: URL | string, o: { type: 'module' }) => Worker })
      .Worker;
    if (!W) throw new TypeError('webWorker: this runtime has no Worker (in Node use @nexus/scheduler/node)');
    const w = new W(url, { type: 'module' });
    return {
      post: (m) => w.postMessage(m),
      onMessage: (listener) =>
        w.addEventListener('message', (e: MessageEvent) => listener(e.data as WorkerMessage)),
      terminate: () => w.terminate(),
    };
  };
}

/** Options of a {@link WorkerFiber}. */
export interface WorkerFiberOptions {
  /** The fiber's name (its checkpoint key). */
  name: string;
  /** Starts a worker running {@link serveFiber}. */
  spawn: () => WorkerHandle;
  /** The supervisor's clock. */
  clock: Clock;
  /** Heartbeat silence that declares the fiber hung, ms (default 100). */
  hangMs?: number;
  /** Time a new worker may take to load and run its first slice, ms (default 5,000). */
  startupMs?: number;
  /** Checkpoint store (default in memory). */
  checkpoints?: CheckpointStore;
  /** Event stream (default a new one). */
  events?: EventStream;
  /** Restarts allowed in `restartPeriodMs` before giving up (default 3). */
  maxRestarts?: number;
  /** Window of the restart intensity, ms (default 5,000). */
  restartPeriodMs?: number;
}

/**
 * Supervises one fiber running in a worker: starts it, watches its heartbeat, terminates and
 * restarts it (warm when a checkpoint verifies, else cold) when it hangs or throws.
 *
 * @example
 * ```ts
 * import { RealClock, WorkerFiber, webWorker } from '@nexus/scheduler';
 * const fiber = new WorkerFiber({ name: 'parser', spawn: webWorker(new URL('./fiber-worker.js', import.meta.url)), clock: new RealClock() });
 * fiber.start();
 * setInterval(() => fiber.check(), 20);
 * ```
 */
export class WorkerFiber {
  /** State of the supervised fiber. */
  state: 'idle' | 'running' | 'done' | 'failed' = 'idle';
  /** Restarts so far. */
  restarts = 0;
  /** Hangs detected. */
  hangs = 0;
  /** Slices seen (from the heartbeat). */
  slices = 0;
  /** The event stream. */
  readonly events: EventStream;
  /** The checkpoint store. */
  readonly checkpoints: CheckpointStore;
  private worker: WorkerHandle | null = null;
  private heartbeat: Int32Array | null = null;
  private lastBeat = -1;
  private lastBeatAtMs = 0;
  private readonly hangMs: number;
  private readonly startupMs: number;
  private readonly intensity: RestartIntensity;
  private generation = 0;

  constructor(private readonly options: WorkerFiberOptions) {
    this.hangMs = options.hangMs ?? 100;
    if (!(this.hangMs > 0)) throw new RangeError('hangMs: > 0 is required');
    this.startupMs = options.startupMs ?? 5_000;
    this.checkpoints = options.checkpoints ?? new CheckpointStore();
    this.events = options.events ?? new EventStream(() => options.clock.now());
    this.intensity = new RestartIntensity(options.maxRestarts ?? 3, options.restartPeriodMs ?? 5_000);
  }

  /** Starts the worker (cold, or warm when a checkpoint exists). */
  start(): void {
    const restored = this.checkpoints.restore(this.options.name);
    if (restored.badCopies > 0)
      this.events.emit('checkpoint-copy-bad', this.options.name, { badCopies: restored.badCopies });
    const generation = ++this.generation;
    const worker = this.options.spawn();
    this.worker = worker;
    const sab = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : null;
    this.heartbeat = sab ? new Int32Array(sab) : null;
    this.lastBeat = -1;
    this.lastBeatAtMs = this.options.clock.now();
    this.state = 'running';
    worker.onMessage((m) => {
      if (generation !== this.generation) return; // a terminated worker's late message
      if (m.type === 'beat') this.slices = m.slices;
      else if (m.type === 'checkpoint') {
        try {
          this.checkpoints.save(this.options.name, m.blob);
        } catch (e) {
          this.events.emit('checkpoint-refused', this.options.name, { reason: String(e) });
        }
      } else if (m.type === 'done') {
        this.state = 'done';
        this.stop();
        this.events.emit('exit', this.options.name);
      } else if (m.type === 'error') {
        this.events.emit('crash', this.options.name, { error: m.message });
        this.restart('crash');
      }
    });
    worker.post({
      type: 'start',
      name: this.options.name,
      heartbeat: sab,
      restored: restored.blob,
      restarts: this.restarts,
    });
  }

  /** Checks the heartbeat; terminates and restarts a hung worker. Call it periodically. */
  check(): 'ok' | 'restarted' | 'failed' | 'done' {
    if (this.state === 'done' || this.state === 'failed') return this.state;
    if (this.state !== 'running') return 'ok';
    const beat = this.heartbeat ? Atomics.load(this.heartbeat, 0) : this.slices;
    if (this.heartbeat) this.slices = beat;
    const now = this.options.clock.now();
    if (beat !== this.lastBeat && beat > 0) {
      this.lastBeat = beat;
      this.lastBeatAtMs = now;
      return 'ok';
    }
    // Before the first beat the worker is still loading: it gets `startupMs`, not `hangMs`.
    if (now - this.lastBeatAtMs < (beat > 0 ? this.hangMs : this.startupMs)) return 'ok';
    this.hangs++;
    this.events.emit('hung', this.options.name, { silentMs: now - this.lastBeatAtMs });
    return this.restart('hang') ? 'restarted' : 'failed';
  }

  /** Terminates the worker. */
  stop(): void {
    this.generation++;
    this.worker?.terminate();
    this.worker = null;
    if (this.state === 'running') this.state = 'idle';
  }

  private restart(reason: string): boolean {
    this.stop();
    if (!this.intensity.record(this.options.clock.now())) {
      this.state = 'failed';
      this.events.emit('intensity-exceeded', this.options.name, { reason });
      return false;
    }
    this.restarts++;
    const warm = this.checkpoints.restore(this.options.name).blob !== null;
    this.events.emit(warm ? 'restart-warm' : 'restart-cold', this.options.name, {
      reason,
      restarts: this.restarts,
    });
    this.start();
    return true;
  }
}
