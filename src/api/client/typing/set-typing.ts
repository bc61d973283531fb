// PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId} — client-server-api#put_matrixclientv3roomsroomidtypinguserid
import { invalidParam } from '../../errors.js';
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from '../rooms/params.js';

export const setTypingRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/rooms/{roomId}/typing/{userId}',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ typing: s.bool(), timeout: s.int({ min: 0 }) }, { required: ['typing'] }),
  spec: 'client-server-api#put_matrixclientv3roomsroomidtypinguserid',
  handler: async ({ services, requester, params, body }) => {
    const userId = params.userId ?? '';
    if (!userId.startsWith('@')) throw invalidParam(`${JSON.stringify(userId)} is not a user id`);
    await services.sync.setTyping(requester, roomIdParam(params), userId, body.typing, body.timeout);
    return { body: {} };
  },
});
