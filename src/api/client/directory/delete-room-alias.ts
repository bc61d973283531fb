// DELETE /_matrix/client/v3/directory/room/{roomAlias} — client-server-api#delete_matrixclientv3directoryroomroomalias
// Allowed to the alias's creator and to users who may set m.room.canonical_alias in the room.
// A deleted alias also leaves the room's m.room.canonical_alias (alias and alt_aliases), as
// Synapse does, so the room does not keep advertising an alias that no longer resolves.
import { isMatrixError } from '../../errors.js';
import { route, type Requester } from '../../route.js';
import type { Services } from '../../../server/services.js';

export const deleteRoomAliasRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/directory/room/{roomAlias}',
  auth: 'access_token',
  rateLimit: 'default',
  spec: 'client-server-api#delete_matrixclientv3directoryroomroomalias',
  handler: async ({ services, requester, params }) => {
    const roomId = await services.roomReader.deleteAlias(requester.userId, params.roomAlias!);
    await dropFromCanonicalAlias(services, requester, roomId, params.roomAlias!);
    return { body: {} };
  },
});

/** Sends m.room.canonical_alias without `alias` when it names the alias; best effort (the requester may lack the power). */
async function dropFromCanonicalAlias(services: Services, requester: Requester, roomId: string, alias: string): Promise<void> {
  try {
    const current = await services.roomReader.stateEvent(requester.userId, roomId, 'm.room.canonical_alias', '', 'content') as Record<string, unknown>;
    const content = { ...current };
    let changed = false;
    if (content.alias === alias) {
      delete content.alias;
      changed = true;
    }
    if (Array.isArray(content.alt_aliases) && content.alt_aliases.includes(alias)) {
      const rest = content.alt_aliases.filter((a) => a !== alias);
      if (rest.length > 0) content.alt_aliases = rest;
      else delete content.alt_aliases;
      changed = true;
    }
    if (changed) await services.rooms.setState(requester, roomId, 'm.room.canonical_alias', '', content);
  } catch (err) {
    // No canonical alias, not in the room any more, or not allowed to change it: the alias is gone all the same.
    if (!isMatrixError(err)) throw err;
  }
}
