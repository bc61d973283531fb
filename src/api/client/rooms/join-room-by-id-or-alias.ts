// POST /_matrix/client/v3/join/{roomIdOrAlias} — client-server-api#post_matrixclientv3joinroomidoralias
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdOrAliasParam } from './params.js';

export const joinRoomByIdOrAliasRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/join/{roomIdOrAlias}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'join',
  body: s.object({ reason: s.string(), third_party_signed: s.record(s.any()) }),
  spec: 'client-server-api#post_matrixclientv3joinroomidoralias',
  // `via` / `server_name` name servers to join through: only local rooms are joinable until federation lands.
  handler: async ({ services, requester, params, body }) => {
    const { room_id } = await services.rooms.join(requester, roomIdOrAliasParam(params), body?.reason !== undefined ? { reason: body.reason } : {});
    return { body: { room_id } };
  },
});
