// Receipts and read markers (spec: modules/receipts, modules/read_markers).
// m.read is shared with the room; m.read.private only ever reaches its own user (rooms.ts
// filters it); m.fully_read is room account data the server controls.
import { forbidden, invalidParam, notFound } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { SyncDeps } from './deps.js';
import { eventFitsThread } from './receipt-thread.js';

export const RECEIPT_TYPES = new Set(['m.read', 'm.read.private', 'm.fully_read']);

async function checkJoinedAndEvent(deps: SyncDeps, userId: string, roomId: string, eventId: string): Promise<void> {
  const { store } = deps;
  const [m, e] = await store.read(function* (tx) {
    return [yield* store.membership.get(tx, roomId, userId), yield* store.events.get(tx, eventId)] as const;
  });
  if (m?.membership !== 'join') throw forbidden('You are not joined to this room');
  if (!e || e.roomId !== roomId || e.status !== 'timeline') throw notFound('Unknown event');
}

async function putReceipt(deps: SyncDeps, userId: string, roomId: string, receiptType: string, eventId: string, threadId: string): Promise<void> {
  const { store } = deps;
  const ts = deps.clock.now();
  await store.write((tx) => store.receipts.put(tx, { roomId, receiptType, userId, threadId, eventId, ts }));
  deps.notifier.receiptsChanged(roomId);
}

async function putFullyRead(deps: SyncDeps, userId: string, roomId: string, eventId: string): Promise<void> {
  const { store } = deps;
  const content = Buffer.from(JSON.stringify({ event_id: eventId }), 'utf8');
  const pos = await store.write((tx) => store.accountData.put(tx, userId, roomId, 'm.fully_read', content));
  deps.notifier.accountDataChanged?.(userId, pos);
}

export async function sendReceipt(
  deps: SyncDeps, requester: Requester, roomId: string, receiptType: string, eventId: string, threadId: string | undefined,
): Promise<void> {
  if (!RECEIPT_TYPES.has(receiptType)) throw invalidParam(`Unknown receipt type ${receiptType}`);
  if (threadId !== undefined && (typeof threadId !== 'string' || threadId === '')) throw invalidParam('thread_id must be a non-empty string');
  if (receiptType === 'm.fully_read' && threadId !== undefined) throw invalidParam('m.fully_read takes no thread_id');
  await checkJoinedAndEvent(deps, requester.userId, roomId, eventId);
  if (threadId !== undefined && !(await deps.store.read((tx) => eventFitsThread(tx, deps.store, eventId, threadId)))) {
    throw invalidParam(`event_id ${eventId} is not related to thread ${threadId}`);
  }
  if (receiptType === 'm.fully_read') await putFullyRead(deps, requester.userId, roomId, eventId);
  else await putReceipt(deps, requester.userId, roomId, receiptType, eventId, threadId ?? '');
}

export interface ReadMarkers {
  readonly 'm.fully_read'?: string;
  readonly 'm.read'?: string;
  readonly 'm.read.private'?: string;
}

export async function setReadMarkers(deps: SyncDeps, requester: Requester, roomId: string, markers: ReadMarkers): Promise<void> {
  const entries = (['m.fully_read', 'm.read', 'm.read.private'] as const).filter((k) => markers[k] !== undefined);
  for (const k of entries) await checkJoinedAndEvent(deps, requester.userId, roomId, markers[k]!);
  for (const k of entries) {
    if (k === 'm.fully_read') await putFullyRead(deps, requester.userId, roomId, markers[k]!);
    else await putReceipt(deps, requester.userId, roomId, k, markers[k]!, '');
  }
}
