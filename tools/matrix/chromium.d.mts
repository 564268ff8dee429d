import type { Server } from 'node:http';
import type { BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`). */
export declare const CHROMIUM_PATH: string;
/** The flags Chromium needs on a closed, sandbox-less machine. */
export declare const CHROMIUM_ARGS: readonly string[];
/** Serves `dir` on 127.0.0.1 with cross-origin isolation headers. */
export declare function serveIsolated(dir: string): Promise<Server>;
/** Headless Chromium with a fresh profile; `close()` ends it and removes the profile. */
export declare function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }>;
