// GET /_matrix/client/v3/profile/{userId}/{keyName} — client-server-api#get_matrixclientv3profileuseridkeyname
import { route } from '../../route.js';
import { userIdField } from '../rooms/params.js';

export const getProfileFieldRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/profile/{userId}/{keyName}',
  auth: 'none',
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv3profileuseridkeyname',
  handler: async ({ services, params }) => {
    const key = params.keyName!;
    return { body: { [key]: await services.users.getProfileField(userIdField(params.userId!), key) } };
  },
});
