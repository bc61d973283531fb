// POST /_matrix/client/v3/logout — client-server-api#post_matrixclientv3logout
import { route } from '../../route.js';

export const logoutRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/logout',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#post_matrixclientv3logout',
  handler: async ({ services, requester }) => {
    await services.users.logout(requester);
    return { body: {} };
  },
});
