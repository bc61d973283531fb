// Per-thread unread counts, for filters with `unread_thread_notifications: true` (spec v1.4,
// client-server-api#threading, "Receiving notifications"): an event in a thread (m.relates_to
// rel_type m.thread) counts for its thread root, every other event for the main timeline. An
// unthreaded receipt reads everything up to it; a receipt with a thread_id reads that thread
// only ('main': the main timeline). Same notifying events and highlights as unread.ts.
// Computed per request, without unread.ts's memo: only syncs whose filter asks pay for it.
import type { Store } from '../store/index.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { Op, ReadTx } from '../store/trees.js';
import { parseEventJson } from '../rooms/read/client-event.js';
import { lowerDisplayNameOf, mentions, NOTIFYING, type UnreadCounts } from './unread.js';

/** Events looked at after the earliest read position, at most (as unread.ts). */
const MAX_SCANNED = 1000;
const MAIN = 'main';

export interface ThreadedUnreadCounts {
  /** the main timeline's counts (unread_notifications) */
  readonly main: UnreadCounts;
  /** thread root → counts, threads with notifications only; undefined when none */
  readonly threads: Record<string, UnreadCounts> | undefined;
}

export function* threadedUnreadCounts(
  tx: ReadTx, store: Store, roomId: string, userId: string, memberEvent: StoredEvent | undefined, upTo: number,
): Op<ThreadedUnreadCounts> {
  let unthreaded = memberEvent?.streamPos ?? 0;
  const byThread = new Map<string, number>();
  for (const r of yield* store.receipts.ofRoom(tx, roomId)) {
    if (r.userId !== userId || (r.receiptType !== 'm.read' && r.receiptType !== 'm.read.private')) continue;
    const pos = (yield* store.events.get(tx, r.eventId))?.streamPos;
    if (pos === undefined) continue;
    if (r.threadId === '') unthreaded = Math.max(unthreaded, pos);
    else byThread.set(r.threadId, Math.max(byThread.get(r.threadId) ?? 0, pos));
  }
  const displayName = lowerDisplayNameOf(memberEvent);
  const lowerId = userId.toLowerCase();
  const main: { notification_count: number; highlight_count: number } = { notification_count: 0, highlight_count: 0 };
  let threads: Record<string, { notification_count: number; highlight_count: number }> | undefined;
  const events = yield* store.events.timeline(tx, roomId, { after: unthreaded, before: upTo + 1, limit: MAX_SCANNED });
  for (const e of events) {
    if (e.sender === userId || !NOTIFYING.has(e.type)) continue;
    const content = parseEventJson(e.json).content as Record<string, unknown> | undefined;
    const rel = content?.['m.relates_to'] as { rel_type?: unknown; event_id?: unknown } | undefined;
    const root = rel?.rel_type === 'm.thread' && typeof rel.event_id === 'string' ? rel.event_id : undefined;
    if (e.streamPos! <= (byThread.get(root ?? MAIN) ?? 0)) continue;
    let counts = main;
    if (root !== undefined) {
      threads ??= {};
      counts = threads[root] ??= { notification_count: 0, highlight_count: 0 };
    }
    counts.notification_count++;
    if (mentions(content?.body, lowerId, displayName)) counts.highlight_count++;
  }
  return { main, threads };
}
