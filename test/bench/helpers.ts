// Shared by the bench harness tests: a silent progress sink, a machine record
// that does not depend on this host, and a suite made of plain functions.
import path from 'node:path';
import { Progress } from '../../src/bench/progress.js';
import { repoRoot } from '../../src/bench/machine.js';
import type { MachineInfo, Suite, SuiteContext, Tier } from '../../src/bench/suite.js';

export function silentProgress(): { progress: Progress; output: string[] } {
  const output: string[] = [];
  return { progress: new Progress({ write: (t: string) => output.push(t), isTTY: false }), output };
}

export const testMachine: MachineInfo = {
  cpuModel: 'Test CPU', cpuFeatures: ['avx2'], cores: 2, memoryBytes: 4 * 1024 ** 3, freeMemoryBytes: 1024 ** 3,
  os: 'Linux test', arch: 'x64', node: process.version, kernelPaths: [{ path: 'js', loaded: true }], kernelPathInUse: 'js',
};

export function fakeSuite(name: string, tier: Tier, run: (ctx: SuiteContext) => Promise<void>, fits: Suite['fits'] = () => true): Suite {
  return { name, tier, description: `test suite ${name}`, fits, run };
}

export function fixture(name: string): string {
  return path.join(repoRoot(), 'test', 'bench', 'fixtures', name);
}
