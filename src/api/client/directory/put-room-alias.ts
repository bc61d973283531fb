// PUT /_matrix/client/v3/directory/room/{roomAlias} — client-server-api#put_matrixclientv3directoryroomroomalias
// Local aliases only; the requester must be joined to the room. A taken alias is 409.
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const putRoomAliasRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/directory/room/{roomAlias}',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ room_id: s.string() }, { required: ['room_id'] }),
  spec: 'client-server-api#put_matrixclientv3directoryroomroomalias',
  handler: async ({ services, requester, params, body }) => {
    await services.roomReader.createAlias(requester.userId, params.roomAlias!, body.room_id);
    return { body: {} };
  },
});
