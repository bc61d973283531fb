// Shared by the micro suites: one arm per kernel path (native, wasm, js; a
// path that does not load is listed as skipped with its reason), and npm
// alternatives loaded only if installed (they are devDependencies: a
// production install may lack them, and the arm says so).
import { ACCEL_PATHS, type AccelPath, type Kernels } from '../../accel/types.js';
import { tryLoadKernels } from '../../accel/index.js';
import type { Arm } from '../suite.js';

export function kernelPaths(): { path: AccelPath; kernels?: Kernels; error?: string }[] {
  return ACCEL_PATHS.map((path) => {
    const k = tryLoadKernels(path);
    return k instanceof Error ? { path, error: k.message } : { path, kernels: k };
  });
}

/** The reference path (js) every output is checked against. */
export function referenceKernels(): Kernels {
  const k = tryLoadKernels('js');
  if (k instanceof Error) throw new Error(`the js kernels did not load: ${k.message}`);
  return k;
}

/**
 * One arm per kernel path. `make` returns the measured call for a path's
 * kernels (setup done outside); `bytes` is what one call processes.
 */
export function kernelArms(make: (k: Kernels) => () => unknown, extra: Omit<Arm, 'name' | 'fn'> = {}): Arm[] {
  return kernelPaths().map(({ path, kernels, error }) =>
    kernels ? { ...extra, name: path, fn: make(kernels) } : { ...extra, name: path, fn: () => undefined, skip: `${path} kernels not loaded: ${error}` });
}

const imported = new Map<string, Promise<unknown>>();

/** Imports an optional package; undefined when it is not installed. */
export async function optionalImport<T>(name: string): Promise<T | undefined> {
  let p = imported.get(name);
  if (!p) {
    p = import(name).catch(() => undefined);
    imported.set(name, p);
  }
  return (await p) as T | undefined;
}

/** An arm for an npm package, or a skipped arm naming the missing package. */
export function packageArm(name: string, pkg: unknown, make: () => () => unknown, extra: Omit<Arm, 'name' | 'fn'> = {}): Arm {
  if (pkg === undefined) return { ...extra, name, fn: () => undefined, skip: `npm package not installed (it is a devDependency: npm install --include=dev)` };
  return { ...extra, name, fn: make() };
}

export function sameBytes(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const y = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return x.equals(y);
}

/**
 * Runs an arm once and checks its output against the reference; an arm that
 * gives a different answer is still measured but carries a note, so a fast
 * wrong answer is never mistaken for a win.
 */
export function checkedArm(arm: Arm, expected: Uint8Array | string, output: (result: unknown) => Uint8Array | string | undefined = (r) => r as Uint8Array): Arm {
  if (arm.skip) return arm;
  let got: Uint8Array | string | undefined;
  try {
    got = output(arm.fn());
  } catch (err) {
    return { ...arm, skip: `failed on this input: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (got === undefined || !sameBytes(got, expected)) {
    const note = 'output differs from the reference on this input';
    return { ...arm, note: arm.note ? `${arm.note}; ${note}` : note };
  }
  return arm;
}

export const KB = 1024;

export function sizeLabel(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(bytes >= 10 * 1024 ? 0 : 1)} KB` : `${bytes} B`;
}
