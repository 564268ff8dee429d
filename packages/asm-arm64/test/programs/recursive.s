// Recursive Fibonacci: fib(n) = fib(n-1) + fib(n-2), with a frame per call; prints fib(20).
  .global _start
  .text
_start:
  mov x0, #20
  bl fib
  mov x19, x0                 // 6765
  // Print x19 in decimal.
  adrp x20, digits_end
  add x20, x20, :lo12:digits_end
  mov x21, #10
  mov x22, #0
1:
  udiv x2, x19, x21
  msub x3, x2, x21, x19
  add x3, x3, #48
  sub x20, x20, #1
  strb w3, [x20]
  add x22, x22, #1
  mov x19, x2
  cbnz x19, 1b
  mov x0, #1
  mov x1, x20
  mov x2, x22
  mov x8, #64
  svc #0
  mov x0, #0
  mov x8, #93
  svc #0

// fib(x0) -> x0
fib:
  cmp x0, #2
  b.lo 2f
  stp x29, x30, [sp, #-32]!
  mov x29, sp
  str x19, [sp, #16]
  sub x19, x0, #1
  mov x0, x19
  bl fib
  str x0, [sp, #24]
  sub x0, x19, #1
  bl fib
  ldr x1, [sp, #24]
  add x0, x0, x1
  ldr x19, [sp, #16]
  ldp x29, x30, [sp], #32
2:
  ret
  .data
digits: .zero 24
digits_end:
