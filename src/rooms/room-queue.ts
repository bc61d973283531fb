// One writer per room: work on a room runs after the previous work on the same
// room has settled; different rooms run concurrently.
export class RoomQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(roomId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(roomId) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(roomId, tail);
    void tail.then(() => {
      if (this.tails.get(roomId) === tail) this.tails.delete(roomId);
    });
    return next;
  }
}
