// Content checks for state our clients send (PUT /rooms/{roomId}/state, createRoom's
// initial_state), before the event is built: what Synapse's EventValidator refuses with
// 400 for a local event, where the auth rules would accept it or answer 403. Federated
// events are not checked here (the auth rules alone decide those).
import { badJson } from '../api/errors.js';
import type { RoomVersionRules } from '../matrix/room-versions.js';
import { checkPowerLevelsContent } from './create-room-plan.js';

const MEMBERSHIPS = new Set(['join', 'invite', 'leave', 'ban', 'knock']);
const STATE_ONLY = new Set(['m.room.name', 'm.room.topic', 'm.room.member', 'm.room.tombstone']);

/**
 * Types that mean something only as state: sent as a message event (PUT /send) they are 400,
 * as Synapse's EventValidator ("must be state events"; sytest "Cannot send tombstone event
 * that points to the same room").
 */
export function checkMessageEventType(type: string): void {
  if (STATE_ONLY.has(type)) throw badJson(`${type} events must be state events: use PUT /rooms/{roomId}/state/${type}/{stateKey}`);
}

/** `roomId` is undefined while the room is being created. */
export function checkStateContent(rules: RoomVersionRules, roomId: string | undefined, type: string, stateKey: string, content: Record<string, unknown>): void {
  const requireString = (key: string): void => {
    if (typeof content[key] !== 'string') throw badJson(`${type}: content.${key} must be a string`);
  };
  if (stateKey !== '' && type !== 'm.room.member') return;
  switch (type) {
    case 'm.room.name':
      requireString('name');
      break;
    case 'm.room.topic':
      requireString('topic');
      break;
    case 'm.room.member':
      if (typeof content.membership !== 'string' || !MEMBERSHIPS.has(content.membership)) {
        throw badJson(`m.room.member: content.membership must be one of ${[...MEMBERSHIPS].join(', ')}`);
      }
      break;
    case 'm.room.power_levels':
      checkPowerLevelsContent(rules, content);
      break;
    case 'm.room.tombstone':
      requireString('replacement_room');
      if (content.replacement_room === roomId) throw badJson('m.room.tombstone: a room cannot be replaced by itself');
      break;
  }
}
