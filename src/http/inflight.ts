// Requests being handled, so that close() can abort long-polls and wait for answers.
import type { LazyAbort } from './lazy-abort.js';
export class Inflight {
  private readonly running = new Set<{ controller: LazyAbort; done: Promise<void> }>();

  /** Runs `work` with a signal that aborts when the client goes away or the server closes. */
  track(controller: LazyAbort, work: Promise<void>): void {
    const entry = { controller, done: work.catch(() => undefined) };
    this.running.add(entry);
    void entry.done.then(() => this.running.delete(entry));
  }

  get size(): number {
    return this.running.size;
  }

  /** Aborts every request's signal (long-polls answer at once), then waits up to `graceMs`. */
  async drain(graceMs: number): Promise<void> {
    const all = [...this.running];
    for (const e of all) e.controller.abort(new Error('server shutting down'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all.map((e) => e.done)),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); timer.unref(); }),
    ]);
    clearTimeout(timer);
  }
}
