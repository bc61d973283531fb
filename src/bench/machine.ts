// What machine a run happened on: CPU model and SIMD features, cores, memory,
// Node, which kernel path is in use, the Myelin commit. Written into results.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAccelChoice, probeKernels, tryLoadKernels } from '../accel/index.js';
import type { MachineInfo } from './suite.js';

/** CPU flags worth reporting for SIMD kernels (x86 names from /proc/cpuinfo, ARM `Features`). */
const INTERESTING_FLAGS = [
  'sse4_2', 'avx', 'avx2', 'bmi2', 'sha_ni', 'pclmulqdq', 'vaes', 'vpclmulqdq',
  'avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl', 'avx512ifma', 'avx512vbmi', 'avx512_vbmi2',
  'avx512_vnni', 'avx512_bitalg', 'avx512_vpopcntdq',
  'asimd', 'neon', 'sha2', 'sha512', 'pmull', 'sve', 'sve2',
];

export interface CpuInfo {
  readonly model: string;
  readonly features: string[];
}

/** Parses /proc/cpuinfo text (x86 `model name`/`flags`, ARM `CPU part`/`Features`). */
export function parseCpuInfo(text: string): CpuInfo {
  let model = '';
  let flags: string[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!model && (key === 'model name' || key === 'hardware' || key === 'cpu model')) model = value;
    if (flags.length === 0 && (key === 'flags' || key === 'features')) flags = value.split(/\s+/);
  }
  const features = INTERESTING_FLAGS.filter((f) => flags.includes(f));
  return { model, features };
}

function cpuInfo(): CpuInfo {
  let parsed: CpuInfo = { model: '', features: [] };
  try { parsed = parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8')); } catch { /* not Linux */ }
  const model = parsed.model || os.cpus()[0]?.model || 'unknown';
  return { model, features: parsed.features };
}

/** The directory holding package.json, walking up from this file (dist/src/bench/). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

function gitCommit(root: string): { commit?: string; dirty?: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString();
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return {};
  }
}

export function machineInfo(): MachineInfo {
  const cpu = cpuInfo();
  const kernelPaths = probeKernels().map((a) => {
    if (!a.loaded) return { path: a.path, loaded: false, error: a.error };
    const k = tryLoadKernels(a.path);
    return { path: a.path, loaded: true, features: k instanceof Error ? undefined : { ...k.features } };
  });
  let inUse: string;
  try {
    const choice = parseAccelChoice(process.env.MYELIN_ACCEL);
    inUse = choice === 'auto' ? (kernelPaths.find((k) => k.loaded)?.path ?? 'none') : choice;
  } catch (err) {
    inUse = `invalid MYELIN_ACCEL (${err instanceof Error ? err.message : String(err)})`;
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return {
    cpuModel: cpu.model,
    cpuFeatures: cpu.features,
    cores,
    memoryBytes: os.totalmem(),
    freeMemoryBytes: os.freemem(),
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    node: process.version,
    kernelPaths,
    kernelPathInUse: inUse,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    ...gitCommit(repoRoot()),
  };
}
