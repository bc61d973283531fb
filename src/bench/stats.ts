// Order statistics for benchmark samples. Pure functions, no timing here.

/** The q-quantile (0..1) of values, linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return quantileSorted(sorted, q);
}

export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Summary {
  readonly count: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  /** (p75 − p25) / median: the interquartile range relative to the median */
  readonly spread: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const median = quantileSorted(sorted, 0.5);
  const p25 = quantileSorted(sorted, 0.25);
  const p75 = quantileSorted(sorted, 0.75);
  return {
    count: sorted.length,
    median,
    p25,
    p75,
    p99: quantileSorted(sorted, 0.99),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    spread: median > 0 ? (p75 - p25) / median : 0,
  };
}

/** Human units: 1234567 ns → "1.23 ms". */
export function formatNs(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return '–';
  if (ns < 1e3) return `${sig(ns)} ns`;
  if (ns < 1e6) return `${sig(ns / 1e3)} µs`;
  if (ns < 1e9) return `${sig(ns / 1e6)} ms`;
  return `${sig(ns / 1e9)} s`;
}

export function formatRate(perSec: number | undefined, unit = '/s'): string {
  if (perSec === undefined || !Number.isFinite(perSec)) return '–';
  unit = unit.trimStart();
  const spaced = unit.startsWith('/') ? unit : ` ${unit}`;
  if (perSec >= 1e9) return `${sig(perSec / 1e9)} G${spaced}`;
  if (perSec >= 1e6) return `${sig(perSec / 1e6)} M${spaced}`;
  if (perSec >= 1e3) return `${sig(perSec / 1e3)} k${spaced}`;
  return `${sig(perSec)}${spaced}`;
}

export function formatBytesPerSec(bps: number | undefined): string {
  if (bps === undefined || !Number.isFinite(bps)) return '–';
  if (bps >= 1e9) return `${sig(bps / 1e9)} GB/s`;
  if (bps >= 1e6) return `${sig(bps / 1e6)} MB/s`;
  if (bps >= 1e3) return `${sig(bps / 1e3)} kB/s`;
  return `${sig(bps)} B/s`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1024 ** 3) return `${sig(n / 1024 ** 3)} GiB`;
  if (a >= 1024 ** 2) return `${sig(n / 1024 ** 2)} MiB`;
  if (a >= 1024) return `${sig(n / 1024)} KiB`;
  return `${n} B`;
}

export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '–';
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

export function formatPercent(f: number | undefined): string {
  if (f === undefined || !Number.isFinite(f)) return '–';
  return `±${(f * 50).toFixed(f * 50 >= 10 ? 0 : 1)}%`;
}

/** three significant digits, no exponent */
function sig(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
