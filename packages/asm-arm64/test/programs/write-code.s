// Overwrites its own first instruction: code pages are never writable (W^X).
  .global _start
_start:
  adr x0, _start
  movz w1, #0xd503, lsl #16
  movk w1, #0x201f
  str w1, [x0]
  mov x8, #93
  svc #0
