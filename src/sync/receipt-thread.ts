// Whether a threaded receipt's event belongs to its thread_id (spec v1.4, receipts: "400 …
// the event_id is not related to the thread_id"). The spec leaves "related" open; this follows
// Synapse (ReceiptRestServlet._is_event_in_thread), which clients are written against:
//  - 'main': no event on the event's relation chain (followed up to 5 links) is an m.thread
//    event, so thread roots and what relates to them without m.thread are in the main timeline;
//  - a thread root id: the top of the event's relation chain is that root and has thread
//    events, so the root, its thread events and anything relating to either fit.
import type { Store } from '../store/index.js';
import { relationOf } from '../store/repositories/relations.js';
import type { Op, ReadTx } from '../store/trees.js';

const MAIN = 'main';
/** Relation links followed upwards (Synapse's recursive query stops at the same depth). */
const MAX_LINKS = 5;

export function* eventFitsThread(tx: ReadTx, store: Store, eventId: string, threadId: string): Op<boolean> {
  let top = eventId;
  let threadRoot: string | undefined;
  for (let i = 0; i < MAX_LINKS; i++) {
    const e = yield* store.events.get(tx, top);
    const rel = e === undefined ? undefined : relationOf(e.json);
    if (rel === undefined) break;
    if (rel.relType === 'm.thread') threadRoot = rel.eventId;
    top = rel.eventId;
  }
  if (threadId === MAIN) return threadRoot === undefined;
  return threadId === top && (yield* store.relations.hasChild(tx, top, 'm.thread'));
}
