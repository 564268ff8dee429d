/**
 * The sandbox: loads a static AArch64 ELF into paged memory, runs it on the interpreter with a
 * step budget, and serves a Linux-like system-call layer limited to an allowlist. Programs reach
 * their host through the service channel on file descriptors 3 (requests) and 4 (responses).
 * Every way a program can end is a typed result; the host never hangs.
 * @module
 */

import { type Executable, parseElf } from './elf';
import { Cpu, Trap } from './interpreter';
import { Memory, MemoryFault, PAGE_BYTES, PERM } from './memory';

/** Linux AArch64 system-call numbers (include/uapi/asm-generic/unistd.h). */
export const SYSCALL = {
  /** read(fd, buf, count): fd 0 (stdin) and fd 4 (service responses). */
  read: 63,
  /** write(fd, buf, count): fds 1, 2 and 3 (service requests). */
  write: 64,
  /** exit(status). */
  exit: 93,
  /** exit_group(status). */
  exitGroup: 94,
  /** clock_gettime(clock, timespec), from the clock port. */
  clockGettime: 113,
  /** brk(address), within the memory ceiling. */
  brk: 214,
  /** munmap(address, length). */
  munmap: 215,
  /** mmap(0, length, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), never writable and executable. */
  mmap: 222,
} as const;

/** Errno values returned (negated) in x0 (include/uapi/asm-generic/errno-base.h). */
export const ERRNO = {
  /** Bad file descriptor. */
  EBADF: 9,
  /** Try again. */
  EAGAIN: 11,
  /** Out of memory. */
  ENOMEM: 12,
  /** Permission denied (a W+X mapping). */
  EACCES: 13,
  /** Bad address. */
  EFAULT: 14,
  /** Invalid argument. */
  EINVAL: 22,
  /** Service request larger than `maxRequestBytes`. */
  EMSGSIZE: 90,
} as const;

/** File descriptors of the service channel. */
export const SERVICE_FD = {
  /** The program writes requests here. */
  request: 3,
  /** The program reads responses here. */
  response: 4,
} as const;

/** A service's answer to one request. */
export interface ServiceResponse {
  /** Status word: 0 for success by convention. */
  status: number;
  /** Response payload. */
  data: Uint8Array;
}

/** Host handler for service requests: `(service, function, args)` to a response. */
export type ServiceHandler = (service: number, fn: number, args: Uint8Array) => ServiceResponse;

/** How a sandboxed run ended. */
export type RunResult =
  | {
      /** The program called exit or exit_group. */
      kind: 'exit';
      /** Exit status (low 8 bits). */
      code: number;
    }
  | {
      /** The step budget ran out. */
      kind: 'step-limit';
    }
  | {
      /** A system call outside the allowlist. */
      kind: 'forbidden-syscall';
      /** Its number (x8). */
      number: number;
    }
  | {
      /** Mapping more memory would pass the ceiling. */
      kind: 'memory-limit';
      /** Address of the refused mapping. */
      address: number;
    }
  | {
      /** An access the page permissions forbid. */
      kind: 'fault';
      /** `unmapped`, `write-protect` (including writes to code) or `exec-protect`. */
      reason: 'unmapped' | 'write-protect' | 'exec-protect';
      /** Faulting address. */
      address: number;
    }
  | {
      /** A word outside the interpreter's subset or UNDEFINED. */
      kind: 'undefined-instruction';
      /** The word. */
      word: number;
    }
  | {
      /** A BRK instruction. */
      kind: 'breakpoint';
      /** Its immediate. */
      imm: number;
    }
  | {
      /** stdout and stderr passed `outputLimitBytes`. */
      kind: 'output-limit';
    };

/** Sandbox limits and ports. */
export interface SandboxOptions {
  /** Instructions allowed before the run stops with `step-limit` (default 100,000,000). */
  stepBudget?: number;
  /** Ceiling on mapped memory in bytes (default 256 MiB). */
  memoryLimitBytes?: number;
  /** Stack size in bytes (default 1 MiB). */
  stackBytes?: number;
  /** Bytes a program may write to stdout and stderr together (default 16 MiB). */
  outputLimitBytes?: number;
  /** Largest service request, header included (default 64 KiB). */
  maxRequestBytes?: number;
  /** Standard input. */
  stdin?: Uint8Array;
  /** Service handler; absent means every request is answered with status 1 (no such service). */
  services?: ServiceHandler;
  /** Clock port for clock_gettime: nanoseconds since the epoch (default: `performance` time). */
  clockNs?: () => bigint;
}

/** The outcome of a run: result, output and final state. */
export interface RunReport {
  /** How it ended. */
  result: RunResult;
  /** Bytes written to fd 1. */
  stdout: Uint8Array;
  /** Bytes written to fd 2. */
  stderr: Uint8Array;
  /** x0..x30 and SP at the end. */
  registers: bigint[];
  /** NZCV at the end (bits 3..0 = N, Z, C, V). */
  nzcv: number;
  /** Instructions executed. */
  steps: number;
  /** Service requests served. */
  requests: number;
}

/** Top of the stack (the address above its last byte). */
export const STACK_TOP = 0x7fff_0000_0000;
/** Base of the region `mmap` allocates from. */
export const MMAP_BASE = 0x10_0000_0000;

const DEFAULT_STEP_BUDGET = 100_000_000;
const DEFAULT_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;
const DEFAULT_STACK_BYTES = 1024 * 1024;
const DEFAULT_OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
/** Steps run between checks of the budget (the interpreter's inner loop length). */
const SLICE_STEPS = 65_536;

class Stop {
  constructor(readonly result: RunResult) {}
}

class Output {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function u32(bytes: Uint8Array, o: number): number {
  return (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
}

/**
 * Runs a static AArch64 ELF executable in the sandbox.
 *
 * @example
 * ```ts
 * const elf = toElf(assemble('_start: mov x0, #3\n mov x8, #93\n svc #0'));
 * runElf(elf).result; // { kind: 'exit', code: 3 }
 * ```
 */
export function runElf(elf: Uint8Array | Executable, options: SandboxOptions = {}): RunReport {
  const exe = elf instanceof Uint8Array ? parseElf(elf) : elf;
  const stepBudget = options.stepBudget ?? DEFAULT_STEP_BUDGET;
  if (!Number.isSafeInteger(stepBudget) || stepBudget < 0)
    throw new RangeError('stepBudget: expected a non-negative integer');
  const memory = new Memory(options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES);
  const outputLimit = options.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT_BYTES;
  const maxRequest = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const stdin = options.stdin ?? new Uint8Array(0);
  const clockNs =
    options.clockNs ?? (() => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)));
  const cpu = new Cpu(memory);
  const stdout = new Output();
  const stderr = new Output();
  let stdinOffset = 0;
  let request = new Uint8Array(0);
  let response = new Uint8Array(0);
  let requests = 0;

  const report = (result: RunResult): RunReport => ({
    result,
    stdout: stdout.bytes(),
    stderr: stderr.bytes(),
    registers: cpu.x.slice(),
    nzcv: cpu.nzcv,
    steps: cpu.steps,
    requests,
  });

  // Load: each segment keeps its ELF permissions; W+X segments are refused (W^X).
  let brkStart = 0;
  try {
    for (const s of exe.segments) {
      if (s.flags.write && s.flags.execute)
        return report({ kind: 'fault', reason: 'write-protect', address: s.address });
      const perm =
        (s.flags.read ? PERM.read : 0) |
        (s.flags.write ? PERM.write : 0) |
        (s.flags.execute ? PERM.execute : 0);
      memory.map(s.address, s.memoryBytes, PERM.read | PERM.write);
      memory.load(s.address, s.bytes);
      memory.map(s.address, s.memoryBytes, perm);
      brkStart = Math.max(brkStart, Math.ceil((s.address + s.memoryBytes) / PAGE_BYTES) * PAGE_BYTES);
    }
    const stackBytes = options.stackBytes ?? DEFAULT_STACK_BYTES;
    memory.map(STACK_TOP - stackBytes, stackBytes, PERM.read | PERM.write);
  } catch (e) {
    if (e instanceof MemoryFault) return report({ kind: 'memory-limit', address: e.address });
    throw e;
  }
  // Initial stack as Linux leaves it: argc = 0, argv and envp empty, auxv AT_NULL.
  cpu.x[31] = BigInt(STACK_TOP - 64);
  cpu.pc = exe.entry;
  let brk = brkStart;
  let mmapNext = MMAP_BASE;

  const serve = () => {
    // Complete frames in the request buffer: [service u32][function u32][length u32][args].
    while (request.length >= 12) {
      const length = u32(request, 8);
      if (request.length < 12 + length) break;
      const service = u32(request, 0);
      const fn = u32(request, 4);
      const args = request.slice(12, 12 + length);
      request = request.slice(12 + length);
      requests++;
      const r = options.services
        ? options.services(service, fn, args)
        : { status: 1, data: new Uint8Array(0) };
      const frame = new Uint8Array(8 + r.data.length);
      const v = new DataView(frame.buffer);
      v.setUint32(0, r.status >>> 0, true);
      v.setUint32(4, r.data.length, true);
      frame.set(r.data, 8);
      const joined = new Uint8Array(response.length + frame.length);
      joined.set(response, 0);
      joined.set(frame, response.length);
      response = joined;
    }
  };

  /** Serves one system call; returns the value for x0. */
  const syscall = (): number | bigint => {
    const nr = Number(cpu.x[8]);
    const a0 = cpu.x[0];
    const a1 = cpu.x[1];
    const a2 = cpu.x[2];
    const ret = (v: number | bigint) => v;
    switch (nr) {
      case SYSCALL.exit:
      case SYSCALL.exitGroup:
        throw new Stop({ kind: 'exit', code: Number(a0 & 0xffn) });
      case SYSCALL.write: {
        const fd = Number(a0);
        if (fd !== 1 && fd !== 2 && fd !== SERVICE_FD.request) return ret(-ERRNO.EBADF);
        // A buffer the program cannot read is its error, not the sandbox's: EFAULT, as Linux.
        if (!memory.accessible(a1, a2, PERM.read)) return ret(-ERRNO.EFAULT);
        const bytes = memory.read(Number(a1), Number(a2));
        if (fd === SERVICE_FD.request) {
          if (request.length + bytes.length > maxRequest) return ret(-ERRNO.EMSGSIZE);
          const joined = new Uint8Array(request.length + bytes.length);
          joined.set(request, 0);
          joined.set(bytes, request.length);
          request = joined;
          serve();
          return ret(bytes.length);
        }
        if (stdout.length + stderr.length + bytes.length > outputLimit)
          throw new Stop({ kind: 'output-limit' });
        (fd === 1 ? stdout : stderr).push(bytes);
        return ret(bytes.length);
      }
      case SYSCALL.read: {
        const fd = Number(a0);
        if (fd !== 0 && fd !== SERVICE_FD.response) return ret(-ERRNO.EBADF);
        // The whole buffer must be writable before anything is consumed: EFAULT otherwise (the
        // program's error, as Linux and QEMU report it, not a fault of the sandbox).
        if (!memory.accessible(a1, a2, PERM.write)) return ret(-ERRNO.EFAULT);
        const want = Number(a2 > 1n << 30n ? 1n << 30n : a2);
        let src: Uint8Array;
        if (fd === 0) {
          src = stdin.subarray(stdinOffset, stdinOffset + want);
          stdinOffset += src.length;
        } else {
          src = response.subarray(0, want);
          response = response.slice(src.length);
        }
        memory.write(Number(a1), src);
        return ret(src.length);
      }
      case SYSCALL.clockGettime: {
        if (!memory.accessible(a1, 16n, PERM.write)) return ret(-ERRNO.EFAULT);
        const ns = clockNs();
        memory.write64(Number(a1), ns / 1_000_000_000n);
        memory.write64(Number(a1) + 8, ns % 1_000_000_000n);
        return ret(0);
      }
      case SYSCALL.brk: {
        const want = Number(a0);
        if (want <= brk) return ret(brk);
        const top = Math.ceil(want / PAGE_BYTES) * PAGE_BYTES;
        memory.map(brk, top - brk, PERM.read | PERM.write);
        brk = want;
        return ret(brk);
      }
      case SYSCALL.mmap: {
        const length = Number(a1);
        const prot = Number(a2);
        const flags = Number(cpu.x[3]);
        const PROT_WRITE = 2;
        const PROT_EXEC = 4;
        const MAP_ANONYMOUS = 0x20;
        if ((prot & PROT_WRITE) !== 0 && (prot & PROT_EXEC) !== 0) return ret(-ERRNO.EACCES);
        if ((flags & MAP_ANONYMOUS) === 0 || length <= 0) return ret(-ERRNO.EINVAL);
        const size = Math.ceil(length / PAGE_BYTES) * PAGE_BYTES;
        const perm = PERM.read | (prot & PROT_WRITE ? PERM.write : 0) | (prot & PROT_EXEC ? PERM.execute : 0);
        memory.map(mmapNext, size, perm);
        const at = mmapNext;
        mmapNext += size + PAGE_BYTES;
        return ret(at);
      }
      case SYSCALL.munmap:
        memory.unmap(Number(a0), Number(a1));
        return ret(0);
      default:
        throw new Stop({ kind: 'forbidden-syscall', number: nr });
    }
  };

  for (;;) {
    try {
      const left = stepBudget - cpu.steps;
      if (left <= 0) return report({ kind: 'step-limit' });
      cpu.run(Math.min(left, SLICE_STEPS));
    } catch (e) {
      if (e instanceof Trap) {
        if (e.kind === 'svc') {
          try {
            cpu.steps++;
            cpu.x[0] = BigInt.asUintN(64, BigInt(syscall()));
            continue;
          } catch (inner) {
            if (inner instanceof Stop) return report(inner.result);
            if (inner instanceof MemoryFault) return report(faultResult(inner));
            throw inner;
          }
        }
        if (e.kind === 'brk') return report({ kind: 'breakpoint', imm: e.value });
        return report({ kind: 'undefined-instruction', word: e.value });
      }
      if (e instanceof MemoryFault) return report(faultResult(e));
      throw e;
    }
  }
}

function faultResult(e: MemoryFault): RunResult {
  if (e.reason === 'memory-limit') return { kind: 'memory-limit', address: e.address };
  return { kind: 'fault', reason: e.reason, address: e.address };
}
