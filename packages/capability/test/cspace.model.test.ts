/** CSpace + derivation tree + revoke against the reference model of `_model.ts`: 10^5 sequences. */
import { describe, expect, it } from 'vitest';
import { OPS_PER_SEQUENCE, runModelSequence } from './_model.js';

const SEQUENCES = 100_000;

describe('CSpace against a reference model', () => {
  it(`agrees on ${SEQUENCES} random operation sequences`, () => {
    let ops = 0;
    let checks = 0;
    let respawns = 0;
    let failedSpawns = 0;
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const result = runModelSequence(seed);
      ops += result.ops;
      checks += result.checks;
      respawns += result.respawns;
      failedSpawns += result.failedSpawns;
    }
    console.log(
      `model sequences: ${SEQUENCES} (${ops} operations, ${checks} checks compared, ${respawns} respawns, ${failedSpawns} refused manifests)`,
    );
    expect(ops).toBe(SEQUENCES * OPS_PER_SEQUENCE);
  });
});
