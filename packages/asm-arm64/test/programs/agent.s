// A small agent: greets, asks its host for the time through the service channel, prints the
// answer, and exits. Request on fd 3: [service u32][function u32][length u32][args];
// response on fd 4: [status u32][length u32][data].
  .global _start
  .equ SYS_READ, 63
  .equ SYS_WRITE, 64
  .equ SYS_EXIT, 93
  .equ SERVICE_CLOCK, 1
  .equ CLOCK_NOW, 1
  .text
_start:
  // print the greeting
  mov x0, #1
  adrp x1, greeting
  add x1, x1, :lo12:greeting
  mov x2, #(greeting_end - greeting)
  mov x8, #SYS_WRITE
  svc #0
  // request: clock.now() with no arguments
  adrp x19, request
  add x19, x19, :lo12:request
  mov w1, #SERVICE_CLOCK
  mov w2, #CLOCK_NOW
  stp w1, w2, [x19]
  str wzr, [x19, #8]
  mov x0, #3
  mov x1, x19
  mov x2, #12
  mov x8, #SYS_WRITE
  svc #0
  tbnz x0, #63, no_channel     // a negative errno: no host on fd 3
  // response header, then the payload
  adrp x20, response
  add x20, x20, :lo12:response
  mov x0, #4
  mov x1, x20
  mov x2, #8
  mov x8, #SYS_READ
  svc #0
  ldp w21, w22, [x20]          // status, length
  cbnz w21, failed
  mov x0, #4
  add x1, x20, #8
  mov x2, x22
  mov x8, #SYS_READ
  svc #0
  // print "time: " and the payload the host sent
  mov x0, #1
  adrp x1, label
  add x1, x1, :lo12:label
  mov x2, #(label_end - label)
  mov x8, #SYS_WRITE
  svc #0
  mov x0, #1
  add x1, x20, #8
  mov x2, x22
  mov x8, #SYS_WRITE
  svc #0
  mov x0, #0
  b 1f
failed:
  mov x0, #1
  b 1f
no_channel:
  mov x0, #2
  adrp x1, absent
  add x1, x1, :lo12:absent
  mov x2, #(absent_end - absent)
  mov x8, #SYS_WRITE
  svc #0
  mov x0, #2
1:
  mov x8, #SYS_EXIT
  svc #0
  .data
greeting: .ascii "hello from the agent\n"
greeting_end:
label: .ascii "time: "
label_end:
absent: .ascii "no service channel here\n"
absent_end:
  .align 3
request: .zero 16
response: .zero 80
