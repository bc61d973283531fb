// Per-thread unread counts, for filters with `unread_thread_notifications: true` (spec v1.4,
// client-server-api#threading, "Receiving notifications"): an event in a thread (m.relates_to
// rel_type m.thread) counts for its thread root, every other event for the main timeline. An
// unthreaded receipt reads everything up to it; a receipt with a thread_id reads that thread
// only ('main': the main timeline). Same notifying events and highlights as unread.ts.
// Kept per (room, user) like unread.ts's counts and extended with the events after the last
// counted position, instead of scanning up to MAX_SCANNED events per room per sync.
import type { Store } from '../store/index.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { Op, ReadTx } from '../store/trees.js';
import { parseEventJson } from '../rooms/read/client-event.js';
import { RoomUserMap } from './room-user-map.js';
import { lowerDisplayNameOf, mentions, NOTIFYING, type IgnoredSenders, type UnreadCounts } from './unread.js';

/** Events looked at after the earliest read position, at most (as unread.ts). */
const MAX_SCANNED = 1000;
const MAIN = 'main';

export interface ThreadedUnreadCounts {
  /** the main timeline's counts (unread_notifications) */
  readonly main: UnreadCounts;
  /** thread root → counts, threads with notifications only; undefined when none */
  readonly threads: Record<string, UnreadCounts> | undefined;
}

/**
 * What the counts were computed from. The read positions depend only on the user's receipts
 * (the receipts stream moves with each) and member event; the counted events are the room's
 * timeline in (unthreaded, upTo], which only ever grows at higher positions. So a memo at the
 * same receipts position and member event is extended, valid across processes sharing the store.
 */
interface ThreadMemo {
  readonly memberEventId: string | undefined;
  /** the ignore list it was counted with (IgnoredSenders.key; '' for none) */
  readonly ignoredKey: string;
  readonly receiptsPos: number;
  /** the unthreaded read position (or the join), where the scan starts */
  readonly unthreaded: number;
  /** thread root ('main' for the main timeline) → its read position */
  readonly byThread: ReadonlyMap<string, number>;
  readonly displayName: string | undefined;
  /** events up to this stream position were looked at */
  readonly upTo: number;
  /** events looked at (the scan limit counts them all) */
  readonly scanned: number;
  readonly main: UnreadCounts;
  readonly threads: Readonly<Record<string, UnreadCounts>> | undefined;
}

/** Per (room, user) threaded counts; a memo is never changed in place (another read may hold it). */
export class ThreadUnreadCache {
  static readonly MAX = 20_000;
  private readonly memos = new RoomUserMap<ThreadMemo>(ThreadUnreadCache.MAX);

  get(roomId: string, userId: string): ThreadMemo | undefined {
    return this.memos.get(roomId, userId);
  }

  set(roomId: string, userId: string, memo: ThreadMemo): void {
    this.memos.set(roomId, userId, memo);
  }
}

/** The counts of the room's timeline up to `at.events` (the read's events position), at receipts position `at.receipts`. */
export function* threadedUnreadCounts(
  tx: ReadTx, store: Store, roomId: string, userId: string, memberEvent: StoredEvent | undefined,
  at: { readonly events: number; readonly receipts: number; readonly cache?: ThreadUnreadCache; readonly ignored?: IgnoredSenders },
): Op<ThreadedUnreadCounts> {
  const ignoredKey = at.ignored?.key ?? '';
  let memo = at.cache?.get(roomId, userId);
  if (memo === undefined || memo.receiptsPos !== at.receipts || memo.memberEventId !== memberEvent?.eventId || memo.upTo > at.events || memo.ignoredKey !== ignoredKey) {
    memo = yield* readPositions(tx, store, roomId, userId, memberEvent, at.receipts, ignoredKey);
  }
  if (memo.upTo < at.events && memo.scanned < MAX_SCANNED) {
    memo = yield* extended(tx, store, roomId, userId, memo, at.events, at.ignored);
  }
  at.cache?.set(roomId, userId, memo);
  // (copies: the response may be changed by whoever holds it, the memo may not)
  let threads: Record<string, UnreadCounts> | undefined;
  if (memo.threads !== undefined) {
    threads = {};
    for (const root in memo.threads) threads[root] = { ...memo.threads[root]! };
  }
  return { main: { ...memo.main }, threads };
}

/** A memo with nothing counted yet, from the user's read receipts in the room. */
function* readPositions(
  tx: ReadTx, store: Store, roomId: string, userId: string, memberEvent: StoredEvent | undefined, receiptsPos: number, ignoredKey: string,
): Op<ThreadMemo> {
  let unthreaded = memberEvent?.streamPos ?? 0;
  const byThread = new Map<string, number>();
  for (const r of yield* store.receipts.ofRoom(tx, roomId)) {
    if (r.userId !== userId || (r.receiptType !== 'm.read' && r.receiptType !== 'm.read.private')) continue;
    const pos = (yield* store.events.get(tx, r.eventId))?.streamPos;
    if (pos === undefined) continue;
    if (r.threadId === '') unthreaded = Math.max(unthreaded, pos);
    else byThread.set(r.threadId, Math.max(byThread.get(r.threadId) ?? 0, pos));
  }
  return {
    memberEventId: memberEvent?.eventId, ignoredKey, receiptsPos, unthreaded, byThread, displayName: lowerDisplayNameOf(memberEvent),
    upTo: unthreaded, scanned: 0, main: { notification_count: 0, highlight_count: 0 }, threads: undefined,
  };
}

/** `memo` with the room's events in (memo.upTo, upTo] counted (a new memo). */
function* extended(tx: ReadTx, store: Store, roomId: string, userId: string, memo: ThreadMemo, upTo: number, ignored: IgnoredSenders | undefined): Op<ThreadMemo> {
  const lowerId = userId.toLowerCase();
  const main = { ...memo.main };
  let threads: Record<string, { notification_count: number; highlight_count: number }> | undefined;
  if (memo.threads !== undefined) {
    threads = {};
    for (const root in memo.threads) threads[root] = { ...memo.threads[root]! };
  }
  const events = yield* store.events.timeline(tx, roomId, { after: memo.upTo, before: upTo + 1, limit: MAX_SCANNED - memo.scanned });
  for (const e of events) {
    if (e.sender === userId || !NOTIFYING.has(e.type) || ignored?.senders.has(e.sender) === true) continue;
    const content = parseEventJson(e.json).content as Record<string, unknown> | undefined;
    const rel = content?.['m.relates_to'] as { rel_type?: unknown; event_id?: unknown } | undefined;
    const root = rel?.rel_type === 'm.thread' && typeof rel.event_id === 'string' ? rel.event_id : undefined;
    if (e.streamPos! <= (memo.byThread.get(root ?? MAIN) ?? 0)) continue;
    let counts = main;
    if (root !== undefined) {
      threads ??= {};
      counts = threads[root] ??= { notification_count: 0, highlight_count: 0 };
    }
    counts.notification_count++;
    if (mentions(content?.body, lowerId, memo.displayName)) counts.highlight_count++;
  }
  // Looked at up to the read's position (nothing newer can land at or below it).
  return { ...memo, upTo, scanned: memo.scanned + events.length, main, threads };
}
