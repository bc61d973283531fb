// POST /_matrix/client/v3/rooms/{roomId}/ban — client-server-api#post_matrixclientv3roomsroomidban
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam, userIdField } from './params.js';

export const banUserRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/ban',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ user_id: s.string(), reason: s.string() }, { required: ['user_id'] }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidban',
  handler: async ({ services, requester, params, body }) => {
    await services.rooms.ban(requester, roomIdParam(params), userIdField(body.user_id), body.reason !== undefined ? { reason: body.reason } : {});
    return { body: {} };
  },
});
