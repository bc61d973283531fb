// GET /_matrix/client/v3/pushers — client-server-api#get_matrixclientv3pushers
import { route } from '../../route.js';

export const getPushersRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/pushers',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3pushers',
  handler: async ({ services, requester }) => ({ body: { pushers: await services.users.getPushers(requester) } }),
});
