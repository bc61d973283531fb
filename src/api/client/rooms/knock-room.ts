// POST /_matrix/client/v3/knock/{roomIdOrAlias} — client-server-api#post_matrixclientv3knockroomidoralias
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdOrAliasParam } from './params.js';

export const knockRoomRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/knock/{roomIdOrAlias}',
  auth: 'access_token',
  rateLimit: 'join',
  body: s.object({ reason: s.string() }),
  spec: 'client-server-api#post_matrixclientv3knockroomidoralias',
  handler: async ({ services, requester, params, body }) => {
    const { room_id } = await services.rooms.knock(requester, roomIdOrAliasParam(params), body?.reason !== undefined ? { reason: body.reason } : {});
    return { body: { room_id } };
  },
});
