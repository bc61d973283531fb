// A once-a-second check that runs only while the process has work. An idle
// server should sleep (issue 5: lowest cost per user): a timer that polls
// forever wakes it for nothing. So the check sleeps after a second it finds
// idle, and the next sign of work wakes it: a garbage collection (any work
// that allocates: requests, federation, timers doing real work) or wake()
// (e.g. from a request). While the process is idle nothing runs; only a GC
// observer is registered (called by V8 when it collects, never by a timer).
import { PerformanceObserver, performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface ActivityClockOptions {
  /**
   * Once a second while awake: the event loop's utilization over that second, and
   * whether there was a sign of work in it (wake(), a GC); false puts the clock to sleep.
   */
  readonly tick: (utilization: number, woken: boolean) => boolean;
  /** the clock woke (before its first tick) / went to sleep */
  readonly onWake?: () => void;
  readonly onSleep?: () => void;
  /** between ticks (ms); tests shorten it */
  readonly intervalMs?: number;
}

export class ActivityClock {
  private timer: NodeJS.Timeout | undefined;
  private readonly gcWatch = new PerformanceObserver(() => this.wake());
  private last: EventLoopUtilization | undefined;
  private stopped = false;
  private woken = false;

  constructor(private readonly o: ActivityClockOptions) {
    this.gcWatch.observe({ entryTypes: ['gc'] });
  }

  /** Whether the clock is ticking (the process had work lately). */
  get awake(): boolean {
    return this.timer !== undefined;
  }

  /** A sign of work: starts ticking if asleep. Cheap when awake (a check and a store). */
  wake(): void {
    if (this.timer !== undefined) {
      this.woken = true;
      return;
    }
    if (this.stopped) return;
    this.last = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.check(), this.o.intervalMs ?? 1_000);
    this.timer.unref();
    this.o.onWake?.();
  }

  /** For good: no more ticks, no GC observer. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.gcWatch.disconnect();
  }

  private check(): void {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, this.last).utilization;
    this.last = now;
    const woken = this.woken;
    this.woken = false;
    if (!this.o.tick(utilization, woken) && !this.stopped && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.o.onSleep?.();
    }
  }
}
