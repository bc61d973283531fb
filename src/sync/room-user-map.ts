// Values kept per (room, user) for /sync (unread counts, visibility memos), looked up by the
// two ids as they are: a key string made per room per sync would be built and hashed on
// every request. Bounded in entries; the oldest room's oldest entry goes first.
export class RoomUserMap<V> {
  private readonly rooms = new Map<string, Map<string, V>>();
  private entries = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries;
  }

  get(roomId: string, userId: string): V | undefined {
    return this.rooms.get(roomId)?.get(userId);
  }

  set(roomId: string, userId: string, value: V): void {
    let users = this.rooms.get(roomId);
    if (users === undefined) this.rooms.set(roomId, (users = new Map()));
    if (!users.has(userId)) this.entries++;
    users.set(userId, value);
    while (this.entries > this.max) this.evictOldest();
  }

  private evictOldest(): void {
    const [roomId, users] = this.rooms.entries().next().value!;
    users.delete(users.keys().next().value!);
    this.entries--;
    if (users.size === 0) this.rooms.delete(roomId);
  }
}
