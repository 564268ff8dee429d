// System calls with buffers the program cannot use: each must return -EFAULT to the program (as
// Linux does) and never fault the sandbox. The negated results are stored as bytes and written
// out at the end: 14 (EFAULT) four times and 0 for an empty write.
  .global _start
  .text
_start:
  adrp x19, results
  add x19, x19, :lo12:results
  // write(1, 0xdead0000, 10): unmapped
  mov x0, #1
  mov x1, #0xdead0000
  mov x2, #10
  mov x8, #64
  svc #0
  neg x0, x0
  strb w0, [x19], #1
  // read(0, _start, 4): a code page is not writable
  mov x0, #0
  adrp x1, _start
  add x1, x1, :lo12:_start
  mov x2, #4
  mov x8, #63
  svc #0
  neg x0, x0
  strb w0, [x19], #1
  // clock_gettime(CLOCK_REALTIME, 0xdead0000)
  mov x0, #0
  mov x1, #0xdead0000
  mov x8, #113
  svc #0
  neg x0, x0
  strb w0, [x19], #1
  // mmap two pages, unmap the second, write 10 bytes across the boundary
  mov x0, #0
  mov x1, #8192
  mov x2, #3            // PROT_READ | PROT_WRITE
  mov x3, #0x22         // MAP_PRIVATE | MAP_ANONYMOUS
  mov x4, #-1
  mov x5, #0
  mov x8, #222
  svc #0
  mov x20, x0
  add x0, x20, #1, lsl #12
  mov x1, #4096
  mov x8, #215          // munmap
  svc #0
  mov x0, #1
  add x1, x20, #4090
  mov x2, #10
  mov x8, #64
  svc #0
  neg x0, x0
  strb w0, [x19], #1
  // write(1, 0xdead0000, 0): nothing to read, nothing wrong
  mov x0, #1
  mov x1, #0xdead0000
  mov x2, #0
  mov x8, #64
  svc #0
  neg x0, x0
  strb w0, [x19], #1
  // write the five results
  mov x0, #1
  adrp x1, results
  add x1, x1, :lo12:results
  mov x2, #5
  mov x8, #64
  svc #0
  mov x0, #0
  mov x8, #93
  svc #0
  .data
results: .zero 8
