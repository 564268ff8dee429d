// FNV-1a (64-bit) over a 4000-byte buffer filled by a linear congruential generator; prints the
// hash as 16 hex digits and exits with its low byte.
  .global _start
  .equ LENGTH, 4000
  .text
_start:
  adrp x19, buffer
  add x19, x19, :lo12:buffer
  // Fill: x = x * 6364136223846793005 + 1442695040888963407.
  ldr x1, =6364136223846793005
  ldr x2, =1442695040888963407
  mov x3, #12345
  mov x4, #0
1:
  madd x3, x3, x1, x2
  lsr x5, x3, #56
  strb w5, [x19, x4]
  add x4, x4, #1
  cmp x4, #LENGTH
  b.lo 1b
  // Hash.
  ldr x6, =0xcbf29ce484222325     // FNV offset basis
  ldr x7, =0x100000001b3          // FNV prime
  mov x4, #0
2:
  ldrb w5, [x19, x4]
  eor x6, x6, x5
  mul x6, x6, x7
  add x4, x4, #1
  cmp x4, #LENGTH
  b.ne 2b
  // Format 16 hex digits into out[].
  adrp x20, out
  add x20, x20, :lo12:out
  mov x4, #15
3:
  and x5, x6, #0xf
  cmp x5, #10
  add x8, x5, #'0'
  add x9, x5, #('a' - 10)
  csel x5, x8, x9, lo
  strb w5, [x20, x4]
  lsr x6, x6, #4
  subs x4, x4, #1
  b.ge 3b
  mov x0, #1
  mov x1, x20
  mov x2, #17
  mov x8, #64
  svc #0
  ldrb w0, [x20, #15]
  mov x8, #93
  svc #0
  .data
out: .ascii "0000000000000000\n"
  .align 4
buffer: .zero LENGTH
