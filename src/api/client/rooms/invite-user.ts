// POST /_matrix/client/v3/rooms/{roomId}/invite — client-server-api#post_matrixclientv3roomsroomidinvite
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam, userIdField } from './params.js';

export const inviteUserRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/invite',
  auth: 'access_token',
  rateLimit: 'join',
  // Third-party invites (id_server, medium, address) are not supported: user_id is required.
  body: s.object({ user_id: s.string(), reason: s.string() }, { required: ['user_id'] }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidinvite',
  handler: async ({ services, requester, params, body }) => {
    await services.rooms.invite(requester, roomIdParam(params), userIdField(body.user_id), body.reason !== undefined ? { reason: body.reason } : {});
    return { body: {} };
  },
});
