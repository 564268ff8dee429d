/**
 * Change detection over a learned baseline. A {@link Baseline} learns a metric's mean and
 * standard deviation with {@link Welford} until it locks (1000 samples by default); after that
 * every sample is standardised, z = (x − μ)/σ, and fed to the chosen detector:
 *
 * - `sigma` (default): a sample with |z| > 3 is a hit; `k` consecutive hits fire an anomaly.
 *   This is the repetition counter of ECSS-E-ST-70-41C PUS service 12 (on-board monitoring):
 *   a check transitions only after `k` consecutive out-of-limit samples.
 * - `cusum`: two-sided tabular CUSUM (Page 1954) with reference `cusumK` and decision interval
 *   `cusumH`, in σ units: S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k).
 * - `ewma`: exponentially weighted moving average (Roberts 1959) of z with weight `ewmaLambda`,
 *   alarm when |E| > L·√(λ/(2 − λ)), the asymptotic control limit.
 *
 * Every mode also keeps the sigma repetition counter, so a sudden large shift is caught by k
 * consecutive 3σ hits even under CUSUM or EWMA.
 *
 * Like a PUS monitoring check, an anomaly is a transition: once fired, the baseline is in alarm
 * and fires no more until `consecutive` in-limit samples in a row bring it back to normal (so a
 * sustained shift is one anomaly, not one every k samples).
 */
import { positive, positiveInt } from './_options.js';
import { Welford } from './welford.js';

/** Which statistic decides an anomaly. */
export type DetectorMode = 'sigma' | 'cusum' | 'ewma';

/** Configuration of a {@link Baseline}. */
export interface BaselineOptions {
  /** Samples learned before the baseline locks (default 1000). */
  lockAfter?: number;
  /** |z| above this is a hit (default 3). */
  sigmaThreshold?: number;
  /** Consecutive hits that fire an anomaly (default 3). */
  consecutive?: number;
  /** Detector used besides the repetition counter (default `sigma`: the counter alone). */
  mode?: DetectorMode;
  /** CUSUM reference value k in σ (default 0.5: tuned to a 1σ shift). */
  cusumK?: number;
  /** CUSUM decision interval h in σ (default 14: about one false alarm per 4·10^6 samples). */
  cusumH?: number;
  /** EWMA weight λ in (0, 1] (default 0.1). */
  ewmaLambda?: number;
  /** EWMA limit L in asymptotic σ of the EWMA (default 5). */
  ewmaL?: number;
  /**
   * Window rule: also fire when the mean z of the last `window` samples exceeds `windowLimit`
   * (0 = off, the default). With window 3 (DESIGN.md §3.5) it catches a
   * 3σ shift in a median of 3 samples at about 0.5 false alarms per 10^6.
   */
  window?: number;
  /** Limit of the window rule in σ of the window mean (default 5.03: two-sided p = 5·10⁻⁷). */
  windowLimit?: number;
  /** Floor on σ, so a constant metric does not turn every jitter into infinite z (default 1e-12). */
  minStddev?: number;
}

/** What one sample did. */
export type Verdict = 'learning' | 'normal' | 'hit' | 'anomaly';

/**
 * A learned baseline of one metric with its change detector.
 *
 * @example
 * ```ts
 * import { Baseline } from '@nexus/scheduler';
 * const b = new Baseline({ lockAfter: 4, consecutive: 2 });
 * for (const x of [10, 11, 9, 10]) b.observe(x); // 'learning' ×4, then locked
 * b.observe(10); // 'normal'
 * b.observe(100); // 'hit'
 * b.observe(100); // 'anomaly'
 * b.observe(100); // 'hit' (in alarm: no second anomaly for the same shift)
 * ```
 */
export class Baseline {
  /** The running statistics (frozen once locked). */
  readonly stats = new Welford();
  private readonly lockAfter: number;
  private readonly threshold: number;
  private readonly consecutive: number;
  private readonly mode: DetectorMode;
  private readonly cusumK: number;
  private readonly cusumH: number;
  private readonly lambda: number;
  private readonly ewmaLimit: number;
  private readonly minStddev: number;
  private readonly window: number;
  private readonly windowThreshold: number;
  private readonly recent: Float64Array;
  private recentCount = 0;
  private recentSum = 0;
  private mu = 0;
  private sigma = 1;
  /** Current run of consecutive hits. */
  hits = 0;
  /** Upper and lower CUSUM sums (σ units). */
  cusumHigh = 0;
  /** Lower CUSUM sum (σ units). */
  cusumLow = 0;
  /** Current EWMA of z. */
  ewma = 0;
  /** Anomalies fired since the baseline locked. */
  anomalies = 0;
  /** True after an anomaly until `consecutive` in-limit samples in a row. */
  inAlarm = false;
  private normalRun = 0;

  constructor(options: BaselineOptions = {}) {
    this.lockAfter = positiveInt(options.lockAfter ?? 1000, 'lockAfter');
    this.threshold = positive(options.sigmaThreshold ?? 3, 'sigmaThreshold');
    this.consecutive = positiveInt(options.consecutive ?? 3, 'consecutive');
    this.mode = options.mode ?? 'sigma';
    if (this.mode !== 'sigma' && this.mode !== 'cusum' && this.mode !== 'ewma')
      throw new RangeError(`mode: sigma, cusum or ewma, got ${String(this.mode)}`);
    this.cusumK = positive(options.cusumK ?? 0.5, 'cusumK');
    this.cusumH = positive(options.cusumH ?? 14, 'cusumH');
    this.lambda = positive(options.ewmaLambda ?? 0.1, 'ewmaLambda');
    if (this.lambda > 1) throw new RangeError('ewmaLambda: at most 1');
    this.ewmaLimit = positive(options.ewmaL ?? 5, 'ewmaL') * Math.sqrt(this.lambda / (2 - this.lambda));
    this.minStddev = positive(options.minStddev ?? 1e-12, 'minStddev');
    this.window = options.window ?? 0;
    if (!Number.isSafeInteger(this.window) || this.window < 0 || this.window > 1024)
      throw new RangeError('window: an integer in 0..1024 is required');
    // The mean of w standard normals has σ = 1/√w: the limit on their sum is limit·√w.
    this.windowThreshold = positive(options.windowLimit ?? 5.03, 'windowLimit') * Math.sqrt(this.window);
    this.recent = new Float64Array(Math.max(1, this.window));
  }

  /** True once the baseline has learned `lockAfter` samples. */
  get locked(): boolean {
    return this.stats.count >= this.lockAfter;
  }
  /** The locked mean (the running mean while learning). */
  get mean(): number {
    return this.locked ? this.mu : this.stats.mean();
  }
  /** The locked standard deviation (the running one while learning). */
  get stddev(): number {
    return this.locked ? this.sigma : this.stats.stddev();
  }

  /** Feeds one sample and returns what it did. After an anomaly the detector state restarts. */
  observe(x: number): Verdict {
    if (!this.locked) {
      this.stats.push(x);
      if (this.locked) {
        this.mu = this.stats.mean();
        this.sigma = Math.max(this.stats.stddev(), this.minStddev);
      }
      return 'learning';
    }
    if (!Number.isFinite(x)) throw new RangeError(`sample: a finite number is required, got ${x}`);
    const z = (x - this.mu) / this.sigma;
    if (this.inAlarm) {
      if (z <= this.threshold && z >= -this.threshold) {
        if (++this.normalRun >= this.consecutive) {
          this.inAlarm = false;
          this.resetDetector();
          return 'normal';
        }
      } else this.normalRun = 0;
      return 'hit';
    }
    let alarm = false;
    if (z > this.threshold || z < -this.threshold) {
      this.hits++;
      if (this.hits >= this.consecutive) alarm = true;
    } else {
      this.hits = 0;
    }
    if (this.window > 0) {
      const slot = this.recentCount % this.window;
      this.recentSum += z - this.recent[slot];
      this.recent[slot] = z;
      this.recentCount++;
      if (
        this.recentCount >= this.window &&
        (this.recentSum > this.windowThreshold || this.recentSum < -this.windowThreshold)
      )
        alarm = true;
    }
    if (this.mode === 'cusum') {
      this.cusumHigh = Math.max(0, this.cusumHigh + z - this.cusumK);
      this.cusumLow = Math.max(0, this.cusumLow - z - this.cusumK);
      if (this.cusumHigh > this.cusumH || this.cusumLow > this.cusumH) alarm = true;
    } else if (this.mode === 'ewma') {
      this.ewma += this.lambda * (z - this.ewma);
      if (this.ewma > this.ewmaLimit || this.ewma < -this.ewmaLimit) alarm = true;
    }
    if (alarm) {
      this.anomalies++;
      this.resetDetector();
      this.inAlarm = true;
      this.normalRun = 0;
      return 'anomaly';
    }
    return this.hits > 0 ? 'hit' : 'normal';
  }

  /** Clears the detector state (hit run, CUSUM sums, EWMA) but keeps the learned baseline. */
  resetDetector(): void {
    this.hits = 0;
    this.cusumHigh = 0;
    this.cusumLow = 0;
    this.ewma = 0;
    this.recent.fill(0);
    this.recentCount = 0;
    this.recentSum = 0;
  }

  /** Forgets everything, including the learned baseline. */
  relearn(): void {
    this.stats.reset();
    this.resetDetector();
    this.anomalies = 0;
    this.inAlarm = false;
    this.normalRun = 0;
  }
}
