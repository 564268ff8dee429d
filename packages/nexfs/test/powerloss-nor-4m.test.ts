import { describe } from 'vitest';
import { powerLossSuite } from './_plc-suite.js';

describe('power loss', () => {
  powerLossSuite('nor-4m', { rounds: 25, resumeEvery: 32, heavyStride: 1, heavyResumeEvery: 16 });
});
