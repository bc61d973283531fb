// POST /_matrix/client/v3/rooms/{roomId}/leave — client-server-api#post_matrixclientv3roomsroomidleave
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';

export const leaveRoomRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/leave',
  auth: 'access_token',
  guests: true,
  rateLimit: 'default',
  body: s.object({ reason: s.string() }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidleave',
  handler: async ({ services, requester, params, body }) => {
    await services.rooms.leave(requester, roomIdParam(params), body?.reason !== undefined ? { reason: body.reason } : {});
    return { body: {} };
  },
});
