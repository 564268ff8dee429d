// Grows the heap with brk(2) by 1 MiB at a time and touches every page, forever.
  .global _start
_start:
  mov x0, #0
  mov x8, #214                // brk(0): current break
  svc #0
  mov x19, x0
1:
  add x0, x19, #256, lsl #12  // one more MiB
  mov x8, #214
  svc #0
  mov x20, x19
2:
  strb wzr, [x20]
  add x20, x20, #1, lsl #12   // next page
  cmp x20, x0
  b.lo 2b
  mov x19, x0
  b 1b
