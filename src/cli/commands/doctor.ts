// `myelin doctor`: the platform, the CPU's SIMD features, which kernel paths
// load (or why not), which one `auto` picks, and what each loaded path uses
// per kernel. Always exits 0: a missing native or wasm build is a finding,
// not a failure (the js path always works).
import os from 'node:os';
import type { Command } from '../command.js';
import { parseOptions } from '../command.js';
import { ACCEL_PATHS, parseAccelChoice, probeKernels, tryLoadKernels, type AccelPath, type KernelFeatures, type LoadAttempt } from '../../accel/index.js';
import { detectCpuFeatures, type CpuFeatures } from '../cpu-features.js';

interface Selection {
  readonly path: AccelPath | undefined;
  readonly reason: string;
}

/** What `auto` (or MYELIN_ACCEL) picks, in words. Mirrors selectKernels without throwing. */
function explainSelection(attempts: readonly LoadAttempt[], env: string | undefined): Selection {
  let choice;
  try {
    choice = parseAccelChoice(env);
  } catch (err) {
    return { path: undefined, reason: `MYELIN_ACCEL is invalid (${(err as Error).message}); the server would refuse to start` };
  }
  if (choice !== 'auto') {
    const a = attempts.find((x) => x.path === choice)!;
    return a.loaded
      ? { path: choice, reason: `forced by MYELIN_ACCEL=${env!.trim()}` }
      : { path: undefined, reason: `MYELIN_ACCEL=${env!.trim()} forces ${choice}, which did not load: the server would refuse to start` };
  }
  const skipped: string[] = [];
  for (const a of attempts) {
    if (a.loaded) {
      const why = skipped.length === 0 ? 'the first choice, it loaded' : `${skipped.join(' and ')} did not load`;
      return { path: a.path, reason: `auto (order ${ACCEL_PATHS.join(' > ')}): ${why}` };
    }
    skipped.push(a.path);
  }
  return { path: undefined, reason: 'no path loaded (a bug: the js path should always load)' };
}

function featuresOf(path: AccelPath): KernelFeatures | undefined {
  const k = tryLoadKernels(path);
  return k instanceof Error ? undefined : k.features;
}

function report(cpu: CpuFeatures, attempts: readonly LoadAttempt[], selection: Selection): string {
  const lines: string[] = [];
  lines.push(`node:      ${process.version} (V8 ${process.versions.v8}, N-API ${process.versions.napi ?? '?'})`);
  lines.push(`platform:  ${process.platform}/${process.arch}, ${os.cpus().length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  lines.push(`cpu:       ${cpu.model}`);
  lines.push(`cpu features (${cpu.source}): ${cpu.found.length ? cpu.found.join(' ') : 'none of interest found'}`);
  if (cpu.missing.length) lines.push(`  not found: ${cpu.missing.join(' ')}`);
  lines.push('kernel paths:');
  for (const a of attempts) lines.push(`  ${a.path.padEnd(6)} ${a.loaded ? 'loaded' : `not loaded: ${a.error ?? 'unknown error'}`}`);
  lines.push(`selected:  ${selection.path ?? 'none'} (${selection.reason})`);
  for (const a of attempts) {
    const f = a.loaded ? featuresOf(a.path) : undefined;
    if (!f) continue;
    lines.push(`${a.path} kernels:`);
    for (const [kernel, impl] of Object.entries(f)) lines.push(`  ${kernel.padEnd(14)} ${impl}`);
  }
  return `${lines.join('\n')}\n`;
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'show the platform, CPU features and which kernel path is used',
  usage: `myelin doctor [--json]

Prints the Node version, platform, CPU model and SIMD features (SSE4.2, AVX2,
BMI2, SHA-NI, AVX-512 ..., NEON on arm64), whether each kernel path (native,
wasm, js) loads and why not, which one is selected (MYELIN_ACCEL or auto) and
why, and for each loaded path the implementation each kernel uses.
--json prints the same as one JSON object. Always exits 0.
`,
  async run(args, io) {
    const opts = parseOptions(args, ['json']);
    const cpu = detectCpuFeatures();
    const attempts = probeKernels();
    const selection = explainSelection(attempts, process.env.MYELIN_ACCEL);
    if (opts.json === true) {
      const paths = Object.fromEntries(attempts.map((a) => [a.path, a.loaded ? { loaded: true, features: featuresOf(a.path) } : { loaded: false, error: a.error }]));
      io.stdout.write(`${JSON.stringify({
        node: process.version, platform: process.platform, arch: process.arch, cpu: { model: cpu.model, source: cpu.source, features: cpu.found },
        paths, selected: selection.path ?? null, reason: selection.reason,
      }, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(report(cpu, attempts, selection));
    return 0;
  },
};
