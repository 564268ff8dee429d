import { describe, expect, it } from 'vitest';
import { calibrate, EventStream, UnitClassifier, type UnitMeasurement } from '../src/index.js';

const topology = (): UnitMeasurement[] => [
  { id: 'p0', singleThreadScore: 100, throughputScore: 200, powerW: 15 },
  { id: 'p1', singleThreadScore: 97, throughputScore: 200, powerW: 15 },
  { id: 'e0', singleThreadScore: 45, throughputScore: 90, powerW: 3 },
  { id: 'e1', singleThreadScore: 44, throughputScore: 88, powerW: 3 },
  { id: 'gpu-host', singleThreadScore: 60, throughputScore: 800, powerW: 60 },
  { id: 'aon', singleThreadScore: 10, throughputScore: 10, powerW: 0.5, alwaysOn: true },
];

describe('core classification', () => {
  it('names the classes relative to the topology and places the tiers', () => {
    const c = new UnitClassifier();
    const p = c.update(topology(), 0);
    expect(p.classes.sprint).toEqual(['p0', 'p1']);
    expect(p.classes.bulk).toEqual(['gpu-host']);
    expect(p.classes.ember).toEqual(['e0', 'e1']); // aon: 20 per watt, outside the band of 30
    expect(p.classes.vigil).toEqual(['aon']);
    expect(p).toMatchObject({ photon: 'p0', matter: 'gpu-host', gravity: 'e0', void: 'aon' });
  });

  it('a throttled unit leaves Sprint only after 3 confirmations below the hysteresis line, and Photon moves', () => {
    const events = new EventStream(() => 0);
    const c = new UnitClassifier({ band: 0.1, hysteresis: 0.1, confirmations: 3, events });
    const units = topology();
    c.update(units, 0);
    const joins = events.count('reclassify');
    units[0].singleThreadScore = 85; // 15% down: inside band + hysteresis, stays Sprint
    for (let i = 0; i < 5; i++) expect(c.update(units, i).photon).toBe('p0');
    units[0].singleThreadScore = 60; // throttled hard
    expect(c.update(units, 10).photon).toBe('p0');
    expect(c.update(units, 11).photon).toBe('p0');
    const p = c.update(units, 12);
    expect(p.photon).toBe('p1');
    expect(p.classes.sprint).toEqual(['p1']);
    units[0].singleThreadScore = 99; // cooled down: rejoins at once, but Photon stays put
    const back = c.update(units, 13);
    expect(back.classes.sprint).toEqual(['p0', 'p1']);
    expect(back.photon).toBe('p1');
    expect(events.count('reclassify') - joins).toBe(2); // p0 left Sprint, then rejoined
    expect(events.recent().at(-2)?.detail).toEqual({ unit: 'p0', class: 'sprint', joined: false });
  });

  it('a wobbling unit does not flap', () => {
    const c = new UnitClassifier({ confirmations: 3 });
    const units = topology();
    c.update(units, 0);
    const before = c.changes;
    for (let i = 0; i < 100; i++) {
      units[1].singleThreadScore = i % 2 === 0 ? 70 : 95;
      c.update(units, i);
    }
    expect(c.changes).toBe(before);
  });

  it('rejects bad measurements and calibrates', () => {
    const c = new UnitClassifier();
    expect(() => c.update([], 0)).toThrow(RangeError);
    expect(() => c.update([{ id: 'x', singleThreadScore: Number.NaN, throughputScore: 1 }], 0)).toThrow(
      RangeError,
    );
    expect(() =>
      c.update(
        [
          { id: 'x', singleThreadScore: 1, throughputScore: 1 },
          { id: 'x', singleThreadScore: 1, throughputScore: 1 },
        ],
        0,
      ),
    ).toThrow(RangeError);
    expect(calibrate(2)).toBeGreaterThan(0);
  });
});

describe('calibrating worker threads (./node)', () => {
  it('measures each thread alone and together, and the classifier places Photon', async () => {
    const { calibrateThreads } = await import('../src/node/index.js');
    const units = await calibrateThreads(2, 5);
    expect(units.map((u) => u.id)).toEqual(['thread0', 'thread1']);
    for (const u of units) {
      expect(u.singleThreadScore).toBeGreaterThan(0);
      expect(u.throughputScore).toBeGreaterThan(0);
    }
    const p = new UnitClassifier().update(units, 0);
    expect(['thread0', 'thread1']).toContain(p.photon);
    await expect(calibrateThreads(0)).rejects.toThrow(RangeError);
  });
});
