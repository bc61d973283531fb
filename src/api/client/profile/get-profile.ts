// GET /_matrix/client/v3/profile/{userId} — client-server-api#get_matrixclientv3profileuserid
import { route } from '../../route.js';
import { userIdField } from '../rooms/params.js';

export const getProfileRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/profile/{userId}',
  auth: 'none',
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv3profileuserid',
  handler: async ({ services, params }) => ({ body: await services.users.getProfile(userIdField(params.userId!)) }),
});
