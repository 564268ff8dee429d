// capstone-wasm ships types that its export map does not expose; the part the benchmark uses.
declare module 'capstone-wasm' {
  export interface Insn {
    address: number | bigint;
    size: number;
    mnemonic: string;
    opStr: string;
  }
  export class Capstone {
    constructor(arch: number, mode: number);
    disasm(data: Uint8Array, options?: { address?: number | bigint; count?: number }): Insn[];
    close(): void;
  }
  export const Const: { CS_ARCH_ARM64: number; CS_MODE_ARM: number };
  export function loadCapstone(args?: Record<string, unknown>): Promise<void>;
}
