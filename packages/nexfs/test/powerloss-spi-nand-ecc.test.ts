import { describe } from 'vitest';
import { powerLossSuite } from './_plc-suite.js';

// The SPI NAND part with on-die ECC (the host writes no code): one round of every scenario, so
// both ECC modes are swept at every cut point (spi-nand runs four rounds with host ECC).
describe('power loss', () => {
  powerLossSuite('spi-nand-ecc', { rounds: 1, resumeEvery: 32, heavyStride: 32, heavyResumeEvery: 8 });
});
