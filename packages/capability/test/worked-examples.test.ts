/** The worked examples of DESIGN.md §"Worked examples", one test each. */
import { describe, expect, it } from 'vitest';
import { Algebra, Authority, ManualClock, makeCap, VerbHierarchy } from '../src/index.js';
import { algebra } from './_fixtures.js';

describe('DESIGN.md worked examples', () => {
  it('1. scope by segment', () => {
    const a = makeCap({ verb: 'fs.read', scope: '/etc/nexus', notBeforeMs: 0, notAfterMs: 100 });
    const at = (path: string) => algebra.check(a, { verb: 'fs.read', path, atMs: 5 });
    expect(at('/etc/nexus/notes/a.txt')).toBe(true);
    expect(at('/etc/nexus2')).toBe(false);
    expect(at('/etc/passwd')).toBe(false);
    expect(at('/etc/nexus/../passwd')).toBe(false);
  });

  it('2. meet', () => {
    const a = makeCap({
      verb: 'fs.admin',
      scope: '/srv',
      notBeforeMs: 0,
      notAfterMs: 100,
      caveats: [{ kind: 'max', key: 'bytes', limit: 10 }],
    });
    const b = makeCap({
      verb: 'fs.write',
      scope: '/srv/www',
      notBeforeMs: 50,
      notAfterMs: 200,
      caveats: [{ kind: 'oneOf', key: 'host', values: ['y', 'x'] }],
    });
    expect(algebra.meet(a, b)).toEqual({
      verb: 'fs.write',
      scope: '/srv/www',
      window: { notBeforeMs: 50, notAfterMs: 100 },
      caveats: [
        { kind: 'max', key: 'bytes', limit: 10 },
        { kind: 'oneOf', key: 'host', values: ['x', 'y'] },
      ],
    });
    const readOnly = new Algebra(new VerbHierarchy({ 'fs.admin': ['fs.read'] }));
    const r = makeCap({ verb: 'fs.read', scope: '/', notAfterMs: 10 });
    const w = makeCap({ verb: 'fs.write', scope: '/', notAfterMs: 10 });
    expect(readOnly.meet(r, w)).toBeNull();
  });

  it('3. refused widening', () => {
    const events: string[] = [];
    const authority = new Authority({
      algebra,
      clock: new ManualClock(0),
      audit: (e) => events.push(e.kind),
    });
    authority.grantRoot({ verb: 'fs.admin', scope: '/', notAfterMs: 1e9 });
    const fiber = authority.spawn({
      fiber: 'f',
      grants: [{ verb: 'fs.read', scope: '/etc/nexus', notAfterMs: 1e6 }],
    });
    expect(() => fiber.derive(0, fiber, { verb: 'fs.read', scope: '/etc', notAfterMs: 1e6 })).toThrow(
      /WIDENED/,
    );
    expect(events.at(-1)).toBe('escalation');
    expect(fiber.size).toBe(1);
  });

  it('4. revocation cascade', () => {
    const authority = new Authority({ algebra, clock: new ManualClock(0) });
    authority.grantRoot({ verb: 'fs.admin', scope: '/', notAfterMs: 1e9 });
    const a = authority.spawn({ fiber: 'A', grants: [{ verb: 'fs.admin', scope: '/srv', notAfterMs: 1e9 }] });
    const b = authority.createCSpace('B');
    const c = authority.createCSpace('C');
    const slotB = a.derive(0, b, { verb: 'fs.read', scope: '/srv/www', notAfterMs: 1e9 });
    b.derive(slotB, c, { verb: 'fs.read', scope: '/srv/www/static', notAfterMs: 1e9 });
    expect(b.revoke(slotB)).toBe(2);
    expect(c.size).toBe(0);
    expect(a.size).toBe(1);
  });
});
