// POST /_matrix/client/v3/rooms/{roomId}/upgrade — client-server-api#post_matrixclientv3roomsroomidupgrade
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';

export const upgradeRoomRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/upgrade',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ new_version: s.string(), additional_creators: s.array(s.string()) }, { required: ['new_version'] }),
  spec: 'client-server-api#post_matrixclientv3roomsroomidupgrade',
  handler: async ({ services, requester, params, body }) => ({
    body: await services.rooms.upgradeRoom(requester, roomIdParam(params), body.new_version,
      body.additional_creators !== undefined ? { additionalCreators: body.additional_creators } : {}),
  }),
});
