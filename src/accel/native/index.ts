// The native kernel path (placeholder until the kernels land).
import type { Kernels } from '../types.js';

export function createNativeKernels(): Kernels {
  throw new Error('the native kernels are not built yet');
}
