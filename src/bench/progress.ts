// Progress bars with an ETA on a terminal; plain log lines elsewhere (pipes,
// CI, tests). One bar at a time: benchmarks run one thing at a time.
import type { ProgressTicker } from './suite.js';

export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class Progress {
  private bar: { label: string; total: number; done: number; started: number; lastDraw: number } | undefined;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A line above the bar (the bar is redrawn below it). */
  log(message: string): void {
    this.clear();
    this.out.write(message.endsWith('\n') ? message : message + '\n');
    this.draw(true);
  }

  start(label: string, total: number): ProgressTicker {
    this.clear();
    const bar = { label, total: Math.max(total, 1), done: 0, started: this.now(), lastDraw: 0 };
    this.bar = bar;
    this.draw(true);
    return {
      tick: (n = 1) => {
        bar.done = Math.min(bar.total, bar.done + n);
        if (this.bar === bar) this.draw(false);
      },
      done: () => {
        if (this.bar === bar) {
          this.clear();
          this.bar = undefined;
        }
      },
    };
  }

  /** The bar's text: label, bar, percentage, ETA. Exposed for tests. */
  static render(label: string, done: number, total: number, elapsedMs: number, width = 80): string {
    const frac = total > 0 ? Math.min(done / total, 1) : 1;
    const eta = done > 0 && frac < 1 ? formatEta((elapsedMs / done) * (total - done)) : frac >= 1 ? 'done' : '…';
    const suffix = ` ${String(Math.floor(frac * 100)).padStart(3)}% ETA ${eta}`;
    const barWidth = Math.max(10, Math.min(30, width - label.length - suffix.length - 4));
    const filled = Math.round(frac * barWidth);
    const text = `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${suffix}`;
    return text.length > width ? text.slice(0, width) : text;
  }

  private draw(force: boolean): void {
    const bar = this.bar;
    if (!bar || !this.out.isTTY) return;
    const t = this.now();
    if (!force && t - bar.lastDraw < 100 && bar.done < bar.total) return; // at most 10 redraws a second
    bar.lastDraw = t;
    this.out.write(`\r\x1b[2K${Progress.render(bar.label, bar.done, bar.total, t - bar.started, (this.out.columns ?? 80) - 1)}`);
  }

  private clear(): void {
    if (this.bar && this.out.isTTY) this.out.write('\r\x1b[2K');
  }
}

export function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '…';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
