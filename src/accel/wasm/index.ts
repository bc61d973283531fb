// The wasm kernel path (placeholder until the kernels land).
import type { Kernels } from '../types.js';

export function createWasmKernels(): Kernels {
  throw new Error('the wasm kernels are not built yet');
}
