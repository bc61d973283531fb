// The kernel paths a test runs against: every path that loads here. With
// MYELIN_TEST_REQUIRE_PATHS (set under CI) a path that does not load is a failure.
import { ACCEL_PATHS, tryLoadKernels, type AccelPath, type Kernels } from '../../src/accel/index.js';

export function kernelsUnderTest(): Kernels[] {
  const required = (process.env.MYELIN_TEST_REQUIRE_PATHS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const out: Kernels[] = [];
  for (const path of ACCEL_PATHS) {
    const k = tryLoadKernels(path);
    if (k instanceof Error) {
      if (required.includes(path)) throw new Error(`kernel path ${path} is required here but did not load: ${k.message}`);
      continue;
    }
    out.push(k);
  }
  return out;
}

export function kernelsFor(path: AccelPath): Kernels {
  const k = tryLoadKernels(path);
  if (k instanceof Error) throw k;
  return k;
}
