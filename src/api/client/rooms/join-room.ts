// POST /_matrix/client/v3/rooms/{roomId}/join — client-server-api#post_matrixclientv3roomsroomidjoin
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';

export const joinRoomRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/join',
  auth: 'access_token',
  guests: true,
  rateLimit: 'join',
  body: s.object({ reason: s.string(), third_party_signed: s.record(s.any()) }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidjoin',
  handler: async ({ services, requester, params, body }) => {
    const { room_id } = await services.rooms.join(requester, roomIdParam(params), body?.reason !== undefined ? { reason: body.reason } : {});
    return { body: { room_id } };
  },
});
