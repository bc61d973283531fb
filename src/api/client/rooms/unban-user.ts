// POST /_matrix/client/v3/rooms/{roomId}/unban — client-server-api#post_matrixclientv3roomsroomidunban
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam, userIdField } from './params.js';

export const unbanUserRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/unban',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ user_id: s.string(), reason: s.string() }, { required: ['user_id'] }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidunban',
  handler: async ({ services, requester, params, body }) => {
    await services.rooms.unban(requester, roomIdParam(params), userIdField(body.user_id), body.reason !== undefined ? { reason: body.reason } : {});
    return { body: {} };
  },
});
