import { describe } from 'vitest';
import { powerLossSuite } from './_plc-suite.js';

describe('power loss', () => {
  powerLossSuite('nand-large', { rounds: 2, resumeEvery: 32, heavyStride: 128, heavyResumeEvery: 4 });
});
