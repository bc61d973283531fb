// DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} — client-server-api#delete_matrixclientv3useruseridroomsroomidtagstag
import { route } from '../../route.js';

export const deleteTagRoute = route({
  method: 'DELETE',
  path: '/_matrix/client/{v}/user/{userId}/rooms/{roomId}/tags/{tag}',
  auth: 'access_token',
  rateLimit: 'default',
  spec: 'client-server-api#delete_matrixclientv3useruseridroomsroomidtagstag',
  handler: async ({ services, requester, params }) => {
    await services.users.deleteTag(requester, params.userId!, params.roomId!, params.tag!);
    return { body: {} };
  },
});
