/**
 * Loads @biscuit-auth/biscuit-wasm without --experimental-wasm-modules: the package is built for
 * bundlers (it imports its .wasm as a module), so the bench instantiates the WebAssembly itself and
 * hands it to the generated bindings, as the package's own entry does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// biome-ignore lint/suspicious/noExplicitAny: the generated bindings are untyped at this level.
export type BiscuitModule = any;

export async function loadBiscuit(): Promise<BiscuitModule | string> {
  try {
    const entry = import.meta.resolve('@biscuit-auth/biscuit-wasm');
    const bindings = await import(new URL('./biscuit_bg.js', entry).href);
    const bytes = readFileSync(fileURLToPath(new URL('./biscuit_bg.wasm', entry)));
    const module = await WebAssembly.compile(bytes);
    const imports: Record<string, WebAssembly.ModuleImports> = {};
    for (const { module: name } of WebAssembly.Module.imports(module)) {
      if (imports[name]) continue;
      imports[name] = name === './biscuit_bg.js' ? bindings : await import(new URL(name, entry).href);
    }
    const instance = await WebAssembly.instantiate(module, imports);
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bindings;
  } catch (error) {
    return `cannot load @biscuit-auth/biscuit-wasm: ${(error as Error).message}`;
  }
}
