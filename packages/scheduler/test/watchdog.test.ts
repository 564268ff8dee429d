import { readFileSync } from 'node:fs';
import { blake3 } from '@noble/hashes/blake3.js';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_PAYLOAD_OFFSET,
  CheckpointStore,
  CircuitBreaker,
  ERROR_CODES,
  ErrorBuffer,
  type FiberContext,
  LowerObserver,
  MemoryCheckpointStorage,
  PARANOIA_FULL,
  PARANOIA_MINIMAL,
  PARANOIA_WATCHFUL,
  Paranoia,
  ParanoiaLevel,
  RestartIntensity,
  Scheduler,
  SchedulerError,
  VirtualClock,
  vote,
  Watchdog,
} from '../src/index.js';

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const readU32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);

/** A counter fiber that checkpoints every step and crashes when told to. */
function counter(starts: (number | null)[], crashAt: Set<number>) {
  return {
    restore: (blob: Uint8Array) => readU32(blob),
    *body(ctx: FiberContext) {
      starts.push(ctx.restored as number | null);
      let n = (ctx.restored as number | null) ?? 0;
      for (;;) {
        n++;
        ctx.checkpoint(u32(n));
        ctx.spend(1);
        yield;
        if (crashAt.has(n)) {
          crashAt.delete(n);
          throw new Error(`crash at ${n}`);
        }
      }
    },
  };
}

describe('BLAKE3 (the checkpoint digest) against the official vectors', () => {
  it('all 35 hash cases, 32-byte output', () => {
    const v = JSON.parse(
      readFileSync(new URL('./vectors/blake3/test_vectors.json', import.meta.url), 'utf8'),
    ) as { cases: { input_len: number; hash: string }[] };
    for (const c of v.cases) {
      const input = new Uint8Array(c.input_len);
      for (let i = 0; i < input.length; i++) input[i] = i % 251;
      const hex = [...blake3(input)].map((b) => b.toString(16).padStart(2, '0')).join('');
      expect(hex).toBe(c.hash.slice(0, 64));
    }
    expect(v.cases.length).toBe(35);
  });
});

describe('watchdog restarts', () => {
  it('a crashed fiber is warm-restarted from its checkpoint and the crash is in the error buffer', () => {
    const s = new Scheduler();
    const w = new Watchdog(s);
    const starts: (number | null)[] = [];
    s.spawn({ name: 'c', ...counter(starts, new Set([3])) });
    s.runSync(10);
    expect(starts).toEqual([null, 3]);
    expect(w.restarts).toBe(1);
    expect(s.events.count('restart-warm')).toBe(1);
    const records = w.errorBuffer.records();
    expect(records.map((r) => r.code)).toEqual([ERROR_CODES.crash]);
    expect(records[0].message).toBe('c: Error: crash at 3');
  });

  it('0, 1 or 2 corrupted copies: the good copy restores (and is repaired), two bad copies mean cold', () => {
    for (const corrupt of [[], [0], [1], [0, 1]] as const) {
      const storage = new MemoryCheckpointStorage();
      const s = new Scheduler({ checkpoints: new CheckpointStore(storage) });
      new Watchdog(s);
      const starts: (number | null)[] = [];
      s.spawn({
        name: 'c',
        restore: (blob: Uint8Array) => readU32(blob),
        *body(ctx) {
          starts.push(ctx.restored as number | null);
          if (starts.length > 1) return;
          ctx.checkpoint(u32(7));
          for (const slot of corrupt) {
            const copy = storage.read('c', slot) as Uint8Array;
            copy[CHECKPOINT_PAYLOAD_OFFSET] ^= 0x40; // a bit flip in the payload
            storage.write('c', slot, copy);
          }
          ctx.spend(1);
          yield;
          throw new Error('crash after the checkpoint');
        },
      });
      s.runSync(10);
      expect(starts).toEqual([null, corrupt.length < 2 ? 7 : null]);
      expect(s.checkpoints.repairs).toBe(corrupt.length === 1 ? 1 : 0);
      expect(s.events.count(corrupt.length < 2 ? 'restart-warm' : 'restart-cold')).toBe(1);
      expect(s.events.recent().find((e) => e.type === 'checkpoint-copy-bad')?.detail?.badCopies).toBe(
        corrupt.length || undefined,
      );
    }
  });

  it('restart intensity: more than R restarts in T escalates to the parent and stops restarting', () => {
    const escalated: string[] = [];
    const s = new Scheduler();
    new Watchdog(s, {
      paranoia: PARANOIA_MINIMAL & ~Paranoia.CIRCUIT_BREAKER,
      maxRestarts: 3,
      restartPeriodMs: 1000,
      escalate: (f) => escalated.push(f),
    });
    s.spawn({
      name: 'doomed',
      *body(ctx) {
        ctx.spend(1);
        yield;
        throw new Error('always');
      },
    });
    s.runSync(100);
    expect(s.events.count('restart-warm') + s.events.count('restart-cold')).toBe(3);
    expect(s.events.count('intensity-exceeded')).toBe(1);
    expect(escalated).toEqual(['doomed']);
    expect(s.fiber('doomed')?.state).toBe('crashed');
  });

  it('circuit breaker: opens after repeated crashes, half-opens after the cooldown, closes after a clean trial', () => {
    const clock = new VirtualClock();
    const s = new Scheduler({ clock });
    const w = new Watchdog(s, {
      breaker: { failureThreshold: 2, cooldownMs: 50, trialSlices: 4 },
      maxRestarts: 100,
    });
    let crashes = 2;
    s.spawn({
      name: 'flaky',
      *body(ctx) {
        ctx.spend(1);
        yield;
        if (crashes-- > 0) throw new Error('flake');
        for (;;) {
          ctx.spend(1);
          yield;
        }
      },
    });
    s.spawn({
      name: 'bystander',
      tier: 3,
      *body(ctx) {
        for (;;) {
          ctx.spend(5);
          yield;
        }
      },
    });
    s.runSync(20);
    expect(s.events.count('breaker-open')).toBe(1);
    expect(s.fiber('flaky')?.state).toBe('crashed');
    s.runSync(100);
    expect(s.events.count('breaker-half-open')).toBe(1);
    expect(s.events.count('breaker-closed')).toBe(1);
    expect(s.fiber('flaky')?.state).toBe('ready');
    expect(w.restarts).toBe(2);
  });

  it('a periodic job that never completes is declared hung by the heartbeat monitor and restarted', () => {
    const s = new Scheduler({ maxPendingJobs: 1 });
    new Watchdog(s);
    let stuck = true;
    s.spawn({
      name: 'stuck',
      periodMs: 10,
      budgetMs: 5,
      *body(ctx) {
        while (stuck) {
          ctx.spend(0.01);
          yield;
          if (ctx.restarts > 0) stuck = false;
        }
      },
    });
    s.spawn({
      name: 'idle',
      tier: 3,
      *body(ctx) {
        for (;;) {
          ctx.spend(1);
          yield;
        }
      },
    });
    s.runSync(100);
    expect(s.events.count('hung')).toBe(1);
    expect(s.fiber('stuck')?.restarts).toBe(1);
    expect(s.fiber('stuck')?.jobs).toBeGreaterThan(3);
  });
});

describe('anomalies and the correlator', () => {
  it('a fiber whose slices slow down past 3σ for 3 slices fires an anomaly', () => {
    const s = new Scheduler();
    const w = new Watchdog(s, { baseline: { lockAfter: 200 } });
    s.spawn({
      name: 'drift',
      *body(ctx) {
        for (let i = 0; ; i++) {
          ctx.spend(i < 300 ? 0.5 + 0.01 * (i % 7) : 0.9);
          yield;
        }
      },
    });
    s.runSync(300 * 0.53);
    expect(w.anomalies).toBe(0);
    s.runSync(300 * 0.53 + 3 * 0.9 + 0.1);
    expect(w.anomalies).toBe(1);
    const e = s.events.recent().find((x) => x.type === 'anomaly');
    expect(e?.detail?.metric).toBe('slice-ms');
  });

  it('anomalies of two fibers together are correlated, go to the verdict ring and raise paranoia', () => {
    const s = new Scheduler();
    const w = new Watchdog(s, {
      paranoia: PARANOIA_MINIMAL | Paranoia.BASELINES | Paranoia.CORRELATOR,
      baseline: { lockAfter: 50 },
    });
    for (const name of ['a', 'b']) {
      s.spawn({
        name,
        *body(ctx) {
          for (let i = 0; ; i++) {
            ctx.report('ring-throughput', i < 100 ? 1000 + (i % 5) : 10);
            ctx.spend(0.1);
            yield;
          }
        },
      });
    }
    s.runSync(30);
    expect(w.anomalies).toBeGreaterThanOrEqual(2);
    expect(s.events.count('correlated')).toBeGreaterThanOrEqual(1);
    expect(w.verdictRing().some((v) => v.verdict === 'correlated')).toBe(true);
    expect(w.paranoia.has(Paranoia.HEARTBEAT)).toBe(true);
  });
});

describe('paranoia, TMR, breaker and intensity units', () => {
  it('the boot level is a floor', () => {
    const p = new ParanoiaLevel(PARANOIA_WATCHFUL);
    expect(p.set(PARANOIA_MINIMAL)).toBe(PARANOIA_WATCHFUL);
    expect(p.raise(Paranoia.TMR)).toBe(PARANOIA_WATCHFUL | Paranoia.TMR);
    expect(p.set(0)).toBe(PARANOIA_WATCHFUL);
    expect(PARANOIA_MINIMAL).toBe(0b0000_0111);
    expect(PARANOIA_WATCHFUL).toBe(0b0001_1111);
    expect(PARANOIA_FULL).toBe(0b1111_1111);
    expect(() => new ParanoiaLevel(256)).toThrow(RangeError);
  });

  it('TMR: a faulty replica is outvoted and reported; no majority is an error', () => {
    expect(vote((x: number) => x + 1, 1)).toEqual({ value: 2, majority: true, dissent: -1 });
    expect(vote((x: number, r) => (r === 0 ? 99 : x), 5)).toEqual({ value: 5, majority: true, dissent: 0 });
    expect(
      vote((x: number, r) => {
        if (r === 2) throw new Error('bit flip');
        return x;
      }, 5),
    ).toEqual({ value: 5, majority: true, dissent: 2 });
    expect(vote((_: number, r) => r, 0).majority).toBe(false);
    const s = new Scheduler();
    const w = new Watchdog(s, { paranoia: PARANOIA_FULL });
    expect(w.replicate('step', (x: number, r) => (r === 1 ? -1 : x * 2), 21)).toBe(42);
    expect(s.events.count('tmr-disagreement')).toBe(1);
    expect(() => w.replicate('step', (_: number, r) => r, 0)).toThrow(SchedulerError);
  });

  it('breaker and intensity by themselves', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, windowMs: 100, cooldownMs: 10, trialSlices: 2 });
    b.failure(0);
    b.failure(50);
    b.failure(160); // the first two left the window
    expect(b.state).toBe('closed');
    b.failure(170);
    b.failure(180);
    expect(b.state).toBe('open');
    expect(b.allow(185)).toBe(false);
    expect(b.allow(190)).toBe(true);
    expect(b.state).toBe('half-open');
    b.failure(191);
    expect(b.state).toBe('open');
    const i = new RestartIntensity(2, 100);
    expect([i.record(0), i.record(10), i.record(20), i.record(101), i.record(111)]).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
  });
});

describe('the lower observer', () => {
  it('restarts a hung scheduler, and runs Phoenix when restarts exceed its intensity', () => {
    const clock = new VirtualClock();
    const s = new Scheduler({ clock });
    let phoenix = 0;
    const lower = new LowerObserver({
      clock,
      scheduler: () => s,
      phoenix: () => phoenix++,
      heartbeatTimeoutMs: 10,
      maxRestarts: 2,
      periodMs: 1000,
    });
    s.spawn({ name: 'p', periodMs: 5, budgetMs: 1, body: (ctx) => ctx.spend(1) });
    for (let round = 0; round < 3; round++) {
      s.runSync(clock.now() + 20);
      expect(lower.check()).toBe('ok');
      s.hung = true;
      s.runSync(clock.now() + 20); // no progress
      clock.advance(20);
      expect(lower.check()).toBe(round < 2 ? 'restarted' : 'phoenix');
      s.hung = false;
    }
    expect(lower.schedulerRestarts).toBe(2);
    expect(phoenix).toBe(1);
    expect(s.events.count('heartbeat-lost')).toBe(3);
  });

  it("the lower layer's quarantine wins over the watchdog's restart and survives a scheduler restart", () => {
    const clock = new VirtualClock();
    const s = new Scheduler({ clock });
    new Watchdog(s);
    const lower = new LowerObserver({ clock, scheduler: () => s, phoenix: () => {} });
    s.spawn({
      name: 'suspect',
      *body(ctx) {
        ctx.spend(1);
        yield;
        throw new Error('x');
      },
    });
    lower.quarantine('suspect', 'lower layer saw it corrupt memory');
    expect(lower.verdict('suspect', 'healthy')).toBe('quarantine');
    expect(s.events.count('disagreement')).toBe(1);
    s.runSync(10);
    expect(s.fiber('suspect')?.slices).toBe(0);
    expect(s.restart('suspect', 'warm')).toBe('refused');
    lower.panic(new Error('scheduler assertion'));
    expect(s.fiber('suspect')?.state).toBe('quarantined');
  });
});

describe('the boot error buffer', () => {
  it('survives a restart, wraps around, truncates messages at 32 bytes on a character boundary', () => {
    const memory = new ArrayBuffer(ErrorBuffer.bytesFor(4));
    const a = new ErrorBuffer(memory);
    for (let i = 1; i <= 6; i++) a.write(i, ERROR_CODES.crash, `fiber-${i}`);
    const b = new ErrorBuffer(memory);
    expect(b.written).toBe(6);
    expect(b.records().map((r) => r.message)).toEqual(['fiber-3', 'fiber-4', 'fiber-5', 'fiber-6']);
    b.write(7, ERROR_CODES.anomaly, `${'x'.repeat(31)}é`);
    expect(b.records().at(-1)?.message).toBe('x'.repeat(31));
    expect(b.records().at(-1)?.seq).toBe(7);
    // A buffer of another capacity is reformatted, not misread.
    const c = new ErrorBuffer(memory.slice(0, ErrorBuffer.bytesFor(3)));
    expect(c.written).toBe(0);
  });
});

describe('injected hooks', () => {
  it('cold restart rebuilds the body through the hook (a fresh capability space); a throwing hook falls back to the factory', () => {
    const built: string[] = [];
    let hookThrows = false;
    const s = new Scheduler({
      coldRestart: (name) => {
        if (hookThrows) throw new Error('no capability space');
        built.push(name);
        return function* (ctx) {
          ctx.spend(1);
          yield;
        };
      },
    });
    new Watchdog(s, { restartMode: 'cold', breaker: { failureThreshold: 100 }, maxRestarts: 10 });
    let factoryRuns = 0;
    s.spawn({
      name: 'svc',
      *body(ctx) {
        factoryRuns++;
        ctx.spend(1);
        yield;
        throw new Error('fault');
      },
    });
    s.runSync(10);
    expect(built).toEqual(['svc']);
    expect(s.fiber('svc')?.state).toBe('done'); // the rebuilt body ran to completion
    hookThrows = true;
    expect(s.restart('svc', 'cold')).toBe('cold');
    expect(
      s.events
        .recent()
        .some((e) => e.type === 'restore-failed' && String(e.detail?.reason).includes('cold restart hook')),
    ).toBe(true);
    s.runSync(40);
    // The factory body crashes again; every later cold restart also falls back to it (the hook
    // keeps failing) until the restart intensity (10 in 5 s, the hook's rebuild used one)
    // escalates: the first run, the manual restart and 9 watchdog restarts.
    expect(factoryRuns).toBe(11);
    expect(s.events.count('intensity-exceeded')).toBe(1);
  });

  it('the capability-space audit hook can refuse a restart: the fiber is quarantined instead', () => {
    const audited: string[] = [];
    const s = new Scheduler();
    new Watchdog(s, {
      paranoia: PARANOIA_FULL,
      audit: (fiber, action) => {
        audited.push(`${fiber}:${action}`);
        return false;
      },
    });
    s.spawn({
      name: 'rogue',
      *body(ctx) {
        ctx.spend(1);
        yield;
        throw new Error('tried to forge a capability');
      },
    });
    s.runSync(10);
    expect(audited).toEqual(['rogue:restart-warm']);
    expect(s.fiber('rogue')?.state).toBe('quarantined');
    expect(s.events.count('quarantine')).toBe(1);
  });

  it('a sink that throws is counted and never stops the scheduler', () => {
    const s = new Scheduler();
    s.events.subscribe(() => {
      throw new Error('ledger full');
    });
    const seen: string[] = [];
    s.events.subscribe((e) => seen.push(e.type));
    s.spawn({ name: 'x', body: (ctx) => ctx.spend(1) });
    s.runSync(5);
    expect(seen).toEqual(['spawn', 'exit']);
    expect(s.events.sinkFailures).toBe(2);
  });
});
