// Notifier: wakes /sync long-polls when something they would return may have changed:
// an event in a room the waiter is in (or a membership event about the waiter), the
// waiter's account data, to-device inbox, presence, receipts or typing in their rooms.
// It is the pipeline's RoomEventSink and UserService's UserEvents. A woken waiter
// recomputes its sync and waits again when nothing was for it (so waking too many is
// only extra work, never a wrong answer).
import type { RoomEventSink } from '../rooms/pipeline/types.js';
import type { UserEvents } from '../users/service.js';

export interface Waiter {
  /** set once anything relevant happened since the waiter was registered */
  readonly fired: boolean;
  /** resolves on the first relevant notification, the timeout or the signal (whichever first) */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

interface Entry {
  readonly userId: string;
  readonly deviceId: string;
  readonly rooms: ReadonlySet<string>;
  fired: boolean;
  wake?: () => void;
}

export interface Notifier extends RoomEventSink, UserEvents {
  /** Register interest before computing a sync so nothing between compute and wait is missed. */
  listen(userId: string, deviceId: string, rooms: Iterable<string>): Waiter;
  receiptsChanged(roomId: string): void;
  typingChanged(roomId: string): void;
  toDeviceChanged(userId: string, deviceId: string | '*'): void;
  /** current position of the in-memory presence stream */
  readonly presencePos: number;
  presenceSince(after: number): string[];
  /** `rooms`: the user's joined rooms, to wake their members too */
  deviceListChanged(userId: string, streamPos?: number, rooms?: readonly string[]): void;
  /** long-polls currently registered */
  readonly waiterCount: number;
}

export class SyncNotifier implements Notifier {
  private readonly entries = new Set<Entry>();
  /** in-memory presence stream position */
  presencePos = 0;
  private readonly presence = new Map<string, number>();

  /** `gauge`: the sync-waiters metric (prom-client Gauge) */
  constructor(private readonly gauge?: { set(value: number): void }) {}

  get waiterCount(): number {
    return this.entries.size;
  }

  listen(userId: string, deviceId: string, rooms: Iterable<string>): Waiter {
    const entry: Entry = { userId, deviceId, rooms: new Set(rooms), fired: false };
    this.entries.add(entry);
    this.gauge?.set(this.entries.size);
    const close = (): void => {
      if (this.entries.delete(entry)) this.gauge?.set(this.entries.size);
      entry.wake?.();
    };
    return {
      get fired() { return entry.fired; },
      wait(timeoutMs, signal) {
        if (entry.fired || signal?.aborted || timeoutMs <= 0) return Promise.resolve();
        return new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            entry.wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, timeoutMs);
          signal?.addEventListener('abort', done, { once: true });
          entry.wake = done;
        });
      },
      close,
    };
  }

  private fire(match: (e: Entry) => boolean): void {
    for (const e of this.entries) {
      if (!e.fired && match(e)) {
        e.fired = true;
        e.wake?.();
      }
    }
  }

  roomEvent(event: Parameters<RoomEventSink['roomEvent']>[0]): void {
    const about = event.type === 'm.room.member' ? event.stateKey : undefined;
    this.fire((e) => e.rooms.has(event.roomId) || e.userId === about);
  }

  receiptsChanged(roomId: string): void {
    this.fire((e) => e.rooms.has(roomId));
  }

  typingChanged(roomId: string): void {
    this.fire((e) => e.rooms.has(roomId));
  }

  toDeviceChanged(userId: string, deviceId: string | '*'): void {
    this.fire((e) => e.userId === userId && (deviceId === '*' || e.deviceId === deviceId));
  }

  accountDataChanged(userId: string): void {
    this.fire((e) => e.userId === userId);
  }

  presenceChanged(userId: string): void {
    // An in-memory presence stream (positions reset on restart; tokens from before read as 0).
    this.presencePos++;
    this.presence.set(userId, this.presencePos);
    // Presence goes to users sharing a room; waiters do not track co-members: wake all
    // (rare: /sync's set_presence only writes when the state changes).
    this.fire(() => true);
  }

  /** Users whose presence changed after `after`. */
  presenceSince(after: number): string[] {
    if (after >= this.presencePos) return []; // the usual sync: no change since its token, no scan of every user
    const out: string[] = [];
    for (const [u, p] of this.presence) if (p > after) out.push(u);
    return out;
  }

  deviceListChanged(userId: string, _streamPos?: number, rooms?: readonly string[]): void {
    // With the user's joined rooms (new e2ee keys), also the co-members, whose device_lists.changed names the user.
    this.fire(rooms === undefined || rooms.length === 0 ? (e) => e.userId === userId : (e) => e.userId === userId || rooms.some((r) => e.rooms.has(r)));
  }
}
