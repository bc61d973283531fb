// POST /_matrix/client/v3/rooms/{roomId}/forget — client-server-api#post_matrixclientv3roomsroomidforget
import { route } from '../../route.js';
import { roomIdParam } from './params.js';

export const forgetRoomRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/rooms/{roomId}/forget',
  auth: 'access_token',
  rateLimit: 'default',
  spec: 'client-server-api#post_matrixclientv3roomsroomidforget',
  handler: async ({ services, requester, params }) => {
    await services.rooms.forget(requester, roomIdParam(params));
    return { body: {} };
  },
});
