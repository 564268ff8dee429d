// Tries mprotect(2), which is not on the allowlist.
  .global _start
_start:
  adrp x0, _start
  mov x1, #4096
  mov x2, #7                  // PROT_READ | PROT_WRITE | PROT_EXEC
  mov x8, #226                // mprotect
  svc #0
  mov x8, #93
  svc #0
