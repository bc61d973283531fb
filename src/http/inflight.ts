// Requests being handled, so that close() can abort long-polls and wait for answers.
// Per request this costs one Set entry and one `then`: no promise of its own.
import type { LazyAbort } from './lazy-abort.js';

export class Inflight {
  private readonly running = new Set<LazyAbort>();
  private emptied: (() => void) | undefined;

  /** Runs `work` with a signal that aborts when the client goes away or the server closes. */
  track(controller: LazyAbort, work: Promise<void>): void {
    this.running.add(controller);
    const finish = (): void => {
      this.running.delete(controller);
      if (this.running.size === 0) this.emptied?.();
    };
    work.then(finish, finish);
  }

  get size(): number {
    return this.running.size;
  }

  /** Aborts every request's signal (long-polls answer at once), then waits up to `graceMs` for all to finish. */
  async drain(graceMs: number): Promise<void> {
    for (const controller of [...this.running]) controller.abort(new Error('server shutting down'));
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.emptied = resolve;
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    this.emptied = undefined;
    clearTimeout(timer);
  }
}
