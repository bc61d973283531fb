// Unread notification counts, basic until push rules land (spec: client-server-api#receiving-notifications):
// messages from others after the user's latest m.read / m.read.private receipt (or their
// join, when there is none); a highlight when the body mentions the user's id or display name.
import type { Store } from '../store/index.js';
import type { StoredEvent } from '../store/repositories/events.js';
import type { Op, ReadTx } from '../store/trees.js';
import { parseEventJson } from '../rooms/read/client-event.js';

const NOTIFYING = new Set(['m.room.message', 'm.room.encrypted', 'm.sticker', 'm.call.invite', 'm.poll.start']);
/** Counts stop here (clients show "99+" long before). */
const MAX_COUNTED = 500;

export function* unreadCounts(
  tx: ReadTx, store: Store, roomId: string, userId: string, memberEvent: StoredEvent | undefined,
): Op<{ notification_count: number; highlight_count: number }> {
  let readPos = memberEvent?.streamPos ?? 0;
  for (const r of yield* store.receipts.ofRoom(tx, roomId)) {
    if (r.userId !== userId || (r.receiptType !== 'm.read' && r.receiptType !== 'm.read.private')) continue;
    const e = yield* store.events.get(tx, r.eventId);
    if (e?.streamPos !== undefined && e.streamPos > readPos) readPos = e.streamPos;
  }
  let displayName: string | undefined;
  if (memberEvent) {
    const dn = (parseEventJson(memberEvent.json).content as Record<string, unknown> | undefined)?.displayname;
    if (typeof dn === 'string' && dn.length > 0) displayName = dn.toLowerCase();
  }
  const events = yield* store.events.timeline(tx, roomId, { after: readPos, limit: MAX_COUNTED * 2 });
  let notifications = 0;
  let highlights = 0;
  for (const e of events) {
    if (e.sender === userId || !NOTIFYING.has(e.type)) continue;
    if (notifications >= MAX_COUNTED) break;
    notifications++;
    const body = (parseEventJson(e.json).content as Record<string, unknown> | undefined)?.body;
    if (typeof body === 'string') {
      const lower = body.toLowerCase();
      if (lower.includes(userId.toLowerCase()) || (displayName !== undefined && lower.includes(displayName))) highlights++;
    }
  }
  return { notification_count: notifications, highlight_count: highlights };
}
