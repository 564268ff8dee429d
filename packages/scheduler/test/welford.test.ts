import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Baseline, SeededRandom, Welford } from '../src/index.js';

interface Strd {
  name: string;
  n: number;
  certified: { mean: string; stddev: string };
  values: string[];
}
const load = (name: string): Strd =>
  JSON.parse(readFileSync(new URL(`./vectors/nist-strd/${name}.json`, import.meta.url), 'utf8'));

/** Log relative error: correct significant digits, capped at 15 (NIST certifies 15 digits). */
function lre(x: number, certified: number): number {
  if (x === certified) return 15;
  return Math.min(15, -Math.log10(Math.abs(x - certified) / Math.abs(certified)));
}

/**
 * The float64 ceiling: the exact sample standard deviation of the float64-parsed inputs,
 * computed in BigInt arithmetic and rounded once. No float64 algorithm can beat it, because the
 * inputs themselves (10000000.1 → 10000000.099999999627…) already differ from the decimals.
 */
function exactStddev(values: number[]): number {
  const FRACTION_BITS = 80n;
  const ints = values.map((v) => {
    // Every float64 here is m·2^e with e ≥ −80: scale exactly by 2^80.
    const [m, e] = decompose(v);
    const shift = e + FRACTION_BITS;
    if (shift < 0n) throw new Error('value needs more than 80 fraction bits');
    return m << shift;
  });
  const n = BigInt(values.length);
  let sum = 0n;
  let sumSq = 0n;
  for (const a of ints) {
    sum += a;
    sumSq += a * a;
  }
  const numerator = n * sumSq - sum * sum; // = n(n−1)·var·2^160
  const PRECISION = 128n;
  const scaled = (numerator << (2n * PRECISION)) / (n * (n - 1n));
  const root = isqrt(scaled); // sd · 2^(80+128)
  return Number(root) / 2 ** Number(FRACTION_BITS + PRECISION);
}
function decompose(v: number): [bigint, bigint] {
  if (v === 0) return [0n, 0n];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exponent = (bits >> 52n) & 0x7ffn;
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = exponent === 0n ? fraction : fraction | (1n << 52n);
  return [sign * mantissa, (exponent === 0n ? 1n : exponent) - 1075n];
}
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && x * x <= n && (x + 1n) * (x + 1n) > n) return x;
    x = y;
  }
}

describe('NIST StRD univariate: Welford (shifted) standard deviation', () => {
  const names = [
    'Lew',
    'Lottery',
    'Mavro',
    'Michelso',
    'PiDigits',
    'NumAcc1',
    'NumAcc2',
    'NumAcc3',
    'NumAcc4',
  ];
  const minimum: Record<string, number> = { NumAcc4: 8.2, Mavro: 13 };
  for (const name of names) {
    it(`${name}: within 0.05 digits of the float64 ceiling`, () => {
      const set = load(name);
      const xs = set.values.map(Number);
      expect(xs.length).toBe(set.n);
      const w = new Welford();
      for (const x of xs) w.push(x);
      const certified = Number(set.certified.stddev);
      const ours = lre(w.stddev(), certified);
      const ceiling = lre(exactStddev(xs), certified);
      const meanLre = lre(w.mean(), Number(set.certified.mean));
      console.log(
        `nist ${name}: sd LRE ${ours.toFixed(2)} (float64 ceiling ${ceiling.toFixed(2)}), mean LRE ${meanLre.toFixed(2)}`,
      );
      expect(ours).toBeGreaterThanOrEqual(ceiling - 0.05);
      if (minimum[name]) expect(ours).toBeGreaterThanOrEqual(minimum[name]);
      expect(meanLre).toBeGreaterThanOrEqual(13);
    });
  }

  it('the naive sum-of-squares formula fails NumAcc4 (why the shifted form is needed)', () => {
    const xs = load('NumAcc4').values.map(Number);
    let s = 0;
    let s2 = 0;
    for (const x of xs) {
      s += x;
      s2 += x * x;
    }
    const naive = Math.sqrt(Math.max(0, (s2 - (s * s) / xs.length) / (xs.length - 1)));
    expect(lre(naive, 0.1)).toBeLessThan(4);
  });
});

describe('Welford properties', () => {
  it('matches the two-pass formula on arbitrary data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 200 }),
        (xs) => {
          const w = new Welford();
          for (const x of xs) w.push(x);
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
          const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
          expect(w.mean()).toBeCloseTo(mean, 4);
          expect(Math.abs(w.variance() - variance)).toBeLessThanOrEqual(1e-6 * Math.max(1, variance));
          // Numeric equality: for [-0, 0] Math.max picks +0, a comparison keeps the first zero.
          expect(w.min === Math.min(...xs)).toBe(true);
          expect(w.max === Math.max(...xs)).toBe(true);
        },
      ),
    );
  });
  it('rejects non-finite samples without corrupting state', () => {
    const w = new Welford();
    w.push(1);
    w.push(3);
    expect(() => w.push(Number.NaN)).toThrow(RangeError);
    expect(w.mean()).toBe(2);
  });
});

describe('Baseline detector', () => {
  it('learns, locks after lockAfter samples and fires after k consecutive 3σ hits', () => {
    const rng = new SeededRandom(1);
    const b = new Baseline();
    for (let i = 0; i < 1000; i++) expect(b.observe(10 + rng.gaussian())).toBe('learning');
    expect(b.locked).toBe(true);
    expect(b.mean).toBeCloseTo(10, 1);
    expect(b.stddev).toBeCloseTo(1, 1);
    expect(b.observe(10)).toBe('normal');
    expect(b.observe(20)).toBe('hit');
    expect(b.observe(20)).toBe('hit');
    expect(b.observe(10)).toBe('normal'); // the run is broken: the counter restarts
    expect(b.observe(20)).toBe('hit');
    expect(b.observe(-20)).toBe('hit');
    expect(b.observe(20)).toBe('anomaly');
    expect(b.anomalies).toBe(1);
  });
  it('CUSUM catches a sustained 1σ shift that the 3σ counter misses', () => {
    const rng = new SeededRandom(2);
    const sigma = new Baseline({ lockAfter: 500 });
    const cusum = new Baseline({ lockAfter: 500, mode: 'cusum' });
    for (let i = 0; i < 500; i++) {
      const x = rng.gaussian();
      sigma.observe(x);
      cusum.observe(x);
    }
    let cusumAt = -1;
    for (let i = 0; i < 200; i++) {
      const x = 1 + rng.gaussian();
      sigma.observe(x);
      if (cusum.observe(x) === 'anomaly' && cusumAt < 0) cusumAt = i;
    }
    expect(cusumAt).toBeGreaterThanOrEqual(0);
    expect(cusumAt).toBeLessThan(100);
  });
  it('EWMA catches a sustained 2σ shift', () => {
    const rng = new SeededRandom(3);
    const b = new Baseline({ lockAfter: 200, mode: 'ewma' });
    for (let i = 0; i < 200; i++) b.observe(rng.gaussian());
    let at = -1;
    for (let i = 0; i < 100 && at < 0; i++) if (b.observe(2 + rng.gaussian()) === 'anomaly') at = i;
    expect(at).toBeGreaterThanOrEqual(0);
  });
  it('rejects bad options', () => {
    expect(() => new Baseline({ lockAfter: 0 })).toThrow(RangeError);
    expect(() => new Baseline({ mode: 'nope' as never })).toThrow(RangeError);
    expect(() => new Baseline({ ewmaLambda: 2 })).toThrow(RangeError);
  });
});

describe('alarm state (one anomaly per sustained shift)', () => {
  it('a sustained shift fires once; back in limits for k samples re-arms the detector', () => {
    const b = new Baseline({ lockAfter: 3, consecutive: 2 });
    for (const x of [9, 10, 11]) b.observe(x);
    expect([10, 50, 50, 50, 50, 50].map((x) => b.observe(x))).toEqual([
      'normal',
      'hit',
      'anomaly',
      'hit',
      'hit',
      'hit',
    ]);
    expect(b.inAlarm).toBe(true);
    expect([10, 50, 10, 10].map((x) => b.observe(x))).toEqual(['hit', 'hit', 'hit', 'normal']);
    expect(b.inAlarm).toBe(false);
    expect([50, 50].map((x) => b.observe(x))).toEqual(['hit', 'anomaly']);
    expect(b.anomalies).toBe(2);
  });
});

describe('window rule', () => {
  it('CUSUM with a 3-sample window catches a 3σ shift within 3 samples in most trials', () => {
    let within3 = 0;
    for (let t = 0; t < 200; t++) {
      const rng = new SeededRandom(500 + t);
      const b = new Baseline({ lockAfter: 500, mode: 'cusum', window: 3 });
      for (let i = 0; i < 500; i++) b.observe(rng.gaussian());
      for (let i = 1; i <= 3; i++) {
        if (b.observe(3 + rng.gaussian()) === 'anomaly') {
          within3++;
          break;
        }
      }
    }
    expect(within3).toBeGreaterThan(100); // median latency ≤ 3 samples
  });
  it('rejects a bad window', () => {
    expect(() => new Baseline({ window: -1 })).toThrow(RangeError);
    expect(() => new Baseline({ window: 2.5 })).toThrow(RangeError);
  });
});
