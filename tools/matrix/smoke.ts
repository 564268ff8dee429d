/** What the runtime matrix passes to every smoke case. */
export interface SmokeContext {
  /** Which runtime runs the case. */
  runtime: 'node20' | 'node24' | 'deno' | 'bun' | 'chromium';
  /** URL of a file bundled from the same package's test/matrix/ folder, e.g. `worker.js`. */
  url(file: string): URL;
}

/** A package's smoke suite: named cases that throw on failure. */
export type SmokeSuite = Record<string, (ctx: SmokeContext) => unknown | Promise<unknown>>;
