// lazy_load_members bookkeeping: which member events each device was already sent, so
// incremental syncs send only members it has not seen (spec: #lazy-loading-room-members).
// In memory: after a restart members are sent again, which is redundant but correct.
export class LazyMembersCache {
  /** `${userId}\0${deviceId}` → roomId → member user id → member event id */
  private readonly sent = new Map<string, Map<string, Map<string, string>>>();
  private static readonly MAX_DEVICES = 10_000;

  private device(userId: string, deviceId: string): Map<string, Map<string, string>> {
    const key = `${userId}\u0000${deviceId}`;
    let d = this.sent.get(key);
    if (!d) {
      if (this.sent.size >= LazyMembersCache.MAX_DEVICES) this.sent.delete(this.sent.keys().next().value!);
      this.sent.set(key, (d = new Map()));
    }
    return d;
  }

  /** An initial sync: the device starts from nothing. */
  reset(userId: string, deviceId: string): void {
    this.sent.delete(`${userId}\u0000${deviceId}`);
  }

  wasSent(userId: string, deviceId: string, roomId: string, member: string, eventId: string): boolean {
    return this.sent.get(`${userId}\u0000${deviceId}`)?.get(roomId)?.get(member) === eventId;
  }

  markSent(userId: string, deviceId: string, roomId: string, member: string, eventId: string): void {
    const d = this.device(userId, deviceId);
    let r = d.get(roomId);
    if (!r) d.set(roomId, (r = new Map()));
    r.set(member, eventId);
  }
}
