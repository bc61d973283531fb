// History visibility (spec: client-server-api#history-visibility), enforced on every read.
// For a user and an event, with the state BEFORE the event (the user's own membership
// events use the state after them, so a user always sees their own join/leave/invite):
//   world_readable                                  → visible
//   the user's membership at the event is join      → visible
//   shared: the user is joined now, or left a room they had joined and the event is
//           not after their leave (their view ends where they left)   → visible
//   invited: the user's membership at the event is invite (or join)    → visible
//   joined:  only as a member at the event
// Unknown history_visibility values read as shared (spec).
// Optionally (`ignoredSenders`, the user's m.ignored_user_list) non-state events of ignored
// users are not visible either (client-server-api#ignoring-users; state events still are).
// Use one `HistoryVisibility` per request and room: it caches the history_visibility
// events and the user's current membership.
import type { Store } from '../../store/index.js';
import type { StoredEvent } from '../../store/repositories/events.js';
import type { Op, ReadTx } from '../../store/trees.js';

const decoder = new TextDecoder();

export type HistoryVisibilityValue = 'world_readable' | 'shared' | 'invited' | 'joined';

function contentOf(json: Uint8Array): Record<string, unknown> {
  try {
    const pdu = JSON.parse(decoder.decode(json)) as { content?: unknown };
    return typeof pdu.content === 'object' && pdu.content !== null ? (pdu.content as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * state snapshot → [history_visibility, the user's membership] for one user in one room. Both are
 * facts of the snapshot (snapshots never change), so a caller may keep one across requests.
 */
export type VisibilityMemo = Map<number, readonly [HistoryVisibilityValue, string]>;

export class HistoryVisibility {
  private readonly hvCache = new Map<string, HistoryVisibilityValue>();
  /** (events without state changes share snapshots) */
  private readonly atCache: VisibilityMemo;

  private constructor(
    private readonly store: Store,
    /** undefined for a guest or unauthenticated peek (world_readable only) */
    readonly userId: string | undefined,
    readonly roomId: string,
    /** `shared` history up to this stream position is visible (Infinity when joined now, -1 never) */
    private readonly sharedUntil: number,
    memo: VisibilityMemo | undefined,
    /** senders whose non-state events the user ignores */
    private readonly ignoredSenders: ReadonlySet<string> | undefined,
  ) {
    this.atCache = memo ?? new Map();
  }

  /**
   * Build the checker for `userId` in `roomId` from the user's current membership (`current`:
   * already read by the caller, in this transaction). `memo`: a VisibilityMemo of this user and room.
   */
  static *forUser(
    tx: ReadTx, store: Store, roomId: string, userId: string | undefined,
    opts: {
      readonly current?: { readonly membership: string; readonly eventId: string };
      readonly memo?: VisibilityMemo;
      /** hide non-state events of these senders (see ignoredUsers) */
      readonly ignoredSenders?: ReadonlySet<string>;
    } = {},
  ): Op<HistoryVisibility> {
    let sharedUntil = -1;
    if (userId !== undefined) {
      const m = opts.current ?? (yield* store.membership.get(tx, roomId, userId));
      if (m?.membership === 'join') sharedUntil = Infinity;
      else if (m !== undefined && (m.membership === 'leave' || m.membership === 'ban')) {
        const ev = yield* store.events.get(tx, m.eventId);
        if (ev?.stateBefore !== undefined && ev.streamPos !== undefined) {
          const before = yield* store.state.get(tx, ev.stateBefore, 'm.room.member', userId);
          const prev = before === undefined ? undefined : yield* store.events.get(tx, before);
          if (prev?.membership === 'join') sharedUntil = ev.streamPos;
        }
      }
    }
    const ignored = opts.ignoredSenders !== undefined && opts.ignoredSenders.size > 0 ? opts.ignoredSenders : undefined;
    return new HistoryVisibility(store, userId, roomId, sharedUntil, opts.memo, ignored);
  }

  /** The history_visibility in force in a state snapshot. */
  *valueAt(tx: ReadTx, snapshot: number): Op<HistoryVisibilityValue> {
    const id = yield* this.store.state.get(tx, snapshot, 'm.room.history_visibility', '');
    if (id === undefined) return 'shared';
    let v = this.hvCache.get(id);
    if (v === undefined) {
      const json = yield* this.store.events.json(tx, id);
      const raw = json === undefined ? undefined : contentOf(json).history_visibility;
      v = raw === 'world_readable' || raw === 'invited' || raw === 'joined' ? raw : 'shared';
      this.hvCache.set(id, v);
    }
    return v;
  }

  /** The user's membership in a state snapshot ('leave' when absent). */
  *membershipAt(tx: ReadTx, snapshot: number): Op<string> {
    if (this.userId === undefined) return 'leave';
    const id = yield* this.store.state.get(tx, snapshot, 'm.room.member', this.userId);
    if (id === undefined) return 'leave';
    return (yield* this.store.events.get(tx, id))?.membership ?? 'leave';
  }

  *canSee(tx: ReadTx, e: StoredEvent): Op<boolean> {
    const known = this.canSeeKnown(e);
    if (known !== undefined) return known;
    const at = [yield* this.valueAt(tx, e.stateBefore!), yield* this.membershipAt(tx, e.stateBefore!)] as const;
    if (this.atCache.size < 10_000) this.atCache.set(e.stateBefore!, at);
    return this.decide(e, at);
  }

  /**
   * Whether the user may see the room's state just after `e` (a point in time, as /members?at
   * names one): the same rules with the state after `e` (Synapse's _user_can_see_state_at_event).
   */
  *canSeeStateAfter(tx: ReadTx, e: StoredEvent): Op<boolean> {
    if (e.roomId !== this.roomId || e.status !== 'timeline' || e.stateAfter === undefined) return false;
    return this.decide(e, [yield* this.valueAt(tx, e.stateAfter), yield* this.membershipAt(tx, e.stateAfter)]);
  }

  /**
   * The user's membership after `e` (unsigned.membership) without a read, when canSee has seen
   * the event's snapshot: a state event other than the user's own member event leaves it as before.
   */
  membershipAfterKnown(e: StoredEvent): string | undefined {
    if (this.userId === undefined || e.roomId !== this.roomId) return undefined;
    if (e.type === 'm.room.member' && e.stateKey === this.userId) return e.membership ?? 'leave';
    return e.stateBefore === undefined ? undefined : this.atCache.get(e.stateBefore)?.[1];
  }

  /** canSee without reading: undefined when the event's snapshot is not known yet (use canSee). */
  canSeeKnown(e: StoredEvent): boolean | undefined {
    if (e.roomId !== this.roomId) return false;
    if (e.status !== 'timeline' || e.stateBefore === undefined) return false;
    if (this.userId !== undefined && e.type === 'm.room.member' && e.stateKey === this.userId) return true;
    if (this.ignoredSenders !== undefined && e.stateKey === undefined && this.ignoredSenders.has(e.sender)) return false;
    const at = this.atCache.get(e.stateBefore);
    return at === undefined ? undefined : this.decide(e, at);
  }

  private decide(e: StoredEvent, at: readonly [HistoryVisibilityValue, string]): boolean {
    const [hv, membership] = at;
    if (hv === 'world_readable') return true;
    if (membership === 'join') return true;
    if (hv === 'shared') return (e.streamPos ?? Infinity) <= this.sharedUntil;
    if (hv === 'invited') return membership === 'invite';
    return false;
  }

  /** The events the user may see, in the given order. */
  *filter(tx: ReadTx, events: readonly StoredEvent[]): Op<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (const e of events) if (yield* this.canSee(tx, e)) out.push(e);
    return out;
  }
}

/** The users `userId` ignores: the keys of ignored_users in their m.ignored_user_list account data. */
export function* ignoredUsers(tx: ReadTx, store: Store, userId: string | undefined): Op<ReadonlySet<string>> {
  if (userId === undefined) return new Set();
  const entry = yield* store.accountData.get(tx, userId, null, 'm.ignored_user_list');
  if (entry === undefined) return new Set();
  let list: unknown;
  try {
    list = (JSON.parse(decoder.decode(entry.content)) as { ignored_users?: unknown }).ignored_users;
  } catch {
    return new Set();
  }
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return new Set();
  return new Set(Object.keys(list).filter((id) => id !== userId));
}

/** One-off check (builds a checker; prefer HistoryVisibility.forUser for batches). */
export function* canSeeEvent(tx: ReadTx, store: Store, userId: string | undefined, e: StoredEvent): Op<boolean> {
  const hv = yield* HistoryVisibility.forUser(tx, store, e.roomId, userId);
  return yield* hv.canSee(tx, e);
}
