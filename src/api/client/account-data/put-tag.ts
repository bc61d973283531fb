// PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} — client-server-api#put_matrixclientv3useruseridroomsroomidtagstag
import { route } from '../../route.js';
import { s } from '../../schema.js';

export const putTagRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/user/{userId}/rooms/{roomId}/tags/{tag}',
  auth: 'access_token',
  rateLimit: 'default',
  // `order` is a number (a position in [0, 1]); other keys are kept as the client sent them.
  body: s.object({ order: s.number() }),
  spec: 'client-server-api#put_matrixclientv3useruseridroomsroomidtagstag',
  handler: async ({ services, requester, params, body }) => {
    await services.users.setTag(requester, params.userId!, params.roomId!, params.tag!, body);
    return { body: {} };
  },
});
