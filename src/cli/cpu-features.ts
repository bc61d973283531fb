// Which SIMD features this CPU offers, for `myelin doctor`: read from
// /proc/cpuinfo on Linux (x86 `flags`, ARM `Features`); elsewhere only what
// the architecture guarantees (NEON on arm64) is reported.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** [label shown to operators, flag name in /proc/cpuinfo] */
const X86_FEATURES: readonly (readonly [string, string])[] = [
  ['SSE4.2', 'sse4_2'], ['POPCNT', 'popcnt'], ['PCLMULQDQ', 'pclmulqdq'], ['AVX', 'avx'], ['AVX2', 'avx2'],
  ['BMI2', 'bmi2'], ['SHA-NI', 'sha_ni'], ['VAES', 'vaes'], ['VPCLMULQDQ', 'vpclmulqdq'],
  ['AVX-512 F', 'avx512f'], ['AVX-512 DQ', 'avx512dq'], ['AVX-512 CD', 'avx512cd'], ['AVX-512 BW', 'avx512bw'],
  ['AVX-512 VL', 'avx512vl'], ['AVX-512 IFMA', 'avx512ifma'], ['AVX-512 VBMI', 'avx512vbmi'],
  ['AVX-512 VBMI2', 'avx512_vbmi2'], ['AVX-512 VNNI', 'avx512_vnni'], ['AVX-512 BITALG', 'avx512_bitalg'],
  ['AVX-512 VPOPCNTDQ', 'avx512_vpopcntdq'],
];
const ARM_FEATURES: readonly (readonly [string, string])[] = [
  ['NEON', 'asimd'], ['AES', 'aes'], ['PMULL', 'pmull'], ['SHA-1', 'sha1'], ['SHA-256', 'sha2'], ['SHA-512', 'sha512'],
  ['CRC32', 'crc32'], ['DOTPROD', 'asimddp'], ['SVE', 'sve'], ['SVE2', 'sve2'],
];

export interface CpuFeatures {
  readonly arch: string;
  readonly model: string;
  /** where the feature list came from, e.g. "/proc/cpuinfo" */
  readonly source: string;
  readonly found: readonly string[];
  readonly missing: readonly string[];
}

function table(arch: string): readonly (readonly [string, string])[] {
  if (arch === 'x64' || arch === 'ia32') return X86_FEATURES;
  if (arch === 'arm64' || arch === 'arm') return ARM_FEATURES;
  return [];
}

/** Parses /proc/cpuinfo text for the given Node `process.arch`. */
export function parseCpuInfo(text: string, arch: string): CpuFeatures {
  let model = '';
  let flags: string[] | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!model && (key === 'model name' || key === 'hardware' || key === 'cpu model' || (key === 'processor' && /[a-z]/i.test(value)))) model = value;
    if (flags === undefined && (key === 'flags' || key === 'features')) flags = value.split(/\s+/).filter(Boolean);
  }
  const have = new Set(flags ?? []);
  const rows = table(arch);
  return {
    arch,
    model,
    source: flags === undefined ? '/proc/cpuinfo (no flags line)' : '/proc/cpuinfo',
    found: rows.filter(([, flag]) => have.has(flag)).map(([label]) => label),
    missing: rows.filter(([, flag]) => !have.has(flag)).map(([label]) => label),
  };
}

/** The features of the machine this process runs on. Never throws. */
export function detectCpuFeatures(arch: string = process.arch, readCpuInfo: () => string = () => readFileSync('/proc/cpuinfo', 'utf8')): CpuFeatures {
  const fallbackModel = os.cpus()[0]?.model?.trim() || 'unknown';
  try {
    const parsed = parseCpuInfo(readCpuInfo(), arch);
    return { ...parsed, model: parsed.model || fallbackModel };
  } catch {
    // No /proc/cpuinfo (macOS, Windows, some containers): report only what the architecture guarantees.
    const guaranteed = arch === 'arm64' ? ['NEON'] : [];
    return {
      arch,
      model: fallbackModel,
      source: `not readable on ${process.platform}; ${guaranteed.length ? 'architectural baseline only' : 'features unknown'}`,
      found: guaranteed,
      missing: [],
    };
  }
}
