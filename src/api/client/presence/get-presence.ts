// GET /_matrix/client/v3/presence/{userId}/status — client-server-api#get_matrixclientv3presenceuseridstatus
import { route } from '../../route.js';

export const getPresenceRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/presence/{userId}/status',
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3presenceuseridstatus',
  handler: async ({ services, requester, params }) => ({ body: await services.users.getPresence(requester, params.userId!) }),
});
