// A web-worker fiber that hangs once, at step 5 of its first run, then finishes at step 10.
import { selfPort, serveFiber } from '@nexus/scheduler';

serveFiber(selfPort(), function* (ctx) {
  let n = ctx.restored ? ctx.restored[0] : 0;
  for (;;) {
    n++;
    ctx.checkpoint(new Uint8Array([n]));
    if (n === 5 && ctx.restarts === 0) for (;;) {}
    yield;
    if (n >= 10) return;
  }
});
