// `myelin doctor` as a child process, and the /proc/cpuinfo parser it uses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectCpuFeatures, parseCpuInfo } from '../../src/cli/cpu-features.js';
import { probeKernels } from '../../src/accel/index.js';
import { repoRoot } from '../accel/kernel-fixtures.js';

function doctor(args: string[] = [], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [join(repoRoot, 'bin', 'myelin.js'), 'doctor', ...args], {
    cwd: repoRoot, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function cpuinfoFlags(): Set<string> | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => /^(flags|Features)\s*:/.test(l));
    return line ? new Set(line.split(':')[1]!.trim().split(/\s+/)) : undefined;
  } catch {
    return undefined;
  }
}

describe('myelin doctor', () => {
  const attempts = probeKernels();
  const firstLoaded = attempts.find((a) => a.loaded)!.path;

  it('prints the CPU features found, every path\'s load result, and the path auto selects; exit 0', () => {
    const r = doctor([], { MYELIN_ACCEL: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`node: +${process.version.replace(/\./g, '\\.')}`));
    assert.match(r.stdout, /cpu features \(/);
    const flags = cpuinfoFlags();
    if (flags && process.arch === 'x64') {
      for (const [flag, label] of [['sse4_2', 'SSE4.2'], ['avx2', 'AVX2'], ['bmi2', 'BMI2'], ['sha_ni', 'SHA-NI'], ['avx512f', 'AVX-512 F'], ['avx512ifma', 'AVX-512 IFMA']] as const) {
        const line = r.stdout.split('\n').find((l) => l.startsWith('cpu features'))!;
        assert.equal(line.includes(` ${label}`), flags.has(flag), `${label} reported iff /proc/cpuinfo lists ${flag}`);
      }
    }
    for (const a of attempts) {
      assert.match(r.stdout, new RegExp(`^  ${a.path} +${a.loaded ? 'loaded' : 'not loaded: '}`, 'm'), `${a.path} line`);
      if (a.loaded) assert.match(r.stdout, new RegExp(`^${a.path} kernels:\\n  canonicalJson +\\S`, 'm'), `${a.path} features`);
    }
    assert.match(r.stdout, new RegExp(`^selected: +${firstLoaded} \\(auto`, 'm'));
  });

  it('MYELIN_ACCEL=js selects js and says why; a path that does not load is reported, still exit 0', () => {
    const r = doctor([], { MYELIN_ACCEL: 'js' });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^selected: +js \(forced by MYELIN_ACCEL=js\)/m);
    const missing = attempts.find((a) => !a.loaded);
    if (missing) {
      const forced = doctor([], { MYELIN_ACCEL: missing.path });
      assert.equal(forced.code, 0);
      assert.match(forced.stdout, new RegExp(`^selected: +none \\(MYELIN_ACCEL=${missing.path} forces ${missing.path}, which did not load`, 'm'));
    }
    const bogus = doctor([], { MYELIN_ACCEL: 'gpu' });
    assert.equal(bogus.code, 0);
    assert.match(bogus.stdout, /MYELIN_ACCEL is invalid/);
  });

  it('--json gives the same facts as one object', () => {
    const r = doctor(['--json'], { MYELIN_ACCEL: '' });
    assert.equal(r.code, 0);
    const report = JSON.parse(r.stdout) as { selected: string; paths: Record<string, { loaded: boolean; features?: Record<string, string>; error?: string }>; cpu: { features: string[] } };
    assert.equal(report.selected, firstLoaded);
    for (const a of attempts) {
      assert.equal(report.paths[a.path]!.loaded, a.loaded);
      if (a.loaded) assert.equal(typeof report.paths[a.path]!.features!.ed25519, 'string');
      else assert.equal(report.paths[a.path]!.error, a.error);
    }
    assert.deepEqual(report.cpu.features, detectCpuFeatures().found);
  });
});

describe('cpu features from /proc/cpuinfo', () => {
  it('x86: labels for the flags present, the rest listed as missing', () => {
    const text = 'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse4_2 avx avx2 bmi2 sha_ni avx512f avx512bw avx512vl avx512ifma avx512vbmi\n\nprocessor\t: 1\nflags\t\t: fpu\n';
    const f = parseCpuInfo(text, 'x64');
    assert.equal(f.model, 'AMD EPYC 9R14');
    assert.deepEqual(f.found, ['SSE4.2', 'AVX', 'AVX2', 'BMI2', 'SHA-NI', 'AVX-512 F', 'AVX-512 BW', 'AVX-512 VL', 'AVX-512 IFMA', 'AVX-512 VBMI']);
    assert.ok(f.missing.includes('AVX-512 VNNI') && !f.missing.includes('AVX2'));
  });

  it('arm64: NEON from asimd, crypto extensions from Features', () => {
    const text = 'processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\nCPU implementer\t: 0x41\n';
    const f = parseCpuInfo(text, 'arm64');
    assert.deepEqual(f.found, ['NEON', 'AES', 'PMULL', 'SHA-1', 'SHA-256', 'CRC32', 'DOTPROD']);
    assert.deepEqual(f.missing, ['SHA-512', 'SVE', 'SVE2']);
  });

  it('without /proc/cpuinfo: arm64 reports its NEON baseline, x64 reports nothing, neither throws', () => {
    const unreadable = () => { throw new Error('ENOENT'); };
    const arm = detectCpuFeatures('arm64', unreadable);
    assert.deepEqual(arm.found, ['NEON']);
    assert.match(arm.source, /baseline/);
    const x86 = detectCpuFeatures('x64', unreadable);
    assert.deepEqual(x86.found, []);
    assert.match(x86.source, /unknown/);
    assert.ok(x86.model.length > 0);
  });
});
