import { describe } from 'vitest';
import { powerLossSuite } from './_plc-suite.js';

describe('power loss', () => {
  powerLossSuite('spi-nand', { rounds: 4, resumeEvery: 32, heavyStride: 16, heavyResumeEvery: 8 });
});
