// Presence, basic: what the user last set, stored; other users may read it when they share
// a room (as Synapse decides visibility). /sync exposure belongs to src/sync.
// Spec: client-server-api#presence.
import { forbidden, invalidParam, notFound } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { UsersContext } from './context.js';
import { isLocalUserId } from './ids.js';
import type { PresenceState, PresenceStatus } from './service.js';

export const MAX_STATUS_MSG_LENGTH = 1024;
/** "currently active" means active within the last few minutes (Synapse uses 5 as well). */
const CURRENTLY_ACTIVE_MS = 5 * 60 * 1000;

export async function getPresence(ctx: UsersContext, requester: Requester, userId: string): Promise<PresenceStatus> {
  const { store } = ctx;
  const now = ctx.clock.now();
  const result = await store.read(function* (tx) {
    if (!isLocalUserId(userId, ctx.serverName) || (yield* store.accounts.get(tx, userId)) === undefined) return 'unknown' as const;
    if (userId !== requester.userId) {
      const mine = new Set((yield* store.membership.ofUser(tx, requester.userId, 'join')).map((m) => m.roomId));
      const shared = (yield* store.membership.ofUser(tx, userId, 'join')).some((m) => mine.has(m.roomId));
      if (!shared) return 'hidden' as const;
    }
    return (yield* store.presence.get(tx, userId)) ?? null;
  });
  if (result === 'unknown') throw notFound('Unknown user');
  if (result === 'hidden') throw forbidden("You are not allowed to see this user's presence");
  if (result === null) return { presence: 'offline' };
  const ago = Math.max(0, now - result.lastActiveTs);
  return {
    presence: result.presence as PresenceState,
    last_active_ago: ago,
    ...(result.statusMsg !== undefined ? { status_msg: result.statusMsg } : {}),
    currently_active: result.presence === 'online' && ago < CURRENTLY_ACTIVE_MS,
  };
}

export async function setPresence(
  ctx: UsersContext, requester: Requester, userId: string, presence: PresenceState, statusMsg: string | undefined,
): Promise<void> {
  if (userId !== requester.userId) throw forbidden("Cannot set another user's presence");
  if (statusMsg !== undefined && statusMsg.length > MAX_STATUS_MSG_LENGTH) throw invalidParam(`status_msg: longer than ${MAX_STATUS_MSG_LENGTH} characters`);
  const { store } = ctx;
  const now = ctx.clock.now();
  await store.write((tx) => store.presence.put(tx, userId, {
    presence, lastActiveTs: now, ...(statusMsg !== undefined ? { statusMsg } : {}),
  }));
  ctx.events.presenceChanged?.(userId);
}
