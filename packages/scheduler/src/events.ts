/**
 * The structured event stream: everything the scheduler and its watchdog see and do, as plain
 * records with a sequence number, ready for an injected sink (the meta-package connects the
 * capability ledger). Sinks are called synchronously; a sink that throws is counted and
 * dropped from that event, never allowed to stop the scheduler.
 */

/** Every kind of event, grouped by who emits it. */
export type EventType =
  // scheduler
  | 'spawn'
  | 'exit'
  | 'crash'
  | 'strike'
  | 'demote'
  | 'promote'
  | 'overrun'
  | 'deadline-miss'
  | 'job-skipped'
  | 'silence'
  | 'admission-refused'
  | 'checkpoint'
  | 'checkpoint-refused'
  | 'scheduler-restart'
  // watchdog
  | 'anomaly'
  | 'restart-warm'
  | 'restart-cold'
  | 'restore-failed'
  | 'checkpoint-copy-bad'
  | 'intensity-exceeded'
  | 'breaker-open'
  | 'breaker-half-open'
  | 'breaker-closed'
  | 'quarantine'
  | 'disagreement'
  | 'tmr-disagreement'
  | 'correlated'
  | 'paranoia'
  | 'heartbeat-lost'
  | 'phoenix'
  | 'hung'
  | 'reclassify';

/** One event. */
export interface SchedulerEvent {
  /** Position in the stream, from 1, without gaps. */
  readonly seq: number;
  /** Clock time in milliseconds. */
  readonly timeMs: number;
  /** What happened. */
  readonly type: EventType;
  /** The fiber concerned, if any. */
  readonly fiber?: string;
  /** Details: numbers and short strings only, so the record serialises as is. */
  readonly detail?: Readonly<Record<string, number | string | boolean>>;
}

/** Where events go (a capability ledger, a log, a test's array). */
export type EventSink = (event: SchedulerEvent) => void;

/**
 * Fans events out to sinks and keeps the last `capacity` in a ring for inspection.
 *
 * @example
 * ```ts
 * import { EventStream } from '@nexus/scheduler';
 * const stream = new EventStream(() => 0, 16);
 * stream.subscribe((e) => console.log(e.type));
 * stream.emit('spawn', 'imu');
 * stream.recent().length; // 1
 * ```
 */
export class EventStream {
  private readonly sinks: EventSink[] = [];
  private readonly ring: (SchedulerEvent | undefined)[];
  private seq = 0;
  private readonly queue: SchedulerEvent[] = [];
  private delivering = false;
  /** Sink calls that threw (the event still reached the other sinks). */
  sinkFailures = 0;
  /** Events emitted per type. */
  readonly counts = new Map<EventType, number>();

  /** `now` stamps events; `capacity` bounds the ring of recent events (default 1024). */
  constructor(
    private readonly now: () => number,
    /** Events kept in the ring of recent events. */
    readonly capacity = 1024,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0)
      throw new RangeError('capacity: a positive integer is required');
    this.ring = new Array(capacity);
  }
  /** Adds a sink; returns a function that removes it. */
  subscribe(sink: EventSink): () => void {
    if (typeof sink !== 'function') throw new TypeError('sink: a function is required');
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }
  /**
   * Emits one event and returns it. An event emitted by a sink while it handles another (the
   * watchdog restarting a fiber on a crash) is queued and delivered after it, so every sink sees
   * the stream in sequence order.
   */
  emit(type: EventType, fiber?: string, detail?: Record<string, number | string | boolean>): SchedulerEvent {
    const event: SchedulerEvent = { seq: ++this.seq, timeMs: this.now(), type, fiber, detail };
    this.ring[this.seq % this.capacity] = event;
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    this.queue.push(event);
    if (this.delivering) return event;
    this.delivering = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        for (const sink of this.sinks) {
          try {
            sink(this.queue[i]);
          } catch {
            this.sinkFailures++;
          }
        }
      }
    } finally {
      this.queue.length = 0;
      this.delivering = false;
    }
    return event;
  }
  /** Number of events emitted so far. */
  get emitted(): number {
    return this.seq;
  }
  /** Count of one event type. */
  count(type: EventType): number {
    return this.counts.get(type) ?? 0;
  }
  /** The most recent events, oldest first (at most `capacity`). */
  recent(): SchedulerEvent[] {
    const out: SchedulerEvent[] = [];
    const from = Math.max(1, this.seq - this.capacity + 1);
    for (let s = from; s <= this.seq; s++) out.push(this.ring[s % this.capacity] as SchedulerEvent);
    return out;
  }
}
