// Writes a greeting and exits with status 0.
  .global _start
  .text
_start:
  mov x0, #1
  adrp x1, greeting
  add x1, x1, :lo12:greeting
  mov x2, #(greeting_end - greeting)
  mov x8, #64          // write
  svc #0
  mov x0, #0
  mov x8, #93          // exit
  svc #0
  .data
greeting: .ascii "hello, world\n"
greeting_end:
