// Room upgrades (client-server-api "Room Upgrades", server behaviour): the createRoom
// request of the replacement room, built from the old room's state. The create event
// names its predecessor and keeps the room type and m.federate; the recommended state is
// copied (power levels with the upgrader raised while the copy is made, as Synapse
// does); bans are carried over afterwards. RoomServiceImpl.upgradeRoom runs the steps.
import { invalidParam } from '../api/errors.js';
import { NAMED_LEVELS, parsePowerLevel, userPowerLevel } from '../matrix/auth/power-levels.js';
import type { AuthState } from '../matrix/auth/index.js';
import { isValidUserId } from '../matrix/ids.js';
import type { RoomVersionRules } from '../matrix/room-versions.js';
import type { CreateRoomRequest } from './service.js';

/** The spec's recommended transferable state (all with the empty state key). */
export const TRANSFERRED_STATE = [
  'm.room.server_acl', 'm.room.encryption', 'm.room.name', 'm.room.avatar', 'm.room.topic',
  'm.room.guest_access', 'm.room.history_visibility', 'm.room.join_rules', 'm.room.power_levels',
] as const;

export interface UpgradePlan {
  readonly request: CreateRoomRequest;
  /** the copied power levels, sent once the copy is made when the request raised the upgrader */
  readonly finalPowerLevels?: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The old room's power levels as integers (before v10 levels may be strings such as "50",
 * which later versions refuse); entries the old version could not read, and users entries
 * that are not user ids, are dropped (createRoom would refuse them).
 */
function normalisePowerLevels(rules: RoomVersionRules, content: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...content };
  for (const name of NAMED_LEVELS) {
    if (content[name] === undefined) continue;
    const n = parsePowerLevel(rules, content[name]);
    if (n === undefined) delete out[name];
    else out[name] = n;
  }
  for (const map of ['users', 'events', 'notifications'] as const) {
    const m = content[map];
    if (m === undefined) continue;
    if (!isObject(m)) {
      delete out[map];
      continue;
    }
    const levels: Record<string, number> = {};
    for (const [k, v] of Object.entries(m)) {
      const n = parsePowerLevel(rules, v);
      if (n !== undefined && (map !== 'users' || isValidUserId(k))) levels[k] = n;
    }
    out[map] = levels;
  }
  return out;
}

/** The highest level any state the replacement room starts with needs (Synapse's needed_power_level). */
function neededLevel(pl: Record<string, unknown>): number {
  let needed = 0;
  for (const name of ['state_default', 'ban'] as const) needed = Math.max(needed, typeof pl[name] === 'number' ? pl[name] : 50);
  if (isObject(pl.events)) for (const v of Object.values(pl.events)) if (typeof v === 'number') needed = Math.max(needed, v);
  return needed;
}

export function planUpgrade(
  oldRules: RoomVersionRules, newRules: RoomVersionRules, upgrader: string, oldState: AuthState,
  oldRoomId: string, tombstoneId: string | undefined, additionalCreators: readonly string[] | undefined,
): UpgradePlan {
  const oldCreate = oldState('m.room.create', '')?.content ?? {};
  const creationContent: Record<string, unknown> = {
    // event_id: the old room's last event, its tombstone (v12+ may omit it: the tombstone is sent after)
    predecessor: tombstoneId !== undefined ? { room_id: oldRoomId, event_id: tombstoneId } : { room_id: oldRoomId },
  };
  if (oldCreate.type !== undefined) creationContent.type = oldCreate.type;
  if (oldCreate['m.federate'] !== undefined) creationContent['m.federate'] = oldCreate['m.federate'];
  const extraCreators = newRules.creatorsHaveInfinitePower ? [...new Set(additionalCreators ?? [])].filter((u) => u !== upgrader) : [];
  for (const u of extraCreators) if (!isValidUserId(u)) throw invalidParam(`additional_creators: ${JSON.stringify(u)} is not a user id`);
  if (extraCreators.length > 0) creationContent.additional_creators = extraCreators;

  const initialState: { type: string; state_key: string; content: Record<string, unknown> }[] = [];
  let finalPowerLevels: Record<string, unknown> | undefined;
  for (const type of TRANSFERRED_STATE) {
    const e = oldState(type, '');
    if (e === undefined) continue;
    let content = { ...e.content };
    if (type === 'm.room.power_levels') {
      content = normalisePowerLevels(oldRules, content);
      const users: Record<string, unknown> = isObject(content.users) ? { ...content.users } : {};
      if (newRules.creatorsHaveInfinitePower) {
        // Creators have infinite power there and must not be listed.
        for (const u of [upgrader, ...extraCreators]) delete users[u];
        content.users = users;
      } else {
        const needed = neededLevel(content);
        const listed = typeof users[upgrader] === 'number' ? users[upgrader] : undefined;
        const oldLevel = userPowerLevel(oldRules, upgrader, oldState);
        // A creator with infinite power in the old room keeps the top level it can have here.
        const kept = oldLevel === Infinity ? Math.max(100, needed) : listed;
        const final = { ...content, users: kept !== undefined ? { ...users, [upgrader]: kept } : users };
        const current = kept ?? (typeof content.users_default === 'number' ? content.users_default : 0);
        if (current < needed) {
          content = { ...content, users: { ...users, [upgrader]: needed } };
          finalPowerLevels = final;
        } else {
          content = final;
        }
      }
    }
    initialState.push({ type, state_key: '', content });
  }

  const joinRule = oldState('m.room.join_rules', '')?.content.join_rule;
  const request: CreateRoomRequest = {
    room_version: newRules.id,
    creation_content: creationContent,
    initial_state: initialState,
    // The preset only fills what the old room did not set (initial_state wins over it).
    preset: joinRule === 'public' ? 'public_chat' : 'private_chat',
  };
  return finalPowerLevels !== undefined ? { request, finalPowerLevels } : { request };
}

/** Spec step 6: the old room's events_default and invite raised to max(50, users_default + 1). */
export function restrictedPowerLevels(rules: RoomVersionRules, content: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (content === undefined) return undefined;
  const usersDefault = parsePowerLevel(rules, content.users_default) ?? 0;
  const restricted = Math.max(50, usersDefault + 1);
  const eventsDefault = parsePowerLevel(rules, content.events_default) ?? 0;
  const invite = parsePowerLevel(rules, content.invite) ?? 0;
  if (eventsDefault >= restricted && invite >= restricted) return undefined;
  return { ...content, events_default: Math.max(eventsDefault, restricted), invite: Math.max(invite, restricted) };
}
