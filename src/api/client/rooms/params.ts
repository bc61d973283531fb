// Path parameters the room write endpoints share: ids are checked for their sigil
// before a service sees them (M_INVALID_PARAM, as Synapse answers).
import { invalidParam } from '../../errors.js';

export function roomIdParam(params: Readonly<Record<string, string>>): string {
  const roomId = params.roomId ?? '';
  if (!roomId.startsWith('!')) throw invalidParam(`${JSON.stringify(roomId)} is not a room id`);
  return roomId;
}

export function roomIdOrAliasParam(params: Readonly<Record<string, string>>): string {
  const id = params.roomIdOrAlias ?? '';
  if (!id.startsWith('!') && !id.startsWith('#')) throw invalidParam(`${JSON.stringify(id)} is neither a room id nor a room alias`);
  return id;
}

export function userIdField(userId: string): string {
  if (!userId.startsWith('@') || !userId.includes(':')) throw invalidParam(`${JSON.stringify(userId)} is not a user id`);
  return userId;
}
