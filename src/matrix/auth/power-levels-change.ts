// Auth rule for m.room.power_levels (v1 rule 10, v6 adds `notifications`,
// v10 integers only, v12 creators may not be listed in `users`).
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { isValidUserId } from '../ids.js';
import type { AuthResult, AuthState } from './index.js';
import { NAMED_LEVELS, parsePowerLevel, userPowerLevel } from './power-levels.js';
import { roomCreators } from './creators.js';
import { allow, reject } from './result.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Content checks that do not depend on the room state. */
function checkShape(rules: RoomVersionRules, content: Readonly<Record<string, unknown>>): string | undefined {
  if (rules.integerOnlyPowerLevels) {
    for (const name of NAMED_LEVELS) {
      if (name in content && parsePowerLevel(rules, content[name]) === undefined) return `${name} must be an integer`;
    }
    for (const map of ['events', 'notifications']) {
      if (!(map in content)) continue;
      const m = content[map];
      if (!isObject(m) || !Object.values(m).every((v) => parsePowerLevel(rules, v) !== undefined)) {
        return `${map} must be an object whose values are integers`;
      }
    }
  }
  const users = 'users' in content ? content.users : {};
  if (!isObject(users)) return 'users must be an object';
  for (const [userId, level] of Object.entries(users)) {
    if (!isValidUserId(userId)) return `users holds "${userId}", which is not a user id`;
    if (parsePowerLevel(rules, level) === undefined) return `users["${userId}"] is ${JSON.stringify(level)}, which is not a power level`;
  }
  return undefined;
}

/** One level compared between the current and the proposed power levels. */
interface Alteration {
  readonly what: string;
  readonly user?: string;
  readonly current: unknown;
  readonly proposed: unknown;
  readonly hasCurrent: boolean;
  readonly hasProposed: boolean;
}

function mapOf(content: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> | string {
  const m = content[key];
  if (m === undefined) return {};
  return isObject(m) ? m : `${key} is not an object`;
}

export function authorizePowerLevels(rules: RoomVersionRules, event: Pdu, authState: AuthState): AuthResult {
  const content = event.content;
  const shape = checkShape(rules, content);
  if (shape !== undefined) return reject(`invalid power levels: ${shape}`);

  const create = authState('m.room.create', '');
  if (rules.creatorsHaveInfinitePower && create !== undefined) {
    const users = isObject(content.users) ? content.users : {};
    for (const creator of roomCreators(rules, create)) {
      if (Object.hasOwn(users, creator)) return reject(`room creator ${creator} must not be listed in users: creators have infinite power`);
    }
  }

  // The previous event of the same (type, state_key), as Synapse compares them.
  const previous = authState('m.room.power_levels', event.stateKey ?? '');
  if (previous === undefined) return allow;
  const old = previous.content;

  const alterations: Alteration[] = [];
  for (const name of NAMED_LEVELS) {
    alterations.push({ what: name, current: old[name], proposed: content[name], hasCurrent: name in old, hasProposed: name in content });
  }
  const maps = rules.limitNotificationsPowerLevels ? ['users', 'events', 'notifications'] : ['users', 'events'];
  for (const map of maps) {
    const before = mapOf(old, map);
    const after = mapOf(content, map);
    if (typeof before === 'string') return reject(`the current power levels cannot be compared: ${before}`);
    if (typeof after === 'string') return reject(`invalid power levels: ${after}`);
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      alterations.push({
        what: `${map}["${key}"]`, ...(map === 'users' ? { user: key } : {}),
        current: before[key], proposed: after[key], hasCurrent: Object.hasOwn(before, key), hasProposed: Object.hasOwn(after, key),
      });
    }
  }

  const senderLevel = userPowerLevel(rules, event.sender, authState);
  for (const a of alterations) {
    const current = a.hasCurrent ? parsePowerLevel(rules, a.current) : undefined;
    const proposed = a.hasProposed ? parsePowerLevel(rules, a.proposed) : undefined;
    if (a.hasCurrent && current === undefined) return reject(`the current ${a.what} (${JSON.stringify(a.current)}) is not a power level`);
    if (a.hasProposed && proposed === undefined) return reject(`invalid power levels: ${a.what} (${JSON.stringify(a.proposed)}) is not a power level`);
    if (current !== undefined && proposed !== undefined && current === proposed) continue;
    if (!a.hasCurrent && !a.hasProposed) continue;
    if (a.user !== undefined && a.user !== event.sender && current !== undefined && current >= senderLevel) {
      return reject(`${event.sender} (power level ${senderLevel}) cannot change ${a.what}, which is ${current}: not below their own`);
    }
    if (current !== undefined && current > senderLevel) {
      return reject(`${event.sender} (power level ${senderLevel}) cannot change ${a.what}, which is ${current}: above their own`);
    }
    if (proposed !== undefined && proposed > senderLevel) {
      return reject(`${event.sender} (power level ${senderLevel}) cannot set ${a.what} to ${proposed}: above their own`);
    }
  }
  return allow;
}
