// Requests being handled, so that close() can abort long-polls and wait for answers.
// Per request this costs one Set entry (and, through track, one `then`).

/** What close() needs of a request in flight: a way to abort its signal. */
export interface Abortable {
  abort(reason: unknown): void;
}

export class Inflight {
  private readonly running = new Set<Abortable>();
  private emptied: (() => void) | undefined;

  /** Runs `work` with a signal that aborts when the client goes away or the server closes. */
  track(request: Abortable, work: Promise<void>): void {
    this.add(request);
    const finish = (): void => this.delete(request);
    work.then(finish, finish);
  }

  /** A request starts (its adapter calls delete when it has answered). */
  add(request: Abortable): void {
    this.running.add(request);
  }

  delete(request: Abortable): void {
    this.running.delete(request);
    if (this.running.size === 0) this.emptied?.();
  }

  get size(): number {
    return this.running.size;
  }

  /** Aborts every request's signal (long-polls answer at once), then waits up to `graceMs` for all to finish. */
  async drain(graceMs: number): Promise<void> {
    for (const request of [...this.running]) request.abort(new Error('server shutting down'));
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
