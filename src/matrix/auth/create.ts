// Auth rule 1: m.room.create.
import type { Pdu } from '../pdu.js';
import { KNOWN_ROOM_VERSIONS, type RoomVersionRules } from '../room-versions.js';
import { domainOf, isValidUserId } from '../ids.js';
import type { AuthResult } from './index.js';
import { allow, reject } from './result.js';

export function authorizeCreate(rules: RoomVersionRules, event: Pdu): AuthResult {
  if (event.prevEvents.length > 0) return reject('the create event must not have prev_events');
  if (rules.roomIdFromCreateEvent) {
    if ('room_id' in event.json) return reject('in this room version the create event has no room_id (the room id is derived from its event id)');
  } else if (domainOf(event.roomId) !== domainOf(event.sender)) {
    return reject(`the create event's sender ${event.sender} is not on the room id's server ${domainOf(event.roomId) ?? '(none)'}`);
  }
  const version = event.content.room_version;
  if (version !== undefined && (typeof version !== 'string' || !KNOWN_ROOM_VERSIONS.includes(version))) {
    return reject(`the create event names room version ${JSON.stringify(version)}, which is not a known room version`);
  }
  if (rules.requireCreatorInCreateContent && !('creator' in event.content)) return reject("the create event's content has no creator");
  if (rules.creatorsHaveInfinitePower && 'additional_creators' in event.content) {
    const extra = event.content.additional_creators;
    if (!Array.isArray(extra) || !extra.every((u) => typeof u === 'string' && isValidUserId(u))) {
      return reject('additional_creators must be an array of user ids');
    }
  }
  return allow;
}
