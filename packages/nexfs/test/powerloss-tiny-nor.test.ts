import { describe } from 'vitest';
import { powerLossSuite } from './_plc-suite.js';

describe('power loss', () => {
  powerLossSuite('tiny-nor', { rounds: 29, resumeEvery: 32, heavyStride: 1, heavyResumeEvery: 16 });
});
