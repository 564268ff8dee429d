// Sums 1/k^2 for k = 1..1000 in double precision (the Basel series), then writes the eight bytes
// of the sum and the single-precision rounding of pi^2/6 it approaches, and exits with 0.
  .global _start
  .text
_start:
  fmov d0, #1.0          // one
  fmov d1, xzr           // sum
  mov x1, #1             // k
1:
  scvtf d2, x1
  fmul d2, d2, d2        // k^2
  fdiv d3, d0, d2        // 1/k^2
  fadd d1, d1, d3
  add x1, x1, #1
  cmp x1, #1000
  b.le 1b
  fcvt s4, d1
  adrp x2, out
  add x2, x2, :lo12:out
  str d1, [x2]
  str s4, [x2, #8]
  mov x0, #1
  mov x1, x2
  mov x2, #12
  mov x8, #64
  svc #0
  mov x0, #0
  mov x8, #93
  svc #0
  .data
out: .zero 16
