/**
 * Pledge, after OpenBSD's pledge(2): a fiber declares the promises (classes of operation) it will
 * use; later calls can only narrow them, and `execpromises` fixes what a child fiber starts with.
 *
 * Where we differ from OpenBSD (DESIGN.md §"Pledge and unveil"): a violation throws a typed
 * `PLEDGE_VIOLATION` and is written to the audit sink instead of killing the process with SIGABRT
 * (the fiber supervisor decides to kill); an attempt to widen is refused with `PLEDGE_WIDEN` (EPERM
 * in OpenBSD) and also logged; promises are checked by name at our API boundary, not per syscall.
 */

import type { AuditSink } from './audit.js';
import { CapabilityError } from './errors.js';
import type { Clock } from './ports.js';

/** The promise names, as in OpenBSD's pledge(2). */
export const PROMISES = [
  'stdio',
  'rpath',
  'wpath',
  'cpath',
  'dpath',
  'tmppath',
  'inet',
  'mcast',
  'fattr',
  'chown',
  'flock',
  'unix',
  'dns',
  'getpw',
  'sendfd',
  'recvfd',
  'tape',
  'tty',
  'proc',
  'exec',
  'prot_exec',
  'settime',
  'ps',
  'vminfo',
  'id',
  'pf',
  'route',
  'wroute',
  'audio',
  'video',
  'bpf',
  'unveil',
  'error',
] as const;

/** One promise name. */
export type PromiseName = (typeof PROMISES)[number];

const KNOWN = new Set<string>(PROMISES);

/**
 * Parses a space-separated promise string (`"stdio rpath"`), refusing unknown names with
 * `TypeError` (EINVAL in OpenBSD).
 *
 * @example
 * ```ts
 * import { parsePromises } from '@nexus/capability';
 * parsePromises('stdio rpath'); // Set { 'stdio', 'rpath' }
 * ```
 */
export function parsePromises(text: string): Set<string> {
  if (typeof text !== 'string') throw new TypeError('promises: a string');
  const out = new Set<string>();
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (!KNOWN.has(word)) throw new TypeError(`promises: unknown promise ${JSON.stringify(word)}`);
    out.add(word);
  }
  return out;
}

/** Configuration of a {@link Pledge}. */
export interface PledgeOptions {
  /** The fiber's name, used in errors and events. */
  fiber: string;
  /** Time source for events. */
  clock: Clock;
  /** Where widening attempts and violations are reported. */
  audit?: AuditSink;
}

/**
 * A fiber's pledge state. Before the first `pledge` call everything is allowed (`null` sets).
 *
 * @example
 * ```ts
 * import { ManualClock, Pledge } from '@nexus/capability';
 * const pledge = new Pledge({ fiber: 'web', clock: new ManualClock(0) });
 * pledge.pledge('stdio rpath inet', 'stdio');
 * pledge.require('rpath');
 * pledge.allows('wpath'); // false
 * ```
 */
export class Pledge {
  private promises: Set<string> | null = null;
  private execPromises: Set<string> | null = null;
  private readonly options: PledgeOptions;

  constructor(
    options: PledgeOptions,
    initial?: { promises: Set<string> | null; execPromises: Set<string> | null },
  ) {
    this.options = options;
    if (initial) {
      this.promises = initial.promises && new Set(initial.promises);
      this.execPromises = initial.execPromises && new Set(initial.execPromises);
    }
  }

  private emit(detail: string): void {
    this.options.audit?.({
      kind: 'pledge',
      subject: this.options.fiber,
      detail,
      atMs: this.options.clock.nowMs(),
    });
  }

  /**
   * Sets or narrows the promises (`null` leaves a set unchanged, as in OpenBSD). Any promise not
   * already held is refused with `PLEDGE_WIDEN`, nothing changes, and the attempt is logged.
   */
  pledge(promises: string | null, execpromises: string | null = null): void {
    const next = promises === null ? null : parsePromises(promises);
    const nextExec = execpromises === null ? null : parsePromises(execpromises);
    const widened = (current: Set<string> | null, wanted: Set<string> | null): string[] =>
      current === null || wanted === null ? [] : [...wanted].filter((p) => !current.has(p));
    const extra = widened(this.promises, next);
    const extraExec = widened(this.execPromises, nextExec);
    if (extra.length > 0 || extraExec.length > 0) {
      const what = [...extra, ...extraExec.map((p) => `exec:${p}`)].join(' ');
      this.emit(`widen refused: ${what}`);
      throw new CapabilityError('PLEDGE_WIDEN', `${this.options.fiber} cannot regain ${what}`);
    }
    if (next !== null) this.promises = next;
    if (nextExec !== null) this.execPromises = nextExec;
  }

  /** True when `promise` is held (always, before the first pledge). */
  allows(promise: string): boolean {
    return this.promises === null || this.promises.has(promise);
  }

  /** Throws `PLEDGE_VIOLATION` (and logs it) unless `promise` is held. Call before any effect. */
  require(promise: string): void {
    if (this.allows(promise)) return;
    this.emit(`violation: ${promise} not pledged`);
    throw new CapabilityError('PLEDGE_VIOLATION', `${this.options.fiber} did not pledge ${promise}`, {
      missing: promise,
    });
  }

  /** The promises held, or `null` when unrestricted. */
  current(): string[] | null {
    return this.promises && [...this.promises].sort();
  }

  /** The pledge state a child starts with after exec: its promises are our `execpromises`. */
  forExec(childFiber: string): Pledge {
    this.require('exec');
    return new Pledge(
      { ...this.options, fiber: childFiber },
      { promises: this.execPromises, execPromises: this.execPromises },
    );
  }
}
