// Room upgrades, client-server-api "Room Upgrades": "When a user joins the new room, the server
// should automatically transfer/replicate some of the user's personalized settings such as
// notifications, tags, etc." As Synapse (copy_user_state_on_room_upgrade): the old room's tags,
// its place in m.direct, and the user's enabled push rules naming the old room are copied to
// the replacement room (the old room keeps its own; Complement TestPushRuleRoomUpgrade).
import { isMatrixError } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { UserService } from './service.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function copyUserStateToReplacement(users: UserService, userId: string, oldRoomId: string, newRoomId: string): Promise<void> {
  // The user's own settings, changed on their behalf: no device or token is involved.
  const as: Requester = { userId, deviceId: '', accessTokenId: 0, isGuest: false };

  for (const [tag, content] of Object.entries(await users.getTags(as, userId, oldRoomId))) {
    await users.setTag(as, userId, newRoomId, tag, content);
  }

  let direct: Record<string, unknown> | undefined;
  try {
    direct = await users.getAccountData(as, userId, null, 'm.direct');
  } catch (err) {
    if (!isMatrixError(err)) throw err; // none set
  }
  if (direct !== undefined) {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [other, rooms] of Object.entries(direct)) {
      if (Array.isArray(rooms) && rooms.includes(oldRoomId) && !rooms.includes(newRoomId)) {
        next[other] = [...rooms, newRoomId];
        changed = true;
      } else {
        next[other] = rooms;
      }
    }
    if (changed) await users.setAccountData(as, userId, null, 'm.direct', next);
  }

  const rules = await users.getPushRules(as);
  for (const rule of rules.room) {
    if (rule.rule_id === oldRoomId && rule.enabled && !rules.room.some((r) => r.rule_id === newRoomId)) {
      await users.setPushRule(as, 'room', newRoomId, { actions: rule.actions }, {});
    }
  }
  for (const kind of ['override', 'underride'] as const) {
    for (const rule of rules[kind]) {
      const namesRoom = (rule.conditions ?? []).some((c) => isObject(c) && c.key === 'room_id' && c.pattern === oldRoomId);
      if (!rule.enabled || rule.default || !namesRoom || !rule.rule_id.includes(oldRoomId)) continue;
      const ruleId = rule.rule_id.replaceAll(oldRoomId, newRoomId);
      if (rules[kind].some((r) => r.rule_id === ruleId)) continue;
      const conditions = (rule.conditions ?? []).map((c) => (isObject(c) && c.key === 'room_id' && c.pattern === oldRoomId ? { ...c, pattern: newRoomId } : c));
      await users.setPushRule(as, kind, ruleId, { actions: rule.actions, conditions }, {});
    }
  }
}
