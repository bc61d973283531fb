// DELETE /_matrix/client/v3/directory/room/{roomAlias} — client-server-api#delete_matrixclientv3directoryroomroomalias
// Allowed to the alias's creator and to users who may set m.room.canonical_alias in the room.
import { route } from '../../route.js';

export const deleteRoomAliasRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/directory/room/{roomAlias}',
  auth: 'access_token',
  rateLimit: 'default',
  spec: 'client-server-api#delete_matrixclientv3directoryroomroomalias',
  handler: async ({ services, requester, params }) => {
    await services.roomReader.deleteAlias(requester.userId, params.roomAlias!);
    return { body: {} };
  },
});
