import { describe, expect, it } from 'vitest';
import { ManualClock, Pledge, Unveil } from '../src/index.js';

describe('pledge', () => {
  it('only narrows; a widening attempt is denied and logged', () => {
    const events: string[] = [];
    const pledge = new Pledge({
      fiber: 'web',
      clock: new ManualClock(0),
      audit: (e) => events.push(e.detail),
    });
    expect(pledge.allows('inet')).toBe(true);
    pledge.pledge('stdio rpath inet', 'stdio rpath');
    pledge.pledge('stdio rpath');
    expect(() => pledge.pledge('stdio rpath inet')).toThrow(/PLEDGE_WIDEN/);
    expect(() => pledge.pledge(null, 'stdio rpath wpath')).toThrow(/PLEDGE_WIDEN/);
    expect(pledge.current()).toEqual(['rpath', 'stdio']);
    expect(() => pledge.require('inet')).toThrow(/PLEDGE_VIOLATION/);
    expect(events).toEqual([
      'widen refused: inet',
      'widen refused: exec:wpath',
      'violation: inet not pledged',
    ]);
    expect(() => pledge.pledge('stdio bogus')).toThrow(TypeError);
  });

  it('execpromises become the child state; exec itself must be pledged', () => {
    const pledge = new Pledge({ fiber: 'sh', clock: new ManualClock(0) });
    pledge.pledge('stdio rpath proc exec', 'stdio rpath');
    const child = pledge.forExec('ls');
    expect(child.current()).toEqual(['rpath', 'stdio']);
    expect(() => child.pledge('stdio rpath wpath')).toThrow(/PLEDGE_WIDEN/);
    const noExec = new Pledge({ fiber: 'x', clock: new ManualClock(0) });
    noExec.pledge('stdio');
    expect(() => noExec.forExec('y')).toThrow(/PLEDGE_VIOLATION/);
  });
});

describe('unveil', () => {
  it('everything is visible before the first unveil; afterwards only unveiled paths', () => {
    const view = new Unveil({ fiber: 'w', clock: new ManualClock(0) });
    expect(view.allows('/etc/passwd', 'r')).toBe(true);
    view.unveil('/srv/www', 'r');
    expect(view.allows('/etc/passwd', 'r')).toBe(false);
    expect(() => view.check('/etc/passwd', 'r')).toThrow(/UNVEIL_HIDDEN/);
  });

  it('most specific path wins, in both directions', () => {
    const view = new Unveil({ fiber: 'w', clock: new ManualClock(0) });
    view.unveil('/srv', 'rwc');
    view.unveil('/srv/secret', '');
    view.unveil('/srv/secret/public', 'r');
    expect(view.allows('/srv/a', 'w')).toBe(true);
    expect(view.allows('/srv/secret/key', 'r')).toBe(false);
    expect(() => view.check('/srv/secret/key', 'r')).toThrow(/UNVEIL_PERMISSION/);
    expect(view.allows('/srv/secret/public/x', 'r')).toBe(true);
    expect(view.allows('/srv/secret/public/x', 'w')).toBe(false);
    expect(view.allows('/srvx', 'r')).toBe(false);
  });

  it('lock forbids further unveiling; the same path before lock replaces permissions', () => {
    const view = new Unveil({ fiber: 'w', clock: new ManualClock(0) });
    view.unveil('/scratch', 'rw');
    view.unveil('/scratch', 'r');
    expect(view.permissionsFor('/scratch/x')).toBe('r');
    view.lock();
    expect(() => view.unveil('/scratch', 'rwc')).toThrow(/UNVEIL_LOCKED/);
    expect(() => view.unveil('/etc', 'r')).toThrow(/UNVEIL_LOCKED/);
  });

  it('with a pledge attached, unveil needs the unveil promise', () => {
    const clock = new ManualClock(0);
    const pledge = new Pledge({ fiber: 'w', clock });
    const view = new Unveil({ fiber: 'w', clock, pledge });
    view.unveil('/a', 'r');
    pledge.pledge('stdio rpath');
    expect(() => view.unveil('/b', 'r')).toThrow(/PLEDGE_VIOLATION/);
  });
});
