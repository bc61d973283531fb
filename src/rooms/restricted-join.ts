// Restricted rooms (v8+, knock_restricted v10+): a user who is joined to one of
// the rooms the join rule allows joins with a local member who may invite as
// authoriser (content.join_authorised_via_users_server; spec: rooms v8
// "Restricted rooms", client-server-api#restricted-rooms).
import { powerLevelOf, PowerLevels, type AuthState } from '../matrix/auth/index.js';
import { domainOf } from '../matrix/ids.js';
import type { RoomVersionRules } from '../matrix/room-versions.js';
import { readNow } from './event-source.js';
import type { RoomWriter } from './room-writer.js';

export function restrictedJoinAuthoriser(
  writer: RoomWriter, rules: RoomVersionRules, roomId: string, userId: string, membership: string | undefined,
): string | undefined {
  if (!rules.restrictedJoins || membership === 'invite') return undefined;
  const jr = writer.currentEvent(roomId, 'm.room.join_rules', '');
  const rule = jr?.content.join_rule;
  if (rule !== 'restricted' && !(rule === 'knock_restricted' && rules.knockRestrictedJoins)) return undefined;
  const allow = Array.isArray(jr!.content.allow) ? jr!.content.allow : [];
  const qualifies = allow.some((a) => {
    const entry = a as Record<string, unknown> | null;
    if (entry?.type !== 'm.room_membership' || typeof entry.room_id !== 'string') return false;
    return writer.membershipOf(entry.room_id, userId)?.membership === 'join';
  });
  if (!qualifies) return undefined;
  const authState: AuthState = (type, stateKey) => writer.currentEvent(roomId, type, stateKey);
  const inviteLevel = PowerLevels.from(rules, authState).named('invite');
  const store = writer.store;
  const members = readNow(store, (tx) => store.membership.ofRoom(tx, roomId, 'join'));
  for (const m of members) {
    if (domainOf(m.userId) !== writer.serverName) continue;
    if (powerLevelOf(rules, m.userId, authState) >= inviteLevel) return m.userId;
  }
  return undefined;
}
