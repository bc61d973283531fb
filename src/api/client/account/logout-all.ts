// POST /_matrix/client/v3/logout/all — client-server-api#post_matrixclientv3logoutall
import { route } from '../../route.js';

export const logoutAllRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/logout/all',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#post_matrixclientv3logoutall',
  handler: async ({ services, requester }) => {
    await services.users.logoutAll(requester);
    return { body: {} };
  },
});
