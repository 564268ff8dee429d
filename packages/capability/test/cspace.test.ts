import { describe, expect, it } from 'vitest';
import { Authority, CapabilityError, ManualClock } from '../src/index.js';
import { algebra } from './_fixtures.js';

function setup() {
  const clock = new ManualClock(1_000);
  const events: string[] = [];
  const authority = new Authority({
    algebra,
    clock,
    audit: (event) => events.push(`${event.kind} ${event.subject}: ${event.detail}`),
  });
  authority.grantRoot({ verb: 'fs.admin', scope: '/', notAfterMs: 1e12 });
  authority.grantRoot({ verb: 'net.connect', scope: '/net', notAfterMs: 1e12 });
  return { clock, events, authority };
}

function denied(fn: () => unknown): CapabilityError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CapabilityError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('CSpace', () => {
  it('scopes cover by whole segment: /etc/nexus covers /etc/nexus/notes/a.txt, not /etc/nexus2 or /etc/passwd', () => {
    const { authority } = setup();
    const init = authority.spawn({
      fiber: 'init',
      grants: [{ verb: 'fs.read', scope: '/etc/nexus', notAfterMs: 1e9 }],
    });
    expect(init.allows('fs.read', '/etc/nexus/notes/a.txt')).toBe(true);
    expect(init.allows('fs.read', '/etc/nexus')).toBe(true);
    expect(init.allows('fs.read', '/etc/nexus2')).toBe(false);
    expect(init.allows('fs.read', '/etc/passwd')).toBe(false);
    expect(init.allows('fs.read', '/etc/nexus/../passwd')).toBe(false);
    expect(init.allows('fs.read', '/etc/nexus//a')).toBe(false);
    expect(init.allows('fs.write', '/etc/nexus/a')).toBe(false);
  });

  it('a denied check names the missing capability and is logged', () => {
    const { authority, events } = setup();
    const init = authority.spawn({
      fiber: 'init',
      grants: [{ verb: 'fs.read', scope: '/etc', notAfterMs: 1e9 }],
    });
    const error = denied(() => init.check('fs.write', '/etc/hosts'));
    expect(error.code).toBe('DENIED');
    expect(error.missing).toBe('fs.write /etc/hosts');
    expect(events.at(-1)).toBe('deny init: missing fs.write /etc/hosts');
  });

  it('verbs imply only what the hierarchy declares', () => {
    const { authority } = setup();
    const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.write', scope: '/var', notAfterMs: 1e9 }] });
    expect(a.allows('fs.append', '/var/log')).toBe(true);
    expect(a.allows('fs.read', '/var/log')).toBe(false);
  });

  it('windows are enforced at check time', () => {
    const { authority, clock } = setup();
    const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.read', scope: '/scratch', ttlMs: 100 }] });
    expect(a.allows('fs.read', '/scratch/x')).toBe(true);
    clock.advance(100);
    expect(a.allows('fs.read', '/scratch/x')).toBe(false);
  });

  it('caveats are enforced at check time', () => {
    const { authority } = setup();
    const a = authority.spawn({
      fiber: 'a',
      grants: [
        {
          verb: 'fs.write',
          scope: '/scratch',
          notAfterMs: 1e9,
          caveats: [{ kind: 'max', key: 'bytes', limit: 4096 }],
        },
      ],
    });
    expect(a.allows('fs.write', '/scratch/x', { bytes: 100 })).toBe(true);
    expect(a.allows('fs.write', '/scratch/x', { bytes: 5000 })).toBe(false);
    expect(a.allows('fs.write', '/scratch/x')).toBe(false);
  });

  it('derive refuses widening and logs the escalation; revoke is recursive across CSpaces', () => {
    const { authority, events } = setup();
    const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.admin', scope: '/srv', notAfterMs: 1e9 }] });
    const b = authority.createCSpace('b');
    const c = authority.createCSpace('c');
    const slotA = a.check('fs.admin', '/srv');
    expect(denied(() => a.derive(slotA, b, { verb: 'fs.admin', scope: '/', notAfterMs: 1e9 })).code).toBe(
      'WIDENED',
    );
    expect(events.some((e) => e.startsWith('escalation a:'))).toBe(true);
    expect(b.size).toBe(0);
    const slotB = a.derive(slotA, b, { verb: 'fs.read', scope: '/srv/www', notAfterMs: 1e8 });
    const slotC = b.derive(slotB, c, { verb: 'fs.read', scope: '/srv/www/static', notAfterMs: 1e7 });
    expect(c.allows('fs.read', '/srv/www/static/app.js')).toBe(true);
    expect(c.get(slotC)?.scope).toBe('/srv/www/static');
    expect(b.revoke(slotB)).toBe(2);
    expect(b.allows('fs.read', '/srv/www/index.html')).toBe(false);
    expect(c.allows('fs.read', '/srv/www/static/app.js')).toBe(false);
    expect(a.allows('fs.read', '/srv/www/index.html')).toBe(true);
  });

  it('a manifest asking beyond the root grants is refused whole, nothing granted', () => {
    const { authority } = setup();
    expect(() =>
      authority.spawn({
        fiber: 'greedy',
        grants: [
          { verb: 'fs.read', scope: '/etc', notAfterMs: 1e9 },
          { verb: 'net.listen', scope: '/net', notAfterMs: 1e9 },
        ],
      }),
    ).toThrow(/WIDENED/);
    expect(authority.cspaceOf('greedy')).toBeUndefined();
  });

  it('respawn rebuilds from the manifest from scratch and kills old delegations', () => {
    const { authority } = setup();
    const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.read', scope: '/data', notAfterMs: 1e9 }] });
    const b = authority.createCSpace('b');
    a.derive(a.check('fs.read', '/data'), a, { verb: 'fs.read', scope: '/data/extra', notAfterMs: 1e9 });
    a.derive(a.check('fs.read', '/data'), b, { verb: 'fs.read', scope: '/data/shared', notAfterMs: 1e9 });
    expect(a.size).toBe(2);
    const fresh = authority.respawn('a');
    expect(fresh).not.toBe(a);
    expect(fresh.list().map((entry) => entry.cap.scope)).toEqual(['/data']);
    expect(b.allows('fs.read', '/data/shared/x')).toBe(false);
    expect(a.size).toBe(0);
    // The old CSpace is dead: nothing can be delegated into it any more.
    expect(() => fresh.derive(0, a, { verb: 'fs.read', scope: '/data', notAfterMs: 1e9 })).toThrow(/NO_SLOT/);
  });

  it('slot limits hold', () => {
    const clock = new ManualClock(0);
    const authority = new Authority({ algebra, clock, maxSlots: 2 });
    authority.grantRoot({ verb: 'fs.read', scope: '/', notAfterMs: 1e9 });
    authority.grantRoot({ verb: 'fs.read', scope: '/a', notAfterMs: 1e9 });
    expect(() => authority.grantRoot({ verb: 'fs.read', scope: '/b', notAfterMs: 1e9 })).toThrow(
      /SLOT_LIMIT/,
    );
  });
});

describe('CSpace encapsulation', () => {
  it('capabilities handed out are frozen: mutating one cannot widen the slot', () => {
    const { authority } = setup();
    const a = authority.spawn({
      fiber: 'a',
      grants: [{ verb: 'fs.read', scope: '/etc/nexus', notAfterMs: 1e9 }],
    });
    const cap = a.get(0) as { scope: string; window: { notAfterMs: number } };
    expect(() => {
      cap.scope = '/';
    }).toThrow(TypeError);
    expect(() => {
      cap.window.notAfterMs = 1e15;
    }).toThrow(TypeError);
    expect(a.allows('fs.read', '/etc/passwd')).toBe(false);
  });

  it('CSpaces are made only by an Authority, and their internals are not reachable', () => {
    const { authority } = setup();
    const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.read', scope: '/etc', notAfterMs: 1e9 }] });
    const Ctor = a.constructor as new (ticket: object) => unknown;
    expect(() => new Ctor({})).toThrow(/created only by an Authority/);
    expect(Object.keys(a)).toEqual(['fiber']);
    expect((a as unknown as Record<string, unknown>).insert).toBeUndefined();
    expect((authority as unknown as Record<string, unknown>).emit).toBeUndefined();
  });
});

describe('open accesses and the revocation epoch', () => {
  it('revalidates in O(1) until a revocation or expiry, then falls back to a lookup', () => {
    const { authority, clock } = setup();
    const a = authority.spawn({
      fiber: 'a',
      grants: [
        { verb: 'fs.read', scope: '/data', notAfterMs: 1e9 },
        { verb: 'fs.read', scope: '/data/log', ttlMs: 1000 },
      ],
    });
    const access = a.open('fs.read', '/data/log/today');
    const epoch = a.revocationEpoch;
    authority.createCSpace('b');
    a.derive(0, a, { verb: 'fs.read', scope: '/data/extra', notAfterMs: 1e8 });
    expect(a.revocationEpoch).toBe(epoch);
    expect(a.stillAllows(access)).toBe(true);
    // The lookup walks from the root, so the /data grant (slot 0) allowed it. Revoking that one:
    // the /data/log grant still allows, and the access is refreshed to it.
    expect(access.slot).toBe(0);
    a.revoke(0);
    expect(a.revocationEpoch).toBeGreaterThan(epoch);
    expect(a.stillAllows(access)).toBe(true);
    expect(access.slot).toBe(1);
    a.revoke(1);
    expect(a.stillAllows(access)).toBe(false);
    // Expiry: the window ends and the fast path is not taken.
    const b = authority.spawn({ fiber: 'c', grants: [{ verb: 'fs.read', scope: '/tmpfs', ttlMs: 50 }] });
    const short = b.open('fs.read', '/tmpfs/x');
    clock.advance(50);
    expect(b.stillAllows(short)).toBe(false);
    expect(() => b.open('fs.read', '/tmpfs/x')).toThrow(/DENIED/);
  });
});

describe('use auditing', () => {
  it('with auditUses, every allowed check is a use event; without it, none', () => {
    const clock = new ManualClock(0);
    const events: string[] = [];
    const authority = new Authority({
      algebra,
      clock,
      audit: (e) => events.push(`${e.kind} ${e.detail}`),
      auditUses: true,
    });
    authority.grantRoot({ verb: 'fs.read', scope: '/', notAfterMs: 1e9 });
    const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.read', scope: '/etc', notAfterMs: 1e9 }] });
    a.check('fs.read', '/etc/hosts');
    a.open('fs.read', '/etc/passwd');
    expect(events.filter((e) => e.startsWith('use'))).toEqual([
      'use fs.read /etc/hosts via slot 0',
      'use fs.read /etc/passwd via slot 0',
    ]);
    const quiet: string[] = [];
    const other = new Authority({ algebra, clock, audit: (e) => quiet.push(e.kind) });
    other.grantRoot({ verb: 'fs.read', scope: '/', notAfterMs: 1e9 });
    other.root.check('fs.read', '/etc');
    expect(quiet).toEqual(['grant']);
  });
});
