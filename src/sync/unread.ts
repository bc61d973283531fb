// Unread notification counts, basic until push rules land (spec: client-server-api#receiving-notifications):
// messages from others after the user's latest m.read / m.read.private receipt (or their
// join, when there is none); a highlight when the body mentions the user's id or display name.
import type { Store } from '../store/index.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { Op, ReadTx } from '../store/trees.js';
import { parseEventJson } from '../rooms/read/client-event.js';
import { RoomUserMap } from './room-user-map.js';

export const NOTIFYING: ReadonlySet<string> = new Set(['m.room.message', 'm.room.encrypted', 'm.sticker', 'm.call.invite', 'm.poll.start']);
/** Counts stop here (clients show "99+" long before). */
const MAX_COUNTED = 500;
/** Events looked at after the read position, at most. */
const MAX_SCANNED = MAX_COUNTED * 2;

export interface UnreadCounts { notification_count: number; highlight_count: number }

/** What a count was computed from, so the next sync extends it instead of rescanning the room. */
interface UnreadMemo {
  readonly memberEventId: string | undefined;
  /** the ignore list it was counted with (IgnoredSenders.key; '' for none) */
  readonly ignoredKey: string;
  /** the receipts stream position it was computed at (the read position depends only on receipts and the member event) */
  readonly receiptsPos: number;
  readonly readPos: number;
  readonly displayName: string | undefined;
  /** events up to this stream position were counted */
  upTo: number;
  /** events looked at (all of them, as the scan limit counts) */
  scanned: number;
  notifications: number;
  highlights: number;
}

/**
 * Per (room, user) counts, extended with the events after the last counted position. Valid
 * across processes sharing the store: it is keyed by stream positions read in the same
 * transaction, and a room's timeline only ever grows at higher positions.
 */
/**
 * The user's m.ignored_user_list as the counts use it: their messages do not notify (as
 * Synapse's push rules skip ignored senders). `key` names the list, so a memo counted with
 * another list is not reused.
 */
export interface IgnoredSenders {
  readonly senders: ReadonlySet<string>;
  readonly key: string;
}

export function ignoredSendersOf(senders: ReadonlySet<string>): IgnoredSenders | undefined {
  return senders.size === 0 ? undefined : { senders, key: [...senders].sort().join('\n') };
}

export class UnreadCountsCache {
  static readonly MAX = 20_000;
  private readonly memos = new RoomUserMap<UnreadMemo>(UnreadCountsCache.MAX);

  get(roomId: string, userId: string): UnreadMemo | undefined {
    return this.memos.get(roomId, userId);
  }

  /** The counts when the memo is exactly at this position (no read, no generator). */
  known(roomId: string, userId: string, memberEvent: StoredEvent | undefined, events: number, receipts: number, ignoredKey = ''): UnreadCounts | undefined {
    const memo = this.get(roomId, userId);
    if (memo === undefined || memo.upTo !== events || memo.receiptsPos !== receipts || memo.memberEventId !== memberEvent?.eventId || memo.ignoredKey !== ignoredKey) return undefined;
    return { notification_count: memo.notifications, highlight_count: memo.highlights };
  }

  set(roomId: string, userId: string, memo: UnreadMemo): void {
    this.memos.set(roomId, userId, memo);
  }
}

/** The user's display name in the room, lower-cased, from their member event (for highlights). */
export function lowerDisplayNameOf(memberEvent: StoredEvent | undefined): string | undefined {
  if (memberEvent === undefined) return undefined;
  const dn = (parseEventJson(memberEvent.json).content as Record<string, unknown> | undefined)?.displayname;
  return typeof dn === 'string' && dn.length > 0 ? dn.toLowerCase() : undefined;
}

/** A highlight: the body names the user by id or display name (both lower-cased), case-insensitively. */
export function mentions(body: unknown, lowerId: string, lowerDisplayName: string | undefined): boolean {
  if (typeof body !== 'string') return false;
  const lower = body.toLowerCase();
  return lower.includes(lowerId) || (lowerDisplayName !== undefined && lower.includes(lowerDisplayName));
}

export function* unreadCounts(
  tx: ReadTx, store: Store, roomId: string, userId: string, memberEvent: StoredEvent | undefined,
  at?: { readonly events: number; readonly receipts: number; readonly cache: UnreadCountsCache; readonly ignored?: IgnoredSenders },
): Op<UnreadCounts> {
  const ignoredKey = at?.ignored?.key ?? '';
  let memo = at?.cache.get(roomId, userId);
  if (memo === undefined || memo.receiptsPos !== at!.receipts || memo.memberEventId !== memberEvent?.eventId || memo.upTo > at!.events || memo.ignoredKey !== ignoredKey) {
    let readPos = memberEvent?.streamPos ?? 0;
    for (const r of yield* store.receipts.ofRoom(tx, roomId)) {
      if (r.userId !== userId || (r.receiptType !== 'm.read' && r.receiptType !== 'm.read.private')) continue;
      const e = yield* store.events.get(tx, r.eventId);
      if (e?.streamPos !== undefined && e.streamPos > readPos) readPos = e.streamPos;
    }
    memo = {
      memberEventId: memberEvent?.eventId, ignoredKey, receiptsPos: at?.receipts ?? 0, readPos, displayName: lowerDisplayNameOf(memberEvent),
      upTo: readPos, scanned: 0, notifications: 0, highlights: 0,
    };
  }
  const upTo = at?.events;
  if ((upTo === undefined || memo.upTo < upTo) && memo.scanned < MAX_SCANNED) {
    memo = { ...memo }; // a shared memo is never changed in place (another read may hold it)
    const events = yield* store.events.timeline(tx, roomId, {
      after: memo.upTo, ...(upTo !== undefined ? { before: upTo + 1 } : {}), limit: MAX_SCANNED - memo.scanned,
    });
    const lowerId = userId.toLowerCase();
    for (const e of events) {
      memo.scanned++;
      if (e.sender === userId || !NOTIFYING.has(e.type) || at?.ignored?.senders.has(e.sender) === true) continue;
      if (memo.notifications >= MAX_COUNTED) continue;
      memo.notifications++;
      if (mentions((parseEventJson(e.json).content as Record<string, unknown> | undefined)?.body, lowerId, memo.displayName)) memo.highlights++;
    }
    // Counted up to the snapshot's position (nothing newer can land at or below it).
    memo.upTo = upTo ?? Math.max(memo.upTo, events.at(-1)?.streamPos ?? memo.upTo);
  }
  if (upTo !== undefined) at!.cache.set(roomId, userId, memo);
  return { notification_count: memo.notifications, highlight_count: memo.highlights };
}
