// Typing notifications: in memory only (spec: modules/typing_notifications), each with
// an expiry, on their own stream position so an incremental sync sends a room's typing
// list when it changed (including when someone stopped or timed out).
import { forbidden } from '../api/errors.js';
import type { Clock } from '../server/services.js';

/** Longest a client may ask to be shown typing (Synapse caps similarly). */
export const MAX_TYPING_TIMEOUT_MS = 120_000;

interface RoomTyping {
  /** userId → expiry (ms since the epoch) */
  readonly users: Map<string, number>;
  /** stream position of the last change */
  pos: number;
}

export class TypingTracker {
  private readonly rooms = new Map<string, RoomTyping>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private position = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onChange: (roomId: string) => void,
  ) {}

  get pos(): number {
    return this.position;
  }

  /** Start (timeoutMs > 0) or stop typing. Membership is checked by the caller. */
  set(roomId: string, userId: string, typing: boolean, timeoutMs = 30_000): void {
    const key = `${roomId}\u0000${userId}`;
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.delete(key);
    let room = this.rooms.get(roomId);
    if (typing) {
      const ms = Math.min(Math.max(0, timeoutMs), MAX_TYPING_TIMEOUT_MS);
      if (!room) this.rooms.set(roomId, (room = { users: new Map(), pos: 0 }));
      const wasTyping = room.users.has(userId);
      room.users.set(userId, this.clock.now() + ms);
      const t = setTimeout(() => this.set(roomId, userId, false), ms);
      t.unref();
      this.timers.set(key, t);
      if (wasTyping) return; // refreshed: the list is unchanged
    } else {
      if (!room || !room.users.delete(userId)) return;
    }
    room.pos = ++this.position;
    this.onChange(roomId);
  }

  /** Who is typing in a room now. */
  typing(roomId: string): string[] {
    const room = this.rooms.get(roomId);
    if (!room) return [];
    const now = this.clock.now();
    return [...room.users].filter(([, exp]) => exp > now).map(([u]) => u);
  }

  /** Whether a room's typing list changed after `after` (a larger `after` than ours means we restarted). */
  changedSince(roomId: string, after: number): boolean {
    const room = this.rooms.get(roomId);
    if (!room) return false;
    return after > this.position ? room.users.size > 0 : room.pos > after;
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

export function checkTypingUser(requesterId: string, userId: string): void {
  if (requesterId !== userId) throw forbidden('Cannot set typing for another user');
}
