// Chooses the kernel path: MYELIN_ACCEL=native|wasm|js|auto (auto: the best
// that loads). A path that fails to load is reported, never fatal.
//
// The wasm and js modules are loaded when first asked for (a server on the native
// path never runs them: ~0.2 MB resident less), synchronously through require() of
// ES modules (Node ≥ 20.19 / 22.12); where Node cannot do that, at import as before.
import { createRequire } from 'node:module';
import type { AccelPath, Kernels } from './types.js';
import { ACCEL_PATHS } from './types.js';
import { createNativeKernels } from './native/index.js';

export * from './types.js';

export type AccelChoice = AccelPath | 'auto';

export interface LoadAttempt {
  readonly path: AccelPath;
  readonly loaded: boolean;
  /** why it did not load */
  readonly error?: string;
}

const requireModule = createRequire(import.meta.url);
const factories: Record<AccelPath, () => Kernels> = {
  native: createNativeKernels,
  wasm: () => (requireModule('./wasm/index.js') as typeof import('./wasm/index.js')).createWasmKernels(),
  js: () => (requireModule('./js/index.js') as typeof import('./js/index.js')).createJsKernels(),
};
if (!(process.features as { require_module?: boolean }).require_module) {
  const [wasm, js] = await Promise.all([import('./wasm/index.js'), import('./js/index.js')]);
  factories.wasm = wasm.createWasmKernels;
  factories.js = js.createJsKernels;
}

const cache = new Map<AccelPath, Kernels | Error>();

/** Loads one path, or returns the Error that stopped it. Cached. */
export function tryLoadKernels(path: AccelPath): Kernels | Error {
  let entry = cache.get(path);
  if (entry === undefined) {
    try {
      entry = factories[path]();
    } catch (err) {
      entry = err instanceof Error ? err : new Error(String(err));
    }
    cache.set(path, entry);
  }
  return entry;
}

/** Every path with whether it loaded, best first. */
export function probeKernels(): LoadAttempt[] {
  return ACCEL_PATHS.map((path) => {
    const k = tryLoadKernels(path);
    return k instanceof Error ? { path, loaded: false, error: k.message } : { path, loaded: true };
  });
}

export function parseAccelChoice(value: string | undefined): AccelChoice {
  const v = (value ?? 'auto').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if ((ACCEL_PATHS as readonly string[]).includes(v)) return v as AccelPath;
  throw new Error(`unknown kernel path "${value}": expected native, wasm, js or auto`);
}

/**
 * The kernels for a choice. `auto` takes native, else wasm, else js (always
 * present). An explicit path that does not load throws, naming the reason.
 */
export function selectKernels(choice: AccelChoice = parseAccelChoice(process.env.MYELIN_ACCEL)): Kernels {
  if (choice !== 'auto') {
    const k = tryLoadKernels(choice);
    if (k instanceof Error) throw new Error(`the ${choice} kernels did not load: ${k.message}`);
    return k;
  }
  for (const path of ACCEL_PATHS) {
    const k = tryLoadKernels(path);
    if (!(k instanceof Error)) return k;
  }
  // js never fails to load; reaching here is a bug in the js path itself.
  throw new Error('no kernel path loaded');
}

let defaultKernels: Kernels | undefined;

/** The process-wide kernels chosen by MYELIN_ACCEL (default auto). */
export function kernels(): Kernels {
  defaultKernels ??= selectKernels();
  return defaultKernels;
}

/** Every path that loads on this machine, for differential tests and benchmarks. */
export function loadedKernels(): Kernels[] {
  const out: Kernels[] = [];
  for (const path of ACCEL_PATHS) {
    const k = tryLoadKernels(path);
    if (!(k instanceof Error)) out.push(k);
  }
  return out;
}
