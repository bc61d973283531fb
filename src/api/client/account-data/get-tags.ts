// GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags — client-server-api#get_matrixclientv3useruseridroomsroomidtags
import { route } from '../../route.js';

export const getTagsRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/user/{userId}/rooms/{roomId}/tags',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3useruseridroomsroomidtags',
  handler: async ({ services, requester, params }) => ({
    body: { tags: await services.users.getTags(requester, params.userId!, params.roomId!) },
  }),
});
