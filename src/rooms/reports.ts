// Reports of events, rooms and users (spec: client-server-api modules/report_content). "Servers
// are free to handle the reported content however they desire": each accepted report reaches
// the operator as one structured warn log line, msg 'content reported' (the report's reason is
// user text: logged as data, never as the message).
import type { Logger } from 'pino';
import { notFound } from '../api/errors.js';
import type { Store } from '../store/index.js';
import { canSeeEvent } from './read/visibility.js';

export interface ReportDeps {
  readonly store: Store;
  readonly log: Logger;
}

const NOT_FOUND_EVENT = 'The event was not found or you are not joined to the room';

/** An event report: the reporter must be joined (spec v1.8) and able to see the event. */
export async function reportEvent(deps: ReportDeps, reporter: string, roomId: string, eventId: string, reason: string | undefined): Promise<void> {
  const { store } = deps;
  const sender = await store.read(function* (tx) {
    if ((yield* store.membership.get(tx, roomId, reporter))?.membership !== 'join') return undefined;
    const e = yield* store.events.get(tx, eventId);
    if (e === undefined || e.roomId !== roomId || !(yield* canSeeEvent(tx, store, reporter, e))) return undefined;
    return e.sender;
  });
  if (sender === undefined) throw notFound(NOT_FOUND_EVENT);
  deps.log.warn({ report: { kind: 'event', reporter, room_id: roomId, event_id: eventId, sender, ...(reason !== undefined ? { reason } : {}) } }, 'content reported');
}

/** A room report (spec v1.13): no membership needed, the room must exist here. */
export async function reportRoom(deps: ReportDeps, reporter: string, roomId: string, reason: string): Promise<void> {
  const { store } = deps;
  if ((await store.read((tx) => store.state.currentSnapshot(tx, roomId))) === 0) throw notFound('The room was not found');
  deps.log.warn({ report: { kind: 'room', reporter, room_id: roomId, reason } }, 'content reported');
}

/**
 * A user report (spec v1.14): no shared room needed. A user without an account here is answered
 * the same 200 but not reported (the spec lets a server not disclose who exists; Synapse does so).
 */
export async function reportUser(deps: ReportDeps, reporter: string, userId: string, reason: string): Promise<void> {
  const { store } = deps;
  if ((await store.read((tx) => store.accounts.get(tx, userId))) === undefined) return;
  deps.log.warn({ report: { kind: 'user', reporter, user_id: userId, reason } }, 'content reported');
}
