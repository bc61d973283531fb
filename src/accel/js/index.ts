// The js kernel path (placeholder until the kernels land).
import type { Kernels } from '../types.js';

export function createJsKernels(): Kernels {
  throw new Error('the js kernels are not built yet');
}
